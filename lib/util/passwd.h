/*
 * passwd.h - the finance console's passwords: yescrypt hashes made with libxcrypt's
 * crypt(3), checks against them in constant time, and the rules for user names and
 * new passwords. Passwords are never stored or logged in clear.
 */
#ifndef PS_PASSWD_H
#define PS_PASSWD_H

#include <stddef.h>

#define PASSWD_MIN_LEN 10	/* bytes */
#define PASSWD_MAX_LEN 1024	/* bytes: longer input is refused, not cut */
#define PASSWD_NAME_MAX 64

/*
 * passwd_hash - a new "$y$..." yescrypt hash of pw with a fresh random salt, or NULL
 * with the reason in err (libxcrypt without yescrypt, no randomness). Caller frees.
 */
char *passwd_hash(const char *pw, char *err, size_t errlen);
/*
 * passwd_verify - 1 if pw matches hash, else 0. A NULL or malformed hash (an unknown
 * user) costs the same time as a real one and never matches.
 */
int passwd_verify(const char *pw, const char *hash);
/* passwd_acceptable - 0 if pw may become a password, else -1 and why */
int passwd_acceptable(const char *pw, char *why, size_t whylen);
/* passwd_name_valid - 1 for a user name of 1..64 of [a-z0-9._@-], starting with a
 * letter or digit */
int passwd_name_valid(const char *name);
/* passwd_equal - constant-time comparison of two strings (their lengths may leak) */
int passwd_equal(const char *a, const char *b);

#endif

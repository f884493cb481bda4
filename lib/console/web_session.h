/*
 * web_session.h - the finance console's sessions and roles, as pure code: random
 * tokens, the hash the store keeps instead of a token, the session cookie, the idle
 * timeout, and what each role may see.
 *
 * A token is 256 bits from getrandom(2), written as 64 lower-case hex digits. The
 * store keeps only its SHA-256, so a copy of the database opens no session.
 */
#ifndef PS_WEB_SESSION_H
#define PS_WEB_SESSION_H

#include <stddef.h>
#include <time.h>

#define WEB_TOKEN_LEN 64		/* hex digits of a token or of its hash */
#define WEB_COOKIE_NAME "postsale_session"
#define WEB_LOGIN_COOKIE "postsale_login"	/* the login form's CSRF token (double submit) */

enum web_role { WEB_ROLE_NONE, WEB_ROLE_FINANCE, WEB_ROLE_MANAGER, WEB_ROLE_ADMIN };
/* What a page needs. */
enum web_right { WEB_RIGHT_INVOICES, WEB_RIGHT_CUSTOMERS, WEB_RIGHT_USERS };

/* web_token_new - a fresh random token into out (WEB_TOKEN_LEN + 1 bytes); 0, or -1
 * when the kernel gives no randomness */
int web_token_new(char *out);
/* web_token_valid - 1 if s has the form of a token (64 lower-case hex digits) */
int web_token_valid(const char *s);
/* web_token_hash - the SHA-256 of token as 64 hex digits into out (WEB_TOKEN_LEN + 1) */
void web_token_hash(const char *token, char *out);
/*
 * web_cookie - the Set-Cookie value of cookie name with token: HttpOnly, SameSite=Strict,
 * Path=/, Secure when secure; token NULL gives the cookie that removes it. Caller frees.
 */
char *web_cookie(const char *name, const char *token, int secure);
/* web_session_cookie - web_cookie() of the session cookie */
char *web_session_cookie(const char *token, int secure);
/* web_session_expired - 1 when a session last seen at last_seen is idle past idle_ms */
int web_session_expired(time_t last_seen, time_t now, long idle_ms);
/* web_role_parse - "finance", "manager", "admin" -> the role; WEB_ROLE_NONE else */
enum web_role web_role_parse(const char *s);
/* web_role_name - the role's word (static) */
const char *web_role_name(enum web_role role);
/* web_role_may - 1 if role has right: finance the invoices, managers the customers,
 * admin both and the users */
int web_role_may(enum web_role role, enum web_right right);

#endif

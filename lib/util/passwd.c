/*
 * passwd.c - yescrypt password hashes and the rules for names and passwords
 * (passwd.h).
 *
 * Trusts nothing it is given: names and passwords come from a login form or a
 * terminal. crypt_rn() never returns the "*0" failure token as a match.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passwd.h"
#include "xalloc.h"

/* A valid yescrypt setting that unknown users are checked against, so that a login
 * for a name that does not exist takes as long as one that does. */
static const char passwd_dummy[] =
    "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$6foLM1JhGupouWKMU70wxK61Kw9ZnecbACjJwRadqM2";

int
passwd_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		d |= (unsigned char) (a[i] ^ b[i]);
	return d == 0;
}

char *
passwd_hash(const char *pw, char *err, size_t errlen)
{
	struct crypt_data *cd;
	char *setting, *out = NULL;
	const char *h;

	if ((setting = crypt_gensalt_ra("$y$", 0, NULL, 0)) == NULL) {
		snprintf(err, errlen, "cannot make a yescrypt salt (libxcrypt without yescrypt, or no randomness)");
		return NULL;
	}
	cd = xcalloc(1, sizeof(*cd));
	h = crypt_rn(pw, setting, cd, (int) sizeof(*cd));
	if (h == NULL || h[0] != '$')
		snprintf(err, errlen, "crypt(3) failed to hash the password");
	else
		out = xstrdup(h);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	free(setting);
	return out;
}

int
passwd_verify(const char *pw, const char *hash)
{
	struct crypt_data *cd = xcalloc(1, sizeof(*cd));
	int known = hash != NULL && strncmp(hash, "$y$", 3) == 0;
	const char *h = crypt_rn(pw, known ? hash : passwd_dummy, cd, (int) sizeof(*cd));
	int ok = known && h != NULL && h[0] == '$' && passwd_equal(h, hash);

	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

int
passwd_acceptable(const char *pw, char *why, size_t whylen)
{
	size_t n = strlen(pw);

	if (n < PASSWD_MIN_LEN) {
		snprintf(why, whylen, "the password is too short: at least %d characters", PASSWD_MIN_LEN);
		return -1;
	}
	if (n > PASSWD_MAX_LEN) {
		snprintf(why, whylen, "the password is too long: at most %d bytes", PASSWD_MAX_LEN);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char) pw[i] < 0x20 || pw[i] == 0x7f) {
			snprintf(why, whylen, "the password holds a control character");
			return -1;
		}
	return 0;
}

int
passwd_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > PASSWD_NAME_MAX)
		return 0;
	if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= '0' && name[0] <= '9')))
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._@-") == n;
}

/*
 * web_session.c - session tokens, cookies, idle timeout and roles (web_session.h).
 *
 * Trusts nothing: tokens come from cookies that any client may send.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "web_session.h"
#include "util/xalloc.h"

/* hex - n bytes of in as 2n lower-case hex digits and a NUL into out */
static void
hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
web_token_new(char *out)
{
	unsigned char raw[WEB_TOKEN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t) n;
	}
	hex(raw, sizeof(raw), out);
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

int
web_token_valid(const char *s)
{
	return s != NULL && strlen(s) == WEB_TOKEN_LEN &&
	    strspn(s, "0123456789abcdef") == WEB_TOKEN_LEN;
}

void
web_token_hash(const char *token, char *out)
{
	unsigned char digest[32];

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), digest) != 0)
		memset(digest, 0, sizeof(digest));	/* matches no stored hash of a token */
	hex(digest, sizeof(digest), out);
}

char *
web_cookie(const char *name, const char *token, int secure)
{
	return xasprintf("%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s", name,
	    token ? token : "", secure ? "; Secure" : "", token ? "" : "; Max-Age=0");
}

char *
web_session_cookie(const char *token, int secure)
{
	return web_cookie(WEB_COOKIE_NAME, token, secure);
}

int
web_session_expired(time_t last_seen, time_t now, long idle_ms)
{
	return now < last_seen || (long long) (now - last_seen) * 1000 > (long long) idle_ms;
}

static const char *const role_names[] = { "none", "finance", "manager", "admin" };

enum web_role
web_role_parse(const char *s)
{
	for (int r = WEB_ROLE_FINANCE; r <= WEB_ROLE_ADMIN; r++)
		if (s != NULL && strcmp(s, role_names[r]) == 0)
			return (enum web_role) r;
	return WEB_ROLE_NONE;
}

const char *
web_role_name(enum web_role role)
{
	return role >= WEB_ROLE_NONE && role <= WEB_ROLE_ADMIN ? role_names[role] : "none";
}

int
web_role_may(enum web_role role, enum web_right right)
{
	switch (right) {
	case WEB_RIGHT_INVOICES:
		return role == WEB_ROLE_FINANCE || role == WEB_ROLE_ADMIN;
	case WEB_RIGHT_CUSTOMERS:
		return role == WEB_ROLE_MANAGER || role == WEB_ROLE_ADMIN;
	case WEB_RIGHT_USERS:
		return role == WEB_ROLE_ADMIN;
	}
	return 0;
}

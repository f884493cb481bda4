/*
 * db_pg_text.c - the PostgreSQL driver's text work: "?" placeholders numbered $1, $2
 * ..., a libpq URI without its password, a server's message on one line.
 *
 * The SQL is the store's own (string constants); the URI is the admin's config and may
 * hold a password, which never leaves db_pg_redact().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_pg.h"
#include "util/xalloc.h"

/* pg_skip_quoted - the end of the literal, identifier or comment at p, or p if none */
static const char *
pg_skip_quoted(const char *p)
{
	const char *end;

	if (*p == '\'' || *p == '"') {
		for (end = p + 1; *end != '\0'; end++)
			if (*end == *p) {
				if (end[1] != *p)	/* '' and "" stand for one quote */
					return end + 1;
				end++;
			}
		return end;
	}
	if (p[0] == '-' && p[1] == '-') {
		end = strchr(p, '\n');
		return end != NULL ? end : p + strlen(p);
	}
	if (p[0] == '/' && p[1] == '*') {
		end = strstr(p + 2, "*/");
		return end != NULL ? end + 2 : p + strlen(p);
	}
	return p;
}

char *
db_pg_placeholders(const char *sql, int *nparams)
{
	size_t count = 0, len;
	const char *p, *q;
	char *out, *o, *end;
	long number;
	int n = 0;

	for (p = sql; *p != '\0'; p++)
		count += *p == '?';
	len = strlen(sql) + count * 10 + 1;	/* "$" and up to 10 digits for each "?" */
	out = o = xmalloc(len);
	for (p = sql; *p != '\0';) {
		if ((q = pg_skip_quoted(p)) != p) {
			memcpy(o, p, (size_t) (q - p));
			o += q - p;
			p = q;
		} else if (*p == '?') {
			/* ?NNN is parameter NNN; a bare ? the one after the highest so far (SQLite) */
			number = strtol(p + 1, &end, 10);
			if (end == p + 1 || number < 1 || number > 32767)
				number = n + 1, end = (char *) p + 1;
			if (number > n)
				n = (int) number;
			o += snprintf(o, len - (size_t) (o - out), "$%ld", number);
			p = end;
		} else
			*o++ = *p++;
	}
	*o = '\0';
	*nparams = n;
	return out;
}

/* pg_drop_param - remove the query parameter name= (every occurrence) from s in place */
static void
pg_drop_param(char *s, const char *name)
{
	size_t nlen = strlen(name);
	char *q = strchr(s, '?'), *p, *end;

	if (q == NULL)
		return;
	for (p = q + 1; *p != '\0';) {
		end = p + strcspn(p, "&#");
		if (strncasecmp(p, name, nlen) == 0 && p[nlen] == '=') {
			if (*end == '&')
				end++;
			else if (p[-1] == '&')		/* the last one: drop its "&" too */
				p--;
			memmove(p, end, strlen(end) + 1);
			if (p[-1] == '?' && (*p == '\0' || *p == '#'))
				memmove(p - 1, p, strlen(p) + 1);	/* no parameter left */
			continue;
		}
		if (*end != '&')
			break;
		p = end + 1;
	}
}

char *
db_pg_redact(const char *uri)
{
	char *out = xstrdup(uri), *auth, *at, *colon;
	size_t authlen;

	if ((auth = strstr(out, "://")) != NULL) {
		auth += 3;
		authlen = strcspn(auth, "/?#");
		/* the user info ends at the last "@" of the authority */
		for (at = NULL, colon = auth; colon < auth + authlen; colon++)
			if (*colon == '@')
				at = colon;
		if (at != NULL && (colon = memchr(auth, ':', (size_t) (at - auth))) != NULL)
			memmove(colon, at, strlen(at) + 1);
	}
	pg_drop_param(out, "password");
	return out;
}

void
db_pg_oneline(char *buf, size_t len, const char *msg)
{
	size_t o = 0;

	if (len == 0)
		return;
	for (const char *p = msg != NULL ? msg : ""; *p != '\0' && o + 1 < len; p++) {
		if (*p != '\n') {
			buf[o++] = *p;
			continue;
		}
		while (p[1] == '\n' || p[1] == '\t' || p[1] == ' ')	/* libpq indents its hints */
			p++;
		if (p[1] == '\0')
			break;
		if (o + 3 >= len)
			break;
		buf[o++] = ';';
		buf[o++] = ' ';
	}
	while (o > 0 && (buf[o - 1] == ' ' || buf[o - 1] == ';'))
		o--;
	buf[o] = '\0';
}

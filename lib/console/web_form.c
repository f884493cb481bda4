/*
 * web_form.c - form, id and date parsing for the finance console (web_form.h).
 *
 * Input: request bodies and paths from any client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_form.h"
#include "util/xalloc.h"
#include "util/text.h"

/* decode - the n bytes at s percent-decoded ('+' a space) into a new string, or NULL
 * when an escape is malformed or the result is not valid text */
static char *
decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n || (hi = text_hexval((unsigned char) s[i + 1])) < 0 ||
			    (lo = text_hexval((unsigned char) s[i + 2])) < 0)
				goto bad;
			out[o++] = (char) (hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	if (!web_utf8_valid(out, o))
		goto bad;
	return out;
bad:
	free(out);
	return NULL;
}

int
web_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *) s;

	for (size_t i = 0, k; i < n; i += k) {
		unsigned c = p[i];
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f ||
		    (k = text_utf8_len(p + i, n - i)) == 0)
			return 0;
	}
	return 1;
}

int
web_form_parse(const char *body, size_t len, struct web_form *f, char *err, size_t errlen)
{
	size_t i = 0;

	memset(f, 0, sizeof(*f));
	if (len > WEB_FORM_MAX_BODY) {
		snprintf(err, errlen, "the form is larger than %d bytes", WEB_FORM_MAX_BODY);
		return -1;
	}
	if (memchr(body, '\0', len) != NULL) {
		snprintf(err, errlen, "the form holds a NUL byte");
		return -1;
	}
	while (i < len) {
		const char *pair = body + i, *amp = memchr(pair, '&', len - i), *eq;
		size_t plen = amp ? (size_t) (amp - pair) : len - i;
		char *k, *v;

		i += plen + 1;
		if (plen == 0)
			continue;
		eq = memchr(pair, '=', plen);
		if (eq == NULL) {
			snprintf(err, errlen, "a form field has no '='");
			goto fail;
		}
		if (f->n == WEB_FORM_MAX_FIELDS) {
			snprintf(err, errlen, "the form has more than %d fields", WEB_FORM_MAX_FIELDS);
			goto fail;
		}
		k = decode(pair, (size_t) (eq - pair));
		v = decode(eq + 1, plen - (size_t) (eq - pair) - 1);
		if (k == NULL || v == NULL || k[0] == '\0') {
			free(k);
			free(v);
			snprintf(err, errlen, "a form field is not well-formed (bad %%-escape or not UTF-8)");
			goto fail;
		}
		if (web_form_get(f, k) != NULL) {
			snprintf(err, errlen, "the form field '%.32s' is given twice", k);
			free(k);
			free(v);
			goto fail;
		}
		f->key[f->n] = k;
		f->val[f->n++] = v;
	}
	return 0;
fail:
	web_form_clear(f);
	return -1;
}

const char *
web_form_get(const struct web_form *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->key[i], key) == 0)
			return f->val[i];
	return NULL;
}

void
web_form_clear(struct web_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->key[i]);
		free(f->val[i]);
	}
	f->n = 0;
}

int
web_parse_id(const char *s, long long *out)
{
	size_t n = s ? strspn(s, "0123456789") : 0;

	if (n == 0 || n > 18 || s[n] != '\0' || s[0] == '0')
		return -1;
	*out = strtoll(s, NULL, 10);
	return 0;
}

int
web_parse_date(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	int y, m, d;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    strspn(s, "0123456789") != 4 || strspn(s + 5, "0123456789") != 2 ||
	    strspn(s + 8, "0123456789") != 2)
		return -1;
	y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = timegm(&tm);
	return 0;
}

int
web_path_id(const char *path, const char *prefix, long long *id, const char **rest)
{
	size_t pl = strlen(prefix), n;
	char digits[20];

	if (strncmp(path, prefix, pl) != 0)
		return -1;
	path += pl;
	n = strspn(path, "0123456789");
	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, path, n);
	digits[n] = '\0';
	if (web_parse_id(digits, id) != 0)
		return -1;
	*rest = path + n;
	return 0;
}

char *
web_url_encode(const char *s)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(3 * n + 1);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char) s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c) != NULL) {
			out[o++] = (char) c;
		} else {
			out[o++] = '%';
			out[o++] = digits[c >> 4];
			out[o++] = digits[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

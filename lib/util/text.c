/*
 * text.c - untrusted text made safe to show: printable copies, UTF-8 sequences, mail
 * addresses.
 *
 * Trusts nothing: the bytes come from messages, invoices, the store and the command
 * line; lengths are the caller's, NULs inside them are bytes like any other.
 */
#include <ctype.h>
#include <string.h>

#include "text.h"
#include "xalloc.h"

size_t
text_utf8_len(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (s[0] == 0xf0 && s[1] < 0x90) ||
		    (s[0] == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* printable_seq - how many input bytes at s (n left) make the next output, and what
 * it is: *out set to that many bytes of s, or to one replacement byte; 0 output bytes
 * (*outlen 0) for a dropped CR/LF */
static size_t
printable_seq(const unsigned char *s, size_t n, unsigned flags, char *rep, size_t *outlen)
{
	unsigned char c = s[0];
	size_t k;

	if (c < 0x20 || c == 0x7f) {
		*outlen = (flags & TEXT_NOEOL) && (c == '\r' || c == '\n') ? 0 : 1;
		*rep = (flags & TEXT_SPACE) ? ' ' : '?';
		return 1;
	}
	if (c < 0x80) {
		*outlen = 1;
		*rep = (char) c;
		return 1;
	}
	k = (flags & TEXT_ASCII) ? 0 : text_utf8_len(s, n);
	if (k == 0) {
		*outlen = 1;
		*rep = '?';
		return 1;
	}
	*outlen = k;		/* the sequence itself */
	*rep = 0;
	return k;
}

char *
text_printable(char *buf, size_t bufsize, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t i = 0, o = 0;

	if (bufsize == 0)
		return buf;
	while (i < len) {
		char rep;
		size_t outlen, k;

		if (p[i] >= 0x20 && p[i] < 0x7f) {	/* printable ASCII: most bytes */
			if (o + 1 > bufsize - 1)
				break;
			buf[o++] = (char) p[i++];
			continue;
		}
		k = printable_seq(p + i, len - i, flags, &rep, &outlen);
		if (o + outlen > bufsize - 1)
			break;
		if (outlen == 1 && k == 1)
			buf[o] = rep;
		else if (outlen > 0)
			memmove(buf + o, p + i, outlen);	/* in place: o <= i */
		o += outlen;
		i += k;
	}
	buf[o] = '\0';
	if (i < len && bufsize >= 4) {
		size_t keep = bufsize - 4 < o ? bufsize - 4 : o;
		while (keep > 0 && ((unsigned char) buf[keep] & 0xc0) == 0x80)
			keep--;		/* not inside a UTF-8 sequence */
		memcpy(buf + keep, "...", 4);
	}
	return buf;
}

char *
text_printable_dup(const char *s, size_t len, unsigned flags)
{
	char *buf = xmalloc(len + 1);

	return text_printable(buf, len + 1, s, len, flags);
}

char *
text_printable_inplace(char *s, unsigned flags)
{
	size_t len = strlen(s);

	/* output never grows and never overtakes input, so in place is safe */
	return text_printable(s, len + 1, s, len, flags & ~TEXT_NOEOL);
}

int
text_addr_valid(const char *s)
{
	const char *at, *p;

	if (s == NULL || (at = strrchr(s, '@')) == NULL || at == s || at - s > 64 ||
	    strlen(at + 1) == 0 || strlen(at + 1) > 255)
		return 0;
	for (p = s; p < at; p++) {
		unsigned char c = (unsigned char) *p;
		if (c <= ' ' || c == 0x7f || strchr("()<>[]:;@\\,\"", c) != NULL)
			return 0;
	}
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return 0;
	/* domain: labels of letters, digits, '-' (or UTF-8), separated by single dots */
	for (p = at + 1; *p; p++) {
		unsigned char c = (unsigned char) *p;
		if (c == '.') {
			if (p == at + 1 || p[1] == 0 || p[1] == '.')
				return 0;
		} else if (!(isalnum(c) || c == '-' || c >= 0x80))
			return 0;
	}
	return 1;
}

int
text_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

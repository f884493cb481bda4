/*
 * note_codec.c - strict base64 and quoted-printable codecs, and the
 * conversion of the note into a part's charset, for the note injection.
 *
 * The decoders read untrusted message content and refuse what they cannot decode
 * exactly (a part that is decoded and re-encoded must keep its meaning), where
 * general-purpose decoders would skip garbage silently. The encoders write what
 * RFC 2045 asks: QP lines of at most 76 octets, base64 lines of 76.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "note_int.h"
#include "util/text.h"
#include "util/xalloc.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
note_b64_decode(const char *in, size_t n, struct buf *out)
{
	unsigned acc = 0;
	int nacc = 0, pad = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			/* "xx==" or "xxx=" ends the data */
			if (nacc < 2 || ++pad > 2 || (nacc + pad > 4))
				return -1;
			continue;
		}
		int v = b64_value(c);
		if (v < 0 || pad)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		if (++nacc == 4) {
			char o[3] = { (char)(acc >> 16), (char)(acc >> 8), (char)acc };
			buf_add(out, o, 3);
			acc = 0;
			nacc = 0;
		}
	}
	if (pad) {
		if (nacc + pad != 4)
			return -1;
		if (nacc == 2) {
			char o = (char)(acc >> 4);
			buf_add(out, &o, 1);
		} else {
			char o[2] = { (char)(acc >> 10), (char)(acc >> 2) };
			buf_add(out, o, 2);
		}
	} else if (nacc) {
		return -1;
	}
	return 0;
}

void
note_b64_encode(const unsigned char *in, size_t n, const char *eol, struct buf *out)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned a = in[i], b = i + 1 < n ? in[i + 1] : 0, c = i + 2 < n ? in[i + 2] : 0;
		char q[4] = {
			b64_alphabet[a >> 2],
			b64_alphabet[((a & 3) << 4) | (b >> 4)],
			i + 1 < n ? b64_alphabet[((b & 15) << 2) | (c >> 6)] : '=',
			i + 2 < n ? b64_alphabet[c & 63] : '=',
		};
		if (col == 76) {
			buf_adds(out, eol);
			col = 0;
		}
		buf_add(out, q, 4);
		col += 4;
	}
}

int
note_qp_decode(const char *in, size_t n, struct buf *out)
{
	size_t i = 0;
	while (i < n) {
		/* One encoded line: [i, e), then its line end (or the end of the input). */
		const char *nl = memchr(in + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - in) : n;
		size_t next = nl ? e + 1 : n;
		if (e > i && in[e - 1] == '\r')
			e--;
		/* Transport padding: trailing white space goes. */
		while (e > i && (in[e - 1] == ' ' || in[e - 1] == '\t'))
			e--;
		int soft = e > i && in[e - 1] == '=';
		if (soft)
			e--;
		for (size_t k = i; k < e; k++) {
			unsigned char c = (unsigned char)in[k];
			if (c == '=') {
				if (k + 2 >= e)
					return -1;
				int h1 = text_hexval((unsigned char)in[k + 1]);
				int h2 = text_hexval((unsigned char)in[k + 2]);
				if (h1 < 0 || h2 < 0)
					return -1;
				unsigned char v = (unsigned char)(h1 * 16 + h2);
				if (v == '\r' || v == '\n')
					return -1;
				buf_addc(out, (char)v);
				k += 2;
			} else if (c == '\r') {
				return -1;
			} else {
				buf_addc(out, (char)c);
			}
		}
		if (nl && !soft)
			buf_addc(out, '\n');
		i = next;
	}
	return 0;
}

void
note_qp_encode(const char *in, size_t n, const char *eol, struct buf *out)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '\n') {
			buf_adds(out, eol);
			col = 0;
			continue;
		}
		int last = i + 1 == n || in[i + 1] == '\n';
		char enc[4];
		size_t elen;
		int literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
		/* "From " at the start of a line tempts mbox writers to mangle it. */
		if (c == 'F' && col == 0 && n - i >= 5 && memcmp(in + i, "From ", 5) == 0)
			literal = 0;
		if (literal) {
			enc[0] = (char)c;
			elen = 1;
		} else {
			snprintf(enc, sizeof enc, "=%02X", c);
			elen = 3;
		}
		/* A line may hold 76 octets; one that goes on needs room for its "=". */
		if (col + elen + (last ? 0 : 1) > 76) {
			buf_addc(out, '=');
			buf_adds(out, eol);
			col = 0;
		}
		buf_add(out, enc, elen);
		col += elen;
	}
}

int
note_charset_is_ascii(const char *cs)
{
	return !cs || strcasecmp(cs, "us-ascii") == 0 || strcasecmp(cs, "ascii") == 0
	    || strcasecmp(cs, "ansi_x3.4-1968") == 0 || strcasecmp(cs, "iso646-us") == 0;
}

int
note_charset_is_utf8(const char *cs)
{
	return cs && (strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* utf8_seq - length of the UTF-8 sequence at s (at most n bytes) and its code point */
static size_t
utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (k > n)
		k = 1;
	unsigned v = k == 1 ? c : c & (0x7f >> k);
	for (size_t i = 1; i < k; i++)
		v = (v << 6) | (s[i] & 0x3f);
	*cp = v;
	return k;
}

int
note_charset_convert(const char *in, size_t n, const char *charset, int html,
    struct buf *out, char *why, size_t whylen)
{
	const unsigned char *s = (const unsigned char *)in;
	if (note_charset_is_utf8(charset)) {
		buf_add(out, in, n);
		return 0;
	}
	int ascii = note_charset_is_ascii(charset);
	static const char *const stateful[] = {
		"iso-2022", "utf-7", "utf7", "utf-16", "utf-32", "utf16", "utf32", "ucs-2",
		"ucs-4", "ucs2", "ucs4", "hz", "unicode", NULL
	};
	if (!ascii) {
		for (const char *const *p = stateful; *p; p++)
			if (strncasecmp(charset, *p, strlen(*p)) == 0) {
				snprintf(why, whylen, "charset %.40s is not ASCII-compatible", charset);
				return -1;
			}
	}
	iconv_t cd = (iconv_t)-1;
	if (!ascii) {
		mime_gmime_init();
		cd = g_mime_iconv_open(charset, "UTF-8");
		if (cd == (iconv_t)-1) {
			snprintf(why, whylen, "unknown charset %.40s", charset);
			return -1;
		}
	}
	int rc = 0;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = utf8_seq(s + i, n - i, &cp);
		if (cp < 0x80 && ascii) {
			buf_addc(out, (char)cp);
			i += k;
			continue;
		}
		char obuf[16];
		size_t got = 0;
		int ok = 0;
		if (!ascii) {
			char *ip = (char *)in + i, *op = obuf;
			size_t il = k, ol = sizeof obuf;
			size_t r = iconv(cd, &ip, &il, &op, &ol);
			if (r != (size_t)-1) {
				size_t r2 = iconv(cd, NULL, NULL, &op, &ol);	/* flush any state */
				ok = r == 0 && r2 != (size_t)-1 && il == 0;
				got = sizeof obuf - ol;
			}
			iconv(cd, NULL, NULL, NULL, NULL);
			if (ok && cp < 0x80 && (got != 1 || (unsigned char)obuf[0] != cp)) {
				snprintf(why, whylen, "charset %.40s is not ASCII-compatible", charset);
				rc = -1;
				break;
			}
		}
		if (ok) {
			buf_add(out, obuf, got);
		} else if (html) {
			char ent[16];
			snprintf(ent, sizeof ent, "&#%u;", cp);
			buf_adds(out, ent);
		} else {
			snprintf(why, whylen, "charset %.40s cannot hold U+%04X of the note",
			    charset ? charset : "us-ascii", cp);
			rc = 1;
			break;
		}
		i += k;
	}
	if (cd != (iconv_t)-1)
		g_mime_iconv_close(cd);
	return rc;
}

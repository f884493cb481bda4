/*
 * invite_mime.c - the mail that carries a check-in invitation, built by hand.
 *
 * Trust: addresses, names, subject and text are untrusted. Addresses must pass
 * text_addr_valid(); header texts are cleaned of controls (no header injection)
 * and RFC 2047-encoded when not ASCII; the HTML part holds only escaped text. Bodies
 * that are ASCII with short lines go 7bit, other text quoted-printable, the calendar
 * base64 when not ASCII, so the message needs neither 8BITMIME nor SMTPUTF8. Every
 * line ends in CRLF and stays within 78 octets except the 7bit bodies (<= 998).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/html.h"
#include "invite_mime.h"
#include "journey/plan.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "util/ident.h"
#include "util/text.h"

/* header_clean - s without controls (CR, LF, tabs become spaces); caller frees */
static char *header_clean(const char *s)
{
	char *out = xstrdup(s ? s : ""), *o = out;

	for (const char *p = out; *p; p++) {
		unsigned char c = (unsigned char) *p;
		if (c == '\r' || c == '\n' || c == '\t')
			*o++ = ' ';
		else if (c >= ' ' && c != 0x7f)
			*o++ = (char) c;
	}
	*o = 0;
	return out;
}

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s >= 0x80)
			return 0;
	return 1;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_add - base64 of n bytes at p, no line breaks */
static void b64_add(struct buf *b, const unsigned char *p, size_t n)
{
	char *q;

	buf_reserve(b, (n + 2) / 3 * 4);
	q = b->data + b->len;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned) p[i] << 16 | (i + 1 < n ? (unsigned) p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);
		*q++ = b64[v >> 18 & 63];
		*q++ = b64[v >> 12 & 63];
		*q++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*q++ = i + 2 < n ? b64[v & 63] : '=';
	}
	b->len = (size_t) (q - b->data);
	b->data[b->len] = 0;
}

/* b64_body - base64 of n bytes in lines of 76 plus CRLF */
static void b64_body(struct buf *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 57) {
		b64_add(b, (const unsigned char *) p + i, n - i < 57 ? n - i : 57);
		buf_adds(b, "\r\n");
	}
}

/* utf8_char_len - bytes of the character starting with c (1 for stray bytes) */
static size_t utf8_char_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* invite_header_encode - see invite_mime.h; caller frees */
char *invite_header_encode(const char *s, size_t used)
{
	struct buf b = { 0 };
	size_t n = strlen(s), i = 0;

	buf_add(&b, "", 0);
	if (is_ascii(s) && n + used <= 78) {
		buf_adds(&b, s);
		return b.data;
	}
	/* "=?UTF-8?B?" + 4*ceil(k/3) + "?=" <= 75: at most 45 bytes of text per word */
	while (i < n) {
		size_t k = 0;
		while (i + k < n) {
			size_t l = utf8_char_len((unsigned char) s[i + k]);
			if (i + k + l > n)
				l = n - i - k;
			if (k + l > 45)
				break;
			k += l;
		}
		if (i > 0)
			buf_adds(&b, "\r\n ");
		buf_adds(&b, "=?UTF-8?B?");
		b64_add(&b, (const unsigned char *) s + i, k);
		buf_adds(&b, "?=");
		i += k;
	}
	return b.data;
}

/* qp_body - quoted-printable (RFC 2045 6.7) of text whose lines end in LF or CRLF */
static void qp_body(struct buf *b, const char *p)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;

	for (; *p; p++) {
		unsigned char c = (unsigned char) *p;
		char enc[3];
		size_t elen;

		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\n') {
			buf_adds(b, "\r\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && p[1] != '\n' && p[1] != '\r' && p[1] != 0)) {
			enc[0] = (char) c;
			elen = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			elen = 3;
		}
		/* keep encoded UTF-8 characters together on one line when possible */
		size_t need = elen;
		if (c >= 0xc0)
			need = 3 * utf8_char_len(c);
		if (col + need > 75) {
			buf_adds(b, "=\r\n");
			col = 0;
		}
		buf_add(b, enc, elen);
		col += elen;
	}
	if (col > 0)
		buf_adds(b, "\r\n");
}

/* text_7bit_ok - ASCII, no bare CR, no NUL, lines <= 998 octets */
static int text_7bit_ok(const char *p)
{
	size_t col = 0;

	for (; *p; p++) {
		unsigned char c = (unsigned char) *p;
		if (c >= 0x80 || (c == '\r' && p[1] != '\n'))
			return 0;
		col = c == '\n' ? 0 : col + 1;
		if (col > 998)
			return 0;
	}
	return 1;
}

/* crlf_body - text with every line ending converted to CRLF, ending in CRLF */
static void crlf_body(struct buf *b, const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "\r\n");
		buf_add(b, p, n);
		p += n;
		if (*p == 0)
			break;
		if (*p == '\r' && p[1] == '\n')
			p++;
		if (*p == '\n') {
			buf_adds(b, "\r\n");
			p++;
		} else
			buf_add(b, p++, 1);	/* a bare CR: text_7bit_ok() sends it QP */
	}
	if (b->len < 2 || memcmp(b->data + b->len - 2, "\r\n", 2) != 0)
		buf_adds(b, "\r\n");
}

/* text_part - a text/SUBTYPE part: 7bit when possible, else quoted-printable */
static void text_part(struct buf *b, const char *ctype, const char *text)
{
	int plain = text_7bit_ok(text);

	buf_printf(b, "Content-Type: %s\r\nContent-Transfer-Encoding: %s\r\n\r\n", ctype,
		plain ? "7bit" : "quoted-printable");
	if (plain)
		crlf_body(b, text);
	else
		qp_body(b, text);
}

/* address_header - "Name: "display" <addr>, ..." folded after each address */
static void address_header(struct buf *b, const char *name, const char *const *addrs,
			   const char *const *names, size_t n)
{
	buf_printf(b, "%s: ", name);
	for (size_t i = 0; i < n; i++) {
		const char *dn = names ? names[i] : NULL;
		if (i > 0)
			buf_adds(b, ",\r\n ");
		if (dn && *dn) {
			char *clean = header_clean(dn);
			if (is_ascii(clean)) {
				buf_adds(b, "\"");
				for (const char *p = clean; *p; p++) {
					if (*p == '"' || *p == '\\')
						buf_adds(b, "\\");
					buf_add(b, p, 1);
				}
				buf_adds(b, "\" ");
			} else {
				char *enc = invite_header_encode(clean, 78);
				buf_printf(b, "%s\r\n ", enc);
				free(enc);
			}
			free(clean);
		}
		buf_printf(b, "<%s>", addrs[i]);
	}
	buf_adds(b, "\r\n");
}

/* date_rfc5322 - "Mon, 31 Mar 2025 07:30:00 +0000", locale-independent */
static void date_rfc5322(time_t t, char *out, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
					      "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, len, "%s, %d %s %d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* boundary_make - a boundary that none of the bodies contains */
static char *boundary_make(const char *tag, const char *seed, const struct buf *bodies)
{
	unsigned long long h = ident_hash(seed);

	for (unsigned n = 0;; n++) {
		char *bd = xasprintf("=_ps_%s_%016llx_%u", tag, h, n);
		if (bodies->data == NULL || strstr(bodies->data, bd) == NULL)
			return bd;
		free(bd);
	}
}

/* mail_check - the addresses and the calendar of m; 0, or -1 with err */
static int mail_check(const struct invite_mail *m, char *err, size_t errlen)
{
	if (!text_addr_valid(m->from)) {
		snprintf(err, errlen, "invite mail: From \"%.100s\" is not a mail address",
			 m->from ? m->from : "");
		return -1;
	}
	if (m->n_to == 0) {
		snprintf(err, errlen, "invite mail: no recipient");
		return -1;
	}
	for (size_t i = 0; i < m->n_to; i++)
		if (!text_addr_valid(m->to[i])) {
			snprintf(err, errlen, "invite mail: To \"%.100s\" is not a mail address",
				 m->to[i] ? m->to[i] : "");
			return -1;
		}
	if (m->ics == NULL || strncmp(m->ics, "BEGIN:VCALENDAR", 15) != 0) {
		snprintf(err, errlen, "invite mail: no VCALENDAR to send");
		return -1;
	}
	return 0;
}

/* html_page - the HTML alternative: the title and the text escaped, its lines as
 * <br> (caller frees) */
static char *html_page(const char *subject, const char *text)
{
	char *title = html_escape(subject), *html_text = html_escape(text);
	struct buf h = { 0 };

	buf_printf(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<title>%s</title></head>\n<body>\n<p>", title);
	for (const char *p = html_text; *p; p++) {
		if (*p == '\n')
			buf_adds(&h, "<br>\n");
		else if (*p != '\r')
			buf_add(&h, p, 1);
	}
	buf_adds(&h, "</p>\n</body></html>\n");
	free(html_text);
	free(title);
	return buf_steal(&h, NULL);
}

/* alternatives - the three parts (plain text, HTML, calendar), with their headers */
static void alternatives(const struct invite_mail *m, const char *subject, const char *method,
			 struct buf part[3])
{
	char *html = html_page(subject, m->text ? m->text : "");
	int ics_ascii = text_7bit_ok(m->ics);

	text_part(&part[0], "text/plain; charset=UTF-8", m->text ? m->text : "");
	text_part(&part[1], "text/html; charset=UTF-8", html);
	free(html);
	buf_printf(&part[2], "Content-Type: text/calendar; method=%s; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: %s\r\n\r\n", method, ics_ascii ? "7bit" : "base64");
	if (ics_ascii)
		crlf_body(&part[2], m->ics);
	else
		b64_body(&part[2], m->ics, strlen(m->ics));
}

/* message_id - m's own, cleaned, or one made of the UID, sequence and method in the
 * sender's domain (caller frees) */
static char *message_id(const struct invite_mail *m, const char *method)
{
	char *key, *msgid;

	if (m->message_id)
		return header_clean(m->message_id);
	key = xasprintf("%s/%d/%s", m->uid ? m->uid : m->ics, m->sequence, method);
	msgid = xasprintf("invite-%016llx-%d@%s", ident_hash(key), m->sequence,
			  strrchr(m->from, '@') + 1);
	free(key);
	return msgid;
}

/* invite_mime_build - see invite_mime.h; *out is the caller's (free()) */
int invite_mime_build(const struct invite_mail *m, char **out, size_t *len,
		      char *err, size_t errlen)
{
	const char *method = m->method == INVITE_CANCEL ? "CANCEL" : "REQUEST";
	struct buf b = { 0 }, part[3] = { { 0 } }, all = { 0 };
	char date[64], *msgid, *subject, *enc, *bd_mixed, *bd_alt;

	*out = NULL;
	*len = 0;
	if (mail_check(m, err, errlen) < 0)
		return -1;
	/* The three alternatives first, so that the boundaries can be checked against them. */
	subject = header_clean(m->subject ? m->subject : "Check-in");
	alternatives(m, subject, method, part);
	for (int i = 0; i < 3; i++)
		buf_add(&all, part[i].data, part[i].len);
	bd_alt = boundary_make("alt", m->uid ? m->uid : m->ics, &all);
	bd_mixed = boundary_make("mix", m->uid ? m->uid : m->ics, &all);

	/* Headers. */
	msgid = message_id(m, method);
	date_rfc5322(m->date, date, sizeof(date));
	buf_printf(&b, "Date: %s\r\nMessage-ID: <%s>\r\n", date, msgid);
	address_header(&b, "From", &m->from, &m->from_name, 1);
	address_header(&b, "To", m->to, m->to_names, m->n_to);
	enc = invite_header_encode(subject, 9);
	buf_printf(&b, "Subject: %s\r\nMIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"
		"Content-Class: urn:content-classes:calendarmessage\r\n"
		"Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n"
		"This is a calendar invitation in MIME format.\r\n\r\n--%s\r\n"
		"Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n", enc, bd_mixed,
		bd_mixed, bd_alt);
	free(enc);

	for (int i = 0; i < 3; i++) {
		buf_printf(&b, "--%s\r\n", bd_alt);
		buf_add(&b, part[i].data, part[i].len);
		buf_adds(&b, "\r\n");	/* the delimiter's CRLF: the body keeps its own */
		free(part[i].data);
	}
	buf_printf(&b, "--%s--\r\n\r\n", bd_alt);
	buf_printf(&b, "--%s\r\nContent-Type: application/ics; name=\"invite.ics\"\r\n"
		"Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n", bd_mixed);
	b64_body(&b, m->ics, strlen(m->ics));
	buf_printf(&b, "--%s--\r\n", bd_mixed);

	free(all.data);
	free(bd_alt);
	free(bd_mixed);
	free(msgid);
	free(subject);
	*out = b.data;
	*len = b.len;
	return 0;
}

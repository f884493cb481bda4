/*
 * mime_text.c - the body text of a message for the mail-level checks (mime_text.h).
 *
 * Untrusted input: the MIME structure and every part. The walk is bounded in depth
 * and in parts; HTML is scanned once, never parsed into a tree, never fetched from.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "invoice/inv_find.h"
#include "mime_text.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define MT_MAX_DEPTH 8
#define MT_MAX_PARTS 200

/* mt_space - append one space unless the text already ends in white space */
static void
mt_space(struct buf *b, char c)
{
	if (b->len == 0)
		return;
	if (c == '\n') {
		while (b->len > 0 && b->data[b->len - 1] == ' ')
			b->data[--b->len] = '\0';
		if (b->len > 0 && b->data[b->len - 1] == '\n')
			return;
	} else if (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\n')
		return;
	buf_add(b, &c, 1);
}

/* mt_utf8 - append the code point cp as UTF-8 (invalid ones as U+FFFD) */
static void
mt_utf8(struct buf *b, unsigned long cp)
{
	char u[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp == 0xa0) {
		mt_space(b, ' ');
		return;
	}
	if (cp < 0x80) {
		u[0] = (char) cp;
		buf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char) (0xc0 | (cp >> 6));
		u[1] = (char) (0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char) (0xe0 | (cp >> 12));
		u[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char) (0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char) (0xf0 | (cp >> 18));
		u[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char) (0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

static const struct { const char *name; unsigned long cp; } mt_entities[] = {
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
	{"nbsp", 0xa0}, {"euro", 0x20ac}, {"pound", 0xa3}, {"yen", 0xa5}, {"shy", 0},
	{"auml", 0xe4}, {"ouml", 0xf6}, {"uuml", 0xfc}, {"Auml", 0xc4}, {"Ouml", 0xd6},
	{"Uuml", 0xdc}, {"szlig", 0xdf}, {"middot", 0xb7}, {"ndash", 0x2013},
	{"mdash", 0x2014}, {NULL, 0}
};

/* mt_entity - decode the character reference at p (just after '&'); returns the bytes
 * read (0: not a reference, the '&' stands for itself) */
static size_t
mt_entity(const char *p, const char *end, struct buf *b)
{
	size_t n = 0;

	if (p < end && *p == '#') {
		unsigned long cp = 0;
		int hex = p + 1 < end && (p[1] == 'x' || p[1] == 'X');
		n = hex ? 2 : 1;
		size_t start = n;
		while (p + n < end && n < 12 && (hex ? isxdigit((unsigned char) p[n]) : isdigit((unsigned char) p[n]))) {
			cp = cp * (hex ? 16 : 10) + (unsigned long) (isdigit((unsigned char) p[n]) ? p[n] - '0' :
			    tolower((unsigned char) p[n]) - 'a' + 10);
			n++;
		}
		if (n == start)
			return 0;
		if (p + n < end && p[n] == ';')
			n++;
		mt_utf8(b, cp);
		return n;
	}
	while (p + n < end && n < 10 && isalnum((unsigned char) p[n]))
		n++;
	if (n == 0 || p + n >= end || p[n] != ';')
		return 0;
	for (size_t i = 0; mt_entities[i].name; i++)
		if (strlen(mt_entities[i].name) == n && strncmp(p, mt_entities[i].name, n) == 0) {
			if (mt_entities[i].cp != 0)
				mt_utf8(b, mt_entities[i].cp);
			return n + 1;
		}
	return 0;
}

/* mt_tag_is - the tag name at p (after '<' and an optional '/') is name */
static int
mt_tag_is(const char *p, const char *end, const char *name)
{
	size_t l = strlen(name);

	return (size_t) (end - p) > l && strncasecmp(p, name, l) == 0 &&
	    !isalnum((unsigned char) p[l]);
}

/* mt_find_ci - first occurrence of needle (no case) in [p, end), or end */
static const char *
mt_find_ci(const char *p, const char *end, const char *needle)
{
	size_t l = strlen(needle);

	for (; (size_t) (end - p) >= l; p++)
		if (strncasecmp(p, needle, l) == 0)
			return p;
	return end;
}

char *
mime_text_from_html(const char *html, size_t len)
{
	static const char *const line_tags[] = {
		"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
		"ul", "ol", "blockquote", "pre", "hr", "title", NULL
	};
	struct buf b = { 0 };
	const char *p = html, *end = html + len;

	buf_add(&b, "", 0);
	while (p < end) {
		if (*p == '<') {
			const char *q = p + 1, *close;
			if (end - q >= 3 && strncmp(q, "!--", 3) == 0) {
				close = mt_find_ci(q + 3, end, "-->");
				p = close == end ? end : close + 3;
				continue;
			}
			if (q < end && *q == '/')
				q++;
			if (mt_tag_is(q, end, "script") || mt_tag_is(q, end, "style")) {
				const char *endtag = mt_tag_is(q, end, "script") ? "</script" : "</style";
				if (q[-1] != '/') {
					close = mt_find_ci(q, end, endtag);
					q = close;
				}
			}
			close = memchr(q, '>', (size_t) (end - q));
			int line = 0;
			for (size_t i = 0; line_tags[i]; i++)
				if (mt_tag_is(q, end, line_tags[i]))
					line = 1;
			if (line)
				mt_space(&b, '\n');
			else if (mt_tag_is(q, end, "td") || mt_tag_is(q, end, "th"))
				mt_space(&b, ' ');
			p = close == NULL ? end : close + 1;
			continue;
		}
		if (*p == '&') {
			size_t n = mt_entity(p + 1, end, &b);
			if (n > 0) {
				p += 1 + n;
				continue;
			}
		}
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			mt_space(&b, ' ');
			p++;
			continue;
		}
		buf_add(&b, p, 1);
		p++;
	}
	return b.data;
}

/* mt_is_body_text - a text/SUBTYPE leaf that is not an attachment */
static int
mt_is_body_text(GMimeObject *obj, const char *subtype)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd;

	if (!GMIME_IS_TEXT_PART(obj) || ct == NULL || !g_mime_content_type_is_type(ct, "text", subtype))
		return 0;
	cd = g_mime_object_get_content_disposition(obj);
	if (cd != NULL && g_mime_content_disposition_is_attachment(cd))
		return 0;
	return 1;
}

/* mt_find - the first leaf under obj that is body text of the subtype, or NULL */
static GMimeObject *
mt_find(GMimeObject *obj, const char *subtype, int depth, int *parts)
{
	if (obj == NULL || depth > MT_MAX_DEPTH || ++*parts > MT_MAX_PARTS)
		return NULL;
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj))
		return NULL;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++) {
			GMimeObject *found = mt_find(g_mime_multipart_get_part(mp, i), subtype,
			    depth + 1, parts);
			if (found != NULL)
				return found;
			/* only the first part of multipart/signed is the content */
			if (GMIME_IS_MULTIPART_SIGNED(obj))
				break;
		}
		return NULL;
	}
	return mt_is_body_text(obj, subtype) ? obj : NULL;
}

/* mt_cut - cut s to at most max bytes, never inside a UTF-8 character */
static void
mt_cut(char *s, size_t max)
{
	size_t l = strlen(s);

	if (max == 0 || l <= max)
		return;
	while (max > 0 && ((unsigned char) s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

/*
 * as_is - the text of a text part copied from where it stands (p[0..len), in transfer
 * encoding enc, its charset parameter cs), when GMime's g_mime_text_part_get_text()
 * would give those very bytes: no transfer encoding to undo (7bit, 8bit, binary or
 * none), and no charset filter that could change one (no charset named; UTF-8 and the
 * bytes valid UTF-8 without a NUL; US-ASCII and the bytes ASCII). Cut at a NUL, as
 * GMime's text is read as a string. NULL otherwise, and GMime reads it: its streams,
 * filters and iconv cost more than the rest of the body text for a message parsed from
 * memory.
 */
static char *
as_is(const unsigned char *p, size_t len, GMimeContentEncoding enc, const char *cs)
{
	size_t n;

	switch (enc) {
	case GMIME_CONTENT_ENCODING_DEFAULT:
	case GMIME_CONTENT_ENCODING_7BIT:
	case GMIME_CONTENT_ENCODING_8BIT:
	case GMIME_CONTENT_ENCODING_BINARY:
		break;
	default:
		return NULL;
	}
	if (p == NULL)
		return NULL;
	if (cs != NULL && g_ascii_strcasecmp(cs, "utf-8") == 0) {
		if (!g_utf8_validate_len((const char *)p, len, NULL))
			return NULL;
	} else if (cs != NULL && g_ascii_strcasecmp(cs, "us-ascii") == 0) {
		for (size_t i = 0; i < len; i++)
			if (p[i] >= 0x80)
				return NULL;
	} else if (cs != NULL)
		return NULL;
	n = strnlen((const char *)p, len);
	return xmemdup(p, n);
}

/* gmime_text - g_mime_text_part_get_text() of part, copied with malloc; NULL if none */
static char *
gmime_text(GMimeTextPart *part)
{
	char *decoded = g_mime_text_part_get_text(part), *text;

	if (decoded == NULL)
		return NULL;
	text = xstrdup(decoded);
	g_free(decoded);
	return text;
}

/* finish - the body text: text itself, or its HTML reduced to text; cut to max_bytes */
static char *
finish(char *text, int html, size_t max_bytes)
{
	char *out = text;

	if (text == NULL)
		return NULL;
	if (html) {
		out = mime_text_from_html(text, strlen(text));
		free(text);
	}
	mt_cut(out, max_bytes);
	return out;
}

char *
mime_text_body(GMimeObject *root, size_t max_bytes)
{
	GMimeObject *part;
	GMimeDataWrapper *content;
	GMimeContentType *ct;
	const unsigned char *p;
	int parts = 0, html = 0;
	size_t len;
	char *text = NULL;

	if (root == NULL)
		return NULL;
	if ((part = mt_find(root, "plain", 0, &parts)) == NULL) {
		parts = 0;
		if ((part = mt_find(root, "html", 0, &parts)) == NULL)
			return NULL;
		html = 1;
	}
	if ((content = g_mime_part_get_content(GMIME_PART(part))) != NULL) {
		ct = g_mime_object_get_content_type(part);
		p = inv_find_part_bytes(GMIME_PART(part), &len);
		text = as_is(p, len, g_mime_data_wrapper_get_encoding(content),
		    ct ? g_mime_content_type_get_parameter(ct, "charset") : NULL);
	}
	if (text == NULL)
		text = gmime_text(GMIME_TEXT_PART(part));
	return finish(text, html, max_bytes);
}

/* scan_is_body_text - the skeleton's part idx is a text/SUBTYPE leaf that is not an
 * attachment (GMime makes a GMimeTextPart of every text/ type: mt_is_body_text) */
static int
scan_is_body_text(const mime_part *p, const char *subtype)
{
	return strcmp(p->type, "text") == 0 && strcmp(p->subtype, subtype) == 0 && !p->attachment;
}

/* scan_find - mt_find over the skeleton: the first leaf under idx that is body text of
 * the subtype, or -1 */
static int
scan_find(const mime_tree *t, int idx, const char *subtype, int depth, int *parts)
{
	const mime_part *p = &t->parts[idx];

	if (depth > MT_MAX_DEPTH || ++*parts > MT_MAX_PARTS)
		return -1;
	if (strcmp(p->type, "multipart") == 0) {
		if (strcmp(p->subtype, "encrypted") == 0)
			return -1;
		for (int c = p->first_child; c >= 0; c = t->parts[c].next) {
			int found = scan_find(t, c, subtype, depth + 1, parts);

			if (found >= 0)
				return found;
			/* only the first part of multipart/signed is the content */
			if (strcmp(p->subtype, "signed") == 0)
				break;
		}
		return -1;
	}
	return scan_is_body_text(p, subtype) ? idx : -1;
}

/* scan_gmime_text - GMime's text of the skeleton's leaf p of msg: a GMimeTextPart of
 * its content type (as its field gives it), its content the leaf's octets in its
 * transfer encoding, read by g_mime_text_part_get_text() */
static char *
scan_gmime_text(const char *msg, const mime_part *p)
{
	GMimeContentType *ct = p->ct_value != NULL ? g_mime_content_type_parse(NULL, p->ct_value) :
	    g_mime_content_type_new("text", "plain");
	GMimeTextPart *part = g_mime_text_part_new();
	GMimeStream *stream;
	GMimeDataWrapper *content;
	char *text;

	if (ct == NULL) {
		g_object_unref(part);
		return NULL;
	}
	g_mime_object_set_content_type(GMIME_OBJECT(part), ct);
	g_object_unref(ct);
	stream = g_mime_stream_mem_new_with_buffer(msg + p->body_start, p->body_end - p->body_start);
	content = g_mime_data_wrapper_new_with_stream(stream, p->encoding);
	g_object_unref(stream);
	g_mime_part_set_content(GMIME_PART(part), content);
	g_object_unref(content);
	text = gmime_text(part);
	g_object_unref(part);
	return text;
}

char *
mime_text_body_scan(const char *msg, const mime_tree *t, size_t max_bytes)
{
	const mime_part *p;
	int parts = 0, html = 0, idx;
	char *text;

	if (t == NULL || t->nparts == 0)
		return NULL;
	if ((idx = scan_find(t, 0, "plain", 0, &parts)) < 0) {
		parts = 0;
		if ((idx = scan_find(t, 0, "html", 0, &parts)) < 0)
			return NULL;
		html = 1;
	}
	p = &t->parts[idx];
	text = as_is((const unsigned char *)msg + p->body_start, p->body_end - p->body_start,
	    p->encoding, p->charset);
	if (text == NULL)
		text = scan_gmime_text(msg, p);
	return finish(text, html, max_bytes);
}

char *
mime_text_message_bytes(GMimeMessage *msg, size_t *len)
{
	GMimeFormatOptions *opts = g_mime_format_options_new();
	char *s, *out;

	g_mime_format_options_set_newline_format(opts, GMIME_NEWLINE_FORMAT_DOS);
	s = g_mime_object_to_string(GMIME_OBJECT(msg), opts);
	g_mime_format_options_free(opts);
	g_object_unref(msg);
	out = xstrdup(s);
	*len = strlen(out);
	g_free(s);
	return out;
}

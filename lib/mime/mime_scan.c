/*
 * mime_scan.c - the MIME structure of a raw message with the byte offsets of every
 * part's header block and content (mime_scan.h): for the note injection to splice
 * into, and for the filter to read a message's parts from without GMime's objects.
 *
 * The message is untrusted. The scan is strict where parsers disagree: a line that
 * starts like a boundary but is not a delimiter, a multipart without its closing
 * delimiter, a header line without a colon, two Content-Type, Content-Transfer-Encoding
 * or Content-Disposition fields in one header block: all fail the scan, and the caller
 * falls back (the note leaves the message unchanged, the filter reads it with GMime).
 * Header values are read as GMime reads them: a Content-Type or Content-Disposition
 * value of the plain form by mime_field.c, without GMime's objects; any other (RFC 2231
 * parameters, encoded words, comments) with GMime's own functions, as is the transfer
 * encoding. mime_scan_agrees() checks that GMime's own parser sees the same tree.
 * Each level is read once: the cost is linear in the size of the message times the
 * nesting depth.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "mime_scan.h"
#include "hdr.h"
#include "mime_field.h"
#include "mime_parse.h"
#include "mimeskip.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define SCAN_DEPTH_MAX 24
#define SCAN_PARTS_MAX 2000

void
mime_gmime_init(void)
{
	static gsize done = 0;
	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_once_init_leave(&done, 1);
	}
}

/* lower_copy - src (its first srclen octets at most, up to its NUL) in lower case in dst
 * of dstlen, cut short to fit */
static void
lower_copy(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t i = 0;
	for (; src && i < srclen && src[i] && i + 1 < dstlen; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

typedef struct scan {
	const char *msg;
	mime_tree *t;
	char *why;
	size_t whylen;
} scan;

/* eol_before - start of the line end just before line start ls (ls itself if none) */
static size_t
eol_before(const char *msg, size_t lo, size_t ls)
{
	if (ls > lo && msg[ls - 1] == '\n') {
		if (ls - 1 > lo && msg[ls - 2] == '\r')
			return ls - 2;
		return ls - 1;
	}
	return ls;
}

static int parse_part(scan *sc, size_t s, size_t e, int parent, int in_digest, int depth);

/* read_disposition - whether the part is an attachment, and its file name, from its
 * Content-Disposition field f, as GMime reads it */
static void
read_disposition(mime_part *p, const char *msg, const struct hdr_field *f)
{
	char *v = hdr_value(msg, f);
	GMimeContentDisposition *d;
	struct mime_field mf;
	const char *name;

	if (mime_field_disposition(v, &mf) == 0) {	/* the plain form, without GMime's objects */
		p->attachment = mf.type_len == 10 && strncasecmp(mf.type, "attachment", 10) == 0;
		p->filename = mime_field_param(&mf, "filename");
		free(v);
		return;
	}
	d = g_mime_content_disposition_parse(NULL, v);
	free(v);
	if (d == NULL)
		return;
	p->attachment = g_mime_content_disposition_is_attachment(d);
	if ((name = g_mime_content_disposition_get_parameter(d, "filename")) != NULL)
		p->filename = xstrdup(name);
	g_object_unref(d);
}

/* parse_headers - read the header block of the part at idx starting at s */
static int
parse_headers(scan *sc, int idx, size_t s, size_t e)
{
	const char *msg = sc->msg;
	mime_part *p = &sc->t->parts[idx];
	struct hdr_field f;
	size_t pos = s;
	int seen_disposition = 0;

	p->hblank = p->body_start = e;
	while (hdr_next(msg, e, &pos, &f)) {
		if (f.colon == HDR_NO_NAME) {
			if (msg[f.start] == ' ' || msg[f.start] == '\t')
				snprintf(sc->why, sc->whylen, "header continuation line without a field");
			else
				snprintf(sc->why, sc->whylen, "header line without a colon at offset %zu",
				    f.start);
			return -1;
		}
		{
			p = &sc->t->parts[idx];
			char **slot = NULL;
			if (hdr_name_is(msg, &f, "content-type")) {
				if (p->ct_value) {
					snprintf(sc->why, sc->whylen, "two Content-Type fields in one part");
					return -1;
				}
				p->ct_value = hdr_value(msg, &f);
				p->ct_start = f.start, p->ct_end = f.end;
			} else if (hdr_name_is(msg, &f, "content-transfer-encoding")) {
				if (p->cte) {
					snprintf(sc->why, sc->whylen,
					    "two Content-Transfer-Encoding fields in one part");
					return -1;
				}
				p->cte = hdr_value(msg, &f);
				for (char *c = p->cte; *c; c++)
					*c = (char)tolower((unsigned char)*c);
				p->cte_start = f.start, p->cte_end = f.end;
				p->encoding = g_mime_content_encoding_from_string(p->cte);
			} else if (hdr_name_is(msg, &f, "content-disposition")) {
				if (seen_disposition++) {
					snprintf(sc->why, sc->whylen,
					    "two Content-Disposition fields in one part");
					return -1;
				}
				read_disposition(p, msg, &f);
			} else if (hdr_name_is(msg, &f, "content-id")) {
				slot = &p->content_id;
			} else if (idx == 0 && (hdr_name_is(msg, &f, "in-reply-to")
			    || hdr_name_is(msg, &f, "references"))) {
				sc->t->is_reply = 1;
			} else if (idx == 0 && hdr_name_is(msg, &f, "mime-version")) {
				sc->t->has_mime_version = 1;
			}
			if (slot && !*slot)
				*slot = hdr_value(msg, &f);
		}
	}
	/* pos is at the empty line (or at e): the body starts after it */
	p = &sc->t->parts[idx];
	p->hblank = pos;
	p->body_start = hdr_body_start(msg, e, pos);
	return 0;
}

/* read_type_plain - read_type() for a value of the plain form (mime_field.h), without
 * GMime's objects; 0 for any other */
static int
read_type_plain(mime_part *p)
{
	struct mime_field mf;

	if (mime_field_type(p->ct_value, &mf) != 0)
		return 0;
	lower_copy(p->type, sizeof p->type, mf.type, mf.type_len);
	lower_copy(p->subtype, sizeof p->subtype, mf.subtype, mf.subtype_len);
	p->mime_type = xmalloc(mf.type_len + mf.subtype_len + 2);	/* "type/subtype" */
	memcpy(p->mime_type, mf.type, mf.type_len);
	p->mime_type[mf.type_len] = '/';
	memcpy(p->mime_type + mf.type_len + 1, mf.subtype, mf.subtype_len);
	p->mime_type[mf.type_len + 1 + mf.subtype_len] = '\0';
	p->charset = mime_field_param(&mf, "charset");
	p->boundary = mime_field_param(&mf, "boundary");
	p->start = mime_field_param(&mf, "start");
	if (p->filename == NULL)
		p->filename = mime_field_param(&mf, "name");
	p->ct_plain = 1;
	return 1;
}

/* read_type - set type, subtype and parameters from the Content-Type value, as GMime
 * reads it */
static int
read_type(scan *sc, int idx, int in_digest)
{
	mime_part *p = &sc->t->parts[idx];
	if (!p->ct_value) {
		snprintf(p->type, sizeof p->type, "%s", in_digest ? "message" : "text");
		snprintf(p->subtype, sizeof p->subtype, "%s", in_digest ? "rfc822" : "plain");
		p->mime_type = xstrdup(in_digest ? "message/rfc822" : "text/plain");
		return 0;
	}
	if (!strchr(p->ct_value, '/')) {
		snprintf(sc->why, sc->whylen, "malformed Content-Type \"%.60s\"", p->ct_value);
		return -1;
	}
	if (read_type_plain(p))
		return 0;
	GMimeContentType *ct = g_mime_content_type_parse(NULL, p->ct_value);
	if (!ct) {
		snprintf(sc->why, sc->whylen, "malformed Content-Type \"%.60s\"", p->ct_value);
		return -1;
	}
	lower_copy(p->type, sizeof p->type, g_mime_content_type_get_media_type(ct), SIZE_MAX);
	lower_copy(p->subtype, sizeof p->subtype, g_mime_content_type_get_media_subtype(ct),
	    SIZE_MAX);
	const char *v;
	if ((v = g_mime_content_type_get_parameter(ct, "charset")))
		p->charset = xstrdup(v);
	if ((v = g_mime_content_type_get_parameter(ct, "boundary")))
		p->boundary = xstrdup(v);
	if ((v = g_mime_content_type_get_parameter(ct, "start")))
		p->start = xstrdup(v);
	if (p->filename == NULL && (v = g_mime_content_type_get_parameter(ct, "name")))
		p->filename = xstrdup(v);
	{
		char *mt = g_mime_content_type_get_mime_type(ct);

		p->mime_type = xstrdup(mt);
		g_free(mt);
	}
	g_object_unref(ct);
	return 0;
}

static int
all_lwsp(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/*
 * dash_line - the first line in [ls, e) that starts with "--" (ls is a line start), or
 * e. Only such a line can be a delimiter; memchr steps over content without a '-' (as
 * base64 is) many octets at a time, where a loop over its lines would stop at each.
 */
static size_t
dash_line(const char *msg, size_t ls, size_t e)
{
	for (size_t i = ls; i < e;) {
		const char *d = memchr(msg + i, '-', e - i);
		size_t q;

		if (d == NULL)
			break;
		q = (size_t)(d - msg);
		if ((q == ls || msg[q - 1] == '\n') && q + 1 < e && msg[q + 1] == '-')
			return q;
		i = q + 1;
	}
	return e;
}

/* parse_multipart - split the multipart at idx into its children and read them */
static int
parse_multipart(scan *sc, int idx, int depth)
{
	const char *msg = sc->msg;
	mime_part *p = &sc->t->parts[idx];
	const char *b = p->boundary;
	size_t blen = b ? strlen(b) : 0;
	size_t s = p->body_start, e = p->body_end;
	int in_digest = strcmp(p->subtype, "digest") == 0;
	if (blen == 0 || blen > 200) {
		snprintf(sc->why, sc->whylen, "multipart/%s without a usable boundary", p->subtype);
		return -1;
	}
	size_t child_start = (size_t)-1;
	int closed = 0;
	int last = -1;
	for (size_t ls = dash_line(msg, s, e); ls < e;) {
		const char *nl = memchr(msg + ls, '\n', e - ls);
		size_t le = nl ? (size_t)(nl - msg) : e;
		size_t next = nl ? le + 1 : e;
		size_t ce = le > ls && msg[le - 1] == '\r' ? le - 1 : le;
		if (ce - ls >= 2 + blen && msg[ls] == '-' && msg[ls + 1] == '-'
		    && memcmp(msg + ls + 2, b, blen) == 0) {
			size_t r = ls + 2 + blen;
			int close = ce - r >= 2 && msg[r] == '-' && msg[r + 1] == '-';
			if (close)
				r += 2;
			if (!all_lwsp(msg + r, ce - r)) {
				snprintf(sc->why, sc->whylen,
				    "a line starts like boundary \"%.40s\" but is not a delimiter", b);
				return -1;
			}
			if (child_start != (size_t)-1) {
				size_t ce2 = eol_before(msg, child_start, ls);
				if (ce2 < child_start)
					ce2 = child_start;
				int c = parse_part(sc, child_start, ce2, idx, in_digest, depth + 1);

				if (c < 0)
					return -1;
				if (last < 0)
					sc->t->parts[idx].first_child = c;
				else
					sc->t->parts[last].next = c;
				last = c;
			}
			if (close) {
				closed = 1;
				break;
			}
			child_start = next;
		}
		ls = dash_line(msg, next, e);
	}
	if (!closed) {
		snprintf(sc->why, sc->whylen, "multipart/%s: %s \"%.40s\"",
		    sc->t->parts[idx].subtype,
		    last < 0 && child_start == (size_t)-1 ? "no delimiter for boundary"
		    : "missing closing boundary", b);
		return -1;
	}
	if (last < 0) {
		snprintf(sc->why, sc->whylen, "multipart/%s without parts", sc->t->parts[idx].subtype);
		return -1;
	}
	return 0;
}

/* parse_part - read the part in [s, e); returns its index or -1 */
static int
parse_part(scan *sc, size_t s, size_t e, int parent, int in_digest, int depth)
{
	mime_tree *t = sc->t;
	if (depth > SCAN_DEPTH_MAX || t->nparts >= SCAN_PARTS_MAX) {
		snprintf(sc->why, sc->whylen, "MIME nesting deeper than %d or more than %d parts",
		    SCAN_DEPTH_MAX, SCAN_PARTS_MAX);
		return -1;
	}
	if (t->nparts == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->parts = xreallocarray(t->parts, t->cap, sizeof *t->parts);
	}
	int idx = (int)t->nparts++;
	mime_part *p = &t->parts[idx];
	memset(p, 0, sizeof *p);
	p->parent = parent;
	p->first_child = p->next = -1;
	p->hdr_start = s;
	p->body_end = e;
	if (parse_headers(sc, idx, s, e) < 0 || read_type(sc, idx, in_digest) < 0)
		return -1;
	if (strcmp(t->parts[idx].type, "multipart") == 0 && parse_multipart(sc, idx, depth) < 0)
		return -1;
	return idx;
}

int
mime_scan(const char *msg, size_t len, mime_tree *t, char *why, size_t whylen)
{
	mime_gmime_init();
	memset(t, 0, sizeof *t);
	const char *nl = memchr(msg, '\n', len);
	t->eol = nl && nl > msg && nl[-1] == '\r' ? "\r\n" : nl ? "\n" : "\r\n";
	if (len >= 5 && memcmp(msg, "From ", 5) == 0) {
		snprintf(why, whylen, "message starts with an mbox From_ line");
		return -1;
	}
	scan sc = { msg, t, why, whylen };
	if (parse_part(&sc, 0, len, -1, 0, 0) < 0) {
		mime_tree_clear(t);
		return -1;
	}
	return 0;
}

void
mime_tree_clear(mime_tree *t)
{
	for (size_t i = 0; i < t->nparts; i++) {
		mime_part *p = &t->parts[i];
		free(p->charset);
		free(p->boundary);
		free(p->start);
		free(p->content_id);
		free(p->cte);
		free(p->ct_value);
		free(p->mime_type);
		free(p->filename);
	}
	free(t->parts);
	memset(t, 0, sizeof *t);
}

/* same_type - GMime's object o has the content type of part p */
static int
same_type(GMimeObject *o, const mime_part *p)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *ty = ct ? g_mime_content_type_get_media_type(ct) : NULL;
	const char *st = ct ? g_mime_content_type_get_media_subtype(ct) : NULL;

	return ty && st && strcasecmp(ty, p->type) == 0 && strcasecmp(st, p->subtype) == 0;
}

/* gmime_walk - compare the GMime object o with our parts from *k on, in pre-order */
static int
gmime_walk(GMimeObject *o, const mime_tree *t, size_t *k)
{
	if (*k >= t->nparts)
		return 0;
	const mime_part *p = &t->parts[*k];
	if (!same_type(o, p))
		return 0;
	(*k)++;
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);
		int mine = 0;
		for (int c = p->first_child; c >= 0; c = t->parts[c].next)
			mine++;
		if (n != mine)
			return 0;
		for (int i = 0; i < n; i++)
			if (!gmime_walk(g_mime_multipart_get_part(mp, i), t, k))
				return 0;
	} else if (p->first_child >= 0) {
		return 0;
	}
	return 1;
}

int
mime_scan_agrees_with(GMimeObject *top, const mime_tree *t)
{
	size_t k = 0;

	return top && gmime_walk(top, t, &k) && k == t->nparts;
}

int
mime_scan_agrees(const char *msg, size_t len, const mime_tree *t)
{
	mime_gmime_init();
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(msg, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(st);
	g_object_unref(st);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (!m)
		return 0;
	int ok = mime_scan_agrees_with(g_mime_message_get_mime_part(m), t);
	g_object_unref(m);
	return ok;
}

/*
 * The check up to a part. MIME is read forwards: how a parser splits the octets before
 * a delimiter line does not depend on the octets after it. So, where the part last is
 * inside a child c of a top-level multipart and c is not its last child, GMime's
 * reading of the message up to c's end is its reading of a shorter copy: the octets up
 * to the end of c's content, the line end that belongs to the delimiter after it, and
 * the multipart's close delimiter. The copy reads the same parts, up to c, as the
 * message does, and no more; the parts after c are not in it. Where the top-level
 * header block is plain (mimeskip.h), the copy keeps only its Content-* and
 * MIME-Version fields, as mime_parse's copy does: GMime reads the structure from those.
 */

/* prefix_copy - the copy (above) of msg up to the end of the top-level child c */
static void
prefix_copy(const char *msg, size_t len, const mime_tree *t, int c, struct buf *b)
{
	const mime_part *top = &t->parts[0], *p = &t->parts[c];
	size_t end = p->body_end, pos = 0;
	struct hdr_field f;

	if (mimeskip_plain_head(msg, len) > 0) {
		while (hdr_next(msg, top->hblank, &pos, &f))
			if (f.colon != HDR_NO_NAME && (hdr_name_is(msg, &f, "mime-version") ||
			    (f.colon - f.start >= 8 && strncasecmp(msg + f.start, "content-", 8) == 0)))
				buf_add(b, msg + f.start, f.end - f.start);
		buf_add(b, msg + top->hblank, top->body_start - top->hblank);
	} else
		buf_add(b, msg, top->body_start);
	buf_add(b, msg + top->body_start, end - top->body_start);
	if (end < len && msg[end] == '\r')		/* the delimiter's line end */
		buf_add(b, msg + end++, 1);
	if (end < len && msg[end] == '\n')
		buf_add(b, msg + end, 1);
	buf_add(b, "--", 2);
	buf_add(b, top->boundary, strlen(top->boundary));
	buf_add(b, "--", 2);
	buf_add(b, t->eol, strlen(t->eol));
}

int
mime_tree_upto_child(const mime_tree *t, int last)
{
	int c = last;

	if (t->nparts == 0 || last <= 0 || (size_t)last >= t->nparts ||
	    strcmp(t->parts[0].type, "multipart") != 0)
		return -1;
	while (t->parts[c].parent != 0)
		c = t->parts[c].parent;
	return t->parts[c].next >= 0 ? c : -1;	/* the last child: the whole message */
}

int
mime_scan_agrees_upto(const char *msg, size_t len, const mime_tree *t, int last)
{
	struct buf b = {0};
	GByteArray *bytes;
	GMimeStream *st;
	GMimeParser *parser;
	GMimeObject *o;
	int c = mime_tree_upto_child(t, last), ok = 0, n = 0;
	size_t k = 1;

	if (c < 0)
		return mime_scan_agrees(msg, len, t);
	mime_gmime_init();
	prefix_copy(msg, len, t, c, &b);
	bytes = g_byte_array_new_take((guint8 *)b.data, b.len);
	st = g_mime_stream_mem_new_with_byte_array(bytes);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);	/* the bytes stay b's */
	parser = mime_parser_take();
	g_mime_parser_init_with_stream(parser, st);
	o = g_mime_parser_construct_part(parser, NULL);
	mime_parser_give(parser);	/* its stream, unowned, never reads the bytes again */
	g_object_unref(st);
	g_byte_array_free(bytes, FALSE);
	buf_free(&b);
	if (o == NULL)
		return 0;
	/* the top multipart, with the children up to c, each as the scan read it */
	for (int i = t->parts[0].first_child; i >= 0; i = t->parts[i].next) {
		n++;
		if (i == c)
			break;
	}
	if (GMIME_IS_MULTIPART(o) && g_mime_multipart_get_count(GMIME_MULTIPART(o)) == n &&
	    same_type(o, &t->parts[0])) {
		ok = 1;
		for (int i = 0; ok && i < n; i++)
			ok = gmime_walk(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), t, &k);
		ok = ok && k == (size_t)t->parts[c].next;
	}
	g_object_unref(o);
	return ok;
}

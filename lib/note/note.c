/*
 * note.c - choose the body parts of a message that take the thank-you note, put the
 * note into each, and splice the new parts between stretches of the original bytes
 * (see note.h for the rules).
 *
 * The message is untrusted; the notes are trusted UTF-8. The structure and offsets
 * come from mime_scan.c, the codecs and charset conversion from note_codec.c. Every
 * byte outside the parts that change is the input's own, never regenerated nor copied.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "note.h"
#include "note_int.h"
#include "mime/hdr.h"
#include "mime/mime_plain.h"
#include "util/xalloc.h"

/* One replacement of input bytes [start, end) by data. */
typedef struct edit {
	size_t start, end;
	struct buf data;
} edit;

typedef struct job {
	const note_opts *o;
	const char *msg;
	size_t len;
	const mime_tree *t;	/* the message's structure (the caller's scan, or ours) */
	edit edits[8];
	size_t nedits;
	note_result *r;
} job;

/* result_header - one header change: index 1 changes the first field of name, 0 adds */
static void
result_header(note_result *r, const char *name, const char *value, int index)
{
	hdr_edit_push(&r->headers, &r->nheaders, index ? HDR_EDIT_CHANGE : HDR_EDIT_ADD, name,
	    index, value);
}

static edit *
add_edit(job *j, size_t start, size_t end)
{
	edit *e = &j->edits[j->nedits++];
	e->start = start;
	e->end = end;
	memset(&e->data, 0, sizeof e->data);
	return e;
}

static int
is_type(const mime_part *p, const char *type, const char *subtype)
{
	return strcmp(p->type, type) == 0 && (!subtype || strcmp(p->subtype, subtype) == 0);
}

/* sealed - the name of a signed or encrypted part in t, or NULL */
static const char *
sealed(const mime_tree *t)
{
	for (size_t i = 0; i < t->nparts; i++) {
		const mime_part *p = &t->parts[i];
		if (is_type(p, "multipart", "signed") || is_type(p, "multipart", "encrypted"))
			return is_type(p, "multipart", "signed") ? "multipart/signed"
			    : "multipart/encrypted";
		if (is_type(p, "application", NULL) && (strcmp(p->subtype, "pkcs7-mime") == 0
		    || strcmp(p->subtype, "x-pkcs7-mime") == 0
		    || strcmp(p->subtype, "pgp-encrypted") == 0
		    || strcmp(p->subtype, "pgp-signature") == 0
		    || strcmp(p->subtype, "pkcs7-signature") == 0
		    || strcmp(p->subtype, "x-pkcs7-signature") == 0))
			return "application/pkcs7 or pgp";
	}
	return NULL;
}

/* id_matches - does the Content-ID cid name the multipart/related start param? */
static int
id_matches(const char *cid, const char *start)
{
	if (!cid || !start)
		return 0;
	while (*cid == '<' || *cid == ' ')
		cid++;
	while (*start == '<' || *start == ' ')
		start++;
	size_t a = strcspn(cid, "> "), b = strcspn(start, "> ");
	return a == b && strncmp(cid, start, a) == 0;
}

/* select_body - find the text/plain and text/html body parts under idx */
static void
select_body(const mime_tree *t, int idx, int *text, int *html)
{
	const mime_part *p = &t->parts[idx];
	if (is_type(p, "multipart", NULL)) {
		if (strcmp(p->subtype, "mixed") == 0) {
			select_body(t, p->first_child, text, html);
		} else if (strcmp(p->subtype, "alternative") == 0) {
			for (int c = p->first_child; c >= 0; c = t->parts[c].next)
				select_body(t, c, text, html);
		} else if (strcmp(p->subtype, "related") == 0) {
			int root = p->first_child;
			for (int c = p->first_child; p->start && c >= 0; c = t->parts[c].next)
				if (id_matches(t->parts[c].content_id, p->start)) {
					root = c;
					break;
				}
			select_body(t, root, text, html);
		}
		return;
	}
	if (p->attachment)
		return;
	if (is_type(p, "text", "plain") && *text < 0)
		*text = idx;
	else if (is_type(p, "text", "html") && *html < 0)
		*html = idx;
}

/* find_ci - first (or last) case-insensitive occurrence of the tag name at s, followed
 * by '>', '/' or white space; returns its offset or -1 */
static long
find_tag(const char *s, size_t n, const char *tag, int last)
{
	size_t tl = strlen(tag);
	long found = -1;
	if (n < tl)
		return -1;
	for (size_t i = 0; i + tl <= n; i++) {
		if (s[i] != '<' || strncasecmp(s + i, tag, tl) != 0)
			continue;
		if (i + tl < n && !(s[i + tl] == '>' || s[i + tl] == '/' || isspace((unsigned char)s[i + tl])))
			continue;
		found = (long)i;
		if (!last)
			break;
	}
	return found;
}

/* note_lines - the note with its trailing line ends removed and "\n" turned into eol */
static void
note_lines(const char *note, size_t n, const char *eol, struct buf *out)
{
	while (n && (note[n - 1] == '\n' || note[n - 1] == '\r'))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (note[i] == '\r')
			continue;
		if (note[i] == '\n')
			buf_adds(out, eol);
		else
			buf_addc(out, note[i]);
	}
}

static int
all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static size_t
longest_line(const char *s, size_t n)
{
	size_t best = 0, cur = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (cur && s[i - 1] == '\r')
				cur--;
			if (cur > best)
				best = cur;
			cur = 0;
		} else {
			cur++;
		}
	}
	return cur > best ? cur : best;
}

/*
 * relabel_value - the Content-Type value ct (NULL: none) with charset=utf-8, into out;
 * -1 if the charset parameter is one we would not dare rewrite (RFC 2231)
 */
static int
relabel_value(const char *ct, struct buf *out)
{
	if (!ct) {
		buf_adds(out, "text/plain; charset=utf-8");
		return 0;
	}
	size_t n = strlen(ct);
	for (size_t i = 0; i < n; i++) {
		if (ct[i] != ';')
			continue;
		size_t k = i + 1;
		while (k < n && isspace((unsigned char)ct[k]))
			k++;
		if (strncasecmp(ct + k, "charset", 7) != 0)
			continue;
		size_t v = k + 7;
		while (v < n && isspace((unsigned char)ct[v]))
			v++;
		if (v < n && ct[v] == '*')
			return -1;
		if (v >= n || ct[v] != '=')
			continue;
		v++;
		while (v < n && isspace((unsigned char)ct[v]))
			v++;
		size_t ve = v;
		if (ve < n && ct[ve] == '"') {
			ve++;
			while (ve < n && ct[ve] != '"')
				ve++;
			if (ve < n)
				ve++;
		} else {
			while (ve < n && ct[ve] != ';' && !isspace((unsigned char)ct[ve]))
				ve++;
		}
		buf_add(out, ct, k);
		buf_adds(out, "charset=utf-8");
		buf_add(out, ct + ve, n - ve);
		return 0;
	}
	while (n && (ct[n - 1] == ';' || isspace((unsigned char)ct[n - 1])))
		n--;
	buf_add(out, ct, n);
	buf_adds(out, "; charset=utf-8");
	return 0;
}

/* set_part_header - change (or add) a header field of the part idx to name: value */
static void
set_part_header(job *j, int idx, const char *name, const char *value,
    size_t fstart, size_t fend)
{
	mime_part *p = &j->t->parts[idx];
	if (idx == 0) {
		result_header(j->r, name, value, fend > fstart ? 1 : 0);
		return;
	}
	edit *e = fend > fstart ? add_edit(j, fstart, fend) : add_edit(j, p->hblank, p->hblank);
	buf_adds(&e->data, name);
	buf_adds(&e->data, ": ");
	buf_adds(&e->data, value);
	buf_adds(&e->data, j->t->eol);
}

/* The transfer encodings a part may have for the note to go in. */
enum part_enc { E7, E8, EQP, EB64 };

/* part_enc - the part's Content-Transfer-Encoding; 0, or -1 with the reason in r */
static int
part_enc(const mime_part *p, const char *what, note_result *r, enum part_enc *enc)
{
	const char *cte = p->cte ? p->cte : "7bit";

	if (strcmp(cte, "7bit") == 0)
		*enc = E7;
	else if (strcmp(cte, "8bit") == 0)
		*enc = E8;
	else if (strcmp(cte, "quoted-printable") == 0)
		*enc = EQP;
	else if (strcmp(cte, "base64") == 0)
		*enc = EB64;
	else {
		snprintf(r->reason, sizeof r->reason, "%s part with Content-Transfer-Encoding %.40s",
		    what, cte);
		return -1;
	}
	return 0;
}

/* part_decode - the part's content into dec and the line end inside it into *deol
 * (eol is the message's); 0, or -1 with the reason in r (malformed, inline PGP) */
static int
part_decode(const char *raw, size_t rawlen, enum part_enc enc, const char *eol,
    const char *what, note_result *r, struct buf *dec, const char **deol)
{
	if (enc == EQP) {
		if (note_qp_decode(raw, rawlen, dec) < 0) {
			snprintf(r->reason, sizeof r->reason, "malformed quoted-printable in %s part", what);
			return -1;
		}
		*deol = "\n";
	} else if (enc == EB64) {
		if (note_b64_decode(raw, rawlen, dec) < 0) {
			snprintf(r->reason, sizeof r->reason, "malformed base64 in %s part", what);
			return -1;
		}
		buf_add(dec, "", 0);
		const char *nl = memchr(dec->data, '\n', dec->len);
		*deol = nl && nl > dec->data && nl[-1] == '\r' ? "\r\n" : nl ? "\n" : "\r\n";
	} else {
		buf_add(dec, raw, rawlen);
		*deol = eol;
	}
	if (dec->len && memmem(dec->data, dec->len, "-----BEGIN PGP", 14)) {
		snprintf(r->reason, sizeof r->reason, "inline PGP in %s part", what);
		return -1;
	}
	return 0;
}

/* note_text - the note as lines in the part's charset into lines; *relabel set when
 * the part must become UTF-8 (us-ascii text that is truly ASCII); 0, or -1 with the
 * reason in r */
static int
note_text(const char *note, const mime_part *p, int html, const struct buf *dec,
    const char *deol, note_result *r, struct buf *lines, int *relabel)
{
	struct buf conv = { 0 };
	int c = note_charset_convert(note, strlen(note), p->charset, html, &conv,
	    r->reason, sizeof r->reason);

	*relabel = 0;
	if (c > 0 && note_charset_is_ascii(p->charset) && all_ascii(dec->data, dec->len)) {
		*relabel = 1;
		conv.len = 0;
		buf_adds(&conv, note);
		r->reason[0] = '\0';
		c = 0;
	}
	if (c == 0)
		note_lines(conv.data, conv.len, deol, lines);
	buf_free(&conv);
	return c == 0 ? 0 : -1;
}

/* insert_plain - dec with the note's lines at the top (after a BOM) or bottom, into nw */
static void
insert_plain(int top, const struct buf *dec, const struct buf *lines, const char *deol,
    struct buf *nw)
{
	int ends_nl = dec->len && dec->data[dec->len - 1] == '\n';
	size_t off = 0;

	if (top) {
		if (dec->len >= 3 && memcmp(dec->data, "\xef\xbb\xbf", 3) == 0)
			off = 3;
		buf_add(nw, dec->data, off);
		buf_add(nw, lines->data, lines->len);
		buf_adds(nw, deol);
		if (dec->len > off) {
			buf_adds(nw, deol);
			buf_add(nw, dec->data + off, dec->len - off);
		}
	} else if (dec->len == 0) {
		buf_add(nw, lines->data, lines->len);
	} else {
		buf_add(nw, dec->data, dec->len);
		if (!ends_nl)
			buf_adds(nw, deol);
		buf_adds(nw, deol);
		buf_add(nw, lines->data, lines->len);
		if (ends_nl)
			buf_adds(nw, deol);
	}
}

/* html_at - where the note goes in the HTML dec: after <body>, before </body> (or
 * </html>), or at the start/end of a fragment; -1 with the reason in r */
static long
html_at(int top, const struct buf *dec, note_result *r)
{
	long pos;

	if (top) {
		pos = find_tag(dec->data, dec->len, "<body", 0);
		if (pos >= 0) {
			const char *gt = memchr(dec->data + pos, '>', dec->len - (size_t)pos);
			if (!gt) {
				snprintf(r->reason, sizeof r->reason, "text/html part: unclosed <body> tag");
				return -1;
			}
			return gt - dec->data + 1;
		}
		if (find_tag(dec->data, dec->len, "<html", 0) >= 0) {
			snprintf(r->reason, sizeof r->reason, "text/html part with <html> but no <body>");
			return -1;
		}
		return 0;
	}
	pos = find_tag(dec->data, dec->len, "</body", 1);
	if (pos < 0)
		pos = find_tag(dec->data, dec->len, "</html", 1);
	if (pos < 0 && find_tag(dec->data, dec->len, "<html", 0) >= 0) {
		snprintf(r->reason, sizeof r->reason,
		    "text/html part with <html> but neither </body> nor </html>");
		return -1;
	}
	return pos < 0 ? (long)dec->len : pos;
}

/* insert_html - dec with the note's lines at byte at, on lines of their own, into nw */
static void
insert_html(size_t at, const struct buf *dec, const struct buf *lines, const char *deol,
    struct buf *nw)
{
	int ends_nl = dec->len && dec->data[dec->len - 1] == '\n';

	buf_add(nw, dec->data, at);
	if (at > 0 && dec->data[at - 1] != '\n')
		buf_adds(nw, deol);
	buf_add(nw, lines->data, lines->len);
	if (at < dec->len || ends_nl)
		buf_adds(nw, deol);
	buf_add(nw, dec->data + at, dec->len - at);
}

/* part_encode - nw encoded as the part was, or as quoted-printable where 7bit/8bit
 * would be invalid (returns 1 then: the part's header must say so), into out */
static int
part_encode(enum part_enc enc, const struct buf *nw, int raw_ends_nl, const char *eol,
    struct buf *out)
{
	int to_qp = 0;

	if (enc == EQP) {
		note_qp_encode(nw->data, nw->len, eol, out);
		if (raw_ends_nl && !(out->len && out->data[out->len - 1] == '\n')) {
			buf_addc(out, '=');
			buf_adds(out, eol);
		}
	} else if (enc == EB64) {
		note_b64_encode((const unsigned char *)nw->data, nw->len, eol, out);
		if (raw_ends_nl)
			buf_adds(out, eol);
	} else {
		to_qp = (enc == E7 && !all_ascii(nw->data, nw->len)) ||
		    longest_line(nw->data, nw->len) > 998 || memchr(nw->data, '\0', nw->len);
		if (!to_qp) {
			buf_add(out, nw->data, nw->len);
		} else {
			/* Hard line breaks as "\n" for the encoder. */
			struct buf lf = { 0 };
			for (size_t i = 0; i < nw->len; i++)
				if (!(nw->data[i] == '\r' && i + 1 < nw->len && nw->data[i + 1] == '\n'))
					buf_addc(&lf, nw->data[i]);
			note_qp_encode(lf.data, lf.len, eol, out);
			buf_free(&lf);
		}
	}
	return to_qp;
}

/* part_relabel - the part's Content-Type as UTF-8 (and MIME-Version where the message
 * had none); 0, or -1 with the reason in r */
static int
part_relabel(job *j, int idx)
{
	const mime_part *p = &j->t->parts[idx];
	struct buf ctv = { 0 };

	if (relabel_value(p->ct_value, &ctv) < 0) {
		snprintf(j->r->reason, sizeof j->r->reason,
		    "text/plain part: cannot relabel an RFC 2231 charset parameter");
		buf_free(&ctv);
		return -1;
	}
	set_part_header(j, idx, "Content-Type", ctv.data, p->ct_start, p->ct_end);
	if (idx == 0 && !p->ct_value && !j->t->has_mime_version)
		result_header(j->r, "MIME-Version", "1.0", 0);
	buf_free(&ctv);
	return 0;
}

/* put_note - give the part idx the note; 0, or -1 with the reason in j->r */
static int
put_note(job *j, int idx, const char *note, int html)
{
	note_result *r = j->r;
	const mime_part *p = &j->t->parts[idx];
	const char *raw = j->msg + p->body_start;
	size_t rawlen = p->body_end - p->body_start;
	size_t max = j->o->max_part ? j->o->max_part : NOTE_MAX_PART_DEFAULT;
	const char *what = html ? "text/html" : "text/plain";
	const char *deol;	/* line end inside the decoded content */
	struct buf dec = { 0 }, lines = { 0 }, nw = { 0 }, out = { 0 };
	enum part_enc enc;
	int top = j->o->position == NOTE_TOP, relabel, to_qp, rc = -1;
	long at = 0;

	if (p->hblank == p->body_start) {
		snprintf(r->reason, sizeof r->reason, "%s part has no body", what);
		return -1;
	}
	if (rawlen > max) {
		snprintf(r->reason, sizeof r->reason, "%s part of %zu bytes is over the limit of %zu",
		    what, rawlen, max);
		return -1;
	}
	if (part_enc(p, what, r, &enc) < 0)
		return -1;
	if (part_decode(raw, rawlen, enc, j->t->eol, what, r, &dec, &deol) < 0 ||
	    note_text(note, p, html, &dec, deol, r, &lines, &relabel) < 0 ||
	    (html && (at = html_at(top, &dec, r)) < 0))
		goto out;
	if (html)
		insert_html((size_t)at, &dec, &lines, deol, &nw);
	else
		insert_plain(top, &dec, &lines, deol, &nw);
	to_qp = part_encode(enc, &nw, rawlen && raw[rawlen - 1] == '\n', j->t->eol, &out);

	/* Header changes of the part, then its body. */
	if (to_qp)
		set_part_header(j, idx, "Content-Transfer-Encoding", "quoted-printable",
		    p->cte_start, p->cte_end);
	if (relabel && part_relabel(j, idx) < 0)
		goto out;
	edit *e = add_edit(j, p->body_start, p->body_end);
	e->data = out;
	out.data = NULL;
	rc = 0;
out:
	buf_free(&dec);
	buf_free(&lines);
	buf_free(&nw);
	buf_free(&out);
	return rc;
}

/* add_piece - append data[0..len) (the input's or an edit's) to r's body, unless empty */
static void
add_piece(note_result *r, const char *data, size_t len)
{
	if (len == 0)
		return;
	r->body[r->nbody].data = data;
	r->body[r->nbody++].len = len;
	r->body_len += len;
}

/* splice - r's body: the input's body with the sorted edits applied, in pieces; the
 * edits' octets move into r */
static void
splice(job *j)
{
	note_result *r = j->r;
	size_t cur = r->body_offset;

	r->body = xreallocarray(NULL, 2 * j->nedits + 1, sizeof *r->body);
	r->held = xreallocarray(NULL, j->nedits ? j->nedits : 1, sizeof *r->held);
	for (size_t i = 0; i < j->nedits; i++) {
		edit *e = &j->edits[i];

		add_piece(r, j->msg + cur, e->start - cur);
		add_piece(r, e->data.data, e->data.len);
		r->held[r->nheld++] = e->data.data;
		memset(&e->data, 0, sizeof e->data);
		cur = e->end;
	}
	add_piece(r, j->msg + cur, j->len - cur);
}

static int
cmp_edit(const void *a, const void *b)
{
	const edit *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* An added header (empty range) before a body that starts at the same place. */
	return (x->end > x->start) - (y->end > y->start);
}

static int
unchanged(note_result *r, const char *fmt, const char *arg)
{
	if (fmt)
		snprintf(r->reason, sizeof r->reason, fmt, arg);
	r->status = NOTE_UNCHANGED;
	return NOTE_UNCHANGED;
}

int
note_inject(const note_opts *o, const char *msg, size_t len,
    const char *text_note, const char *html_note, note_result *r)
{
	return note_inject_parsed(o, msg, len, NULL, text_note, html_note, r);
}

int
note_inject_parsed(const note_opts *o, const char *msg, size_t len, GMimeObject *parsed,
    const char *text_note, const char *html_note, note_result *r)
{
	mime_tree t;
	char why[200];
	int status;

	if (mime_scan(msg, len, &t, why, sizeof why) < 0) {
		memset(r, 0, sizeof *r);
		r->status = NOTE_UNCHANGED;
		unchanged(r, "MIME: %s", why);
		return r->status;
	}
	status = note_inject_scanned(o, msg, len, &t, parsed, text_note, html_note, r);
	mime_tree_clear(&t);
	return status;
}

int
note_inject_scanned(const note_opts *o, const char *msg, size_t len, const mime_tree *t,
    GMimeObject *parsed, const char *text_note, const char *html_note, note_result *r)
{
	static const note_opts defaults;
	job j;
	memset(&j, 0, sizeof j);
	memset(r, 0, sizeof *r);
	r->status = NOTE_UNCHANGED;
	j.o = o ? o : &defaults;
	j.msg = msg;
	j.len = len;
	j.r = r;
	j.t = t;
	const char *marker = j.o->marker_name ? j.o->marker_name : NOTE_MARKER_NAME;
	int text = -1, html = -1, last;

	r->body_offset = t->parts[0].body_start;
	const char *s;
	if (hdr_count(msg, t->parts[0].hblank, marker) > 0) {
		unchanged(r, "already has a %s header", marker);
		goto done;
	}
	if (j.o->skip_replies && t->is_reply) {
		unchanged(r, "a reply (In-Reply-To or References)%s", "");
		goto done;
	}
	if ((s = sealed(t))) {
		unchanged(r, "signed or encrypted mail (%s) is never changed", s);
		goto done;
	}
	select_body(t, 0, &text, &html);
	if (text < 0 && html < 0) {
		unchanged(r, "no text/plain or text/html body part%s", "");
		goto done;
	}
	if ((text >= 0 && !text_note) || (html >= 0 && !html_note)) {
		unchanged(r, "no %s note for the body", text >= 0 && !text_note ? "text" : "HTML");
		goto done;
	}
	/* GMime must read the structure as the scan did, up to the parts the note
	 * changes: the octets after them stay as they are (mime_scan_agrees_upto). A
	 * plain structure is GMime's reading by construction (mime_plain.h); any other
	 * GMime parses to tell. */
	last = text > html ? text : html;
	if (!(parsed ? mime_scan_agrees_with(parsed, t) : mime_plain_upto(msg, len, t, last) ||
	    mime_scan_agrees_upto(msg, len, t, last))) {
		unchanged(r, "MIME: GMime reads the structure differently%s", "");
		goto done;
	}
	if (text >= 0 && put_note(&j, text, text_note, 0) < 0) {
		unchanged(r, NULL, NULL);
		goto done;
	}
	if (html >= 0 && put_note(&j, html, html_note, 1) < 0) {
		unchanged(r, NULL, NULL);
		goto done;
	}

	qsort(j.edits, j.nedits, sizeof *j.edits, cmp_edit);
	splice(&j);
	/* The marker goes first in the list of header changes. */
	struct hdr_edit *hs = r->headers;
	size_t nh = r->nheaders;
	r->headers = NULL;
	r->nheaders = 0;
	result_header(r, marker, j.o->marker_value ? j.o->marker_value : NOTE_MARKER_VALUE, 0);
	r->headers = xreallocarray(r->headers, nh + 1, sizeof *r->headers);
	if (nh)
		memcpy(r->headers + 1, hs, nh * sizeof *hs);
	r->nheaders = nh + 1;
	free(hs);
	r->parts_text = text >= 0;
	r->parts_html = html >= 0;
	r->status = NOTE_INJECTED;
	r->reason[0] = '\0';
done:
	for (size_t i = 0; i < j.nedits; i++)
		buf_free(&j.edits[i].data);
	if (r->status != NOTE_INJECTED) {
		/* Keep the reason, drop any partial result. */
		r->headers = hdr_edit_free(r->headers, r->nheaders);
		r->nheaders = 0;
	}
	return r->status;
}

void
note_result_clear(note_result *r)
{
	if (!r)
		return;
	free(r->body);
	for (size_t i = 0; i < r->nheld; i++)
		free(r->held[i]);
	free(r->held);
	hdr_edit_free(r->headers, r->nheaders);
	memset(r, 0, sizeof *r);
}

char *
note_result_body(const note_result *r, size_t *len)
{
	struct buf b = { 0 };

	*len = 0;
	if (r->status != NOTE_INJECTED)
		return NULL;
	buf_reserve(&b, r->body_len);
	for (size_t i = 0; i < r->nbody; i++)
		buf_add(&b, r->body[i].data, r->body[i].len);
	*len = b.len;
	return b.data;
}

char *
note_result_message(const char *msg, size_t len, const note_result *r, size_t *outlen)
{
	char *body, *out;
	size_t blen;

	if (r->status != NOTE_INJECTED) {
		*outlen = len;
		return xmemdup(msg, len);
	}
	body = note_result_body(r, &blen);
	out = hdr_edit_apply(msg, len, r->body_offset, r->headers, r->nheaders, body, blen, outlen);
	free(body);
	return out;
}

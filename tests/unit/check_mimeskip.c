/*
 * check_mimeskip.c - GMime spared the inner lines of long base64 runs (lib/mime/mimeskip.c,
 * mimeskip_stream.c, mime_parse.c): every mail is parsed twice, by GMime's own parser
 * over the bytes as they are (a fresh parser, persist-stream as GMime has it by default)
 * and by mime_parse (a parser reused from mail to mail, as filter_view_gmime's pool does),
 * and the two must agree: the same tree of objects, every header (name, raw name, raw
 * value, offset), content types and dispositions with their parameters, the preface
 * and postface of each multipart, every leaf's encoding, OpenPGP data, content window
 * (the same buffer, bound_start and bound_end), encoded and decoded bytes, and
 * g_mime_object_to_string of the whole message byte for byte (LF and CRLF).
 *
 * The mails: the corpus's *.eml ($POSTSALE_CORPUS), the end-to-end tests' mails
 * (tests/e2e/make_invoice_mail.py with several --embed-bytes, make_messages.py,
 * make_bad_mime.py) and a hostile set made here: base64 runs in header blocks, at
 * the very start and end of a part, right before a boundary (LF and CRLF), lines of 998
 * and 999 octets, a boundary of base64 letters only, nested multiparts and
 * message/rfc822, '-' lines and '=' padding inside a run, a missing final boundary,
 * CR-only line ends, an empty line inside a run, runs in a preface and a postface,
 * OpenPGP armour, each shifted by padding headers so that GMime's 4 KB reads fall
 * elsewhere. Where the copy must be used (a run inside a part) or must not be (a run
 * in a header block or a preface), mime_parse's way is checked too.
 *
 * mimeskip_find on its own is checked against a plain line-by-line finder written
 * here, and mimeskip_span against the alphabet.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "test_files.h"
#include "test_run.h"
#include "mime/mime_parse.h"
#include "test_mimetree.h"
#include "mime/mimeskip.h"

#define ANY_WAY (-1)

struct mail {
	char *name;
	char *bytes;
	size_t len;
	int way;			/* the mime_parse_how expected, or ANY_WAY */
};

static struct mail *mails;
static size_t nmails, capmails;
static size_t ngenerated;		/* of them, from the e2e scripts */

static void
add_mail(const char *name, const char *bytes, size_t len, int way)
{
	if (nmails == capmails) {
		capmails = capmails ? 2 * capmails : 64;
		mails = realloc(mails, capmails * sizeof(*mails));
		if (mails == NULL)
			abort();
	}
	mails[nmails].name = strdup(name);
	mails[nmails].bytes = malloc(len + 1);
	if (mails[nmails].name == NULL || mails[nmails].bytes == NULL)
		abort();
	memcpy(mails[nmails].bytes, bytes, len);
	mails[nmails].bytes[len] = '\0';
	mails[nmails].len = len;
	mails[nmails].way = way;
	nmails++;
}

/* ---- the two parses ---- */

/* ref_parse - GMime's own parse of bytes in place, as mime_parse reads them (the
 * message as its top part): a fresh parser on an unowned memory stream (view must
 * outlive the message) */
static GMimeObject *
ref_parse(GByteArray *view)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(view);
	GMimeParser *parser = g_mime_parser_new();
	GMimeObject *msg;

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	g_mime_parser_init_with_stream(parser, stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	return msg;
}

static GMimeParser *pool;		/* mime_parse's parser, kept as filter_view_gmime's are */

static GMimeObject *
skip_parse(GByteArray *view, enum mime_parse_how *how)
{
	if (pool == NULL) {
		pool = g_mime_parser_new();
		g_mime_parser_set_format(pool, GMIME_FORMAT_MESSAGE);
	}
	return mime_parse(pool, view, how);
}

/* ---- the comparison ---- */

struct cmp {
	const char *bytes;
	char why[1024];
	int bad;
};

#define DIFF(c, ...) do { if (!(c)->bad) { \
	snprintf((c)->why, sizeof((c)->why), __VA_ARGS__); (c)->bad = 1; } } while (0)

static const char *
show(const char *s)
{
	return s ? s : "(null)";
}

static void
cmp_headers(struct cmp *c, GMimeObject *a, GMimeObject *b, const char *path)
{
	GMimeHeaderList *la = g_mime_object_get_header_list(a);
	GMimeHeaderList *lb = g_mime_object_get_header_list(b);
	int n = g_mime_header_list_get_count(la);

	if (n != g_mime_header_list_get_count(lb)) {
		DIFF(c, "%s: %d headers / %d", path, n, g_mime_header_list_get_count(lb));
		return;
	}
	for (int i = 0; i < n; i++) {
		GMimeHeader *x = g_mime_header_list_get_header_at(la, i);
		GMimeHeader *y = g_mime_header_list_get_header_at(lb, i);

		if (!test_same_str(g_mime_header_get_name(x), g_mime_header_get_name(y)) ||
		    !test_same_str(g_mime_header_get_raw_name(x), g_mime_header_get_raw_name(y)) ||
		    !test_same_str(g_mime_header_get_raw_value(x), g_mime_header_get_raw_value(y)) ||
		    g_mime_header_get_offset(x) != g_mime_header_get_offset(y))
			DIFF(c, "%s: header %d: %s:%s at %lld / %s:%s at %lld", path, i,
			    show(g_mime_header_get_name(x)), show(g_mime_header_get_raw_value(x)),
			    (long long)g_mime_header_get_offset(x),
			    show(g_mime_header_get_name(y)), show(g_mime_header_get_raw_value(y)),
			    (long long)g_mime_header_get_offset(y));
	}
}

static void
cmp_params(struct cmp *c, GMimeParamList *a, GMimeParamList *b, const char *path)
{
	int n = a ? g_mime_param_list_length(a) : 0;

	if (n != (b ? g_mime_param_list_length(b) : 0)) {
		DIFF(c, "%s: parameter counts differ", path);
		return;
	}
	for (int i = 0; i < n; i++) {
		GMimeParam *x = g_mime_param_list_get_parameter_at(a, i);
		GMimeParam *y = g_mime_param_list_get_parameter_at(b, i);

		if (!test_same_str(g_mime_param_get_name(x), g_mime_param_get_name(y)) ||
		    !test_same_str(g_mime_param_get_value(x), g_mime_param_get_value(y)))
			DIFF(c, "%s: parameter %d: %s=%s / %s=%s", path, i,
			    show(g_mime_param_get_name(x)), show(g_mime_param_get_value(x)),
			    show(g_mime_param_get_name(y)), show(g_mime_param_get_value(y)));
	}
}

/* read_all - the bytes of stream from its start (left at its start again) */
static GByteArray *
read_all(GMimeStream *stream)
{
	GByteArray *out = g_byte_array_new();
	char buf[4096];
	ssize_t n;

	g_mime_stream_reset(stream);
	while ((n = g_mime_stream_read(stream, buf, sizeof(buf))) > 0)
		g_byte_array_append(out, (guint8 *)buf, (guint)n);
	g_mime_stream_reset(stream);
	return out;
}

/* decoded - what g_mime_data_wrapper_write_to_stream gives of w */
static GByteArray *
decoded(GMimeDataWrapper *w)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *out;

	g_mime_data_wrapper_write_to_stream(w, mem);
	out = g_byte_array_new();
	g_byte_array_append(out, g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem))->data,
	    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem))->len);
	g_object_unref(mem);
	return out;
}

static int
same_bytes(const GByteArray *a, const GByteArray *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void
cmp_leaf(struct cmp *c, GMimePart *a, GMimePart *b, const char *path)
{
	GMimeDataWrapper *wa = g_mime_part_get_content(a), *wb = g_mime_part_get_content(b);
	GMimeStream *sa, *sb;
	GByteArray *x, *y;

	if (g_mime_part_get_content_encoding(a) != g_mime_part_get_content_encoding(b) ||
	    g_mime_part_get_openpgp_data(a) != g_mime_part_get_openpgp_data(b))
		DIFF(c, "%s: encoding %d / %d, OpenPGP data %d / %d", path,
		    g_mime_part_get_content_encoding(a), g_mime_part_get_content_encoding(b),
		    g_mime_part_get_openpgp_data(a), g_mime_part_get_openpgp_data(b));
	if (wa == NULL || wb == NULL) {
		if (wa != wb)
			DIFF(c, "%s: content in one parse only", path);
		return;
	}
	if (g_mime_data_wrapper_get_encoding(wa) != g_mime_data_wrapper_get_encoding(wb))
		DIFF(c, "%s: content encodings differ", path);
	sa = g_mime_data_wrapper_get_stream(wa);
	sb = g_mime_data_wrapper_get_stream(wb);
	if (!GMIME_IS_STREAM_MEM(sa) || !GMIME_IS_STREAM_MEM(sb)) {
		DIFF(c, "%s: a content stream is no memory stream", path);
	} else {
		GByteArray *ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sa));
		GByteArray *bb = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sb));

		if (ba == NULL || bb == NULL || ba->data != (guint8 *)c->bytes ||
		    bb->data != (guint8 *)c->bytes)
			DIFF(c, "%s: a content stream is no window on the mail's bytes", path);
		if (sa->bound_start != sb->bound_start || sa->bound_end != sb->bound_end)
			DIFF(c, "%s: content window [%lld, %lld) / [%lld, %lld)", path,
			    (long long)sa->bound_start, (long long)sa->bound_end,
			    (long long)sb->bound_start, (long long)sb->bound_end);
	}
	x = read_all(sa);
	y = read_all(sb);
	if (!same_bytes(x, y))
		DIFF(c, "%s: encoded content %u / %u octets", path, x->len, y->len);
	g_byte_array_free(x, TRUE);
	g_byte_array_free(y, TRUE);
	x = decoded(wa);
	y = decoded(wb);
	if (!same_bytes(x, y))
		DIFF(c, "%s: decoded content %u / %u octets", path, x->len, y->len);
	g_byte_array_free(x, TRUE);
	g_byte_array_free(y, TRUE);
}

static void cmp_message(struct cmp *c, GMimeMessage *a, GMimeMessage *b, const char *path);

static void
cmp_object(struct cmp *c, GMimeObject *a, GMimeObject *b, const char *path)
{
	GMimeContentType *ta, *tb;
	GMimeContentDisposition *da, *db;
	char *ma, *mb, sub[256];

	if (a == NULL || b == NULL) {
		if (a != b)
			DIFF(c, "%s: an object in one parse only", path);
		return;
	}
	if (G_OBJECT_TYPE(a) != G_OBJECT_TYPE(b)) {
		DIFF(c, "%s: %s / %s", path, G_OBJECT_TYPE_NAME(a), G_OBJECT_TYPE_NAME(b));
		return;
	}
	cmp_headers(c, a, b, path);
	ta = g_mime_object_get_content_type(a);
	tb = g_mime_object_get_content_type(b);
	ma = ta ? g_mime_content_type_get_mime_type(ta) : NULL;
	mb = tb ? g_mime_content_type_get_mime_type(tb) : NULL;
	if (!test_same_str(ma, mb))
		DIFF(c, "%s: %s / %s", path, show(ma), show(mb));
	g_free(ma);
	g_free(mb);
	if (ta && tb)
		cmp_params(c, g_mime_content_type_get_parameters(ta),
		    g_mime_content_type_get_parameters(tb), path);
	da = g_mime_object_get_content_disposition(a);
	db = g_mime_object_get_content_disposition(b);
	if ((da == NULL) != (db == NULL) ||
	    (da && !test_same_str(g_mime_content_disposition_get_disposition(da),
	    g_mime_content_disposition_get_disposition(db))))
		DIFF(c, "%s: dispositions differ", path);
	else if (da)
		cmp_params(c, g_mime_content_disposition_get_parameters(da),
		    g_mime_content_disposition_get_parameters(db), path);
	if (GMIME_IS_MULTIPART(a)) {
		GMimeMultipart *pa = GMIME_MULTIPART(a), *pb = GMIME_MULTIPART(b);
		int n = g_mime_multipart_get_count(pa);

		if (!test_same_str(g_mime_multipart_get_prologue(pa), g_mime_multipart_get_prologue(pb)) ||
		    !test_same_str(g_mime_multipart_get_epilogue(pa), g_mime_multipart_get_epilogue(pb)) ||
		    !test_same_str(g_mime_multipart_get_boundary(pa), g_mime_multipart_get_boundary(pb)))
			DIFF(c, "%s: preface, postface or boundary differ", path);
		if (n != g_mime_multipart_get_count(pb)) {
			DIFF(c, "%s: %d parts / %d", path, n, g_mime_multipart_get_count(pb));
			return;
		}
		for (int i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s.%d", path, i + 1);
			cmp_object(c, g_mime_multipart_get_part(pa, i), g_mime_multipart_get_part(pb, i),
			    sub);
		}
	} else if (GMIME_IS_MESSAGE_PART(a)) {
		snprintf(sub, sizeof(sub), "%s/message", path);
		cmp_message(c, g_mime_message_part_get_message(GMIME_MESSAGE_PART(a)),
		    g_mime_message_part_get_message(GMIME_MESSAGE_PART(b)), sub);
	} else if (GMIME_IS_PART(a)) {
		cmp_leaf(c, GMIME_PART(a), GMIME_PART(b), path);
	}
}

static void
cmp_message(struct cmp *c, GMimeMessage *a, GMimeMessage *b, const char *path)
{
	if (a == NULL || b == NULL) {
		if (a != b)
			DIFF(c, "%s: a message in one parse only", path);
		return;
	}
	cmp_headers(c, GMIME_OBJECT(a), GMIME_OBJECT(b), path);
	cmp_object(c, g_mime_message_get_mime_part(a), g_mime_message_get_mime_part(b), path);
}

/* cmp_whole - the two messages written out, LF and CRLF */
static void
cmp_whole(struct cmp *c, GMimeObject *a, GMimeObject *b)
{
	GMimeFormatOptions *dos = g_mime_format_options_new();
	char *x, *y;

	g_mime_format_options_set_newline_format(dos, GMIME_NEWLINE_FORMAT_DOS);
	for (int k = 0; k < 2; k++) {
		x = g_mime_object_to_string(GMIME_OBJECT(a), k ? dos : NULL);
		y = g_mime_object_to_string(GMIME_OBJECT(b), k ? dos : NULL);
		if (!test_same_str(x, y))
			DIFF(c, "g_mime_object_to_string (%s) differs: %zu / %zu octets",
			    k ? "CRLF" : "LF", x ? strlen(x) : 0, y ? strlen(y) : 0);
		g_free(x);
		g_free(y);
	}
	g_mime_format_options_free(dos);
}

/* head_cut - 1 when mimeskip cuts fields of m's own header block */
static int
head_cut(const struct mail *m)
{
	struct mimeskip s;
	int cut = mimeskip_find(m->bytes, m->len, &s) && s.head_len > 0;

	mimeskip_release(&s);
	return cut;
}

/* check_mail - both parses of m agree, and mime_parse went the expected way */
static void
check_mail(const struct mail *m)
{
	GByteArray *va = g_byte_array_new_take((guint8 *)m->bytes, m->len);
	GByteArray *vb = g_byte_array_new_take((guint8 *)m->bytes, m->len);
	GMimeObject *a = ref_parse(va);
	enum mime_parse_how how;
	GMimeObject *b = skip_parse(vb, &how);
	struct cmp c = { .bytes = m->bytes };

	test_fix_boundaries((GMimeObject *)a, "check-mimeskip");
	test_fix_boundaries((GMimeObject *)b, "check-mimeskip");
	if (a != NULL && b != NULL && how == MIME_PARSE_SKIPPED) {
		/* the message's own fields, read from the bytes if they were cut */
		const char *why = test_same_head(a, b);

		ck_assert_msg(why == NULL, "%s: mime_head reads %s differently", m->name, why);
		if (head_cut(m))
			test_drop_head(a);
	}
	if (a != NULL && b != NULL)
		cmp_whole(&c, a, b);
	cmp_object(&c, a, b, "");
	ck_assert_msg(!c.bad, "%s (mime_parse's way %d): %s", m->name, how, c.why);
	ck_assert_msg(m->way == ANY_WAY || (int)how == m->way,
	    "%s: mime_parse's way %d, not %d", m->name, how, m->way);
	if (a)
		g_object_unref(a);
	if (b)
		g_object_unref(b);
	g_byte_array_free(va, FALSE);
	g_byte_array_free(vb, FALSE);
}

START_TEST(test_mail)
{
	/* the parser first reads another mail, as a kept parser has */
	const struct mail *other = &mails[((size_t)_i + 1) % nmails];
	GByteArray *v = g_byte_array_new_take((guint8 *)other->bytes, other->len);
	GMimeObject *msg = skip_parse(v, NULL);

	if (msg)
		g_object_unref(msg);
	g_byte_array_free(v, FALSE);
	check_mail(&mails[_i]);
}
END_TEST

START_TEST(test_generated)
{
	/* the e2e scripts ran: without their mails the comparison proves little */
	ck_assert_msg(ngenerated >= 15, "only %zu mails from tests/e2e (is $PYTHON there?)",
	    ngenerated);
}
END_TEST

/* ---- mimeskip_find against a plain finder ---- */

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

/* ref_b64_line - the end (past LF) of the base64 line at buf[at], or 0 */
static size_t
ref_b64_line(const char *buf, size_t len, size_t at)
{
	const char *lf = memchr(buf + at, '\n', len - at);
	size_t end, n;

	if (lf == NULL)
		return 0;
	end = (size_t)(lf - buf);
	n = end - at;
	if (n > 0 && buf[end - 1] == '\r')
		n--;
	if (n == 0 || n > 998)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (buf[at + i] == '\0' || strchr(alphabet, buf[at + i]) == NULL)
			return 0;
	return end + 1;
}

/* ref_field - 1 when the line buf[at..eol) starts a field: a name of printable ASCII
 * without blanks, then a colon */
static int
ref_field(const char *buf, size_t at, size_t eol)
{
	size_t n = 0;

	while (at + n < eol && buf[at + n] != ':') {
		if (buf[at + n] <= ' ' || buf[at + n] >= 0x7f)
			return 0;
		n++;
	}
	return n > 0 && at + n < eol;
}

/* ref_head - the plain finder of the message's own fields to cut (mimeskip.h): the
 * cuts (neighbours joined) into from[] and n[] (room for 64), their number returned
 * (0 when the block is not plain or all its fields stay); the block's length in *end */
static size_t
ref_head(const char *buf, size_t len, size_t *from, size_t *n, size_t *end)
{
	size_t at = 0, count = 0, field = 0;

	for (;;) {
		const char *lf = at < len ? memchr(buf + at, '\n', len - at) : NULL;
		size_t e, eol;

		if (lf == NULL)
			return 0;
		e = (size_t)(lf - buf);
		eol = e > at && buf[e - 1] == '\r' ? e - 1 : e;
		for (size_t i = at; i < eol; i++)
			if (buf[i] == '\r' || buf[i] == '\0')
				return 0;
		if (at > 0 && eol > at && (buf[at] == ' ' || buf[at] == '\t')) {
			at = e + 1;
			continue;
		}
		if (at > 0) {			/* the field from 'field' ends here */
			char name[1000];
			size_t k = strcspn(buf + field, ":");

			snprintf(name, sizeof(name), "%.*s", (int)k, buf + field);
			if (!test_head_kept(name)) {
				if (count > 0 && from[count - 1] + n[count - 1] == field)
					n[count - 1] += at - field;
				else if (count < 64) {
					from[count] = field;
					n[count++] = at - field;
				} else
					return 0;
			}
		}
		if (eol == at) {
			*end = e + 1;
			return count;
		}
		if (!ref_field(buf, at, eol))
			return 0;
		field = at;
		at = e + 1;
	}
}

/* check_find - mimeskip_find's cuts of buf are the plain finders', the copy is buf
 * without them, and every offset of the copy maps to the same octet of buf */
static void
check_find(const char *name, const char *buf, size_t len)
{
	struct mimeskip s;
	size_t ncuts = 0, cut = 0, at = 0, hfrom[64], hn[64], hend = 0;
	size_t nhead = ref_head(buf, len, hfrom, hn, &hend);
	int any = mimeskip_find(buf, len, &s);

	for (; ncuts < nhead; ncuts++) {	/* the header fields first */
		ck_assert_msg(ncuts < s.ncuts && s.cuts[ncuts].head, "%s: header cut %zu missing",
		    name, ncuts);
		ck_assert_msg(s.cuts[ncuts].from == hfrom[ncuts] && s.cuts[ncuts].len == hn[ncuts],
		    "%s: header cut %zu is [%zu +%zu), not [%zu +%zu)", name, ncuts,
		    s.cuts[ncuts].from, s.cuts[ncuts].len, hfrom[ncuts], hn[ncuts]);
		ck_assert_uint_eq(s.cuts[ncuts].at, hfrom[ncuts] - cut);
		cut += hn[ncuts];
	}
	ck_assert_uint_eq(s.head_len, nhead > 0 ? hend : 0);
	if (nhead > 0)
		at = hend;			/* no run is looked for in the block */

	while (at < len) {
		size_t lines = 0, start = at, first_end = 0, last_start = 0, e;
		const char *lf;

		while ((e = ref_b64_line(buf, len, at)) != 0) {
			if (lines == 0)
				first_end = e;
			last_start = at;
			lines++;
			at = e;
		}
		if (lines >= 16 && at - start >= 1024) {
			ck_assert_msg(ncuts < s.ncuts, "%s: a run at %zu not cut", name, start);
			ck_assert_msg(s.cuts[ncuts].from == first_end &&
			    s.cuts[ncuts].len == last_start - first_end,
			    "%s: cut %zu is [%zu +%zu), not [%zu +%zu)", name, ncuts,
			    s.cuts[ncuts].from, s.cuts[ncuts].len, first_end, last_start - first_end);
			ck_assert_uint_eq(s.cuts[ncuts].at, first_end - cut);
			cut += last_start - first_end;
			ncuts++;
		}
		if (lines == 0) {		/* the next line */
			if ((lf = memchr(buf + at, '\n', len - at)) == NULL)
				break;
			at = (size_t)(lf - buf) + 1;
		}
	}
	ck_assert_msg(s.ncuts == ncuts, "%s: %zu cuts, not %zu", name, s.ncuts, ncuts);
	ck_assert_int_eq(any, ncuts > 0);
	if (any) {
		ck_assert_uint_eq(s.cut, cut);
		ck_assert_uint_eq(s.len, len - cut);
		for (size_t o = 0; o < s.len; o++)
			ck_assert_msg(s.buf[o] == buf[mimeskip_map(&s, o)],
			    "%s: copy offset %zu maps to %zu", name, o, mimeskip_map(&s, o));
		ck_assert_uint_eq(mimeskip_map(&s, s.len), len);
	}
	mimeskip_release(&s);
}

static unsigned rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/* b64_lines - n lines of width octets of the alphabet (a random width 1..998 when
 * width is 0), each ended by eol */
static void
b64_lines(GString *g, int n, int width, const char *eol)
{
	for (int i = 0; i < n; i++) {
		int w = width ? width : 1 + (int)rnd(998);

		for (int k = 0; k < w; k++)
			g_string_append_c(g, alphabet[rnd(65)]);
		g_string_append(g, eol);
	}
}

START_TEST(test_find_random)
{
	static const char *pieces[] = {
		"\n", "\r\n", "\r", "--b\n", "-AAAA\n", "text with spaces\r\n", "AAAA",
		"====\n", "\xc3\xa9t\xc3\xa9\n", "\n\n", "AAAA\r\r\n",
	};

	/* a run whose probes (every 512 octets) all fall on the LF of a CR LF */
	for (int pre = 0; pre < 70; pre++) {
		GString *g = g_string_new(NULL);
		char name[32];

		for (int i = 0; i < pre; i++)
			g_string_append_c(g, '\n');
		b64_lines(g, 16, 62, "\r\n");
		snprintf(name, sizeof(name), "aligned %d", pre);
		check_find(name, g->str, g->len);
		g_string_free(g, TRUE);
	}
	for (int doc = 0; doc < 300; doc++) {
		GString *g = g_string_new(NULL);
		int parts = 1 + (int)rnd(12);
		char name[32];

		for (int p = 0; p < parts; p++) {
			switch (rnd(5)) {
			case 0:
				g_string_append(g, pieces[rnd(G_N_ELEMENTS(pieces))]);
				break;
			case 1:
				b64_lines(g, (int)rnd(40), rnd(2) ? 76 : 0, rnd(2) ? "\r\n" : "\n");
				break;
			case 2:
				b64_lines(g, 10 + (int)rnd(30), rnd(3) ? (int)rnd(999) + 1 : 998,
				    "\r\n");
				break;
			case 3:
				b64_lines(g, 1 + (int)rnd(3), 999, "\n");
				break;
			default:		/* a line far too long, then a run */
				b64_lines(g, 1, 1500 + (int)rnd(4000), "\n");
				b64_lines(g, 20, 76, "\r\n");
				break;
			}
		}
		snprintf(name, sizeof(name), "random %d", doc);
		check_find(name, g->str, g->len);
		g_string_free(g, TRUE);
	}
}
END_TEST

START_TEST(test_find_mails)
{
	for (size_t i = 0; i < nmails; i++)
		check_find(mails[i].name, mails[i].bytes, mails[i].len);
}
END_TEST

START_TEST(test_span)
{
	char buf[100];

	for (int c = 0; c < 256; c++) {
		int in = c != 0 && strchr(alphabet, c) != NULL;

		for (size_t at = 0; at < sizeof(buf); at += 7) {
			memset(buf, 'Q', sizeof(buf));
			buf[at] = (char)c;
			ck_assert_msg(mimeskip_span(buf, sizeof(buf)) == (in ? sizeof(buf) : at),
			    "octet %d at %zu", c, at);
			ck_assert_uint_eq(mimeskip_span(buf, at), at);
		}
	}
}
END_TEST

/* ---- the mails ---- */

static int
load_eml(const char *path, void *ctx)
{
	size_t *count = ctx;
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
		fprintf(stderr, "check_mimeskip: cannot read %s\n", path);
		exit(EXIT_FAILURE);
	}
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "check_mimeskip: cannot read %s\n", path);
		exit(EXIT_FAILURE);
	}
	fclose(fp);
	add_mail(path, buf, (size_t)n, ANY_WAY);
	free(buf);
	(*count)++;
	return 0;
}

/* e2e_mails - the end-to-end tests' mails, made by their scripts into a directory */
static void
e2e_mails(void)
{
	static const char *xmls[] = { "ubl-tc434-example2.xml", "ubl-tc434-example1.xml",
		"ubl-tc434-example5.xml" };
	static const int embeds[] = { 0, 700, 5000, 21000, 150000 };
	const char *py = getenv("PYTHON") && *getenv("PYTHON") ? getenv("PYTHON") : "python3";
	char dir[] = "/tmp/check_mimeskip.XXXXXX", corpus[4096], src[1024], cmd[8192], rel[256];
	int files = 0;

	if (mkdtemp(dir) == NULL)
		return;
	for (size_t x = 0; x < G_N_ELEMENTS(xmls); x++) {
		snprintf(rel, sizeof(rel), "en16931/ubl-examples/%s", xmls[x]);
		if (test_corpus_path(corpus, sizeof(corpus), rel, "check_mimeskip",
		    "the invoice mails") == NULL)
			continue;
		for (size_t e = 0; e < G_N_ELEMENTS(embeds); e++) {
			if (x > 0 && embeds[e] != 21000)
				continue;
			snprintf(cmd, sizeof(cmd), "%s %s '%s' %s/invoice-%zu-%d.eml --embed-bytes %d",
			    py, test_srcpath(src, sizeof(src), "tests/e2e/make_invoice_mail.py"),
			    corpus, dir, x, embeds[e], embeds[e]);
			if (system(cmd) != 0)
				fprintf(stderr, "check_mimeskip: failed: %s\n", cmd);
		}
	}
	snprintf(cmd, sizeof(cmd), "%s %s %s && %s %s %s", py,
	    test_srcpath(src, sizeof(src), "tests/e2e/make_messages.py"), dir, py,
	    test_srcpath(rel, sizeof(rel), "tests/e2e/make_bad_mime.py"), dir);
	if (system(cmd) != 0)
		fprintf(stderr, "check_mimeskip: failed: %s\n", cmd);
	test_each_file(dir, ".eml", load_eml, &ngenerated, &files);
	test_rmtree(dir);
}

/* corpus_mails - any *.eml of the corpus */
static void
corpus_mails(void)
{
	char path[4096];
	size_t count = 0;
	int files = 0;

	if (test_corpus_path(path, sizeof(path), "", "check_mimeskip", "its mails") == NULL)
		return;
	test_each_file(path, ".eml", load_eml, &count, &files);
	if (count == 0)
		fprintf(stderr, "check_mimeskip: no *.eml in the corpus (%s)\n", path);
}

/* hostile_mail - head (headers up to the empty line's end), then body, with every LF
 * of both made eol ("\r\n", "\n" or "\r") and, in front of it all, a header of pad
 * octets (none when pad < 0); added as name/eol/pad */
static void
hostile_mail(const char *name, const char *text, const char *eol, int pad, int way)
{
	GString *g = g_string_new(NULL);
	char full[256];

	if (pad >= 0) {
		g_string_append(g, "X-Pad: ");
		for (int i = 0; i < pad; i++)
			g_string_append_c(g, 'p');
		g_string_append_c(g, '\n');
	}
	g_string_append(g, text);
	if (strcmp(eol, "\n") != 0) {
		GString *o = g_string_new(NULL);

		for (size_t i = 0; i < g->len; i++) {
			if (g->str[i] == '\n')
				g_string_append(o, eol);
			else
				g_string_append_c(o, g->str[i]);
		}
		g_string_free(g, TRUE);
		g = o;
	}
	snprintf(full, sizeof(full), "%s (%s, pad %d)", name,
	    eol[0] == '\n' ? "LF" : eol[1] ? "CRLF" : "CR", pad);
	add_mail(full, g->str, g->len, strcmp(eol, "\r") == 0 ? ANY_WAY : way);
	g_string_free(g, TRUE);
}

/* run - a base64 run of n lines of width (0: random widths) as a string, LF ended */
static char *
run(int n, int width)
{
	GString *g = g_string_new(NULL);

	b64_lines(g, n, width, "\n");
	return g_string_free(g, FALSE);
}

#define HEAD "From: Alice <alice@example.com>\nTo: Bob <bob@example.com>\n" \
	"Subject: hostile\nMIME-Version: 1.0\n"

struct hostile {
	const char *name;
	char *text;
	int way;
};

/* hostile_set - the shapes; each becomes mails with LF, CRLF and CR line ends */
static size_t
hostile_set(struct hostile *h)
{
	char *r = run(40, 76), *r2 = run(30, 76), *wide = run(20, 0), *tiny = run(17, 61);
	char *edge = NULL;
	GString *g;
	size_t n = 0;

#define H(nm, w, ...) do { h[n].name = (nm); h[n].way = (w); \
	h[n].text = g_strdup_printf(__VA_ARGS__); n++; } while (0)

	H("base64 leaf", MIME_PARSE_SKIPPED, HEAD "Content-Type: application/pdf\n"
	    "Content-Transfer-Encoding: base64\n\n%s", r);
	H("run from the first line to the boundary", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%s--b--\n", r);
	H("run then text before the boundary", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Type: text/plain\n\nfirst, words\n%slast, words\n--b\nContent-Type: text/plain\n\n"
	    "x\n--b--\n", r);
	H("run right before a boundary, then more parts", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n%s"
	    "--b\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n%s--b\n"
	    "Content-Type: text/plain\n\nend\n--b--\nepilogue\n", r, r2);
	H("run in the message's header block", MIME_PARSE_AGAIN,
	    "From: Alice <alice@example.com>\n%sTo: Bob <bob@example.com>\nSubject: x\n\nbody\n",
	    r);
	H("run at the very top", ANY_WAY, "%sFrom: Alice <alice@example.com>\n\nbody\n", r);
	H("run in a part's header block", MIME_PARSE_AGAIN,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Type: text/plain\n%sX-After: 1\n\nbody\n--b--\n", r);
	H("run as a part's header block", ANY_WAY,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n%s\nbody\n--b--\n", r);
	{
		char *a = run(3, 998), *b = run(1, 999), *c = run(18, 998), *d = run(2, 997);

		H("lines of 998 and 999 octets", MIME_PARSE_SKIPPED, HEAD "Content-Type: "
		    "application/pdf\nContent-Transfer-Encoding: base64\n\n%s%s%s%s", a, b, c, d);
		free(a);
		free(b);
		free(c);
		free(d);
	}
	H("lines of random widths", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%s", wide);
	H("a boundary of base64 letters", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"QUJDREVGR0g=\"\n\n"
	    "--QUJDREVGR0g=\nContent-Transfer-Encoding: base64\n\n%sQUJDREVGR0g=\n%s"
	    "--QUJDREVGR0g=--\n", r, r2);
	H("nested multiparts", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"o\"\n\npreface\n--o\n"
	    "Content-Type: multipart/alternative; boundary=\"i\"\n\n--i\nContent-Type: text/plain\n\n"
	    "hi\n--i\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%s--i--\n"
	    "inner postface\n--o\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n"
	    "%s--o--\n", r, r2);
	H("message/rfc822 with a base64 part", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"o\"\n\n--o\nContent-Type: message/rfc822\n\n"
	    "From: Carol <carol@example.com>\nSubject: inner\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"i\"\n\n--i\nContent-Type: application/pdf\n"
	    "Content-Transfer-Encoding: base64\n\n%s--i--\n--o\nContent-Type: message/rfc822\n"
	    "Content-Transfer-Encoding: base64\n\n%s--o--\n", r, r2);
	H("message/rfc822 whose headers are a run", ANY_WAY,
	    HEAD "Content-Type: multipart/mixed; boundary=\"o\"\n\n--o\nContent-Type: message/rfc822\n\n"
	    "%s\nbody\n--o--\n", r);
	H("multipart/digest", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/digest; boundary=\"d\"\n\n--d\n\n"
	    "Subject: one\nContent-Transfer-Encoding: base64\n\n%s--d--\n", r);
	g = g_string_new(NULL);
	b64_lines(g, 10, 76, "\n");
	g_string_append(g, "-AAAA\n--\n---AAAA=\n--b-\n");
	b64_lines(g, 20, 76, "\n");
	g_string_append(g, "--b\nContent-Type: text/plain\n\n");
	b64_lines(g, 20, 76, "\n");
	H("'-' lines and a boundary inside a run", ANY_WAY,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Transfer-Encoding: base64\n\n%s--b--\n", g->str);
	g_string_free(g, TRUE);
	g = g_string_new(NULL);
	b64_lines(g, 12, 76, "\n");
	g_string_append(g, "QUJD==\nQQ==\n=\n");
	b64_lines(g, 12, 76, "\n");
	H("'=' padding inside a run", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%s", g->str);
	g_string_free(g, TRUE);
	H("missing final boundary", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
	    "x\n--b\nContent-Transfer-Encoding: base64\n\n%s", r);
	H("missing final boundary, no last line end", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Transfer-Encoding: base64\n\n%sQUJD", r);
	g = g_string_new(NULL);
	b64_lines(g, 20, 76, "\n");
	g_string_append(g, "\n");
	b64_lines(g, 20, 76, "\n");
	H("an empty line inside a run", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%s", g->str);
	g_string_free(g, TRUE);
	H("run in a preface", MIME_PARSE_AGAIN,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n%s--b\nContent-Type: text/plain\n\n"
	    "x\n--b--\n", r);
	H("run in a postface", MIME_PARSE_AGAIN,
	    HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
	    "x\n--b--\n%s", r);
	H("multipart without a boundary", MIME_PARSE_AGAIN,
	    HEAD "Content-Type: multipart/mixed\n\n%s", r);
	H("OpenPGP message", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: text/plain\n\n-----BEGIN PGP MESSAGE-----\nVersion: x\n\n%s"
	    "=AbCd\n-----END PGP MESSAGE-----\n", r);
	H("OpenPGP signed", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
	    "%s-----BEGIN PGP SIGNATURE-----\n\n%s-----END PGP SIGNATURE-----\n", r, r2);
	H("OpenPGP armour in base64", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
	    "-----BEGIN PGP MESSAGE-----\n%s-----END PGP MESSAGE-----\n", r);
	H("uuencode", ANY_WAY,
	    HEAD "Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\n"
	    "begin 644 f.bin\n%s`\nend\n", tiny);
	H("quoted-printable of base64 letters", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n%s", r);
	g = g_string_new(HEAD "Content-Type: multipart/mixed; boundary=\"b\"\n\n");
	for (int i = 0; i < 40; i++) {
		g_string_append(g, "--b\nContent-Transfer-Encoding: base64\n\n");
		b64_lines(g, 16 + (int)rnd(10), 76, "\n");
	}
	g_string_append(g, "--b--\n");
	H("forty base64 parts", MIME_PARSE_SKIPPED, "%s", g->str);
	g_string_free(g, TRUE);
	{
		char *l = run(1, 5000);

		H("a line of the alphabet far too long, then a run", MIME_PARSE_SKIPPED,
		    HEAD "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
		    "%s%s", l, r);
		free(l);
	}
	H("multipart/signed", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; "
	    "micalg=pgp-sha256; boundary=\"s\"\n\n--s\nContent-Type: application/pdf\n"
	    "Content-Transfer-Encoding: base64\n\n%s--s\nContent-Type: application/pgp-signature\n\n"
	    "-----BEGIN PGP SIGNATURE-----\n\n%s-----END PGP SIGNATURE-----\n--s--\n", r, r2);
	H("application/pkcs7-mime", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\n"
	    "Content-Transfer-Encoding: base64\n\n%s", r);
	edge = run(14, 76);
	/* no run cut (check_find): GMime reads the copy only for the header fields cut */
	H("runs just under the thresholds", MIME_PARSE_SKIPPED,
	    HEAD "Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%s\n%s",
	    edge, tiny + 62 * 2);
	free(edge);
	free(r);
	free(r2);
	free(wide);
	free(tiny);
#undef H
	return n;
}

static void
hostile_mails(void)
{
	static const char *eols[] = { "\n", "\r\n", "\r" };
	struct hostile h[64];
	size_t n = hostile_set(h);

	for (size_t i = 0; i < n; i++) {
		for (size_t e = 0; e < G_N_ELEMENTS(eols); e++)
			hostile_mail(h[i].name, h[i].text, eols[e], -1, h[i].way);
		/* GMime reads 4 KB at a time: the same mail shifted across those reads */
		for (int k = 0; k < 12; k++)
			hostile_mail(h[i].name, h[i].text, k % 2 ? "\r\n" : "\n", (int)rnd(4200),
			    h[i].way);
		if (i == 1)		/* every phase of a line of 76 and its CR LF */
			for (int pad = 0; pad < 80; pad++)
				hostile_mail(h[i].name, h[i].text, "\r\n", pad, h[i].way);
		g_free(h[i].text);
	}
}

/* shifted_invoices - the first e2e invoice mail with a pad header of every length from
 * 0 to 99, and a few up to 4 KB */
static void
shifted_invoices(void)
{
	size_t base = nmails;

	for (size_t i = 0; i < base; i++) {
		if (strstr(mails[i].name, "invoice-0-21000") == NULL)
			continue;
		for (int pad = 0; pad < 100; pad++) {
			char name[300];
			GString *g = g_string_new("X-Pad: ");
			int len = pad < 90 ? pad : (int)rnd(4096);

			for (int k = 0; k < len; k++)
				g_string_append_c(g, 'p');
			g_string_append(g, "\n");
			g_string_append_len(g, mails[i].bytes, (gssize)mails[i].len);
			snprintf(name, sizeof(name), "%s with a pad of %d", mails[i].name, len);
			add_mail(name, g->str, g->len, MIME_PARSE_SKIPPED);
			g_string_free(g, TRUE);
		}
		break;
	}
}

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_span), TEST_ONCE(test_find_random), TEST_ONCE(test_find_mails),
		TEST_ONCE(test_generated), TEST_LOOP_N(test_mail, 0),
	};
	struct test_case list[G_N_ELEMENTS(tests)];

	g_mime_init();
	corpus_mails();
	e2e_mails();
	for (size_t i = 0; i < nmails; i++)	/* the e2e invoices must be spared their runs */
		if (strstr(mails[i].name, "/invoice-") != NULL)
			mails[i].way = MIME_PARSE_SKIPPED;
	shifted_invoices();
	hostile_mails();
	memcpy(list, tests, sizeof(tests));
	list[G_N_ELEMENTS(tests) - 1].loops = (int)nmails;
	return test_main("check_mimeskip", 300, list, G_N_ELEMENTS(list));
}

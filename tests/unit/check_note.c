/*
 * check_note.c - unit tests of lib/note: the codecs against RFC 4648 and RFC 2045
 * vectors, charset conversion against the ISO 8859-1 table, the structure scanner
 * (alone, and taking GMime's reading of the fields it proves GMime read: the same tree
 * either way), and note_inject's decisions on small messages (the rules of issue 5). The
 * whole-message checks with an independent parser are in tests/note/verify.py.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mime/mime_parse.h"
#include "note/note.h"
#include "note/note_int.h"
#include "util/xalloc.h"
#include "test_mime.h"
#include "test_run.h"
#include "test_windows.h"

/* RFC 4648 section 10 test vectors, plus malformed input that must be refused. */
static const struct {
	const char *enc, *dec;	/* dec NULL: must fail */
} b64_cases[] = {
	{ "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" }, { "Zm9v", "foo" }, { "Zm9vYg==", "foob" },
	{ "Zm9vYmE=", "fooba" }, { "Zm9vYmFy", "foobar" }, { "Zm9v\r\nYmFy\r\n", "foobar" },
	{ "Zm9vYmF", NULL }, { "Zm9v*mFy", NULL }, { "Zg==Zg==", NULL }, { "Z===", NULL },
	{ "Zm9vYmFy=", NULL },
};

START_TEST(test_b64)
{
	struct buf out = { 0 };
	int rc = note_b64_decode(b64_cases[_i].enc, strlen(b64_cases[_i].enc), &out);
	if (!b64_cases[_i].dec) {
		ck_assert_int_eq(rc, -1);
	} else {
		ck_assert_int_eq(rc, 0);
		buf_add(&out, "", 0);
		ck_assert_str_eq(out.data, b64_cases[_i].dec);
		/* And back, where the vector has no line breaks. */
		if (!strchr(b64_cases[_i].enc, '\n')) {
			struct buf enc = { 0 };
			note_b64_encode((const unsigned char *)out.data, out.len, "\r\n", &enc);
			buf_add(&enc, "", 0);
			ck_assert_str_eq(enc.data, b64_cases[_i].enc);
			buf_free(&enc);
		}
	}
	buf_free(&out);
}
END_TEST

START_TEST(test_b64_lines)
{
	unsigned char data[300];
	for (int i = 0; i < 300; i++)
		data[i] = (unsigned char)i;
	struct buf enc = { 0 }, dec = { 0 };
	note_b64_encode(data, sizeof data, "\r\n", &enc);
	/* 300 bytes = 400 characters = 5 lines of 76 and one of 20 (RFC 2045: <= 76). */
	size_t col = 0, lines = 1;
	for (size_t i = 0; i < enc.len; i++) {
		if (enc.data[i] == '\r') {
			ck_assert_uint_eq(col, 76);
			col = 0, lines++, i++;
		} else {
			col++;
		}
	}
	ck_assert_uint_eq(lines, 6);
	ck_assert_int_eq(note_b64_decode(enc.data, enc.len, &dec), 0);
	ck_assert_uint_eq(dec.len, 300);
	ck_assert_int_eq(memcmp(dec.data, data, 300), 0);
	buf_free(&enc);
	buf_free(&dec);
}
END_TEST

/* RFC 2045 section 6.7 rules. */
static const struct {
	const char *enc, *dec;
} qp_cases[] = {
	{ "Gr=C3=BC=C3=9Fe", "Gr\xc3\xbc\xc3\x9f" "e" },
	{ "soft=\r\nbreak", "softbreak" },
	{ "soft=\nbreak", "softbreak" },
	{ "hard\r\nbreak\r\n", "hard\nbreak\n" },
	{ "padding   \r\nx", "padding\nx" },	/* rule 3: trailing white space is padding */
	{ "lower=c3=bc", "lower\xc3\xbc" },
	{ "=3D", "=" },
	{ "bad=G1", NULL }, { "bad=", "bad" }, { "cut=4", NULL }, { "cr=0D", NULL },
	{ "lf=0A", NULL }, { "bare\rcr", NULL },
};

START_TEST(test_qp_decode)
{
	struct buf out = { 0 };
	int rc = note_qp_decode(qp_cases[_i].enc, strlen(qp_cases[_i].enc), &out);
	if (!qp_cases[_i].dec) {
		ck_assert_int_eq(rc, -1);
	} else {
		ck_assert_int_eq(rc, 0);
		buf_add(&out, "", 0);
		ck_assert_str_eq(out.data, qp_cases[_i].dec);
	}
	buf_free(&out);
}
END_TEST

START_TEST(test_qp_encode)
{
	/* A long line with spaces, '=', 8-bit bytes and trailing white space. */
	char in[2000];
	size_t n = 0;
	for (int i = 0; i < 300; i++) {
		const char *w = i % 7 == 0 ? "\xc3\xbc= " : i % 50 == 49 ? "end \n" : "word ";
		memcpy(in + n, w, strlen(w));
		n += strlen(w);
	}
	memcpy(in + n, "From here\ntab\t", 14);
	n += 14;
	struct buf enc = { 0 }, dec = { 0 };
	note_qp_encode(in, n, "\r\n", &enc);
	for (size_t i = 0, col = 0; i < enc.len; i++) {
		if (enc.data[i] == '\r') {
			ck_assert_uint_le(col, 76);
			ck_assert_msg(enc.data[i - 1] != ' ' && enc.data[i - 1] != '\t', "trailing space");
			col = 0, i++;
		} else {
			ck_assert_msg((unsigned char)enc.data[i] < 127 && (unsigned char)enc.data[i] >= 32,
			    "unencoded byte");
			col++;
		}
	}
	ck_assert_ptr_nonnull(strstr(enc.data, "\r\n=46rom here"));
	ck_assert_int_eq(note_qp_decode(enc.data, enc.len, &dec), 0);
	ck_assert_uint_eq(dec.len, n);
	ck_assert_int_eq(memcmp(dec.data, in, n), 0);
	buf_free(&enc);
	buf_free(&dec);
}
END_TEST

static const struct {
	const char *in, *charset;
	int html, rc;
	const char *want;
} cs_cases[] = {
	{ "Zo\xc3\xab", "iso-8859-1", 0, 0, "Zo\xeb" },
	{ "Zo\xc3\xab", "ISO-8859-1", 1, 0, "Zo\xeb" },
	{ "5 \xe2\x82\xac", "iso-8859-1", 1, 0, "5 &#8364;" },
	{ "5 \xe2\x82\xac", "iso-8859-1", 0, 1, NULL },
	{ "5 \xe2\x82\xac", "iso-8859-15", 0, 0, "5 \xa4" },
	{ "5 \xe2\x82\xac", "windows-1252", 0, 0, "5 \x80" },
	{ "Zo\xc3\xab", NULL, 1, 0, "Zo&#235;" },
	{ "Zo\xc3\xab", "us-ascii", 0, 1, NULL },
	{ "Zo\xc3\xab", "utf-8", 0, 0, "Zo\xc3\xab" },
	{ "x", "x-nobody-knows", 0, -1, NULL },
	{ "x", "utf-16", 0, -1, NULL },
	{ "x", "iso-2022-jp", 1, -1, NULL },
};

START_TEST(test_charset)
{
	struct buf out = { 0 };
	char why[200] = "";
	int rc = note_charset_convert(cs_cases[_i].in, strlen(cs_cases[_i].in), cs_cases[_i].charset,
	    cs_cases[_i].html, &out, why, sizeof why);
	ck_assert_msg(rc == cs_cases[_i].rc, "case %d: rc %d (%s)", _i, rc, why);
	if (cs_cases[_i].want) {
		buf_add(&out, "", 0);
		ck_assert_str_eq(out.data, cs_cases[_i].want);
	} else {
		ck_assert_msg(why[0], "no reason");
	}
	buf_free(&out);
}
END_TEST

START_TEST(test_scan_offsets)
{
	const char *m = "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\npre\r\n--b\r\n"
	    "Content-Type: text/plain\r\n\r\nbody one\r\n--b \r\n\r\nno headers\r\n--b--\r\nepi\r\n";
	mime_tree t;
	char why[200];
	ck_assert_int_eq(mime_scan(m, strlen(m), &t, why, sizeof why), 0);
	ck_assert_uint_eq(t.nparts, 3);
	ck_assert_str_eq(t.eol, "\r\n");
	const mime_part *p1 = &t.parts[1], *p2 = &t.parts[2];
	ck_assert_int_eq(strncmp(m + p1->body_start, "body one", p1->body_end - p1->body_start), 0);
	ck_assert_uint_eq(p1->body_end - p1->body_start, 8);
	ck_assert_uint_eq(p2->body_end - p2->body_start, 10);
	ck_assert_str_eq(p2->type, "text");	/* RFC 2045 default */
	ck_assert_int_eq(mime_scan_agrees(m, strlen(m), &t), 1);
	mime_tree_clear(&t);
}
END_TEST

/*
 * Multiparts whose content has dashes where a line-by-line reading must look: lines of
 * "-", "--" and "---", "--" inside a line, a boundary that holds dashes itself, the
 * delimiter on the body's first line, CR LF and LF, no line end after the last. Base64
 * content has no '-' at all, the case the scanner steps over fastest.
 */
static const struct {
	const char *msg, *boundary;
} dash_cases[] = {
	{ "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nplain - text\n-- \n--\n---\n"
	  "-\n--c\n x--b\nx--b\n--b\n\nsecond\n--b--\n", "b" },
	{ "Content-Type: multipart/mixed; boundary=b\r\n\r\n- pre\r\n--\r\n--b\r\n\r\n"
	  "a-b--c\r\n--\r\n--b\t \r\nContent-Type: text/plain\r\n\r\n--x\r\n--b--", "b" },
	{ "Content-Type: multipart/mixed; boundary=\"--==b-\"\n\n----==b-\n\n--==b\n---==b-\n"
	  "-----==b\n----==b-\n\nQUJD\nREVG\n----==b---\nepi - log\n", "--==b-" },
	{ "Content-Type: multipart/alternative; boundary=q\n\n--q\n\n-\n--q\n\n--\n--q--\n-", "q" },
};

/* ref_parts - the children of the multipart whose body is m[s, e), read line by line as
 * RFC 2046 has it: each part from after a delimiter line to the line end before the next
 * (starts and ends in the arrays); their number */
static size_t
ref_parts(const char *m, size_t s, size_t e, const char *b, size_t *starts, size_t *ends)
{
	size_t n = 0, blen = strlen(b), ls = s, open = (size_t)-1;

	while (ls < e) {
		const char *nl = memchr(m + ls, '\n', e - ls);
		size_t le = nl ? (size_t)(nl - m) : e, next = nl ? le + 1 : e;
		size_t ce = le > ls && m[le - 1] == '\r' ? le - 1 : le;

		if (ce - ls >= 2 + blen && strncmp(m + ls, "--", 2) == 0 &&
		    memcmp(m + ls + 2, b, blen) == 0) {
			int close = ce - ls >= 4 + blen && strncmp(m + ls + 2 + blen, "--", 2) == 0;

			if (open != (size_t)-1) {
				size_t end = ls > open && m[ls - 1] == '\n' ? ls - 1 : ls;

				if (end > open && m[end - 1] == '\r')
					end--;
				starts[n] = open;
				ends[n++] = end;
			}
			if (close)
				break;
			open = next;
		}
		ls = next;
	}
	return n;
}

START_TEST(test_scan_dashes)
{
	const char *m = dash_cases[_i].msg;
	size_t starts[8], ends[8], n, k = 0;
	mime_tree t;
	char why[200];

	ck_assert_msg(mime_scan(m, strlen(m), &t, why, sizeof why) == 0, "%s", why);
	n = ref_parts(m, t.parts[0].body_start, strlen(m), dash_cases[_i].boundary, starts, ends);
	ck_assert_uint_gt(n, 1);
	for (int c = t.parts[0].first_child; c >= 0; c = t.parts[c].next, k++) {
		ck_assert_uint_lt(k, n);
		ck_assert_uint_eq(t.parts[c].hdr_start, starts[k]);
		ck_assert_uint_eq(t.parts[c].body_end, ends[k]);
	}
	ck_assert_uint_eq(k, n);
	ck_assert_int_eq(mime_scan_agrees(m, strlen(m), &t), 1);
	mime_tree_clear(&t);
}
END_TEST

/*
 * Messages whose Content-Type and Content-Disposition fields GMime reads as the scan
 * would: folded, commented, in capitals, RFC 2231 parameters (continued, encoded), an
 * attachment that is text, nested multiparts, multipart/related's start, a part without
 * a Content-Type, LF and CR LF.
 */
static const char *const gmime_cases[] = {
	"Content-Type: multipart/mixed;\n boundary=\"==b\"; x=1\nMIME-Version: 1.0\n\n--==b\n"
	"Content-Type: TEXT/Plain (the body);\n\tcharset=\"UTF-8\"\n\nhi\n--==b\n"
	"Content-Type: text/plain; charset=us-ascii; name=\"a.txt\"\n"
	"Content-Disposition: attachment;\n filename*0=\"long-\";\n filename*1=\"name.txt\"\n\n"
	"attached text\n--==b\nContent-Type: application/xml\n"
	"Content-Disposition: ATTACHMENT; filename*=utf-8''r%C3%A9sum%C3%A9.xml\n\n<a/>\n--==b--\n",
	"Subject: x\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\n"
	"Content-Type: multipart/alternative; boundary=i\r\n\r\n--i\r\n\r\nplain\r\n--i\r\n"
	"Content-Type: text/html; charset=iso-8859-1\r\nContent-Disposition: inline\r\n\r\n"
	"<p>h</p>\r\n--i--\r\n--o\r\nContent-Type: application/pdf\r\n"
	"Content-Disposition: attachment; filename=\"i.pdf\"\r\n\r\nJVBERi0=\r\n--o--\r\n",
	"Content-Type: multipart/related; type=\"text/html\"; start=\"<h@x>\";\n boundary=r\n\n"
	"--r\nContent-Type: text/html\nContent-ID: <h@x>\n\n<p>x</p>\n--r\n"
	"Content-Type: image/png\nContent-Disposition: inline; filename=p.png\n\niVBORw==\n--r--\n",
};

/* gmime_parse - GMime's reading of m with the default options, or NULL (caller unrefs) */
static GMimeObject *
gmime_parse(const char *m)
{
	mime_gmime_init();
	return test_mime_parse(m);
}

/* the parts of each of gmime_cases that Content-Disposition calls attachments */
static const int gmime_attachments[] = {2, 1, 0};

/* The scan reads what GMime reads: each case's attachments, and the same tree of
 * content types as GMime's parse of it. */
START_TEST(test_scan_gmime)
{
	const char *m = gmime_cases[_i];
	GMimeObject *parsed = gmime_parse(m);
	mime_tree t;
	char why[200];
	int attachments = 0;

	ck_assert_ptr_nonnull(parsed);
	ck_assert_msg(mime_scan(m, strlen(m), &t, why, sizeof why) == 0, "%s", why);
	for (size_t i = 0; i < t.nparts; i++)
		attachments += t.parts[i].attachment;
	ck_assert_int_eq(attachments, gmime_attachments[_i]);
	ck_assert_int_eq(mime_scan_agrees_with(parsed, &t), 1);
	mime_tree_clear(&t);
	g_object_unref(parsed);
}
END_TEST

/* As the filter has it when GMime reads the parts: GMime reads a copy of the message
 * without the inner lines of its long base64 run, nor the top header block's other
 * fields (mime_parse.h). The scan of the message agrees with that parse. */
START_TEST(test_scan_gmime_skipped)
{
	GString *g = g_string_new("From: a@example.com\nSubject: the invoice\n"
	    "Content-Type: multipart/mixed; boundary=\"s\"\nMIME-Version: 1.0\n\n--s\n"
	    "Content-Type: text/plain; charset=utf-8\n\nhello\n--s\n"
	    "Content-Type: application/xml; name=i.xml\nContent-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; filename=i.xml\n\n");
	GByteArray *view;
	GMimeParser *parser;
	GMimeObject *parsed;
	enum mime_parse_how how;
	mime_tree t;
	char why[200];

	for (int i = 0; i < 40; i++)
		g_string_append(g, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\n");
	g_string_append(g, "--s--\n");
	mime_gmime_init();
	view = g_byte_array_new_take((guint8 *)g->str, g->len);
	parser = g_mime_parser_new();
	parsed = mime_parse(parser, view, &how);
	ck_assert_ptr_nonnull(parsed);
	ck_assert_int_eq(how, MIME_PARSE_SKIPPED);
	ck_assert_int_eq(mime_scan(g->str, g->len, &t, why, sizeof why), 0);
	ck_assert_uint_eq(t.nparts, 3);
	ck_assert_int_eq(t.parts[2].attachment, 1);
	ck_assert_int_eq(mime_scan_agrees_with(parsed, &t), 1);
	mime_tree_clear(&t);
	g_object_unref(parsed);
	g_object_unref(parser);
	g_byte_array_free(view, FALSE);
	g_string_free(g, TRUE);
}
END_TEST

/* GMime's parse of other bytes does not agree: the scan reads the message's own fields. */
START_TEST(test_scan_gmime_other)
{
	const char *m = "Content-Type: text/plain; charset=utf-8\n"
	    "Content-Disposition: attachment\n\nx\n";
	GMimeObject *other = gmime_parse("Content-Type: text/html;  charset=utf-8\n"
	    "Content-Disposition: inline\n\nx\n");
	mime_tree t;
	char why[200];

	ck_assert_ptr_nonnull(other);
	ck_assert_int_eq(mime_scan(m, strlen(m), &t, why, sizeof why), 0);
	ck_assert_str_eq(t.parts[0].subtype, "plain");
	ck_assert_int_eq(t.parts[0].attachment, 1);
	ck_assert_int_eq(mime_scan_agrees_with(other, &t), 0);
	mime_tree_clear(&t);
	g_object_unref(other);
}
END_TEST

static const char TN[] = "Thank you, Zo\xc3\xab.\n";
static const char HN[] = "<p>Thank you, Zo\xc3\xab.</p>\n";

static const struct {
	const char *msg;
	int status;
	const char *want;	/* injected: in the output; unchanged: in the reason */
} inj_cases[] = {
	{ "Subject: x\n\nhello\n", NOTE_INJECTED, "hello\n\nThank you, Zo=C3=AB.\n" },
	{ "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nhi\n",
	  NOTE_INJECTED, "hi\n\nThank you, Zo\xc3\xab.\n" },
	{ "Content-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
	  "<html><body>x</body></html>\n", NOTE_INJECTED, "<html><body>x\n<p>Thank you, Zo\xeb.</p>\n</body></html>\n" },
	{ "Content-Type: text/html\n\n<p>frag</p>", NOTE_INJECTED, "<p>frag</p>\n<p>Thank you, Zo&#235;.</p>" },
	{ "X-Postsale-Note: added\n\nx\n", NOTE_UNCHANGED, "already has" },
	{ "Content-Type: multipart/signed; boundary=s\n\n--s\n\nx\n--s--\n", NOTE_UNCHANGED, "signed" },
	{ "Content-Type: multipart/mixed; boundary=s\n\n--s\n\nx\n", NOTE_UNCHANGED, "missing closing" },
	{ "Content-Type: multipart/mixed; boundary=s\n\n--s\n\nx\n--sx\n--s--\n", NOTE_UNCHANGED, "not a delimiter" },
	{ "Content-Type: multipart/mixed\n\n--s\n\nx\n--s--\n", NOTE_UNCHANGED, "boundary" },
	{ "Content-Type: text/plain\nContent-Type: text/html\n\nx\n", NOTE_UNCHANGED, "two Content-Type" },
	{ "Subject: x\nbroken header\n\nx\n", NOTE_UNCHANGED, "without a colon" },
	{ "Content-Type: text/plain\nContent-Transfer-Encoding: x-uuencode\n\nx\n", NOTE_UNCHANGED, "x-uuencode" },
	{ "Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nbad=ZZ\n", NOTE_UNCHANGED, "quoted-printable" },
	{ "Content-Type: text/plain; charset=iso-8859-1\n\nGr\xfc\xdf" "e\n", NOTE_INJECTED, "Gr=FC=DFe\n\nThank you, Zo=EB.\n" },
	{ "Content-Type: image/png\n\nx\n", NOTE_UNCHANGED, "no text/plain" },
	{ "Subject: x\n\n", NOTE_INJECTED, "\n\nThank you, Zo=C3=AB." },
	{ "Subject: x", NOTE_UNCHANGED, "no body" },
	{ "From someone\nSubject: x\n\nx\n", NOTE_UNCHANGED, "From_" },
};

/*
 * same_result - note_inject_parsed with GMime's parse of m decides as note_inject
 * (which parses m itself) decided in *want: the same status, reason, body and headers
 */
static void
same_result(const note_opts *o, const char *m, const note_result *want)
{
	GMimeObject *parsed = gmime_parse(m);
	note_result r;
	char *body, *want_body;
	size_t len, want_len;

	if (parsed == NULL)
		return;
	ck_assert_int_eq(note_inject_parsed(o, m, strlen(m), parsed, TN, HN, &r), want->status);
	ck_assert_str_eq(r.reason, want->reason);
	ck_assert_uint_eq(r.body_len, want->body_len);
	body = note_result_body(&r, &len);
	want_body = note_result_body(want, &want_len);
	ck_assert_uint_eq(len, want_len);
	if (want_len > 0)
		ck_assert_mem_eq(body, want_body, want_len);
	free(body);
	free(want_body);
	ck_assert_uint_eq(r.nheaders, want->nheaders);
	for (size_t i = 0; i < r.nheaders; i++) {
		ck_assert_str_eq(r.headers[i].name, want->headers[i].name);
		ck_assert_str_eq(r.headers[i].value, want->headers[i].value);
		ck_assert_int_eq(r.headers[i].index, want->headers[i].index);
	}
	note_result_clear(&r);
	g_object_unref(parsed);
}

START_TEST(test_inject)
{
	note_result r;
	const char *m = inj_cases[_i].msg;
	int st = note_inject(NULL, m, strlen(m), TN, HN, &r);
	ck_assert_msg(st == inj_cases[_i].status, "case %d: status %d (%s)", _i, st, r.reason);
	if (st == NOTE_INJECTED) {
		size_t olen;
		char *out = note_result_message(m, strlen(m), &r, &olen);
		ck_assert_msg(memmem(out, olen, inj_cases[_i].want, strlen(inj_cases[_i].want)) != NULL,
		    "case %d: output lacks \"%s\":\n%.*s", _i, inj_cases[_i].want, (int)olen, out);
		ck_assert_str_eq(r.headers[0].name, NOTE_MARKER_NAME);
		free(out);
	} else {
		ck_assert_msg(strstr(r.reason, inj_cases[_i].want) != NULL, "case %d: reason \"%s\"",
		    _i, r.reason);
		ck_assert_ptr_null(r.body);
		ck_assert_uint_eq(r.nheaders, 0);
	}
	same_result(NULL, m, &r);
	note_result_clear(&r);
}
END_TEST

/* note_inject_parsed compares the structure with the message it is given, not with
 * one of its own: a parse of other bytes (multipart where the bytes are text) differs. */
START_TEST(test_inject_parsed_other)
{
	const char *text = "Content-Type: text/plain\n\nhello\n";
	GMimeObject *other = gmime_parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n");
	note_result r;

	ck_assert_ptr_nonnull(other);
	ck_assert_int_eq(note_inject_parsed(NULL, text, strlen(text), other, TN, HN, &r), NOTE_UNCHANGED);
	ck_assert_ptr_nonnull(strstr(r.reason, "GMime reads the structure differently"));
	note_result_clear(&r);
	ck_assert_int_eq(note_inject_parsed(NULL, text, strlen(text), NULL, TN, HN, &r), NOTE_INJECTED);
	note_result_clear(&r);
	g_object_unref(other);
}
END_TEST

/* The options: position, replies, size limit, marker name. */
START_TEST(test_options)
{
	const char *m = "In-Reply-To: <a@b>\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: 8bit\n\nbody\n";
	note_opts o = { .skip_replies = 1 };
	note_result r;
	char *body;
	size_t len;
	ck_assert_int_eq(note_inject(&o, m, strlen(m), TN, HN, &r), NOTE_UNCHANGED);
	ck_assert_ptr_nonnull(strstr(r.reason, "reply"));
	same_result(&o, m, &r);
	note_result_clear(&r);
	o.skip_replies = 0;
	o.position = NOTE_TOP;
	o.marker_name = "X-Thanks";
	ck_assert_int_eq(note_inject(&o, m, strlen(m), TN, HN, &r), NOTE_INJECTED);
	body = note_result_body(&r, &len);
	ck_assert_str_eq(body, "Thank you, Zo\xc3\xab.\n\nbody\n");
	free(body);
	ck_assert_str_eq(r.headers[0].name, "X-Thanks");
	ck_assert_uint_eq(r.nheaders, 1);
	same_result(&o, m, &r);
	note_result_clear(&r);
	o.max_part = 4;
	ck_assert_int_eq(note_inject(&o, m, strlen(m), TN, HN, &r), NOTE_UNCHANGED);
	ck_assert_ptr_nonnull(strstr(r.reason, "over the limit"));
	same_result(&o, m, &r);
	note_result_clear(&r);
	/* An alternative needs both notes. */
	const char *alt = "Content-Type: multipart/alternative; boundary=a\n\n--a\n\nt\n"
	    "--a\nContent-Type: text/html\n\n<p>h</p>\n--a--\n";
	ck_assert_int_eq(note_inject(NULL, alt, strlen(alt), TN, NULL, &r), NOTE_UNCHANGED);
	note_result_clear(&r);
	ck_assert_int_eq(note_inject(NULL, alt, strlen(alt), TN, HN, &r), NOTE_INJECTED);
	ck_assert_uint_eq(r.parts_text + r.parts_html, 2);
	note_result_clear(&r);
}
END_TEST

/*
 * same_windows - where the scan reads m, each leaf's content is the window GMime's part
 * in the same place reads, to the octet (test_windows.h)
 */
static void
same_windows(const char *m)
{
	GMimeObject *parsed = gmime_parse(m);
	mime_tree t;
	char why[200];
	size_t bad;

	if (mime_scan(m, strlen(m), &t, why, sizeof why) != 0) {
		mime_tree_clear(&t);	/* a refused scan may hold parts */
		if (parsed != NULL)
			g_object_unref(parsed);
		return;		/* refused: the note leaves the message alone */
	}
	ck_assert_ptr_nonnull(parsed);
	ck_assert_msg(test_same_windows(parsed, &t, &bad), "part %zu: %s/%s", bad,
	    bad < t.nparts ? t.parts[bad].type : "", bad < t.nparts ? t.parts[bad].subtype : "");
	mime_tree_clear(&t);
	g_object_unref(parsed);
}

/*
 * agrees_upto - where the scan reads m and GMime reads the whole message the same way,
 * GMime's reading up to any part (mime_scan_agrees_upto, which reads a shorter copy
 * where it can) agrees too
 */
static void
agrees_upto(const char *m)
{
	mime_tree t;
	char why[200];

	if (mime_scan(m, strlen(m), &t, why, sizeof why) != 0)
		return;
	if (mime_scan_agrees(m, strlen(m), &t))
		for (size_t i = 1; i < t.nparts; i++)
			ck_assert_msg(mime_scan_agrees_upto(m, strlen(m), &t, (int)i),
			    "up to part %zu of %s", i, m);
	mime_tree_clear(&t);
}

/* The windows, and the check up to each part, against GMime on both suites' messages. */
START_TEST(test_windows_gmime)
{
	same_windows(gmime_cases[_i]);
	agrees_upto(gmime_cases[_i]);
}
END_TEST

START_TEST(test_windows_inj)
{
	same_windows(inj_cases[_i].msg);
	agrees_upto(inj_cases[_i].msg);
}
END_TEST

/*
 * The check up to a part reads the parts up to the end of the top-level part that
 * holds it, and no further: a scan that read a part there otherwise fails it, one that
 * read a later part otherwise does not (the note never changes those octets). With LF
 * and CR LF line ends, and a header block that is plain and one that is not (a bare CR
 * in a field: the copy then keeps the whole block).
 */
START_TEST(test_upto_reads)
{
	static const char lf[] = "From: a@example.com\nSubject: %s\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"o\"\n\n"
	    "--o\nContent-Type: multipart/alternative; boundary=\"a\"\n\n"
	    "--a\nContent-Type: text/plain\n\nhi\n--a\nContent-Type: text/html\n\n<p>hi</p>\n--a--\n"
	    "--o\nContent-Type: application/pdf\n\n%%PDF-1.4\n--o\nContent-Type: image/png\n\nPNG\n--o--\n";
	char *one = xasprintf(lf, _i < 2 ? "plain" : "a bare\rCR"), *m = xmalloc(2 * strlen(one) + 1), *o = m;

	for (const char *c = one; *c; c++) {	/* CR LF line ends for odd _i */
		if (*c == '\n' && _i % 2)
			*o++ = '\r';
		*o++ = *c;
	}
	*o = '\0';
	free(one);
	mime_tree t;
	char why[200];
	size_t len = strlen(m);

	ck_assert_msg(mime_scan(m, len, &t, why, sizeof why) == 0, "%s", why);
	ck_assert_uint_eq(t.nparts, 6);	/* mixed, alternative, plain, html, pdf, png */
	ck_assert(mime_scan_agrees(m, len, &t));
	ck_assert(mime_scan_agrees_upto(m, len, &t, 3));
	snprintf(t.parts[4].subtype, sizeof t.parts[4].subtype, "zip");	/* after: not read */
	ck_assert(mime_scan_agrees_upto(m, len, &t, 3));
	ck_assert(!mime_scan_agrees(m, len, &t));
	ck_assert(!mime_scan_agrees_upto(m, len, &t, 4));	/* read: the pdf's own part */
	snprintf(t.parts[4].subtype, sizeof t.parts[4].subtype, "pdf");
	snprintf(t.parts[2].subtype, sizeof t.parts[2].subtype, "enriched");	/* within */
	ck_assert(!mime_scan_agrees_upto(m, len, &t, 3));
	snprintf(t.parts[2].subtype, sizeof t.parts[2].subtype, "plain");
	t.parts[1].first_child = 3;		/* the alternative holds one part less */
	ck_assert(!mime_scan_agrees_upto(m, len, &t, 3));
	mime_tree_clear(&t);
	free(m);
}
END_TEST

/* in - 1 if data[0..len) lies within base[0..n) */
static int
in(const char *data, size_t len, const char *base, size_t n)
{
	return data >= base && len <= n && (size_t) (data - base) <= n - len;
}

/* The new body is pieces: the attachment after the text goes in place, never copied;
 * every piece lies in the input or in the result's own octets, and they add up. */
START_TEST(test_pieces_in_place)
{
	struct buf m = {0};
	note_result r;
	size_t total = 0, olen, blen, att_start, att_len;
	char *out, *body;
	int in_place = 0;

	buf_adds(&m, "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
	    "Content-Type: text/plain\r\n\r\nbody\r\n--b\r\n"
	    "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
	att_start = m.len;
	for (int i = 0; i < 100; i++)
		buf_adds(&m, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5\r\n");
	att_len = m.len - att_start;
	buf_adds(&m, "--b--\r\n");
	ck_assert_int_eq(note_inject(NULL, m.data, m.len, TN, HN, &r), NOTE_INJECTED);
	for (size_t i = 0; i < r.nbody; i++) {
		int held = 0;

		for (size_t k = 0; k < r.nheld; k++)
			held |= in(r.body[i].data, r.body[i].len, r.held[k], strlen(r.held[k]));
		ck_assert_msg(held || in(r.body[i].data, r.body[i].len, m.data, m.len),
		    "piece %zu lies neither in the message nor in the result", i);
		if (r.body[i].data <= m.data + att_start &&
		    in(r.body[i].data, r.body[i].len, m.data, m.len) &&
		    (size_t) (r.body[i].data - m.data) + r.body[i].len >= att_start + att_len)
			in_place = 1;
		total += r.body[i].len;
	}
	ck_assert_msg(in_place, "the attachment was copied");
	ck_assert_uint_eq(total, r.body_len);
	out = note_result_message(m.data, m.len, &r, &olen);
	body = note_result_body(&r, &blen);
	ck_assert_uint_eq(blen, r.body_len);
	ck_assert_mem_eq(out + olen - blen, body, blen);
	ck_assert_ptr_nonnull(memmem(body, blen, "Thank you", 9));
	free(out);
	free(body);
	note_result_clear(&r);
	buf_free(&m);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_b64, b64_cases), TEST_ONCE(test_b64_lines),
		TEST_LOOP(test_qp_decode, qp_cases), TEST_ONCE(test_qp_encode),
		TEST_LOOP(test_charset, cs_cases), TEST_ONCE(test_scan_offsets),
		TEST_LOOP(test_scan_dashes, dash_cases), TEST_LOOP(test_scan_gmime, gmime_cases),
		TEST_ONCE(test_scan_gmime_skipped), TEST_ONCE(test_scan_gmime_other),
		TEST_LOOP(test_inject, inj_cases), TEST_ONCE(test_inject_parsed_other),
		TEST_ONCE(test_options), TEST_ONCE(test_pieces_in_place),
		TEST_LOOP(test_windows_gmime, gmime_cases), TEST_LOOP(test_windows_inj, inj_cases),
		TEST_LOOP_N(test_upto_reads, 4),
	};

	return test_main("note", 0, tests, TEST_COUNT(tests));
}

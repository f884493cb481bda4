/*
 * check_inv_find.c - unit tests of lib/inv_find: invoices found in MIME messages by content.
 *
 * The messages are written out here as RFC 5322/2045/2046 text, so the expected part
 * paths follow from the structure by RFC 3501's numbering of body parts, not from our
 * code. The invoices are a small UBL invoice written here and, when the corpus is
 * present, a Factur-X PDF from it.
 *
 * Every message is also read through its skeleton (mime/mime_find.h), where the scan
 * takes it: the entries must be those GMime's walk reported, field by field. The
 * fuzzers' regression inputs (tests/fuzz/regress) are read both ways too.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <gmime/gmime.h>

#include "invoice/inv_find.h"
#include "mime/mime_find.h"
#include "util/xalloc.h"
#include "test_files.h"
#include "test_invoice.h"
#include "test_mime.h"
#include "test_run.h"

/* parse_msg - GMime's reading of text as its top part, as the filter reads it (caller unrefs) */
static GMimeObject *parse_msg(const char *text)
{
	GMimeObject *m = test_mime_parse(text);

	ck_assert_ptr_nonnull(m);
	return m;
}

/* b64 - base64 of len bytes, in 76-column lines (g_free) */
static char *b64(const void *data, size_t len)
{
	gchar *flat = g_base64_encode(data, len);
	size_t n = strlen(flat);
	char *out = g_malloc(n + n / 76 * 2 + 3), *o = out;

	for (size_t i = 0; i < n; i += 76) {
		size_t k = n - i < 76 ? n - i : 76;

		memcpy(o, flat + i, k);
		o += k;
		*o++ = '\r';
		*o++ = '\n';
	}
	*o = '\0';
	g_free(flat);
	return out;
}

/* same_str - a and b both NULL or equal */
static int same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* same_found - the lists a (GMime's walk) and b (the skeleton's) hold the same
 * entries, field by field; what names the case in a failure */
static void same_found(const inv_found_list *a, const inv_found_list *b, const char *what)
{
	ck_assert_msg(a->n == b->n, "%s: GMime's walk %zu entries, the skeleton's %zu", what, a->n, b->n);
	ck_assert_msg(a->limited == b->limited, "%s: limited %d against %d", what, a->limited, b->limited);
	for (size_t i = 0; i < a->n; i++) {
		const inv_found *x = &a->v[i], *y = &b->v[i];

		ck_assert_msg(same_str(x->part, y->part), "%s: entry %zu: part %s against %s", what, i,
			      x->part, y->part);
		ck_assert_msg(same_str(x->filename, y->filename), "%s: entry %zu: file name %s against %s",
			      what, i, x->filename ? x->filename : "(none)", y->filename ? y->filename : "(none)");
		ck_assert_msg(same_str(x->container, y->container) && same_str(x->attachment, y->attachment),
			      "%s: entry %zu: container or attachment", what, i);
		ck_assert_msg(x->status == y->status, "%s: entry %zu: status %d against %d", what, i,
			      x->status, y->status);
		ck_assert_msg(x->xml_len == y->xml_len && (x->xml_len == 0 ||
			      memcmp(x->xml, y->xml, x->xml_len) == 0), "%s: entry %zu: the XML", what, i);
		ck_assert_msg(same_str(x->error, y->error), "%s: entry %zu: error %s against %s", what, i,
			      x->error ? x->error : "(none)", y->error ? y->error : "(none)");
		ck_assert_msg((x->inv == NULL) == (y->inv == NULL) &&
			      (x->inv == NULL || same_str(x->inv->number, y->inv->number)),
			      "%s: entry %zu: the invoice read", what, i);
	}
}

/*
 * skeleton_agrees - where the scan takes text[0..len) and its skeleton serves
 * (mime_find_usable), mime_find_invoices with lim must report want, GMime's walk's
 * entries (same_found): 1. 0 when the skeleton does not serve, and the filter reads
 * the message with GMime.
 */
static int skeleton_agrees(const char *text, size_t len, const struct inv_find_limits *lim,
			   const inv_found_list *want, const char *what)
{
	inv_found_list mine = {0};
	mime_tree t;
	char why[200];
	int usable;

	if (mime_scan(text, len, &t, why, sizeof(why)) != 0)
		return 0;
	if ((usable = mime_find_usable(&t)) != 0) {
		mime_find_invoices(text, &t, lim, &mine);
		same_found(want, &mine, what);
		inv_found_list_clear(&mine);
	}
	mime_tree_clear(&t);
	return usable;
}

/* find - run inv_find_in_message over text with the default limits; the skeleton's
 * walk must agree where it serves (*skeleton: whether it did, unless NULL) */
static void find2(const char *text, inv_found_list *l, int *skeleton)
{
	GMimeObject *m = parse_msg(text);
	int agreed;

	memset(l, 0, sizeof(*l));
	inv_find_in_message(m, NULL, l);
	g_object_unref(m);
	agreed = skeleton_agrees(text, strlen(text), NULL, l, "find");
	if (skeleton != NULL)
		*skeleton = agreed;
}

static void find(const char *text, inv_found_list *l)
{
	int skeleton;

	find2(text, l, &skeleton);
	ck_assert_msg(skeleton, "the skeleton does not serve this message");
}

START_TEST(test_single_part)
{
	char *enc = b64(test_ubl_min, sizeof(test_ubl_min) - 1);
	char *msg = xasprintf("From: a@example.com\r\nTo: b@example.net\r\nSubject: x\r\n"
			      "MIME-Version: 1.0\r\nContent-Type: application/xml\r\n"
			      "Content-Transfer-Encoding: base64\r\n\r\n%s", enc);
	inv_found_list l;

	find(msg, &l);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].part, "1");
	ck_assert_str_eq(l.v[0].container, "xml");
	ck_assert_int_eq(l.v[0].status, INV_OK);
	ck_assert_ptr_nonnull(l.v[0].inv);
	ck_assert_uint_eq(l.v[0].xml_len, sizeof(test_ubl_min) - 1);
	ck_assert_mem_eq(l.v[0].xml, test_ubl_min, sizeof(test_ubl_min) - 1);
	ck_assert_ptr_null(l.v[0].error);
	inv_found_list_clear(&l);
	inv_found_list_clear(&l);
	free(msg);
	g_free(enc);
}
END_TEST

/*
 * mixed [ 1 alternative [ 1.1 text, 1.2 html ], 2 invoice as QP text/plain named
 * notes.txt, 3 message/rfc822 { mixed [ 3.1 text, 3.2 invoice base64 ] },
 * 4 a non-invoice XML named factur-x.xml, 5 "PDF" of base64 garbage (an ordinary
 * attachment since issue 9: no sign of an invoice), 6 invoice-namespaced XML that is
 * not well-formed ]
 */
START_TEST(test_nested)
{
	char *enc = b64(test_ubl_min, sizeof(test_ubl_min) - 1);
	char *msg = xasprintf(
		"From: a@example.com\r\nTo: b@example.net\r\nSubject: invoices\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
		"--outer\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
		"--alt\r\nContent-Type: text/plain\r\n\r\nInvoice attached.\r\n"
		"--alt\r\nContent-Type: text/html\r\n\r\n<html><body><p>Invoice attached.</p></body></html>\r\n"
		"--alt--\r\n"
		"--outer\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n"
		"Content-Disposition: attachment; filename=\"notes.txt\"\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
		"<?xml version=3D\"1.0\" encoding=3D\"UTF-8\"?>\r\n"
		"<Invoice xmlns=3D\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"=\r\n"
		" xmlns:cbc=3D\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">=\r\n"
		"<cbc:ID>QP-1</cbc:ID><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode></Invoice>\r\n"
		"--outer\r\nContent-Type: message/rfc822\r\n\r\n"
		"From: c@example.org\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"inner\"\r\n\r\n"
		"--inner\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
		"--inner\r\nContent-Type: application/octet-stream\r\n"
		"Content-Disposition: attachment; filename*=UTF-8''Rechnung%%C3%%BC.bin\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n%s"
		"--inner--\r\n"
		"--outer\r\nContent-Type: application/xml\r\n"
		"Content-Disposition: attachment; filename=\"factur-x.xml\"\r\n\r\n"
		"<?xml version=\"1.0\"?><note><to>Invoice dept</to></note>\r\n"
		"--outer\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n!!!!####not base64 at all####\r\n"
		"--outer\r\nContent-Type: application/octet-stream; name=\"x.xml\"\r\n\r\n"
		"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><unclosed></Invoice>\r\n"
		"--outer--\r\n", enc);
	inv_found_list l;
	int skeleton;

	find2(msg, &l, &skeleton);
	ck_assert_msg(!skeleton, "an attached message is GMime's to read");
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].part, "2");
	ck_assert_str_eq(l.v[0].filename, "notes.txt");
	ck_assert_int_eq(l.v[0].status, INV_OK);
	ck_assert_str_eq(l.v[0].container, "xml");
	ck_assert_str_eq(l.v[1].part, "3.2");
	ck_assert_str_eq(l.v[1].filename, "Rechnung\xc3\xbc.bin");	/* RFC 2231 decoded */
	ck_assert_int_eq(l.v[1].status, INV_OK);
	ck_assert_str_eq(l.v[2].part, "6");
	ck_assert_int_eq(l.v[2].status, INV_EBAD);
	ck_assert_ptr_null(l.v[2].inv);
	ck_assert_ptr_nonnull(l.v[2].error);
	ck_assert_ptr_null(strchr(l.v[2].error, '\n'));
	ck_assert_int_eq(l.limited, 0);
	inv_found_list_clear(&l);
	free(msg);
	g_free(enc);
}
END_TEST

START_TEST(test_limits)
{
	GString *msg = g_string_new("From: a@example.com\r\nMIME-Version: 1.0\r\n"
				    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
	struct inv_find_limits lim;
	inv_found_list l;
	GMimeObject *m;

	for (int i = 0; i < 5; i++)
		g_string_append_printf(msg, "--b\r\nContent-Type: text/xml\r\n\r\n%s\r\n", test_ubl_min);
	g_string_append(msg, "--b--\r\n");
	m = parse_msg(msg->str);

	inv_find_limits_default(&lim);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(inv_find_in_message(m, &lim, &l), 5);
	ck_assert_int_eq(l.limited, 0);
	ck_assert(skeleton_agrees(msg->str, msg->len, &lim, &l, "no limit"));
	inv_found_list_clear(&l);

	lim.max_parts = 3;	/* the multipart and two leaves */
	ck_assert_int_eq(inv_find_in_message(m, &lim, &l), 2);
	ck_assert_int_eq(l.limited, 1);
	ck_assert(skeleton_agrees(msg->str, msg->len, &lim, &l, "max_parts"));
	inv_found_list_clear(&l);

	inv_find_limits_default(&lim);
	lim.max_found = 1;
	ck_assert_int_eq(inv_find_in_message(m, &lim, &l), 1);
	ck_assert_int_eq(l.limited, 1);
	ck_assert(skeleton_agrees(msg->str, msg->len, &lim, &l, "max_found"));
	inv_found_list_clear(&l);

	inv_find_limits_default(&lim);
	lim.max_decoded = 100;	/* the parts are larger: not read, so nothing shows an
				 * invoice (issue 9); the list says a limit stopped it */
	ck_assert_int_eq(inv_find_in_message(m, &lim, &l), 0);
	ck_assert_int_eq(l.limited, 1);
	ck_assert(skeleton_agrees(msg->str, msg->len, &lim, &l, "max_decoded"));
	inv_found_list_clear(&l);

	g_object_unref(m);
	g_string_free(msg, TRUE);
}
END_TEST

/* Table for inv_find_in_bytes on bare bytes. */
static const struct {
	const char *what;
	const char *bytes;
	int flags;
	const char *filename, *ctype;
	int want_n, want_status;
	const char *want_container;
} bytes_cases[] = {
	{ "invoice", test_ubl_min, 0, NULL, NULL, 1, INV_OK, "xml" },
	{ "html body", "<html><body>Invoice</body></html>", 0, NULL, "text/html", 0, 0, NULL },
	{ "other xml", "<?xml version=\"1.0\"?><note/>", 0, "a.xml", NULL, 0, 0, NULL },
	{ "declared xml, not xml", "%% garbage", 0, "a.xml", "application/xml", 0, 0, NULL },
	{ "declared xml, not xml, invoice namespace",
	  "%% <Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">", 0,
	  "a.xml", "application/xml", 1, INV_EBAD, "xml" },
	{ "other xml, all", "<?xml version=\"1.0\"?><note/>", INV_FIND_REPORT_ALL, NULL, NULL, 1, INV_NOT_INVOICE, "xml" },
	{ "text", "hello", 0, "a.txt", "text/plain", 0, 0, NULL },
	{ "text, all", "hello", INV_FIND_REPORT_ALL, NULL, NULL, 1, INV_NOT_INVOICE, "xml" },
	/* a PDF that cannot be opened is an invoice only where it shows one (issue 9) */
	{ "declared pdf, not one", "hello", 0, "r.PDF", "application/pdf", 0, 0, NULL },
	{ "declared pdf, not one, all", "hello", INV_FIND_REPORT_ALL, "r.pdf", NULL, 1, INV_NOT_INVOICE, "xml" },
	{ "empty pdf", "", 0, "r.pdf", "application/pdf", 0, 0, NULL },
	{ "broken pdf", "%PDF-1.7\n1 0 obj <<", 0, NULL, NULL, 0, 0, NULL },
	{ "broken pdf, all", "%PDF-1.7\n1 0 obj <<", INV_FIND_REPORT_ALL, NULL, NULL, 1, INV_NOT_INVOICE, "pdf" },
	{ "broken pdf naming factur-x.xml", "%PDF-1.7\n1 0 obj << /F (factur-x.xml) /AFRelationship",
	  0, NULL, NULL, 1, INV_EBAD, "pdf" },
	{ "broken pdf with AF entries", "%PDF-1.7\n1 0 obj << /Type /Catalog /AF [2 0 R] >>",
	  0, NULL, NULL, 1, INV_EBAD, "pdf" },
	{ "wrong namespace", "<Invoice xmlns=\"urn:example:not-ubl\"/>", 0, NULL, NULL, 0, 0, NULL },
	{ "not well-formed, all", "<Invoice", INV_FIND_REPORT_ALL, NULL, NULL, 1, INV_EBAD, "xml" },
	{ "entity bomb", "<?xml version=\"1.0\"?><!DOCTYPE Invoice [<!ENTITY a \"aaaaaaaaaa\">"
	  "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
	  "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">&c;</Invoice>",
	  0, NULL, NULL, 1, -99, "xml" },	/* -99: any status, must not crash */
};

START_TEST(test_bytes)
{
	size_t i = (size_t)_i;
	inv_found_list l;
	int n;

	memset(&l, 0, sizeof(l));
	n = inv_find_in_bytes((const unsigned char *)bytes_cases[i].bytes, strlen(bytes_cases[i].bytes),
			      "7", bytes_cases[i].filename, bytes_cases[i].ctype, bytes_cases[i].flags, NULL, &l);
	ck_assert_msg(n == bytes_cases[i].want_n, "%s: %d entries", bytes_cases[i].what, n);
	ck_assert_uint_eq(l.n, (size_t)n);
	if (n == 1) {
		ck_assert_str_eq(l.v[0].part, "7");
		ck_assert_str_eq(l.v[0].container, bytes_cases[i].want_container);
		if (bytes_cases[i].want_status != -99)
			ck_assert_msg(l.v[0].status == bytes_cases[i].want_status, "%s: status %d",
				      bytes_cases[i].what, l.v[0].status);
		if (l.v[0].status != INV_OK) {
			ck_assert_ptr_nonnull(l.v[0].error);
			ck_assert_ptr_null(l.v[0].inv);
		}
	}
	inv_found_list_clear(&l);
}
END_TEST

/*
 * The base64 parts as GMime decodes them: the finder's own decoder must give the
 * bytes that g_mime_data_wrapper_write_to_stream gives (the reference), for clean
 * base64 and for the malformed kinds GMime tolerates. The invoice is padded to over
 * 8 KB, so that GMime's reads of 4 KB blocks meet the quirks: a '=' that ends the
 * data (after 2, 3, 0 and 1 sextets of a quartet) at body offsets 4094 to 4097.
 */
enum { B64_CLEAN, B64_COLS75_LF, B64_COLS68, B64_COLS72_LF, B64_JUNK, B64_EQ_4094, B64_EQ_4095, B64_EQ_4096,
       B64_EQ_4097, B64_CUT1, B64_CUT2, B64_CUT3, B64_DATA_AFTER_PAD, B64_EVERY_OCTET,
       B64_COLS80, B64_COLS40_LF, B64_COLS20, B64_COLS100, B64_ONE_LINE, B64_NVARIANTS };

/* b64_variant - the base64 body of variant v of xml[0..len) (g_free) */
static char *b64_variant(int v, const char *xml, size_t len)
{
	static const char junk[] = " \t!*\x80\xff-.:";
	gchar *flat = g_base64_encode((const guchar *)xml, len);
	size_t n = strlen(flat), keep = n;
	/* lines of 76, and of lengths that end a 16-octet block 3, 1 and 2 quartets in;
	 * and for the 32-at-a-time path lines that end a 32-octet block 16, 8, 20 and 4
	 * octets in, and one long line */
	size_t cols = v == B64_COLS75_LF ? 75 : v == B64_COLS68 ? 68 : v == B64_COLS72_LF ? 72 :
	    v == B64_COLS80 ? 80 : v == B64_COLS40_LF ? 40 : v == B64_COLS20 ? 20 :
	    v == B64_COLS100 ? 100 : v == B64_ONE_LINE ? (size_t)-1 : 76;
	int lf = v == B64_COLS75_LF || v == B64_COLS72_LF || v == B64_COLS40_LF;
	GString *out = g_string_new(NULL);

	if (v >= B64_CUT1 && v <= B64_CUT3) {	/* no padding, an incomplete last quartet */
		while (flat[keep - 1] == '=')
			keep--;
		keep -= (size_t)(v - B64_CUT1) + 1;
	}
	for (size_t i = 0; i < keep; i++) {
		/* flat[3990 + j] sits at body offset 4094 + j (76 columns and CRLF) */
		if (v >= B64_EQ_4094 && v <= B64_EQ_4097 && i == 3990 + (size_t)(v - B64_EQ_4094))
			g_string_append_c(out, '=');
		if (v == B64_JUNK && i % 37 == 0)
			g_string_append_c(out, junk[(i / 37) % (sizeof(junk) - 1)]);
		/* every octet but NUL and '=' (which would end the data), at every place of
		 * a 16-octet block: the decoder's 16-at-a-time path must step aside for each */
		if (v == B64_EVERY_OCTET && i % 37 == 0 && 1 + (i / 37) % 255 != '=')
			g_string_append_c(out, (char)(1 + (i / 37) % 255));
		g_string_append_c(out, flat[i]);
		if ((i + 1) % cols == 0)
			g_string_append(out, lf ? "\n" : "\r\n");
	}
	if (v == B64_DATA_AFTER_PAD)
		g_string_append(out, "\r\n=QUJDRA==\r\n-- \r\nmailing list footer\r\n");
	g_free(flat);
	return g_string_free(out, FALSE);
}

/*
 * like_gmime - inv_find_in_message on m must report what inv_find_in_bytes reports on
 * the bytes GMime's g_mime_data_wrapper_write_to_stream decodes from leaf (path "1",
 * "invoice.xml", application/xml); what names the case in a failure. Returns how many
 * entries there were.
 */
static size_t like_gmime(const char *text, GMimeObject *m, GMimeObject *leaf, const char *path,
			 const char *what)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ref;
	inv_found_list got, want;
	size_t n;

	ck_assert_int_ge(g_mime_data_wrapper_write_to_stream(g_mime_part_get_content(GMIME_PART(leaf)),
							     mem), 0);
	ref = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	memset(&got, 0, sizeof(got));
	memset(&want, 0, sizeof(want));
	inv_find_in_message(m, NULL, &got);
	ck_assert_msg(skeleton_agrees(text, strlen(text), NULL, &got, what), "%s: no skeleton", what);
	inv_find_in_bytes(ref->data, ref->len, path, "invoice.xml", "application/xml", 0, NULL, &want);
	ck_assert_msg(got.n == want.n, "%s: %zu entries, GMime's bytes give %zu", what, got.n, want.n);
	for (size_t i = 0; i < got.n; i++) {
		ck_assert_int_eq(got.v[i].status, want.v[i].status);
		ck_assert_uint_eq(got.v[i].xml_len, want.v[i].xml_len);
		if (want.v[i].xml_len > 0)
			ck_assert_mem_eq(got.v[i].xml, want.v[i].xml, want.v[i].xml_len);
		ck_assert_str_eq(got.v[i].error ? got.v[i].error : "", want.v[i].error ? want.v[i].error : "");
	}
	n = want.n;
	inv_found_list_clear(&got);
	inv_found_list_clear(&want);
	g_object_unref(mem);
	return n;
}

START_TEST(test_base64_like_gmime)
{
	GString *xml = g_string_new(NULL);
	char *enc, *msg, what[32];
	GMimeObject *m;

	g_string_append_len(xml, test_ubl_min, sizeof(test_ubl_min) - 1);
	while (xml->len < 9000)
		g_string_append(xml, "<!-- padding to cross the 4 KB reads of GMime -->\n");
	enc = b64_variant(_i, xml->str, xml->len);
	msg = xasprintf("From: a@example.com\r\nMIME-Version: 1.0\r\n"
			"Content-Type: application/xml; name=\"invoice.xml\"\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\n%s", enc);
	m = parse_msg(msg);
	snprintf(what, sizeof(what), "variant %d", _i);
	like_gmime(msg, m, m, "1", what);
	g_object_unref(m);
	free(msg);
	g_free(enc);
	g_string_free(xml, TRUE);
}
END_TEST

/*
 * The encodings GMime passes through as they are (the finder copies them from the
 * parsed bytes), and quoted-printable (GMime decodes it): the same findings as GMime's
 * bytes give, for a part alone and for one inside a multipart (where the line end
 * before the boundary is not the part's), with CRLF and with LF line ends.
 */
static const char *const passthrough_cte[] = {
	"7bit", "8bit", "binary", "x-unknown", NULL, "quoted-printable",
};

START_TEST(test_passthrough_like_gmime)
{
	const char *cte = passthrough_cte[_i / 4];
	int multipart = _i % 2, lf = (_i / 2) % 2;
	GString *body = g_string_new(NULL), *msg = g_string_new(NULL);
	const char *eol = lf ? "\n" : "\r\n";
	char *hdr, what[64];
	GMimeObject *m;
	GMimeObject *leaf;

	for (const char *p = test_ubl_min; *p; p++) {
		if (*p == '\n')
			g_string_append(body, eol);
		else
			g_string_append_c(body, *p);
	}
	hdr = xasprintf("Content-Type: application/xml; name=\"invoice.xml\"%s%s%s%s%s", eol,
			cte ? "Content-Transfer-Encoding: " : "", cte ? cte : "", cte ? eol : "", eol);
	g_string_append_printf(msg, "From: a@example.com%sMIME-Version: 1.0%s", eol, eol);
	if (multipart)
		g_string_append_printf(msg, "Content-Type: multipart/mixed; boundary=\"b1\"%s%s"
				       "--b1%s%s%s%s--b1--%s", eol, eol, eol, hdr, body->str, eol, eol);
	else
		g_string_append_printf(msg, "%s%s", hdr, body->str);
	m = parse_msg(msg->str);
	leaf = m;
	if (multipart)
		leaf = g_mime_multipart_get_part(GMIME_MULTIPART(leaf), 0);
	snprintf(what, sizeof(what), "%s, %s, %s", cte ? cte : "no encoding",
		 multipart ? "in a multipart" : "alone", lf ? "LF" : "CRLF");
	/* passed through, the invoice is there; quoted-printable may mangle its '=' signs */
	ck_assert_msg(like_gmime(msg->str, m, leaf, "1", what) > 0 || (cte && !strcmp(cte, "quoted-printable")),
		      "%s: no invoice found", what);
	g_object_unref(m);
	free(hdr);
	g_string_free(body, TRUE);
	g_string_free(msg, TRUE);
}
END_TEST

START_TEST(test_corpus_pdf)
{
	char path[4096];
	FILE *f;
	struct stat st;
	unsigned char *pdf;
	char *enc, *msg;
	inv_found_list l;

	if (test_corpus_path(path, sizeof(path), "facturx/ferd-zugferd-2.4/EN16931/EN16931_Einfach_fx.pdf", "check_inv_find",
	    "the PDF test") == NULL)
		return;
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	pdf = xmalloc((size_t)st.st_size);
	ck_assert_uint_eq(fread(pdf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	enc = b64(pdf, (size_t)st.st_size);
	/* whole, then truncated to half (an unreadable invoice is reported, not dropped) */
	msg = xasprintf("From: a@example.com\r\nMIME-Version: 1.0\r\n"
			"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
			"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
			"--b\r\nContent-Type: application/octet-stream; name=\"scan.bin\"\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\n%s"
			"--b\r\nContent-Type: application/pdf; name=\"half.pdf\"\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\n%.*s\r\n--b--\r\n",
			enc, (int)(strlen(enc) / 2 / 78 * 78), enc);
	find(msg, &l);
	/* the first half of this Factur-X PDF holds neither its attachment's name nor its
	 * /AF entries: a damaged PDF without a sign of an invoice is an ordinary
	 * attachment (issue 9) */
	ck_assert_uint_eq(l.n, 1);
	ck_assert_str_eq(l.v[0].part, "2");
	ck_assert_str_eq(l.v[0].container, "pdf");
	ck_assert_str_eq(l.v[0].attachment, "factur-x.xml");
	ck_assert_int_eq(l.v[0].status, INV_OK);
	inv_found_list_clear(&l);
	/* its first half cut out: the catalog and its names are left, so it is an invoice
	 * (read by qpdf's recovery, or reported unreadable), never dropped */
	memset(&l, 0, sizeof(l));
	memcpy(pdf + st.st_size / 2 - 9, "%PDF-1.7\n", 9);
	ck_assert_int_eq(inv_find_in_bytes(pdf + st.st_size / 2 - 9, (size_t)st.st_size / 2 + 9,
	    "3", "tail.pdf", "application/pdf", 0, NULL, &l), 1);
	inv_found_list_clear(&l);
	free(msg);
	g_free(enc);
	free(pdf);
}
END_TEST

/*
 * Shapes for the skeleton's reading against GMime's: where file names come from (the
 * disposition's filename, RFC 2231 parameters, the type's name), transfer encodings
 * as written in the wild (any case, blanks around, unknown, uuencode), line ends,
 * prefaces and epilogues, parts without a body, and nesting; serves says whether the
 * skeleton serves (an attached message, or a digest's parts, are GMime's to read).
 * Each "%1$s" is the small UBL invoice in base64.
 */
static const struct {
	const char *what, *fmt;
	int serves;
} shapes[] = {
	{"filename from the disposition, over the type's name",
	 "MIME-Version: 1.0\r\nContent-Type: application/xml; name=\"type.xml\"\r\n"
	 "Content-Disposition: attachment; filename=\"disp.xml\"\r\n"
	 "Content-Transfer-Encoding: base64\r\n\r\n%1$s", 1},
	{"RFC 2231 name, inline disposition without a filename",
	 "MIME-Version: 1.0\r\nContent-Type: application/octet-stream;\r\n name*=UTF-8''R%%C3%%A9chnung.xml\r\n"
	 "Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n%1$s", 1},
	{"encoding in capitals with blanks, folded type",
	 "MIME-Version: 1.0\r\nContent-Type:\r\n\tapplication/xml\r\n"
	 "Content-Transfer-Encoding:   BASE64  \r\n\r\n%1$s", 1},
	{"an unknown encoding passes through",
	 "MIME-Version: 1.0\r\nContent-Type: text/xml\r\nContent-Transfer-Encoding: x-gzip64\r\n\r\n"
	 "<?xml version=\"1.0\"?><Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>\r\n", 1},
	{"uuencode (the invoice, uuencoded by Python's binascii)",
	 "MIME-Version: 1.0\r\nContent-Type: application/xml\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
	 "begin 644 i.xml\r\nM/#]X;6P@=F5R<VEO;CTB,2XP(C\\^/$EN=F]I8V4@>&UL;G,](G5R;CIO87-I\r\n"
	 "M<SIN86UE<SIS<&5C:69I8V%%T:6]N.G5B;#IS8VAE;6$Z>'-D.DEN=F]I8V4M\r\n"
	 "%%,B(O/@H`\r\n`\r\nend\r\n%1$.0s", 1},
	{"LF line ends, a preface and an epilogue, nested alternative",
	 "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"o\"\n\nThis is a preface.\n"
	 "--o\nContent-Type: multipart/alternative; boundary=\"a\"\n\n--a\nContent-Type: text/plain\n\nhi\n"
	 "--a\nContent-Type: text/html\n\n<p>hi</p>\n--a--\n"
	 "--o\nContent-Type: application/xml; name=\"i.xml\"\nContent-Transfer-Encoding: base64\n\n%1$s"
	 "--o--\nan epilogue\n", 1},
	{"a part without a body, an empty part, a blank boundary tail",
	 "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b b\"\r\n\r\n"
	 "--b b\r\nContent-Type: text/plain\r\n"
	 "--b b  \r\n\r\n"
	 "--b b\r\nContent-Type: application/xml\r\nContent-Transfer-Encoding: base64\r\n\r\n%1$s"
	 "--b b--\r\n", 1},
	{"no MIME headers at all, the invoice as the body",
	 "From: a@example.com\r\nSubject: x\r\n\r\n<?xml version=\"1.0\"?>"
	 "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><unclosed></Invoice>\r\n", 1},
	{"signed: both parts walked",
	 "MIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n\r\n"
	 "--s\r\nContent-Type: application/xml\r\nContent-Transfer-Encoding: base64\r\n\r\n%1$s"
	 "--s\r\nContent-Type: application/pgp-signature\r\n\r\n-----BEGIN PGP SIGNATURE-----\r\n"
	 "--s--\r\n", 1},
	{"a digest's parts are messages",
	 "MIME-Version: 1.0\r\nContent-Type: multipart/digest; boundary=\"d\"\r\n\r\n"
	 "--d\r\n\r\nFrom: x@example.com\r\nContent-Type: application/xml\r\n"
	 "Content-Transfer-Encoding: base64\r\n\r\n%1$s--d--\r\n", 0},
	{"an attached message",
	 "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
	 "--m\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: application/xml\r\n"
	 "Content-Transfer-Encoding: base64\r\n\r\n%1$s--m--\r\n", 0},
};

START_TEST(test_skeleton_shapes)
{
	char *enc = b64(test_ubl_min, sizeof(test_ubl_min) - 1);
	char *msg = xasprintf(shapes[_i].fmt, enc);
	inv_found_list l;
	int skeleton;

	find2(msg, &l, &skeleton);
	ck_assert_msg(skeleton == shapes[_i].serves, "%s: the skeleton %s", shapes[_i].what,
		      skeleton ? "serves" : "does not serve");
	inv_found_list_clear(&l);
	free(msg);
	g_free(enc);
}
END_TEST

/*
 * The fuzzers' regression inputs (hostile MIME, XML and PDF octets, NULs and all):
 * GMime's walk and the skeleton's agree on each the scan takes, with limits small
 * enough to stop some walks part way.
 */
START_TEST(test_skeleton_regress)
{
	char dir[1024];
	struct dirent *e;
	DIR *d = opendir(test_srcpath(dir, sizeof(dir), "tests/fuzz/regress"));
	size_t compared = 0, inputs = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char rel[400];
		size_t len;
		char *text;
		struct inv_find_limits lim;

		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "tests/fuzz/regress/%s", e->d_name);
		text = test_slurp(rel, &len);
		inputs++;
		for (int k = 0; k < 2; k++) {
			GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, len);
			GMimeParser *p = g_mime_parser_new_with_stream(st);
			GMimeObject *m = g_mime_parser_construct_part(p, NULL);
			inv_found_list l = {0};

			inv_find_limits_default(&lim);
			if (k == 1)
				lim.max_parts = 3, lim.max_found = 1, lim.max_decoded = 600;
			if (m != NULL) {
				inv_find_in_message(m, &lim, &l);
				compared += (size_t)skeleton_agrees(text, len, &lim, &l, rel);
				g_object_unref(m);
			}
			inv_found_list_clear(&l);
			g_object_unref(p);
			g_object_unref(st);
		}
		free(text);
	}
	closedir(d);
	fprintf(stderr, "check_inv_find: %zu readings of %zu regression inputs compared with the skeleton's\n",
		compared, inputs);
	ck_assert_uint_gt(compared, 0);
}
END_TEST

/* qpdf_file - run qpdf with args on in, into a new temporary file; its bytes, or NULL
 * when the qpdf program is missing (the test then says so and skips) */
static unsigned char *qpdf_file(const char *args, const char *in, size_t *len)
{
	char out[] = "/tmp/check_inv_find.XXXXXX", cmd[8192];
	unsigned char *buf = NULL;
	struct stat st;
	FILE *f;
	int fd = mkstemp(out);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "qpdf %s -- %s %s 2>/dev/null", args, in, out);
	if (system(cmd) == 0 && (f = fopen(out, "rb")) != NULL) {
		ck_assert_int_eq(fstat(fileno(f), &st), 0);
		buf = xmalloc((size_t)st.st_size + 1);
		ck_assert_uint_eq(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
		*len = (size_t)st.st_size;
		fclose(f);
	}
	unlink(out);
	return buf;
}

/* find_one - inv_find_in_bytes on a PDF named a.pdf; the number of entries, *status */
static int find_one(const unsigned char *buf, size_t len, int *status)
{
	inv_found_list l;
	int n;

	memset(&l, 0, sizeof(l));
	n = inv_find_in_bytes(buf, len, "2", "a.pdf", "application/pdf", 0, NULL, &l);
	*status = n > 0 ? l.v[0].status : -99;
	inv_found_list_clear(&l);
	return n;
}

/* A password-protected PDF is an invoice only where its catalog still names one:
 * a contract ("the password follows by phone") is not; an encrypted Factur-X is an
 * unreadable invoice. Both made by qpdf --encrypt. */
START_TEST(test_encrypted_pdf)
{
	char fx[4096];
	unsigned char *plain, *enc;
	size_t len;
	int status;

	if ((plain = qpdf_file("--empty", "", &len)) == NULL) {
		fprintf(stderr, "check_inv_find: no qpdf program, encrypted PDF test skipped\n");
		return;
	}
	free(plain);
	/* qpdf --empty writes an empty PDF; encrypt that one */
	enc = qpdf_file("--empty --encrypt secret owner 256", "", &len);
	ck_assert_ptr_nonnull(enc);
	ck_assert_int_eq(find_one(enc, len, &status), 0);	/* an ordinary attachment */
	free(enc);
	/* damaged: the same, cut short */
	enc = qpdf_file("--empty --encrypt secret owner 256", "", &len);
	ck_assert_int_eq(find_one(enc, len / 3, &status), 0);
	free(enc);

	if (test_corpus_path(fx, sizeof(fx), "facturx/ferd-zugferd-2.4/EN16931/EN16931_Einfach_fx.pdf", "check_inv_find",
	    "the encrypted Factur-X") == NULL)
		return;
	enc = qpdf_file("--encrypt secret owner 256", fx, &len);
	ck_assert_ptr_nonnull(enc);
	ck_assert_int_eq(find_one(enc, len, &status), 1);	/* its /AF entries show it */
	ck_assert_int_eq(status, INV_EBAD);
	free(enc);
	/* only an owner password: qpdf opens it, the invoice is read */
	enc = qpdf_file("--encrypt \"\" owner 256", fx, &len);
	ck_assert_ptr_nonnull(enc);
	ck_assert_int_eq(find_one(enc, len, &status), 1);
	ck_assert_int_eq(status, INV_OK);
	free(enc);
}
END_TEST

/*
 * The decoder itself (inv_find_b64_decode) over generated inputs, at each SIMD level
 * (_i: 0 none, 1 SSSE3, 2 AVX2), against two references: GMime's
 * g_mime_encoding_base64_decode_step over the whole input in one call (what the
 * decoder follows: octets outside the alphabet skipped, the first '=' ends the data,
 * after 2 or 3 sextets of a quartet with 1 or 2 bytes, an incomplete last quartet
 * dropped), and GLib's g_base64_decode, which skips octets outside the alphabet the
 * same way but documents no end at '=': it takes '=' for a zero sextet and drops the
 * bytes of a quartet ending in '=' only, so it decodes data after a '=' ("QUJDRA==QUJD"
 * gives 7 bytes, GMime 4) and "QU=JD" to 2 bytes (GMime 1). GLib is therefore given the
 * input cut at its first '=' and closed with the padding of its last quartet ("==" after
 * 2 sextets, "=" after 3), which is what the '=' means to GMime. Both decode
 * the input whole; the finder's decoder runs out of place into a buffer of exactly n
 * bytes (its documented room) and in place.
 */
static const char b64_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* b64_glib_ref - GLib's decoding of in[0..n) as described above (g_free) */
static guchar *b64_glib_ref(const unsigned char *in, size_t n, gsize *len)
{
	GString *s = g_string_new(NULL);
	size_t k = 0, i;
	guchar *out;

	for (i = 0; i < n && in[i] != '='; i++) {
		if (in[i] != 0 && strchr(b64_alpha, in[i]) != NULL) {
			g_string_append_c(s, (char)in[i]);
			k++;
		}
	}
	if (i < n && k % 4 == 2)	/* a '=' ends the data */
		g_string_append(s, "==");
	else if (i < n && k % 4 == 3)
		g_string_append(s, "=");
	out = g_base64_decode(s->len ? s->str : "", len);	/* "" gives NULL, *len 0 */
	g_string_free(s, TRUE);
	return out;
}

/* b64_check - the decoder on in[0..n) gives GMime's bytes and GLib's; what names the case */
static void b64_check(const unsigned char *in, size_t n, const char *what)
{
	unsigned char *ref = g_malloc(n + 8), *got = g_malloc(n ? n : 1), *inplace = g_malloc(n + 1);
	int state = 0;
	guint32 save = 0;
	size_t rlen = g_mime_encoding_base64_decode_step(in, n, ref, &state, &save), glen, ilen;
	gsize gl;
	guchar *g = b64_glib_ref(in, n, &gl);

	glen = inv_find_b64_decode(in, n, got);
	ck_assert_msg(glen == rlen && memcmp(got, ref, rlen) == 0,
		      "%s: %zu bytes, GMime's %zu (first difference at %zu)", what, glen, rlen,
		      ({ size_t d = 0; while (d < glen && d < rlen && got[d] == ref[d]) d++; d; }));
	ck_assert_msg(gl == rlen && (gl == 0 || memcmp(g, ref, gl) == 0),
		      "%s: GLib gives %zu bytes, GMime %zu", what, (size_t)gl, rlen);
	memcpy(inplace, in, n);
	ilen = inv_find_b64_decode(inplace, n, inplace);
	ck_assert_msg(ilen == rlen && memcmp(inplace, ref, rlen) == 0, "%s: in place differs", what);
	g_free(g);
	g_free(ref);
	g_free(got);
	g_free(inplace);
}

/* b64_fold - base64 of data[0..len) in lines of cols octets ended by eol; the last line
 * ended too when last_eol (g_string_free) */
static GString *b64_fold(const guchar *data, size_t len, size_t cols, const char *eol, int last_eol)
{
	gchar *flat = g_base64_encode(data, len);
	size_t n = strlen(flat);
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < n; i += cols) {
		g_string_append_len(out, flat + i, (gssize)(n - i < cols ? n - i : cols));
		if (i + cols < n || last_eol)
			g_string_append(out, eol);
	}
	g_free(flat);
	return out;
}

/* b64_level - set the decoder's SIMD level to _i; a note when the CPU has less */
static void b64_level(int level)
{
	int got = inv_find_b64_simd(level);

	if (got != level)
		fprintf(stderr, "check_inv_find: SIMD level %d asked, the CPU gives %d\n", level, got);
}

/* lines of 4 to 200 octets, CRLF and LF, of random bytes of several lengths; every cut
 * of some; the last line with and without its line end */
START_TEST(test_b64_lines)
{
	GRand *r = g_rand_new_with_seed(15u + (guint32)_i);
	static const size_t cut_cols[] = { 16, 20, 28, 32, 36, 40, 60, 64, 68, 72, 76, 80, 92, 96, 100, 128 };
	guchar data[1200];
	char what[128];

	b64_level(_i);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (guchar)g_rand_int_range(r, 0, 256);
	for (size_t cols = 4; cols <= 200; cols++) {
		for (int crlf = 0; crlf < 2; crlf++) {
			static const size_t lens[] = { 0, 1, 2, 3, 57, 58, 59, 300, 301, 302, 1000, 1200 };

			for (size_t j = 0; j < sizeof(lens) / sizeof(*lens); j++) {
				GString *e = b64_fold(data, lens[j], cols, crlf ? "\r\n" : "\n", (int)(j & 1));

				snprintf(what, sizeof(what), "level %d, lines of %zu%s, %zu bytes", _i, cols,
					 crlf ? " CRLF" : " LF", lens[j]);
				b64_check((const unsigned char *)e->str, e->len, what);
				g_string_free(e, TRUE);
			}
		}
	}
	for (size_t c = 0; c < sizeof(cut_cols) / sizeof(*cut_cols); c++) {
		for (int crlf = 0; crlf < 2; crlf++) {
			GString *e = b64_fold(data, 3 * cut_cols[c] + 40, cut_cols[c], crlf ? "\r\n" : "\n", 1);

			for (size_t n = 0; n <= e->len; n++) {
				snprintf(what, sizeof(what), "level %d, lines of %zu%s cut at %zu", _i,
					 cut_cols[c], crlf ? " CRLF" : " LF", n);
				b64_check((const unsigned char *)e->str, n, what);
			}
			g_string_free(e, TRUE);
		}
	}
	g_rand_free(r);
}
END_TEST

/*
 * lines of the usual lengths spoiled at random places: octets outside the alphabet
 * (line ends of all kinds among them), alphabet octets inserted or deleted (lines one
 * longer or shorter, quartets out of step), '=' and "==" in odd places
 */
START_TEST(test_b64_spoiled)
{
	GRand *r = g_rand_new_with_seed(1515u + (guint32)_i);
	static const char *const eols[] = { "\r\n", "\n", "\r\r\n", "\n\r", "\r" };
	static const size_t colsv[] = { 32, 60, 64, 68, 72, 76, 96, 100 };
	guchar data[2000];
	char what[160];

	b64_level(_i);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (guchar)g_rand_int_range(r, 0, 256);
	for (int iter = 0; iter < 6000; iter++) {
		size_t cols = g_rand_boolean(r) ? colsv[g_rand_int_range(r, 0, 8)] :
		    (size_t)g_rand_int_range(r, 4, 201);
		const char *eol = eols[g_rand_int_range(r, 0, 2 + 3 * (iter % 4 == 0))];
		GString *e = b64_fold(data, (size_t)g_rand_int_range(r, 0, (int)sizeof(data)), cols, eol, 1);
		int spoils = g_rand_int_range(r, 1, 5), kind = 0;

		for (int s = 0; s < spoils && e->len > 0; s++) {
			size_t at = (size_t)g_rand_int_range(r, 0, (int)e->len + 1);
			guchar c;

			switch ((kind = g_rand_int_range(r, 0, 7))) {
			case 0:	/* an octet outside the alphabet, '=' apart */
				do
					c = (guchar)g_rand_int_range(r, 0, 256);
				while (c == '=' || (c != 0 && strchr(b64_alpha, c) != NULL));
				g_string_insert_len(e, (gssize)at, (const char *)&c, 1);
				break;
			case 1:	/* a line end of another kind */
				g_string_insert(e, (gssize)at, eols[g_rand_int_range(r, 0, 5)]);
				break;
			case 2:	/* one alphabet octet more */
				g_string_insert_c(e, (gssize)at, b64_alpha[g_rand_int_range(r, 0, 64)]);
				break;
			case 3:	/* one octet less */
				if (at < e->len)
					g_string_erase(e, (gssize)at, 1);
				break;
			case 4:	/* a quartet less */
				g_string_erase(e, (gssize)at, (gssize)(e->len - at < 4 ? e->len - at : 4));
				break;
			case 5:	/* '=' or "==" */
				if (g_rand_int_range(r, 0, 4) == 0)
					g_string_insert(e, (gssize)at, g_rand_boolean(r) ? "=" : "==");
				break;
			default:	/* a run of spaces and tabs */
				g_string_insert(e, (gssize)at, g_rand_boolean(r) ? "  \t" : " ");
				break;
			}
		}
		snprintf(what, sizeof(what), "level %d, iteration %d (lines of %zu, %zu octets, last spoil %d)",
			 _i, iter, cols, e->len, kind);
		b64_check((const unsigned char *)e->str, e->len, what);
		g_string_free(e, TRUE);
	}
	g_rand_free(r);
}
END_TEST

/* examples where GMime and GLib part (see above), and '=' after 0 to 3 sextets */
START_TEST(test_b64_examples)
{
	static const char *const ex[] = {
		"", "QUJD", "QUJDRA==", "QUJDRA=", "QUJDRA", "QUJDREU=", "QUJDREU", "QUJDR",
		"Q!U*J\r\nD", "QU=JD", "QUJ=D", "QUJDRA==QUJD", "QUJDR===", "Q===", "=QUJD",
		"QUJD=", "QU\x80JD\xff", "\r\n\r\n", "====",
	};
	char what[64];

	b64_level(_i);
	for (size_t i = 0; i < sizeof(ex) / sizeof(*ex); i++) {
		snprintf(what, sizeof(what), "level %d, example %zu", _i, i);
		b64_check((const unsigned char *)ex[i], strlen(ex[i]), what);
	}
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_single_part), TEST_ONCE(test_nested), TEST_ONCE(test_limits),
		TEST_LOOP_N(test_skeleton_shapes, (int)(sizeof(shapes) / sizeof(shapes[0]))),
		TEST_ONCE(test_skeleton_regress),
		TEST_LOOP(test_bytes, bytes_cases),
		TEST_LOOP_N(test_base64_like_gmime, B64_NVARIANTS),
		TEST_LOOP_N(test_b64_examples, 3), TEST_LOOP_N(test_b64_lines, 3),
		TEST_LOOP_N(test_b64_spoiled, 3),
		TEST_LOOP_N(test_passthrough_like_gmime, 4 * (int)(sizeof(passthrough_cte) / sizeof(passthrough_cte[0]))),
		TEST_ONCE(test_corpus_pdf),
		TEST_ONCE(test_encrypted_pdf),
	};
	int status;

	g_mime_init();
	status = test_main("inv_find", 60, tests, TEST_COUNT(tests));
	g_mime_shutdown();
	return status;
}

/*
 * check_xmlskip.c - the long base64 runs libxml2 is spared (lib/invoice/xmlskip.c,
 * xmlsafe_stream): on documents around a generated run, a sink that can be reset and
 * one that cannot (libxml2 reads every octet) must be told the same events and get
 * the same verdict and error message; the run must be spared where it is an element's
 * whole text, and must not be where a '<', an '&' or another octet breaks it, or
 * where it sits in a comment, a CDATA section or the like. The same comparison on
 * every XML file of the corpus ($POSTSALE_CORPUS, default /work/shared/corpus;
 * skipped without it). Also xmlskip_span and xmlskip_find on their own.
 *
 * The shortcut is tried only where the fast reader (xmlfast.h) leaves a document, so
 * the suite turns that reader off (xmlsafe_set_fast) to prove the shortcut, and runs
 * the comparisons once more with it on: the reader must tell the same as libxml2
 * wherever it takes a document (check_xmlfast holds it to that in detail).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_files.h"
#include "test_run.h"
#include "invoice/xmlsafe.h"
#include "invoice/xmlskip.h"
#include "invoice/xmltree.h"
#include "test_xmlrecord.h"

#define RUN_LEN 3000

/*
 * The documents: "@" stands for the generated run. A run is RUN_LEN octets of base64
 * in lines of 76 with line ends eol (or one line), and bad, if not NUL, put in its
 * middle.
 */
static const struct {
	const char *doc;
	const char *eol;	/* between lines of 76, NULL for one line */
	const char *bad;	/* put in the middle of the run, or NULL */
	int spared;		/* 1: libxml2 must be spared the run */
	int ok;			/* 1: the document is well-formed */
} cases[] = {
	/* an element's whole text: spared, whatever its line ends */
	{ "<a><b mimeCode=\"application/pdf\" filename=\"x.pdf\">@</b></a>", "\n", NULL, 1, 1 },
	{ "<a><b>@</b></a>", "\r\n", NULL, 1, 1 },
	{ "<a><b>@</b></a>", "\r", NULL, 1, 1 },
	{ "<a><b>@</b></a>", NULL, NULL, 1, 1 },
	{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\n <b>@</b>\n <c>@</c>\n</a>",
	  "\n", NULL, 1, 1 },
	{ "\xef\xbb\xbf<a><b>@</b></a>", "\n", NULL, 1, 1 },
	{ "<a xml:space=\"preserve\"> <b>@</b> </a>", "\n", NULL, 1, 1 },
	{ "<u:a xmlns:u=\"urn:u\"><u:b>  \n@\n  </u:b></u:a>", "\n", NULL, 1, 1 },
	{ "<?xml version=\"1.0\"?>\r\n<a>\r\n <!-- c\r\n -->\r\n <b\r\n x=\"1\r\n2\">@</b>\r\n</a>\r\n",
	  "\r\n", NULL, 1, 1 },
	/* the same with a byte that breaks the run: read as it was */
	{ "<a><b>@</b></a>", "\n", "<", 0, 0 },
	{ "<a><b>@</b></a>", "\n", "&", 0, 0 },
	{ "<a><b>@</b></a>", "\n", "&amp;", 0, 1 },
	{ "<a><b>@</b></a>", "\n", "<c/>", 0, 1 },
	{ "<a><b>@</b></a>", "\n", "<!-- c -->", 0, 1 },
	{ "<a><b>@</b></a>", "\n", "-", 0, 1 },
	{ "<a><b>@</b></a>", "\n", "\xc3\xa9", 0, 1 },
	{ "<a><b>@</b></a>", "\n", "\x01", 0, 0 },
	{ "<a><b>@</b></a>", "\n", "\xff", 0, 0 },
	{ "<a><b>@</b></a>", "\n", "]]>", 0, 0 },
	/* a run in the right shape but not an element's text */
	{ "<a><!--<b>@</b>--></a>", "\n", NULL, 0, 1 },
	{ "<a><![CDATA[<b>@</b>]]></a>", "\n", NULL, 0, 1 },
	{ "<a><?pi <b>@</b>?></a>", "\n", NULL, 0, 1 },
	{ "<a><b/>@<c/></a>", "\n", NULL, 0, 1 },
	{ "<a><b>x</b>@</a>", "\n", NULL, 0, 1 },
	{ "<a t=\"<b>@</b>\"/>", "\n", NULL, 0, 0 },
	{ "<a><b>@</b></a><!--<c>@</c>-->", "\n", NULL, 0, 1 },
	/* the guards and errors before, around and after a run: the same reasons */
	{ "<!DOCTYPE a [<!ENTITY e \"x\">]><a><b>@</b>&e;</a>", "\n", NULL, 0, 0 },
	{ "<a><b>@</b>&e;</a>", "\n", NULL, 0, 0 },
	{ "<a><b>@</b></c>", "\n", NULL, 0, 0 },
	{ "<a><b>@</b></a><a/>", "\n", NULL, 0, 0 },
	{ "<a><b>@</b><c>@</a>", "\n", NULL, 0, 0 },
	/* another encoding: libxml2 reads it all */
	{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9<b>@</b></a>", "\n", NULL, 0, 1 },
};

/* make_run - the run for case i at out (room for RUN_LEN * 2 + 64); its length */
static size_t
make_run(char *out, int i)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (int k = 0; k < RUN_LEN; k++) {
		if (k > 0 && k % 76 == 0 && cases[i].eol != NULL) {
			memcpy(out + o, cases[i].eol, strlen(cases[i].eol));
			o += strlen(cases[i].eol);
		}
		if (k == RUN_LEN / 2 && cases[i].bad != NULL) {
			memcpy(out + o, cases[i].bad, strlen(cases[i].bad));
			o += strlen(cases[i].bad);
		}
		out[o++] = b64[(k * 7 + k / 64) % 64];
	}
	memcpy(out + o, "==", 2);
	return o + 2;
}

/* make_doc - case i's document (malloc'd), its length in *len */
static char *
make_doc(int i, size_t *len)
{
	const char *d = cases[i].doc;
	char *doc = malloc(strlen(d) + 3 * (RUN_LEN * 2 + 64)), *o = doc;

	for (; *d != '\0'; d++)
		if (*d == '@')
			o += make_run(o, i);
		else
			*o++ = *d;
	*len = (size_t)(o - doc);
	return doc;
}

/* compare - stream doc through both sinks; NULL if they were told the same and got
 * the same verdict and reason, else what differs (static); *rc the verdict */
static const char *
compare(const char *doc, size_t len, size_t *unread, int *rc)
{
	static char why[600];
	struct record all = { 0 }, skip = { 0 };
	char err_all[256] = "", err_skip[256] = "";
	xmlDictPtr d1 = NULL, d2 = NULL;
	int rc_skip;

	*rc = xmlsafe_stream(doc, len, 0, 0, &reads_all, &all, &d1, NULL, err_all,
	    sizeof(err_all));
	rc_skip = xmlsafe_stream(doc, len, 0, 0, &may_skip, &skip, &d2, unread, err_skip,
	    sizeof(err_skip));
	if (rc_skip != *rc || strcmp(err_skip, err_all) != 0)
		snprintf(why, sizeof(why), "read all: %d %s; may skip: %d %s", *rc, err_all,
		    rc_skip, err_skip);
	else if (*rc == XMLSAFE_OK && strcmp(rec_str(&skip), rec_str(&all)) != 0)
		snprintf(why, sizeof(why), "told differently");
	else
		why[0] = '\0';
	if (d1 != NULL)
		xmlDictFree(d1);
	if (d2 != NULL)
		xmlDictFree(d2);
	rec_free(&all);
	rec_free(&skip);
	return why[0] != '\0' ? why : NULL;
}

START_TEST(test_same_events)
{
	size_t len, unread = 99;
	char *doc = make_doc(_i, &len);
	const char *why;
	int rc;

	xmlsafe_set_fast(0);
	why = compare(doc, len, &unread, &rc);
	xmlsafe_set_fast(1);
	ck_assert_msg(why == NULL, "case %d: %s", _i, why);
	ck_assert_int_eq(rc, cases[_i].ok ? XMLSAFE_OK : XMLSAFE_EBAD);
	if (cases[_i].spared)
		ck_assert_uint_ge(unread, RUN_LEN);
	else
		ck_assert_uint_eq(unread, 0);
	why = compare(doc, len, &unread, &rc);		/* the fast reader first */
	ck_assert_msg(why == NULL, "case %d with the fast reader: %s", _i, why);
	ck_assert_int_eq(rc, cases[_i].ok ? XMLSAFE_OK : XMLSAFE_EBAD);
	free(doc);
}
END_TEST

/* The corpus walk's counts: files libxml2 was spared part of. */
static int spared_files;

/* compare_file - 1 (with the reason on stderr) if the two sinks were told differently
 * about the file at p */
static int
compare_file(const char *p, void *unused)
{
	size_t len, unread = 0;
	const char *why;
	char *buf;
	FILE *f;
	struct stat st;
	int rc;

	(void) unused;
	if (stat(p, &st) != 0 || st.st_size == 0 || (f = fopen(p, "rb")) == NULL)
		return 0;
	buf = malloc((size_t)st.st_size);
	len = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	xmlsafe_set_fast(0);
	if ((why = compare(buf, len, &unread, &rc)) != NULL)
		fprintf(stderr, "check_xmlskip: %s: %s\n", p, why);
	xmlsafe_set_fast(1);
	spared_files += unread > 0;
	if (why == NULL && (why = compare(buf, len, &unread, &rc)) != NULL)
		fprintf(stderr, "check_xmlskip: %s with the fast reader: %s\n", p, why);
	free(buf);
	return why != NULL;
}

START_TEST(test_corpus)
{
	char corpus[4096];
	int files = 0;

	if (test_corpus_path(corpus, sizeof(corpus), "", "check_xmlskip", "the corpus comparison") == NULL)
		return;		/* the generated cases still ran */
	ck_assert_int_eq(test_each_file(corpus, ".xml", compare_file, NULL, &files), 0);
	ck_assert_int_gt(files, 100);
	ck_assert_int_gt(spared_files, 0);
}
END_TEST

/* The caps stand in front of the shortcut: a run deeper than the depth cap, in a
 * document over the size cap, is refused with the same reason. */
START_TEST(test_caps)
{
	struct record all = { 0 }, skip = { 0 };
	char err_all[256] = "", err_skip[256] = "", *doc = malloc(8192), *o = doc;
	xmlDictPtr d = NULL;
	size_t unread = 99;

	for (int i = 0; i < 60; i++)
		o += sprintf(o, "<a>");
	memset(o, 'Q', 2000);
	o += 2000;
	for (int i = 0; i < 60; i++)
		o += sprintf(o, "</a>");
	xmlsafe_set_fast(0);
	ck_assert_int_eq(xmlsafe_stream(doc, (size_t)(o - doc), 0, 50, &reads_all, &all, &d,
	    NULL, err_all, sizeof(err_all)), XMLSAFE_EBAD);
	ck_assert_int_eq(xmlsafe_stream(doc, (size_t)(o - doc), 0, 50, &may_skip, &skip, &d,
	    &unread, err_skip, sizeof(err_skip)), XMLSAFE_EBAD);
	ck_assert_str_eq(err_skip, err_all);
	ck_assert_ptr_nonnull(strstr(err_skip, "deeper than 50"));
	ck_assert_uint_eq(unread, 0);
	ck_assert_int_eq(xmlsafe_stream(doc, (size_t)(o - doc), 0, 0, &may_skip, &skip, &d,
	    &unread, err_skip, sizeof(err_skip)), XMLSAFE_OK);
	ck_assert_uint_eq(unread, 2000);
	xmlDictFree(d);
	ck_assert_int_eq(xmlsafe_stream(doc, (size_t)(o - doc), 1000, 0, &may_skip, &skip, &d,
	    &unread, err_skip, sizeof(err_skip)), XMLSAFE_EBAD);
	ck_assert_ptr_nonnull(strstr(err_skip, "exceeds the limit"));
	xmlsafe_set_fast(1);
	rec_free(&all);
	rec_free(&skip);
	free(doc);
}
END_TEST

/* The tree spared the run holds it all the same. */
START_TEST(test_tree)
{
	size_t len;
	char *doc = make_doc(0, &len), err[256], *c;
	struct xmltree *t = NULL;
	xmltree_ptr b;

	xmlsafe_set_fast(0);
	ck_assert_int_eq(xmltree_parse(doc, len, 0, 0, &t, err, sizeof(err)), XMLSAFE_OK);
	xmlsafe_set_fast(1);
	ck_assert_uint_gt(xmltree_unread(t), RUN_LEN);
	b = xmltree_root(t)->kids;
	ck_assert_str_eq(b->name, "b");
	ck_assert_str_eq(xmltree_attr(b, "mimeCode"), "application/pdf");
	ck_assert_str_eq(xmltree_attr(b, "filename"), "x.pdf");
	c = xmltree_content(b);
	ck_assert_uint_eq(strlen(c), xmltree_unread(t));
	ck_assert_int_eq(memcmp(c, doc + strlen("<a><b mimeCode=\"application/pdf\" "
	    "filename=\"x.pdf\">"), strlen(c)), 0);
	free(c);
	xmltree_free(t);
	free(doc);
}
END_TEST

static const struct {
	const char *s;
	size_t len;		/* 0: strlen */
	size_t span;
} spans[] = {
	{ "", 0, 0 },
	{ "QUJD", 0, 4 },
	{ "QUJD<", 0, 4 },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n-", 0, 69 },
	{ "AAAAAAAAAAAAAAA@AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, 15 },
	{ "AAAAAAAAAAAAAAAA[AAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, 16 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`AAAAAAAAAAAAAAAAAAAAAAA", 0, 31 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA{AA", 0, 66 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA:AAA", 0, 43 },
	{ "AAAAAAAA\x0b", 0, 8 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x80", 0, 35 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x00", 36, 35 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.", 0, 35 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_", 0, 35 },
	/* 32 at a time: a stop in either half, or in the tail */
	{ "AAAAAAAAAAAAAAAAAAAA<AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, 20 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&AAAAAAAAAAAAAAAA", 0, 63 },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\x7f", 0, 74 },
};

START_TEST(test_span)
{
	size_t n = spans[_i].len ? spans[_i].len : strlen(spans[_i].s);

	ck_assert_uint_eq(xmlskip_span(spans[_i].s, n), spans[_i].span);
}
END_TEST

/* every octet at every seventh place, and every shorter length: the set's two forms
 * (octet by octet, and by nibbles for 16 and 32 octets at a time) agree */
START_TEST(test_span_every_octet)
{
	static const char skippable[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t\r\n";
	char buf[100];

	for (int c = 0; c < 256; c++) {
		int in = c != 0 && strchr(skippable, c) != NULL;

		for (size_t at = 0; at < sizeof(buf); at += 7) {
			memset(buf, 'Q', sizeof(buf));
			buf[at] = (char)c;
			ck_assert_msg(xmlskip_span(buf, sizeof(buf)) == (in ? sizeof(buf) : at),
			    "octet %d at %zu", c, at);
			ck_assert_uint_eq(xmlskip_span(buf, at), at);
		}
	}
}
END_TEST

/* xmlskip_find: runs shorter than XMLSKIP_MIN, or not between '>' and '<', stay */
START_TEST(test_find)
{
	char doc[8192];
	struct xmlskip s;
	size_t o = 0;

	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "<a><b>");
	memset(doc + o, 'A', XMLSKIP_MIN - 1);
	o += XMLSKIP_MIN - 1;
	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</b><c>");
	memset(doc + o, 'B', XMLSKIP_MIN);
	o += XMLSKIP_MIN;
	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</c><d>-");
	memset(doc + o, 'C', 2000);
	o += 2000;
	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</d></a>");
	ck_assert_int_eq(xmlskip_find(doc, o, &s), 1);
	ck_assert_uint_eq(s.nruns, 1);
	ck_assert_uint_eq(s.runs[0].len, XMLSKIP_MIN);
	ck_assert_int_eq(s.runs[0].text[0], 'B');
	ck_assert_uint_eq(s.len, o - XMLSKIP_MIN);
	ck_assert_int_eq(s.buf[s.runs[0].gt], '>');
	ck_assert_int_eq(memcmp(s.buf + s.runs[0].gt - 2, "<c></c>", 7), 0);
	xmlskip_release(&s);
	ck_assert_int_eq(xmlskip_find("<a>b</a>", 8, &s), 0);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_same_events, cases), TEST_ONCE(test_caps), TEST_ONCE(test_tree),
		TEST_LOOP(test_span, spans), TEST_ONCE(test_span_every_octet), TEST_ONCE(test_find), TEST_ONCE(test_corpus),
	};

	return test_main("xmlskip", 120, tests, TEST_COUNT(tests));
}

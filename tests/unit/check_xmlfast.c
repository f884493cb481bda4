/*
 * check_xmlfast.c - the fast reader (lib/invoice/xmlfast.c) against libxml2 as the
 * independent judge. For every document: if the fast reader says XMLFAST_OK, libxml2
 * behind xmlsafe's guards (xmlsafe_stream with a sink that cannot be reset: the full
 * parse, no shortcut) must accept it too and tell the same events, texts concatenated;
 * and xmlsafe_stream with a sink that can be reset (the fast reader first) must give
 * the verdict, reason and events of the full parse, whichever way it went.
 *
 * The documents: a table of the reader's rules, each refusal and each near miss that
 * it must take (which of the two is the table's, written from the XML and Namespaces
 * recommendations, not from the reader's output); every byte of a few seeds deleted,
 * replaced or preceded by each of the octets that matter; every XML file of the corpus
 * ($POSTSALE_CORPUS, default /work/shared/corpus; skipped without it) and variants of
 * each (CR LF and CR line ends, a byte order mark, another XML declaration, character
 * and entity references, comments, namespaces declared again on every element, white
 * space in end tags, single quotes). Every corpus file libxml2 accepts, and each of its
 * variants, must be the fast reader's. Each test runs twice: with the AVX2 scanners
 * where the CPU has them, and with SSE2 and octet-by-octet scanning only.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_files.h"
#include "test_run.h"
#include "test_xmlrecord.h"
#include "util/buf.h"
#include "invoice/xmlfast.h"
#include "invoice/xmlsafe.h"

/* One reading of a document both ways. */
struct judged {
	int fast;		/* the fast reader took it */
	int libxml2;		/* libxml2's full parse accepted it */
	char why[700];		/* what broke the promise, "" if nothing */
};

/* clip - at most n octets of s, printable, in a static buffer (one of two) */
static const char *
clip(const char *s, size_t n)
{
	static char buf[2][400];
	static int which;
	char *o = buf[which ^= 1];
	size_t i = 0;

	for (; *s != '\0' && i < n && i + 5 < sizeof(buf[0]); s++)
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			o[i++] = *s;
		else
			i += (size_t)snprintf(o + i, 5, "\\x%02x", (unsigned char)*s);
	o[i] = '\0';
	return o;
}

/* first_diff - where two records part, for the message */
static size_t
first_diff(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	return i > 40 ? i - 40 : 0;
}

/* judge - read doc[0..len) with the fast reader, with libxml2's full parse and with
 * xmlsafe_stream's fast-first path, max_depth as xmlsafe_stream takes it */
static void
judge(const char *doc, size_t len, int max_depth, struct judged *j)
{
	struct record f = { 0 }, l = { 0 }, s = { 0 };
	char err_l[256] = "", err_s[256] = "";
	xmlDictPtr df = NULL, dl = NULL, ds = NULL;
	int rc_l, rc_s;

	j->why[0] = '\0';
	j->fast = xmlfast_read(doc, len, max_depth, &may_skip, &f, &df) == XMLFAST_OK;
	rc_l = xmlsafe_stream(doc, len, 0, max_depth, &reads_all, &l, &dl, NULL, err_l,
	    sizeof(err_l));
	rc_s = xmlsafe_stream(doc, len, 0, max_depth, &may_skip, &s, &ds, NULL, err_s,
	    sizeof(err_s));
	j->libxml2 = rc_l == XMLSAFE_OK;
	if (j->fast && df == NULL)
		snprintf(j->why, sizeof(j->why), "the fast reader gave no dictionary");
	else if (!j->fast && df != NULL)
		snprintf(j->why, sizeof(j->why), "the fast reader refused but gave a dictionary");
	else if (j->fast && !j->libxml2)
		snprintf(j->why, sizeof(j->why), "the fast reader took what libxml2 refuses: %s",
		    err_l);
	else if (j->fast && strcmp(rec_str(&f), rec_str(&l)) != 0) {
		size_t d = first_diff(rec_str(&f), rec_str(&l));

		snprintf(j->why, sizeof(j->why), "told differently: fast ...%s... libxml2 ...%s...",
		    clip(rec_str(&f) + d, 120), clip(rec_str(&l) + d, 120));
	} else if (rc_s != rc_l || strcmp(err_s, err_l) != 0)
		snprintf(j->why, sizeof(j->why), "fast first: %d %s; libxml2: %d %s", rc_s, err_s,
		    rc_l, err_l);
	else if (rc_l == XMLSAFE_OK && strcmp(rec_str(&s), rec_str(&l)) != 0)
		snprintf(j->why, sizeof(j->why), "fast first told differently from libxml2");
	if (df != NULL)
		xmlDictFree(df);
	if (dl != NULL)
		xmlDictFree(dl);
	if (ds != NULL)
		xmlDictFree(ds);
	rec_free(&f);
	rec_free(&l);
	rec_free(&s);
}

/*
 * The rules. fast: 1 if the reader must take the document (libxml2 then must accept
 * it: judge checks), 0 if it must leave it to libxml2.
 */
static const struct {
	const char *doc;
	int fast;
} cases[] = {
	/* the plain shapes */
	{ "<a/>", 1 },
	{ "<a></a>", 1 },
	{ "<a>x</a>", 1 },
	{ "<a><b/><c>t</c></a>", 1 },
	{ "<a> <b/> <c> </c> \n</a>", 1 },
	{ "<a>\t \n</a>", 1 },
	{ " \n\t\r<a/> \r\n\t ", 1 },
	{ "<_a-b.c_ _x=\"1\" a1.2-3=\"2\" Z=\"3\"/>", 1 },
	{ "<xmlfoo xmlnsfoo=\"1\" xmlx=\"2\"/>", 1 },
	/* byte order mark and XML declaration */
	{ "\xef\xbb\xbf<a/>", 1 },
	{ "<?xml version=\"1.0\"?><a/>", 1 },
	{ "<?xml version='1.0'?><a/>", 1 },
	{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>", 1 },
	{ "<?xml version=\"1.0\" encoding='utf-8' standalone='yes'?>\n<a/>", 1 },
	{ "<?xml  version = \"1.0\"\n encoding\t= \"Utf-8\"  standalone = \"no\"  ?><a/>", 1 },
	{ "<?xml version=\"1.0\" standalone=\"no\"?><a/>", 1 },
	{ "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<a/>\r\n", 1 },
	{ "<?xml version=\"1.1\"?><a/>", 0 },
	{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", 0 },
	{ "<?xml version=\"1.0\" encoding=\"UTF8\"?><a/>", 0 },
	{ "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>", 0 },
	{ "<?xml version=\"1.0\"encoding=\"UTF-8\"?><a/>", 0 },
	{ "<?xml version=\"1.0' encoding=\"UTF-8\"?><a/>", 0 },
	{ "<?xml version=\"1.0\" standalone=\"maybe\"?><a/>", 0 },
	{ "<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><a/>", 0 },
	{ "<?xml encoding=\"UTF-8\"?><a/>", 0 },
	{ "<?xml version=\"1.0\"><a/>", 0 },
	{ "<?xml version=\"1.0\"?><?xml version=\"1.0\"?><a/>", 0 },
	{ " <?xml version=\"1.0\"?><a/>", 0 },
	{ "\xef\xbb\xbf\xef\xbb\xbf<a/>", 0 },
	{ "<?xml-stylesheet href=\"x\"?><a/>", 0 },
	{ "<?xml?><a/>", 0 },
	/* processing instructions, DOCTYPE, CDATA sections */
	{ "<a><?pi x?></a>", 0 },
	{ "<a/><?pi x?>", 0 },
	{ "<!DOCTYPE a><a/>", 0 },
	{ "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", 0 },
	{ "<a><!DOCTYPE a></a>", 0 },
	{ "<a><![CDATA[x]]></a>", 0 },
	{ "<a><![CDATA[x<y]]></a>", 0 },
	/* comments */
	{ "<!-- c --><a/><!-- d -->", 1 },
	{ "<!-- c -->\n<a>\n<!-- i -->\n</a>\n<!-- d -->\n", 1 },
	{ "<a><!----></a>", 1 },
	{ "<a><!-- - --></a>", 1 },
	{ "<a><!--a-b-c--></a>", 1 },
	{ "<a><!-- <b> & ]]> --></a>", 1 },
	{ "<a><!-- \xc3\xa9 \xe2\x82\xac \xf0\x90\x8d\x88 --></a>", 1 },
	{ "<a>x<!-- c -->y</a>", 1 },
	{ "<a><!-- -- --></a>", 0 },
	{ "<a><!-- ---></a>", 0 },
	{ "<a><!-- x ></a>", 0 },
	{ "<a><!- x --></a>", 0 },
	{ "<a><!-- x --</a>", 0 },
	{ "<!-- \x01 --><a/>", 0 },
	{ "<a><!-- \xff --></a>", 0 },
	{ "<a/><!-- x", 0 },
	/* references in character data */
	{ "<a>x &lt; &gt; &amp; &apos; &quot; y</a>", 1 },
	{ "<a>&amp;amp;&amp;lt;</a>", 1 },
	{ "<a>&#65;&#x42;&#x0043;&#000068;&#xe9;&#xE9;&#8364;&#x1F600;&#x10FFFF;</a>", 1 },
	{ "<a>&#9;&#10;&#13;&#x9;&#xA;&#xD;&#x20;</a>", 1 },
	{ "<a>&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#55295;&#57344;</a>", 1 },
	{ "<a>&#13;&#10; &#xd;\n</a>", 1 },
	{ "<a>&e;</a>", 0 },
	{ "<a>&amp</a>", 0 },
	{ "<a>&amp ;</a>", 0 },
	{ "<a>&AMP;</a>", 0 },
	{ "<a>& </a>", 0 },
	{ "<a>&#;</a>", 0 },
	{ "<a>&#x;</a>", 0 },
	{ "<a>&#0;</a>", 0 },
	{ "<a>&#x0;</a>", 0 },
	{ "<a>&#1;</a>", 0 },
	{ "<a>&#x1F;</a>", 0 },
	{ "<a>&#xD800;</a>", 0 },
	{ "<a>&#xDFFF;</a>", 0 },
	{ "<a>&#xFFFE;</a>", 0 },
	{ "<a>&#xFFFF;</a>", 0 },
	{ "<a>&#x110000;</a>", 0 },
	{ "<a>&#1114112;</a>", 0 },
	{ "<a>&#X41;</a>", 0 },
	{ "<a>&#65</a>", 0 },
	{ "<a>&#x41</a>", 0 },
	{ "<a>&#6a;</a>", 0 },
	{ "<a>&#x4g;</a>", 0 },
	{ "<a>&#-65;</a>", 0 },
	{ "<a/>&amp;", 0 },
	{ "&amp;<a/>", 0 },
	/* line ends and "]]>" */
	{ "<a>x\r\ny\rz\n\r\r\n</a>", 1 },
	{ "<a>\r</a>", 1 },
	{ "<a>\r\r\r\n\n</a>", 1 },
	{ "<a>]</a>", 1 },
	{ "<a>]]</a>", 1 },
	{ "<a>]>]</a>", 1 },
	{ "<a>] ]></a>", 1 },
	{ "<a>]]]</a>", 1 },
	{ "<a>x > y</a>", 1 },
	{ "<a>]]></a>", 0 },
	{ "<a>x]]]>y</a>", 0 },
	/* characters */
	{ "<a>\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88\xc2\x80\xc2\x9f\x7f</a>", 1 },
	{ "<a>\xef\xbf\xbd\xef\xb7\x90\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf</a>", 1 },
	{ "<a b=\"\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88\"/>", 1 },
	{ "<a>\x01</a>", 0 },
	{ "<a>\x0b</a>", 0 },
	{ "<a>\x0c</a>", 0 },
	{ "<a>\x1f</a>", 0 },
	{ "<a>\xc0\x80</a>", 0 },
	{ "<a>\xc1\xbf</a>", 0 },
	{ "<a>\xe0\x80\x80</a>", 0 },
	{ "<a>\xe0\x9f\xbf</a>", 0 },
	{ "<a>\xed\xa0\x80</a>", 0 },
	{ "<a>\xed\xbf\xbf</a>", 0 },
	{ "<a>\xef\xbf\xbe</a>", 0 },
	{ "<a>\xef\xbf\xbf</a>", 0 },
	{ "<a>\xf0\x80\x80\x80</a>", 0 },
	{ "<a>\xf0\x8f\xbf\xbf</a>", 0 },
	{ "<a>\xf4\x90\x80\x80</a>", 0 },
	{ "<a>\xf5\x80\x80\x80</a>", 0 },
	{ "<a>\xf8\x88\x80\x80\x80</a>", 0 },
	{ "<a>\xc3</a>", 0 },
	{ "<a>\xe2\x82</a>", 0 },
	{ "<a>\x80</a>", 0 },
	{ "<a>\xc3\xc3</a>", 0 },
	{ "<a>\xff</a>", 0 },
	{ "<a b=\"\xff\"/>", 0 },
	{ "<a b=\"\xef\xbf\xbe\"/>", 0 },
	{ "<a b=\"\x01\"/>", 0 },
	/* names */
	{ "<\xc3\xa9/>", 0 },
	{ "<a\xc3\xa9/>", 0 },
	{ "<a \xc3\xa9=\"1\"/>", 0 },
	{ "<a:b:c xmlns:a=\"u\"/>", 0 },
	{ "<:a/>", 0 },
	{ "<a:/>", 0 },
	{ "<1a/>", 0 },
	{ "<-a/>", 0 },
	{ "<.a/>", 0 },
	{ "<a b:=\"1\"/>", 0 },
	{ "<a :b=\"1\"/>", 0 },
	{ "<a 1=\"1\"/>", 0 },
	{ "< a/>", 0 },
	/* namespaces */
	{ "<p:a xmlns:p=\"urn:p\"><p:b/></p:a>", 1 },
	{ "<a xmlns=\"urn:d\"><b/><c xmlns=\"urn:e\"><f/></c><d/></a>", 1 },
	{ "<a xmlns=\"urn:d\" xmlns:p=\"urn:p\" p:x=\"1\" x=\"2\"><p:b p:y=\"3\" y=\"4\"/></a>", 1 },
	{ "<p:a xmlns:p=\"urn:1\"><p:b xmlns:p=\"urn:2\"><p:c/></p:b><p:d/></p:a>", 1 },
	{ "<a xmlns:p=\"urn:p\" xmlns:q=\"urn:p\" p:x=\"1\" q:y=\"2\"/>", 1 },
	{ "<a p:x=\"1\" xmlns:p=\"urn:p\"/>", 1 },
	{ "<p:a xmlns:p=\"urn:p\" xmlns=\"urn:d\"><b/><p:c/></p:a>", 1 },
	{ "<a xmlns:p=\"urn:p\"><p:b/></a><!-- x -->", 1 },
	{ "<a xmlns=\"not a URI at all\" xmlns:p=\" urn:p \"><p:b/></a>", 1 },
	{ "<a xmlns:p=\"http://www.w3.org/XML/1998/namespacex\"/>", 1 },
	{ "<p:a/>", 0 },
	{ "<a p:x=\"1\"/>", 0 },
	{ "<a><p:b xmlns:p=\"urn:p\"/><p:c/></a>", 0 },
	{ "<a xmlns=\"\"/>", 0 },
	{ "<a xmlns=\"urn:d\"><b xmlns=\"\"/></a>", 0 },
	{ "<a xmlns:p=\"\"/>", 0 },
	{ "<xml:a/>", 0 },
	{ "<a xml:lang=\"de\"/>", 0 },
	{ "<a xml:space=\"preserve\"> <b/> </a>", 0 },
	{ "<a xml:space=\"default\"/>", 0 },
	{ "<a xmlns:xml=\"http://www.w3.org/XML/1998/namespace\"/>", 0 },
	{ "<a xmlns:xmlns=\"urn:x\"/>", 0 },
	{ "<a xmlns:p=\"http://www.w3.org/XML/1998/namespace\"/>", 0 },
	{ "<a xmlns=\"http://www.w3.org/XML/1998/namespace\"/>", 0 },
	{ "<a xmlns:p=\"http://www.w3.org/2000/xmlns/\"/>", 0 },
	{ "<a xmlns=\"http://www.w3.org/2000/xmlns/\"/>", 0 },
	{ "<xmlns:a xmlns:xmlns=\"u\"/>", 0 },
	{ "<xmlns/>", 0 },
	{ "<a p:xmlns=\"1\" xmlns:p=\"u\"/>", 0 },
	{ "<a xmlns:p=\"u\" xmlns:p=\"v\"/>", 0 },
	{ "<a xmlns:p=\"u\" xmlns:p=\"u\"/>", 0 },
	{ "<a xmlns=\"u\" xmlns=\"v\"/>", 0 },
	{ "<a xmlns=\"u&amp;v\"/>", 0 },
	/* attributes */
	{ "<a b='x\"y' c=\"x'y\" d=\"a>b\" e=\"\" f=\" \xc3\xa9 \" g=\"/\"/>", 1 },
	{ "<a\n b = \"1\"\r\n\tc='2'\n/>", 1 },
	{ "<a b=\"1\"></a>", 1 },
	{ "<a b=\"1\" ></a>", 1 },
	{ "<a b='1' b='2'/>", 0 },
	{ "<a xmlns:p=\"u\" xmlns:q=\"u\" p:b=\"1\" q:b=\"2\"/>", 0 },
	{ "<a xmlns:p=\"u\" b=\"1\" p:b=\"2\"/>", 1 },
	{ "<a xmlns:p=\"u\" xmlns:q=\"v\" p:b=\"1\" q:b=\"2\" b=\"3\"/>", 1 },
	{ "<a xmlns:p=\"u\" p:b=\"1\" p:b=\"2\"/>", 0 },
	{ "<a b=\"x&amp;y\"/>", 0 },
	{ "<a b=\"&#65;\"/>", 0 },
	{ "<a b=\"x<y\"/>", 0 },
	{ "<a b=\"x\ty\"/>", 0 },
	{ "<a b=\"x\ny\"/>", 0 },
	{ "<a b=\"x\ry\"/>", 0 },
	{ "<a b=\"x\r\ny\"/>", 0 },
	{ "<a b='1'c='2'/>", 0 },
	{ "<a b/>", 0 },
	{ "<a b=1/>", 0 },
	{ "<a b='1/>", 0 },
	{ "<a b=\"1'/>", 0 },
	{ "<a / >", 0 },
	{ "<a/ >", 0 },
	{ "<a b='1'/ >", 0 },
	/* structure */
	{ "<a><b></b  ></a\n>", 1 },
	{ "<a:b xmlns:a=\"u\"></a:b \t\r\n>", 1 },
	{ "<a><b/></a>\n<!-- x -->\n", 1 },
	{ "<a></b>", 0 },
	{ "<a></a b>", 0 },
	{ "<a></ab>", 0 },
	{ "<ab></a>", 0 },
	{ "<a><b></a></b>", 0 },
	{ "<a></A>", 0 },
	{ "<a></ a>", 0 },
	{ "<a:b xmlns:a=\"u\"></b>", 0 },
	{ "<p:a xmlns:p=\"u\" xmlns:q=\"u\"></q:a>", 0 },
	{ "<a/><b/>", 0 },
	{ "<a/><a/>", 0 },
	{ "x<a/>", 0 },
	{ "<a/>x", 0 },
	{ "<a/>&#32;", 0 },
	{ "<a>", 0 },
	{ "<a><b>", 0 },
	{ "<a>x", 0 },
	{ "<a", 0 },
	{ "<a b=\"1\"", 0 },
	{ "</a>", 0 },
	{ "<a/></a>", 0 },
	{ "<!-- only a comment -->", 0 },
	{ "   ", 0 },
	{ "\xef\xbb\xbf", 0 },
	{ "<a>\0</a>", 0 },
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

/* _i: the case, and beyond NCASES the case again without AVX2 */
START_TEST(test_rules)
{
	int c = _i % NCASES;
	struct judged j;

	xmlfast_use_avx2(_i < NCASES);
	judge(cases[c].doc, strlen(cases[c].doc), 0, &j);
	ck_assert_msg(j.why[0] == '\0', "case %d (%s): %s", _i, clip(cases[c].doc, 80), j.why);
	ck_assert_msg(j.fast == cases[c].fast, "case %d (%s): the fast reader %s it", _i,
	    clip(cases[c].doc, 80), j.fast ? "took" : "left");
}
END_TEST

/* An embedded NUL (the table's strings end at the first). */
START_TEST(test_nul)
{
	static const char doc[] = "<a>x\0y</a>", doc2[] = "<a b=\"\0\"/>", doc3[] = "<a/>\0";
	struct judged j;

	judge(doc, sizeof(doc) - 1, 0, &j);
	ck_assert_msg(j.why[0] == '\0' && !j.fast, "%s", j.why);
	judge(doc2, sizeof(doc2) - 1, 0, &j);
	ck_assert_msg(j.why[0] == '\0' && !j.fast, "%s", j.why);
	judge(doc3, sizeof(doc3) - 1, 0, &j);
	ck_assert_msg(j.why[0] == '\0' && !j.fast, "%s", j.why);
}
END_TEST

/* Nesting: at the caller's cap (and the default 64), one over it, and over the
 * reader's own cap with a caller's cap above it. */
START_TEST(test_depth)
{
	static const struct {
		int depth, max_depth, fast;
	} d[] = {
		{ 64, 0, 1 }, { 65, 0, 0 }, { 10, 10, 1 }, { 11, 10, 0 }, { 1, 1, 1 },
		{ 2, 1, 0 }, { XMLFAST_MAX_DEPTH, 300, 1 }, { XMLFAST_MAX_DEPTH + 1, 300, 0 },
	};
	char *doc = malloc(16 * (XMLFAST_MAX_DEPTH + 2)), *o;
	struct judged j;

	for (size_t k = 0; k < sizeof(d) / sizeof(d[0]); k++) {
		o = doc;
		for (int i = 0; i < d[k].depth; i++)
			o += sprintf(o, "<e%d>", i % 3);
		o += sprintf(o, "x");
		for (int i = d[k].depth - 1; i >= 0; i--)
			o += sprintf(o, "</e%d>", i % 3);
		judge(doc, (size_t)(o - doc), d[k].max_depth, &j);
		ck_assert_msg(j.why[0] == '\0', "depth %d: %s", d[k].depth, j.why);
		ck_assert_msg(j.fast == d[k].fast, "depth %d of %d: fast %d", d[k].depth,
		    d[k].max_depth, j.fast);
	}
	free(doc);
}
END_TEST

/* Names of 1000 octets are taken, longer ones left; at most 64 attributes a tag; a
 * long text in one piece or in lines. */
START_TEST(test_sizes)
{
	char *doc = malloc(200000), *o;
	struct judged j;

	xmlfast_use_avx2(_i == 0);
	for (int len = 999; len <= 1001; len++) {
		o = doc;
		*o++ = '<';
		memset(o, 'n', (size_t)len);
		o += len;
		o += sprintf(o, " a=\"1\"></");
		memset(o, 'n', (size_t)len);
		o += len;
		*o++ = '>';
		judge(doc, (size_t)(o - doc), 0, &j);
		ck_assert_msg(j.why[0] == '\0' && j.fast == (len <= 1000), "name of %d: %s", len,
		    j.why);
		o = doc;
		o += sprintf(o, "<a xmlns:p=\"urn:p\" p:");
		memset(o, 'n', (size_t)len - 2);
		o += len - 2;
		o += sprintf(o, "=\"1\"/>");
		judge(doc, (size_t)(o - doc), 0, &j);
		ck_assert_msg(j.why[0] == '\0' && j.fast == (len <= 1000), "attribute name of %d: %s",
		    len, j.why);
	}
	for (int n = 63; n <= 65; n++) {
		o = doc;
		o += sprintf(o, "<a");
		for (int i = 0; i < n; i++)
			o += sprintf(o, " a%d=\"%d\"", i, i);
		o += sprintf(o, "/>");
		judge(doc, (size_t)(o - doc), 0, &j);
		ck_assert_msg(j.why[0] == '\0' && j.fast == (n <= 64), "%d attributes: %s", n, j.why);
	}
	/* names and URIs for the dictionary: up to a megabyte taken (here 1,000 octets
	 * each of 900 or 1,100 distinct names; the URI and "r" besides) */
	for (int n = 900; n <= 1100; n += 200) {
		char *big = malloc((size_t)n * 1010 + 100), *b = big;

		b += sprintf(b, "<r xmlns=\"urn:r\">");
		for (int i = 0; i < n; i++) {
			b += sprintf(b, "<n%04d", i);
			memset(b, 'x', 995);
			b += 995;
			b += sprintf(b, "/>");
		}
		b += sprintf(b, "</r>");
		judge(big, (size_t)(b - big), 0, &j);
		ck_assert_msg(j.why[0] == '\0' && j.fast == (n == 900), "%d names of 1,000: %s (fast %d)",
		    n, j.why, j.fast);
		free(big);
	}
	for (int eol = 0; eol < 3; eol++) {
		o = doc;
		o += sprintf(o, "<a><b>");
		for (int i = 0; i < 150000; i++) {
			if (i % 76 == 75)
				o += sprintf(o, "%s", eol == 0 ? "\n" : eol == 1 ? "\r\n" : "\r");
			*o++ = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64];
		}
		o += sprintf(o, "==</b></a>");
		judge(doc, (size_t)(o - doc), 0, &j);
		ck_assert_msg(j.why[0] == '\0' && j.fast, "long text (eol %d): %s", eol, j.why);
	}
	free(doc);
}
END_TEST

/* Octets that matter, at every offset of a long text, attribute value, comment and
 * name, so that each scanner meets them in its 32- and 16-octet blocks and in its
 * tail: the promise must hold, and what must be taken is (the table's words). */
static const struct {
	const char *s;
	int fast;		/* in character data: 1 taken, 0 not mine */
} snippets[] = {
	{ "]]>", 0 }, { "]]", 1 }, { "]", 1 }, { "&e;", 0 }, { "&amp;", 1 }, { "&#65;", 1 },
	{ "&#1;", 0 }, { "\x01", 0 }, { "\x1f", 0 }, { "\x7f", 1 }, { "\xff", 0 },
	{ "\xc3\xa9", 1 }, { "\xed\xa0\x80", 0 }, { "\xef\xbf\xbe", 0 },
	{ "\xf0\x90\x8d\x88", 1 }, { "\r", 1 }, { "\r\n", 1 }, { "\t", 1 }, { "\n", 1 },
	{ "<b/>", 1 }, { "<!-- c -->", 1 }, { "<![CDATA[x]]>", 0 }, { "<?p?>", 0 }, { ">", 1 },
	{ "\"", 1 }, { "'", 1 }, { "-", 1 }, { "--", 1 }, { ":", 1 },
};

#define NSNIPPETS ((int)(sizeof(snippets) / sizeof(snippets[0])))

/* _i: the snippet, and beyond NSNIPPETS the snippet again without AVX2 */
START_TEST(test_offsets)
{
	const char *sn = snippets[_i % NSNIPPETS].s;
	char doc[512];
	struct judged j;
	int n;

	xmlfast_use_avx2(_i < NSNIPPETS);
	for (int at = 0; at < 80; at++) {
		/* in character data */
		n = snprintf(doc, sizeof(doc), "<a>%.*s%s%.*s</a>", at,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOP",
		    sn, 79 - at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOP");
		judge(doc, (size_t)n, 0, &j);
		ck_assert_msg(j.why[0] == '\0', "text, %d: %s", at, j.why);
		ck_assert_msg(j.fast == snippets[_i % NSNIPPETS].fast, "text, %d (%s): fast %d",
		    at, clip(doc, 200), j.fast);
		/* in an attribute value, a comment, after a name */
		n = snprintf(doc, sizeof(doc), "<a b=\"%.*s%s%.*s\"/>", at,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOP",
		    sn, 79 - at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOP");
		judge(doc, (size_t)n, 0, &j);
		ck_assert_msg(j.why[0] == '\0', "value, %d: %s", at, j.why);
		n = snprintf(doc, sizeof(doc), "<a><!--%.*s%s%.*s--></a>", at,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOP",
		    sn, 79 - at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGHIJKLMNOP");
		judge(doc, (size_t)n, 0, &j);
		ck_assert_msg(j.why[0] == '\0', "comment, %d: %s", at, j.why);
		n = snprintf(doc, sizeof(doc), "<%.*s%s%.*s x=\"1\"/>", at + 1,
		    "aBCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._BCDEFGHIJKLMNOPQ",
		    sn, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._ABCDEFGHIJKLMNOP");
		judge(doc, (size_t)n, 0, &j);
		ck_assert_msg(j.why[0] == '\0', "name, %d: %s", at, j.why);
	}
}
END_TEST

/* Every byte of each seed deleted, replaced by and preceded by each octet that
 * matters to a reader: each result judged (taken or not, the promise must hold). */
static const char *seeds[] = {
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<p:a xmlns:p=\"urn:p\" xmlns=\"urn:d\" "
	    "id='1'>\n <b p:x=\"2\">t &amp; &#x41;\r\n]</b><!-- c --><p:c/></p:a>\n",
	"\xef\xbb\xbf<a b=\"\xc3\xa9\"><c>\xe2\x82\xac&lt;x</c ></a>",
};

#define NSEEDS ((int)(sizeof(seeds) / sizeof(seeds[0])))

/* _i: the seed, and beyond NSEEDS the seed again without AVX2 */
START_TEST(test_mutations)
{
	static const char octets[] = "<>&;#x\"'=:/!?-] \t\r\nab\xc3\xa9\xff";
	const char *seed = seeds[_i % NSEEDS];
	size_t len = strlen(seed), nmut = sizeof(octets) - 1, taken = 0, docs = 0;
	char *doc = malloc(len + 2);
	struct judged j;

	xmlfast_use_avx2(_i < NSEEDS);
	for (size_t at = 0; at <= len; at++)
		for (size_t m = 0; m <= 2 * nmut; m++) {
			size_t n = 0;

			memcpy(doc, seed, at);
			if (m == 2 * nmut) {		/* delete */
				if (at == len)
					continue;
				memcpy(doc + at, seed + at + 1, len - at - 1);
				n = len - 1;
			} else if (m >= nmut) {		/* replace */
				if (at == len)
					continue;
				memcpy(doc + at + 1, seed + at + 1, len - at - 1);
				doc[at] = octets[m - nmut];
				n = len;
			} else {			/* insert */
				doc[at] = octets[m];
				memcpy(doc + at + 1, seed + at, len - at);
				n = len + 1;
			}
			judge(doc, n, 0, &j);
			ck_assert_msg(j.why[0] == '\0', "seed %d, at %zu, mutation %zu (%s): %s", _i,
			    at, m, clip(doc, 200), j.why);
			taken += (size_t)j.fast;
			docs++;
		}
	fprintf(stderr, "check_xmlfast%s: seed %d: %zu of %zu mutations read fast\n",
	    _i < NSEEDS ? "" : " (no AVX2)", _i % NSEEDS, taken, docs);
	ck_assert_uint_gt(taken, 0);
	free(doc);
}
END_TEST

/* A variant of a corpus file is written into a struct buf (util/buf.h). */

/* v_eol - every LF as eol */
static void
v_eol(struct buf *b, const char *d, size_t len, const char *eol)
{
	for (size_t i = 0; i < len; i++)
		if (d[i] == '\n')
			buf_adds(b, eol);
		else
			buf_add(b, d + i, 1);
}

/* decl_end - the length of d's XML declaration, 0 for none */
static size_t
decl_end(const char *d, size_t len)
{
	const char *e;

	if (len < 6 || memcmp(d, "<?xml", 5) != 0 || (e = memmem(d, len, "?>", 2)) == NULL)
		return 0;
	return (size_t)(e - d) + 2;
}

/* The markup a variant walks: where each tag or comment of d starts and ends. */
static size_t
markup_end(const char *d, size_t len, size_t i)
{
	const char *e;

	if (len - i >= 4 && memcmp(d + i, "<!--", 4) == 0)
		e = memmem(d + i, len - i, "-->", 3), e = e ? e + 2 : NULL;
	else if (len - i >= 2 && d[i + 1] == '?')
		e = memmem(d + i, len - i, "?>", 2), e = e ? e + 1 : NULL;
	else {
		char q = 0;

		for (e = d + i; e < d + len; e++) {
			if (q != 0 && *e == q)
				q = 0;
			else if (q == 0 && (*e == '"' || *e == '\''))
				q = *e;
			else if (q == 0 && *e == '>')
				break;
		}
		if (e == d + len)
			e = NULL;
	}
	return e != NULL ? (size_t)(e - d) + 1 : len;
}

/* v_text - the text between tags rewritten: 'a' as "&#97;", 'e' as "&#x65;", '>'
 * as "&gt;", '\'' as "&apos;", '"' as "&quot;", a comment after every tag */
static void
v_text(struct buf *b, const char *d, size_t len, int refs, int comments)
{
	size_t i = 0;

	while (i < len) {
		if (d[i] == '<') {
			size_t e = markup_end(d, len, i);

			buf_add(b, d + i, e - i);
			if (comments && d[i + 1] != '?')
				buf_adds(b, "<!-- c -->");
			i = e;
			continue;
		}
		if (refs && d[i] == 'a')
			buf_adds(b, "&#97;");
		else if (refs && d[i] == 'e')
			buf_adds(b, "&#x65;");
		else if (refs && d[i] == '>')
			buf_adds(b, "&gt;");
		else if (refs && d[i] == '\'')
			buf_adds(b, "&apos;");
		else if (refs && d[i] == '"')
			buf_adds(b, "&quot;");
		else
			buf_add(b, d + i, 1);
		i++;
	}
}

/* v_tags - every tag rewritten: mode 0, the root's namespace declarations again in
 * every other start tag; 1, white space before an end tag's '>'; 2, attribute values
 * in single quotes where they can be */
static void
v_tags(struct buf *b, const char *d, size_t len, int mode)
{
	struct buf decls = { 0 };
	size_t i = 0;
	int roots = 0;

	while (i < len) {
		size_t e, n;

		if (d[i] != '<') {
			buf_add(b, d + i, 1);
			i++;
			continue;
		}
		e = markup_end(d, len, i);
		if (d[i + 1] == '!' || d[i + 1] == '?' || e == len) {
			buf_add(b, d + i, e - i);
		} else if (d[i + 1] == '/') {
			buf_add(b, d + i, e - i - 1);
			buf_adds(b, mode == 1 ? " \r\n\t>" : ">");
		} else {
			for (n = i + 1; n < e && !strchr(" \t\r\n/>", d[n]); n++)
				;
			buf_add(b, d + i, n - i);
			if (mode == 0 && roots++ == 0) {
				/* collect the root's xmlns attributes */
				for (size_t k = n; k < e; k++)
					if (memcmp(d + k, " xmlns", 6) == 0 || memcmp(d + k, "\nxmlns", 6) == 0) {
						char q;
						size_t v = k + 1;

						while (v < e && d[v] != '"' && d[v] != '\'')
							v++;
						if (v == e)
							break;
						q = d[v];
						for (v++; v < e && d[v] != q; v++)
							;
						buf_add(&decls, " ", 1);
						buf_add(&decls, d + k + 1, v - k);
					}
			} else if (mode == 0 && decls.len > 0)
				buf_add(b, decls.data, decls.len);
			for (; n < e; n++) {
				if (mode == 2 && d[n] == '"') {
					const char *q = memchr(d + n + 1, '"', e - n - 1);

					if (q != NULL && memchr(d + n + 1, '\'', (size_t)(q - d - n - 1)) == NULL) {
						buf_add(b, "'", 1);
						buf_add(b, d + n + 1, (size_t)(q - d - n - 1));
						buf_add(b, "'", 1);
						n = (size_t)(q - d);
						continue;
					}
				}
				buf_add(b, d + n, 1);
			}
		}
		i = e;
	}
	buf_free(&decls);
}

/* The variants of a corpus file. */
enum variant {
	V_AS_IS, V_CRLF, V_CR, V_BOM, V_DECL, V_NO_DECL, V_REFS, V_COMMENTS, V_NAMESPACES,
	V_END_TAGS, V_QUOTES, V_COUNT
};
static const char *variant_name[V_COUNT] = {
	"as is", "CR LF", "CR", "BOM", "declaration", "no declaration", "references",
	"comments", "namespaces again", "end tags", "single quotes",
};

static void
make_variant(struct buf *b, const char *d, size_t len, enum variant v)
{
	size_t de = decl_end(d, len);

	b->len = 0;
	switch (v) {
	case V_AS_IS: buf_add(b, d, len); break;
	case V_CRLF: v_eol(b, d, len, "\r\n"); break;
	case V_CR: v_eol(b, d, len, "\r"); break;
	case V_BOM: buf_adds(b, "\xef\xbb\xbf"); buf_add(b, d, len); break;
	case V_DECL:
		buf_adds(b, "<?xml version = '1.0'\tencoding='utf-8' standalone=\"yes\" ?>");
		buf_add(b, d + de, len - de);
		break;
	case V_NO_DECL: buf_add(b, d + de, len - de); break;
	case V_REFS: v_text(b, d, len, 1, 0); break;
	case V_COMMENTS: v_text(b, d, len, 0, 1); break;
	case V_NAMESPACES: v_tags(b, d, len, 0); break;
	case V_END_TAGS: v_tags(b, d, len, 1); break;
	case V_QUOTES: v_tags(b, d, len, 2); break;
	default: break;
	}
}

/* What the corpus walk counts. */
struct walk {
	int accepted[V_COUNT];		/* libxml2 accepted the variant */
	int fast[V_COUNT];		/* the fast reader took it */
	int broken;			/* promises broken */
};

/* judge_file - every variant of the file at p judged; 1 if a promise broke or libxml2
 * accepted a variant the fast reader left */
static int
judge_file(const char *p, void *ctx)
{
	struct walk *w = ctx;
	struct buf b = { 0 };
	struct stat st;
	struct judged j;
	char *d;
	size_t len;
	FILE *f;
	int bad = 0;

	if (stat(p, &st) != 0 || st.st_size == 0 || (f = fopen(p, "rb")) == NULL)
		return 0;
	d = malloc((size_t)st.st_size);
	len = fread(d, 1, (size_t)st.st_size, f);
	fclose(f);
	for (int v = 0; v < V_COUNT; v++) {
		make_variant(&b, d, len, (enum variant)v);
		judge(b.data, b.len, 0, &j);
		w->accepted[v] += j.libxml2;
		w->fast[v] += j.fast;
		if (j.why[0] != '\0') {
			fprintf(stderr, "check_xmlfast: %s (%s): %s\n", p, variant_name[v], j.why);
			bad = 1;
		} else if (j.libxml2 && !j.fast) {
			fprintf(stderr, "check_xmlfast: %s (%s): libxml2 accepts it, the fast reader "
			    "left it\n", p, variant_name[v]);
			bad = 1;
		}
	}
	buf_free(&b);
	free(d);
	return bad;
}

START_TEST(test_corpus)
{
	char corpus[4096];
	struct walk w = { { 0 }, { 0 }, 0 };
	int files = 0;

	if (test_corpus_path(corpus, sizeof(corpus), "", "check_xmlfast", "the corpus comparison") == NULL)
		return;		/* the generated cases still ran */
	xmlfast_use_avx2(_i == 0);
	ck_assert_int_eq(test_each_file(corpus, ".xml", judge_file, &w, &files), 0);
	for (int v = 0; v < V_COUNT; v++)
		fprintf(stderr, "check_xmlfast%s: %s: %d of %d corpus files read fast, %d "
		    "accepted by libxml2\n", _i == 0 ? "" : " (no AVX2)", variant_name[v],
		    w.fast[v], files, w.accepted[v]);
	ck_assert_int_gt(files, 1000);
	/* every corpus file is well-formed UTF-8 with no construct the reader leaves */
	ck_assert_int_eq(w.accepted[V_AS_IS], files);
	ck_assert_int_eq(w.fast[V_AS_IS], files);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP_N(test_rules, 2 * NCASES), TEST_ONCE(test_nul), TEST_ONCE(test_depth),
		TEST_LOOP_N(test_sizes, 2), TEST_LOOP_N(test_offsets, 2 * NSNIPPETS),
		TEST_LOOP_N(test_mutations, 2 * NSEEDS),
		TEST_LOOP_N(test_corpus, 2),
	};

	xmlsafe_init();
	return test_main("xmlfast", 300, tests, TEST_COUNT(tests));
}

/*
 * check_xmltree.c - the compact tree of lib/invoice/xmltree.c: white space, text,
 * attributes and comments on small documents, the guards it shares with xmlsafe, the
 * long texts it borrows from the document rather than copy, and
 * the same nodes, node for node (elements, attributes in order, text nodes octet for
 * octet, comments), as libxml2's own tree (xmlsafe_parse, with XML_PARSE_NOBLANKS) for
 * runs of white space of every length and for every XML file of the corpus
 * ($POSTSALE_CORPUS, default /work/shared/corpus; that part is skipped without it),
 * once with the fast reader (xmlfast.h) and once without.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

#include "test_files.h"
#include "test_run.h"
#include "invoice/xmlsafe.h"
#include "invoice/xmltree.h"

/* path - the element reached from the root by child indexes ("" the root, "1.0") */
static xmltree_ptr
path(const struct xmltree *t, const char *p)
{
	xmltree_ptr n = xmltree_root(t);

	while (n != NULL && *p != '\0') {
		int i = atoi(p);

		for (n = n->kids; n != NULL && (n->type != XMLTREE_ELEMENT || i-- > 0); n = n->next)
			;
		p = strchr(p, '.') ? strchr(p, '.') + 1 : "";
	}
	return n;
}

static const struct {
	const char *xml;
	const char *where;	/* an element, as path() reads it */
	const char *content;	/* its text content */
	int kids;		/* its kids of any kind */
} text_cases[] = {
	/* white space between elements goes, the whole content of an element stays */
	{ "<a>\n  <b>x</b>\n  <c>  </c>\n</a>", "", "x  ", 2 },
	{ "<a>\n  <b>x</b>\n  <c>  </c>\n</a>", "1", "  ", 1 },
	/* text beside elements keeps the white space around it */
	{ "<a>x <b>y</b> z</a>", "", "x y z", 3 },
	{ "<a> <b>y</b> z</a>", "", "y z", 2 },
	/* entities and character references, CDATA as text, comments left out */
	{ "<a>A &amp; B &#x41;&lt;<![CDATA[<c>]]></a>", "", "A & B A<<c>", 1 },
	{ "<a>x<!-- no -->y<?pi z?></a>", "", "xy", 4 },
	{ "<a> <!-- c --> </a>", "", "", 1 },
	/* xml:space="preserve" keeps white space between elements */
	{ "<a xml:space=\"preserve\"> <b/> </a>", "", "  ", 3 },
	/* a long text arriving in pieces */
	{ "<a><b/><c>0123456789012345678901234567890123456789\n0123456789\n\n</c></a>", "1",
	  "0123456789012345678901234567890123456789\n0123456789\n\n", 1 },
};

START_TEST(test_text)
{
	struct xmltree *t = NULL;
	char err[256];
	xmltree_ptr n;
	char *c;
	int kids = 0;

	ck_assert_int_eq(xmltree_parse(text_cases[_i].xml, strlen(text_cases[_i].xml), 0, 0,
	    &t, err, sizeof(err)), XMLSAFE_OK);
	n = path(t, text_cases[_i].where);
	ck_assert_ptr_nonnull(n);
	c = xmltree_content(n);
	ck_assert_str_eq(c, text_cases[_i].content);
	for (xmltree_ptr k = n->kids; k != NULL; k = k->next)
		kids++;
	ck_assert_int_eq(kids, text_cases[_i].kids);
	free(c);
	xmltree_free(t);
}
END_TEST

START_TEST(test_names_and_attributes)
{
	static const char xml[] = "<r:Invoice xmlns:r=\"urn:r\" xmlns:c=\"urn:c\">"
	    "<c:Amount currencyID=\" EUR \" c:unit=\"a&amp;b&lt;&#38;\" unit=\"x\">1</c:Amount>"
	    "<Plain/></r:Invoice>";
	struct xmltree *t = NULL;
	char err[256];
	xmltree_ptr root, amount, plain;

	ck_assert_int_eq(xmltree_parse(xml, strlen(xml), 0, 0, &t, err, sizeof(err)), XMLSAFE_OK);
	root = xmltree_root(t);
	ck_assert_str_eq(root->name, "Invoice");
	ck_assert_str_eq(root->uri, "urn:r");
	amount = root->kids;
	ck_assert_str_eq(amount->name, "Amount");
	ck_assert_str_eq(amount->uri, "urn:c");
	ck_assert_str_eq(xmltree_attr(amount, "currencyID"), " EUR ");
	/* the first attribute of that local name, in any namespace, as xmlGetProp */
	ck_assert_str_eq(xmltree_attr(amount, "unit"), "a&b<&");
	ck_assert_ptr_null(xmltree_attr(amount, "schemeID"));
	plain = amount->next;
	ck_assert_str_eq(plain->name, "Plain");
	ck_assert_ptr_null(plain->uri);
	ck_assert_ptr_null(plain->kids);
	xmltree_free(t);
}
END_TEST

static const struct {
	const char *xml;
	const char *reason;	/* in the error */
} bad_cases[] = {
	{ "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", "DOCTYPE" },
	{ "<a>&undeclared;</a>", "not well-formed" },
	{ "<a><b></a>", "not well-formed" },
	{ "", "empty" },
	{ "just text", "not well-formed" },
	{ "<a/><b/>", "not well-formed" },
};

START_TEST(test_refused)
{
	struct xmltree *t = (struct xmltree *)1;
	char err[256] = "";

	ck_assert_int_eq(xmltree_parse(bad_cases[_i].xml, strlen(bad_cases[_i].xml), 0, 0,
	    &t, err, sizeof(err)), XMLSAFE_EBAD);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err, bad_cases[_i].reason) != NULL, "%s: %s", bad_cases[_i].xml, err);
}
END_TEST

START_TEST(test_caps)
{
	struct xmltree *t = NULL;
	char err[256], xml[4096];
	size_t o = 0;

	for (int i = 0; i < 60; i++)	/* deeper than 50, within the default 64 */
		o += (size_t)snprintf(xml + o, sizeof(xml) - o, "<a>");
	for (int i = 0; i < 60; i++)
		o += (size_t)snprintf(xml + o, sizeof(xml) - o, "</a>");
	ck_assert_int_eq(xmltree_parse(xml, o, 0, 50, &t, err, sizeof(err)), XMLSAFE_EBAD);
	ck_assert_ptr_nonnull(strstr(err, "deeper than 50"));
	ck_assert_int_eq(xmltree_parse(xml, o, 100, 0, &t, err, sizeof(err)), XMLSAFE_EBAD);
	ck_assert_ptr_nonnull(strstr(err, "exceeds the limit"));
	ck_assert_int_eq(xmltree_parse(xml, o, 0, 0, &t, err, sizeof(err)), XMLSAFE_OK);
	xmltree_free(t);
}
END_TEST

/* same_tree - 0 if the elements below x and n match libxml2's, with a message in why */
static int
same_tree(xmlNodePtr x, xmltree_ptr n, char *why, size_t len)
{
	xmlChar *xc = xmlNodeGetContent(x);
	char *c = xmltree_content(n);
	int bad = strcmp((const char *)xc, c) != 0;
	xmltree_ptr k = n->kids;

	if (bad)
		snprintf(why, len, "<%s>: content differs", n->name);
	xmlFree(xc);
	free(c);
	if (strcmp((const char *)x->name, n->name) != 0 ||
	    strcmp(x->ns ? (const char *)x->ns->href : "", n->uri ? n->uri : "") != 0) {
		snprintf(why, len, "<%s> against <%s>", (const char *)x->name, n->name);
		return -1;
	}
	for (xmlAttrPtr a = x->properties; a != NULL && !bad; a = a->next) {
		xmlChar *v = xmlGetProp(x, a->name);
		const char *w = xmltree_attr(n, (const char *)a->name);

		if (w == NULL || strcmp((const char *)v, w) != 0) {
			snprintf(why, len, "<%s %s>: attribute differs", n->name, (const char *)a->name);
			bad = 1;
		}
		xmlFree(v);
	}
	for (xmlNodePtr xk = x->children; xk != NULL && !bad; xk = xk->next) {
		if (xk->type != XML_ELEMENT_NODE)
			continue;
		while (k != NULL && k->type != XMLTREE_ELEMENT)
			k = k->next;
		if (k == NULL) {
			snprintf(why, len, "<%s>: fewer elements", n->name);
			return -1;
		}
		bad = same_tree(xk, k, why, len) != 0;
		k = k->next;
	}
	while (!bad && k != NULL && k->type != XMLTREE_ELEMENT)
		k = k->next;
	if (!bad && k != NULL)
		snprintf(why, len, "<%s>: more elements", n->name), bad = 1;
	return bad ? -1 : 0;
}

/*
 * _i 0: the fast reader, 1: libxml2 alone. A long base64 text (an embedded file's), in
 * lines ending in LF, is borrowed from the document, not copied, with any white space
 * before it; the same with CR LF, a run one octet short, or a reference in it is
 * copied; every text reads the same either way.
 */
START_TEST(test_borrowed)
{
	static const struct {
		int crlf;		/* lines end in CR LF, not LF */
		const char *lead;	/* before the first line */
		const char *mid;	/* after the first line */
		size_t run;		/* octets of base64 lines */
		int borrowed;
	} cases[] = {
		{ 0, "", "", 4096, 1 },
		{ 0, "", "", XMLTREE_BORROW_MIN, 1 },
		{ 0, "", "", XMLTREE_BORROW_MIN - 1, 0 },
		{ 1, "", "", 4096, 0 },
		{ 0, "\n  ", "", 4096, 1 },
		{ 0, "", "&amp;", 4096, 0 },
	};
	char doc[8192], want[8192], err[256];
	struct xmltree *t = NULL;

	xmlsafe_set_fast(_i == 0);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		size_t d, w, start;
		xmltree_ptr b, k;
		char *got;

		start = (size_t)snprintf(doc, sizeof(doc), "<a><b>");
		d = start + (size_t)snprintf(doc + start, sizeof(doc) - start, "%s", cases[c].lead);
		w = (size_t)snprintf(want, sizeof(want), "%s", cases[c].lead);
		for (size_t i = 0; i < cases[c].run; i++) {
			int end = i % 77 == 76 || i + 1 == cases[c].run;
			char ch = end ? '\n' : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[i % 64];

			if (end && cases[c].crlf && i + 1 < cases[c].run)
				doc[d++] = '\r', i++;	/* CR LF counts two octets */
			doc[d++] = ch;
			want[w++] = ch;
			if (i == 76 && cases[c].mid[0] != '\0') {
				d += (size_t)sprintf(doc + d, "%s", cases[c].mid);
				want[w++] = '&';
			}
		}
		want[w] = '\0';
		d += (size_t)snprintf(doc + d, sizeof(doc) - d, "</b><c>1.00</c></a>");
		ck_assert_int_eq(xmltree_parse(doc, d, 0, 0, &t, err, sizeof(err)), XMLSAFE_OK);
		b = xmltree_root(t)->kids;
		k = b->kids;
		ck_assert_ptr_nonnull(k);
		ck_assert_ptr_null(k->next);
		ck_assert_int_eq(k->type, XMLTREE_TEXT);
		ck_assert_uint_eq(k->len, w);
		got = xmltree_content(b);
		ck_assert_str_eq(got, want);
		free(got);
		if (cases[c].borrowed) {
			/* libxml2 alone tells a base64 run from the document too (xmlskip.h) */
			ck_assert_uint_eq(k->cap, 0);
			ck_assert_ptr_eq(k->text, doc + start);
		} else {
			ck_assert_uint_gt(k->cap, k->len);
			ck_assert_int_eq(k->text[k->len], '\0');
		}
		got = xmltree_content(xmltree_root(t)->kids->next);
		ck_assert_str_eq(got, "1.00");
		free(got);
		t = xmltree_free(t);
	}
	xmlsafe_set_fast(1);
}
END_TEST

/* The document being compared, and how many of its text nodes the tree borrowed. */
static const char *doc_start, *doc_end;
static int borrowed_texts;

/* text_ok - 1 if text node k is as xmltree.h says: NUL-terminated in the arena, or a
 * long run borrowed from the document, within it */
static int
text_ok(xmltree_ptr k)
{
	if (k->text == NULL)
		return 0;
	if (k->cap > 0)
		return k->len < k->cap && k->text[k->len] == '\0' && strlen(k->text) == k->len;
	borrowed_texts++;
	return k->len >= XMLTREE_BORROW_MIN && k->text >= doc_start && k->text < doc_end &&
	    k->len <= (size_t)(doc_end - k->text);
}

/* same_nodes - 0 if every node below x matches libxml2's node for node, with a
 * message in why: elements by name, namespace and attributes in order, each text node
 * octet for octet (its len too), a comment or processing instruction for each "other".
 * The readers see the tree's nodes one by one, not only the content they add up to. */
static int
same_nodes(xmlNodePtr x, xmltree_ptr n, char *why, size_t len)
{
	xmltree_ptr k = n->kids;
	const struct xmltree_attr *na = n->attrs;

	for (xmlAttrPtr a = x->properties; a != NULL; a = a->next, na = na->next) {
		xmlChar *v = xmlNodeListGetString(x->doc, a->children, 1);
		int bad = na == NULL || strcmp((const char *)a->name, na->name) != 0 ||
		    strcmp(v != NULL ? (const char *)v : "", na->value) != 0;

		xmlFree(v);
		if (bad) {
			snprintf(why, len, "<%s %s>: attribute differs", n->name, (const char *)a->name);
			return -1;
		}
	}
	if (na != NULL) {
		snprintf(why, len, "<%s %s>: an attribute more", n->name, na->name);
		return -1;
	}
	for (xmlNodePtr xk = x->children; xk != NULL; xk = xk->next, k = k->next) {
		if (k == NULL) {
			snprintf(why, len, "<%s>: fewer nodes", n->name);
			return -1;
		}
		switch (xk->type) {
		case XML_ELEMENT_NODE:
			if (k->type != XMLTREE_ELEMENT || strcmp((const char *)xk->name, k->name) != 0 ||
			    strcmp(xk->ns ? (const char *)xk->ns->href : "", k->uri ? k->uri : "") != 0) {
				snprintf(why, len, "<%s>: an element differs", n->name);
				return -1;
			}
			if (same_nodes(xk, k, why, len) != 0)
				return -1;
			break;
		case XML_TEXT_NODE:
			if (k->type != XMLTREE_TEXT || !text_ok(k) || xk->content == NULL ||
			    strlen((const char *)xk->content) != k->len ||
			    memcmp(xk->content, k->text, k->len) != 0) {
				snprintf(why, len, "<%s>: a text node differs", n->name);
				return -1;
			}
			break;
		case XML_COMMENT_NODE:
		case XML_PI_NODE:
			if (k->type != XMLTREE_OTHER) {
				snprintf(why, len, "<%s>: a comment differs", n->name);
				return -1;
			}
			break;
		default:
			snprintf(why, len, "<%s>: a node of type %d", n->name, (int)xk->type);
			return -1;
		}
	}
	if (k != NULL) {
		snprintf(why, len, "<%s>: more nodes", n->name);
		return -1;
	}
	return 0;
}

static int spared_files;	/* corpus files whose tree libxml2 did not read all of */
static int borrowed_files;	/* corpus files with a text the tree borrowed */

/* compare_buf - 1 if xmltree and xmlsafe_parse disagree on buf[0..len) (named p) */
static int
compare_buf(const char *p, const char *buf, size_t len)
{
	char err1[256], err2[256], why[256] = "";
	xmlDocPtr doc = NULL;
	struct xmltree *t = NULL;
	int rc1, rc2, bad;

	int borrowed = borrowed_texts;

	rc1 = xmlsafe_parse(buf, len, 0, 0, &doc, err1, sizeof(err1));
	rc2 = xmltree_parse(buf, len, 0, 0, &t, err2, sizeof(err2));
	doc_start = buf;
	doc_end = buf + len;
	bad = rc1 != rc2;
	if (bad)
		snprintf(why, sizeof(why), "libxml2 %d (%.100s), xmltree %d (%.100s)", rc1,
		    rc1 ? err1 : "", rc2, rc2 ? err2 : "");
	else if (rc1 == XMLSAFE_OK)
		spared_files += xmltree_unread(t) > 0;
	if (!bad && rc1 == XMLSAFE_OK)
		bad = same_tree(xmlDocGetRootElement(doc), xmltree_root(t), why, sizeof(why)) != 0 ||
		    same_nodes(xmlDocGetRootElement(doc), xmltree_root(t), why, sizeof(why)) != 0;
	if (bad)
		fprintf(stderr, "check_xmltree: %s: %s\n", p, why);
	borrowed_files += borrowed_texts > borrowed;
	if (doc != NULL)
		xmlFreeDoc(doc);
	xmltree_free(t);
	return bad;
}

/* compare_file - 1 if xmltree and xmlsafe_parse disagree on the file at p */
static int
compare_file(const char *p, void *unused)
{
	FILE *f = fopen(p, "rb");
	char *buf;
	long len;
	int bad;

	(void) unused;
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0) {
		if (f != NULL)
			fclose(f);
		return 1;
	}
	rewind(f);
	buf = malloc((size_t)len + 1);
	len = (long)fread(buf, 1, (size_t)len, f);
	fclose(f);
	bad = compare_buf(p, buf, (size_t)len);
	free(buf);
	return bad;
}

/*
 * _i 0: with the fast reader, 1: libxml2 alone. Runs of white space (a line end and
 * spaces, of every length up to 40) between, before, after and as the whole content
 * of elements, each also with one octet in it that is not a space (a letter, a tab, a
 * CR, a reference) at every place: node for node as libxml2's own tree. The runs are
 * where the reader and the tree look at eight and four octets at a time.
 */
START_TEST(test_white_space_runs)
{
	static const char *const around[][2] = {
		{ "<a><b/>", "<c/></a>" }, { "<a>", "</a>" }, { "<a>", "<b/></a>" },
		{ "<a><b/>", "</a>" }, { "<a>x", "<b/></a>" }, { "<a><!--c-->", "<b/></a>" },
	};
	/* not "&#32;" nor a CR in an element's whole content: there the tree already
	 * parts from libxml2's (it drops a space told by reference between elements,
	 * which libxml2 keeps, and keeps the white space before a CR that libxml2 drops) */
	static const char *const odd[] = { NULL, "x", "\t", "\r", "&#65;", "&amp;", "\n" };
	char doc[256], run[64], name[64];
	int bad = 0, docs = 0;

	xmlsafe_set_fast(_i == 0);
	for (size_t w = 0; w < sizeof(around) / sizeof(around[0]); w++)
		for (int n = 1; n <= 40; n++)
			for (size_t o = 0; o < sizeof(odd) / sizeof(odd[0]); o++)
				for (int at = 0; at < (odd[o] == NULL ? 1 : n); at++) {
					size_t r = 0;

					if (w == 1 && o == 3)
						break;

					for (int i = 0; i < n; i++) {
						const char *c = i == 0 ? "\n" : " ";

						if (odd[o] != NULL && i == at)
							c = odd[o];
						r += (size_t)snprintf(run + r, sizeof(run) - r, "%s", c);
					}
					snprintf(doc, sizeof(doc), "%s%s%s", around[w][0], run,
					    around[w][1]);
					snprintf(name, sizeof(name), "run %zu/%d/%zu/%d", w, n, o, at);
					bad += compare_buf(name, doc, strlen(doc));
					docs++;
				}
	xmlsafe_set_fast(1);
	ck_assert_int_gt(docs, 1000);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* _i 0: the tree built from the fast reader's events (xmlfast.h) where it takes a
 * file, 1: from libxml2's alone (the fast reader off) */
START_TEST(test_same_as_libxml2_on_corpus)
{
	char corpus[4096];
	int files = 0;

	if (test_corpus_path(corpus, sizeof(corpus), "", "check_xmltree", "the corpus comparison") == NULL)
		return;		/* the small cases above still ran */
	spared_files = borrowed_files = 0;
	xmlsafe_set_fast(_i == 0);
	ck_assert_int_eq(test_each_file(corpus, ".xml", compare_file, NULL, &files), 0);
	xmlsafe_set_fast(1);
	ck_assert_int_gt(files, 100);
	fprintf(stderr, "check_xmltree: %d corpus files (fast reader %s), %d with base64 text "
	    "spared, %d with a text borrowed\n", files, _i == 0 ? "on" : "off", spared_files,
	    borrowed_files);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xmltree");
	TCase *tc = tcase_create("core");
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_text, 0, sizeof(text_cases) / sizeof(text_cases[0]));
	tcase_add_test(tc, test_names_and_attributes);
	tcase_add_loop_test(tc, test_refused, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_caps);
	tcase_add_loop_test(tc, test_white_space_runs, 0, 2);
	tcase_add_loop_test(tc, test_borrowed, 0, 2);
	tcase_add_loop_test(tc, test_same_as_libxml2_on_corpus, 0, 2);
	suite_add_tcase(s, tc);
	failed = test_run(s) != EXIT_SUCCESS;
	return failed ? 1 : 0;
}

/*
 * check_pdfx.c - unit tests of lib/pdfx: the invoice attachment of Factur-X/ZUGFeRD PDFs.
 *
 * Expectations come from outside our code: the corpus's ORACLE-pdf.tsv (attachment
 * name, /AFRelationship, filter, XML root, official verdict) and the XML shipped beside
 * each sample PDF; PDFs built here with qpdf's own writer (qpdf C API) carrying bytes
 * we chose; and hostile variants (truncated, lying /Length, Flate bomb ...). The corpus
 * is read from $POSTSALE_CORPUS; its tests are skipped (with a message) when absent.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <libxml/parser.h>
#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "invoice/inv.h"
#include "invoice/pdfx.h"
#include "util/xalloc.h"
#include "test_files.h"
#include "test_invoice.h"
#include "test_run.h"

/* One attachment of a PDF built by make_pdf. */
struct att {
	const char *key;	/* name tree key and /UF, /F */
	const char *filter;	/* NULL, "/FlateDecode", "/ASCIIHexDecode", "/FlateDecode-raw" (not compressed) */
	const void *data;
	size_t len;
	int in_tree, in_af;
	const char *rel;	/* "/Alternative" ... or NULL */
};

enum tree_shape { TREE_FLAT, TREE_KIDS, TREE_LOOP, TREE_DEEP };

/* read_file - whole file into a new buffer, NULL if it cannot be read */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	unsigned char *b;

	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) < 0) {
		fclose(f);
		return NULL;
	}
	b = xmalloc((size_t)st.st_size + 1);
	*len = fread(b, 1, (size_t)st.st_size, f);
	fclose(f);
	return b;
}

/* deflate_buf - zlib-compress into a new buffer */
static unsigned char *deflate_buf(const void *data, size_t len, size_t *outlen)
{
	uLongf n = compressBound(len);
	unsigned char *out = xmalloc(n);

	ck_assert_int_eq(compress2(out, &n, data, len, 9), Z_OK);
	*outlen = n;
	return out;
}

/* make_pdf - a PDF written by qpdf with the given attachments; caller frees */
static unsigned char *make_pdf(const struct att *a, size_t n, enum tree_shape shape,
			       int objstreams, size_t *outlen)
{
	qpdf_data q = qpdf_init();
	qpdf_oh root, names, af, node, ef_tree;
	unsigned char *out;

	qpdf_silence_errors(q);
	ck_assert_int_eq(qpdf_empty_pdf(q) & QPDF_ERRORS, 0);
	root = qpdf_get_root(q);
	names = qpdf_oh_new_array(q);
	af = qpdf_oh_new_array(q);
	for (size_t i = 0; i < n; i++) {
		qpdf_oh stream = qpdf_oh_new_stream(q);
		qpdf_oh spec = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
		qpdf_oh ef = qpdf_oh_new_dictionary(q);
		unsigned char *enc = NULL;
		size_t enclen = a[i].len;
		qpdf_oh filter = qpdf_oh_new_null(q);

		if (a[i].filter && strcmp(a[i].filter, "/FlateDecode") == 0) {
			enc = deflate_buf(a[i].data, a[i].len, &enclen);
			filter = qpdf_oh_new_name(q, "/FlateDecode");
		} else if (a[i].filter && strcmp(a[i].filter, "/FlateDecode-raw") == 0) {
			filter = qpdf_oh_new_name(q, "/FlateDecode");
		} else if (a[i].filter) {
			const unsigned char *d = a[i].data;

			enc = xmalloc(2 * a[i].len + 2);
			for (size_t j = 0; j < a[i].len; j++)
				sprintf((char *)enc + 2 * j, "%02x", d[j]);
			enc[2 * a[i].len] = '>';
			enclen = 2 * a[i].len + 1;
			filter = qpdf_oh_new_name(q, a[i].filter);
		}
		qpdf_oh_replace_stream_data(q, stream, enc ? enc : a[i].data, enclen, filter,
					    qpdf_oh_new_null(q));
		free(enc);
		qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, stream), "/Type", qpdf_oh_new_name(q, "/EmbeddedFile"));
		qpdf_oh_replace_key(q, ef, "/F", stream);
		qpdf_oh_replace_key(q, spec, "/Type", qpdf_oh_new_name(q, "/Filespec"));
		qpdf_oh_replace_key(q, spec, "/F", qpdf_oh_new_string(q, a[i].key));
		qpdf_oh_replace_key(q, spec, "/UF", qpdf_oh_new_unicode_string(q, a[i].key));
		qpdf_oh_replace_key(q, spec, "/EF", ef);
		if (a[i].rel)
			qpdf_oh_replace_key(q, spec, "/AFRelationship", qpdf_oh_new_name(q, a[i].rel));
		if (a[i].in_tree) {
			qpdf_oh_append_item(q, names, qpdf_oh_new_unicode_string(q, a[i].key));
			qpdf_oh_append_item(q, names, spec);
		}
		if (a[i].in_af)
			qpdf_oh_append_item(q, af, spec);
	}
	node = qpdf_oh_new_dictionary(q);
	if (shape == TREE_FLAT) {
		qpdf_oh_replace_key(q, node, "/Names", names);
		ef_tree = node;
	} else {
		qpdf_oh kid = qpdf_make_indirect_object(q, node);

		qpdf_oh_replace_key(q, kid, "/Names", names);
		ef_tree = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
		if (shape == TREE_DEEP) {
			qpdf_oh top = kid;

			for (int d = 0; d < 100; d++) {
				qpdf_oh up = qpdf_make_indirect_object(q, qpdf_oh_new_dictionary(q));
				qpdf_oh kids = qpdf_oh_new_array(q);

				qpdf_oh_append_item(q, kids, top);
				qpdf_oh_replace_key(q, up, "/Kids", kids);
				top = up;
			}
			kid = top;
		}
		{
			qpdf_oh kids = qpdf_oh_new_array(q);

			qpdf_oh_append_item(q, kids, kid);
			qpdf_oh_replace_key(q, ef_tree, "/Kids", kids);
		}
		if (shape == TREE_LOOP) {
			qpdf_oh back = qpdf_oh_new_array(q);

			qpdf_oh_append_item(q, back, ef_tree);
			qpdf_oh_replace_key(q, kid, "/Kids", back);
		}
	}
	{
		qpdf_oh nd = qpdf_oh_new_dictionary(q);

		qpdf_oh_replace_key(q, nd, "/EmbeddedFiles", ef_tree);
		qpdf_oh_replace_key(q, root, "/Names", nd);
	}
	if (qpdf_oh_get_array_n_items(q, af) > 0)
		qpdf_oh_replace_key(q, root, "/AF", af);
	ck_assert_int_eq(qpdf_has_error(q), 0);
	ck_assert_int_eq(qpdf_init_write_memory(q) & QPDF_ERRORS, 0);
	qpdf_set_compress_streams(q, QPDF_FALSE);
	qpdf_set_decode_level(q, qpdf_dl_none);
	qpdf_set_object_stream_mode(q, objstreams ? qpdf_o_generate : qpdf_o_disable);
	qpdf_set_static_ID(q, QPDF_TRUE);
	ck_assert_int_eq(qpdf_write(q) & QPDF_ERRORS, 0);
	*outlen = qpdf_get_buffer_length(q);
	out = (unsigned char *)xmemdup(qpdf_get_buffer(q), *outlen);
	qpdf_cleanup(&q);
	return out;
}

/* extract - pdfx_extract with the default limits */
static int extract(const unsigned char *pdf, size_t len, pdfx_attachment *a, char *err, size_t errlen)
{
	return pdfx_extract(pdf, len, PDFX_MAX_PDF_DEFAULT, PDFX_MAX_XML_DEFAULT, a, err, errlen);
}

/* assert_one_line - a reason was given, on one line */
static void assert_one_line(const char *err)
{
	ck_assert_msg(err[0] != '\0', "no reason given");
	ck_assert_msg(strchr(err, '\n') == NULL, "reason has a newline: %s", err);
}

/* Table of well-formed PDFs built here: what pdfx must return. */
static const char cii_small[] =
	"<?xml version=\"1.0\"?><rsm:CrossIndustryInvoice "
	"xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"/>";
static const char text[] = "just a note, not an invoice";

static const struct {
	const char *what;
	struct att a[3];
	size_t n;
	enum tree_shape shape;
	int objstreams;
	int want_rc;
	const char *want_name;	/* and its data must be the attachment's data */
	const char *want_rel;
} built[] = {
	{ "flat tree, no filter", { { "factur-x.xml", NULL, test_ubl_min, sizeof(test_ubl_min) - 1, 1, 0, NULL } },
	  1, TREE_FLAT, 0, PDFX_OK, "factur-x.xml", NULL },
	{ "flate, object streams", { { "factur-x.xml", "/FlateDecode", test_ubl_min, sizeof(test_ubl_min) - 1, 1, 1, "/Alternative" } },
	  1, TREE_FLAT, 1, PDFX_OK, "factur-x.xml", "Alternative" },
	{ "only in /AF", { { "zugferd-invoice.xml", "/FlateDecode", test_ubl_min, sizeof(test_ubl_min) - 1, 0, 1, "/Data" } },
	  1, TREE_FLAT, 0, PDFX_OK, "zugferd-invoice.xml", "Data" },
	{ "tree with kids", { { "xrechnung.xml", "/FlateDecode", cii_small, sizeof(cii_small) - 1, 1, 0, NULL } },
	  1, TREE_KIDS, 1, PDFX_OK, "xrechnung.xml", NULL },
	{ "kids loop", { { "factur-x.xml", NULL, cii_small, sizeof(cii_small) - 1, 1, 0, NULL } },
	  1, TREE_LOOP, 0, PDFX_OK, "factur-x.xml", NULL },
	{ "ZUGFeRD 1 name, case", { { "notes.txt", NULL, text, sizeof(text) - 1, 1, 0, NULL },
				     { "ZUGFeRD-invoice.xml", NULL, cii_small, sizeof(cii_small) - 1, 1, 0, NULL } },
	  2, TREE_FLAT, 0, PDFX_OK, "ZUGFeRD-invoice.xml", NULL },
	{ "factur-x.xml preferred", { { "xrechnung.xml", NULL, test_ubl_min, sizeof(test_ubl_min) - 1, 1, 0, NULL },
				       { "factur-x.xml", NULL, cii_small, sizeof(cii_small) - 1, 1, 0, NULL } },
	  2, TREE_FLAT, 0, PDFX_OK, "factur-x.xml", NULL },
	{ "by content", { { "notes.txt", NULL, text, sizeof(text) - 1, 1, 0, NULL },
			  { "rechnung-2024-17.xml", "/FlateDecode", test_ubl_min, sizeof(test_ubl_min) - 1, 1, 0, NULL } },
	  2, TREE_FLAT, 0, PDFX_OK, "rechnung-2024-17.xml", NULL },
	{ "no invoice", { { "notes.txt", NULL, text, sizeof(text) - 1, 1, 1, NULL } },
	  1, TREE_FLAT, 0, PDFX_NONE, NULL, NULL },
	{ "name tree 100 deep", { { "factur-x.xml", NULL, cii_small, sizeof(cii_small) - 1, 1, 0, NULL } },
	  1, TREE_DEEP, 0, PDFX_NONE, NULL, NULL },
	{ "ASCIIHex refused", { { "factur-x.xml", "/ASCIIHexDecode", cii_small, sizeof(cii_small) - 1, 1, 0, NULL } },
	  1, TREE_FLAT, 0, PDFX_EBAD, NULL, NULL },
	{ "corrupt Flate", { { "factur-x.xml", "/FlateDecode-raw", cii_small, sizeof(cii_small) - 1, 1, 0, NULL } },
	  1, TREE_FLAT, 0, PDFX_EBAD, NULL, NULL },
};

START_TEST(test_built)
{
	size_t len, i = (size_t)_i;
	unsigned char *pdf = make_pdf(built[i].a, built[i].n, built[i].shape, built[i].objstreams, &len);
	pdfx_attachment a;
	char err[256];
	int rc = extract(pdf, len, &a, err, sizeof(err));

	ck_assert_msg(rc == built[i].want_rc, "%s: rc %d, want %d (%s)", built[i].what, rc,
		      built[i].want_rc, err);
	if (rc == PDFX_OK) {
		const struct att *want = NULL;

		for (size_t j = 0; j < built[i].n; j++)
			if (strcmp(built[i].a[j].key, built[i].want_name) == 0)
				want = &built[i].a[j];
		ck_assert_str_eq(a.name, built[i].want_name);
		ck_assert_uint_eq(a.len, want->len);
		ck_assert_msg(memcmp(a.data, want->data, a.len) == 0, "%s: data differs", built[i].what);
		ck_assert_int_eq(a.data[a.len], '\0');
		if (built[i].want_rel)
			ck_assert_str_eq(a.af_relationship, built[i].want_rel);
		else
			ck_assert_ptr_null(a.af_relationship);
	} else {
		assert_one_line(err);
		ck_assert_ptr_null(a.data);
	}
	pdfx_attachment_clear(&a);
	pdfx_attachment_clear(&a);	/* twice is harmless */
	free(pdf);
}
END_TEST

/* a base PDF with one Flate factur-x.xml, for the hostile variants */
static unsigned char *base_pdf(size_t *len)
{
	struct att a = { "factur-x.xml", "/FlateDecode", test_ubl_min, sizeof(test_ubl_min) - 1, 1, 1, "/Alternative" };

	return make_pdf(&a, 1, TREE_FLAT, 0, len);
}

START_TEST(test_bad_inputs)
{
	size_t len;
	unsigned char *pdf = base_pdf(&len);
	pdfx_attachment a;
	char err[256];
	unsigned char *copy;
	char *l;

	/* sanity: the base is fine */
	ck_assert_int_eq(extract(pdf, len, &a, err, sizeof(err)), PDFX_OK);
	pdfx_attachment_clear(&a);

	/* 0-byte file */
	ck_assert_int_eq(extract((const unsigned char *)"", 0, &a, err, sizeof(err)), PDFX_EBAD);
	assert_one_line(err);
	/* not a PDF */
	ck_assert_int_eq(extract((const unsigned char *)test_ubl_min, sizeof(test_ubl_min) - 1, &a, err, sizeof(err)), PDFX_EBAD);
	assert_one_line(err);
	ck_assert_ptr_nonnull(strstr(err, "not a PDF"));
	/* too large: refused before qpdf sees it */
	ck_assert_int_eq(pdfx_extract(pdf, len, len - 1, PDFX_MAX_XML_DEFAULT, &a, err, sizeof(err)), PDFX_EBAD);
	ck_assert_ptr_nonnull(strstr(err, "limit"));
	/* XML over max_xml */
	ck_assert_int_eq(pdfx_extract(pdf, len, len, 16, &a, err, sizeof(err)), PDFX_EBAD);
	ck_assert_ptr_nonnull(strstr(err, "more than 16 bytes"));
	/* truncated, at several places */
	for (size_t cut = 9; cut < len; cut += len / 7) {
		int rc = extract(pdf, cut, &a, err, sizeof(err));

		ck_assert_msg(rc == PDFX_EBAD || rc == PDFX_NONE || rc == PDFX_EOPEN,
			      "cut %zu: rc %d", cut, rc);
		assert_one_line(err);
	}
	/* a stream whose /Length lies, shorter and longer (same width keeps the xref right) */
	l = memmem(pdf, len, "/Length ", 8);
	ck_assert_ptr_nonnull(l);
	for (int delta = -1; delta <= 1; delta += 2) {
		char *num;
		long v;

		copy = (unsigned char *)xmemdup(pdf, len);
		num = (char *)copy + (l - (char *)pdf) + 8;
		v = strtol(num, NULL, 10);
		ck_assert_int_ge(v, 100);
		num[0] = delta < 0 ? '1' : '9';	/* 3+ digits: first digit 1 or 9 changes the length */
		if (strtol(num, NULL, 10) == v)
			num[0] = delta < 0 ? '2' : '8';
		ck_assert_int_eq(extract(copy, len, &a, err, sizeof(err)), PDFX_EBAD);
		assert_one_line(err);
		free(copy);
	}
	/* garbage after the header: it cannot be opened, nothing in it names an invoice,
	 * so it is an ordinary attachment (issue 9) */
	copy = (unsigned char *)xmemdup(pdf, len);
	memset(copy + 20, 'x', len - 20);
	ck_assert_int_eq(extract(copy, len, &a, err, sizeof(err)), PDFX_EOPEN);
	assert_one_line(err);
	ck_assert_ptr_nonnull(strstr(err, "no sign of an invoice"));
	/* the same with the invoice's name left in it: an unreadable invoice */
	memcpy(copy + 100, "(factur-x.xml)", 14);
	ck_assert_int_eq(extract(copy, len, &a, err, sizeof(err)), PDFX_EBAD);
	assert_one_line(err);
	memcpy(copy + 100, "(ZUGFeRD-invoice.xml)", 21);
	ck_assert_int_eq(extract(copy, len, &a, err, sizeof(err)), PDFX_EBAD);
	free(copy);
	/* a NULL err buffer is fine */
	ck_assert_int_eq(extract((const unsigned char *)"", 0, &a, NULL, 0), PDFX_EBAD);
	free(pdf);
}
END_TEST

START_TEST(test_flate_bomb)
{
	size_t n = (size_t)64 * 1024 * 1024, len;
	unsigned char *zeros = xcalloc(1, n);
	struct att at = { "factur-x.xml", "/FlateDecode", zeros, n, 1, 0, NULL };
	unsigned char *pdf = make_pdf(&at, 1, TREE_FLAT, 0, &len);
	pdfx_attachment a;
	char err[256];

	free(zeros);
	ck_assert_uint_lt(len, 200000);
	ck_assert_int_eq(pdfx_extract(pdf, len, PDFX_MAX_PDF_DEFAULT, 1024 * 1024, &a, err, sizeof(err)), PDFX_EBAD);
	ck_assert_ptr_nonnull(strstr(err, "more than"));
	free(pdf);
}
END_TEST

/* split_tab - split line at tabs in place into up to max fields; returns the count */
static int split_tab(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		if ((line = strchr(line, '\t')) == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

/* in_list - 1 if id is in the comma-separated list */
static int in_list(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; (p = strstr(p, id)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* verdict_agrees - the engine's verdict on the XML matches the official one for the
 * rules in scope; genuine reduced/extended profiles (by folder) are never flagged */
static int verdict_agrees(const char *pdfpath, const unsigned char *xml, size_t len, const char *fatal)
{
	inv_invoice *inv = NULL;
	inv_findings *fs;
	char err[256];
	int ok = 1;
	int genuine = strstr(pdfpath, "/MINIMUM/") || strstr(pdfpath, "/BASIC-WL/") || strstr(pdfpath, "/EXTENDED/");

	if (inv_parse((const char *)xml, len, &inv, err, sizeof(err)) != INV_OK) {
		fprintf(stderr, "  %s: inv_parse: %s\n", pdfpath, err);
		return 0;
	}
	fs = inv_findings_new();
	inv_check(inv, fs);
	if (genuine) {
		/* judged by its own profile's rules (check_corpus, ORACLE-profile.tsv),
		 * which raise no more than the EN 16931 ones here: ours within those */
		for (size_t i = 0; i < fs->n; i++)
			if (fs->v[i].severity == INV_SEV_ERROR && !in_list(fatal, fs->v[i].id))
				ok = 0;
	} else {
		for (size_t i = 0; i < fs->n; i++)	/* ours ⊆ official */
			if (fs->v[i].severity == INV_SEV_ERROR && inv_rule_in_scope(fs->v[i].id) &&
			    !in_list(fatal, fs->v[i].id))
				ok = 0;
		for (const char *p = fatal; *p && strcmp(fatal, "CLEAN") != 0;) {	/* official ⊆ ours */
			char id[64];
			size_t n = strcspn(p, ",");

			snprintf(id, sizeof(id), "%.*s", (int)n, p);
			if (inv_rule_in_scope(id) && !inv_findings_has(fs, id))
				ok = 0;
			p += n + (p[n] == ',');
		}
	}
	if (!ok) {
		fprintf(stderr, "  verdict differs: %s: official %s; ours:", pdfpath, fatal);
		for (size_t i = 0; i < fs->n; i++)
			fprintf(stderr, " %s%s", fs->v[i].id, fs->v[i].severity == INV_SEV_ERROR ? "" : "(w)");
		fputc('\n', stderr);
	}
	inv_findings_free(fs);
	inv_free(inv);
	return ok;
}

START_TEST(test_corpus_oracle)
{
	char c[4096], path[4200], line[8192];
	FILE *tsv;
	int total = 0, agree = 0, identical = 0, verdicts = 0;

	if (test_corpus_path(path, sizeof(path), "ORACLE-pdf.tsv", "check_pdfx", "the corpus tests") == NULL)
		return;
	snprintf(c, sizeof(c), "%.*s", (int) (strlen(path) - strlen("/ORACLE-pdf.tsv")), path);
	tsv = fopen(path, "r");
	ck_assert_ptr_nonnull(tsv);
	while (fgets(line, sizeof(line), tsv)) {
		char *f[8], xmlpath[4096];
		unsigned char *pdf, *xml;
		size_t pdflen, xmllen, base;
		pdfx_attachment a;
		char err[256];
		int ok;

		if (split_tab(line, f, 8) < 7 || strcmp(f[0], "pdf") == 0)
			continue;
		total++;
		snprintf(path, sizeof(path), "%s/%s", c, f[0]);
		/* the XML beside X_fx.pdf is X.xml */
		base = strlen(path);
		ck_assert_msg(base > 7 && strcmp(path + base - 7, "_fx.pdf") == 0, "unexpected name %s", f[0]);
		snprintf(xmlpath, sizeof(xmlpath), "%.*s.xml", (int)(base - 7), path);
		pdf = read_file(path, &pdflen);
		xml = read_file(xmlpath, &xmllen);
		ck_assert_msg(pdf && xml, "cannot read %s or %s", path, xmlpath);
		ok = extract(pdf, pdflen, &a, err, sizeof(err)) == PDFX_OK;
		if (!ok) {
			fprintf(stderr, "  %s: %s\n", f[0], err);
		} else {
			xmlDocPtr doc = xmlReadMemory((const char *)a.data, (int)a.len, NULL, NULL,
						      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
			xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
			int same = a.len == xmllen && memcmp(a.data, xml, xmllen) == 0;

			identical += same;
			ok = same && strcmp(a.name, f[2]) == 0 &&
			     a.af_relationship && strcmp(a.af_relationship, f[3]) == 0 &&
			     a.filter && strcmp(a.filter, f[4]) == 0 &&
			     root && strcmp((const char *)root->name, f[5]) == 0;
			if (!ok)
				fprintf(stderr, "  %s: got %s %s %s %s, same bytes %d\n", f[0], a.name,
					a.af_relationship, a.filter, root ? (const char *)root->name : "-", same);
			xmlFreeDoc(doc);
			verdicts += verdict_agrees(path, a.data, a.len, f[6]);
		}
		agree += ok;
		pdfx_attachment_clear(&a);
		free(pdf);
		free(xml);
	}
	fclose(tsv);
	printf("PDF oracle: %d/%d\n", agree, total);
	printf("PDF embedded XML byte-identical: %d/%d\n", identical, total);
	printf("PDF verdicts in scope: %d/%d\n", verdicts, total);
	ck_assert_int_gt(total, 0);
	ck_assert_int_eq(agree, total);
	ck_assert_int_eq(identical, total);
	ck_assert_int_eq(verdicts, total);
}
END_TEST

START_TEST(test_is_pdf)
{
	static const struct { const char *s; size_t len; int want; } t[] = {
		{ "%PDF-1.7\n", 9, 1 }, { "junk\n%PDF-1.4", 14, 1 }, { "%PDF", 4, 0 },
		{ "<?xml version='1.0'?>", 21, 0 }, { "", 0, 0 },
	};
	unsigned char junk[1100];

	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		ck_assert_int_eq(pdfx_is_pdf((const unsigned char *)t[i].s, t[i].len), t[i].want);
	ck_assert_int_eq(pdfx_is_pdf(NULL, 9), 0);
	/* the header may start after at most 1,024 octets of junk */
	for (size_t at = 1020; at <= 1030; at++) {
		memset(junk, 'x', sizeof(junk));
		memcpy(junk + at, "%PDF-1.7", 8);
		ck_assert_int_eq(pdfx_is_pdf(junk, sizeof(junk)), at <= 1024);
		ck_assert_int_eq(pdfx_is_pdf(junk, at + 4), 0);	/* cut inside the header */
	}
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_built, built), TEST_ONCE(test_bad_inputs),
		TEST_ONCE(test_flate_bomb), TEST_ONCE(test_is_pdf),
		TEST_ONCE(test_corpus_oracle),
	};

	return test_main("pdfx", 120, tests, TEST_COUNT(tests));
}

/*
 * bench_engine.c - what the invoice engine costs over the bare parsers it stands on.
 *
 * usage: bench_engine CORPUS [ITERATIONS]
 * Over every file of ORACLE-xml.tsv and ORACLE-pdf.tsv, in one run:
 *   XML  floor = libxml2 xmlReadMemory (xmlsafe's parser options) + xmlFreeDoc
 *        full  = inv_parse + inv_check
 *   PDF  floor = qpdf read + extraction of the same attachment (qpdf decodes it) +
 *                the bare libxml2 parse of it
 *        full  = pdfx_extract + inv_parse + inv_check
 * Floor and full rounds alternate (ABBA) so that drift and noise fall on both alike;
 * time is process CPU time. It prints invoices per second and the ratio full/floor
 * (goal: <= 2.0). It measures; it never passes or fails on a time. The inputs are
 * the corpus files, read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/parser.h>
#include <qpdf/qpdf-c.h>

#include "invoice/inv.h"
#include "invoice/pdfx.h"
#include "util/xalloc.h"

#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | \
		  XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES)

struct file {
	char *path;
	unsigned char *data;
	size_t len;
};

struct set {
	struct file *v;
	size_t n;
};

static volatile size_t sink;	/* keeps the work from being optimised away */

/* cpu_now - process CPU seconds */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* load_set - read every file listed in the first column of a corpus TSV */
static int load_set(const char *corpus, const char *tsv, struct set *s)
{
	char path[16384], line[8192];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", corpus, tsv);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		FILE *in;
		struct stat st;
		struct file *fl;

		line[strcspn(line, "\t\r\n")] = '\0';
		if (line[0] == '\0' || strcmp(line, "file") == 0 || strcmp(line, "pdf") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", corpus, line);
		if ((in = fopen(path, "rb")) == NULL || fstat(fileno(in), &st) < 0) {
			fprintf(stderr, "bench_engine: cannot read %s\n", path);
			if (in)
				fclose(in);
			continue;
		}
		s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
		fl = &s->v[s->n++];
		fl->path = xstrdup(line);
		fl->len = (size_t)st.st_size;
		fl->data = xmalloc(fl->len + 1);
		if (fread(fl->data, 1, fl->len, in) != fl->len)
			fl->len = 0;
		fclose(in);
	}
	fclose(f);
	return 0;
}

/* xml_floor - the bare libxml2 parse */
static void xml_floor(const unsigned char *buf, size_t len)
{
	xmlDocPtr doc = xmlReadMemory((const char *)buf, (int)len, NULL, NULL, XML_OPTS);

	sink += doc != NULL;
	xmlFreeDoc(doc);
}

/* xml_full - the engine on XML */
static void xml_full(const unsigned char *buf, size_t len)
{
	inv_invoice *inv = NULL;
	char err[256];

	if (inv_parse((const char *)buf, len, &inv, err, sizeof(err)) == INV_OK) {
		inv_findings *f = inv_findings_new();

		inv_check(inv, f);
		sink += f->n;
		inv_findings_free(f);
	}
	inv_free(inv);
}

/* pdf_floor - bare qpdf: read, the first /EmbeddedFiles entry's /EF /F stream decoded
 * by qpdf, then the bare XML parse (the corpus PDFs keep their invoice there) */
static void pdf_floor(const unsigned char *buf, size_t len)
{
	qpdf_data q = qpdf_init();
	unsigned char *xml = NULL;
	size_t xmllen = 0;

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (!(qpdf_read_memory(q, "bench", (const char *)buf, len, "") & QPDF_ERRORS)) {
		qpdf_oh names = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_oh_get_key(q,
				qpdf_get_root(q), "/Names"), "/EmbeddedFiles"), "/Names");
		qpdf_oh spec = qpdf_oh_get_array_item(q, names, 1);
		qpdf_oh stream = qpdf_oh_get_key(q, qpdf_oh_get_key(q, spec, "/EF"), "/F");

		if (qpdf_oh_get_stream_data(q, stream, qpdf_dl_generalized, NULL, &xml, &xmllen) == 0)
			xml_floor(xml, xmllen);
		free(xml);
	}
	qpdf_cleanup(&q);
}

/* pdf_full - the engine on a PDF */
static void pdf_full(const unsigned char *buf, size_t len)
{
	pdfx_attachment a;
	char err[256];

	if (pdfx_extract(buf, len, PDFX_MAX_PDF_DEFAULT, PDFX_MAX_XML_DEFAULT, &a, err, sizeof(err)) == PDFX_OK)
		xml_full(a.data, a.len);
	pdfx_attachment_clear(&a);
}

/* round - one pass of fn over the set; CPU seconds */
static double round_of(const struct set *s, void (*fn)(const unsigned char *, size_t))
{
	double t0 = cpu_now();

	for (size_t i = 0; i < s->n; i++)
		fn(s->v[i].data, s->v[i].len);
	return cpu_now() - t0;
}

/* bench - interleaved floor/full rounds over a set; prints one line */
static void bench(const char *name, const struct set *s, int iters,
		  void (*floor_fn)(const unsigned char *, size_t),
		  void (*full_fn)(const unsigned char *, size_t))
{
	double tfloor = 0, tfull = 0;
	size_t bytes = 0;

	for (size_t i = 0; i < s->n; i++)
		bytes += s->v[i].len;
	round_of(s, floor_fn);	/* warm-up: caches, libxml2 dictionaries, page faults */
	round_of(s, full_fn);
	for (int r = 0; r < iters; r++) {
		if (r % 2 == 0) {
			tfloor += round_of(s, floor_fn);
			tfull += round_of(s, full_fn);
		} else {
			tfull += round_of(s, full_fn);
			tfloor += round_of(s, floor_fn);
		}
	}
	printf("%-4s %4zu files %8.1f KiB  floor %9.1f/s  full %9.1f/s  ratio full/floor %.2f  (cpu %.2fs + %.2fs)\n",
	       name, s->n, (double)bytes / 1024, (double)s->n * iters / tfloor,
	       (double)s->n * iters / tfull, tfull / tfloor, tfloor, tfull);
}

int main(int argc, char **argv)
{
	struct set xml = { NULL, 0 }, pdf = { NULL, 0 };
	int iters = argc > 2 ? atoi(argv[2]) : 20;

	if (argc < 2 || iters <= 0) {
		fprintf(stderr, "usage: bench_engine CORPUS [ITERATIONS]\n");
		return 2;
	}
	if (load_set(argv[1], "ORACLE-xml.tsv", &xml) < 0 || load_set(argv[1], "ORACLE-pdf.tsv", &pdf) < 0) {
		fprintf(stderr, "bench_engine: corpus %s absent, nothing to measure\n", argv[1]);
		return 77;
	}
	xmlInitParser();
	printf("bench_engine: %d interleaved rounds, process CPU time, goal ratio <= 2.0\n", iters);
	bench("xml", &xml, iters, xml_floor, xml_full);
	bench("pdf", &pdf, iters, pdf_floor, pdf_full);
	for (size_t i = 0; i < xml.n; i++)
		free(xml.v[i].path), free(xml.v[i].data);
	for (size_t i = 0; i < pdf.n; i++)
		free(pdf.v[i].path), free(pdf.v[i].data);
	free(xml.v);
	free(pdf.v);
	xmlCleanupParser();
	return 0;
}

/*
 * pdfx.c - find and decode the invoice XML embedded in a Factur-X/ZUGFeRD PDF.
 *
 * SECURITY: every byte of the PDF is untrusted. The PDF itself is parsed by libqpdf
 * (xref and object streams, indirect objects, string escapes, damaged files); this file
 * never parses PDF syntax. It caps the PDF size before qpdf sees it, walks the catalog's
 * /AF array and /Names /EmbeddedFiles name tree with a depth limit, a node budget and a
 * visited set (a name tree may loop), and inflates the chosen attachment itself with
 * zlib so that the decoded size is capped while it is produced (a Flate bomb stops at
 * max_xml + 1 bytes). Other stream filters are refused rather than decoded without a
 * bound. qpdf's warnings are suppressed and its errors become one-line reasons.
 * An attachment whose stream qpdf had to repair (a /Length that lies) is refused: a
 * PDF reader and this filter must not see two different invoices.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <qpdf/qpdf-c.h>
#include <zlib.h>

#include "inv.h"
#include "pdfx.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "util/text.h"

#define PDFX_MAX_DEPTH 32	/* name tree levels */
#define PDFX_MAX_NODES 4096	/* name tree nodes and file specs looked at */
#define PDFX_MAX_CANDIDATES 64	/* embedded files considered */
#define PDFX_MAX_FALLBACK 16	/* unnamed embedded files decoded to look for an invoice */

/* The names the Factur-X, ZUGFeRD 1/2 and XRechnung specifications give the invoice,
 * in order of preference; compared without regard to case. */
static const char *const pdfx_invoice_names[] = {
	"factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml",
};

struct pdfx_cand {
	qpdf_oh spec;		/* the file specification dictionary */
	char *key;		/* its name tree key, or NULL when found through /AF */
	int objid;		/* its object id, 0 if direct */
};

struct pdfx_walk {
	qpdf_data q;
	int *seen;		/* object ids of name tree nodes already walked */
	size_t nseen, capseen;
	size_t nodes;		/* nodes and entries looked at so far */
	struct pdfx_cand *cand;
	size_t ncand;
};

/* pdfx_is_pdf - the PDF header may follow up to 1024 bytes of junk, as readers allow */
int pdfx_is_pdf(const unsigned char *buf, size_t len)
{
	size_t lim = len < 1024 + 5 ? len : 1024 + 5;

	return buf != NULL && memmem(buf, lim, "%PDF-", 5) != NULL;
}

/* pdfx_attachment_clear - free the strings and data, leave *a zeroed */
void pdfx_attachment_clear(pdfx_attachment *a)
{
	if (a == NULL)
		return;
	free(a->name);
	free(a->af_relationship);
	free(a->filter);
	free(a->data);
	memset(a, 0, sizeof(*a));
}

/* set_err - printf into err as one printable line (control characters become '?') */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	text_printable_inplace(err, 0);
}

/* qpdf_reason - qpdf's pending error (or, failing that, its next warning) as text
 * with its file offset; the pointer is valid until the next qpdf call */
static const char *qpdf_reason(qpdf_data q, unsigned long long *offset)
{
	qpdf_error e = qpdf_has_error(q) ? qpdf_get_error(q) : NULL;
	const char *detail;

	if (e == NULL && qpdf_more_warnings(q))
		e = qpdf_next_warning(q);
	*offset = 0;
	if (e == NULL)
		return "unknown qpdf error";
	*offset = qpdf_get_error_file_position(q, e);
	detail = qpdf_get_error_message_detail(q, e);
	return detail && *detail ? detail : qpdf_get_error_full_text(q, e);
}

/* drain_warnings - forget the warnings so far (qpdf keeps them; we look at new ones) */
static void drain_warnings(qpdf_data q)
{
	while (qpdf_more_warnings(q))
		(void)qpdf_next_warning(q);
}

/* utf8_value - a PDF text string (name tree key, /UF, /F) as a new UTF-8 C string,
 * or NULL if oh is not a string; embedded NULs end the name */
static char *utf8_value(qpdf_data q, qpdf_oh oh)
{
	const char *v;
	size_t len;

	if (!qpdf_oh_is_string(q, oh))
		return NULL;
	if (!qpdf_oh_get_value_as_utf8(q, oh, &v, &len) || qpdf_has_error(q))
		return NULL;
	return xstrndup(v, strnlen(v, len));
}

/* name_value - a PDF name without its slash, as a new string, or NULL */
static char *name_value(qpdf_data q, qpdf_oh oh)
{
	const char *v;
	size_t len;

	if (!qpdf_oh_get_value_as_name(q, oh, &v, &len) || qpdf_has_error(q))
		return NULL;
	if (len > 0 && v[0] == '/')
		v++, len--;
	return xstrndup(v, strnlen(v, len));
}

/* walk_seen - 1 if the indirect object was visited already, else record it */
static int walk_seen(struct pdfx_walk *w, qpdf_oh oh)
{
	int id = qpdf_oh_is_indirect(w->q, oh) ? qpdf_oh_get_object_id(w->q, oh) : 0;

	if (id == 0)
		return 0;
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i] == id)
			return 1;
	if (w->nseen == w->capseen) {
		w->capseen = w->capseen ? 2 * w->capseen : 32;
		w->seen = xreallocarray(w->seen, w->capseen, sizeof(*w->seen));
	}
	w->seen[w->nseen++] = id;
	return 0;
}

/* walk_add - remember a file specification (once per object) with its tree key */
static void walk_add(struct pdfx_walk *w, qpdf_oh spec, const char *key)
{
	int id;

	if (w->ncand >= PDFX_MAX_CANDIDATES || !qpdf_oh_is_dictionary(w->q, spec))
		return;
	id = qpdf_oh_is_indirect(w->q, spec) ? qpdf_oh_get_object_id(w->q, spec) : 0;
	for (size_t i = 0; id != 0 && i < w->ncand; i++)
		if (w->cand[i].objid == id) {
			if (w->cand[i].key == NULL && key != NULL)
				w->cand[i].key = xstrdup(key);
			return;
		}
	w->cand = xreallocarray(w->cand, w->ncand + 1, sizeof(*w->cand));
	w->cand[w->ncand].spec = spec;
	w->cand[w->ncand].key = key ? xstrdup(key) : NULL;
	w->cand[w->ncand].objid = id;
	w->ncand++;
}

/* walk_tree - collect the file specs of a /EmbeddedFiles name tree node and its kids */
static void walk_tree(struct pdfx_walk *w, qpdf_oh node, int depth)
{
	qpdf_data q = w->q;
	qpdf_oh names, kids;
	int n;

	if (depth > PDFX_MAX_DEPTH || ++w->nodes > PDFX_MAX_NODES)
		return;
	if (!qpdf_oh_is_dictionary(q, node) || walk_seen(w, node))
		return;
	names = qpdf_oh_get_key(q, node, "/Names");
	if (qpdf_oh_is_array(q, names)) {
		n = qpdf_oh_get_array_n_items(q, names);
		for (int i = 0; i + 1 < n && w->nodes < PDFX_MAX_NODES; i += 2, w->nodes++) {
			qpdf_oh k = qpdf_oh_get_array_item(q, names, i);
			char *key = utf8_value(q, k);

			walk_add(w, qpdf_oh_get_array_item(q, names, i + 1), key);
			free(key);
		}
	}
	kids = qpdf_oh_get_key(q, node, "/Kids");
	if (qpdf_oh_is_array(q, kids)) {
		n = qpdf_oh_get_array_n_items(q, kids);
		for (int i = 0; i < n && w->nodes < PDFX_MAX_NODES; i++)
			walk_tree(w, qpdf_oh_get_array_item(q, kids, i), depth + 1);
	}
}

/* spec_name - the attachment's file name: /UF, else /F, else the tree key (new string) */
static char *spec_name(qpdf_data q, const struct pdfx_cand *c)
{
	char *name = utf8_value(q, qpdf_oh_get_key(q, c->spec, "/UF"));

	if (name == NULL || *name == '\0') {
		free(name);
		name = utf8_value(q, qpdf_oh_get_key(q, c->spec, "/F"));
	}
	if ((name == NULL || *name == '\0') && c->key != NULL) {
		free(name);
		name = xstrdup(c->key);
	}
	return name ? name : xstrdup("");
}

/* invoice_rank - index into pdfx_invoice_names of the file name (its last path
 * component), or -1 if it is not an invoice name */
static int invoice_rank(const char *name)
{
	const char *base = name;

	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	for (size_t i = 0; i < sizeof(pdfx_invoice_names) / sizeof(*pdfx_invoice_names); i++)
		if (strcasecmp(base, pdfx_invoice_names[i]) == 0)
			return (int)i;
	return -1;
}

/* inflate_capped - zlib-inflate in[0..inlen) into a new buffer (NUL added) of at most
 * max bytes; 0, or -1 with a reason in why */
static int inflate_capped(const unsigned char *in, size_t inlen, size_t max,
			  unsigned char **out, size_t *outlen, char *why, size_t whylen)
{
	z_stream z;
	struct buf b = { 0 };
	int rc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		set_err(why, whylen, "zlib inflateInit failed");
		return -1;
	}
	/* room for max + 1 bytes at the most: one byte over max is enough to refuse */
	buf_reserve(&b, inlen < max / 4 ? inlen * 4 + 256 : max + 1);
	z.next_in = (unsigned char *)in;
	while (rc != Z_STREAM_END) {
		size_t in_chunk = inlen - (size_t)(z.next_in - in), room;

		if (b.len > max) {
			set_err(why, whylen, "decodes to more than %zu bytes", max);
			goto fail;
		}
		if (b.cap - 1 - b.len == 0)
			buf_reserve(&b, b.len > (max + 1) / 2 ? max + 1 - b.len : b.len);
		room = b.cap - 1 - b.len;
		if (room > max + 1 - b.len)
			room = max + 1 - b.len;
		z.avail_in = in_chunk > UINT_MAX ? UINT_MAX : (uInt)in_chunk;
		z.next_out = (unsigned char *)b.data + b.len;
		z.avail_out = room > UINT_MAX ? UINT_MAX : (uInt)room;
		{
			uInt before = z.avail_out;

			rc = inflate(&z, Z_NO_FLUSH);
			b.len += before - z.avail_out;
		}
		if (rc == Z_STREAM_END)
			break;
		if (rc == Z_BUF_ERROR && z.avail_in == 0 && (size_t)(z.next_in - in) == inlen) {
			set_err(why, whylen, "compressed data is truncated");
			goto fail;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			set_err(why, whylen, "corrupt Flate data (%s)", z.msg ? z.msg : "zlib error");
			goto fail;
		}
	}
	if (b.len > max) {
		set_err(why, whylen, "decodes to more than %zu bytes", max);
		goto fail;
	}
	inflateEnd(&z);
	*out = (unsigned char *)buf_steal(&b, outlen);
	return 0;
fail:
	inflateEnd(&z);
	buf_free(&b);
	return -1;
}

/*
 * spec_decode - decode the embedded file stream of a file spec into a (name, data,
 * filter, relationship already set by the caller); 0, or -1 with a reason in why.
 */
static int spec_decode(qpdf_data q, qpdf_oh spec, size_t max_xml, pdfx_attachment *a,
		       char *why, size_t whylen)
{
	qpdf_oh ef, stream, dict, filter, parms;
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	unsigned long long off;
	int flate = 0;

	ef = qpdf_oh_get_key(q, spec, "/EF");
	if (!qpdf_oh_is_dictionary(q, ef)) {
		set_err(why, whylen, "file specification has no /EF dictionary");
		return -1;
	}
	drain_warnings(q);
	stream = qpdf_oh_get_key(q, ef, "/F");
	if (!qpdf_oh_is_stream(q, stream))
		stream = qpdf_oh_get_key(q, ef, "/UF");
	if (!qpdf_oh_is_stream(q, stream)) {
		if (qpdf_has_error(q)) {
			const char *r = qpdf_reason(q, &off);

			set_err(why, whylen, "damaged embedded file at offset %llu: %s", off, r);
		} else {
			set_err(why, whylen, "/EF holds no embedded file stream");
		}
		return -1;
	}
	dict = qpdf_oh_get_dict(q, stream);
	filter = qpdf_oh_get_key(q, dict, "/Filter");
	if (qpdf_oh_is_array(q, filter)) {
		int n = qpdf_oh_get_array_n_items(q, filter);

		if (n > 1) {
			set_err(why, whylen, "embedded file uses a chain of %d filters (unsupported)", n);
			return -1;
		}
		filter = n == 1 ? qpdf_oh_get_array_item(q, filter, 0) : qpdf_oh_new_null(q);
	}
	if (qpdf_oh_is_name(q, filter)) {
		a->filter = name_value(q, filter);
		if (a->filter && (strcmp(a->filter, "FlateDecode") == 0 || strcmp(a->filter, "Fl") == 0)) {
			flate = 1;
		} else {
			set_err(why, whylen, "embedded file uses filter /%s (unsupported)",
				a->filter ? a->filter : "?");
			return -1;
		}
	} else if (!qpdf_oh_is_null(q, filter)) {
		set_err(why, whylen, "embedded file has a malformed /Filter");
		return -1;
	}
	parms = qpdf_oh_get_key(q, dict, "/DecodeParms");
	if (qpdf_oh_is_array(q, parms))
		parms = qpdf_oh_get_array_item(q, parms, 0);
	if (qpdf_oh_is_dictionary(q, parms)) {
		qpdf_oh pred = qpdf_oh_get_key(q, parms, "/Predictor");
		int p = 1;

		if (qpdf_oh_is_integer(q, pred) && !qpdf_oh_get_value_as_int(q, pred, &p))
			p = 2;
		if (p > 1) {
			set_err(why, whylen, "embedded file uses a Flate predictor (unsupported)");
			return -1;
		}
	}
	if (qpdf_oh_get_stream_data(q, stream, qpdf_dl_none, NULL, &raw, &rawlen) & QPDF_ERRORS ||
	    qpdf_has_error(q)) {
		const char *r = qpdf_reason(q, &off);

		set_err(why, whylen, "cannot read the embedded file at offset %llu: %s", off, r);
		free(raw);
		return -1;
	}
	if (qpdf_more_warnings(q)) {
		const char *r = qpdf_reason(q, &off);

		set_err(why, whylen, "damaged embedded file stream at offset %llu: %s", off, r);
		free(raw);
		return -1;
	}
	if (flate) {
		int rc = inflate_capped(raw, rawlen, max_xml, &a->data, &a->len, why, whylen);

		free(raw);
		return rc;
	}
	if (rawlen > max_xml) {
		set_err(why, whylen, "embedded file is over %zu bytes", max_xml);
		free(raw);
		return -1;
	}
	a->data = xmalloc(rawlen + 1);
	if (rawlen)
		memcpy(a->data, raw, rawlen);
	a->data[rawlen] = '\0';
	a->len = rawlen;
	free(raw);
	return 0;
}

/* cand_fill - set the name and relationship of a from a candidate */
static void cand_fill(qpdf_data q, const struct pdfx_cand *c, pdfx_attachment *a)
{
	qpdf_oh rel = qpdf_oh_get_key(q, c->spec, "/AFRelationship");

	a->name = spec_name(q, c);
	a->af_relationship = qpdf_oh_is_name(q, rel) ? name_value(q, rel) : NULL;
}

/* is_invoice - 1 if inv_parse takes the bytes for a UBL or CII invoice */
static int is_invoice(const unsigned char *data, size_t len)
{
	inv_invoice *inv = NULL;
	char err[16];
	int rc = inv_parse((const char *)data, len, &inv, err, sizeof(err));

	inv_free(inv);
	return rc == INV_OK;
}

/* mem_has_icase - 1 if needle (ASCII, lower case) occurs in buf[0..len), any case */
static int mem_has_icase(const unsigned char *buf, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= len && i <= len - n; i++) {
		size_t j = 0;

		while (j < n && (buf[i + j] | (buf[i + j] >= 'A' && buf[i + j] <= 'Z' ? 0x20 : 0)) ==
		       (unsigned char)needle[j])
			j++;
		if (j == n)
			return 1;
	}
	return 0;
}

/* raw_evidence - 1 if the raw bytes of a PDF qpdf cannot open show an invoice: one of
 * the invoice attachment names, or associated-file entries (/AF, /AFRelationship),
 * whose names an encryption leaves in clear text */
static int raw_evidence(const unsigned char *pdf, size_t len)
{
	for (size_t i = 0; i < sizeof(pdfx_invoice_names) / sizeof(*pdfx_invoice_names); i++)
		if (mem_has_icase(pdf, len, pdfx_invoice_names[i]))
			return 1;
	return mem_has_icase(pdf, len, "/afrelationship") || mem_has_icase(pdf, len, "/af[") ||
	       mem_has_icase(pdf, len, "/af [");
}

/* unopened - the result for a PDF qpdf could not open: EBAD with evidence of an
 * invoice, EOPEN (an ordinary attachment) without */
static int unopened(const unsigned char *pdf, size_t len, char *err, size_t errlen, const char *what)
{
	if (raw_evidence(pdf, len)) {
		set_err(err, errlen, "%s; it names an invoice attachment", what);
		return PDFX_EBAD;
	}
	set_err(err, errlen, "%s; no sign of an invoice in it", what);
	return PDFX_EOPEN;
}

/* PDFX_GO: not a result; the caller goes on. */
#define PDFX_GO 2

/* extract_precheck - empty, not a PDF, or too big to open: that result, else PDFX_GO */
static int extract_precheck(const unsigned char *pdf, size_t len, size_t max_pdf, char *err,
			    size_t errlen)
{
	if (len == 0) {
		set_err(err, errlen, "empty file, not a PDF");
		return PDFX_EBAD;
	}
	if (!pdfx_is_pdf(pdf, len)) {
		set_err(err, errlen, "not a PDF (no %%PDF- header)");
		return PDFX_EBAD;
	}
	if (len > max_pdf) {	/* not opened: an invoice only if its bytes show one */
		char what[128];

		snprintf(what, sizeof(what), "PDF of %zu bytes is over the limit of %zu bytes",
			 len, max_pdf);
		return unopened(pdf, len, err, errlen, what);
	}
	return PDFX_GO;
}

/* extract_walk - open the PDF in w->q and gather the embedded files of /AF and the
 * /EmbeddedFiles name tree into w; PDFX_GO, or the result of a PDF qpdf cannot read */
static int extract_walk(struct pdfx_walk *w, const unsigned char *pdf, size_t len, char *err,
			size_t errlen)
{
	qpdf_data q = w->q;
	qpdf_oh root, af, tree;
	unsigned long long off;
	char what[512];

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	/* An encrypted file is read with the empty user password; extraction is still
	 * possible, the permission bits are advice to viewers. */
	if (qpdf_read_memory(q, "pdf", (const char *)pdf, len, "") & QPDF_ERRORS) {
		const char *r = qpdf_reason(q, &off);

		snprintf(what, sizeof(what), "cannot open the PDF (password-protected or "
			 "damaged) at offset %llu: %s", off, r);
		return unopened(pdf, len, err, errlen, what);
	}
	root = qpdf_get_root(q);
	if (qpdf_has_error(q) || !qpdf_oh_is_dictionary(q, root)) {
		const char *r = qpdf_has_error(q) ? qpdf_reason(q, &off) : "no catalog dictionary";

		snprintf(what, sizeof(what), "damaged PDF: %s", r);
		return unopened(pdf, len, err, errlen, what);
	}
	af = qpdf_oh_get_key(q, root, "/AF");
	if (qpdf_oh_is_array(q, af)) {
		int n = qpdf_oh_get_array_n_items(q, af);

		for (int i = 0; i < n && w->nodes++ < PDFX_MAX_NODES; i++)
			walk_add(w, qpdf_oh_get_array_item(q, af, i), NULL);
	}
	tree = qpdf_oh_get_key(q, qpdf_oh_get_key(q, root, "/Names"), "/EmbeddedFiles");
	walk_tree(w, tree, 0);
	if (qpdf_has_error(q)) {
		const char *r = qpdf_reason(q, &off);

		snprintf(what, sizeof(what), "damaged PDF at offset %llu: %s", off, r);
		return unopened(pdf, len, err, errlen, what);
	}
	return PDFX_GO;
}

/* extract_named - the attachment with the best invoice name (by its file
 * specification, else its name tree key) into out: PDFX_OK or PDFX_EBAD, or PDFX_GO
 * when no attachment has such a name */
static int extract_named(struct pdfx_walk *w, size_t max_xml, pdfx_attachment *out,
			 char *err, size_t errlen)
{
	int best = -1, best_rank = 1000;
	char why[256];

	for (size_t i = 0; i < w->ncand; i++) {
		char *name = spec_name(w->q, &w->cand[i]);
		int rank = invoice_rank(name);

		if (rank < 0 && w->cand[i].key)
			rank = invoice_rank(w->cand[i].key);
		if (rank >= 0 && rank < best_rank)
			best = (int)i, best_rank = rank;
		free(name);
	}
	if (best < 0)
		return PDFX_GO;
	cand_fill(w->q, &w->cand[best], out);
	if (spec_decode(w->q, w->cand[best].spec, max_xml, out, why, sizeof(why)) == 0)
		return PDFX_OK;
	set_err(err, errlen, "attachment %s: %s", out->name, why);
	pdfx_attachment_clear(out);
	return PDFX_EBAD;
}

/* extract_by_content - the first embedded file whose content is an invoice into out:
 * PDFX_OK, else PDFX_NONE with the reason */
static int extract_by_content(struct pdfx_walk *w, size_t max_xml, pdfx_attachment *out,
			      char *err, size_t errlen)
{
	for (size_t i = 0, tried = 0; i < w->ncand && tried < PDFX_MAX_FALLBACK; i++, tried++) {
		char why[256];

		cand_fill(w->q, &w->cand[i], out);
		if (spec_decode(w->q, w->cand[i].spec, max_xml, out, why, sizeof(why)) == 0 &&
		    is_invoice(out->data, out->len))
			return PDFX_OK;
		pdfx_attachment_clear(out);
		(void)qpdf_get_error(w->q);	/* a broken unrelated attachment is not our concern */
	}
	if (w->ncand)
		set_err(err, errlen, "PDF has %zu embedded files, none of them an invoice", w->ncand);
	else
		set_err(err, errlen, "PDF has no embedded files");
	return PDFX_NONE;
}

int pdfx_extract(const unsigned char *pdf, size_t len, size_t max_pdf, size_t max_xml,
		 pdfx_attachment *out, char *err, size_t errlen)
{
	struct pdfx_walk w;
	int rc;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if ((rc = extract_precheck(pdf, len, max_pdf, err, errlen)) != PDFX_GO)
		return rc;
	memset(&w, 0, sizeof(w));
	w.q = qpdf_init();
	if ((rc = extract_walk(&w, pdf, len, err, errlen)) == PDFX_GO &&
	    (rc = extract_named(&w, max_xml, out, err, errlen)) == PDFX_GO)
		rc = extract_by_content(&w, max_xml, out, err, errlen);
	for (size_t i = 0; i < w.ncand; i++)
		free(w.cand[i].key);
	free(w.cand);
	free(w.seen);
	qpdf_cleanup(&w.q);
	return rc;
}

/*
 * inv_find.c - find the e-invoices in a MIME message or in a file's bytes, by content.
 *
 * SECURITY: the message, its headers, its parts and their decoded bytes are all
 * untrusted. The walk over the MIME tree is bounded (parts, depth, entries), a part is
 * decoded only if its transfer-encoded size shows the decoded bytes fit max_decoded,
 * and what the bytes are is decided by their content: the %PDF- magic (then
 * pdfx_extract), or XML whose root and namespace inv_parse() accepts. File names and
 * content types are only used to word the report of a part that shows an invoice
 * (an invoice namespace, an invoice attachment's name) but cannot be read.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define B64_SIMD 1
#endif

#include "inv_find.h"
#include "pdfx.h"
#include "util/xalloc.h"
#include "util/text.h"
#include "util/buf.h"

/* inv_find_limits_default - generous for real mail, small enough for a mail filter */
void inv_find_limits_default(struct inv_find_limits *lim)
{
	lim->max_parts = 256;
	lim->max_depth = 16;
	lim->max_decoded = PDFX_MAX_PDF_DEFAULT;
	lim->max_pdf = PDFX_MAX_PDF_DEFAULT;
	lim->max_xml = PDFX_MAX_XML_DEFAULT;
	lim->max_found = 32;
}

/* inv_found_clear - free what one entry holds, and zero it */
void inv_found_clear(inv_found *f)
{
	free(f->part);
	free(f->filename);
	free(f->attachment);
	free(f->xml);
	inv_free(f->inv);
	free(f->error);
	memset(f, 0, sizeof(*f));
}

void inv_found_list_clear(inv_found_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		inv_found_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* found_add - append a zeroed entry for part/filename (copied) and return it */
static inv_found *found_add(inv_found_list *out, const char *part, const char *filename,
			    const char *container)
{
	inv_found *f;

	out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	f->part = xstrdup(part ? part : "");
	f->filename = filename ? xstrdup(filename) : NULL;
	f->container = container;
	return f;
}

/* found_fail - append an entry with a status and a one-line error */
static void found_fail(inv_found_list *out, const char *part, const char *filename,
		       const char *container, int status, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void found_fail(inv_found_list *out, const char *part, const char *filename,
		       const char *container, int status, const char *fmt, ...)
{
	inv_found *f = found_add(out, part, filename, container);
	va_list ap;

	va_start(ap, fmt);
	f->error = xvasprintf(fmt, ap);
	va_end(ap);
	text_printable_inplace(f->error, 0);
	f->status = status;
}

/* xml_start - offset of the first '<' after a BOM and whitespace, or -1 if the bytes
 * do not start like XML; *utf16 is set for a UTF-16 byte order mark */
static long xml_start(const unsigned char *buf, size_t len, int *utf16)
{
	size_t i = 0;

	*utf16 = 0;
	if (len >= 2 && ((buf[0] == 0xfe && buf[1] == 0xff) || (buf[0] == 0xff && buf[1] == 0xfe))) {
		*utf16 = 1;
		return 2;
	}
	if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '<' ? (long)i : -1;
}

/* has_invoice_ns - 1 if the bytes mention a UBL or CII invoice namespace */
static int has_invoice_ns(const unsigned char *buf, size_t len)
{
	static const char *const ns[] = {
		"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice",
		"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
		"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
	};

	for (size_t i = 0; i < sizeof(ns) / sizeof(*ns); i++)
		if (memmem(buf, len, ns[i], strlen(ns[i])))
			return 1;
	return 0;
}

/* ends_with - case-insensitive suffix test; s may be NULL */
static int ends_with(const char *s, const char *suffix)
{
	size_t n, m = strlen(suffix);

	if (s == NULL || (n = strlen(s)) < m)
		return 0;
	return strcasecmp(s + n - m, suffix) == 0;
}

/* declared_pdf, declared_xml - what the part says it is (only to word reports) */
static int declared_pdf(const char *filename, const char *ctype)
{
	return ends_with(filename, ".pdf") || (ctype && strcasecmp(ctype, "application/pdf") == 0);
}

static int declared_xml(const char *filename, const char *ctype)
{
	return ends_with(filename, ".xml") || ends_with(ctype, "/xml") || ends_with(ctype, "+xml");
}

/* parse_into - inv_parse the XML of entry f (f->xml set) and fill status, inv, error */
static void parse_into(inv_found *f, const char *what)
{
	char err[512];
	int rc;

	err[0] = '\0';
	rc = inv_parse(f->xml, f->xml_len, &f->inv, err, sizeof(err));
	f->status = rc == INV_OK ? INV_OK : rc == INV_NOT_INVOICE ? INV_NOT_INVOICE : INV_EBAD;
	if (rc != INV_OK) {
		f->inv = inv_free(f->inv);
		f->error = xasprintf("%s%s", what, err[0] ? err : "unreadable invoice");
	}
}

/*
 * find_bytes - inv_find_in_bytes; own, when not NULL, holds buf as a malloc'd block that
 * an XML entry may keep as its f->xml instead of a copy (*own is then set to NULL)
 */
static int find_bytes(const unsigned char *buf, size_t len, const char *part,
		      const char *filename, const char *content_type, int flags,
		      const struct inv_find_limits *lim, inv_found_list *out, unsigned char **own)
{
	struct inv_find_limits deflim;
	int all = flags & INV_FIND_REPORT_ALL, utf16;
	size_t before = out->n;

	if (lim == NULL) {
		inv_find_limits_default(&deflim);
		lim = &deflim;
	}
	if (out->n >= lim->max_found) {
		out->limited = 1;
		return 0;
	}
	if (buf == NULL || len == 0) {
		/* an empty part is no evidence of an invoice, whatever its name says */
		if (all)
			found_fail(out, part, filename, declared_pdf(filename, content_type) ? "pdf" : "xml",
				   INV_EBAD, "empty: 0 bytes");
		return out->n > before;
	}
	if (pdfx_is_pdf(buf, len)) {
		pdfx_attachment a;
		char err[512];
		int rc = pdfx_extract(buf, len, lim->max_pdf, lim->max_xml, &a, err, sizeof(err));
		inv_found *f;

		/* A PDF that cannot be opened (a password-protected contract, a damaged file)
		 * is an invoice only where it shows one (pdfx_extract: PDFX_EBAD); without
		 * such evidence it is an ordinary attachment (PDFX_EOPEN), like a readable
		 * PDF without an invoice. */
		if (rc == PDFX_NONE || rc == PDFX_EOPEN) {
			if (all)
				found_fail(out, part, filename, "pdf", INV_NOT_INVOICE, "no invoice: %s", err);
			return out->n > before;
		}
		if (rc != PDFX_OK) {
			found_fail(out, part, filename, "pdf", INV_EBAD, "unreadable PDF: %s", err);
			return 1;
		}
		f = found_add(out, part, filename, "pdf");
		f->attachment = a.name;
		f->xml = (char *)a.data;
		f->xml_len = a.len;
		a.name = NULL;
		a.data = NULL;
		pdfx_attachment_clear(&a);
		{
			char *what = xasprintf("embedded %s: ", f->attachment);

			parse_into(f, what);
			free(what);
		}
		if (f->status == INV_NOT_INVOICE)	/* named as the invoice, yet it is not one */
			f->status = INV_EBAD;
		return 1;
	}
	if (xml_start(buf, len, &utf16) >= 0) {
		inv_found *f;

		if (len > lim->max_xml) {
			if (all || has_invoice_ns(buf, len))
				found_fail(out, part, filename, "xml", INV_EBAD,
					   "XML of %zu bytes is over the limit of %zu bytes", len, lim->max_xml);
			return out->n > before;
		}
		/* Every invoice root (Invoice, CreditNote, CrossIndustryInvoice) holds one of
		 * these words; skipping other XML and HTML here saves a parse per mail body. */
		if (!all && !utf16 && !memmem(buf, len, "Invoice", 7) && !memmem(buf, len, "CreditNote", 10))
			return 0;
		f = found_add(out, part, filename, "xml");
		if (own != NULL && *own == buf) {	/* taken over: no copy */
			f->xml = (char *)*own;
			*own = NULL;
		} else
			f->xml = xmemdup(buf, len);
		f->xml_len = len;
		parse_into(f, "");
		if (all || f->status == INV_OK || (f->status == INV_EBAD && has_invoice_ns(buf, len)))
			return 1;
		inv_found_clear(f);
		out->n--;
		return 0;
	}
	if (all)
		found_fail(out, part, filename, "xml", INV_NOT_INVOICE,
			   "not XML, a PDF or a mail message");
	/* a part named .pdf that is not a PDF is no invoice, unless it names an invoice
	 * namespace */
	else if (declared_pdf(filename, content_type) && has_invoice_ns(buf, len))
		found_fail(out, part, filename, "pdf", INV_EBAD,
			   "declared as a PDF but does not start with %%PDF- (damaged or badly encoded)");
	else if (declared_xml(filename, content_type) && has_invoice_ns(buf, len))
		found_fail(out, part, filename, "xml", INV_EBAD,
			   "declared as XML but does not start like XML");
	return out->n > before;
}

int inv_find_in_bytes(const unsigned char *buf, size_t len, const char *part,
		      const char *filename, const char *content_type, int flags,
		      const struct inv_find_limits *lim, inv_found_list *out)
{
	return find_bytes(buf, len, part, filename, content_type, flags, lim, out, NULL);
}

/* The value of each base64 octet (RFC 4648): 0-63, B64_PAD for '=', B64_SKIP for the rest. */
#define B64_PAD 64
#define B64_SKIP 255
static const unsigned char b64_rank[256] = {
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,  62, 255, 255, 255,  63,
	 52,  53,  54,  55,  56,  57,  58,  59,  60,  61, 255, 255, 255,  64, 255, 255,
	255,   0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,  14,
	 15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25, 255, 255, 255, 255, 255,
	255,  26,  27,  28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,
	 41,  42,  43,  44,  45,  46,  47,  48,  49,  50,  51, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
	255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
};

/* b64_quad[i][c] - the bits of octet c at place i of a quartet, or B64_QUAD_BAD */
#define B64_QUAD_BAD 0x1000000u
static uint32_t b64_quad[4][256];
static pthread_once_t b64_quad_once = PTHREAD_ONCE_INIT;

#ifdef B64_SIMD
static int b64_simd;		/* used: 1 SSSE3, 2 AVX2 as well (inv_find_b64_simd) */
static int b64_simd_cpu;	/* what the CPU has, the same way */

/*
 * b64_bad16 - for 16 octets v, a vector that is 0 in the bytes of octets of the base64
 * alphabet and not 0 in the others ('=', line breaks, the rest), with SSSE3
 */
__attribute__((target("ssse3"), always_inline)) static inline __m128i
b64_bad16(__m128i v)
{
	/* By nibbles: each high nibble stands for a class of octets (bit), and the low
	 * nibble's entry has the bits of the classes it is not valid in. 2: '+' '/';
	 * 3: '0'-'9'; 4, 6: 'A'-'O', 'a'-'o'; 5, 7: 'P'-'Z', 'p'-'z'; others: none. */
	const __m128i lut_hi = _mm_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
					     0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
	const __m128i lut_lo = _mm_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
					     0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
	const __m128i nib = _mm_set1_epi8(0x0f);
	const __m128i hi = _mm_and_si128(_mm_srli_epi32(v, 4), nib), lo = _mm_and_si128(v, nib);

	return _mm_and_si128(_mm_shuffle_epi8(lut_lo, lo), _mm_shuffle_epi8(lut_hi, hi));
}

/*
 * b64_store16 - decode 16 octets v of the alphabet (b64_bad16 all 0) into 12 bytes at
 * out; writes 16 (the last 4 junk)
 */
__attribute__((target("ssse3"), always_inline)) static inline void
b64_store16(__m128i v, unsigned char *out)
{
	/* what to add, by high nibble ('/' moved to 1): A-Z -65, a-z -71, 0-9 +4, + +19, / +16 */
	const __m128i lut_add = _mm_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71,
					      0, 0, 0, 0, 0, 0, 0, 0);
	const __m128i hi = _mm_and_si128(_mm_srli_epi32(v, 4), _mm_set1_epi8(0x0f));
	__m128i val;

	val = _mm_add_epi8(v, _mm_shuffle_epi8(lut_add,
		_mm_add_epi8(hi, _mm_cmpeq_epi8(v, _mm_set1_epi8('/')))));
	/* sextets a b c d of each quartet: a*64+b and c*64+d, then (ab << 12) | cd */
	val = _mm_maddubs_epi16(val, _mm_set1_epi32(0x01400140));
	val = _mm_madd_epi16(val, _mm_set1_epi32(0x00011000));
	/* the three bytes of each 24-bit group, high first, packed into 12 */
	val = _mm_shuffle_epi8(val, _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12,
						  -1, -1, -1, -1));
	_mm_storeu_si128((__m128i *)out, val);
}

/*
 * b64_block16 - decode 16 base64 octets at in into 12 bytes at out, when all 16 are
 * in the alphabet (no '=', no line break), and return 0; otherwise return a mask of
 * the octets that are not (bit i for in[i]) without writing. Writes 16 bytes at out
 * (the last 4 are junk): the caller leaves room, and in place the 4 land on input
 * already read.
 */
__attribute__((target("ssse3"), always_inline)) static inline unsigned
b64_block16(const unsigned char *in, unsigned char *out)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)in);
	unsigned invalid = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b64_bad16(v),
	    _mm_setzero_si128())) & 0xffffu;

	if (invalid != 0)
		return invalid;
	b64_store16(v, out);
	return 0;
}

/*
 * b64_lines16 - b64_lines32 (below) with SSSE3, for lines of 16 to 80 octets: five
 * loads of 16 octets, at 0, 16, 32, 48 and 64 or len - 16 where that is less
 */
__attribute__((target("ssse3"), always_inline)) static inline void
b64_lines16(const unsigned char **in, const unsigned char *end, unsigned char **out,
	    size_t len, int crlf)
{
	const unsigned char *p = *in;
	unsigned char *o = *out;
	const size_t step = len + 1 + (crlf != 0), last = len - 16;
	const size_t at1 = 16 < last ? 16 : last, at2 = 32 < last ? 32 : last,
	    at3 = 48 < last ? 48 : last;

	while ((size_t)(end - p) >= step && p[len + (crlf != 0)] == '\n' &&
	       (!crlf || p[len] == '\r')) {
		const __m128i a = _mm_loadu_si128((const __m128i *)p);
		const __m128i b = _mm_loadu_si128((const __m128i *)(p + at1));
		const __m128i c = _mm_loadu_si128((const __m128i *)(p + at2));
		const __m128i d = _mm_loadu_si128((const __m128i *)(p + at3));
		const __m128i e = _mm_loadu_si128((const __m128i *)(p + last));
		const __m128i bad = _mm_or_si128(_mm_or_si128(_mm_or_si128(b64_bad16(a),
		    b64_bad16(b)), _mm_or_si128(b64_bad16(c), b64_bad16(d))), b64_bad16(e));

		if (_mm_movemask_epi8(_mm_cmpeq_epi8(bad, _mm_setzero_si128())) != 0xffff)
			break;
		/* in ascending order: each store's junk is overwritten by the next */
		b64_store16(a, o);
		b64_store16(b, o + at1 / 4 * 3);
		b64_store16(c, o + at2 / 4 * 3);
		b64_store16(d, o + at3 / 4 * 3);
		b64_store16(e, o + last / 4 * 3);
		p += step;
		o += len / 4 * 3;
	}
	*in = p;
	*out = o;
}

/* b64_lines_ssse3 - b64_lines16 with len and crlf folded for 76 and 64 octets */
__attribute__((target("ssse3"))) static void
b64_lines_ssse3(const unsigned char **in, const unsigned char *end, unsigned char **out,
		size_t len, int crlf)
{
	if (len == 76 && crlf)
		b64_lines16(in, end, out, 76, 1);
	else if (len == 76)
		b64_lines16(in, end, out, 76, 0);
	else if (len == 64 && crlf)
		b64_lines16(in, end, out, 64, 1);
	else if (len == 64)
		b64_lines16(in, end, out, 64, 0);
	else
		b64_lines16(in, end, out, len, crlf);
}

/*
 * b64_reread_ok - 1 if the 16 octets of input at re may be decoded again: the bytes
 * written last, at w[0..wn) and the highest written, do not cover them. They do when
 * decoding in place near the start of the input, where the output is not yet far
 * enough behind.
 */
static inline int b64_reread_ok(const unsigned char *re, const unsigned char *w, size_t wn)
{
	return (uintptr_t)re >= (uintptr_t)(w + wn) || (uintptr_t)(re + 16) <= (uintptr_t)w;
}

/*
 * b64_run16 - decode whole blocks of 16 alphabet octets from *in (up to end) to *out,
 * advancing both, until a block holds another octet (a line break, '='). When the
 * alphabet octets before it are whole quartets (a line of 76 ends 12 octets into its
 * fifth block), they are decoded too, as the last 16 alphabet octets: the block
 * overlaps the one before, whose quartets it decodes again to the same bytes (where
 * the input is still there: b64_reread_ok).
 */
__attribute__((target("ssse3"))) static void
b64_run16(const unsigned char **in, const unsigned char *end, unsigned char **out)
{
	const unsigned char *p = *in;
	unsigned char *o = *out;
	unsigned invalid = 1;
	int ran = 0;

	while (end - p >= 16 && (invalid = b64_block16(p, o)) == 0) {
		p += 16;
		o += 12;
		ran = 1;
	}
	if (ran && invalid != 0) {
		unsigned n = (unsigned)__builtin_ctz(invalid);	/* alphabet octets left */

		if (n > 0 && n % 4 == 0 && b64_reread_ok(p - (16 - n), o - 12, 16)) {
			b64_block16(p - (16 - n), o - (16 - n) / 4 * 3);
			p += n;
			o += n / 4 * 3;
		}
	}
	*in = p;
	*out = o;
}

/*
 * b64_bad32 - for 32 octets v, a vector that is 0 in the bytes of octets of the base64
 * alphabet and not 0 in the others ('=', line breaks, the rest), with AVX2
 */
__attribute__((target("avx2"), always_inline)) static inline __m256i
b64_bad32(__m256i v)
{
	/* b64_block16's tables, in both lanes */
	const __m256i lut_hi = _mm256_setr_epi8(0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08,
	    0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x01, 0x02, 0x04, 0x08,
	    0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
	const __m256i lut_lo = _mm256_setr_epi8(0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	    0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a, 0x15, 0x11, 0x11, 0x11, 0x11, 0x11,
	    0x11, 0x11, 0x11, 0x11, 0x13, 0x1a, 0x1b, 0x1b, 0x1b, 0x1a);
	const __m256i nib = _mm256_set1_epi8(0x0f);
	const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(v, 4), nib);

	return _mm256_and_si256(_mm256_shuffle_epi8(lut_lo, _mm256_and_si256(v, nib)),
	    _mm256_shuffle_epi8(lut_hi, hi));
}

/*
 * b64_store32 - decode 32 octets v of the alphabet (b64_bad32 all 0) into 24 bytes at
 * out; writes 32 (the last 8 junk, as b64_block16's 4)
 */
__attribute__((target("avx2"), always_inline)) static inline void
b64_store32(__m256i v, unsigned char *out)
{
	const __m256i lut_add = _mm256_setr_epi8(0, 16, 19, 4, -65, -65, -71, -71,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i hi = _mm256_and_si256(_mm256_srli_epi32(v, 4), _mm256_set1_epi8(0x0f));
	__m256i val;

	val = _mm256_add_epi8(v, _mm256_shuffle_epi8(lut_add,
	    _mm256_add_epi8(hi, _mm256_cmpeq_epi8(v, _mm256_set1_epi8('/')))));
	val = _mm256_maddubs_epi16(val, _mm256_set1_epi32(0x01400140));
	val = _mm256_madd_epi16(val, _mm256_set1_epi32(0x00011000));
	val = _mm256_shuffle_epi8(val, _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12,
	    -1, -1, -1, -1, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1));
	/* each lane's 12 bytes side by side */
	val = _mm256_permutevar8x32_epi32(val, _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7));
	_mm256_storeu_si256((__m256i *)out, val);
}

/*
 * b64_block32 - b64_block16 thirty-two octets at a time, with AVX2: 24 bytes at out
 * (32 written, the last 8 junk, as b64_block16's 4), 0; or the mask of the octets
 * not in the alphabet (bit i for in[i]) without writing
 */
__attribute__((target("avx2"), always_inline)) static inline unsigned
b64_block32(const unsigned char *in, unsigned char *out)
{
	const __m256i v = _mm256_loadu_si256((const __m256i *)in);
	unsigned invalid = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b64_bad32(v),
	    _mm256_setzero_si256()));

	if (invalid != 0)
		return invalid;
	b64_store32(v, out);
	return 0;
}

/*
 * b64_lines32 - decode lines of len alphabet octets (a multiple of 4, 32 to 96) each
 * followed by the same line end eol (CRLF when crlf, else LF) from *in (up to end) to
 * *out, advancing both, until a line is not such a line (shorter, longer, another
 * octet in it, another line end, the end of the input). A line is three loads of 32
 * octets, at 0, in the middle and at len - 32, overlapping where len < 96: all three
 * are read and checked before anything is written, so that in place a line that is
 * not decoded here is left as it was. Decoded, a line gives what b64_decode gives
 * (whole quartets, CR and LF skipped). Inlined for the usual lengths to let the
 * compiler fold len and crlf.
 */
__attribute__((target("avx2"), always_inline)) static inline void
b64_lines32(const unsigned char **in, const unsigned char *end, unsigned char **out,
	    size_t len, int crlf)
{
	const unsigned char *p = *in;
	unsigned char *o = *out;
	const size_t mid = ((len - 32) / 2) & ~(size_t)3, step = len + 1 + (crlf != 0);

	while ((size_t)(end - p) >= step && p[len + (crlf != 0)] == '\n' &&
	       (!crlf || p[len] == '\r')) {
		const __m256i a = _mm256_loadu_si256((const __m256i *)p);
		const __m256i b = _mm256_loadu_si256((const __m256i *)(p + mid));
		const __m256i c = _mm256_loadu_si256((const __m256i *)(p + len - 32));
		const __m256i bad = _mm256_or_si256(_mm256_or_si256(b64_bad32(a), b64_bad32(b)),
		    b64_bad32(c));

		if (!_mm256_testz_si256(bad, bad))
			break;
		/* in ascending order: each store's junk is overwritten by the next */
		b64_store32(a, o);
		b64_store32(b, o + mid / 4 * 3);
		b64_store32(c, o + (len - 32) / 4 * 3);
		p += step;
		o += len / 4 * 3;
	}
	*in = p;
	*out = o;
}

/* b64_lines - b64_lines32 with len and crlf folded for 76 and 64 octets (RFC 2045's
 * most, and PEM's), with CRLF or LF */
__attribute__((target("avx2"))) static void
b64_lines(const unsigned char **in, const unsigned char *end, unsigned char **out,
	  size_t len, int crlf)
{
	if (len == 76 && crlf)
		b64_lines32(in, end, out, 76, 1);
	else if (len == 76)
		b64_lines32(in, end, out, 76, 0);
	else if (len == 64 && crlf)
		b64_lines32(in, end, out, 64, 1);
	else if (len == 64)
		b64_lines32(in, end, out, 64, 0);
	else
		b64_lines32(in, end, out, len, crlf);
}

/*
 * b64_run32 - b64_run16 thirty-two octets at a time, line after line. The block that
 * holds another octet tells where it is: whole quartets before it are decoded as the
 * last 16 alphabet octets (a line of 76 is two blocks and one such), and a line end
 * after them is stepped over (CR and LF are skipped, as b64_decode skips them) to go on
 * with the next line. A line of whole quartets (32 to 96 octets) ended by CRLF or LF
 * tells the length of the lines that follow, which b64_lines decodes a line at a time
 * while they are the same. What else is left goes to b64_run16.
 */
__attribute__((target("avx2"))) static void
b64_run32(const unsigned char **in, const unsigned char *end, unsigned char **out)
{
	const unsigned char *p = *in;
	unsigned char *o = *out;

	for (;;) {
		const unsigned char *start = p, *eol;
		unsigned invalid = 0, n;
		size_t len;

		while (end - p >= 32 && (invalid = b64_block32(p, o)) == 0) {
			p += 32;
			o += 24;
		}
		n = invalid != 0 ? (unsigned)__builtin_ctz(invalid) : 32;
		if (p == start || n >= 16 || n % 4 != 0) {
			*in = p;
			*out = o;
			b64_run16(in, end, out);
			return;
		}
		if (n > 0) {
			if (!b64_reread_ok(p - (16 - n), o - 24, 32))
				break;	/* in place: the scalar loop goes on */
			b64_block16(p - (16 - n), o - (16 - n) / 4 * 3);
			p += n;
			o += n / 4 * 3;
		}
		if (p == end || (*p != '\r' && *p != '\n'))
			break;
		eol = p;
		while (p < end && (*p == '\r' || *p == '\n'))
			p++;
		/* a line of whole quartets then CRLF or LF: the next lines are likely the same */
		len = (size_t)(eol - start);
		if (len >= 32 && len <= 96 && len % 4 == 0 &&
		    ((p - eol == 1 && eol[0] == '\n') ||
		     (p - eol == 2 && eol[0] == '\r' && eol[1] == '\n')))
			b64_lines(&p, end, &o, len, p - eol == 2);
		if (end - p < 32)
			break;
	}
	*in = p;
	*out = o;
}
#endif

#ifdef B64_SIMD
/*
 * b64_simd_step - b64_decode's SIMD work at the start of a quartet at *in (16 octets
 * or more before end): runs of blocks (b64_run32, b64_run16) to *out, advancing both;
 * then, where a line ends, its CR and LF stepped over and 1 returned (with SSSE3 only,
 * lines of the same length as this one decoded by b64_lines_ssse3, as b64_run32 does
 * with AVX2); else 0. Apart from b64_decode so that its scalar loop stays lean.
 */
static int b64_simd_step(const unsigned char **in, const unsigned char *end, unsigned char **out)
{
	const unsigned char *p = *in, *start = p, *eol;
	unsigned char *o = *out;
	size_t len;
	int stepped = 0;

	if (b64_simd == 2 && end - p >= 32)
		b64_run32(&p, end, &o);
	else
		b64_run16(&p, end, &o);
	if (p < end && (*p == '\r' || *p == '\n')) {	/* a line ends */
		eol = p;
		while (p < end && (*p == '\r' || *p == '\n'))
			p++;
		len = (size_t)(eol - start);
		if (b64_simd == 1 && len >= 16 && len <= 80 && len % 4 == 0 &&
		    ((p - eol == 1 && eol[0] == '\n') ||
		     (p - eol == 2 && eol[0] == '\r' && eol[1] == '\n')))
			b64_lines_ssse3(&p, end, &o, len, p - eol == 2);
		stepped = 1;
	}
	*in = p;
	*out = o;
	return stepped;
}
#endif

static void b64_quad_init(void)
{
	for (int i = 0; i < 4; i++)
		for (int c = 0; c < 256; c++)
			b64_quad[i][c] = b64_rank[c] < B64_PAD ?
				(uint32_t)b64_rank[c] << (18 - 6 * i) : B64_QUAD_BAD;
#ifdef B64_SIMD
	b64_simd_cpu = __builtin_cpu_supports("avx2") ? 2 : __builtin_cpu_supports("ssse3");
	b64_simd = b64_simd_cpu;
#endif
}

int inv_find_b64_simd(int level)
{
	pthread_once(&b64_quad_once, b64_quad_init);
#ifdef B64_SIMD
	b64_simd = level < 0 || level > b64_simd_cpu ? b64_simd_cpu : level;
	return b64_simd;
#else
	(void)level;
	return 0;
#endif
}

/*
 * b64_decode - base64 in[0..n) into out, which may be in (the output is never longer
 * than the input, nor ahead of it), the way GMime decodes a part
 * (g_mime_encoding_base64_decode_step): octets outside the alphabet are skipped, the
 * first '=' ends the data, an incomplete last quartet is dropped. Runs of quartets of
 * alphabet octets, the bulk of a part, are decoded thirty-two octets at a time with AVX2
 * or sixteen with SSSE3 where the CPU has them, else four at a time. Returns the length written.
 */
static size_t b64_decode(const unsigned char *in, size_t n, unsigned char *out)
{
	const unsigned char *p = in, *end = in + n;
	unsigned char *o = out;
	uint32_t acc = 0;
	unsigned r;
	int k = 0;		/* sextets in acc */

	pthread_once(&b64_quad_once, b64_quad_init);
	while (p < end) {
#ifdef B64_SIMD
		if (b64_simd && k == 0 && end - p >= 16) {
			const unsigned char *q = p;
			unsigned char *w = o;
			int stepped = b64_simd_step(&q, end, &w);

			p = q;
			o = w;
			if (stepped)
				continue;
		}
#endif
		for (; k == 0 && end - p >= 4; p += 4, o += 3) {
			uint32_t v = b64_quad[0][p[0]] | b64_quad[1][p[1]] | b64_quad[2][p[2]] |
				     b64_quad[3][p[3]];

			if (v & B64_QUAD_BAD)
				break;
			o[0] = (unsigned char)(v >> 16);
			o[1] = (unsigned char)(v >> 8);
			o[2] = (unsigned char)v;
		}
		if (p == end)
			break;
		if ((r = b64_rank[*p++]) == B64_SKIP) {
			while (p < end && b64_rank[*p] == B64_SKIP)	/* the rest of a CRLF */
				p++;
			continue;
		}
		if (r == B64_PAD) {	/* "xx=" ends with one octet, "xxx=" with two */
			if (k == 2) {
				*o++ = (unsigned char)(acc >> 4);
			} else if (k == 3) {
				*o++ = (unsigned char)(acc >> 10);
				*o++ = (unsigned char)(acc >> 2);
			}
			break;
		}
		acc = acc << 6 | r;
		if (++k == 4) {
			o[0] = (unsigned char)(acc >> 16);
			o[1] = (unsigned char)(acc >> 8);
			o[2] = (unsigned char)acc;
			o += 3;
			acc = 0;
			k = 0;
		}
	}
	return (size_t)(o - out);
}

size_t inv_find_b64_decode(const unsigned char *in, size_t n, unsigned char *out)
{
	return b64_decode(in, n, out);
}

/*
 * part_window - the encoded bytes of a part in place, when its stream is a window of
 * elen bytes on a memory stream (a message parsed from memory, as the filter's);
 * NULL otherwise. The bytes belong to the stream's buffer.
 */
static const unsigned char *part_window(GMimeStream *encoded, gint64 elen)
{
	GByteArray *src = GMIME_IS_STREAM_MEM(encoded) ?
		g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(encoded)) : NULL;

	if (src == NULL || elen < 0 || encoded->bound_start < 0 ||
	    (guint64)encoded->bound_start + (guint64)elen > src->len)
		return NULL;
	return src->data + encoded->bound_start;
}

const unsigned char *
inv_find_part_bytes(GMimePart *part, size_t *len)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *encoded = content ? g_mime_data_wrapper_get_stream(content) : NULL;
	gint64 elen = encoded ? g_mime_stream_length(encoded) : -1;
	const unsigned char *window = encoded ? part_window(encoded, elen) : NULL;

	*len = window ? (size_t)elen : 0;
	return window;
}

/* wrapper_decode - g_mime_data_wrapper_write_to_stream of content into *out (malloc'd
 * with a NUL after the bytes, as xmemdup) and *len; 0, or -1 if GMime failed (what it
 * wrote is still *out) */
static int wrapper_decode(GMimeDataWrapper *content, unsigned char **out, size_t *len)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;
	int rc = g_mime_data_wrapper_write_to_stream(content, mem) < 0 ? -1 : 0;

	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);	/* bytes are ours */
	g_object_unref(mem);
	*len = bytes->len;
	*out = (unsigned char *)xmemdup(bytes->data, bytes->len);	/* malloc'd, as the base64 path */
	g_byte_array_free(bytes, TRUE);
	return rc;
}

/*
 * window_decode - the decoded content of a leaf whose encoded bytes are in[0..n), in
 * its transfer encoding enc, into *out (malloc'd, a NUL after the bytes, as xmemdup:
 * the caller frees it, also on failure), as GMime's g_mime_data_wrapper_write_to_stream
 * decodes a part: base64 by b64_decode; quoted-printable and uuencode by GMime's own
 * filters, over a copy of the bytes; any other encoding (7bit, 8bit, binary, none or
 * unknown) passed through as it is. 0, or -1 if the part cannot be read.
 */
static int window_decode(const unsigned char *in, size_t n, GMimeContentEncoding enc,
			 unsigned char **out, size_t *len)
{
	GMimeDataWrapper *wrapper;
	GMimeStream *src;
	int rc;

	if (enc == GMIME_CONTENT_ENCODING_BASE64) {
		*out = xmalloc(n + 1);
		*len = b64_decode(in, n, *out);
		(*out)[*len] = '\0';	/* shorter than the input: there is room */
		return 0;
	}
	if (enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE && enc != GMIME_CONTENT_ENCODING_UUENCODE) {
		*len = n;
		*out = (unsigned char *)xmemdup(in, n);
		return 0;
	}
	src = g_mime_stream_mem_new_with_buffer((const char *)in, n);
	wrapper = g_mime_data_wrapper_new_with_stream(src, enc);
	g_object_unref(src);
	rc = wrapper_decode(wrapper, out, len);
	g_object_unref(wrapper);
	return rc;
}

/*
 * stream_decode - the decoded content of a leaf whose encoded bytes are no window on
 * memory (a message parsed from another stream), read through GMime's streams: base64
 * read as g_mime_data_wrapper_write_to_stream would and decoded by b64_decode, the
 * rest by g_mime_data_wrapper_write_to_stream itself. elen is the encoded length, a
 * hint. As window_decode otherwise.
 */
static int stream_decode(GMimeDataWrapper *content, GMimeStream *encoded, gint64 elen,
			 unsigned char **out, size_t *len)
{
	GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(content);
	size_t cap = elen >= 0 ? (size_t)elen + 1 : 4096;
	ssize_t got = 0;

	if (enc == GMIME_CONTENT_ENCODING_BASE64) {
		struct buf b = { .data = xmalloc(cap), .cap = cap };

		g_mime_stream_reset(encoded);
		while (!g_mime_stream_eos(encoded)) {
			if (b.cap - b.len <= 1)
				buf_reserve(&b, b.len);
			if ((got = g_mime_stream_read(encoded, b.data + b.len, b.cap - 1 - b.len)) <= 0)
				break;
			b.len += (size_t)got;
		}
		g_mime_stream_reset(encoded);
		*out = (unsigned char *)b.data;	/* the caller's, also on failure */
		if (got < 0)
			return -1;
		*len = b64_decode(*out, b.len, *out);
		(*out)[*len] = '\0';		/* shorter than the input, or empty */
		return 0;
	}
	return wrapper_decode(content, out, len);
}

void inv_find_walk_begin(struct inv_find_walk *w, const struct inv_find_limits *lim,
			 inv_found_list *out)
{
	memset(w, 0, sizeof(*w));
	if (lim == NULL) {
		inv_find_limits_default(&w->deflim);
		lim = &w->deflim;
	}
	w->lim = lim;
	w->out = out;
	w->before = out->n;
}

int inv_find_walk_enter(struct inv_find_walk *w, size_t depth)
{
	if (++w->parts > w->lim->max_parts || depth > w->lim->max_depth ||
	    w->out->n >= w->lim->max_found) {
		w->out->limited = 1;
		return 0;
	}
	return 1;
}

/* leaf_too_large - 1 (and the list limited) when a leaf of elen encoded bytes (-1:
 * unknown) in encoding enc may decode to more than the limit allows */
static int leaf_too_large(struct inv_find_walk *w, gint64 elen, GMimeContentEncoding enc)
{
	size_t bound = elen < 0 ? (size_t)-1 : (size_t)elen;

	if (elen >= 0 && enc == GMIME_CONTENT_ENCODING_BASE64)
		bound = bound / 4 * 3 + 3;
	/* A part too large to decode, or that does not decode, shows no evidence of an
	 * invoice, whatever its name says: not reported (issue 9); a part left unread
	 * for its size sets the list's limited flag. */
	if (bound > w->lim->max_decoded) {
		w->out->limited = 1;
		return 1;
	}
	return 0;
}

void inv_find_walk_leaf(struct inv_find_walk *w, const unsigned char *bytes, size_t len,
			GMimeContentEncoding enc, const char *path, const char *filename,
			const char *ctype)
{
	unsigned char *data = NULL;
	size_t dlen;

	if (leaf_too_large(w, (gint64)len, enc))
		return;
	if (window_decode(bytes, len, enc, &data, &dlen) == 0)
		find_bytes(data, dlen, path, filename, ctype, 0, w->lim, w->out, &data);
	free(data);
}

/* walk_leaf - decode one leaf part (if it fits) and look at its bytes: in place where
 * GMime's stream of it is a window on memory, else through its streams */
static void walk_leaf(struct inv_find_walk *w, GMimePart *part, const char *path)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *filename = g_mime_part_get_filename(part);
	char *ctype = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	GMimeContentEncoding enc;
	GMimeStream *encoded;
	const unsigned char *window;
	unsigned char *data = NULL;
	gint64 elen;
	size_t len;

	if (content == NULL || (encoded = g_mime_data_wrapper_get_stream(content)) == NULL)
		goto done;
	elen = g_mime_stream_length(encoded);
	enc = g_mime_data_wrapper_get_encoding(content);
	if ((window = part_window(encoded, elen)) != NULL)
		inv_find_walk_leaf(w, window, (size_t)elen, enc, path, filename, ctype);
	else if (!leaf_too_large(w, elen, enc) && stream_decode(content, encoded, elen, &data, &len) == 0)
		find_bytes(data, len, path, filename, ctype, 0, w->lim, w->out, &data);
	free(data);
done:
	g_free(ctype);
}

/* walk_object - descend into multiparts and attached messages; path is the IMAP part
 * path of obj ("" for the top multipart, whose children are "1", "2" ...) */
static void walk_object(struct inv_find_walk *w, GMimeObject *obj, const char *path, size_t depth)
{
	if (obj == NULL || !inv_find_walk_enter(w, depth))
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++) {
			char *sub = *path ? xasprintf("%s.%d", path, i + 1) : xasprintf("%d", i + 1);

			walk_object(w, g_mime_multipart_get_part(mp, i), sub, depth + 1);
			free(sub);
		}
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		GMimeObject *root = inner ? g_mime_message_get_mime_part(inner) : NULL;

		if (root && GMIME_IS_MULTIPART(root)) {
			walk_object(w, root, path, depth + 1);
		} else if (root) {
			char *sub = xasprintf("%s.1", path);

			walk_object(w, root, sub, depth + 1);
			free(sub);
		}
	} else if (GMIME_IS_PART(obj)) {
		walk_leaf(w, GMIME_PART(obj), *path ? path : "1");
	}
}

int inv_find_in_message(GMimeObject *root, const struct inv_find_limits *lim,
			inv_found_list *out)
{
	struct inv_find_walk w;

	inv_find_walk_begin(&w, lim, out);
	if (root)
		walk_object(&w, root, GMIME_IS_MULTIPART(root) ? "" : "1", 0);
	return (int)(out->n - w.before);
}

/*
 * inv_find.h - the e-invoices inside a mail message (GMime 3) or a file's bytes.
 *
 * Every leaf MIME part is decoded and looked at by its CONTENT, never by its file
 * name alone: XML whose root and namespace inv_parse() takes for a UBL or CII
 * invoice, or a PDF (by its %PDF- magic) that carries a Factur-X/ZUGFeRD/XRechnung
 * attachment (pdfx_extract). The message and its parts are untrusted; the walk is
 * bounded by struct inv_find_limits. An invoice that cannot be read is reported with
 * its error, not dropped, where there is evidence that it is one: an XML part in an
 * invoice namespace that is not well-formed, a PDF whose catalog or bytes name an
 * invoice attachment. A PDF that cannot be opened without such evidence (password-
 * protected, damaged, a .pdf that is not a PDF) is an ordinary attachment.
 */
#ifndef PS_INV_FIND_H
#define PS_INV_FIND_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "inv.h"

struct inv_find_limits {
	size_t max_parts;	/* MIME parts (leaves and containers) looked at */
	size_t max_depth;	/* multipart / message/rfc822 nesting followed */
	size_t max_decoded;	/* bytes of one decoded part; larger parts are not read */
	size_t max_pdf;		/* pdfx_extract's max_pdf */
	size_t max_xml;		/* pdfx_extract's max_xml, and the largest XML document parsed */
	size_t max_found;	/* entries reported per message */
};

/* inv_find_limits_default - fill *lim with the built-in limits */
void inv_find_limits_default(struct inv_find_limits *lim);

typedef struct inv_found {
	char *part;		/* MIME part path, IMAP style: "1", "2", "1.2"; "" for a bare file */
	char *filename;		/* the part's file name (RFC 2231 decoded), or NULL */
	const char *container;	/* "xml" or "pdf" (static string) */
	char *attachment;	/* pdf: the embedded file's name ("factur-x.xml"), else NULL */
	char *xml;		/* the invoice XML (NUL-terminated), or NULL if unreadable */
	size_t xml_len;
	inv_invoice *inv;	/* the parsed invoice when status == INV_OK, else NULL */
	int status;		/* INV_OK, INV_NOT_INVOICE (bare files only) or INV_EBAD */
	char *error;		/* status != INV_OK: one line naming the reason; else NULL */
} inv_found;

typedef struct inv_found_list {
	inv_found *v;
	size_t n;
	int limited;		/* 1 if a limit stopped the walk (parts, depth or found) */
} inv_found_list;

/* Flags of inv_find_in_bytes. */
#define INV_FIND_REPORT_ALL 1	/* report what is not an invoice too (a bare file) */

/*
 * inv_find_in_message - append to *out (which the caller zeroes first) one entry per
 * invoice found in the message whose top part is top (as the filter's parse gives it,
 * or g_mime_message_get_mime_part's), readable or not; lim NULL means the defaults. Returns the
 * number of entries appended. The caller frees them with inv_found_list_clear.
 */
int inv_find_in_message(GMimeObject *top, const struct inv_find_limits *lim,
			inv_found_list *out);

/*
 * inv_find_in_bytes - look at one decoded document (a whole file, or a part's
 * content) and append an entry if it is an invoice (or, with INV_FIND_REPORT_ALL,
 * whatever it is: status INV_NOT_INVOICE or INV_EBAD with the reason). part and
 * filename are copied into the entry (NULL ok); content_type ("application/pdf",
 * NULL ok) only decides whether unreadable bytes are reported. Returns 1 if an
 * entry was appended, else 0.
 */
int inv_find_in_bytes(const unsigned char *buf, size_t len, const char *part,
		      const char *filename, const char *content_type, int flags,
		      const struct inv_find_limits *lim, inv_found_list *out);

/*
 * The walk over a message's parts, for a reader of the MIME structure other than
 * GMime's objects (mime/mime_find.h reads the raw message's skeleton): the same
 * limits, the same decoding and the same look at each leaf as inv_find_in_message.
 * inv_find_walk_begin starts one on *out (lim NULL: the defaults); the reader calls
 * inv_find_walk_enter for every part it comes to (the top part at depth 0, a
 * multipart's children one deeper), in order, and goes into the part only if it
 * returns 1; and inv_find_walk_leaf for each leaf's content in the message, still in
 * its transfer encoding, with its IMAP part path, file name and content type.
 */
struct inv_find_walk {
	const struct inv_find_limits *lim;
	inv_found_list *out;
	size_t parts;		/* parts entered so far */
	size_t before;		/* out->n when the walk began */
	struct inv_find_limits deflim;
};

void inv_find_walk_begin(struct inv_find_walk *w, const struct inv_find_limits *lim,
			 inv_found_list *out);
/* inv_find_walk_enter - 1 to go into the next part at depth; 0 when a limit stops the
 * walk there (out->limited set) */
int inv_find_walk_enter(struct inv_find_walk *w, size_t depth);
void inv_find_walk_leaf(struct inv_find_walk *w, const unsigned char *bytes, size_t len,
			GMimeContentEncoding enc, const char *path, const char *filename,
			const char *ctype);

/*
 * inv_find_part_bytes - a leaf's content as it stands in the message, still in its
 * transfer encoding, and its length: when GMime's stream of it is a window on a memory
 * stream (a message parsed from memory, as the filter's); NULL otherwise. The bytes
 * belong to that stream's buffer.
 */
const unsigned char *inv_find_part_bytes(GMimePart *part, size_t *len);

/* inv_found_clear - free what one entry holds and zero it (an entry taken out of a list) */
void inv_found_clear(inv_found *f);

/* inv_found_list_clear - free every entry and leave *l empty (NULL ok) */
void inv_found_list_clear(inv_found_list *l);

/*
 * inv_find_b64_decode - the finder's base64 decoder, as GMime decodes a part: in[0..n)
 * into out (room for n bytes; out may be in), octets outside the alphabet skipped, the
 * first '=' ends the data, an incomplete last quartet dropped. Returns the length.
 */
size_t inv_find_b64_decode(const unsigned char *in, size_t n, unsigned char *out);

/*
 * inv_find_b64_simd - for the tests: have inv_find_b64_decode use at most SIMD level
 * level (0 none, 1 SSSE3, 2 AVX2; -1 what the CPU has), process-wide, while no other
 * thread decodes. Returns the level now used (lower than asked on a CPU without it).
 */
int inv_find_b64_simd(int level);

#endif

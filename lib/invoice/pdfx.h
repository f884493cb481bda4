/*
 * pdfx.h - the invoice XML embedded in a Factur-X / ZUGFeRD / XRechnung PDF.
 *
 * The PDF is read with libqpdf (its C API); this module only walks the catalog's
 * associated files (/AF) and its /Names /EmbeddedFiles name tree, picks the invoice
 * attachment and returns its decoded bytes. All PDF input is untrusted: the size is
 * capped before qpdf sees it, the decoded attachment is capped while it is inflated,
 * and a damaged file is a PDFX_EBAD with a one-line reason, never a crash.
 */
#ifndef PS_PDFX_H
#define PS_PDFX_H

#include <stddef.h>

/* Defaults a caller may use for max_pdf and max_xml. */
#define PDFX_MAX_PDF_DEFAULT ((size_t)32 * 1024 * 1024)
#define PDFX_MAX_XML_DEFAULT ((size_t)8 * 1024 * 1024)

typedef struct pdfx_attachment {
	char *name;		/* the attachment's file name (UTF-8), as in /UF, /F or the name tree */
	char *af_relationship;	/* /AFRelationship without the slash ("Alternative", "Data" ...), or NULL */
	char *filter;		/* the stream's /Filter without the slash ("FlateDecode"), or NULL if none */
	unsigned char *data;	/* the decoded bytes, followed by a NUL that len does not count */
	size_t len;
} pdfx_attachment;

#define PDFX_OK 0		/* *out holds the invoice attachment */
#define PDFX_NONE 1		/* a readable PDF without an invoice attachment */
#define PDFX_EBAD (-1)		/* an invoice PDF that cannot be read (its catalog or bytes
				   name an invoice attachment), or not a PDF, or too large:
				   err says why */
#define PDFX_EOPEN (-2)		/* a PDF that cannot be opened (password-protected, damaged)
				   and shows no sign of an invoice: an ordinary attachment */

/* pdfx_is_pdf - 1 if buf starts like a PDF ("%PDF-" within the first 1024 bytes) */
int pdfx_is_pdf(const unsigned char *buf, size_t len);

/*
 * pdfx_extract - find the invoice embedded in the PDF pdf[0..len).
 * The invoice is the attachment named factur-x.xml, zugferd-invoice.xml,
 * ZUGFeRD-invoice.xml or xrechnung.xml (found through /AF or /Names /EmbeddedFiles);
 * failing those, the first other embedded file whose content inv_parse() takes for
 * an invoice. PDFs over max_pdf bytes and attachments that decode to more than
 * max_xml bytes are refused. A PDF qpdf cannot open is PDFX_EBAD only where its bytes
 * show an invoice (one of the names above, or associated-file /AF entries, which stay
 * in clear text even in an encrypted file); otherwise it is PDFX_EOPEN. On PDFX_OK
 * the caller owns *out (pdfx_attachment_clear); otherwise *out is left cleared and
 * err (if errlen > 0) holds a one-line reason.
 */
int pdfx_extract(const unsigned char *pdf, size_t len, size_t max_pdf, size_t max_xml,
		 pdfx_attachment *out, char *err, size_t errlen);

/* pdfx_attachment_clear - free what *a holds and zero it (NULL or zeroed a is fine) */
void pdfx_attachment_clear(pdfx_attachment *a);

#endif

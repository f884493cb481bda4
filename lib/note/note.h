/*
 * note.h - put a thank-you note into a message's body parts, changing only the bytes
 * of the parts that receive it.
 *
 * The input is the raw message as the milter collected it (header lines, a blank
 * line, the body; CRLF or LF line ends). The output is the new body, for
 * smfi_replacebody(), as pieces: stretches of the input itself and the rewritten
 * parts, so that the body is never copied whole; and the header changes the caller
 * makes with
 * smfi_chgheader()/smfi_addheader() (the marker, and a top-level
 * Content-Transfer-Encoding or Content-Type change where a top-level text part had to
 * be re-encoded or relabelled). Everything outside the parts that take the note is
 * copied byte for byte from the input; nothing is re-serialised.
 *
 * Which parts take the note: a top-level text/plain or text/html, or the first
 * text/plain and text/html reached through the first part of multipart/mixed, the
 * parts of multipart/alternative and the root of multipart/related. Text parts with
 * Content-Disposition: attachment, text/calendar, and anything else are left alone.
 *
 * How: quoted-printable and base64 parts are decoded, given the note and re-encoded
 * the same way (QP lines <= 76 octets, base64 lines of 76). 7bit and 8bit parts keep
 * their encoding unless the note would make them invalid (8-bit octets in a 7bit part,
 * a line over 998 octets): then the part is re-encoded as quoted-printable and its
 * Content-Transfer-Encoding changed. The note (UTF-8) is converted to the part's
 * charset; a character the charset lacks becomes a numeric character reference in
 * HTML, and makes the message pass unchanged for text, except that a pure-ASCII
 * us-ascii text part is relabelled UTF-8 (ASCII is a subset of it). In HTML the note
 * goes after the opening <body> tag (top) or before the last </body> (bottom), else
 * before </html>, else at the end of a fragment that has no <html> at all.
 *
 * When a correct note cannot be guaranteed the result is NOTE_UNCHANGED with a reason:
 * signed or encrypted mail (multipart/signed, multipart/encrypted, application/
 * pkcs7-mime, application/pgp-*, inline "-----BEGIN PGP"), the marker header already
 * present, a reply (optional), broken MIME (a boundary line that is not a delimiter,
 * a missing closing boundary, a header line without a colon, two Content-Type,
 * Content-Transfer-Encoding or Content-Disposition fields in a part, a structure GMime
 * reads differently up to the parts the note goes into: GMime parses it unless it is
 * of the plain form, which GMime reads as the scan does by construction,
 * mime/mime_plain.h), an unknown or stateful charset, malformed base64 or
 * quoted-printable, a part over the size limit, HTML with <html> but neither </body>
 * nor </html>.
 *
 * All message input is untrusted. The notes are trusted UTF-8 (tmpl_render output).
 */
#ifndef PS_NOTE_H
#define PS_NOTE_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "mime/hdr_edit.h"
#include "mime/mime_scan.h"

#define NOTE_MARKER_NAME "X-Postsale-Note"
#define NOTE_MARKER_VALUE "added"
/* Largest encoded body part rewritten by default. */
#define NOTE_MAX_PART_DEFAULT ((size_t)4 * 1024 * 1024)

typedef enum note_position {
	NOTE_BOTTOM = 0,	/* after the text; in HTML before </body> */
	NOTE_TOP = 1		/* before the text; in HTML after <body ...> */
} note_position;

typedef struct note_opts {
	note_position position;
	int skip_replies;	/* leave messages with In-Reply-To or References alone */
	size_t max_part;	/* largest encoded part to rewrite; 0 = NOTE_MAX_PART_DEFAULT */
	const char *marker_name;	/* NULL = NOTE_MARKER_NAME */
	const char *marker_value;	/* NULL = NOTE_MARKER_VALUE */
} note_opts;

#define NOTE_INJECTED 0		/* body and headers in the result */
#define NOTE_UNCHANGED 1	/* pass the message as it is; reason says why */

/* One stretch of a new body, in place: data[0..len) */
typedef struct note_piece {
	const char *data;
	size_t len;
} note_piece;

typedef struct note_result {
	int status;		/* NOTE_INJECTED or NOTE_UNCHANGED */
	char reason[256];	/* NOTE_UNCHANGED: one line, why */
	size_t body_offset;	/* where the body starts in the input */
	note_piece *body;	/* NOTE_INJECTED: the new body, its pieces in order: the
				 * input's own octets (the input must outlive them) and the
				 * rewritten parts' (held by the result) */
	size_t nbody;
	size_t body_len;	/* the pieces' total */
	char **held;		/* the rewritten parts' octets, which the pieces point into */
	size_t nheld;
	struct hdr_edit *headers;	/* NOTE_INJECTED: header changes, marker first: an
				 * addition, or a change of the first field of a name */
	size_t nheaders;
	unsigned parts_text;	/* text/plain parts that took the note */
	unsigned parts_html;	/* text/html parts that took the note */
} note_result;

/*
 * note_inject - put text_note (into text/plain parts) and html_note (into text/html
 * parts), both UTF-8 and either may be NULL, into msg[0..len). Fills *r, which the
 * caller releases with note_result_clear(). Returns r->status. A message whose body
 * needs a note of a kind that is NULL (an HTML part but no html_note) is unchanged:
 * a multipart/alternative gets both or neither.
 */
int note_inject(const note_opts *o, const char *msg, size_t len,
    const char *text_note, const char *html_note, note_result *r);
/*
 * note_inject_parsed - note_inject for a caller that holds GMime's reading of
 * msg[0..len) already (its top part, parsed with the default parser options, its
 * content types unchanged since), so that the structure check does not parse the
 * message again.
 * parsed NULL: the same as note_inject.
 */
int note_inject_parsed(const note_opts *o, const char *msg, size_t len, GMimeObject *parsed,
    const char *text_note, const char *html_note, note_result *r);
/*
 * note_inject_scanned - note_inject for a caller that holds the scan of msg[0..len)
 * already (mime/mime_scan.h: t, mime_scan's without GMime's parse, or with it; the
 * caller keeps and clears it), and GMime's reading of it as note_inject_parsed takes
 * it (NULL: the structure check parses, unless the structure is plain).
 */
int note_inject_scanned(const note_opts *o, const char *msg, size_t len, const mime_tree *t,
    GMimeObject *parsed, const char *text_note, const char *html_note, note_result *r);
/* note_result_clear - free what r holds and zero it */
void note_result_clear(note_result *r);

/* note_result_body - r's new body in one malloc'ed buffer (length in *len), or NULL if
 * r is not NOTE_INJECTED. For tools and tests; the milter sends the pieces. */
char *note_result_body(const note_result *r, size_t *len);

/*
 * note_result_message - the whole new message: msg's header block with r's header
 * changes applied (hdr_edit_apply()), then r's body. For tools and tests; the milter
 * and postsalectl simulate apply the changes through the filter's edits. Returns a
 * malloc'ed buffer (length in *outlen), or a copy of msg if r is not NOTE_INJECTED.
 */
char *note_result_message(const char *msg, size_t len, const note_result *r, size_t *outlen);

#endif

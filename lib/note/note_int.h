/*
 * note_int.h - what the note_*.c files share: the codecs (into util/buf.h buffers), and the MIME
 * structure scanner with the byte offsets of every part. Private to lib/note*.c and
 * their unit test.
 */
#ifndef PS_NOTE_INT_H
#define PS_NOTE_INT_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "util/buf.h"


/* note_scan.c: g_mime_init() once per process, before any GMime call */
void note_gmime_init(void);

/* note_codec.c */

/* note_b64_decode - strict base64: only the alphabet, white space and final padding;
 * appends the bytes to out; -1 on anything else */
int note_b64_decode(const char *in, size_t n, struct buf *out);
/* note_b64_encode - base64 in lines of 76 separated by eol, no eol after the last */
void note_b64_encode(const unsigned char *in, size_t n, const char *eol, struct buf *out);
/* note_qp_decode - quoted-printable; hard line breaks become "\n"; -1 on a malformed
 * "=" sequence, an encoded CR or LF (=0D, =0A), or a bare CR */
int note_qp_decode(const char *in, size_t n, struct buf *out);
/* note_qp_encode - quoted-printable of in, where "\n" is a hard line break; lines of at
 * most 76 octets with soft breaks, lines separated by eol */
void note_qp_encode(const char *in, size_t n, const char *eol, struct buf *out);
/*
 * note_charset_convert - the UTF-8 note in[0..n) in charset; a character charset lacks
 * becomes "&#N;" if html, else the call fails. Returns 0, 1 if a text note has a
 * character charset lacks, or -1 if the charset is unknown, stateful or not
 * ASCII-compatible (why says which).
 */
int note_charset_convert(const char *in, size_t n, const char *charset, int html,
    struct buf *out, char *why, size_t whylen);
/* note_charset_is_ascii, note_charset_is_utf8 - what the name says, for charset labels */
int note_charset_is_ascii(const char *charset);
int note_charset_is_utf8(const char *charset);

/* note_scan.c */

typedef struct note_part {
	int parent;		/* index of the enclosing multipart, -1 for the top */
	int first_child, next;	/* children of a multipart, in order; -1 ends */
	size_t hdr_start;	/* first byte of the header block */
	size_t body_start;	/* first byte after the blank line */
	size_t body_end;	/* end of the content (the EOL before a delimiter excluded) */
	size_t hblank;		/* where the blank line ending the headers starts (an added
				 * header goes there); body_start if there is none */
	char type[32];		/* lowercased media type, "text" */
	char subtype[64];	/* lowercased subtype, "plain" */
	char *charset;		/* charset parameter or NULL */
	char *boundary;		/* multipart boundary or NULL */
	char *start;		/* multipart/related start parameter, or NULL */
	char *content_id;	/* Content-ID, unfolded, or NULL */
	char *cte;		/* lowercased Content-Transfer-Encoding, or NULL */
	int attachment;		/* Content-Disposition: attachment */
	size_t ct_start, ct_end;	/* the Content-Type field's bytes, or 0, 0 */
	size_t cte_start, cte_end;	/* the Content-Transfer-Encoding field's bytes */
	char *ct_value;		/* the raw unfolded Content-Type value, or NULL */
	int ct_gmime;		/* the Content-Type field is the one GMime's object in the
				   same place read (note_scan.c: gmime_field) */
} note_part;

typedef struct note_tree {
	note_part *parts;	/* parts[0] is the message itself */
	size_t nparts, cap;
	const char *eol;	/* "\r\n" or "\n": the message's line end */
	int has_marker;		/* the top-level header block holds the marker */
	int is_reply;		/* ... In-Reply-To or References */
	int has_mime_version;	/* ... MIME-Version */
} note_tree;

/*
 * note_scan - read the MIME structure of msg[0..len), recording the byte offsets of
 * every part. parsed is GMime's parse of the same bytes as its top part (the offsets
 * of its headers into msg), or NULL: where a part's Content-Type or Content-Disposition
 * is provably the field GMime read, GMime's reading is taken instead of a parse of its
 * own. marker names the marker header. Returns 0, or -1 with why.
 */
int note_scan(const char *msg, size_t len, GMimeObject *parsed, const char *marker,
    note_tree *t, char *why, size_t whylen);
/* note_gmime_agrees - 1 if GMime reads the same tree of content types as t */
int note_gmime_agrees(const char *msg, size_t len, const note_tree *t);
/* note_gmime_agrees_with - the same, against a message's top part as GMime has parsed
 * it already */
int note_gmime_agrees_with(GMimeObject *top, const note_tree *t);
void note_tree_clear(note_tree *t);

#endif

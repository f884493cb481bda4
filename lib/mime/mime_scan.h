/*
 * mime_scan.h - the MIME structure of a raw message, with the byte offsets of every
 * part's header block and content: what the note splices into, and the skeleton the
 * filter reads a message's parts from without GMime's objects (mime_find.h,
 * mime_msg.h).
 *
 * The scan is strict where parsers disagree (mime_scan.c says where), and reads each
 * part's Content-* values as GMime reads them (mime_field.h for the plain form, GMime's
 * own functions for the rest), so that where it accepts a message its reading is
 * GMime's: the same tree, the same content windows to the octet (check_note and
 * check_inv_find test both against GMime's parse).
 */
#ifndef PS_MIME_SCAN_H
#define PS_MIME_SCAN_H

#include <stddef.h>

#include <gmime/gmime.h>

typedef struct mime_part {
	int parent;		/* index of the enclosing multipart, -1 for the top */
	int first_child, next;	/* children of a multipart, in order; -1 ends */
	size_t hdr_start;	/* first byte of the header block */
	size_t body_start;	/* first byte after the blank line */
	size_t body_end;	/* end of the content (the EOL before a delimiter excluded) */
	size_t hblank;		/* where the blank line ending the headers starts (an added
				 * header goes there); body_start if there is none */
	char type[32];		/* lowercased media type, "text" */
	char subtype[64];	/* lowercased subtype, "plain" */
	char *mime_type;	/* "type/subtype" as GMime's content type gives it
				   (g_mime_content_type_get_mime_type) */
	char *charset;		/* charset parameter or NULL */
	char *boundary;		/* multipart boundary or NULL */
	char *start;		/* multipart/related start parameter, or NULL */
	char *content_id;	/* Content-ID, unfolded, or NULL */
	char *cte;		/* lowercased Content-Transfer-Encoding, or NULL */
	GMimeContentEncoding encoding;	/* GMime's reading of cte */
	char *filename;		/* the file name as g_mime_part_get_filename() gives it (the
				   disposition's filename, else the type's name), or NULL */
	int attachment;		/* Content-Disposition: attachment */
	size_t ct_start, ct_end;	/* the Content-Type field's bytes, or 0, 0 */
	size_t cte_start, cte_end;	/* the Content-Transfer-Encoding field's bytes */
	char *ct_value;		/* the raw unfolded Content-Type value, or NULL */
	int ct_plain;		/* ct_value is of the plain form (mime_field.h) and was read
				   without GMime */
} mime_part;

typedef struct mime_tree {
	mime_part *parts;	/* parts[0] is the message itself */
	size_t nparts, cap;
	const char *eol;	/* "\r\n" or "\n": the message's line end */
	int is_reply;		/* the top-level header block has In-Reply-To or References */
	int has_mime_version;	/* ... MIME-Version */
} mime_tree;

/* mime_gmime_init - g_mime_init() once per process, before any GMime call */
void mime_gmime_init(void);

/*
 * mime_scan - read the MIME structure of msg[0..len), recording the byte offsets of
 * every part. Returns 0, or -1 with why (t is then cleared).
 */
int mime_scan(const char *msg, size_t len, mime_tree *t, char *why, size_t whylen);
/* mime_scan_agrees - 1 if GMime reads the same tree of content types as t */
int mime_scan_agrees(const char *msg, size_t len, const mime_tree *t);
/* mime_scan_agrees_with - the same, against a message's top part as GMime has parsed
 * it already */
int mime_scan_agrees_with(GMimeObject *top, const mime_tree *t);
/* mime_scan_agrees_upto - 1 if GMime reads the same tree of content types as t from the
 * message's start to the end of the top-level part that holds part last (what comes
 * after it is not read: mime_scan.c says why that reading is the whole message's) */
int mime_scan_agrees_upto(const char *msg, size_t len, const mime_tree *t, int last);
/* mime_tree_upto_child - the top-level part of a multipart message that holds part last
 * and is not the message's last one: GMime's reading up to last need read no further
 * than its end; -1 when it must read the whole message */
int mime_tree_upto_child(const mime_tree *t, int last);
/* mime_tree_clear - free what t holds and zero it */
void mime_tree_clear(mime_tree *t);

#endif

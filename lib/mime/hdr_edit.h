/*
 * hdr_edit.h - a change to the top-level header block of a message, in libmilter's
 * terms (add, change the index-th field of a name, delete it), and the one function
 * that applies a list of them to a message's bytes.
 *
 * The pipeline (lib/filter/) and the note (lib/note/) list their header changes in
 * this type; the milter hands them to smfi_addheader/smfi_chgheader, postsalectl
 * simulate and the tools apply them to the bytes with hdr_edit_apply().
 */
#ifndef PS_HDR_EDIT_H
#define PS_HDR_EDIT_H

#include <stddef.h>

enum hdr_edit_op { HDR_EDIT_ADD, HDR_EDIT_CHANGE, HDR_EDIT_DELETE };

struct hdr_edit {
	enum hdr_edit_op op;
	char *name;
	int index;			/* CHANGE, DELETE: the index-th field of name, from 1 */
	char *value;			/* unfolded, no leading space; NULL for DELETE */
};

/* hdr_edit_push - append a copy of (op, name, index, value) to *v (*n entries) */
void hdr_edit_push(struct hdr_edit **v, size_t *n, enum hdr_edit_op op, const char *name,
    int index, const char *value);
/* hdr_edit_free - free the n edits of v and v itself (NULL ok); returns NULL */
struct hdr_edit *hdr_edit_free(struct hdr_edit *v, size_t n);
/* hdr_edit_op_name - "add", "change" or "delete" */
const char *hdr_edit_op_name(enum hdr_edit_op op);

/*
 * hdr_edit_apply - msg[0..len) as it leaves an MTA that made the n edits of v, in
 * order, as libmilter does: a deleted field goes with its continuation lines, a change
 * replaces the field in place (a change of a field that is not there adds it), an
 * addition goes after the last field; new lines take the line ends of the header
 * block. header_len: the bytes of msg up to the body (the empty line included). body:
 * a new body (body_len bytes), or NULL for msg's own. The message bytes are untrusted;
 * the names and values are the caller's. Returns a malloc'ed buffer (*outlen bytes,
 * NUL after them) that the caller frees.
 */
char *hdr_edit_apply(const char *msg, size_t len, size_t header_len, const struct hdr_edit *v,
    size_t n, const char *body, size_t body_len, size_t *outlen);

#endif

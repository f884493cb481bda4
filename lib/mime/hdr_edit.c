/*
 * hdr_edit.c - header edits: the list, and their application to a message's bytes as
 * libmilter's MTA would make them (deletions, changes in place, additions last), over
 * mime/hdr's scanner, for postsalectl simulate and the note tools. The message bytes are untrusted; the
 * edits are the caller's.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdr.h"
#include "hdr_edit.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct field {			/* one header field: its bytes in the message */
	struct hdr_field at;	/* where it is in the message (its name stays) */
	const char *start;
	size_t len;		/* with its continuation lines and line end */
	char *own;		/* a replacement the field now holds, or NULL */
	int deleted;
};

void
hdr_edit_push(struct hdr_edit **v, size_t *n, enum hdr_edit_op op, const char *name, int index,
    const char *value)
{
	struct hdr_edit *h;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	h = &(*v)[(*n)++];
	h->op = op;
	h->name = xstrdup(name);
	h->index = index;
	h->value = value != NULL ? xstrdup(value) : NULL;
}

struct hdr_edit *
hdr_edit_free(struct hdr_edit *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
	return NULL;
}

const char *
hdr_edit_op_name(enum hdr_edit_op op)
{
	return op == HDR_EDIT_DELETE ? "delete" : op == HDR_EDIT_CHANGE ? "change" : "add";
}

/* field_find - the index-th (from 1) live field called name, or NULL */
static struct field *
field_find(const char *msg, struct field *v, size_t n, const char *name, int index)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && hdr_name_is(msg, &v[i].at, name) && --index == 0)
			return &v[i];
	return NULL;
}

/* fields_split - the fields of the header block msg[0..header_len) (mime/hdr's
 * scanner) into *out (caller frees); *eol_style: the line end new fields take;
 * returns the offset of the empty line */
static size_t
fields_split(const char *msg, size_t header_len, struct field **out, size_t *nout,
    const char **eol_style)
{
	struct field *v = NULL;
	struct hdr_field at;
	size_t n = 0, cap = 0, pos = 0;

	*eol_style = "\r\n";
	while (hdr_next(msg, header_len, &pos, &at)) {
		const char *p = msg + at.start;
		const char *eol = memchr(p, '\n', at.end - at.start);

		if (n == cap)
			v = xreallocarray(v, cap = cap ? cap * 2 : 32, sizeof(*v));
		v[n++] = (struct field){.at = at, .start = p, .len = at.end - at.start};
		if (eol != NULL && (eol == p || eol[-1] != '\r'))
			*eol_style = "\n";
	}
	*out = v;
	*nout = n;
	return pos;
}

char *
hdr_edit_apply(const char *msg, size_t len, size_t header_len, const struct hdr_edit *e,
    size_t ne, const char *body, size_t body_len, size_t *outlen)
{
	const char *eol_style;
	struct field *v;
	struct buf out = {0}, adds = {0};
	size_t n, blank;

	blank = fields_split(msg, header_len, &v, &n, &eol_style);
	for (size_t i = 0; i < ne; i++) {
		const struct hdr_edit *h = &e[i];
		struct field *f = h->op == HDR_EDIT_ADD ? NULL :
		    field_find(msg, v, n, h->name, h->index);

		if (h->op == HDR_EDIT_DELETE) {
			if (f != NULL)
				f->deleted = 1;
		} else if (f != NULL) {		/* a change of a field that is there */
			free(f->own);
			f->own = xasprintf("%s: %s%s", h->name, h->value, eol_style);
			f->len = strlen(f->own);
		} else				/* libmilter adds what it cannot change */
			buf_printf(&adds, "%s: %s%s", h->name, h->value, eol_style);
	}
	if (body == NULL) {
		body = msg + header_len;
		body_len = len - header_len;
	}
	buf_reserve(&out, len + adds.len + body_len + 1);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].deleted)
			buf_add(&out, v[i].own ? v[i].own : v[i].start, v[i].len);
		free(v[i].own);
	}
	buf_add(&out, adds.data, adds.len);
	/* the empty line, then the body */
	buf_add(&out, msg + blank, header_len - blank);
	buf_add(&out, body, body_len);
	free(v);
	buf_free(&adds);
	return buf_steal(&out, outlen);
}

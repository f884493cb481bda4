/*
 * hdr_edit.c - header edits: the list, and their application to a message's bytes as
 * libmilter's MTA would make them (deletions, changes in place, additions last), for
 * postsalectl simulate and the note tools. The message bytes are untrusted; the
 * edits are the caller's.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hdr_edit.h"
#include "util/xalloc.h"

struct field {			/* one header field: its bytes in the message */
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

/* field_is - 1 when the field's name is name */
static int
field_is(const struct field *f, const char *name)
{
	size_t n = strlen(name);
	const char *p = f->own ? f->own : f->start;

	return f->len > n && p[n] == ':' && strncasecmp(p, name, n) == 0;
}

/* field_find - the index-th (from 1) live field called name, or NULL */
static struct field *
field_find(struct field *v, size_t n, const char *name, int index)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && field_is(&v[i], name) && --index == 0)
			return &v[i];
	return NULL;
}

/* fields_split - the fields of the header block msg[0..header_len) into *out (caller
 * frees); *eol_style: the line end new fields take; returns where the empty line is */
static const char *
fields_split(const char *msg, size_t header_len, struct field **out, size_t *nout,
    const char **eol_style)
{
	const char *p = msg, *end = msg + header_len;
	struct field *v = NULL;
	size_t n = 0, cap = 0;

	*eol_style = "\r\n";
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t) (end - p));
		const char *next = eol ? eol + 1 : end;

		if (next - p <= 2 && (*p == '\r' || *p == '\n'))
			break;			/* the empty line */
		if ((*p == ' ' || *p == '\t') && n > 0) {
			v[n - 1].len = (size_t) (next - v[n - 1].start);
		} else {
			if (n == cap)
				v = xreallocarray(v, cap = cap ? cap * 2 : 32, sizeof(*v));
			v[n++] = (struct field){.start = p, .len = (size_t) (next - p)};
			if (eol != NULL && (eol == p || eol[-1] != '\r'))
				*eol_style = "\n";
		}
		p = next;
	}
	*out = v;
	*nout = n;
	return p;
}

char *
hdr_edit_apply(const char *msg, size_t len, size_t header_len, const struct hdr_edit *e,
    size_t ne, const char *body, size_t body_len, size_t *outlen)
{
	const char *eol_style, *blank;
	struct field *v;
	size_t n, out_len = 0, cap;
	char *out, *adds = xstrdup(""), *more;

	blank = fields_split(msg, header_len, &v, &n, &eol_style);
	for (size_t i = 0; i < ne; i++) {
		const struct hdr_edit *h = &e[i];
		struct field *f = h->op == HDR_EDIT_ADD ? NULL : field_find(v, n, h->name, h->index);

		if (h->op == HDR_EDIT_DELETE) {
			if (f != NULL)
				f->deleted = 1;
		} else if (f != NULL) {		/* a change of a field that is there */
			free(f->own);
			f->own = xasprintf("%s: %s%s", h->name, h->value, eol_style);
			f->len = strlen(f->own);
		} else {			/* libmilter adds what it cannot change */
			more = xasprintf("%s%s: %s%s", adds, h->name, h->value, eol_style);
			free(adds);
			adds = more;
		}
	}
	if (body == NULL) {
		body = msg + header_len;
		body_len = len - header_len;
	}
	cap = strlen(adds) + (size_t) (msg + header_len - blank) + body_len + 1;
	for (size_t i = 0; i < n; i++)
		cap += v[i].deleted ? 0 : v[i].len;
	out = xmalloc(cap);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].deleted) {
			memcpy(out + out_len, v[i].own ? v[i].own : v[i].start, v[i].len);
			out_len += v[i].len;
		}
		free(v[i].own);
	}
	memcpy(out + out_len, adds, strlen(adds));
	out_len += strlen(adds);
	/* the empty line, then the body */
	memcpy(out + out_len, blank, (size_t) (msg + header_len - blank));
	out_len += (size_t) (msg + header_len - blank);
	memcpy(out + out_len, body, body_len);
	out_len += body_len;
	out[out_len] = '\0';
	free(v);
	free(adds);
	*outlen = out_len;
	return out;
}

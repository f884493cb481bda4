/*
 * filter_apply.c - apply a filter_result to the bytes of a message, as libmilter would:
 * header deletions, changes and additions, then the new body. postsalectl simulate
 * prints the result, so that what it shows is what leaves the milter.
 *
 * The message bytes are untrusted; header names come from the filter itself.
 */
#include <string.h>
#include <strings.h>

#include "filter.h"
#include "mime/hdr.h"
#include "util/xalloc.h"

struct field {			/* one header field: its bytes in the message */
	struct hdr_field at;	/* where it is in the message (its name stays) */
	const char *start;
	size_t len;		/* with its continuation lines and line end */
	char *own;		/* a replacement the field now holds, or NULL */
	int deleted;
};

/* field_find - the index-th (from 1) live field called name, or NULL */
static struct field *
field_find(const char *msg, struct field *v, size_t n, const char *name, int index)
{
	for (size_t i = 0; i < n; i++)
		if (!v[i].deleted && hdr_name_is(msg, &v[i].at, name) && --index == 0)
			return &v[i];
	return NULL;
}

char *
filter_apply_bytes(const struct ps_msg *m, const struct filter_result *res, size_t *len)
{
	const char *eol_style = "\r\n";
	struct field *v = NULL;
	struct hdr_field at;
	size_t n = 0, cap = 0, out_len = 0, pos = 0;
	char *out, *adds = xstrdup("");

	/* the header block, split into fields */
	while (hdr_next(m->raw, m->header_len, &pos, &at)) {
		const char *p = m->raw + at.start;
		const char *eol = memchr(p, '\n', at.end - at.start);

		if (n == cap)
			v = xreallocarray(v, cap = cap ? cap * 2 : 32, sizeof(*v));
		v[n++] = (struct field){.at = at, .start = p, .len = at.end - at.start};
		if (eol != NULL && (eol == p || eol[-1] != '\r'))
			eol_style = "\n";
	}
	for (size_t i = 0; i < res->nhdrs; i++) {
		const struct filter_hdr *h = &res->hdrs[i];
		struct field *f;
		char *more;

		switch (h->op) {
		case FILTER_HDR_DELETE:
			if ((f = field_find(m->raw, v, n, h->name, h->index)) != NULL)
				f->deleted = 1;
			break;
		case FILTER_HDR_CHANGE:
			if ((f = field_find(m->raw, v, n, h->name, h->index)) != NULL) {
				free(f->own);
				f->own = xasprintf("%s: %s%s", h->name, h->value, eol_style);
				f->len = strlen(f->own);
				break;
			}
			/* libmilter adds a header it cannot find to change */
			/* FALLTHROUGH */
		case FILTER_HDR_ADD:
			more = xasprintf("%s%s: %s%s", adds, h->name, h->value, eol_style);
			free(adds);
			adds = more;
			break;
		}
	}
	out = xmalloc(m->len + strlen(adds) + res->body_len + 64);
	for (size_t i = 0; i < n; i++) {
		if (v[i].deleted)
			continue;
		memcpy(out + out_len, v[i].own ? v[i].own : v[i].start, v[i].len);
		out_len += v[i].len;
		free(v[i].own);
	}
	memcpy(out + out_len, adds, strlen(adds));
	out_len += strlen(adds);
	/* the empty line, then the body: the new one, or the original bytes */
	memcpy(out + out_len, m->raw + pos, m->header_len - pos);
	out_len += m->header_len - pos;
	if (res->body != NULL) {
		memcpy(out + out_len, res->body, res->body_len);
		out_len += res->body_len;
	} else {
		memcpy(out + out_len, m->raw + m->header_len, m->len - m->header_len);
		out_len += m->len - m->header_len;
	}
	free(v);
	free(adds);
	*len = out_len;
	return out;
}

/*
 * filter_edit.c - the edits a filter_result makes, given to an edit sink in the order
 * the milter makes them, and the sink that records them (postsalectl simulate prints
 * the record and applies it to the bytes, so that what it shows is what the milter
 * does). The values were made safe by the pipeline (printable ASCII, no '%').
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "util/buf.h"
#include "util/xalloc.h"

/*
 * edit_body - give the sink the note's new body: in the fewest calls of at most
 * sink->body_max octets (one call when it is 0). A call carries a piece's own octets
 * where it lies within one piece, and octets gathered from several pieces only where
 * it does not. The first call takes the remainder, so that a note near the start of a
 * long body gathers a few octets, and the long tail goes in place. 0, or -1 if refused.
 */
static int
edit_body(const note_result *n, const struct filter_sink *sink)
{
	size_t max = sink->body_max ? sink->body_max : n->body_len + 1;
	size_t calls = n->body_len ? (n->body_len - 1) / max + 1 : 1;
	size_t want = n->body_len - (calls - 1) * max, pi = 0, off = 0;
	struct buf gather = {0};
	int rc = 0;

	for (size_t c = 0; c < calls && rc == 0; c++, want = max) {
		const char *data;

		if (pi < n->nbody && n->body[pi].len - off >= want) {	/* in place */
			data = n->body[pi].data + off;
			if ((off += want) == n->body[pi].len)
				pi++, off = 0;
		} else {					/* gathered */
			gather.len = 0;
			buf_reserve(&gather, want);
			while (gather.len < want) {
				size_t k = n->body[pi].len - off;

				if (k > want - gather.len)
					k = want - gather.len;
				buf_add(&gather, n->body[pi].data + off, k);
				if ((off += k) == n->body[pi].len)
					pi++, off = 0;
			}
			data = gather.data;
		}
		rc = sink->body(sink->ctx, data, want);
	}
	buf_free(&gather);
	return rc;
}

enum filter_outcome
filter_edit(const struct filter_result *res, const struct filter_sink *sink)
{
	if (res->action == CONF_ACTION_REJECT) {
		sink->reply(sink->ctx, "550", "5.7.1", res->reason);
		return FILTER_REJECT;
	}
	if (res->action == CONF_ACTION_TEMPFAIL) {
		sink->reply(sink->ctx, "451", "4.7.1", res->reason);
		return FILTER_TEMPFAIL;
	}
	for (size_t i = 0; i < res->nhdrs; i++)
		if (sink->header(sink->ctx, &res->hdrs[i]) != 0)
			return FILTER_FAILED;
	if (res->note != NULL && edit_body(res->note, sink) != 0)
		return FILTER_FAILED;
	for (size_t i = 0; i < res->nadd_rcpts; i++)
		if (sink->add_rcpt(sink->ctx, res->add_rcpts[i]) != 0)
			return FILTER_FAILED;
	if (res->action == CONF_ACTION_HOLD && res->reason != NULL &&
	    sink->quarantine(sink->ctx, res->reason) != 0)
		return FILTER_FAILED;
	return FILTER_ACCEPT;
}

/* edits_header - record a header edit */
static int
edits_header(void *ctx, const struct hdr_edit *h)
{
	struct filter_edits *e = ctx;

	hdr_edit_push(&e->hdrs, &e->nhdrs, h->op, h->name, h->index, h->value);
	return 0;
}

/* edits_body - record the new body, or append to it (a copy) */
static int
edits_body(void *ctx, const char *body, size_t len)
{
	struct filter_edits *e = ctx;

	e->body = xrealloc(e->body, e->body_len + len + 1);
	memcpy(e->body + e->body_len, body, len);
	e->body_len += len;
	e->body[e->body_len] = '\0';
	return 0;
}

/* edits_add_rcpt - record an added recipient */
static int
edits_add_rcpt(void *ctx, const char *rcpt)
{
	struct filter_edits *e = ctx;

	e->rcpts = xreallocarray(e->rcpts, e->nrcpts + 1, sizeof(*e->rcpts));
	e->rcpts[e->nrcpts++] = xstrdup(rcpt);
	return 0;
}

/* edits_quarantine - record the quarantine reason */
static int
edits_quarantine(void *ctx, const char *reason)
{
	struct filter_edits *e = ctx;

	free(e->quarantine);
	e->quarantine = xstrdup(reason);
	return 0;
}

/* edits_reply - record the SMTP reply */
static int
edits_reply(void *ctx, const char *rcode, const char *xcode, const char *text)
{
	struct filter_edits *e = ctx;

	snprintf(e->reply_code, sizeof(e->reply_code), "%s", rcode);
	snprintf(e->reply_xcode, sizeof(e->reply_xcode), "%s", xcode);
	free(e->reply_text);
	e->reply_text = text != NULL ? xstrdup(text) : NULL;
	return 0;
}

void
filter_edits_sink(struct filter_edits *e, struct filter_sink *sink)
{
	sink->ctx = e;
	sink->header = edits_header;
	sink->body = edits_body;
	sink->add_rcpt = edits_add_rcpt;
	sink->quarantine = edits_quarantine;
	sink->reply = edits_reply;
}

char *
filter_edits_message(const struct ps_msg *m, const struct filter_edits *e, size_t *len)
{
	return hdr_edit_apply(m->raw, m->len, m->header_len, e->hdrs, e->nhdrs, e->body,
	    e->body_len, len);
}

void
filter_edits_clear(struct filter_edits *e)
{
	hdr_edit_free(e->hdrs, e->nhdrs);
	for (size_t i = 0; i < e->nrcpts; i++)
		free(e->rcpts[i]);
	free(e->rcpts);
	free(e->quarantine);
	free(e->reply_text);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

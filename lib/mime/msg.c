/*
 * msg.c - collect one message's envelope and bytes, bounded by a size limit.
 *
 * Everything stored here is untrusted client data, kept as bytes; nothing is parsed.
 * Past the limit no more bytes are kept (the message then passes untouched), so a huge
 * message costs no more memory than the limit.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hdr.h"
#include "msg.h"
#include "util/xalloc.h"

/* raw, len and cap are the bytes buffer's own fields under the readers' names */
_Static_assert(offsetof(struct ps_msg, raw) == offsetof(struct ps_msg, bytes.data) &&
	       offsetof(struct ps_msg, len) == offsetof(struct ps_msg, bytes.len) &&
	       offsetof(struct ps_msg, cap) == offsetof(struct ps_msg, bytes.cap),
	       "struct ps_msg: raw/len/cap must be bytes.data/len/cap");

struct ps_msg *
msg_new(size_t limit)
{
	struct ps_msg *m = xcalloc(1, sizeof(*m));

	m->limit = limit;
	return m;
}

void
msg_reset(struct ps_msg *m)
{
	for (size_t i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
	free(m->rcpts);
	m->rcpts = NULL;
	m->nrcpts = m->nexternal = 0;
	free(m->sender);
	m->sender = NULL;
	m->qid[0] = '\0';
	m->origin_internal = 0;
	m->len = m->header_len = m->seen = 0;
	m->oversized = 0;
}

struct ps_msg *
msg_free(struct ps_msg *m)
{
	if (m != NULL) {
		msg_reset(m);
		buf_free(&m->bytes);
		free(m);
	}
	return NULL;
}

void
msg_set_sender(struct ps_msg *m, const char *sender)
{
	free(m->sender);
	m->sender = xstrdup(sender);
}

void
msg_add_rcpt(struct ps_msg *m, const char *rcpt, int external)
{
	m->rcpts = xreallocarray(m->rcpts, m->nrcpts + 1, sizeof(*m->rcpts));
	m->rcpts[m->nrcpts++] = xstrdup(rcpt);
	if (external)
		m->nexternal++;
}

/* msg_append - keep len more bytes unless the limit is passed; 0 or -1 */
static int
msg_append(struct ps_msg *m, const void *p, size_t len)
{
	m->seen += len;
	if (m->oversized || (m->limit != 0 && m->seen > m->limit)) {
		m->oversized = 1;
		return -1;
	}
	if (m->cap == 0)	/* the first chunk: room for a whole small message at once */
		buf_reserve(&m->bytes, len > 8192 ? len : 8192);
	buf_add(&m->bytes, p, len);
	return 0;
}

void
msg_add_header(struct ps_msg *m, const char *name, const char *value)
{
	msg_append(m, name, strlen(name));
	msg_append(m, ":", 1);
	msg_append(m, value, strlen(value));
	msg_append(m, "\r\n", 2);
}

void
msg_end_headers(struct ps_msg *m)
{
	msg_append(m, "\r\n", 2);
	m->header_len = m->len;
}

int
msg_add_body(struct ps_msg *m, const void *chunk, size_t len)
{
	return msg_append(m, chunk, len);
}

int
msg_outbound(const struct ps_msg *m)
{
	return m->origin_internal && m->nexternal > 0;
}

int
msg_load_bytes(struct ps_msg *m, const char *data, size_t len)
{
	struct hdr_field f;
	size_t pos = 0;

	m->len = m->header_len = m->seen = 0;
	m->oversized = 0;
	/* the header block ends after the first empty line (CRLF or LF) */
	while (hdr_next(data, len, &pos, &f))
		;
	if (msg_append(m, data, len) != 0)
		return -1;
	m->header_len = hdr_body_start(data, len, pos);
	return 0;
}

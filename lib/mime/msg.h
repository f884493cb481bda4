/*
 * msg.h - one message as the filter sees it: the envelope, the origin verdict and the
 * raw bytes (headers as received, CRLF line ends, then the body), up to a size limit.
 * The milter fills it callback by callback; postsalectl fills it from an .eml file.
 */
#ifndef PS_MSG_H
#define PS_MSG_H

#include <stddef.h>

#include "util/buf.h"

struct ps_msg {
	char qid[64];			/* MTA queue id, or "" while unknown */
	char *sender;			/* envelope sender as given by the MTA */
	char **rcpts;			/* envelope recipients */
	size_t nrcpts;
	size_t nexternal;		/* how many lie outside the local domains */
	int origin_internal;		/* authenticated or from an internal network */
	union {
		struct buf bytes;	/* headers and body, as received (util/buf.h) */
		struct {		/* the same three fields, by the names readers use */
			char *raw;
			size_t len, cap;
		};
	};
	size_t header_len;		/* bytes of raw that are the header block */
	size_t limit;			/* max bytes kept; 0 for no limit */
	size_t seen;			/* bytes offered, kept or not */
	int oversized;			/* seen > limit: bytes were dropped */
};

struct ps_msg *msg_new(size_t limit);
struct ps_msg *msg_free(struct ps_msg *m);
/* msg_reset - forget the message, keep the allocation (next message, same connection) */
void msg_reset(struct ps_msg *m);
void msg_set_sender(struct ps_msg *m, const char *sender);
void msg_add_rcpt(struct ps_msg *m, const char *rcpt, int external);
/* msg_add_header - append "name:value\r\n" (value as the MTA gives it, leading space kept) */
void msg_add_header(struct ps_msg *m, const char *name, const char *value);
/* msg_end_headers - append the empty line that ends the header block */
void msg_end_headers(struct ps_msg *m);
/* msg_add_body - append a body chunk; returns 0, or -1 once the size limit is passed */
int msg_add_body(struct ps_msg *m, const void *chunk, size_t len);
/*
 * msg_load_bytes - take a whole message (headers and body, CRLF or LF line ends) as the
 * message's bytes, as if received; the size limit applies. 0, or -1 when over the limit.
 */
int msg_load_bytes(struct ps_msg *m, const char *data, size_t len);
/* msg_outbound - 1 when the message leaves the company */
int msg_outbound(const struct ps_msg *m);

#endif

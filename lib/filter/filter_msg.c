/*
 * filter_msg.c - what the pipeline reads of a message: its view (its skeleton, or
 * GMime's parse of its bytes in place, filter.h), the count of a header, the display
 * name of a recipient. The message is untrusted; nothing here changes it.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "filter.h"
#include "mime/hdr.h"
#include "mime/mime_find.h"
#include "mime/mime_head.h"
#include "mime/mime_parse.h"
#include "mime/outbound.h"

int
filter_header_count(const struct ps_msg *m, const char *name)
{
	return hdr_count(m->raw, m->header_len ? m->header_len : m->len, name);
}

GMimeObject *
filter_view_gmime(struct filter_view *v)
{
	GMimeParser *parser;

	if (v->parsed)
		return v->gm;
	v->parsed = 1;
	/* every part's content a window on m->raw: bytes wraps them (no stream owns
	 * them) and outlives every GMime object of the message */
	v->bytes = g_byte_array_new_take((guint8 *) v->m->raw, v->m->len);
	parser = mime_parser_take();
	v->gm = mime_parse(parser, v->bytes, NULL);
	mime_parser_give(parser);
	return v->gm;
}

int
filter_view_open(struct filter_view *v, const struct ps_msg *m)
{
	memset(v, 0, sizeof(*v));
	v->m = m;
	if (mime_scan(m->raw, m->len, &v->tree, v->why, sizeof(v->why)) == 0) {
		v->scanned = 1;		/* kept for the note, whichever reads the parts */
		if (mime_find_usable(&v->tree) && mime_head_of_bytes(&v->head, m->raw, m->len)) {
			v->skeleton = 1;
			return 0;
		}
	}
	if (filter_view_gmime(v) == NULL) {
		filter_view_close(v);
		return -1;
	}
	mime_head_of_top(&v->head, v->gm);
	return 0;
}

void
filter_view_close(struct filter_view *v)
{
	mime_head_done(&v->head);
	mime_tree_clear(&v->tree);
	if (v->gm != NULL)
		g_object_unref(v->gm);
	if (v->bytes != NULL)
		g_byte_array_free(v->bytes, FALSE);	/* the bytes stay m->raw's */
	memset(v, 0, sizeof(*v));
}

int
filter_rcpt_name(const struct mime_head *head, const char *rcpt, char *buf, size_t len)
{
	char addr[320];

	outbound_bare_address(rcpt, addr, sizeof(addr));
	return mime_head_display_name(head, addr, buf, len);
}

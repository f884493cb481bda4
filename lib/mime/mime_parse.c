/*
 * mime_parse.c - GMime's parse of a message held in memory, spared the inner lines of
 * long base64 runs (see mime_parse.h).
 *
 * The proof that the copy is parsed as the original would be: GMime's parser decides
 * only by header blocks and by lines that start with "--"; within a part's content it
 * counts every other line's octets and nothing more. Every line cut is of the base64
 * alphabet, so never such a line, and each cut keeps its run's first and last line.
 * When, parsing the copy, GMime asked for a window on a part's content that holds a
 * cut's place (after the window's start, at or before its end), the run's first line,
 * the cut lines' place and the run's last line were all read as that part's content;
 * reading the original, GMime is in the same state at the first line (the octets
 * before it are the same) and the cut lines change nothing but the count. So the parse
 * of the original is the parse of the copy with every offset moved past the cuts before
 * it: the windows (mimeskip_stream) and the headers' offsets (map_offsets, here). When
 * a cut's place is in no such window (a header block, a multipart's preface or
 * postface), GMime parses the original instead.
 *
 * The cuts of the message's own header fields (all but Content-* and MIME-Version, of
 * a plain block: mimeskip.h) need no window: GMime reads a header block a field at a
 * time, each from its first line to the next line that starts with no blank, and ends
 * it at the empty line; a field cut whole changes neither the fields left nor where the
 * block ends, and the structure comes from the Content-* fields, which stay. The top
 * part then lacks the cut fields, and mime_head reads the message's fields from the
 * bytes instead (mime_head_set_raw).
 */
#include <pthread.h>

#include "mime_parse.h"
#include "mime_head.h"
#include "mimeskip.h"
#include "mimeskip_stream.h"

/* whole_stream - an unowned GMimeStreamMem over view's bytes */
static GMimeStream *
whole_stream(GByteArray *view)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_byte_array(view);

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	return stream;
}

/* parse_stream - parser reset on stream, the message read as its top part (every
 * header of the message on it: mime_head.h); stream keeps the caller's ref */
static GMimeObject *
parse_stream(GMimeParser *parser, GMimeStream *stream)
{
	g_mime_parser_init_with_stream(parser, stream);
	return g_mime_parser_construct_part(parser, NULL);
}

/*
 * map_offsets - the offsets of obj's headers and of every header below it, which
 * GMime took in the copy, moved to the original's. GMime keeps a header's offset in
 * its GMimeHeader (g_mime_header_get_offset) and has no setter: the field is written
 * here, the one private field postsale touches.
 */
static void
map_offsets(GObject *obj, GMimeStream *stream)
{
	GMimeHeaderList *list;
	int n;

	if (obj == NULL)
		return;
	if (GMIME_IS_OBJECT(obj) && (list = g_mime_object_get_header_list(GMIME_OBJECT(obj))) != NULL) {
		n = g_mime_header_list_get_count(list);
		for (int i = 0; i < n; i++) {
			GMimeHeader *h = g_mime_header_list_get_header_at(list, i);

			h->offset = mimeskip_stream_map(stream, h->offset);
		}
	}
	if (GMIME_IS_MESSAGE(obj)) {
		map_offsets((GObject *)g_mime_message_get_mime_part(GMIME_MESSAGE(obj)), stream);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		map_offsets((GObject *)g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj)),
		    stream);
	} else if (GMIME_IS_MULTIPART(obj)) {
		n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));
		for (int i = 0; i < n; i++)
			map_offsets((GObject *)g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
			    stream);
	}
}

GMimeObject *
mime_parse(GMimeParser *parser, GByteArray *view, enum mime_parse_how *how)
{
	enum mime_parse_how way = MIME_PARSE_WHOLE;
	struct mimeskip skip;
	GMimeStream *stream;
	GMimeObject *msg = NULL;
	size_t head_len;

	if (mimeskip_find((const char *)view->data, view->len, &skip)) {
		head_len = skip.head_len;
		stream = mimeskip_stream_new(&skip, view);
		msg = parse_stream(parser, stream);
		if (msg != NULL && mimeskip_stream_covered(stream)) {
			map_offsets(G_OBJECT(msg), stream);
			if (head_len > 0)	/* its own fields are read from the bytes */
				mime_head_set_raw(msg, (const char *)view->data, head_len);
			way = MIME_PARSE_SKIPPED;
		} else {
			if (msg != NULL)
				g_object_unref(msg);
			msg = NULL;
			way = MIME_PARSE_AGAIN;
		}
		mimeskip_stream_done(stream);	/* the parser is done with the copy */
		g_object_unref(stream);
	}
	if (way != MIME_PARSE_SKIPPED) {
		stream = whole_stream(view);
		msg = parse_stream(parser, stream);
		g_object_unref(stream);
	}
	if (how != NULL)
		*how = way;
	return msg;
}

/*
 * The parsers, kept for the next message: a GMimeParser costs a large allocation of its
 * own (its 4 KB read buffer) and a GObject's set-up and finalisation, about a tenth of
 * GMime's work on a plain message; g_mime_parser_init_with_stream() resets one for the
 * next stream (it drops the last stream, headers and boundaries). Up to PARSER_POOL are
 * kept, one per thread filtering at the same time; the lock is held only to take or
 * give back one.
 */
#define PARSER_POOL 32

static pthread_mutex_t parser_lock = PTHREAD_MUTEX_INITIALIZER;
static GMimeParser *parser_pool[PARSER_POOL];
static size_t parser_count;

GMimeParser *
mime_parser_take(void)
{
	GMimeParser *parser = NULL;

	pthread_mutex_lock(&parser_lock);
	if (parser_count > 0)
		parser = parser_pool[--parser_count];
	pthread_mutex_unlock(&parser_lock);
	if (parser == NULL) {
		parser = g_mime_parser_new();
		g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	}
	return parser;
}

void
mime_parser_give(GMimeParser *parser)
{
	pthread_mutex_lock(&parser_lock);
	if (parser_count < PARSER_POOL) {
		parser_pool[parser_count++] = parser;
		parser = NULL;
	}
	pthread_mutex_unlock(&parser_lock);
	if (parser != NULL)
		g_object_unref(parser);
}

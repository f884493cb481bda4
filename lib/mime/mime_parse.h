/*
 * mime_parse.h - GMime's parse of a message held in memory, read in place, and spared
 * the inner lines of long base64 runs where that provably changes nothing GMime
 * concludes (mimeskip.h): the same tree, headers (raw values and offsets), preface and
 * postface, and every part's content a window on the same bytes at the same offsets.
 *
 * The bytes are untrusted; GMime reads them.
 */
#ifndef PS_MIME_PARSE_H
#define PS_MIME_PARSE_H

#include <gmime/gmime.h>

/* How mime_parse had GMime read the bytes. */
enum mime_parse_how {
	MIME_PARSE_WHOLE,	/* no run to cut: the bytes as they are */
	MIME_PARSE_SKIPPED,	/* a copy without the runs' inner lines */
	MIME_PARSE_AGAIN,	/* the copy, then the bytes as they are: a cut lay outside
				   a part's content */
};

/*
 * mime_parse - parser (GMIME_FORMAT_MESSAGE, default options; reset here with
 * g_mime_parser_init_with_stream) reads the message view holds as its top part
 * (g_mime_parser_construct_part), which carries the message's own header fields too
 * unless mimeskip cut them from GMime's copy; mime_head.h reads what they say either
 * way. NULL when GMime finds none. view wraps the bytes without owning them and must
 * outlive every GMime object of the message; so must the bytes, unchanged. The parser
 * keeps its last stream, which holds nothing of the bytes' own but view's pointer,
 * until it is reset or freed. *how (unless how is NULL) tells which way GMime read.
 */
GMimeObject *mime_parse(GMimeParser *parser, GByteArray *view, enum mime_parse_how *how);

/*
 * mime_parser_take - a parser kept from an earlier message, or a new one
 * (GMIME_FORMAT_MESSAGE either way), for g_mime_parser_init_with_stream() and
 * mime_parse; mime_parser_give - keep it for the next (up to one per thread filtering
 * at the same time). A kept parser still holds the stream it last read until it is
 * reset or freed, which never touches the stream's bytes: give back only a parser whose
 * stream does not own bytes it would keep alive (an unowned GMimeStreamMem, as
 * mime_parse's).
 */
GMimeParser *mime_parser_take(void);
void mime_parser_give(GMimeParser *parser);

#endif

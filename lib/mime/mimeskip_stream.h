/*
 * mimeskip_stream.h - the stream GMime's parser reads when it is spared the inner lines
 * of base64 runs (mimeskip.h): a GMimeStreamMem over the copy without them, whose
 * substreams (GMime's windows on a part's content) are windows on the original bytes,
 * at the original's offsets. It also notes which cuts lay inside such a window.
 *
 * GMime 3.2's parser, reading a seekable stream with persist-stream on (its default),
 * gives a leaf part the content g_mime_stream_substream(its stream, start, end) of the
 * offsets where the content starts and ends; it reads the stream for nothing else but
 * the scan. So the parts of a message parsed from this stream read the original
 * bytes, with the bounds an ordinary GMimeStreamMem over them would have had.
 */
#ifndef PS_MIMESKIP_STREAM_H
#define PS_MIMESKIP_STREAM_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "mimeskip.h"

/*
 * mimeskip_stream_new - a stream over skip->buf for GMime's parser; takes *skip (left
 * empty), and orig: an unowned view of the original bytes that must outlive every
 * GMime object of the message. The caller unrefs the stream; GMime's substreams hold
 * it as well.
 */
GMimeStream *mimeskip_stream_new(struct mimeskip *skip, GByteArray *orig);
/* mimeskip_stream_covered - 1 when every cut of base64 lines lay strictly inside one
 * substream asked for: after its window's start, at or before its end (the copy's
 * offsets); cuts of header fields need none (mimeskip.h) */
int mimeskip_stream_covered(GMimeStream *stream);
/* mimeskip_stream_map - the original's offset of an offset in the copy (-1 stays -1) */
gint64 mimeskip_stream_map(GMimeStream *stream, gint64 off);
/* mimeskip_stream_done - drop the copy, the cuts and the original's stream, once the
 * parser is done with them; the stream reads nothing afterwards (GMime's substreams
 * still hold it, only to release it) */
void mimeskip_stream_done(GMimeStream *stream);

#endif

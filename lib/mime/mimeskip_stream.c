/*
 * mimeskip_stream.c - the stream GMime's parser reads when it is spared the inner lines
 * of base64 runs: a GMimeStreamMem subclass over the copy that overrides only the
 * class's substream, mapping the copy's offsets to the original's (see
 * mimeskip_stream.h). The bytes are untrusted; nothing here reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "mimeskip_stream.h"

typedef struct {
	GMimeStreamMem parent;		/* reads copy (unowned) */
	GByteArray *copy;		/* over skip.buf; NULL once done */
	struct mimeskip skip;
	unsigned char *covered;		/* per cut: 1 once inside a window */
	GMimeStream *orig;		/* an unowned GMimeStreamMem over the original */
} MimeskipStream;

typedef struct {
	GMimeStreamMemClass parent_class;
} MimeskipStreamClass;

G_DEFINE_TYPE(MimeskipStream, mimeskip_stream, GMIME_TYPE_STREAM_MEM)

/* map - the original's offset of the copy's off (-1 stays) */
static gint64
map(const MimeskipStream *s, gint64 off)
{
	return off < 0 ? off : (gint64)mimeskip_map(&s->skip, (size_t)off);
}

/* note_window - mark the cuts strictly inside the window (start, end] of the copy */
static void
note_window(MimeskipStream *s, gint64 start, gint64 end)
{
	size_t lo = 0, hi = s->skip.ncuts;

	if (start < 0 || end < 0)
		return;
	while (lo < hi) {		/* the first cut whose 'at' lies after start */
		size_t mid = lo + (hi - lo) / 2;

		if ((gint64)s->skip.cuts[mid].at <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->skip.ncuts && (gint64)s->skip.cuts[lo].at <= end; lo++)
		s->covered[lo] = 1;
}

/* skip_substream - GMime's window on a part's content: the same window on the
 * original, made by GMimeStreamMem's own substream of the original's stream */
static GMimeStream *
skip_substream(GMimeStream *stream, gint64 start, gint64 end)
{
	MimeskipStream *s = (MimeskipStream *)stream;

	if (s->orig == NULL)
		return NULL;
	note_window(s, start, end);
	return GMIME_STREAM_GET_CLASS(s->orig)->substream(s->orig, map(s, start), map(s, end));
}

static void
skip_finalize(GObject *object)
{
	mimeskip_stream_done(GMIME_STREAM(object));
	G_OBJECT_CLASS(mimeskip_stream_parent_class)->finalize(object);
}

static void
mimeskip_stream_class_init(MimeskipStreamClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize = skip_finalize;
	GMIME_STREAM_CLASS(klass)->substream = skip_substream;
}

static void
mimeskip_stream_init(MimeskipStream *s)
{
	s->copy = NULL;
	memset(&s->skip, 0, sizeof(s->skip));
	s->covered = NULL;
	s->orig = NULL;
}

GMimeStream *
mimeskip_stream_new(struct mimeskip *skip, GByteArray *orig)
{
	MimeskipStream *s = g_object_new(mimeskip_stream_get_type(), NULL);

	s->skip = *skip;
	memset(skip, 0, sizeof(*skip));
	s->covered = xcalloc(s->skip.ncuts ? s->skip.ncuts : 1, 1);
	s->copy = g_byte_array_new_take((guint8 *)s->skip.buf, s->skip.len);
	g_mime_stream_construct(GMIME_STREAM(s), 0, -1);
	g_mime_stream_mem_set_byte_array(GMIME_STREAM_MEM(s), s->copy);	/* unowned */
	s->orig = g_mime_stream_mem_new_with_byte_array(orig);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s->orig), FALSE);
	return GMIME_STREAM(s);
}

int
mimeskip_stream_covered(GMimeStream *stream)
{
	MimeskipStream *s = (MimeskipStream *)stream;

	for (size_t i = 0; i < s->skip.ncuts; i++)
		if (!s->covered[i] && !s->skip.cuts[i].head)	/* header fields need no window */
			return 0;
	return s->copy != NULL;
}

gint64
mimeskip_stream_map(GMimeStream *stream, gint64 off)
{
	return map((MimeskipStream *)stream, off);
}

void
mimeskip_stream_done(GMimeStream *stream)
{
	MimeskipStream *s = (MimeskipStream *)stream;

	if (s->copy != NULL) {
		g_mime_stream_close(stream);		/* drops the buffer, unowned */
		g_byte_array_free(s->copy, FALSE);	/* the octets are skip.buf */
		s->copy = NULL;
	}
	mimeskip_release(&s->skip);
	free(s->covered);
	s->covered = NULL;
	if (s->orig != NULL) {
		g_object_unref(s->orig);	/* unowned: the original stays */
		s->orig = NULL;
	}
}

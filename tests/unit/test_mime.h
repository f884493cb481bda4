/*
 * test_mime.h - the suites' one way to have GMime read a message from a string, as
 * the filter's own parse does it (default options, the message as its top part, which
 * carries every header: mime/mime_head.h), to hand to the code under test.
 */
#ifndef PS_TEST_MIME_H
#define PS_TEST_MIME_H

#include <string.h>

#include <gmime/gmime.h>

/* test_mime_parse - GMime's reading of the NUL-terminated message text as its top part,
 * or NULL; the caller has called g_mime_init() and unrefs the part */
static inline GMimeObject *test_mime_parse(const char *text)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	GMimeObject *m = g_mime_parser_construct_part(p, NULL);

	g_object_unref(p);
	g_object_unref(s);
	return m;
}

#endif

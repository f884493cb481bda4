/*
 * fuzz_mime.c - libFuzzer target for GMime spared the inner lines of base64 runs
 * (lib/mime/mime_parse.c, mimeskip.c, mimeskip_stream.c; built with small
 * MIMESKIP_MIN_LINES and MIMESKIP_MIN_BYTES here, so that inputs meet runs everywhere:
 * in header blocks, prefaces, parts).
 *
 * Differential: the input is parsed by GMime alone (a fresh parser over the bytes) and
 * by mime_parse (a parser kept from input to input); both must give the same message:
 * the same tree, every header's raw value and offset, prefaces and postfaces, every
 * leaf's content window on the same bytes, and g_mime_object_to_string byte for byte
 * (abort otherwise, so that the fuzzer reports it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "mime/mime_parse.h"
#include "mime/mimeskip.h"
#include "../unit/test_mimetree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* agree - a and b (objects or messages) are the same; abort otherwise */
static void
agree(GObject *a, GObject *b)
{
	if (a == NULL || b == NULL) {
		if (a != b)
			abort();
		return;
	}
	if (G_OBJECT_TYPE(a) != G_OBJECT_TYPE(b))
		abort();
	if (GMIME_IS_OBJECT(a)) {
		GMimeHeaderList *la = g_mime_object_get_header_list(GMIME_OBJECT(a));
		GMimeHeaderList *lb = g_mime_object_get_header_list(GMIME_OBJECT(b));
		int n = g_mime_header_list_get_count(la);

		if (n != g_mime_header_list_get_count(lb))
			abort();
		for (int i = 0; i < n; i++) {
			GMimeHeader *x = g_mime_header_list_get_header_at(la, i);
			GMimeHeader *y = g_mime_header_list_get_header_at(lb, i);

			if (!test_same_str(g_mime_header_get_raw_name(x), g_mime_header_get_raw_name(y)) ||
			    !test_same_str(g_mime_header_get_raw_value(x), g_mime_header_get_raw_value(y)) ||
			    g_mime_header_get_offset(x) != g_mime_header_get_offset(y))
				abort();
		}
	}
	if (GMIME_IS_MESSAGE(a)) {
		agree((GObject *)g_mime_message_get_mime_part(GMIME_MESSAGE(a)),
		    (GObject *)g_mime_message_get_mime_part(GMIME_MESSAGE(b)));
	} else if (GMIME_IS_MESSAGE_PART(a)) {
		agree((GObject *)g_mime_message_part_get_message(GMIME_MESSAGE_PART(a)),
		    (GObject *)g_mime_message_part_get_message(GMIME_MESSAGE_PART(b)));
	} else if (GMIME_IS_MULTIPART(a)) {
		GMimeMultipart *ma = GMIME_MULTIPART(a), *mb = GMIME_MULTIPART(b);
		int n = g_mime_multipart_get_count(ma);

		if (n != g_mime_multipart_get_count(mb) ||
		    !test_same_str(g_mime_multipart_get_prologue(ma), g_mime_multipart_get_prologue(mb)) ||
		    !test_same_str(g_mime_multipart_get_epilogue(ma), g_mime_multipart_get_epilogue(mb)))
			abort();
		for (int i = 0; i < n; i++)
			agree((GObject *)g_mime_multipart_get_part(ma, i),
			    (GObject *)g_mime_multipart_get_part(mb, i));
	} else if (GMIME_IS_PART(a)) {
		GMimeDataWrapper *wa = g_mime_part_get_content(GMIME_PART(a));
		GMimeDataWrapper *wb = g_mime_part_get_content(GMIME_PART(b));
		GMimeStream *sa, *sb;

		if (g_mime_part_get_openpgp_data(GMIME_PART(a)) !=
		    g_mime_part_get_openpgp_data(GMIME_PART(b)) || (wa == NULL) != (wb == NULL))
			abort();
		if (wa == NULL)
			return;
		sa = g_mime_data_wrapper_get_stream(wa);
		sb = g_mime_data_wrapper_get_stream(wb);
		if (!GMIME_IS_STREAM_MEM(sa) || !GMIME_IS_STREAM_MEM(sb) ||
		    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sa))->data !=
		    g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sb))->data ||
		    sa->bound_start != sb->bound_start || sa->bound_end != sb->bound_end)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static GMimeParser *kept;
	GByteArray *va, *vb;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeObject *a, *b;
	enum mime_parse_how how;
	char *x, *y;

	if (kept == NULL) {
		g_mime_init();
		kept = g_mime_parser_new();
	}
	va = g_byte_array_new_take((guint8 *)data, size);
	vb = g_byte_array_new_take((guint8 *)data, size);
	stream = g_mime_stream_mem_new_with_byte_array(va);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	parser = g_mime_parser_new_with_stream(stream);
	a = g_mime_parser_construct_part(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	b = mime_parse(kept, vb, &how);
	test_fix_boundaries((GMimeObject *)a, "fuzz-mime");
	test_fix_boundaries((GMimeObject *)b, "fuzz-mime");
	if (a != NULL && b != NULL && how == MIME_PARSE_SKIPPED) {
		struct mimeskip s;
		int head = mimeskip_find((const char *)data, size, &s) && s.head_len > 0;

		mimeskip_release(&s);
		if (test_same_head(a, b) != NULL)	/* the message's own fields */
			abort();
		if (head)
			test_drop_head(a);
	}
	agree((GObject *)a, (GObject *)b);
	if (a != NULL) {
		x = g_mime_object_to_string(GMIME_OBJECT(a), NULL);
		y = g_mime_object_to_string(GMIME_OBJECT(b), NULL);
		if (!test_same_str(x, y))
			abort();
		g_free(x);
		g_free(y);
		g_object_unref(a);
		g_object_unref(b);
	}
	g_byte_array_free(va, FALSE);
	g_byte_array_free(vb, FALSE);
	return 0;
}

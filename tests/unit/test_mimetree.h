/*
 * test_mimetree.h - what check_mimeskip and the fuzz_mime target share to hold two
 * parses of one mail equal: string equality that takes NULL, and a fixed boundary for
 * every multipart that has none (GMime makes up a random one for each parse when it is
 * asked for it or writes the part out), and the message's own header fields, which
 * mime_parse may leave out of the top part (mimeskip.h) and mime_head then reads from
 * the bytes.
 */
#ifndef PS_TEST_MIMETREE_H
#define PS_TEST_MIMETREE_H

#include <stdio.h>
#include <string.h>
#include <gmime/gmime.h>

#include "mime/mime_head.h"

/* test_same_str - 1 if a and b are both NULL or equal strings */
static inline int
test_same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* test_fix_boundaries - every multipart under obj without a boundary gets boundary */
static inline void
test_fix_boundaries(GMimeObject *obj, const char *boundary)
{
	if (obj == NULL)
		return;
	if (GMIME_IS_MESSAGE(obj)) {
		test_fix_boundaries(g_mime_message_get_mime_part(GMIME_MESSAGE(obj)), boundary);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		test_fix_boundaries((GMimeObject *)g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj)), boundary);
	} else if (GMIME_IS_MULTIPART(obj)) {
		if (g_mime_object_get_content_type_parameter(obj, "boundary") == NULL)
			g_mime_multipart_set_boundary(GMIME_MULTIPART(obj), boundary);
		for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(obj)); i++)
			test_fix_boundaries(g_mime_multipart_get_part(GMIME_MULTIPART(obj), i),
			    boundary);
	}
}

/* test_head_kept - 1 for a field mimeskip leaves in the top block: Content-* and
 * MIME-Version (any case) */
static inline int
test_head_kept(const char *name)
{
	return g_ascii_strncasecmp(name, "Content-", 8) == 0 ||
	    g_ascii_strcasecmp(name, "MIME-Version") == 0;
}

/* test_drop_head - remove from top's own header list the fields mimeskip cuts */
static inline void
test_drop_head(GMimeObject *top)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(top);

	for (int i = g_mime_header_list_get_count(list) - 1; i >= 0; i--)
		if (!test_head_kept(g_mime_header_get_name(g_mime_header_list_get_header_at(list, i))))
			g_mime_header_list_remove_at(list, i);
}

/* test_same_head - NULL when mime_head reads the same of a (the whole message's top
 * part) and b (mime_parse's): the Subject, the Message-Id, each kind of address list,
 * and every header a names; else what differs (static) */
static inline const char *
test_same_head(GMimeObject *top_a, GMimeObject *top_b)
{
	static char why[160];
	GMimeHeaderList *list = g_mime_object_get_header_list(top_a);
	struct mime_head ha, hb, *a = &ha, *b = &hb;
	char *x, *y;
	int same;

	mime_head_of_top(a, top_a);
	mime_head_of_top(b, top_b);
	x = mime_head_message_id(a);
	y = mime_head_message_id(b);
	same = test_same_str(x, y);

	g_free(x);
	g_free(y);
	if (!same || !test_same_str(mime_head_subject(a), mime_head_subject(b)))
		return "the Subject or the Message-Id";
	for (int t = GMIME_ADDRESS_TYPE_SENDER; t <= GMIME_ADDRESS_TYPE_BCC; t++) {
		InternetAddressList *la = mime_head_addresses(a, t), *lb = mime_head_addresses(b, t);

		x = internet_address_list_to_string(la, NULL, FALSE);
		y = internet_address_list_to_string(lb, NULL, FALSE);
		same = test_same_str(x, y);
		g_free(x);
		g_free(y);
		g_object_unref(la);
		g_object_unref(lb);
		if (!same) {
			snprintf(why, sizeof(why), "the addresses of kind %d", t);
			return why;
		}
	}
	for (int i = 0; i < g_mime_header_list_get_count(list); i++) {
		const char *name = g_mime_header_get_name(g_mime_header_list_get_header_at(list, i));

		if (!test_same_str(mime_head_get(a, name), mime_head_get(b, name))) {
			snprintf(why, sizeof(why), "the header %.100s", name);
			return why;
		}
	}
	return NULL;
}

#endif

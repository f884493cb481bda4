/*
 * test_mimetree.h - what check_mimeskip and the fuzz_mime target share to hold two
 * parses of one mail equal: string equality that takes NULL, and a fixed boundary for
 * every multipart that has none (GMime makes up a random one for each parse when it is
 * asked for it or writes the part out).
 */
#ifndef PS_TEST_MIMETREE_H
#define PS_TEST_MIMETREE_H

#include <string.h>
#include <gmime/gmime.h>

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

#endif

/*
 * test_windows.h - the scan's content windows (mime/mime_scan.h) held to GMime's parse
 * of the same octets: each leaf the scan read is the window GMime's part in the same
 * place reads, to the octet. An attached message is a leaf to the scan and a message
 * to GMime: only its place is compared. check_note, check_mime_plain and mime_diff use
 * it.
 */
#ifndef PS_TEST_WINDOWS_H
#define PS_TEST_WINDOWS_H

#include <string.h>
#include <gmime/gmime.h>

#include "mime/mime_scan.h"

/* test_gmime_leaves - GMime's leaf parts under o, in the order of the message */
static inline void
test_gmime_leaves(GMimeObject *o, GMimeObject **out, size_t *n, size_t max)
{
	if (GMIME_IS_MULTIPART(o)) {
		for (int i = 0; i < g_mime_multipart_get_count(GMIME_MULTIPART(o)); i++)
			test_gmime_leaves(g_mime_multipart_get_part(GMIME_MULTIPART(o), i), out, n,
			    max);
	} else if (*n < max)
		out[(*n)++] = o;
}

/* test_same_windows - 1 if every leaf of t has the window of GMime's leaf in the same
 * place under top (the message's top part), else 0 with the scan's part in *bad */
static inline int
test_same_windows(GMimeObject *top, const mime_tree *t, size_t *bad)
{
	GMimeObject *leaves[256];
	size_t n = 0, k = 0;

	*bad = 0;
	if (top == NULL)
		return 0;
	test_gmime_leaves(top, leaves, &n, 256);
	for (size_t i = 0; i < t->nparts; i++) {
		const mime_part *p = &t->parts[i];
		GMimeDataWrapper *w;
		GMimeStream *s;

		if (strcmp(p->type, "multipart") == 0)
			continue;
		*bad = i;
		if (k >= n)
			return 0;
		if (!GMIME_IS_PART(leaves[k])) {
			if (!GMIME_IS_MESSAGE_PART(leaves[k++]))
				return 0;
			continue;
		}
		w = g_mime_part_get_content(GMIME_PART(leaves[k++]));
		s = w != NULL ? g_mime_data_wrapper_get_stream(w) : NULL;
		if (s == NULL || s->bound_start != (gint64)p->body_start ||
		    s->bound_start + g_mime_stream_length(s) != (gint64)p->body_end)
			return 0;
	}
	*bad = t->nparts;
	return k == n;
}

#endif

/*
 * mime_find.c - the invoices of a message found through its skeleton (mime_find.h).
 */
#include <stdlib.h>
#include <string.h>

#include "mime_find.h"
#include "util/xalloc.h"

int
mime_find_usable(const mime_tree *t)
{
	for (size_t i = 0; i < t->nparts; i++)
		if (strcmp(t->parts[i].type, "message") == 0)
			return 0;
	return t->nparts > 0;
}

/* walk - the part at idx (IMAP path: "" for a top multipart) and what it holds, in the
 * order and at the depths of inv_find_in_message's walk over GMime's objects */
static void
walk(struct inv_find_walk *w, const char *msg, const mime_tree *t, int idx, const char *path,
    size_t depth)
{
	const mime_part *p = &t->parts[idx];
	int i = 1;

	if (!inv_find_walk_enter(w, depth))
		return;
	if (strcmp(p->type, "multipart") == 0) {
		for (int c = p->first_child; c >= 0; c = t->parts[c].next, i++) {
			char *sub = *path ? xasprintf("%s.%d", path, i) : xasprintf("%d", i);

			walk(w, msg, t, c, sub, depth + 1);
			free(sub);
		}
		return;
	}
	inv_find_walk_leaf(w, (const unsigned char *)msg + p->body_start,
	    p->body_end - p->body_start, p->encoding, *path ? path : "1", p->filename,
	    p->mime_type);
}

int
mime_find_invoices(const char *msg, const mime_tree *t, const struct inv_find_limits *lim,
    inv_found_list *out)
{
	struct inv_find_walk w;

	inv_find_walk_begin(&w, lim, out);
	if (t->nparts > 0)
		walk(&w, msg, t, 0, strcmp(t->parts[0].type, "multipart") == 0 ? "" : "1", 0);
	return (int)(out->n - w.before);
}

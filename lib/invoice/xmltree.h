/*
 * xmltree.h - a compact read-only tree of an untrusted XML document, for the invoice
 * readers: elements, their text and attributes, in one arena freed at once.
 *
 * The document is parsed by xmlsafe_stream() behind xmlsafe's guards (no DOCTYPE, no
 * entities, size and depth caps); its content stays untrusted. White space between
 * elements is dropped as XML_PARSE_NOBLANKS drops it; the text of an element that is
 * only white space, and white space beside other text, is kept.
 */
#ifndef PS_XMLTREE_H
#define PS_XMLTREE_H

#include <stddef.h>

#include "xmlsafe.h"

enum xmltree_type {
	XMLTREE_ELEMENT,
	XMLTREE_TEXT,
	XMLTREE_OTHER,		/* a comment or processing instruction (no content kept) */
};

struct xmltree_attr {
	const char *name;		/* local name (any namespace) */
	const char *value;		/* NUL-terminated */
	struct xmltree_attr *next;
};

struct xmltree_node {
	enum xmltree_type type;
	const char *name;		/* element: local name */
	const char *uri;		/* element: namespace URI, NULL for none */
	char *text;			/* text: the characters, len of them (below) */
	size_t len, cap;		/* text: length, room in the arena (0: borrowed) */
	struct xmltree_node *parent, *kids, *last, *prev, *next;
	struct xmltree_attr *attrs;
};

/* A node of a tree, as the readers hold it. */
typedef const struct xmltree_node *xmltree_ptr;

struct xmltree;

/*
 * A text node's characters are NUL-terminated in the tree's arena, but for a long run
 * (XMLTREE_BORROW_MIN octets or more, an embedded file's base64 as a rule) that stands
 * in buf as the parser told it: the tree borrows those octets from buf (cap 0) rather
 * than copy them, and they end at len, without a NUL. Read a text with its len, or
 * through xmltree_content().
 */
#define XMLTREE_BORROW_MIN 1024

/* xmltree_parse - parse len bytes at buf (caps of 0: xmlsafe's defaults) into *out.
 * XMLSAFE_OK with *out set (free it with xmltree_free; buf must stay as it is until
 * then), or XMLSAFE_EBAD with *out NULL and a one-line reason in err. */
int xmltree_parse(const char *buf, size_t len, size_t max_bytes, int max_depth,
    struct xmltree **out, char *err, size_t errlen);
/* xmltree_free - free the tree and every node and string in it; NULL */
struct xmltree *xmltree_free(struct xmltree *t);
/* xmltree_unread - how many octets of the tree's text libxml2 was spared reading
 * (long base64 runs, xmlskip.h); the tree is the same either way */
size_t xmltree_unread(const struct xmltree *t);
/* xmltree_root - the root element */
xmltree_ptr xmltree_root(const struct xmltree *t);
/* xmltree_dict - the dictionary of the tree's names: every element's name and namespace
 * URI is the dictionary's one copy of that string (equal names, one pointer). The tree's
 * to keep (freed with it); for xmlDictExists() lookups */
xmlDictPtr xmltree_dict(const struct xmltree *t);
/* xmltree_attr - the value of n's first attribute named name (any namespace), or NULL;
 * the string belongs to the tree */
const char *xmltree_attr(xmltree_ptr n, const char *name);
/* xmltree_content - the text of n and of every element below it, in document order,
 * as a new string (xmalloc: the caller frees it), as xmlNodeGetContent gives it */
char *xmltree_content(xmltree_ptr n);

#endif

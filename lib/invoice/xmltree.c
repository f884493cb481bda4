/*
 * xmltree.c - build a compact read-only tree of an untrusted XML document from
 * xmlsafe_stream()'s events: every node, attribute and text in one arena of a few
 * large blocks, freed at once, the names shared with the parser's dictionary.
 *
 * The input is untrusted; xmlsafe's guards (no DOCTYPE, no entities, size and depth
 * caps) stand before any of it reaches here, and the arena grows with the input only
 * (a node per element, text and attribute bytes copied once, text runs at most
 * doubled while they grow). This replaces libxml2's own tree for the invoice readers,
 * which built, linked and freed a malloc'd node per element, text and attribute.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "xmltree.h"

#define XMLTREE_BLOCK_MIN ((size_t)32 * 1024)
#define XMLTREE_ALIGN 8
/* text_node carves a node and its text from one piece, as two arena() calls would */
_Static_assert(sizeof(struct xmltree_node) % XMLTREE_ALIGN == 0,
    "a node keeps its text aligned");

/* One block of the arena. */
struct xmltree_block {
	struct xmltree_block *next;
	size_t size;
	char data[];
};

struct xmltree {
	xmlDictPtr dict;		/* where the names live (a reference of ours) */
	struct xmltree_node *root;
	struct xmltree_node *cur;	/* the element being read, NULL outside the root */
	struct xmltree_node *open;	/* the text node that text goes on to, or NULL */
	char *blank;			/* a run of white space not yet placed */
	size_t blank_len, blank_cap;
	int blank_preserve;		/* it is under xml:space="preserve" */
	struct xmltree_block *blocks;	/* newest first */
	char *top, *end;		/* the free room of the newest block */
	size_t next_size;		/* the size of the next block */
	size_t unread;			/* text octets libxml2 did not read (xmlskip.h) */
	const char *in, *in_end;	/* the document's octets, where a text may be borrowed */
};

/* arena_block - a new newest block with room for n bytes (aligned) */
static __attribute__((noinline)) void
arena_block(struct xmltree *t, size_t n)
{
	size_t size = t->next_size > n ? t->next_size : n;
	struct xmltree_block *b = xmalloc(sizeof(*b) + size);

	b->size = size;
	b->next = t->blocks;
	t->blocks = b;
	t->top = b->data;
	t->end = b->data + size;
	if (t->next_size < ((size_t)1 << 20))
		t->next_size *= 2;
}

/* arena - n bytes (aligned) that live as long as the tree; never NULL */
static inline void *
arena(struct xmltree *t, size_t n)
{
	void *p;

	n = (n + XMLTREE_ALIGN - 1) & ~(size_t)(XMLTREE_ALIGN - 1);
	if ((size_t)(t->end - t->top) < n)
		arena_block(t, n);
	p = t->top;
	t->top += n;
	return p;
}

/* link_node - n (its room in the arena) as a node of type with nothing in it yet,
 * last child of parent (which may be NULL) */
static inline struct xmltree_node *
link_node(struct xmltree_node *n, struct xmltree_node *parent, enum xmltree_type type)
{
	*n = (struct xmltree_node){ .type = type, .parent = parent };
	if (parent != NULL) {
		n->prev = parent->last;
		if (parent->last != NULL)
			parent->last->next = n;
		else
			parent->kids = n;
		parent->last = n;
	}
	return n;
}

/* new_node - a zeroed node of type, last child of parent (which may be NULL) */
static inline struct xmltree_node *
new_node(struct xmltree *t, struct xmltree_node *parent, enum xmltree_type type)
{
	return link_node(arena(t, sizeof(struct xmltree_node)), parent, type);
}

/* text_room - make room for len more bytes (and a NUL) in text node x, extending
 * it in place when it is the arena's newest allocation; a borrowed text is copied
 * into the arena */
static void
text_room(struct xmltree *t, struct xmltree_node *x, size_t len)
{
	size_t need = x->len + len + 1, cap;
	char *p;

	if (need <= x->cap)
		return;
	cap = (need + XMLTREE_ALIGN - 1) & ~(size_t)(XMLTREE_ALIGN - 1);
	if (x->cap > 0 && x->text + x->cap == t->top &&
	    cap - x->cap <= (size_t)(t->end - t->top)) {
		t->top += cap - x->cap;
		x->cap = cap;
		return;
	}
	if (cap < 2 * x->cap)
		cap = 2 * x->cap;
	p = arena(t, cap);
	if (x->len > 0)
		memcpy(p, x->text, x->len);
	x->text = p;
	x->cap = cap;
}

/* text_node - a new text node under p holding len bytes at s, with room for room
 * more: the node and its text in one piece of the arena, the text last so that it
 * can grow in place */
static struct xmltree_node *
text_node(struct xmltree *t, struct xmltree_node *p, const char *s, size_t len,
    size_t room)
{
	size_t cap = (len + room + 1 + XMLTREE_ALIGN - 1) & ~(size_t)(XMLTREE_ALIGN - 1);
	struct xmltree_node *x;

	if ((size_t)(t->end - t->top) < sizeof(*x) + cap) {
		x = new_node(t, p, XMLTREE_TEXT);
		text_room(t, x, len + room);
	} else {			/* from the newest block, as arena() would */
		x = link_node((struct xmltree_node *)(void *)t->top, p, XMLTREE_TEXT);
		x->text = t->top + sizeof(*x);
		x->cap = cap;
		t->top += sizeof(*x) + cap;
	}
	if (len > 0)
		memcpy(x->text, s, len);
	x->len = len;
	x->text[len] = '\0';
	return x;
}

/*
 * settle - place the run of white space that ends p's content so far, now that an
 * element, a comment or (at_end) p's end tag follows it: as XML_PARSE_NOBLANKS, it is
 * dropped unless it is p's whole content, or p's first kid is text, or
 * xml:space="preserve" holds it. Text that follows anything but text starts anew.
 */
static inline void
settle(struct xmltree *t, struct xmltree_node *p, int at_end)
{
	int keep;

	t->open = NULL;
	if (t->blank_len == 0)
		return;
	keep = t->blank_preserve || (p->kids == NULL ? at_end : p->kids->type == XMLTREE_TEXT);
	if (keep)
		text_node(t, p, t->blank, t->blank_len, 0);
	t->blank_len = 0;
	t->blank_preserve = 0;
}

/* all_blank - 1 if s[0..len) is XML white space only. Most text fails at its first
 * octet; indentation (a line end and spaces) is looked at eight spaces at a time, its
 * last octets in one overlapping word. */
static int
all_blank(const xmlChar *s, int len)
{
	static const unsigned char blank[256] = {['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1};
	const uint64_t spaces = 0x2020202020202020u;
	uint64_t w;
	int i = 1;

	if (len <= 0 || !blank[s[0]])
		return len <= 0;
	for (; len - i >= 8; i += 8) {
		memcpy(&w, s + i, sizeof(w));
		if (w == spaces)
			continue;
		for (int k = 0; k < 8; k++)
			if (!blank[s[i + k]])
				return 0;
	}
	if (i < len && len > 8) {	/* s[len - 8..len) holds what is left */
		memcpy(&w, s + len - 8, sizeof(w));
		if (w == spaces)
			return 1;
	}
	while (i < len && blank[s[i]])
		i++;
	return i == len;
}

/* copy8, copy_short - 8 octets, and len octets, from s to d (apart): the runs of
 * white space between elements, most of 4 to 32 octets, in overlapping words */
static inline void
copy8(char *d, const xmlChar *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	memcpy(d, &w, sizeof(w));
}

static inline void
copy_short(char *d, const xmlChar *s, size_t len)
{
	uint32_t a, b;

	if (len > 32 || len < 4)
		memcpy(d, s, len);
	else if (len > 16) {
		copy8(d, s);
		copy8(d + 8, s + 8);
		copy8(d + len - 16, s + len - 16);
		copy8(d + len - 8, s + len - 8);
	} else if (len >= 8) {
		copy8(d, s);
		copy8(d + len - 8, s + len - 8);
	} else {
		memcpy(&a, s, sizeof(a));
		memcpy(&b, s + len - 4, sizeof(b));
		memcpy(d, &a, sizeof(a));
		memcpy(d + len - 4, &b, sizeof(b));
	}
}

/* attr_value - the value of an attribute as libxml2 hands it to a SAX handler, as
 * a string of the arena: without entity substitution it keeps an '&' as "&#38;" */
static const char *
attr_value(struct xmltree *t, const xmlChar *v, const xmlChar *end)
{
	size_t len = (size_t)(end - v), o = 0;
	char *s = arena(t, len + 1);

	for (size_t i = 0; i < len; i++) {
		if (v[i] == '&' && len - i >= 5 && memcmp(v + i, "&#38;", 5) == 0) {
			s[o++] = '&';
			i += 4;
		} else
			s[o++] = (char)v[i];
	}
	s[o] = '\0';
	return s;
}

/* add_attrs - n's nb_attributes attributes (quintuples as on_start has them), in order */
static __attribute__((noinline)) void
add_attrs(struct xmltree *t, struct xmltree_node *n, int nb_attributes,
    const xmlChar **attributes)
{
	struct xmltree_attr **tail = &n->attrs;

	for (int i = 0; i < nb_attributes; i++, attributes += 5) {
		struct xmltree_attr *a = arena(t, sizeof(*a));

		a->name = (const char *)attributes[0];
		a->value = attr_value(t, attributes[3], attributes[4]);
		a->next = NULL;
		*tail = a;
		tail = &a->next;
	}
}

/* on_start - an element begins: a node under the current one, with its attributes */
static void
on_start(void *user, const xmlChar *localname, const xmlChar *uri, int nb_attributes,
    const xmlChar **attributes)
{
	struct xmltree *t = user;
	struct xmltree_node *n;

	if (t->cur == NULL && t->root != NULL)
		return;		/* a second root: the parser refuses the document */
	if (t->cur != NULL)
		settle(t, t->cur, 0);
	n = new_node(t, t->cur, XMLTREE_ELEMENT);
	n->name = (const char *)localname;
	n->uri = (const char *)uri;
	if (nb_attributes > 0)
		add_attrs(t, n, nb_attributes, attributes);
	if (t->root == NULL)
		t->root = n;
	t->cur = n;
}

/* on_end - the current element ends */
static void
on_end(void *user)
{
	struct xmltree *t = user;

	if (t->cur == NULL)
		return;
	settle(t, t->cur, 1);
	t->cur = t->cur->parent;
}

/* borrowable - 1 if s[0..len) is a long run of the document's own octets, which a new
 * text node may borrow (xmltree.h) */
static inline int
borrowable(const struct xmltree *t, const char *s, size_t len)
{
	uintptr_t p = (uintptr_t)s;

	return len >= XMLTREE_BORROW_MIN && p >= (uintptr_t)t->in &&
	    p <= (uintptr_t)t->in_end && len <= (size_t)((uintptr_t)t->in_end - p);
}

/* on_text - character data: white space waits in t->blank until settle() places it
 * or text follows it; other text goes on the open text node, or a new one. A long run
 * that stands in the document is borrowed, and the run right after it in the document
 * joins it; anything else makes it a copy. */
static void
on_text(void *user, const xmlChar *s, int len, int preserve)
{
	struct xmltree *t = user;
	struct xmltree_node *x = t->open;

	if (t->cur == NULL || len <= 0)
		return;
	if (x == NULL && t->blank_len == 0 && borrowable(t, (const char *)s, (size_t)len)) {
		x = t->open = new_node(t, t->cur, XMLTREE_TEXT);
		x->text = (char *)(uintptr_t)s;		/* never written: cap is 0 */
		x->len = (size_t)len;
		return;
	}
	if (x != NULL && x->cap == 0 && (const char *)s == x->text + x->len &&
	    (size_t)len <= (size_t)((uintptr_t)t->in_end - (uintptr_t)s)) {
		x->len += (size_t)len;
		return;
	}
	if (x == NULL && all_blank(s, len)) {
		if (t->blank_len + (size_t)len > t->blank_cap) {
			t->blank_cap = 2 * (t->blank_len + (size_t)len);
			t->blank = xrealloc(t->blank, t->blank_cap);
		}
		copy_short(t->blank + t->blank_len, s, (size_t)len);
		t->blank_len += (size_t)len;
		t->blank_preserve |= preserve;
		return;
	}
	if (x == NULL) {		/* the white space before it belongs to it */
		x = t->open = text_node(t, t->cur, t->blank, t->blank_len, (size_t)len);
		t->blank_len = 0;
		t->blank_preserve = 0;
	} else
		text_room(t, x, (size_t)len);
	memcpy(x->text + x->len, s, (size_t)len);
	x->len += (size_t)len;
	x->text[x->len] = '\0';
}

/* on_other - a comment or processing instruction: a node without content */
static void
on_other(void *user)
{
	struct xmltree *t = user;

	if (t->cur == NULL)
		return;
	settle(t, t->cur, 0);
	new_node(t, t->cur, XMLTREE_OTHER);
}

/* free_blocks - free the arena's blocks */
static void
free_blocks(struct xmltree *t)
{
	while (t->blocks != NULL) {
		struct xmltree_block *b = t->blocks;

		t->blocks = b->next;
		free(b);
	}
	t->top = t->end = NULL;
}

/* on_reset - the document is told again from its start: forget the nodes, keep the
 * newest block (the first block's size) for the new ones */
static void
on_reset(void *user)
{
	struct xmltree *t = user;
	struct xmltree_block *keep = t->blocks;

	if (keep != NULL) {
		t->blocks = keep->next;
		free_blocks(t);
		keep->next = NULL;
		t->blocks = keep;
		t->top = keep->data;
		t->end = keep->data + keep->size;
	}
	t->root = t->cur = t->open = NULL;
	t->blank_len = 0;
	t->blank_preserve = 0;
}

static const struct xmlsafe_sax xmltree_sax = {
	.start = on_start,
	.end = on_end,
	.text = on_text,
	.other = on_other,
	.reset = on_reset,
};

int
xmltree_parse(const char *buf, size_t len, size_t max_bytes, int max_depth,
    struct xmltree **out, char *err, size_t errlen)
{
	struct xmltree *t = xcalloc(1, sizeof(*t));

	*out = NULL;
	t->in = buf;
	t->in_end = buf + len;
	/* an invoice's tree takes about twice its bytes: one block for most */
	t->next_size = len < XMLTREE_BLOCK_MIN / 2 ? XMLTREE_BLOCK_MIN : 2 * len;
	if (t->next_size > ((size_t)1 << 20))
		t->next_size = (size_t)1 << 20;
	if (xmlsafe_stream(buf, len, max_bytes, max_depth, &xmltree_sax, t, &t->dict,
	    &t->unread, err, errlen) != XMLSAFE_OK) {
		xmltree_free(t);
		return XMLSAFE_EBAD;
	}
	if (t->root == NULL) {
		snprintf(err, errlen, "XML has no root element");
		xmltree_free(t);
		return XMLSAFE_EBAD;
	}
	*out = t;
	return XMLSAFE_OK;
}

struct xmltree *
xmltree_free(struct xmltree *t)
{
	if (t != NULL) {
		free_blocks(t);
		if (t->dict != NULL)
			xmlDictFree(t->dict);
		free(t->blank);
		free(t);
	}
	return NULL;
}

size_t
xmltree_unread(const struct xmltree *t)
{
	return t->unread;
}

xmltree_ptr
xmltree_root(const struct xmltree *t)
{
	return t->root;
}

xmlDictPtr
xmltree_dict(const struct xmltree *t)
{
	return t->dict;
}

const char *
xmltree_attr(xmltree_ptr n, const char *name)
{
	if (n == NULL)
		return NULL;
	for (const struct xmltree_attr *a = n->attrs; a != NULL; a = a->next)
		if (strcmp(a->name, name) == 0)
			return a->value;
	return NULL;
}

/* content_len, content_copy - the length of n's text content, and a copy of it at out
 * (returns the end) */
static size_t
content_len(xmltree_ptr n)
{
	size_t len = 0;

	if (n->type == XMLTREE_TEXT)
		return n->len;
	for (xmltree_ptr k = n->kids; k != NULL; k = k->next)
		len += k->type == XMLTREE_OTHER ? 0 : content_len(k);
	return len;
}

static char *
content_copy(xmltree_ptr n, char *out)
{
	if (n->type == XMLTREE_TEXT) {
		memcpy(out, n->text, n->len);
		return out + n->len;
	}
	for (xmltree_ptr k = n->kids; k != NULL; k = k->next)
		if (k->type != XMLTREE_OTHER)
			out = content_copy(k, out);
	return out;
}

char *
xmltree_content(xmltree_ptr n)
{
	char *s, *end;

	if (n == NULL || n->type == XMLTREE_OTHER)
		return xstrdup("");
	s = xmalloc(content_len(n) + 1);
	end = content_copy(n, s);
	*end = '\0';
	return s;
}

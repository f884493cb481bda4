/*
 * inv_xml.c - the tree-walk helpers the UBL and CII readers share (invx_*, declared in
 * inv_priv.h): elements found by "prefix:local" names with the prefixes fixed here and
 * the namespace URIs compared, trimmed texts and attributes, booleans, dates, amounts.
 *
 * All XML content is untrusted: texts are copied and trimmed, amounts parsed exactly
 * (lib/util/dec.c) and a malformed one recorded in the model, never trusted.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inv_priv.h"
#include "util/xalloc.h"

/* The prefixes the readers use (all of three letters), and the namespaces they stand
 * for. */
#define INVX_PREFIX_LEN 3
static const struct {
	const char *prefix;
	const char *uri;
} invx_ns[] = {
	{ "cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" },
	{ "cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" },
	{ "ram", "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" },
	{ "rsm", INV_NS_CII },
	{ "udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" },
	{ NULL, NULL }
};

_Static_assert(sizeof(invx_ns) / sizeof(invx_ns[0]) - 1 <=
    sizeof(((struct invx_memo *)0)->ns_uri) / sizeof(((struct invx_memo *)0)->ns_uri[0]),
    "a memo has a namespace pointer for each prefix");

/* local_eq - is name exactly the len bytes of local (which hold no NUL)? Stops at the
 * first difference, so a shorter name is never read past its end. */
static inline int
local_eq(const char *name, const char *local, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (name[i] != local[i])
			return 0;
	return name[len] == '\0';
}

/* name_match - does element n have namespace URI uri and local name local (len bytes,
 * len > 0)? *seen is a namespace string of the tree already found equal to uri (the
 * tree's names are shared: siblings mostly hold the same pointer), or NULL. */
static int
name_match(xmltree_ptr n, const char *uri, const char *local, size_t len, const char **seen)
{
	if (n->type != XMLTREE_ELEMENT || n->uri == NULL || !local_eq(n->name, local, len))
		return 0;
	if (n->uri != *seen) {
		if (strcmp(n->uri, uri) != 0)
			return 0;
		*seen = n->uri;
	}
	return 1;
}

/* split - resolve "pfx:local" (up to len bytes) to a namespace URI and local part
 * (and *ns to the namespace's index in invx_ns) */
static const char *
split(const char *qname, size_t len, const char **local, size_t *local_len, int *ns)
{
	int i;

	/* every prefix has three letters (none a colon): "pfx:" or no known prefix */
	if (len <= INVX_PREFIX_LEN || qname[INVX_PREFIX_LEN] != ':')
		return NULL;
	for (i = 0; invx_ns[i].prefix != NULL; i++)
		if (invx_ns[i].prefix[0] == qname[0] && invx_ns[i].prefix[1] == qname[1] &&
		    invx_ns[i].prefix[2] == qname[2]) {
			*local = qname + INVX_PREFIX_LEN + 1;
			*local_len = len - (INVX_PREFIX_LEN + 1);
			*ns = i;
			return invx_ns[i].uri;
		}
	return NULL;
}

/* The memo of the document this thread reads (inv_priv.h), NULL for none; and whether
 * memos are used at all (invx_set_memo). */
static _Thread_local struct invx_memo *invx_cur;
static int invx_memo_on = 1;

void
invx_memo_begin(struct invx_memo *m, xmlDictPtr dict)
{
	memset(m, 0, sizeof(*m));
	m->dict = dict;
	invx_cur = dict != NULL ? m : NULL;
}

void
invx_memo_end(void)
{
	invx_cur = NULL;
}

void
invx_set_memo(int on)
{
	invx_memo_on = on != 0;
}

/* memo_find - the slot of invx_cur for the first len bytes of the constant qname: the
 * one holding it, else a free one; -1 when the few slots probed are all taken */
static inline int
memo_find(const char *qname, size_t len)
{
	/* Fibonacci hashing of the address: neighbouring constants spread */
	size_t h = (size_t)((((uint64_t)(uintptr_t)qname + len) * 0x9e3779b97f4a7c15ULL) >> 57)
	    & (INVX_MEMO_SLOTS - 1), i;

	_Static_assert(INVX_MEMO_SLOTS == 128, "the hash keeps 7 bits");

	for (i = 0; i < 8; i++, h = (h + 1) & (INVX_MEMO_SLOTS - 1))
		if (invx_cur->slot[h].qname == NULL ||
		    (invx_cur->slot[h].qname == qname && invx_cur->slot[h].len == len))
			return (int)h;
	return -1;
}

/* KID_WHOLE - kid_n's len for all of a NUL-terminated qname (measured only when the
 * memo does not know it already) */
#define KID_WHOLE SIZE_MAX

/* kid_n - first child of n named by the first len bytes of qname (KID_WHOLE: all) */
static xmltree_ptr
kid_n(xmltree_ptr n, const char *qname, size_t len)
{
	const char *uri, *local, *seen = NULL;
	size_t local_len;
	xmltree_ptr c;
	int h = -1, ns;

	if (n == NULL)
		return NULL;
	if (invx_cur != NULL && invx_memo_on && (h = memo_find(qname, len)) >= 0) {
		struct invx_memo *m = invx_cur;

		if (m->slot[h].qname == NULL) {		/* the first time in this document */
			if ((uri = split(qname, len == KID_WHOLE ? strlen(qname) : len, &local,
			    &local_len, &ns)) == NULL || local_len == 0)
				return NULL;
			m->slot[h].qname = qname;
			m->slot[h].len = len;
			m->slot[h].name = (const char *)xmlDictExists(m->dict,
			    (const xmlChar *)local, (int)local_len);
			m->slot[h].ns = ns;
		}
		if (m->slot[h].name == NULL)	/* no element of the document has that name */
			return NULL;
		/* the same name is the same pointer, a different pointer a different name;
		 * the namespace compared once a document, then its pointer */
		for (c = n->kids; c != NULL; c = c->next)
			if (c->name == m->slot[h].name && c->type == XMLTREE_ELEMENT &&
			    c->uri != NULL && (c->uri == m->ns_uri[m->slot[h].ns] ||
			    strcmp(c->uri, invx_ns[m->slot[h].ns].uri) == 0)) {
				m->ns_uri[m->slot[h].ns] = c->uri;
				return c;
			}
		return NULL;
	}
	if (len == KID_WHOLE)
		len = strlen(qname);
	if ((uri = split(qname, len, &local, &local_len, &ns)) == NULL || local_len == 0)
		return NULL;
	for (c = n->kids; c != NULL; c = c->next)	/* most differ in the first letter */
		if (c->type == XMLTREE_ELEMENT && c->name[0] == local[0] &&
		    name_match(c, uri, local, local_len, &seen))
			return c;
	return NULL;
}

xmltree_ptr
invx_kid(xmltree_ptr n, const char *qname)
{
	return kid_n(n, qname, KID_WHOLE);
}

xmltree_ptr
invx_next(xmltree_ptr n)
{
	xmltree_ptr c;

	if (n == NULL || n->uri == NULL)
		return NULL;
	for (c = n->next; c != NULL; c = c->next)
		if (c->type == XMLTREE_ELEMENT && c->uri != NULL &&
		    (c->name == n->name || strcmp(c->name, n->name) == 0) &&
		    (c->uri == n->uri || strcmp(c->uri, n->uri) == 0))
			return c;
	return NULL;
}

xmltree_ptr
invx_path(xmltree_ptr n, const char *path)
{
	const char *p = path, *slash;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		if (slash == NULL)
			return kid_n(n, p, KID_WHOLE);
		n = kid_n(n, p, (size_t)(slash - p));
		p = slash + 1;
	}
	return n;
}

int
invx_is(xmltree_ptr n, const char *qname)
{
	const char *uri, *local, *seen = NULL;
	size_t local_len;
	int ns;

	if (n == NULL || (uri = split(qname, strlen(qname), &local, &local_len, &ns)) == NULL ||
	    local_len == 0)
		return 0;
	return name_match(n, uri, local, local_len, &seen);
}

/* trim_span - s without leading/trailing XML whitespace: its start, and its length in
 * *len (0 when s is NULL or blank) */
static const char *
trim_span(const char *s, size_t *len)
{
	size_t n;

	*len = 0;
	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	*len = n;
	return s;
}

/* trim_dup - copy s without leading/trailing XML whitespace; NULL if blank */
static char *
trim_dup(const char *s)
{
	size_t len;

	s = trim_span(s, &len);
	return len ? xmemdup(s, len) : NULL;	/* no NUL in the len bytes */
}

/* one_text - the text of n's single text child, NULL when n has other content or the
 * text is borrowed from the document, without a NUL (then xmltree_content() gives it) */
static const char *
one_text(xmltree_ptr n)
{
	if (n->kids != NULL && n->kids->next == NULL && n->kids->type == XMLTREE_TEXT &&
	    n->kids->cap > 0)
		return n->kids->text;
	return NULL;
}

char *
invx_text(xmltree_ptr n)
{
	const char *one;
	char *c, *s;

	if (n == NULL)
		return NULL;
	/* the common case: a single text child, read without a copy */
	if ((one = one_text(n)) != NULL)
		return trim_dup(one);
	c = xmltree_content(n);
	s = trim_dup(c);
	free(c);
	return s;
}

char *
invx_attr(xmltree_ptr n, const char *name)
{
	return trim_dup(xmltree_attr(n, name));
}

int
invx_text_eq(xmltree_ptr n, const char *lit)
{
	const char *one;
	char *t;
	size_t len;
	int eq;

	if (n != NULL && (one = one_text(n)) != NULL) {	/* compared where it is */
		one = trim_span(one, &len);
		return len > 0 && strlen(lit) == len && strncasecmp(one, lit, len) == 0;
	}
	t = invx_text(n);
	eq = t != NULL && strcasecmp(t, lit) == 0;

	free(t);
	return eq;
}

int
invx_bool(xmltree_ptr n)
{
	char *t = invx_text(n);
	int v = -1;

	if (t != NULL) {
		if (strcmp(t, "true") == 0 || strcmp(t, "1") == 0)
			v = 1;
		else if (strcmp(t, "false") == 0 || strcmp(t, "0") == 0)
			v = 0;
	}
	free(t);
	return v;
}

char *
invx_date(xmltree_ptr n)
{
	char *t = invx_text(n), *d;
	size_t i;

	if (t == NULL || strlen(t) != 8)
		return t;
	for (i = 0; i < 8; i++)
		if (t[i] < '0' || t[i] > '9')
			return t;
	d = xasprintf("%.4s-%.2s-%.2s", t, t + 4, t + 6);
	free(t);
	return d;
}

/* element_name - "prefix:name" style label of n for messages (static buffer per call) */
static const char *
element_name(xmltree_ptr n, char *buf, size_t len)
{
	snprintf(buf, len, "%s", (const char *)n->name);
	return buf;
}

void
invx_amount(inv_invoice *inv, xmltree_ptr n, dec_t *v, int *has, int check_currency)
{
	char *t, name[64];
	const char *one, *cur;
	size_t curlen;
	int rc = DEC_ESYNTAX;

	*has = 0;
	if (n == NULL)
		return;
	/* the common case: one text child holding a number, parsed where it is (dec_parse
	 * skips the white space trim_dup drops); anything else as before */
	if ((one = one_text(n)) != NULL && dec_parse(one, v) == 0)
		goto parsed;
	t = invx_text(n);
	if (t == NULL || (rc = dec_parse(t, v)) < 0) {
		if (inv->n_bad_amounts++ == 0) {
			inv->bad_amount_where = xstrdup(element_name(n, name, sizeof(name)));
			inv->bad_amount_value = xstrdup(t != NULL ? t : "");
			inv->bad_amount_reason = dec_strerror(t != NULL ? rc : DEC_ESYNTAX);
		}
		free(t);
		return;
	}
	free(t);
parsed:
	*has = 1;
	if (!check_currency)
		return;
	/* the trimmed currencyID, compared where it is; the common case, equal to BT-5
	 * (itself trimmed and not blank) as it stands, at once */
	cur = xmltree_attr(n, "currencyID");
	if (cur != NULL && inv->currency != NULL && strcmp(cur, inv->currency) == 0)
		return;
	cur = trim_span(cur, &curlen);
	if (curlen > 0 && inv->currency != NULL &&
	    (strlen(inv->currency) != curlen || memcmp(cur, inv->currency, curlen) != 0)) {
		if (inv->n_foreign_currency++ == 0) {
			inv->foreign_currency = xstrndup(cur, curlen);
			inv->foreign_currency_where =
			    xstrdup(element_name(n, name, sizeof(name)));
		}
	}
}

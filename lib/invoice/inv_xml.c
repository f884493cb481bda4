/*
 * inv_xml.c - the tree-walk helpers the UBL and CII readers share (invx_*, declared in
 * inv_priv.h): elements found by "prefix:local" names with the prefixes fixed here and
 * the namespace URIs compared, trimmed texts and attributes, booleans, dates, amounts.
 *
 * All XML content is untrusted: texts are copied and trimmed, amounts parsed exactly
 * (lib/util/dec.c) and a malformed one recorded in the model, never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inv_priv.h"
#include "util/xalloc.h"

/* The prefixes the readers use, and the namespaces they stand for. */
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

/* name_match - does element n have namespace URI uri and local name local (len bytes)? */
static int
name_match(xmlNodePtr n, const char *uri, const char *local, size_t len)
{
	const char *name;

	if (n->type != XML_ELEMENT_NODE || n->ns == NULL || n->ns->href == NULL)
		return 0;
	name = (const char *)n->name;
	return strncmp(name, local, len) == 0 && name[len] == '\0' &&
	    strcmp((const char *)n->ns->href, uri) == 0;
}

/* split - resolve "pfx:local" (up to len bytes) to a namespace URI and local part */
static const char *
split(const char *qname, size_t len, const char **local, size_t *local_len)
{
	const char *colon = memchr(qname, ':', len);
	size_t i;

	if (colon == NULL)
		return NULL;
	for (i = 0; invx_ns[i].prefix != NULL; i++)
		if (strlen(invx_ns[i].prefix) == (size_t)(colon - qname) &&
		    strncmp(invx_ns[i].prefix, qname, (size_t)(colon - qname)) == 0) {
			*local = colon + 1;
			*local_len = len - (size_t)(colon + 1 - qname);
			return invx_ns[i].uri;
		}
	return NULL;
}

/* kid_n - first child of n named by the first len bytes of qname */
static xmlNodePtr
kid_n(xmlNodePtr n, const char *qname, size_t len)
{
	const char *uri, *local;
	size_t local_len;
	xmlNodePtr c;

	if (n == NULL || (uri = split(qname, len, &local, &local_len)) == NULL)
		return NULL;
	for (c = n->children; c != NULL; c = c->next)
		if (name_match(c, uri, local, local_len))
			return c;
	return NULL;
}

xmlNodePtr
invx_kid(xmlNodePtr n, const char *qname)
{
	return kid_n(n, qname, strlen(qname));
}

xmlNodePtr
invx_next(xmlNodePtr n)
{
	xmlNodePtr c;

	if (n == NULL || n->ns == NULL)
		return NULL;
	for (c = n->next; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
		    xmlStrEqual(c->name, n->name) && xmlStrEqual(c->ns->href, n->ns->href))
			return c;
	return NULL;
}

xmlNodePtr
invx_path(xmlNodePtr n, const char *path)
{
	const char *p = path, *slash;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		if (slash == NULL)
			return kid_n(n, p, strlen(p));
		n = kid_n(n, p, (size_t)(slash - p));
		p = slash + 1;
	}
	return n;
}

int
invx_is(xmlNodePtr n, const char *qname)
{
	const char *uri, *local;
	size_t local_len;

	if (n == NULL || (uri = split(qname, strlen(qname), &local, &local_len)) == NULL)
		return 0;
	return name_match(n, uri, local, local_len);
}

/* trim_dup - copy s without leading/trailing XML whitespace; NULL if blank */
static char *
trim_dup(const char *s)
{
	size_t len;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
	    s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	return len ? xstrndup(s, len) : NULL;
}

char *
invx_text(xmlNodePtr n)
{
	xmlChar *c;
	char *s;

	if (n == NULL)
		return NULL;
	/* the common case: a single text child, read without a copy */
	if (n->children != NULL && n->children->next == NULL &&
	    n->children->type == XML_TEXT_NODE)
		return trim_dup((const char *)n->children->content);
	c = xmlNodeGetContent(n);
	s = trim_dup((const char *)c);
	xmlFree(c);
	return s;
}

char *
invx_attr(xmlNodePtr n, const char *name)
{
	xmlChar *v;
	char *s;

	if (n == NULL || (v = xmlGetProp(n, (const xmlChar *)name)) == NULL)
		return NULL;
	s = trim_dup((const char *)v);
	xmlFree(v);
	return s;
}

int
invx_text_eq(xmlNodePtr n, const char *lit)
{
	char *t = invx_text(n);
	int eq = t != NULL && strcasecmp(t, lit) == 0;

	free(t);
	return eq;
}

int
invx_bool(xmlNodePtr n)
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
invx_date(xmlNodePtr n)
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
element_name(xmlNodePtr n, char *buf, size_t len)
{
	snprintf(buf, len, "%s", (const char *)n->name);
	return buf;
}

void
invx_amount(inv_invoice *inv, xmlNodePtr n, dec_t *v, int *has, int check_currency)
{
	char *t, *cur, name[64];
	int rc = DEC_ESYNTAX;

	*has = 0;
	if (n == NULL)
		return;
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
	*has = 1;
	if (!check_currency)
		return;
	cur = invx_attr(n, "currencyID");
	if (cur != NULL && inv->currency != NULL && strcmp(cur, inv->currency) != 0) {
		if (inv->n_foreign_currency++ == 0) {
			inv->foreign_currency = xstrdup(cur);
			inv->foreign_currency_where =
			    xstrdup(element_name(n, name, sizeof(name)));
		}
	}
	free(cur);
}

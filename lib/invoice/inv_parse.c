/*
 * inv_parse.c - parse an invoice: load the XML safely, recognise the syntax by
 * its root element and namespace (never by a file name), and dispatch to the UBL
 * or CII reader. Also the tree-walk helpers both readers use.
 *
 * All input is untrusted (lib/xmlsafe.c loads it). The readers walk the tree
 * directly: no XPath is compiled, each element is visited a bounded number of
 * times, and nothing is quadratic in the number of lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "inv_priv.h"
#include "util/xalloc.h"
#include "xmlsafe.h"

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

/* detect - which syntax the root element is; 0 with syntax and doctype set, or -1 */
static int
detect(xmlNodePtr root, enum inv_syntax *syntax, enum inv_doctype *doctype)
{
	const char *href = root->ns != NULL ? (const char *)root->ns->href : NULL;

	if (href == NULL)
		return -1;
	if (strcmp(href, INV_NS_UBL_INVOICE) == 0 && xmlStrEqual(root->name, BAD_CAST "Invoice")) {
		*syntax = INV_SYNTAX_UBL;
		*doctype = INV_DOC_INVOICE;
		return 0;
	}
	if (strcmp(href, INV_NS_UBL_CREDITNOTE) == 0 &&
	    xmlStrEqual(root->name, BAD_CAST "CreditNote")) {
		*syntax = INV_SYNTAX_UBL;
		*doctype = INV_DOC_CREDIT_NOTE;
		return 0;
	}
	if (strcmp(href, INV_NS_CII) == 0 &&
	    xmlStrEqual(root->name, BAD_CAST "CrossIndustryInvoice")) {
		*syntax = INV_SYNTAX_CII;
		*doctype = INV_DOC_INVOICE;	/* refined from the type code */
		return 0;
	}
	return -1;
}

int
inv_parse(const char *buf, size_t len, inv_invoice **out, char *err, size_t errlen)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	inv_invoice *inv;
	enum inv_syntax syntax;
	enum inv_doctype doctype;
	char name[80], ns[120];

	*out = NULL;
	if (xmlsafe_parse(buf, len, 0, 0, &doc, err, errlen) != XMLSAFE_OK)
		return INV_EBAD;
	root = xmlDocGetRootElement(doc);
	if (detect(root, &syntax, &doctype) < 0) {
		snprintf(name, sizeof(name), "%s", (const char *)root->name);
		snprintf(ns, sizeof(ns), "%s", root->ns != NULL && root->ns->href != NULL ?
		    (const char *)root->ns->href : "no namespace");
		snprintf(err, errlen, "not an invoice: root element <%s> in namespace %s "
		    "(expected UBL Invoice/CreditNote or CII CrossIndustryInvoice)", name, ns);
		xmlFreeDoc(doc);
		return INV_NOT_INVOICE;
	}
	inv = xcalloc(1, sizeof(*inv));
	inv->syntax = syntax;
	inv->doctype = doctype;
	if (syntax == INV_SYNTAX_UBL)
		inv_ubl_read(root, inv);
	else
		inv_cii_read(root, inv);
	if (inv->profile == NULL)
		inv_set_profile(inv);
	xmlFreeDoc(doc);
	*out = inv;
	return INV_OK;
}

/*
 * inv_parse.c - parse an invoice: load the XML safely, recognise the syntax by
 * its root element and namespace (never by a file name), and dispatch to the UBL
 * or CII reader (their tree-walk helpers are inv_xml.c's).
 *
 * All input is untrusted (xmltree.c loads it, behind xmlsafe's guards). The readers
 * walk the compact tree directly: no XPath is compiled, each element is visited a
 * bounded number of times, and nothing is quadratic in the number of lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inv_priv.h"
#include "util/xalloc.h"

/* detect - which syntax the root element is; 0 with syntax and doctype set, or -1 */
static int
detect(xmltree_ptr root, enum inv_syntax *syntax, enum inv_doctype *doctype)
{
	const char *href = root->uri;

	if (href == NULL)
		return -1;
	if (strcmp(href, INV_NS_UBL_INVOICE) == 0 && strcmp(root->name, "Invoice") == 0) {
		*syntax = INV_SYNTAX_UBL;
		*doctype = INV_DOC_INVOICE;
		return 0;
	}
	if (strcmp(href, INV_NS_UBL_CREDITNOTE) == 0 &&
	    strcmp(root->name, "CreditNote") == 0) {
		*syntax = INV_SYNTAX_UBL;
		*doctype = INV_DOC_CREDIT_NOTE;
		return 0;
	}
	if (strcmp(href, INV_NS_CII) == 0 &&
	    strcmp(root->name, "CrossIndustryInvoice") == 0) {
		*syntax = INV_SYNTAX_CII;
		*doctype = INV_DOC_INVOICE;	/* refined from the type code */
		return 0;
	}
	return -1;
}

int
inv_parse(const char *buf, size_t len, inv_invoice **out, char *err, size_t errlen)
{
	struct xmltree *doc;
	struct invx_memo memo;
	xmltree_ptr root;
	inv_invoice *inv;
	enum inv_syntax syntax;
	enum inv_doctype doctype;
	char name[80], ns[120];

	*out = NULL;
	if (xmltree_parse(buf, len, 0, 0, &doc, err, errlen) != XMLSAFE_OK)
		return INV_EBAD;
	root = xmltree_root(doc);
	if (detect(root, &syntax, &doctype) < 0) {
		snprintf(name, sizeof(name), "%s", (const char *)root->name);
		snprintf(ns, sizeof(ns), "%s", root->uri != NULL ? root->uri : "no namespace");
		snprintf(err, errlen, "not an invoice: root element <%s> in namespace %s "
		    "(expected UBL Invoice/CreditNote or CII CrossIndustryInvoice)", name, ns);
		xmltree_free(doc);
		return INV_NOT_INVOICE;
	}
	inv = xcalloc(1, sizeof(*inv));
	inv->syntax = syntax;
	inv->doctype = doctype;
	invx_memo_begin(&memo, xmltree_dict(doc));	/* the readers' names, looked up once */
	if (syntax == INV_SYNTAX_UBL)
		inv_ubl_read(root, inv);
	else
		inv_cii_read(root, inv);
	invx_memo_end();
	if (inv->profile == NULL)
		inv_set_profile(inv);
	xmltree_free(doc);
	*out = inv;
	return INV_OK;
}

/*
 * xmlsafe.c - load untrusted XML with libxml2, safely.
 *
 * All input is untrusted. Parsing runs with XML_PARSE_NONET, without
 * XML_PARSE_NOENT/DTDLOAD/DTDATTR/HUGE, so libxml2 neither substitutes entities
 * nor fetches anything and keeps its own size limits. On top of that, SAX hooks
 * refuse any DOCTYPE (internal or external subset) before a declaration is read,
 * and count element depth, stopping the parser beyond the cap. The size cap is
 * checked before libxml2 sees a byte.
 *
 * The white space between elements is not kept (XML_PARSE_NOBLANKS): the readers never
 * look at it, and in an indented invoice it was half of the tree's nodes. White space
 * that is an element's whole content, or that sits beside other text, is kept.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "xmlsafe.h"

/* What the SAX hooks learn while the parser runs. */
struct xmlsafe_state {
	startElementNsSAX2Func start_element;	/* libxml2's own handlers */
	endElementNsSAX2Func end_element;
	int depth, max_depth;
	int refused;				/* 1 once a hook stopped the parser */
	char reason[160];
};

static pthread_once_t xmlsafe_once = PTHREAD_ONCE_INIT;

static void
xmlsafe_init_once(void)
{
	xmlInitParser();
}

void
xmlsafe_init(void)
{
	pthread_once(&xmlsafe_once, xmlsafe_init_once);
}

/* refuse - record why and stop the parser */
static void
refuse(xmlParserCtxtPtr ctxt, struct xmlsafe_state *st, const char *why)
{
	if (!st->refused) {
		st->refused = 1;
		snprintf(st->reason, sizeof(st->reason), "%s at line %d", why,
		    xmlSAX2GetLineNumber(ctxt));
	}
	xmlStopParser(ctxt);
}

/* hook_subset - any DOCTYPE is refused: entity bombs and external entities live there */
static void
hook_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)system_id;
	(void)external_id;
	refuse(ctxt, ctxt->_private, "DOCTYPE/DTD refused (no entity declarations or "
	    "external entities are allowed in an invoice)");
}

/* hook_entity_decl - belt and braces: never accept an entity declaration */
static void
hook_entity_decl(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
    const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void)name;
	(void)type;
	(void)public_id;
	(void)system_id;
	(void)content;
	refuse(ctxt, ctxt->_private, "entity declaration refused");
}

/* hook_start - count depth, then let libxml2 build the element */
static void
hook_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xmlsafe_state *st = ctxt->_private;
	char why[80];

	if (st->refused)
		return;
	if (++st->depth > st->max_depth) {
		snprintf(why, sizeof(why), "elements nested deeper than %d levels",
		    st->max_depth);
		refuse(ctxt, st, why);
		return;
	}
	st->start_element(ctx, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
}

static void
hook_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xmlsafe_state *st = ctxt->_private;

	if (st->refused)
		return;
	st->depth--;
	st->end_element(ctx, localname, prefix, uri);
}

/*
 * silent, silent_structured - libxml2 error handlers that print nothing: some errors
 * (a declared encoding that does not match the bytes) bypass XML_PARSE_NOERROR and
 * would reach stderr. The reason still reaches the caller through xmlCtxtGetLastError.
 */
static void
silent(void *ctx, const char *msg, ...)
{
	(void) ctx, (void) msg;
}

static void
silent_structured(void *ctx, xmlErrorPtr error)
{
	(void) ctx, (void) error;
}

/* one_line - copy msg into buf without line breaks or trailing blanks */
static void
one_line(char *buf, size_t len, const char *msg)
{
	size_t o = 0;

	if (len == 0)
		return;
	for (; msg != NULL && *msg != '\0' && o + 1 < len; msg++)
		buf[o++] = (*msg == '\n' || *msg == '\r' || *msg == '\t') ? ' ' : *msg;
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
}

int
xmlsafe_parse(const char *buf, size_t len, size_t max_bytes, int max_depth,
    xmlDocPtr *out, char *err, size_t errlen)
{
	struct xmlsafe_state st;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlError *xe;
	char msg[256];
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES | XML_PARSE_NOBLANKS;

	*out = NULL;
	if (max_bytes == 0)
		max_bytes = XMLSAFE_MAX_BYTES_DEFAULT;
	if (max_depth <= 0)
		max_depth = XMLSAFE_MAX_DEPTH_DEFAULT;
	if (buf == NULL || len == 0) {
		snprintf(err, errlen, "empty input (0 bytes)");
		return XMLSAFE_EBAD;
	}
	if (len > max_bytes) {
		snprintf(err, errlen, "XML of %zu bytes exceeds the limit of %zu bytes",
		    len, max_bytes);
		return XMLSAFE_EBAD;
	}
	if (len > (size_t)INT_MAX) {
		snprintf(err, errlen, "XML of %zu bytes is too large", len);
		return XMLSAFE_EBAD;
	}
	xmlsafe_init();
	/* libxml2 keeps these per thread: set them in the thread that parses. */
	xmlSetGenericErrorFunc(NULL, silent);
	xmlSetStructuredErrorFunc(NULL, silent_structured);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		snprintf(err, errlen, "cannot create an XML parser");
		return XMLSAFE_EBAD;
	}
	memset(&st, 0, sizeof(st));
	st.max_depth = max_depth;
	st.start_element = ctxt->sax->startElementNs;
	st.end_element = ctxt->sax->endElementNs;
	ctxt->_private = &st;
	ctxt->sax->internalSubset = hook_subset;
	ctxt->sax->externalSubset = hook_subset;
	ctxt->sax->entityDecl = hook_entity_decl;
	ctxt->sax->startElementNs = hook_start;
	ctxt->sax->endElementNs = hook_end;

	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL, opts);
	if (st.refused) {
		snprintf(err, errlen, "XML refused: %s", st.reason);
		goto fail;
	}
	if (doc == NULL || !ctxt->wellFormed) {
		xe = xmlCtxtGetLastError(ctxt);
		if (xe != NULL && xe->message != NULL) {
			one_line(msg, sizeof(msg), xe->message);
			snprintf(err, errlen, "XML not well-formed at line %d: %s",
			    xe->line, msg);
		} else
			snprintf(err, errlen, "XML not well-formed");
		goto fail;
	}
	if (xmlDocGetRootElement(doc) == NULL) {
		snprintf(err, errlen, "XML has no root element");
		goto fail;
	}
	xmlFreeParserCtxt(ctxt);
	*out = doc;
	return XMLSAFE_OK;
fail:
	if (doc != NULL)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return XMLSAFE_EBAD;
}

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
 * Two ways out: xmlsafe_parse() builds libxml2's own tree, xmlsafe_stream() hands the
 * elements, text and the rest to a caller's handlers instead (lib/invoice/xmltree.c
 * builds its compact tree so), behind the same guards; in that mode any entity
 * reference but the predefined ones and character references is refused as well.
 *
 * xmlsafe_parse() does not keep the white space between elements (XML_PARSE_NOBLANKS):
 * the readers never look at it, and in an indented invoice it was half of the tree's
 * nodes. White space that is an element's whole content, or that sits beside other
 * text, is kept.
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
	const struct xmlsafe_sax *sink;		/* xmlsafe_stream's handlers, or NULL */
	void *user;				/* their first argument */
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
	if (st->sink != NULL)
		st->sink->start(st->user, localname, uri, nb_attributes, attributes);
	else
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
	if (st->sink != NULL)
		st->sink->end(st->user);
	else
		st->end_element(ctx, localname, prefix, uri);
}

/* hook_text - character data (and white space) to the sink; preserve: xml:space */
static void
hook_text(void *ctx, const xmlChar *s, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xmlsafe_state *st = ctxt->_private;

	if (!st->refused)
		st->sink->text(st->user, s, len, ctxt->space != NULL && *ctxt->space == 1);
}

/* hook_comment, hook_pi - a comment or processing instruction, told as such */
static void
hook_comment(void *ctx, const xmlChar *value)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct xmlsafe_state *st = ctxt->_private;

	(void) value;
	if (!st->refused)
		st->sink->other(st->user);
}

static void
hook_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
	(void) target, (void) data;
	hook_comment(ctx, NULL);
}

/* hook_reference - a reference to a declared entity: there are none to have */
static void
hook_reference(void *ctx, const xmlChar *name)
{
	xmlParserCtxtPtr ctxt = ctx;

	(void) name;
	refuse(ctxt, ctxt->_private, "entity reference refused");
}

/* hook_document - no document is built for a sink */
static void
hook_document(void *ctx)
{
	(void) ctx;
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

/* check_input - the caps checked before libxml2 sees a byte; XMLSAFE_OK or EBAD */
static int
check_input(const char *buf, size_t len, size_t max_bytes, char *err, size_t errlen)
{
	if (max_bytes == 0)
		max_bytes = XMLSAFE_MAX_BYTES_DEFAULT;
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
	return XMLSAFE_OK;
}

/* guard - install the hooks on a new context; sink NULL keeps libxml2's tree builder */
static void
guard(xmlParserCtxtPtr ctxt, struct xmlsafe_state *st, int max_depth,
    const struct xmlsafe_sax *sink, void *user)
{
	memset(st, 0, sizeof(*st));
	st->max_depth = max_depth > 0 ? max_depth : XMLSAFE_MAX_DEPTH_DEFAULT;
	st->start_element = ctxt->sax->startElementNs;
	st->end_element = ctxt->sax->endElementNs;
	st->sink = sink;
	st->user = user;
	ctxt->_private = st;
	ctxt->sax->internalSubset = hook_subset;
	ctxt->sax->externalSubset = hook_subset;
	ctxt->sax->entityDecl = hook_entity_decl;
	ctxt->sax->startElementNs = hook_start;
	ctxt->sax->endElementNs = hook_end;
	if (sink != NULL) {
		ctxt->sax->startDocument = hook_document;
		ctxt->sax->endDocument = hook_document;
		ctxt->sax->characters = hook_text;
		ctxt->sax->ignorableWhitespace = hook_text;
		ctxt->sax->comment = hook_comment;
		ctxt->sax->processingInstruction = hook_pi;
		ctxt->sax->reference = hook_reference;
	}
}

/* outcome - XMLSAFE_OK if the parse went through, else EBAD with the reason in err */
static int
outcome(xmlParserCtxtPtr ctxt, const struct xmlsafe_state *st, int parsed, char *err,
    size_t errlen)
{
	const xmlError *xe;
	char msg[256];

	if (st->refused) {
		snprintf(err, errlen, "XML refused: %s", st->reason);
		return XMLSAFE_EBAD;
	}
	if (!parsed || !ctxt->wellFormed) {
		xe = xmlCtxtGetLastError(ctxt);
		if (xe != NULL && xe->message != NULL) {
			one_line(msg, sizeof(msg), xe->message);
			snprintf(err, errlen, "XML not well-formed at line %d: %s",
			    xe->line, msg);
		} else
			snprintf(err, errlen, "XML not well-formed");
		return XMLSAFE_EBAD;
	}
	return XMLSAFE_OK;
}

/* new_context - a parser context whose errors print nothing, or NULL with err set */
static xmlParserCtxtPtr
new_context(char *err, size_t errlen)
{
	xmlParserCtxtPtr ctxt;

	xmlsafe_init();
	/* libxml2 keeps these per thread: set them in the thread that parses. */
	xmlSetGenericErrorFunc(NULL, silent);
	xmlSetStructuredErrorFunc(NULL, silent_structured);
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		snprintf(err, errlen, "cannot create an XML parser");
	return ctxt;
}

int
xmlsafe_parse(const char *buf, size_t len, size_t max_bytes, int max_depth,
    xmlDocPtr *out, char *err, size_t errlen)
{
	struct xmlsafe_state st;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc, opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA | XML_PARSE_COMPACT | XML_PARSE_BIG_LINES | XML_PARSE_NOBLANKS;

	*out = NULL;
	if (check_input(buf, len, max_bytes, err, errlen) != XMLSAFE_OK ||
	    (ctxt = new_context(err, errlen)) == NULL)
		return XMLSAFE_EBAD;
	guard(ctxt, &st, max_depth, NULL, NULL);
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL, opts);
	rc = outcome(ctxt, &st, doc != NULL, err, errlen);
	if (rc == XMLSAFE_OK && xmlDocGetRootElement(doc) == NULL) {
		snprintf(err, errlen, "XML has no root element");
		rc = XMLSAFE_EBAD;
	}
	if (rc != XMLSAFE_OK && doc != NULL)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	if (rc == XMLSAFE_OK)
		*out = doc;
	return rc;
}

int
xmlsafe_stream(const char *buf, size_t len, size_t max_bytes, int max_depth,
    const struct xmlsafe_sax *sink, void *user, xmlDictPtr *dict, char *err, size_t errlen)
{
	struct xmlsafe_state st;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc, opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;

	*dict = NULL;
	if (check_input(buf, len, max_bytes, err, errlen) != XMLSAFE_OK ||
	    (ctxt = new_context(err, errlen)) == NULL)
		return XMLSAFE_EBAD;
	guard(ctxt, &st, max_depth, sink, user);
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL, opts);
	if (doc != NULL)		/* none is built; belt and braces */
		xmlFreeDoc(doc);
	rc = outcome(ctxt, &st, 1, err, errlen);
	if (rc == XMLSAFE_OK && ctxt->dict != NULL) {
		xmlDictReference(ctxt->dict);
		*dict = ctxt->dict;
	}
	xmlFreeParserCtxt(ctxt);
	return rc;
}

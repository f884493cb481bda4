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
 * A stream's sink that can be reset is spared the long base64 runs libxml2 need not
 * tokenise (an invoice's embedded PDF, lib/invoice/xmlskip.c): libxml2 parses a copy
 * without them, and when a start tag's '>' turns up exactly where a run was cut, the
 * run goes to the sink as that element's text, as libxml2 would have told it. The
 * copy's parse stands only if it went through and every run was so proven; otherwise
 * the sink is reset and the original is parsed, so verdicts and error messages are
 * those of the original's parse.
 *
 * Before either, a stream's sink that can be reset is offered to the fast reader
 * (lib/invoice/xmlfast.c): a document that is plainly well-formed UTF-8 XML with
 * namespaces is read there in one pass, without libxml2, and the sink told what
 * libxml2 would have told it. Anything else the fast reader leaves alone, having
 * perhaps told the sink part of it: the sink is reset and the paths above read the
 * document, so that verdicts and error messages are always libxml2's.
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
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "xmlfast.h"
#include "xmlsafe.h"
#include "xmlskip.h"

/* What the SAX hooks learn while the parser runs. */
struct xmlsafe_state {
	startElementNsSAX2Func start_element;	/* libxml2's own handlers */
	endElementNsSAX2Func end_element;
	const struct xmlsafe_sax *sink;		/* xmlsafe_stream's handlers, or NULL */
	void *user;				/* their first argument */
	int depth, max_depth;
	int refused;				/* 1 once a hook stopped the parser */
	const struct xmlskip *skip;		/* the runs cut out of the input, or NULL */
	size_t next_run;			/* the first run not yet proven */
	int missed;				/* 1 once a run could not be proven */
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

/* splice_text - a run to the sink as libxml2 tells character data: CR LF and a lone
 * CR as LF */
static void
splice_text(const struct xmlsafe_state *st, const char *s, size_t len, int preserve)
{
	while (len > 0) {
		const char *cr = memchr(s, '\r', len);
		size_t n = cr != NULL ? (size_t)(cr - s) : len;

		if (n > 0)
			st->sink->text(st->user, (const xmlChar *)s, (int)n, preserve);
		if (cr == NULL)
			break;
		st->sink->text(st->user, (const xmlChar *)"\n", 1, preserve);
		n++;
		if (n < len && s[n] == '\n')
			n++;
		s += n;
		len -= n;
	}
}

/*
 * splice - an element began: if the parser stands on the '>' after which the next
 * run was cut, its start tag ends there and the run was the element's text: hand it
 * on. A run the parser went past otherwise (in a comment, a CDATA section, ...) or
 * input libxml2 converts (its offsets are not the copy's) stops the parse: the
 * original is parsed instead.
 */
static void
splice(xmlParserCtxtPtr ctxt, struct xmlsafe_state *st)
{
	const struct xmlskip_run *r = &st->skip->runs[st->next_run];
	xmlParserInputPtr in = ctxt->input;
	size_t off = (size_t)in->consumed + (size_t)(in->cur - in->base);

	if ((in->buf == NULL || in->buf->encoder == NULL) && off <= r->gt) {
		if (off < r->gt)
			return;		/* not there yet */
		if (in->cur[0] == '>' && in->cur[1] == '<') {
			splice_text(st, r->text, r->len,
			    ctxt->space != NULL && *ctxt->space == 1);
			st->next_run++;
			return;
		}
	}
	st->missed = 1;
	xmlStopParser(ctxt);
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
	if (st->sink != NULL) {
		st->sink->start(st->user, localname, uri, nb_attributes, attributes);
		if (st->skip != NULL && st->next_run < st->skip->nruns)
			splice(ctxt, st);
	} else
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

/* plain_utf8 - 1 if libxml2 reads buf as it is: no byte order mark but UTF-8's, no
 * encoding declared but UTF-8 (the offsets splice() compares are then the buffer's) */
static int
plain_utf8(const char *buf, size_t len)
{
	const char *decl_end, *enc;
	size_t n;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (len < 4 || buf[0] != '<' || buf[1] == '\0')
		return 0;
	if (memcmp(buf, "<?xml", len < 5 ? len : 5) != 0)
		return 1;
	n = len < 256 ? len : 256;
	if ((decl_end = memmem(buf, n, "?>", 2)) == NULL)
		return 0;
	if ((enc = memmem(buf, (size_t)(decl_end - buf), "encoding", 8)) == NULL)
		return 1;
	enc += 8;
	while (enc < decl_end && (*enc == ' ' || *enc == '=' || *enc == '\t' ||
	    *enc == '\n' || *enc == '\r'))
		enc++;
	if (enc < decl_end && (*enc == '"' || *enc == '\''))
		enc++;
	return decl_end - enc >= 6 && (strncasecmp(enc, "UTF-8", 5) == 0 &&
	    (enc[5] == '"' || enc[5] == '\''));
}

/* stream_once - xmlsafe_stream's parse of buf[0..len), which has passed check_input;
 * with skip, buf is skip's copy and the parse stands only if every run was proven */
static int
stream_once(const char *buf, size_t len, int max_depth, const struct xmlsafe_sax *sink,
    void *user, const struct xmlskip *skip, xmlDictPtr *dict, char *err, size_t errlen)
{
	struct xmlsafe_state st;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc, opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES;

	if ((ctxt = new_context(err, errlen)) == NULL)
		return XMLSAFE_EBAD;
	guard(ctxt, &st, max_depth, sink, user);
	st.skip = skip;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL, opts);
	if (doc != NULL)		/* none is built; belt and braces */
		xmlFreeDoc(doc);
	rc = outcome(ctxt, &st, 1, err, errlen);
	if (skip != NULL && (st.missed || st.next_run < skip->nruns)) {
		snprintf(err, errlen, "a base64 run could not be proven an element's text");
		rc = XMLSAFE_EBAD;
	}
	if (rc == XMLSAFE_OK && ctxt->dict != NULL) {
		xmlDictReference(ctxt->dict);
		*dict = ctxt->dict;
	}
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* 1 while xmlsafe_stream may try the fast reader first (xmlsafe_set_fast) */
static int xmlsafe_fast = 1;

int
xmlsafe_set_fast(int on)
{
	int was = xmlsafe_fast;

	xmlsafe_fast = on;
	return was;
}

int
xmlsafe_stream(const char *buf, size_t len, size_t max_bytes, int max_depth,
    const struct xmlsafe_sax *sink, void *user, xmlDictPtr *dict, size_t *unread,
    char *err, size_t errlen)
{
	struct xmlskip skip;
	char lean_err[160];	/* the shortcut's reason is never the caller's */
	int rc;

	*dict = NULL;
	if (unread != NULL)
		*unread = 0;
	if (check_input(buf, len, max_bytes, err, errlen) != XMLSAFE_OK)
		return XMLSAFE_EBAD;
	if (sink->reset != NULL && xmlsafe_fast) {
		xmlsafe_init();
		if (xmlfast_read(buf, len, max_depth, sink, user, dict) == XMLFAST_OK)
			return XMLSAFE_OK;
		sink->reset(user);	/* libxml2 decides */
	}
	if (sink->reset != NULL && plain_utf8(buf, len) && xmlskip_find(buf, len, &skip)) {
		rc = stream_once(skip.buf, skip.len, max_depth, sink, user, &skip, dict,
		    lean_err, sizeof(lean_err));
		if (rc == XMLSAFE_OK && unread != NULL)
			*unread = skip.cut;
		xmlskip_release(&skip);
		if (rc == XMLSAFE_OK)
			return rc;
		sink->reset(user);	/* the original's parse decides */
	}
	return stream_once(buf, len, max_depth, sink, user, NULL, dict, err, errlen);
}

/*
 * xmlsafe.h - load untrusted XML with libxml2, safely.
 *
 * All input is untrusted. The document is parsed from memory with no network
 * access, no DTD loading and no entity expansion; a DOCTYPE is refused outright
 * (no invoice needs one, and it is the door for entity bombs and external
 * entities), input size and element nesting are capped. Every refusal is a
 * one-line reason in the caller's buffer.
 */
#ifndef PS_XMLSAFE_H
#define PS_XMLSAFE_H

#include <stddef.h>

#include <libxml/tree.h>	/* xmlChar, xmlDoc, xmlDict */

#define XMLSAFE_MAX_BYTES_DEFAULT ((size_t)32 * 1024 * 1024)
#define XMLSAFE_MAX_DEPTH_DEFAULT 64

#define XMLSAFE_OK 0
#define XMLSAFE_EBAD (-1)

/* xmlsafe_init - initialise libxml2 once (thread-safe; xmlsafe_parse calls it too) */
void xmlsafe_init(void);

/* xmlsafe_parse - parse len bytes at buf into a new document (free with xmlFreeDoc).
 * max_bytes and max_depth of 0 mean the defaults above. XMLSAFE_OK and *out set,
 * or XMLSAFE_EBAD with *out NULL and a one-line reason in err. */
int xmlsafe_parse(const char *buf, size_t len, size_t max_bytes, int max_depth,
    xmlDocPtr *out, char *err, size_t errlen);

/* What xmlsafe_stream() tells its caller, in document order; user is the caller's. */
struct xmlsafe_sax {
	/* an element begins: local name and namespace URI (NULL for none), both from the
	 * parser's dictionary; nb_attributes quintuples (local name, prefix, URI, value,
	 * end of value) as libxml2 gives them, the values valid only during the call */
	void (*start)(void *user, const xmlChar *localname, const xmlChar *uri,
	    int nb_attributes, const xmlChar **attributes);
	void (*end)(void *user);		/* the element ends */
	/* character data, possibly in several pieces; preserve: under xml:space="preserve" */
	void (*text)(void *user, const xmlChar *s, int len, int preserve);
	void (*other)(void *user);		/* a comment or processing instruction */
	/* forget everything told so far: the document is told again from its start.
	 * A sink that has it is first told the document by the fast reader (xmlfast.h)
	 * where that takes it, else may be told long base64 texts without libxml2
	 * reading them (xmlskip.h); NULL: libxml2 reads every octet */
	void (*reset)(void *user);
};

/* xmlsafe_stream - parse len bytes at buf behind the same guards as xmlsafe_parse,
 * handing what it reads to sink's handlers instead of building a tree. XMLSAFE_OK
 * with *dict a reference to the dictionary the names live in (the caller drops it
 * with xmlDictFree) and *unread (if not NULL) the octets of text handed on that
 * libxml2 did not read, or XMLSAFE_EBAD with *dict NULL and a one-line reason in err
 * (the handlers may have been called before the input turned out bad). The verdict,
 * the reason and what the handlers are told in the end do not depend on *unread.
 *
 * A sink with reset is first offered to the fast reader (xmlfast.h): a document that
 * is plainly well-formed UTF-8 XML 1.0 with namespaces (no DTD, CDATA section,
 * processing instruction, xml: attribute, entity but the predefined ones, ...) is read
 * without libxml2, in one pass, and the sink told the same events libxml2 would tell
 * it (*unread is then 0: libxml2 read nothing). Any other document it leaves, the
 * sink is reset, and libxml2 reads it as above: its verdict and reason stand. */
int xmlsafe_stream(const char *buf, size_t len, size_t max_bytes, int max_depth,
    const struct xmlsafe_sax *sink, void *user, xmlDictPtr *dict, size_t *unread,
    char *err, size_t errlen);

/* xmlsafe_set_fast - for tests and benchmarks: 0 keeps xmlsafe_stream from the fast
 * reader (process-wide; the default is 1); the setting before */
int xmlsafe_set_fast(int on);

#endif

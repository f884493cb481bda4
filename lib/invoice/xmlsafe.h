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

#include <libxml/tree.h>

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

#endif

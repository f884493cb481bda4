/*
 * xmlfast.h - read the plain case of an XML document without libxml2, telling a
 * xmlsafe_stream() sink exactly what libxml2 would tell it, or say "not mine".
 *
 * The input is untrusted. The reader takes only a document that is plainly
 * well-formed UTF-8 XML 1.0 with namespaces (see xmlfast.c for the exact subset) and
 * refuses everything else, without a reason: it has no verdict of its own. Its
 * promise is one-sided: when it says XMLFAST_OK, libxml2 behind xmlsafe's guards
 * (stream_once: the same options, depth cap and DOCTYPE refusal) accepts the same
 * document and tells the sink the same elements, attributes, comments and characters
 * (text possibly cut into other pieces). When it says XMLFAST_NOT_MINE the sink may
 * have been told part of the document: the caller resets it and asks libxml2, whose
 * verdict and reason are the only ones there are.
 */
#ifndef PS_XMLFAST_H
#define PS_XMLFAST_H

#include <stddef.h>

#include "xmlsafe.h"		/* struct xmlsafe_sax, xmlDict */

#define XMLFAST_OK 0
#define XMLFAST_NOT_MINE 1

/* XMLFAST_MAX_BYTES - larger documents are not mine: far below libxml2's own limits
 * (10,000,000 octets of a text, an attribute value or a lookup without XML_PARSE_HUGE) */
#define XMLFAST_MAX_BYTES ((size_t)8 * 1024 * 1024)
/* XMLFAST_MAX_DEPTH - deeper documents are not mine (libxml2's own cap is 256) */
#define XMLFAST_MAX_DEPTH 200

/* xmlfast_read - tell sink (with user) the document buf[0..len), elements nested at
 * most max_depth deep (0: XMLSAFE_MAX_DEPTH_DEFAULT). XMLFAST_OK with *dict a new
 * dictionary holding every name and namespace URI told (the caller owns it and drops
 * it with xmlDictFree), or XMLFAST_NOT_MINE with *dict NULL. The caller has called
 * xmlsafe_init(). */
int xmlfast_read(const char *buf, size_t len, int max_depth, const struct xmlsafe_sax *sink,
    void *user, xmlDictPtr *dict);

/* xmlfast_use_avx2 - for tests: 0 reads with SSE2 and octet by octet only, even where
 * the CPU has AVX2 (process-wide; 1, the default: AVX2 where the CPU has it) */
void xmlfast_use_avx2(int on);

#endif

/*
 * html.h - the one HTML escaper of postsale: values escaped into a string or onto a
 * page being written (util/buf.h).
 *
 * Every value that reaches HTML (the digest, the invitations' HTML part, the note
 * templates, the finance console) goes through html_entity()/html_escape(): & < > " '
 * become character references, so a value is inert in element content and in quoted
 * attribute values alike.
 */
#ifndef PS_HTML_H
#define PS_HTML_H

#include <stddef.h>

#include "buf.h"

/* html_entity - the character reference for c ("&amp;" ...), or NULL when c is safe */
const char *html_entity(unsigned char c);
/* html_escape - s (NULL: "") with & < > " ' as character references; caller frees */
char *html_escape(const char *s);

/* html_text - append the value s (NULL: nothing) escaped to b (markup written by the
 * program itself goes in with buf_adds/buf_printf) */
void html_text(struct buf *b, const char *s);

#endif

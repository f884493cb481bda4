/*
 * html.h - the one HTML escaper of postsale, and a growing buffer that pages are
 * written into.
 *
 * Every value that reaches HTML (the digest, the invitations' HTML part, the note
 * templates, the finance console) goes through html_entity()/html_escape(): & < > " '
 * become character references, so a value is inert in element content and in quoted
 * attribute values alike.
 */
#ifndef PS_HTML_H
#define PS_HTML_H

#include <stddef.h>

/* html_entity - the character reference for c ("&amp;" ...), or NULL when c is safe */
const char *html_entity(unsigned char c);
/* html_escape - s (NULL: "") with & < > " ' as character references; caller frees */
char *html_escape(const char *s);

/* A page being written: p is NUL-terminated, owned by the buffer. */
struct html_buf {
	char *p;
	size_t len, cap;
};

/* html_raw - append markup written by the program (never a value from outside) */
void html_raw(struct html_buf *b, const char *s);
/* html_text - append the value s (NULL: nothing) escaped */
void html_text(struct html_buf *b, const char *s);
/* html_fmt - append formatted markup; its arguments must be numbers or program text */
void html_fmt(struct html_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* html_take - the text written so far (caller frees; *len may be NULL); empties b */
char *html_take(struct html_buf *b, size_t *len);

#endif

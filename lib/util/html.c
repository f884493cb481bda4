/*
 * html.c - HTML escaping and the page buffer (html.h).
 *
 * Trusts nothing it escapes; html_raw() and html_fmt() are for the program's own markup.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "xalloc.h"

const char *
html_entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* html_add - append n bytes of s */
static void
html_add(struct html_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
html_raw(struct html_buf *b, const char *s)
{
	html_add(b, s, strlen(s));
}

void
html_text(struct html_buf *b, const char *s)
{
	const char *e;

	html_add(b, "", 0);
	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, "&<>\"'");
		html_add(b, s, n);
		s += n;
		if ((e = html_entity((unsigned char) *s)) != NULL) {
			html_raw(b, e);
			s++;
		}
	}
}

void
html_fmt(struct html_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	html_raw(b, s);
	free(s);
}

char *
html_take(struct html_buf *b, size_t *len)
{
	char *p;

	html_add(b, "", 0);
	p = b->p;
	if (len != NULL)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

char *
html_escape(const char *s)
{
	struct html_buf b = { 0 };

	html_text(&b, s);
	return html_take(&b, NULL);
}

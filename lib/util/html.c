/*
 * html.c - HTML escaping (html.h): & < > " ' as character references.
 *
 * Trusts nothing it escapes.
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

void
html_text(struct buf *b, const char *s)
{
	const char *e;

	buf_add(b, "", 0);
	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, "&<>\"'");
		buf_add(b, s, n);
		s += n;
		if ((e = html_entity((unsigned char) *s)) != NULL) {
			buf_adds(b, e);
			s++;
		}
	}
}

char *
html_escape(const char *s)
{
	struct buf b = { 0 };

	html_text(&b, s);
	return buf_steal(&b, NULL);
}

/*
 * mime_plain.c - whether the scan's reading of a message is of the plain structure up
 * to a part (mime_plain.h): what lets the note trust the scan without GMime's parse.
 */
#include <string.h>

#include "mime_plain.h"
#include "mimeskip.h"

#define PLAIN_LINE_MAX 998		/* RFC 5322: octets of a line before its line end */
#define PLAIN_BOUNDARY_MAX 70		/* RFC 2046 */

/* boundary_plain - b is 1 to 70 of RFC 2046's bchars, not ending in a space */
static int
boundary_plain(const char *b)
{
	static const char bchars[] = "'()+_,-./:=? ";
	size_t n = b ? strlen(b) : 0;

	if (n == 0 || n > PLAIN_BOUNDARY_MAX || b[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    strchr(bchars, c) != NULL))
			return 0;
	}
	return 1;
}

/* delimiter_plain - the line end between child p's content and the delimiter line
 * after it (the scan's to take off the content) ends the delimiter line too: GMime
 * takes two octets off before a delimiter line that ends in CR LF, one before any
 * other, whatever they are */
static int
delimiter_plain(const char *msg, size_t len, const mime_part *p)
{
	size_t at = p->body_end, cut = 0;
	const char *lf;

	if (at < len && msg[at] == '\r')
		cut++;
	if (at + cut < len && msg[at + cut] == '\n')
		cut++;
	else
		return 0;
	at += cut;
	lf = memchr(msg + at, '\n', len - at);
	return (lf != NULL && lf > msg + at && lf[-1] == '\r' ? 2u : 1u) == cut;
}

/* part_plain - part p of msg[0..len) has a plain header block and Content-Type, is not
 * an attached message, has a plain boundary if it is a multipart, and the line end
 * before the delimiter after it, if it is a child, is the delimiter line's own */
static int
part_plain(const char *msg, size_t len, const mime_part *p)
{
	if (p->ct_value != NULL && !p->ct_plain)
		return 0;
	if (strcmp(p->type, "message") == 0)
		return 0;
	if (strcmp(p->type, "multipart") == 0 && !boundary_plain(p->boundary))
		return 0;
	if (p->parent >= 0 && !delimiter_plain(msg, len, p))
		return 0;
	return p->body_start > p->hdr_start &&
	    mimeskip_plain_head(msg + p->hdr_start, p->body_end - p->hdr_start) ==
	    p->body_start - p->hdr_start;
}

/* lines_plain - no line of msg[0..end) is longer than PLAIN_LINE_MAX before its end */
static int
lines_plain(const char *msg, size_t end)
{
	for (size_t at = 0; at < end;) {
		const char *lf = memchr(msg + at, '\n', end - at);
		size_t le = lf ? (size_t)(lf - msg) : end;

		if (le > at && msg[le - 1] == '\r')
			le--;
		if (le - at > PLAIN_LINE_MAX)
			return 0;
		at = lf ? (size_t)(lf - msg) + 1 : end;
	}
	return 1;
}

int
mime_plain_upto(const char *msg, size_t len, const mime_tree *t, int last)
{
	size_t nparts = t->nparts, end = len;
	int c = mime_tree_upto_child(t, last);

	if (nparts == 0 || last < 0 || (size_t)last >= nparts)
		return 0;
	if (c >= 0) {			/* the region ends with the top-level part c */
		nparts = (size_t)t->parts[c].next;
		end = t->parts[c].body_end;
	}
	for (size_t i = 0; i < nparts; i++)
		if (!part_plain(msg, len, &t->parts[i]))
			return 0;
	return lines_plain(msg, end);
}

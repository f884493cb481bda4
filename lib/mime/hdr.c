/*
 * hdr.c - header fields in raw message bytes: found, counted, their values unfolded.
 *
 * Trusts nothing: the bytes are the sender's; every read stays inside the range the
 * caller gives, lines may end in LF or CRLF, the last line may have no end at all.
 */
#include <string.h>
#include <strings.h>

#include "hdr.h"
#include "util/xalloc.h"

/* line_next - offset past the LF of the line at pos, or end */
static size_t
line_next(const char *msg, size_t end, size_t pos)
{
	const char *nl = pos < end ? memchr(msg + pos, '\n', end - pos) : NULL;

	return nl ? (size_t) (nl - msg) + 1 : end;
}

/* name_colon - the ':' that ends a name of printable ASCII at the start of the line
 * [pos, le), or HDR_NO_NAME */
static size_t
name_colon(const char *msg, size_t pos, size_t le)
{
	size_t k = pos;

	while (k < le && msg[k] != ':' && (unsigned char) msg[k] > 32 &&
	       (unsigned char) msg[k] < 127)
		k++;
	return k == pos || k >= le || msg[k] != ':' ? HDR_NO_NAME : k;
}

int
hdr_next(const char *msg, size_t end, size_t *pos, struct hdr_field *f)
{
	size_t p = *pos, next = line_next(msg, end, p);
	size_t le = next > p && msg[next - 1] == '\n' ? next - 1 : next;

	if (le > p && msg[le - 1] == '\r')
		le--;
	if (p >= end || le == p)
		return 0;		/* the empty line, or no more bytes */
	f->start = p;
	f->colon = msg[p] == ' ' || msg[p] == '\t' ? HDR_NO_NAME : name_colon(msg, p, le);
	while (next < end && (msg[next] == ' ' || msg[next] == '\t'))
		next = line_next(msg, end, next);
	f->end = *pos = next;
	return 1;
}

size_t
hdr_body_start(const char *msg, size_t end, size_t blank)
{
	return line_next(msg, end, blank);
}

int
hdr_find(const char *msg, size_t n, const char *name, int index, struct hdr_field *f)
{
	size_t pos = 0;

	while (hdr_next(msg, n, &pos, f))
		if (hdr_name_is(msg, f, name) && --index == 0)
			return 1;
	return 0;
}

int
hdr_count(const char *msg, size_t n, const char *name)
{
	struct hdr_field f;
	size_t pos = 0;
	int count = 0;

	while (hdr_next(msg, n, &pos, &f))
		count += hdr_name_is(msg, &f, name);
	return count;
}

char *
hdr_value(const char *msg, const struct hdr_field *f)
{
	size_t from = f->colon == HDR_NO_NAME ? f->end : f->colon + 1, n = 0;
	char *v = xmalloc(f->end - from + 1);

	size_t a = 0;

	for (size_t i = from; i < f->end; i++)
		if (msg[i] != '\r' && msg[i] != '\n')
			v[n++] = msg[i];
	while (a < n && (v[a] == ' ' || v[a] == '\t'))
		a++;
	while (n > a && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	memmove(v, v + a, n - a);
	v[n - a] = '\0';
	return v;
}

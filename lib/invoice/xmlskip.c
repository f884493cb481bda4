/*
 * xmlskip.c - find the long runs of base64 text in an XML document that libxml2 need
 * not read, and copy the document without them (see xmlskip.h for what a run is and
 * how xmlsafe_stream proves one before it relies on it).
 *
 * The input is untrusted; this only classifies octets. The document is sampled every
 * XMLSKIP_STRIDE octets (16 octets at a time), so that a run of XMLSKIP_MIN octets or
 * more is always hit, and a hit is widened both ways to the run's ends: markup costs a
 * sample per stride, a run one pass over its octets (32 at a time with AVX2, 16 with
 * SSSE3, where the CPU has them).
 */
#include <stdlib.h>
#include <string.h>

#include "util/octets.h"
#include "util/xalloc.h"
#include "xmlskip.h"

/* XMLSKIP_STRIDE - samples this far apart hit every run of XMLSKIP_MIN octets:
 * a run of STRIDE + 16 octets holds a whole sample */
#define XMLSKIP_STRIDE (XMLSKIP_MIN >= 1024 ? 512 : XMLSKIP_MIN / 2)

/*
 * skippable - the base64 alphabet and XML white space. By nibbles, the classes: 0x01 tab
 * LF CR; 0x02 space '+' '/'; 0x04 '0'-'9' '='; 0x08 'A'-'O' 'a'-'o'; 0x10 'P'-'Z'
 * 'p'-'z'; high nibbles 8-15 (non-ASCII) have none.
 */
static const struct octet_set skippable = {
	.member = {
		['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['0' ... '9'] = 1, ['+'] = 1, ['/'] = 1,
		['='] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
	},
	.lo = {0x16, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1d, 0x19, 0x0a, 0x08,
	    0x0d, 0x08, 0x0a},
	.hi = {0x01, 0, 0x02, 0x04, 0x08, 0x10, 0x08, 0x10},
};

size_t
xmlskip_span(const char *p, size_t n)
{
	return octet_span(&skippable, p, n);
}

/* add_run - append the run buf[start..end) to s->runs (its gt is set by cut_copy) */
static void
add_run(struct xmlskip *s, size_t *cap, const char *buf, size_t start, size_t end)
{
	if (s->nruns == *cap) {
		*cap = *cap ? 2 * *cap : 4;
		s->runs = xrealloc(s->runs, *cap * sizeof(*s->runs));
	}
	s->runs[s->nruns].text = buf + start;
	s->runs[s->nruns].len = end - start;
	s->runs[s->nruns].gt = 0;
	s->nruns++;
	s->cut += end - start;
}

/* cut_copy - s->buf: buf[0..len) without s's runs; each run's gt set in the copy */
static void
cut_copy(struct xmlskip *s, const char *buf, size_t len)
{
	const char *from = buf;
	char *o;

	s->len = len - s->cut;
	o = s->buf = xmalloc(s->len + 1);
	for (size_t i = 0; i < s->nruns; i++) {
		struct xmlskip_run *r = &s->runs[i];
		size_t n = (size_t)(r->text - from);

		memcpy(o, from, n);
		o += n;
		r->gt = (size_t)(o - s->buf) - 1;
		from = r->text + r->len;
	}
	memcpy(o, from, (size_t)(buf + len - from));
	s->buf[s->len] = '\0';
}

int
xmlskip_find(const char *buf, size_t len, struct xmlskip *out)
{
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	for (size_t pos = 0; len >= 16 && pos <= len - 16; pos += XMLSKIP_STRIDE) {
		size_t start = pos, end;

		if (xmlskip_span(buf + pos, 16) < 16)
			continue;
		while (start > 0 && skippable.member[(unsigned char)buf[start - 1]])
			start--;
		end = pos + 16 + xmlskip_span(buf + pos + 16, len - pos - 16);
		if (end - start >= XMLSKIP_MIN && start > 0 && buf[start - 1] == '>' &&
		    end < len && buf[end] == '<')
			add_run(out, &cap, buf, start, end);
		pos = end - end % XMLSKIP_STRIDE;	/* the next sample lies beyond */
	}
	if (out->nruns == 0)
		return 0;
	cut_copy(out, buf, len);
	return 1;
}

void
xmlskip_release(struct xmlskip *s)
{
	free(s->buf);
	free(s->runs);
	memset(s, 0, sizeof(*s));
}

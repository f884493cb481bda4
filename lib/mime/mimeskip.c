/*
 * mimeskip.c - find the long runs of base64 lines in a raw message that GMime's parser
 * need not read, and copy the message without their inner lines (see mimeskip.h for
 * what a run is and how mime_parse proves a cut before it relies on it).
 *
 * The input is untrusted; this only classifies octets. The message is probed every
 * MIMESKIP_STRIDE octets: the line around a probe is looked at only as far as its octets
 * are of the alphabet (text stops at its first space), so that mail without runs costs
 * a few octets per probe, and a line too long to be a base64 line is stepped over to
 * its LF. A probe inside a base64 line widens to the run's ends, a line
 * at a time; a run is one pass over its octets (32 at a time with AVX2, 16 with SSSE3,
 * where the CPU has them). Every run of MIMESKIP_MIN_BYTES or more holds a probe.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define MIMESKIP_SIMD 1
#endif

#include "util/octets.h"
#include "util/xalloc.h"
#include "mimeskip.h"

/* MIMESKIP_STRIDE - probes this far apart: a run of MIMESKIP_MIN_BYTES holds one */
#define MIMESKIP_STRIDE (MIMESKIP_MIN_BYTES / 2)

/*
 * b64 - the base64 alphabet. By nibbles, the classes: 0x01 '+' '/'; 0x02 '0'-'9' '=';
 * 0x04 'A'-'O' 'a'-'o'; 0x08 'P'-'Z' 'p'-'z'; high nibbles 0, 1 and 8-15 have none.
 */
static const struct octet_set b64 = {
	.member = {
		['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['0' ... '9'] = 1, ['+'] = 1, ['/'] = 1,
		['='] = 1,
	},
	.lo = {0x0a, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0c, 0x05, 0x04,
	    0x06, 0x04, 0x05},
	.hi = {0, 0, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08},
};

#ifdef MIMESKIP_SIMD
/*
 * walk_avx2 - walk_lines where at least MIMESKIP_LINE_MAX + 34 octets are left: a line
 * is classified thirty-two octets at a time, in place, up to its first octet outside
 * the alphabet, which must be its LF or CR LF. The tables stay in registers and nothing
 * is called: a base64 line of 76 costs three blocks.
 */
__attribute__((target("avx2"))) static size_t
walk_avx2(const char *buf, size_t len, size_t at, size_t *last, size_t *lines)
{
	const __m256i lut_hi =
	    _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)b64.hi));
	const __m256i lut_lo =
	    _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)b64.lo));
	const __m256i nib = _mm256_set1_epi8(0x0f);

	while (len - at >= MIMESKIP_LINE_MAX + 34) {
		const unsigned char *p = (const unsigned char *)buf + at;
		size_t a = 0;
		unsigned bad;

		for (;;) {
			__m256i v = _mm256_loadu_si256((const __m256i *)(p + a));
			__m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
			__m256i ok = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo,
			    _mm256_and_si256(v, nib)), _mm256_shuffle_epi8(lut_hi, hi));

			bad = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(ok,
			    _mm256_setzero_si256()));
			if (bad != 0 || (a += 32) > MIMESKIP_LINE_MAX)
				break;
		}
		if (bad == 0)
			return at;			/* too long */
		a += (size_t)__builtin_ctz(bad);
		if (a == 0 || a > MIMESKIP_LINE_MAX)
			return at;
		if (p[a] == '\n')
			a += 1;
		else if (p[a] == '\r' && p[a + 1] == '\n')
			a += 2;
		else
			return at;
		*last = at;
		at += a;
		++*lines;
	}
	return at;
}
#endif

size_t
mimeskip_span(const char *p, size_t n)
{
	return octet_span(&b64, p, n);
}

/* past_eol - past the LF or CR LF at buf[e] (e < len), or 0 when no line ends there */
static size_t
past_eol(const char *buf, size_t len, size_t e)
{
	if (buf[e] == '\n')
		return e + 1;
	if (buf[e] == '\r' && e + 1 < len && buf[e + 1] == '\n')
		return e + 2;
	return 0;
}

/* line_end - past the LF of the base64 line at buf[at] (at the start of a line), or 0
 * when that is no base64 line */
static size_t
line_end(const char *buf, size_t len, size_t at)
{
	size_t n = len - at < MIMESKIP_LINE_MAX + 1 ? len - at : MIMESKIP_LINE_MAX + 1;
	size_t a = mimeskip_span(buf + at, n), e = at + a;

	if (a == 0 || a > MIMESKIP_LINE_MAX || e >= len)
		return 0;
	return past_eol(buf, len, e);
}

/* walk_lines - past the last of the base64 lines from at on (at itself when none is);
 * the start of the last in *last, their number added to *lines */
static size_t
walk_lines(const char *buf, size_t len, size_t at, size_t *last, size_t *lines)
{
	size_t e;

#ifdef MIMESKIP_SIMD
	if (octets_simd() == 2)
		at = walk_avx2(buf, len, at, last, lines);
#endif
	while ((e = line_end(buf, len, at)) != 0) {
		*last = at;
		at = e;
		++*lines;
	}
	return at;
}

/* line_before - the start of the base64 line that ends (with its LF) at buf[end], or
 * (size_t)-1 when that is no base64 line */
static size_t
line_before(const char *buf, size_t end)
{
	size_t q = end - 1, s;				/* buf[q] is the LF */

	if (q > 0 && buf[q - 1] == '\r')
		q--;
	for (s = q; s > 0 && q - s <= MIMESKIP_LINE_MAX && b64.member[(unsigned char)buf[s - 1]]; s--)
		;
	if (s == q || q - s > MIMESKIP_LINE_MAX || (s > 0 && buf[s - 1] != '\n'))
		return (size_t)-1;
	return s;
}

/* probe - the start of the base64 line around buf[pos] in *start, its end returned;
 * 0 when buf[pos] is in no base64 line. Looks at the line's octets only as long as they
 * are of the alphabet, at most MIMESKIP_LINE_MAX + 1 each way; *next is where to probe
 * next: a stride on, or past the LF of a line too long to be a base64 line (so that a
 * long line of the alphabet is not looked at again and again). */
static size_t
probe(const char *buf, size_t len, size_t pos, size_t *start, size_t *next)
{
	size_t s = pos, e = pos;
	const char *lf;

	*next = pos + MIMESKIP_STRIDE;
	if (buf[pos] == '\n' && pos > 0 && buf[pos - 1] == '\r')
		s = e = --pos;			/* the CR LF's line, from its CR */
	while (s > 0 && pos - s <= MIMESKIP_LINE_MAX && b64.member[(unsigned char)buf[s - 1]])
		s--;
	if (pos - s <= MIMESKIP_LINE_MAX) {
		if (s > 0 && buf[s - 1] != '\n')
			return 0;
		while (e < len && e - s <= MIMESKIP_LINE_MAX && b64.member[(unsigned char)buf[e]])
			e++;
	}
	if (pos - s > MIMESKIP_LINE_MAX || e - s > MIMESKIP_LINE_MAX) {
		lf = memchr(buf + pos, '\n', len - pos);
		*next = lf != NULL ? (size_t)(lf - buf) + 1 : len;
		return 0;
	}
	if (e == s || e == len)
		return 0;
	*start = s;
	return past_eol(buf, len, e);
}

/* add_cut - append the cut of buf[from..from+n) to s->cuts (its 'at' set by cut_copy);
 * head: a cut of header fields, joined to the cut before when that ends at from */
static void
add_cut(struct mimeskip *s, size_t *cap, size_t from, size_t n, int head)
{
	if (s == NULL)		/* mimeskip_plain_head: no cuts wanted */
		return;
	if (head && s->ncuts > 0 && s->cuts[s->ncuts - 1].head &&
	    s->cuts[s->ncuts - 1].from + s->cuts[s->ncuts - 1].len == from) {
		s->cuts[s->ncuts - 1].len += n;
		s->cut += n;
		return;
	}
	if (s->ncuts == *cap) {
		*cap = *cap ? 2 * *cap : 4;
		s->cuts = xrealloc(s->cuts, *cap * sizeof(*s->cuts));
	}
	s->cuts[s->ncuts].from = from;
	s->cuts[s->ncuts].len = n;
	s->cuts[s->ncuts].at = 0;
	s->cuts[s->ncuts].head = head;
	s->ncuts++;
	s->cut += n;
}

/* cut_copy - s->buf: buf[0..len) without s's cuts; each cut's 'at' set in the copy */
static void
cut_copy(struct mimeskip *s, const char *buf, size_t len)
{
	size_t from = 0;
	char *o;

	s->len = len - s->cut;
	o = s->buf = xmalloc(s->len + 1);
	for (size_t i = 0; i < s->ncuts; i++) {
		struct mimeskip_cut *c = &s->cuts[i];

		memcpy(o, buf + from, c->from - from);
		o += c->from - from;
		c->at = (size_t)(o - s->buf);
		from = c->from + c->len;
	}
	memcpy(o, buf + from, len - from);
	s->buf[s->len] = '\0';
}

/* field_name - the length of the field name at buf[at] up to its ':' (printable ASCII,
 * no blank), or 0 when the line there starts no such field */
static size_t
field_name(const char *buf, size_t len, size_t at)
{
	size_t n = 0;

	while (at + n < len && buf[at + n] > ' ' && buf[at + n] < 0x7f && buf[at + n] != ':')
		n++;
	return n > 0 && at + n < len && buf[at + n] == ':' ? n : 0;
}

/* kept_field - 1 for the fields GMime reads the structure from: Content-* and
 * MIME-Version */
static int
kept_field(const char *name, size_t n)
{
	return (n >= 8 && strncasecmp(name, "Content-", 8) == 0) ||
	    (n == 12 && strncasecmp(name, "MIME-Version", 12) == 0);
}

/* head_cuts - the cuts of the fields of the message's own header block that GMime need
 * not read (mimeskip.h), when the block is plain; its length (the empty line too), or
 * 0 when it is not plain and nothing is cut */
static size_t
head_cuts(const char *buf, size_t len, struct mimeskip *s, size_t *cap)
{
	size_t at = 0, field = 0, name = 0;
	const char *lf;

	for (;;) {
		size_t end, eol;

		if (at >= len || (lf = memchr(buf + at, '\n', len - at)) == NULL)
			return 0;
		end = (size_t)(lf - buf);
		eol = end > at && buf[end - 1] == '\r' ? end - 1 : end;
		if (memchr(buf + at, '\r', eol - at) != NULL || memchr(buf + at, '\0', eol - at) != NULL)
			return 0;
		if (buf[at] == ' ' || buf[at] == '\t') {	/* a continuation */
			if (at == 0)
				return 0;
		} else {
			if (at > 0 && !kept_field(buf + field, name))	/* the field before */
				add_cut(s, cap, field, at - field, 1);
			if (eol == at)			/* the empty line: the block's end */
				return end + 1;
			if ((name = field_name(buf, eol, at)) == 0)
				return 0;
			field = at;
		}
		at = end + 1;
	}
}

size_t
mimeskip_plain_head(const char *buf, size_t len)
{
	size_t cap = 0;

	return head_cuts(buf, len, NULL, &cap);
}

int
mimeskip_find(const char *buf, size_t len, struct mimeskip *out)
{
	size_t cap = 0, pos = 0;

	memset(out, 0, sizeof(*out));
	if ((out->head_len = head_cuts(buf, len, out, &cap)) == 0 || out->ncuts == 0) {
		free(out->cuts);			/* not plain: nothing cut */
		memset(out, 0, sizeof(*out));
		cap = 0;
	} else
		pos = out->head_len;		/* no base64 run in the header block */
	while (pos < len) {
		size_t start, end, first_end, last_start, lines = 1, s, next;

		if ((end = probe(buf, len, pos, &start, &next)) == 0) {
			pos = next;
			continue;
		}
		first_end = end;
		last_start = start;
		while (start > 0 && (s = line_before(buf, start)) != (size_t)-1) {
			first_end = start;
			start = s;
			lines++;
		}
		end = walk_lines(buf, len, end, &last_start, &lines);
		if (lines >= MIMESKIP_MIN_LINES && lines >= 3 && end - start >= MIMESKIP_MIN_BYTES)
			add_cut(out, &cap, first_end, last_start - first_end, 0);
		pos = end - end % MIMESKIP_STRIDE + MIMESKIP_STRIDE;	/* past the run */
	}
	if (out->ncuts == 0) {
		mimeskip_release(out);
		return 0;
	}
	cut_copy(out, buf, len);
	return 1;
}

void
mimeskip_release(struct mimeskip *s)
{
	free(s->buf);
	free(s->cuts);
	memset(s, 0, sizeof(*s));
}

size_t
mimeskip_map(const struct mimeskip *s, size_t off)
{
	size_t lo = 0, hi = s->ncuts, shift = 0;

	/* the cuts at or before off: the first lo of them (their 'at' rise) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->cuts[mid].at <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0)	/* the copy's octets before cut lo-1's 'at' were all of the original's
			   before its 'from', less the octets cut before it */
		shift = s->cuts[lo - 1].from + s->cuts[lo - 1].len -
		    s->cuts[lo - 1].at;
	return off + shift;
}

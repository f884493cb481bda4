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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define XMLSKIP_SIMD 1
#endif

#include "util/xalloc.h"
#include "xmlskip.h"

/* XMLSKIP_STRIDE - samples this far apart hit every run of XMLSKIP_MIN octets:
 * a run of STRIDE + 16 octets holds a whole sample */
#define XMLSKIP_STRIDE (XMLSKIP_MIN >= 1024 ? 512 : XMLSKIP_MIN / 2)

/* skippable[c] - 1 for the base64 alphabet and XML white space */
static const unsigned char skippable[256] = {
	['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, ['0' ... '9'] = 1, ['+'] = 1, ['/'] = 1,
	['='] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
};

/* span_scalar - xmlskip_span an octet at a time */
static size_t
span_scalar(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && skippable[p[i]])
		i++;
	return i;
}

#ifdef XMLSKIP_SIMD
static int span_simd;			/* the CPU has 1: SSSE3, 2: AVX2 as well */
static pthread_once_t span_once = PTHREAD_ONCE_INIT;

static void
span_init(void)
{
	span_simd = __builtin_cpu_supports("avx2") ? 2 : __builtin_cpu_supports("ssse3");
}

/*
 * span_ssse3 - xmlskip_span sixteen octets at a time. By nibbles: each high nibble
 * stands for a class (bit) of octets, and the low nibble's entry has the bits of the
 * classes it completes: 0x01 tab LF CR; 0x02 space '+' '/'; 0x04 '0'-'9' '=';
 * 0x08 'A'-'O' 'a'-'o'; 0x10 'P'-'Z' 'p'-'z'. An octet is skippable if its entries
 * share a bit; high nibbles 8-15 (non-ASCII) have none.
 */
__attribute__((target("ssse3"))) static size_t
span_ssse3(const unsigned char *p, size_t n)
{
	const __m128i lut_hi = _mm_setr_epi8(0x01, 0, 0x02, 0x04, 0x08, 0x10, 0x08, 0x10,
					     0, 0, 0, 0, 0, 0, 0, 0);
	const __m128i lut_lo = _mm_setr_epi8(0x16, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c,
					     0x1c, 0x1d, 0x19, 0x0a, 0x08, 0x0d, 0x08, 0x0a);
	const __m128i nib = _mm_set1_epi8(0x0f);
	size_t i = 0;

	for (; n - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), nib);
		__m128i ok = _mm_and_si128(_mm_shuffle_epi8(lut_lo, _mm_and_si128(v, nib)),
		    _mm_shuffle_epi8(lut_hi, hi));
		unsigned bad = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(ok,
		    _mm_setzero_si128()));

		if (bad != 0)
			return i + (size_t)__builtin_ctz(bad);
	}
	return i + span_scalar(p + i, n - i);
}

/* span_avx2 - span_ssse3 thirty-two octets at a time (the tables in both lanes) */
__attribute__((target("avx2"))) static size_t
span_avx2(const unsigned char *p, size_t n)
{
	const __m256i lut_hi = _mm256_setr_epi8(0x01, 0, 0x02, 0x04, 0x08, 0x10, 0x08, 0x10,
	    0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0, 0x02, 0x04, 0x08, 0x10, 0x08, 0x10,
	    0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i lut_lo = _mm256_setr_epi8(0x16, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1c,
	    0x1c, 0x1c, 0x1d, 0x19, 0x0a, 0x08, 0x0d, 0x08, 0x0a, 0x16, 0x1c, 0x1c, 0x1c,
	    0x1c, 0x1c, 0x1c, 0x1c, 0x1c, 0x1d, 0x19, 0x0a, 0x08, 0x0d, 0x08, 0x0a);
	const __m256i nib = _mm256_set1_epi8(0x0f);
	size_t i = 0;

	for (; n - i >= 32; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
		__m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nib);
		__m256i ok = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo,
		    _mm256_and_si256(v, nib)), _mm256_shuffle_epi8(lut_hi, hi));
		unsigned bad = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(ok,
		    _mm256_setzero_si256()));

		if (bad != 0)
			return i + (size_t)__builtin_ctz(bad);
	}
	return i + span_ssse3(p + i, n - i);
}
#endif

size_t
xmlskip_span(const char *p, size_t n)
{
#ifdef XMLSKIP_SIMD
	pthread_once(&span_once, span_init);
	if (span_simd == 2 && n >= 64)
		return span_avx2((const unsigned char *)p, n);
	if (span_simd)
		return span_ssse3((const unsigned char *)p, n);
#endif
	return span_scalar((const unsigned char *)p, n);
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
		while (start > 0 && skippable[(unsigned char)buf[start - 1]])
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

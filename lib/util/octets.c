/*
 * octets.c - how far a buffer keeps to a set of octets (see octets.h). The vector code
 * looks each octet's two nibbles up in the set's tables with a shuffle and ANDs them: an
 * octet outside the set gives 0, and the first 0 ends the span.
 */
#include <pthread.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define OCTETS_SIMD 1
#endif

#include "octets.h"

/* span_scalar - octet_span an octet at a time */
static size_t
span_scalar(const struct octet_set *set, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && set->member[p[i]])
		i++;
	return i;
}

#ifdef OCTETS_SIMD
static int simd;			/* 2: AVX2, 1: SSSE3, 0: neither */
static pthread_once_t simd_once = PTHREAD_ONCE_INIT;

static void
simd_init(void)
{
	simd = __builtin_cpu_supports("avx2") ? 2 : __builtin_cpu_supports("ssse3");
}

/* span_ssse3 - octet_span sixteen octets at a time */
__attribute__((target("ssse3"))) static size_t
span_ssse3(const struct octet_set *set, const unsigned char *p, size_t n)
{
	const __m128i lo = _mm_loadu_si128((const __m128i *)set->lo);
	const __m128i hi = _mm_loadu_si128((const __m128i *)set->hi);
	const __m128i nib = _mm_set1_epi8(0x0f);
	size_t i = 0;

	for (; n - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i in = _mm_and_si128(_mm_shuffle_epi8(lo, _mm_and_si128(v, nib)),
		    _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4), nib)));
		unsigned out = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(in,
		    _mm_setzero_si128()));

		if (out != 0)
			return i + (size_t)__builtin_ctz(out);
	}
	return i + span_scalar(set, p + i, n - i);
}

/* span_avx2 - span_ssse3 thirty-two octets at a time (the tables in both lanes) */
__attribute__((target("avx2"))) static size_t
span_avx2(const struct octet_set *set, const unsigned char *p, size_t n)
{
	const __m256i lo =
	    _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)set->lo));
	const __m256i hi =
	    _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)set->hi));
	const __m256i nib = _mm256_set1_epi8(0x0f);
	size_t i = 0;

	for (; n - i >= 32; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
		__m256i in = _mm256_and_si256(_mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
		    _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
		unsigned out = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(in,
		    _mm256_setzero_si256()));

		if (out != 0)
			return i + (size_t)__builtin_ctz(out);
	}
	return i + span_ssse3(set, p + i, n - i);
}
#endif

int
octets_simd(void)
{
#ifdef OCTETS_SIMD
	pthread_once(&simd_once, simd_init);
	return simd;
#else
	return 0;
#endif
}

size_t
octet_span(const struct octet_set *set, const char *p, size_t n)
{
#ifdef OCTETS_SIMD
	int level = octets_simd();

	if (level == 2 && n >= 32)
		return span_avx2(set, (const unsigned char *)p, n);
	if (level == 1 || (level == 2 && n >= 16))
		return span_ssse3(set, (const unsigned char *)p, n);
#endif
	return span_scalar(set, (const unsigned char *)p, n);
}

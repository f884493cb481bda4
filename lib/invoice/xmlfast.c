/*
 * xmlfast.c - read a document that is plainly well-formed UTF-8 XML 1.0 with
 * namespaces, and tell a xmlsafe_stream() sink exactly what libxml2 would tell it;
 * say "not mine" for anything else (xmlfast.h).
 *
 * The input is untrusted, and nothing here decides whether it is good: a document is
 * either in the subset below, read in one pass, or not mine, and then libxml2 reads it
 * behind xmlsafe's guards and gives the verdict and the reason. So every rule is a
 * refusal where libxml2 might differ: whenever this says XMLFAST_OK, libxml2 with
 * stream_once's options (no NOBLANKS, NOCDATA, no entity substitution, no HUGE) would
 * have accepted the document and called its SAX2 handlers with the same events.
 *
 * The subset (everything else is not mine):
 * - an optional UTF-8 byte order mark; an optional XML declaration exactly per its
 *   grammar: version "1.0", encoding absent or "UTF-8" in any case, standalone "yes"
 *   or "no", either quote;
 * - strictly valid UTF-8 (no overlong form, surrogate or code point above U+10FFFF)
 *   and XML 1.0 characters only (no C0 control but tab, LF and CR, no U+FFFE/U+FFFF);
 * - element and attribute names ASCII NCNames, at most one colon, neither part empty,
 *   at most XF_MAX_NAME octets; end tags the start tag's name, white space before '>';
 * - namespaces as libxml2's SAX2 tells them: an element's URI from its prefix or the
 *   default namespace (NULL for none), an unprefixed attribute's NULL, the xmlns and
 *   xmlns:p attributes not told as attributes. Not mine: an unbound prefix, an empty
 *   declaration (xmlns="", xmlns:p=""), the xml or xmlns prefix used anywhere (so also
 *   xml:space: the sink's "preserve" is always 0 here) or their URIs declared, an
 *   element named xmlns or p:xmlns, an attribute p:xmlns, a prefix declared twice in
 *   one tag, an attribute twice (by its name or by its expanded name);
 * - attribute values without '&', '<', tab, LF or CR (libxml2 would escape or
 *   normalise those): they are told as they stand, pointers into the input;
 * - character data with the five predefined entities and character references
 *   (decimal or hex, to an XML character) decoded as libxml2's SAX mode does, CR LF
 *   and a lone CR told as LF, "]]>" not mine; any other reference, a CDATA section, a
 *   processing instruction or a DOCTYPE is not mine;
 * - comments ("--" only as their end) told as "other", in the prolog and the epilog
 *   as well; white space between elements told as text, as libxml2 tells it without
 *   XML_PARSE_NOBLANKS; exactly one root with only white space and comments around it;
 * - elements nested at most the caller's depth (and XMLFAST_MAX_DEPTH) deep, at most
 *   XF_MAX_ATTS attributes a tag and XF_MAX_NS namespace declarations in scope, at
 *   most XF_MAX_DICT octets of names and URIs missed by the cache, the document at
 *   most XMLFAST_MAX_BYTES: far below libxml2's own limits.
 *
 * Speed: character data is scanned 32 octets at a time with AVX2 (16 with SSE2, where
 * the CPU lacks it) for the octets that need a look ('<', '&', ']', CR, C0 controls
 * but tab and LF, non-ASCII), so that a long base64 text costs well under an
 * instruction an octet and goes to the sink in one piece (a piece a line with CR LF
 * line ends). A name is classified 32 octets at a time too, its end and its colon
 * found in one mask. Names go to the dictionary through a cache of 512 lookups keyed
 * by their first and last eight octets, prefixes to their URIs through one of 4
 * bindings that holds while the declarations in scope stay the same. The white space
 * between tags, a line end and indentation most often, is stepped over eight spaces at
 * a time without the scanner, and a tag that is its name alone skips the attribute
 * loop. Per message of `make bench-filter` (a 49 KB UBL invoice) the reader costs some
 * 0.21 M instructions and the tree it feeds 0.12 M, where libxml2 with the same tree
 * took 0.95 M.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define XMLFAST_SIMD 1
#endif

#include "util/xalloc.h"
#include "xmlfast.h"		/* xmlsafe.h: libxml2's tree.h and dict.h */

#define XF_MAX_NAME 1000	/* longer names are not mine (libxml2's cap: 50,000) */
#define XF_MAX_ATTS 64		/* attributes of one tag, namespace declarations too */
#define XF_MAX_NS 128		/* namespace declarations in scope */
#define XF_CACHE_BITS 9		/* 512 dictionary lookups remembered */
#define XF_MAX_DICT ((size_t)1024 * 1024)	/* octets of names and URIs sent to the
						 * dictionary (libxml2 caps its own at
						 * 10,000,000, pools counted) */

/* Octet classes. */
#define C_NAME_START 0x01	/* may start an NCName: 'A'-'Z' 'a'-'z' '_' */
#define C_NAME 0x02		/* may go on in an NCName: also '0'-'9' '.' '-' */
#define C_BLANK 0x04		/* XML white space: space, tab, LF, CR */
#define C_TEXT 0x08		/* character data looks at it: '<' '&' ']' CR, C0 but tab
				 * and LF, non-ASCII */
#define C_VALUE 0x10		/* an attribute value looks at it: quotes, '<' '&', C0, non-ASCII */
#define C_COMMENT 0x20		/* a comment looks at it: '-', C0 but tab LF CR, non-ASCII */

static const unsigned char cls[256] = {
	[0x00 ... 0x08] = C_TEXT | C_VALUE | C_COMMENT,
	['\t'] = C_BLANK | C_VALUE,
	['\n'] = C_BLANK | C_VALUE,
	[0x0b ... 0x0c] = C_TEXT | C_VALUE | C_COMMENT,
	['\r'] = C_BLANK | C_TEXT | C_VALUE,
	[0x0e ... 0x1f] = C_TEXT | C_VALUE | C_COMMENT,
	[' '] = C_BLANK,
	['"'] = C_VALUE, ['\''] = C_VALUE,
	['&'] = C_TEXT | C_VALUE, ['<'] = C_TEXT | C_VALUE, [']'] = C_TEXT,
	['-'] = C_NAME | C_COMMENT, ['.'] = C_NAME, ['0' ... '9'] = C_NAME,
	['A' ... 'Z'] = C_NAME_START | C_NAME, ['a' ... 'z'] = C_NAME_START | C_NAME,
	['_'] = C_NAME_START | C_NAME,
	[0x80 ... 0xff] = C_TEXT | C_VALUE | C_COMMENT,
};

/* A name's key: with its length, the two words tell any two names of up to 16
 * octets apart (name_key), and a longer name from most others. */
struct xf_key {
	uint64_t a, b;
};

/* A name the dictionary gave, remembered (where its bit in xf.cached is set). */
struct xf_name {
	struct xf_key k;
	size_t len;
	const xmlChar *s;
};

/* A qualified name in the input: prefix NULL (plen 0) for none. */
struct xf_qname {
	const unsigned char *prefix, *local;
	size_t plen, llen;
};

/* A namespace declaration in scope: prefix NULL (plen 0, key 0) for the default
 * namespace. */
struct xf_ns {
	struct xf_key k;
	const unsigned char *prefix;
	size_t plen;
	const xmlChar *uri;		/* from the dictionary, never NULL */
};

/* A prefix's binding, remembered while the declarations in scope stay as they are. */
struct xf_bound {
	struct xf_key k;
	size_t plen;
	unsigned gen;			/* the declarations' generation it is of */
	const xmlChar *uri;
};

/* An open element: its name in the input, and the declarations in scope before it. */
struct xf_open {
	const unsigned char *qname;
	size_t qlen;
	struct xf_key k;		/* the name's key */
	int nns;
};

/* An attribute of the tag being read. */
struct xf_att {
	struct xf_qname name;
	const unsigned char *value;
	size_t vlen;
};

/* The reader. */
struct xf {
	const unsigned char *p, *end;	/* where it stands, the input's end */
	const struct xmlsafe_sax *sink;
	void *user;
	xmlDictPtr dict;
	int depth, max_depth;
	int nns;
	size_t dict_bytes;		/* octets sent to the dictionary so far */
	unsigned gen;			/* changes whenever the declarations in scope do */
	struct xf_bound bound[4];	/* the last bindings looked up (prefixes <= 16) */
	struct xf_open open[XMLFAST_MAX_DEPTH];
	struct xf_ns ns[XF_MAX_NS];
	struct xf_att att[XF_MAX_ATTS];
	const xmlChar *told[5 * XF_MAX_ATTS];	/* the quintuples of a start */
	uint64_t cached[(1 << XF_CACHE_BITS) / 64];	/* which entries of cache are set */
	struct xf_name cache[1 << XF_CACHE_BITS];
};

/* text_scan - the first octet at or after p (before end) that character data must look
 * at (C_TEXT), or end */
typedef const unsigned char *(*text_scan_fn)(const unsigned char *p,
    const unsigned char *end);

/* scan_scalar - text_scan an octet at a time */
static const unsigned char *
scan_scalar(const unsigned char *p, const unsigned char *end)
{
	while (p < end && !(cls[*p] & C_TEXT))
		p++;
	return p;
}

#ifdef XMLFAST_SIMD
/* scan_sse2 - text_scan sixteen octets at a time: a signed compare below 0x20 finds
 * the C0 controls and the non-ASCII octets, of which tab and LF are let through */
static const unsigned char *
scan_sse2(const unsigned char *p, const unsigned char *end)
{
	const __m128i sp = _mm_set1_epi8(0x20), lf = _mm_set1_epi8('\n'),
	    tab = _mm_set1_epi8('\t'), lt = _mm_set1_epi8('<'), amp = _mm_set1_epi8('&'),
	    rsb = _mm_set1_epi8(']');

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)p);
		__m128i low = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(v, lf),
		    _mm_cmpeq_epi8(v, tab)), _mm_cmplt_epi8(v, sp));
		__m128i stop = _mm_or_si128(_mm_or_si128(low, _mm_cmpeq_epi8(v, lt)),
		    _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, rsb)));
		unsigned m = (unsigned)_mm_movemask_epi8(stop);

		if (m != 0)
			return p + __builtin_ctz(m);
		p += 16;
	}
	return scan_scalar(p, end);
}

/*
 * scan_avx2 - text_scan thirty-two octets at a time. By nibbles: each high nibble
 * stands for a class (bit) of octets, and the low nibble's entry has the bits of the
 * classes it completes; an octet is looked at if its entries share a bit. 0x01: high
 * nibble 0, all but tab and LF; 0x02: high nibbles 1 and 8-15, all; 0x04: '&';
 * 0x08: '<'; 0x10: ']'.
 */
__attribute__((target("avx2"))) static const unsigned char *
scan_avx2(const unsigned char *p, const unsigned char *end)
{
	const __m256i lut_hi = _mm256_setr_epi8(0x01, 0x02, 0x04, 0x08, 0, 0x10, 0, 0,
	    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	    0x01, 0x02, 0x04, 0x08, 0, 0x10, 0, 0,
	    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02);
	const __m256i lut_lo = _mm256_setr_epi8(0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07,
	    0x03, 0x03, 0x02, 0x02, 0x03, 0x0b, 0x13, 0x03, 0x03,
	    0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x07,
	    0x03, 0x03, 0x02, 0x02, 0x03, 0x0b, 0x13, 0x03, 0x03);
	const __m256i nib = _mm256_set1_epi8(0x0f);

	while (end - p >= 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)p);
		__m256i hit = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo,
		    _mm256_and_si256(v, nib)), _mm256_shuffle_epi8(lut_hi,
		    _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
		unsigned m = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hit,
		    _mm256_setzero_si256()));

		if (m != 0)
			return p + __builtin_ctz(m);
		p += 32;
	}
	return scan_sse2(p, end);
}
#endif

/* name_scalar - the first octet at or after p (before end) that cannot go on in an
 * NCName, or end */
static const unsigned char *
name_scalar(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (cls[*p] & C_NAME))
		p++;
	return p;
}

#ifdef XMLFAST_SIMD
/*
 * name_stops_avx2 - a bit for each of the thirty-two octets at p that cannot go on
 * in an NCName. By nibbles as scan_avx2: 0x01: high nibble 2, '-' '.'; 0x02: 3,
 * '0'-'9'; 0x04: 4 and 6, 'A'-'O' 'a'-'o'; 0x08: 5 and 7, 'P'-'Z' 'p'-'z'; 0x10: 5, '_'.
 */
__attribute__((target("avx2"), always_inline)) static inline unsigned
name_stops_avx2(const unsigned char *p)
{
	const __m256i lut_hi = _mm256_setr_epi8(0, 0, 0x01, 0x02, 0x04, 0x18, 0x04, 0x08,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02, 0x04, 0x18, 0x04, 0x08,
	    0, 0, 0, 0, 0, 0, 0, 0);
	const __m256i lut_lo = _mm256_setr_epi8(0x0a, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e,
	    0x0e, 0x0e, 0x0e, 0x0c, 0x04, 0x04, 0x05, 0x05, 0x14,
	    0x0a, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e, 0x0e,
	    0x0e, 0x0e, 0x0e, 0x0c, 0x04, 0x04, 0x05, 0x05, 0x14);
	const __m256i nib = _mm256_set1_epi8(0x0f);
	__m256i v = _mm256_loadu_si256((const __m256i *)p);
	__m256i in = _mm256_and_si256(_mm256_shuffle_epi8(lut_lo, _mm256_and_si256(v, nib)),
	    _mm256_shuffle_epi8(lut_hi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));

	return (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(in, _mm256_setzero_si256()));
}

/* name_avx2 - name_scalar thirty-two octets at a time */
__attribute__((target("avx2"))) static const unsigned char *
name_avx2(const unsigned char *p, const unsigned char *end)
{
	for (; end - p >= 32; p += 32) {
		unsigned m = name_stops_avx2(p);

		if (m != 0)
			return p + __builtin_ctz(m);
	}
	return name_scalar(p, end);
}

/* qname_avx2 - scan_qname's look at a name at p (its first octet an NCName start)
 * with thirty-two octets to read: the octet after it, NULL if not mine, or p itself
 * if the name goes on past them */
__attribute__((target("avx2"))) static const unsigned char *
qname_avx2(const unsigned char *p, struct xf_qname *q)
{
	unsigned m = name_stops_avx2(p), i, j;

	if (m == 0)
		return p;
	i = (unsigned)__builtin_ctz(m);
	if (p[i] != ':') {
		q->prefix = NULL;
		q->plen = 0;
		q->local = p;
		q->llen = i;
		return p + i;
	}
	if ((m &= m - 1) == 0)
		return p;
	j = (unsigned)__builtin_ctz(m);
	if (!(cls[p[i + 1]] & C_NAME_START) || p[j] == ':')
		return NULL;
	q->prefix = p;
	q->plen = i;
	q->local = p + i + 1;
	q->llen = j - i - 1;
	return p + j;
}
#endif

static text_scan_fn text_scan = scan_scalar;
#ifdef XMLFAST_SIMD
static int avx2;			/* the CPU has AVX2, and it is used */
#endif
static pthread_once_t scan_once = PTHREAD_ONCE_INIT;

/* scan_init - pick the scanners for this CPU */
static void
scan_init(void)
{
#ifdef XMLFAST_SIMD
	avx2 = __builtin_cpu_supports("avx2");
	text_scan = avx2 ? scan_avx2 : scan_sse2;
#endif
}

void
xmlfast_use_avx2(int on)
{
	pthread_once(&scan_once, scan_init);
#ifdef XMLFAST_SIMD
	avx2 = on && __builtin_cpu_supports("avx2");
	text_scan = avx2 ? scan_avx2 : scan_sse2;
#else
	(void)on;
#endif
}

/* name_span - name_scalar, thirty-two octets at a time where the CPU can */
static inline const unsigned char *
name_span(const unsigned char *p, const unsigned char *end)
{
#ifdef XMLFAST_SIMD
	if (avx2 && end - p >= 32)
		return name_avx2(p, end);
#endif
	return name_scalar(p, end);
}

/* utf8_char - the length of the UTF-8 sequence at p (*p non-ASCII, p < end) if it is
 * a valid one of an XML character, else 0 */
static size_t
utf8_char(const unsigned char *p, const unsigned char *end)
{
	size_t n = (size_t)(end - p);
	unsigned c = p[0];

	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) ||		/* overlong */
		    (c == 0xed && p[1] >= 0xa0) ||		/* a surrogate */
		    (c == 0xef && p[1] == 0xbf && p[2] >= 0xbe))	/* U+FFFE, U+FFFF */
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
		    (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) ||		/* overlong */
		    (c == 0xf4 && p[1] >= 0x90))		/* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

/* skip_blanks - the first octet at or after p that is not white space, or end */
static const unsigned char *
skip_blanks(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (cls[*p] & C_BLANK))
		p++;
	return p;
}

/* scan_qname - the name at p into *q; the octet after it (which the caller judges),
 * or NULL if it is no ASCII QName of at most XF_MAX_NAME octets or the input ends
 * (lim: the octet after the longest name) */
static const unsigned char *
scan_qname(const unsigned char *p, const unsigned char *end, struct xf_qname *q)
{
	const unsigned char *s = p, *lim = (size_t)(end - p) > XF_MAX_NAME ? p + XF_MAX_NAME + 1 :
	    end;

	if (p >= lim || !(cls[*p] & C_NAME_START))
		return NULL;
#ifdef XMLFAST_SIMD
	if (avx2 && lim - p >= 32) {	/* the whole name in one look, most often */
		const unsigned char *r = qname_avx2(p, q);

		if (r != p)
			return r;
	}
#endif
	p = name_span(p + 1, lim);
	if (p < lim && *p == ':') {
		q->prefix = s;
		q->plen = (size_t)(p - s);
		s = ++p;
		if (p >= lim || !(cls[*p] & C_NAME_START))
			return NULL;
		p = name_span(p + 1, lim);
		if (p < lim && *p == ':')
			return NULL;
	} else {
		q->prefix = NULL;
		q->plen = 0;
	}
	q->local = s;
	q->llen = (size_t)(p - s);
	return p < lim ? p : NULL;
}

/* is_word - 1 if s[0..n) is word (NUL-terminated) */
static int
is_word(const unsigned char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* is_xml, is_xmlns - 1 if s[0..n) is that reserved prefix */
static inline int
is_xml(const unsigned char *s, size_t n)
{
	return n == 3 && s[0] == 'x' && s[1] == 'm' && s[2] == 'l';
}

static inline int
is_xmlns(const unsigned char *s, size_t n)
{
	return n == 5 && s[0] == 'x' && s[1] == 'm' && s[2] == 'l' && s[3] == 'n' &&
	    s[4] == 's';
}

/* load64, load32, load16 - the octets at p as a word (any alignment) */
static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t
load32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint16_t
load16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* name_key - the key of s[0..len) (len > 0): its first and last octets, as many as
 * fit in a word each, overlapping where len is short */
static inline struct xf_key
name_key(const unsigned char *s, size_t len)
{
	struct xf_key k;

	if (len >= 8) {
		k.a = load64(s);
		k.b = load64(s + len - 8);
	} else if (len >= 4) {
		k.a = load32(s);
		k.b = load32(s + len - 4);
	} else if (len >= 2) {
		k.a = load16(s);
		k.b = load16(s + len - 2);
	} else {
		k.a = s[0];
		k.b = 0;
	}
	return k;
}

/* same_name - 1 if s[0..len) with key k is the name t[0..tlen) with key tk */
static inline int
same_name(const unsigned char *s, size_t len, struct xf_key k, const unsigned char *t,
    size_t tlen, struct xf_key tk)
{
	return len == tlen && k.a == tk.a && k.b == tk.b && (len <= 16 ||
	    memcmp(s, t, len) == 0);
}

/* intern_miss - intern's way to the dictionary, remembered in cache entry h */
static __attribute__((noinline)) const xmlChar *
intern_miss(struct xf *x, const unsigned char *s, size_t len, struct xf_key k, size_t h)
{
	const xmlChar *d;

	if ((x->dict_bytes += len) > XF_MAX_DICT)
		return NULL;
	d = xmlDictLookup(x->dict, s, (int)len);
	if (d != NULL) {
		x->cached[h >> 6] |= UINT64_C(1) << (h & 63);
		x->cache[h].k = k;
		x->cache[h].len = len;
		x->cache[h].s = d;
	}
	return d;
}

/* intern - the dictionary's copy of s[0..len) (len > 0), through the cache; NULL on
 * failure */
static inline const xmlChar *
intern(struct xf *x, const unsigned char *s, size_t len)
{
	struct xf_key k = name_key(s, len);
	size_t h = ((k.a * UINT64_C(0x9e3779b97f4a7c15)) ^ (k.b * UINT64_C(0xc2b2ae3d27d4eb4f)) ^
	    len) >> (64 - XF_CACHE_BITS);
	const struct xf_name *c = &x->cache[h];

	if (!(x->cached[h >> 6] & (UINT64_C(1) << (h & 63))) ||
	    !same_name(s, len, k, c->s, c->len, c->k))
		return intern_miss(x, s, len, k, h);
	return c->s;
}

/* lookup_scope - lookup's walk of the declarations in scope, remembered in b */
static __attribute__((noinline)) const xmlChar *
lookup_scope(struct xf *x, const unsigned char *prefix, size_t plen, struct xf_key k,
    struct xf_bound *b)
{
	for (int i = x->nns - 1; i >= 0; i--)
		if (same_name(prefix, plen, k, x->ns[i].prefix, x->ns[i].plen, x->ns[i].k)) {
			b->k = k;
			b->plen = plen;
			b->gen = x->gen;
			b->uri = x->ns[i].uri;
			return b->uri;
		}
	return NULL;
}

/* lookup - the URI bound to prefix[0..plen) (NULL, 0: the default namespace), NULL
 * for none; through the last bindings looked up */
static inline const xmlChar *
lookup(struct xf *x, const unsigned char *prefix, size_t plen)
{
	struct xf_key k = { 0, 0 };
	struct xf_bound *b;

	if (plen > 0)
		k = name_key(prefix, plen);
	b = &x->bound[(k.a * UINT64_C(0x9e3779b97f4a7c15) + plen) >> 62];
	if (b->gen == x->gen && b->plen == plen && b->k.a == k.a && b->k.b == k.b &&
	    plen <= 16)
		return b->uri;
	return lookup_scope(x, prefix, plen, k, b);
}

/* tell_text - character data s[0..len) to the sink (nothing for none) */
static void
tell_text(const struct xf *x, const unsigned char *s, size_t len)
{
	if (len > 0)
		x->sink->text(x->user, s, (int)len, 0);
}

/* comment - the comment at x->p ("<!--") to the sink; 0, or -1: not mine */
static int
comment(struct xf *x)
{
	const unsigned char *p = x->p + 4, *end = x->end;
	size_t n;

	for (;;) {
		while (p < end && !(cls[*p] & C_COMMENT))
			p++;
		if (p >= end)
			return -1;
		if (*p == '-') {
			if (end - p >= 3 && p[1] == '-') {
				if (p[2] != '>')
					return -1;	/* "--" inside */
				break;
			}
			p++;
		} else if (*p >= 0x80 && (n = utf8_char(p, end)) != 0)
			p += n;
		else
			return -1;
	}
	x->p = p + 3;
	x->sink->other(x->user);
	return 0;
}

/* misc - white space and comments (the prolog's, the epilog's); 0, or -1: not mine */
static int
misc(struct xf *x)
{
	for (;;) {
		x->p = skip_blanks(x->p, x->end);
		if (x->end - x->p < 4 || memcmp(x->p, "<!--", 4) != 0)
			return 0;
		if (comment(x) != 0)
			return -1;
	}
}

/* eat - step *p over word if it stands there; 1 if it did */
static int
eat(const unsigned char **p, const unsigned char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
		return 0;
	*p += n;
	return 1;
}

/* decl_value - step *p over Eq and a quoted value, at most 16 octets, which goes to
 * *v and *vlen; 1 if it did */
static int
decl_value(const unsigned char **p, const unsigned char *end, const unsigned char **v,
    size_t *vlen)
{
	const unsigned char *s = skip_blanks(*p, end), *q;

	if (s >= end || *s != '=')
		return 0;
	s = skip_blanks(s + 1, end);
	if (s >= end || (*s != '"' && *s != '\''))
		return 0;
	for (q = s + 1; q < end && q - s <= 16 && *q != *s; q++)
		;
	if (q >= end || *q != *s)
		return 0;
	*v = s + 1;
	*vlen = (size_t)(q - s - 1);
	*p = q + 1;
	return 1;
}

/* decl - the XML declaration at x->p ("<?xml" and white space); 0, or -1: not mine */
static int
decl(struct xf *x)
{
	const unsigned char *p = skip_blanks(x->p + 5, x->end), *end = x->end, *q, *v;
	size_t vlen;

	if (!eat(&p, end, "version") || !decl_value(&p, end, &v, &vlen) ||
	    !is_word(v, vlen, "1.0"))
		return -1;
	q = skip_blanks(p, end);
	if (q > p && eat(&q, end, "encoding")) {
		if (!decl_value(&q, end, &v, &vlen) || vlen != 5 ||
		    strncasecmp((const char *)v, "UTF-8", 5) != 0)
			return -1;
		p = q;
		q = skip_blanks(p, end);
	}
	if (q > p && eat(&q, end, "standalone")) {
		if (!decl_value(&q, end, &v, &vlen) || (!is_word(v, vlen, "yes") &&
		    !is_word(v, vlen, "no")))
			return -1;
		q = skip_blanks(q, end);
	}
	if (!eat(&q, end, "?>"))
		return -1;
	x->p = q;
	return 0;
}

/* attr_value - the end of the attribute value at p, quoted by quote (the octet before
 * p), or NULL if it holds an octet libxml2 would change or refuse, or does not end */
static const unsigned char *
attr_value(const unsigned char *p, const unsigned char *end, unsigned char quote)
{
	size_t n;

	for (;;) {
		while (p < end && !(cls[*p] & C_VALUE))
			p++;
		if (p >= end)
			return NULL;
		if (*p == quote)
			return p;
		if (*p == '"' || *p == '\'')
			p++;
		else if (*p >= 0x80 && (n = utf8_char(p, end)) != 0)
			p += n;
		else
			return NULL;
	}
}

/* declare - a namespace declaration of the tag whose own declarations start at
 * x->ns[first]: prefix[0..plen) (NULL: the default namespace) bound to v[0..vlen);
 * 0, or -1: not mine */
static int
declare(struct xf *x, int first, const unsigned char *prefix, size_t plen,
    const unsigned char *v, size_t vlen)
{
	struct xf_key k = { 0, 0 };
	const xmlChar *uri;

	if (vlen == 0 || x->nns == XF_MAX_NS || is_xml(prefix, plen) || is_xmlns(prefix, plen) ||
	    is_word(v, vlen, "http://www.w3.org/XML/1998/namespace") ||
	    is_word(v, vlen, "http://www.w3.org/2000/xmlns/"))
		return -1;
	if (plen > 0)
		k = name_key(prefix, plen);
	for (int i = first; i < x->nns; i++)
		if (same_name(prefix, plen, k, x->ns[i].prefix, x->ns[i].plen, x->ns[i].k))
			return -1;	/* declared twice in one tag */
	if ((x->dict_bytes += vlen) > XF_MAX_DICT ||
	    (uri = xmlDictLookup(x->dict, v, (int)vlen)) == NULL)
		return -1;
	x->ns[x->nns].k = k;
	x->ns[x->nns].prefix = prefix;
	x->ns[x->nns].plen = plen;
	x->ns[x->nns].uri = uri;
	x->nns++;
	x->gen++;
	return 0;
}

/* attributes - the attributes of a start tag from p (right after its name) to its '>' or
 * "/>": namespace declarations declared in the scope of open element o, the others
 * into x->att (*natt of them); past the tag, with *empty set for "/>", or NULL: not
 * mine */
static const unsigned char *
attributes(struct xf *x, const struct xf_open *o, const unsigned char *p, int *natt,
    int *empty)
{
	const unsigned char *end = x->end, *blank;

	for (;;) {
		struct xf_att *a;
		unsigned char quote;

		blank = p;
		p = skip_blanks(p, end);
		if (p >= end)
			return NULL;
		if (*p == '>' || *p == '/') {
			*empty = *p == '/';
			if (*empty && (end - p < 2 || p[1] != '>'))
				return NULL;
			return p + (*empty ? 2 : 1);
		}
		if (p == blank || *natt == XF_MAX_ATTS)
			return NULL;
		a = &x->att[*natt];
		if ((p = scan_qname(p, end, &a->name)) == NULL)
			return NULL;
		p = skip_blanks(p, end);
		if (p >= end || *p != '=')
			return NULL;
		p = skip_blanks(p + 1, end);
		if (p >= end || (*p != '"' && *p != '\''))
			return NULL;
		quote = *p++;
		a->value = p;
		if ((p = attr_value(p, end, quote)) == NULL)
			return NULL;
		a->vlen = (size_t)(p - a->value);
		p++;
		if (a->name.prefix == NULL && is_xmlns(a->name.local, a->name.llen)) {
			if (declare(x, o->nns, NULL, 0, a->value, a->vlen) != 0)
				return NULL;
		} else if (is_xmlns(a->name.prefix, a->name.plen)) {
			if (declare(x, o->nns, a->name.local, a->name.llen, a->value,
			    a->vlen) != 0)
				return NULL;
		} else if (is_xml(a->name.prefix, a->name.plen) ||
		    is_xmlns(a->name.local, a->name.llen))
			return NULL;
		else
			(*natt)++;
	}
}

/* start_tag - the start tag at x->p ('<' and a name start) to the sink, and its end
 * as well for an empty-element tag; 0, or -1: not mine */
static int
start_tag(struct xf *x)
{
	const unsigned char *p = x->p + 1, *end = x->end;
	struct xf_qname el;
	struct xf_open *o;
	const xmlChar *localname, *uri;
	int natt = 0, empty;

	if (x->depth >= x->max_depth || (p = scan_qname(p, end, &el)) == NULL)
		return -1;
	o = &x->open[x->depth];
	o->qname = x->p + 1;
	o->qlen = (size_t)(p - o->qname);
	o->k = name_key(o->qname, o->qlen);
	o->nns = x->nns;
	if (p < end && *p == '>') {	/* most tags: the name alone */
		empty = 0;
		p++;
	} else if ((p = attributes(x, o, p, &natt, &empty)) == NULL)
		return -1;
	if (is_xmlns(el.local, el.llen))
		return -1;
	if (el.prefix != NULL) {
		if (is_xml(el.prefix, el.plen) || is_xmlns(el.prefix, el.plen) ||
		    (uri = lookup(x, el.prefix, el.plen)) == NULL)
			return -1;
	} else
		uri = lookup(x, NULL, 0);
	if ((localname = intern(x, el.local, el.llen)) == NULL)
		return -1;
	for (int i = 0; i < natt; i++) {
		const struct xf_att *a = &x->att[i];
		const xmlChar **t = &x->told[5 * i];

		if ((t[0] = intern(x, a->name.local, a->name.llen)) == NULL)
			return -1;
		if (a->name.prefix != NULL) {
			if ((t[1] = intern(x, a->name.prefix, a->name.plen)) == NULL ||
			    (t[2] = lookup(x, a->name.prefix, a->name.plen)) == NULL)
				return -1;
		} else
			t[1] = t[2] = NULL;
		for (int j = 0; j < i; j++)	/* dictionary strings: the same if equal */
			if (x->told[5 * j] == t[0] && (x->told[5 * j + 1] == t[1] ||
			    x->told[5 * j + 2] == t[2]))
				return -1;	/* the same name, or expanded name, twice */
		t[3] = a->value;
		t[4] = a->value + a->vlen;
	}
	x->p = p;
	x->depth++;
	x->sink->start(x->user, localname, uri, natt, x->told);
	if (empty) {
		x->depth--;
		if (x->nns != o->nns) {
			x->nns = o->nns;
			x->gen++;
		}
		x->sink->end(x->user);
	}
	return 0;
}

/* end_tag - the end tag at x->p ("</") of the open element to the sink; 0, or -1:
 * not mine */
static int
end_tag(struct xf *x)
{
	const struct xf_open *o = &x->open[x->depth - 1];
	const unsigned char *p = x->p + 2, *end = x->end;

	if ((size_t)(end - p) <= o->qlen || !same_name(p, o->qlen, name_key(p, o->qlen),
	    o->qname, o->qlen, o->k))
		return -1;
	p = skip_blanks(p + o->qlen, end);
	if (p >= end || *p != '>')
		return -1;
	x->p = p + 1;
	if (x->nns != o->nns) {
		x->nns = o->nns;
		x->gen++;
	}
	x->depth--;
	x->sink->end(x->user);
	return 0;
}

/* utf8_put - c (an XML character) in UTF-8 at out; its length */
static size_t
utf8_put(unsigned char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xc0 | (c >> 6));
		out[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (c >> 12));
		out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (c >> 18));
	out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/* char_ref - the character reference at p ("&#") told as libxml2 tells it (the
 * character in UTF-8); the octet after it, or NULL: not mine */
static const unsigned char *
char_ref(const struct xf *x, const unsigned char *p)
{
	const unsigned char *end = x->end;
	unsigned long c = 0;
	unsigned char out[4];
	int digits = 0;

	p += 2;
	if (p < end && *p == 'x') {
		for (p++; p < end && digits < 6; p++, digits++) {
			if (*p >= '0' && *p <= '9')
				c = c * 16 + (unsigned long)(*p - '0');
			else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
				c = c * 16 + (unsigned long)((*p | 0x20) - 'a' + 10);
			else
				break;
		}
	} else {
		for (; p < end && digits < 7 && *p >= '0' && *p <= '9'; p++, digits++)
			c = c * 10 + (unsigned long)(*p - '0');
	}
	if (digits == 0 || p >= end || *p != ';')
		return NULL;
	if (!(c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff)))
		return NULL;
	tell_text(x, out, utf8_put(out, c));
	return p + 1;
}

/* reference - the reference at p ('&') told as libxml2 tells it; the octet after it,
 * or NULL: not mine */
static const unsigned char *
reference(const struct xf *x, const unsigned char *p)
{
	static const struct {
		const char *ref;	/* after the '&' */
		size_t len;
		const char *c;
	} predefined[] = {
		{ "lt;", 3, "<" }, { "gt;", 3, ">" }, { "amp;", 4, "&" },
		{ "apos;", 5, "'" }, { "quot;", 5, "\"" },
	};
	size_t n = (size_t)(x->end - p - 1);

	if (n >= 1 && p[1] == '#')
		return char_ref(x, p);
	for (size_t i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++)
		if (n >= predefined[i].len && memcmp(p + 1, predefined[i].ref,
		    predefined[i].len) == 0) {
			tell_text(x, (const unsigned char *)predefined[i].c, 1);
			return p + 1 + predefined[i].len;
		}
	return NULL;
}

/* text_stop - the octet at *pp that character data must look at, not '<': a
 * reference told, a CR told as LF, "]]>" or a bad octet refused, a valid UTF-8
 * sequence passed; *pp past it and *from where the text to tell goes on. 0, or -1:
 * not mine */
static int
text_stop(const struct xf *x, const unsigned char **pp, const unsigned char **from)
{
	const unsigned char *p = *pp, *end = x->end;
	size_t n;

	switch (*p) {
	case '&':
		tell_text(x, *from, (size_t)(p - *from));
		if ((p = reference(x, p)) == NULL)
			return -1;
		*from = p;
		break;
	case ']':
		if (end - p >= 3 && p[1] == ']' && p[2] == '>')
			return -1;
		p++;
		break;
	case '\r':		/* as LF: CR LF by the LF, a lone CR by one */
		tell_text(x, *from, (size_t)(p - *from));
		if (end - p < 2 || p[1] != '\n')
			tell_text(x, (const unsigned char *)"\n", 1);
		*from = ++p;
		break;
	default:
		if (*p < 0x80 || (n = utf8_char(p, end)) == 0)
			return -1;
		p += n;
	}
	*pp = p;
	return 0;
}

/* indent - past the indentation at p: a line end and spaces, none of which character
 * data must look at (C_TEXT), eight and four at a time */
static inline const unsigned char *
indent(const unsigned char *p, const unsigned char *end)
{
	if (p < end && *p == '\n')
		p++;
	while (end - p >= 8 && load64(p) == UINT64_C(0x2020202020202020))
		p += 8;
	if (end - p >= 4 && load32(p) == UINT32_C(0x20202020))
		p += 4;
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* text - the character data at x->p, up to the next '<', to the sink in as few pieces
 * as it takes; 0, or -1: not mine. The white space between tags, most often a line
 * end and indentation, is told without the scanner. */
static int
text(struct xf *x)
{
	const unsigned char *p = x->p, *from = p, *end = x->end;

	if (*p == '\n' || *p == ' ') {
		p = indent(p, end);
		if (p < end && *p == '<') {
			tell_text(x, from, (size_t)(p - from));
			x->p = p;
			return 0;
		}
	}
	for (;;) {
		p = text_scan(p, end);
		if (p >= end)
			return -1;	/* the root never ends */
		if (*p == '<') {
			tell_text(x, from, (size_t)(p - from));
			x->p = p;
			return 0;
		}
		if (text_stop(x, &p, &from) != 0)
			return -1;
	}
}

/* document - the whole document; 0, or -1: not mine */
static int
document(struct xf *x)
{
	if (x->end - x->p >= 3 && memcmp(x->p, "\xef\xbb\xbf", 3) == 0)
		x->p += 3;
	if (x->end - x->p >= 6 && memcmp(x->p, "<?xml", 5) == 0 && (cls[x->p[5]] & C_BLANK) &&
	    decl(x) != 0)
		return -1;
	if (misc(x) != 0 || x->end - x->p < 2 || x->p[0] != '<' || start_tag(x) != 0)
		return -1;
	while (x->depth > 0) {
		const unsigned char *p = x->p;

		if (p >= x->end)
			return -1;
		if (*p != '<') {
			if (text(x) != 0)
				return -1;
		} else if (x->end - p < 2)
			return -1;
		else if (p[1] == '/') {
			if (end_tag(x) != 0)
				return -1;
		} else if (p[1] == '!') {
			if (x->end - p < 4 || p[2] != '-' || p[3] != '-' || comment(x) != 0)
				return -1;
		} else if (start_tag(x) != 0)
			return -1;
	}
	return misc(x) != 0 || x->p != x->end ? -1 : 0;
}

int
xmlfast_read(const char *buf, size_t len, int max_depth, const struct xmlsafe_sax *sink,
    void *user, xmlDictPtr *dict)
{
	struct xf *x;
	int rc;

	*dict = NULL;
	if (buf == NULL || len == 0 || len > XMLFAST_MAX_BYTES)
		return XMLFAST_NOT_MINE;
	pthread_once(&scan_once, scan_init);
	x = xmalloc(sizeof(*x));
	x->p = (const unsigned char *)buf;
	x->end = x->p + len;
	x->sink = sink;
	x->user = user;
	x->depth = 0;
	x->nns = 0;
	x->dict_bytes = 0;
	x->gen = 1;
	memset(x->bound, 0, sizeof(x->bound));
	x->max_depth = max_depth > 0 ? max_depth : XMLSAFE_MAX_DEPTH_DEFAULT;
	if (x->max_depth > XMLFAST_MAX_DEPTH)
		x->max_depth = XMLFAST_MAX_DEPTH;
	memset(x->cached, 0, sizeof(x->cached));
	if ((x->dict = xmlDictCreate()) == NULL) {
		free(x);
		return XMLFAST_NOT_MINE;
	}
	rc = document(x) == 0 ? XMLFAST_OK : XMLFAST_NOT_MINE;
	if (rc == XMLFAST_OK)
		*dict = x->dict;
	else
		xmlDictFree(x->dict);
	free(x);
	return rc;
}

/*
 * dec.c - exact decimal numbers for money and quantities.
 *
 * The coefficient is a magnitude in base-10^9 limbs of 32 bits (DEC_LIMBS of them)
 * and a sign. Intermediate results use a wider magnitude of the same kind (big),
 * wide enough for the product of two coefficients and for a dividend shifted by two
 * scales, so that comparisons, sums, products and quotients are exact; every result
 * that does not fit a dec_t is reported (or saturated where the API says so). That
 * general path uses only 32- and 64-bit integers, no floating point.
 *
 * The fast path: real amounts and quantities have coefficients below 10^27 (three limbs),
 * even at the 16 decimals the checks compute with. Where the compiler has a 128-bit
 * integer, an operation on such coefficients whose aligned operands stay below 10^38
 * (so that intermediate results fit) is done in it, with exactly the results of
 * the general path (values, scales, signs, errors); anything else, and every operation
 * on an architecture without one, takes the general path. dec_set_fast(0) turns the
 * fast path off (tests/unit/check_dec.c runs both on the same operands).
 * Input strings are untrusted.
 */
#include <stdio.h>
#include <string.h>

#include "dec.h"

#define BASE 1000000000u

_Static_assert(DEC_MAX_DIGITS == 144 && DEC_MAX_SCALE == 72,
    "dec_strerror names the limits");
#define BIG_LIMBS (2 * DEC_LIMBS + 4)
#define BIG_DIGITS (BIG_LIMBS * 9)

typedef struct {
	uint32_t l[BIG_LIMBS];	/* least significant first, each < BASE */
} big;

static const uint32_t pow10_9[10] = {
	1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
	1000000000u
};

/* 1 while the fast path is on (dec_set_fast) */
static int dec_fast = 1;

void
dec_set_fast(int on)
{
	dec_fast = on != 0;
}

_Static_assert(DEC_LIMBS == 16, "high_limbs reads limbs 4 to 15 as six words");

/* high_limbs - nonzero if a limb of a from the fourth on is (limbs 4 to 15 read as six
 * 64-bit words) */
static inline uint64_t
high_limbs(const dec_t *a)
{
	uint64_t w[6];

	memcpy(w, &a->limb[4], sizeof(w));
	return w[0] | w[1] | w[2] | w[3] | w[4] | w[5];
}

/* zero - 1 if the coefficient of a is zero (its limbs read as eight words) */
static inline int
zero(const dec_t *a)
{
	uint64_t w[DEC_LIMBS / 2];

	memcpy(w, a->limb, sizeof(w));
	return (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) == 0;
}

/* small - 1 with *v = |coefficient of a| if the fast path is on and it is below 10^18
 * (no limb above the second) */
static inline int
small(const dec_t *a, uint64_t *v)
{
	if ((a->limb[2] | a->limb[3]) != 0 || high_limbs(a) != 0 || !dec_fast)
		return 0;
	*v = (uint64_t)a->limb[1] * BASE + a->limb[0];
	return 1;
}

/* u64_digits - the decimal digits of v, most significant first, into buf (at least 21
 * bytes); "0" for zero; returns the count */
static int
u64_digits(uint64_t v, char *buf)
{
	char tmp[20];
	int n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

#ifdef __SIZEOF_INT128__
#define DEC_FAST 1
typedef unsigned __int128 u128;

/* 10^0 .. 10^38 (10^38 < 2^127) */
#define FAST_POW 38
static const u128 pow10_38[FAST_POW + 1] = {
	(u128)1ULL,
	(u128)10ULL,
	(u128)100ULL,
	(u128)1000ULL,
	(u128)10000ULL,
	(u128)100000ULL,
	(u128)1000000ULL,
	(u128)10000000ULL,
	(u128)100000000ULL,
	(u128)1000000000ULL,
	(u128)10000000000ULL,
	(u128)100000000000ULL,
	(u128)1000000000000ULL,
	(u128)10000000000000ULL,
	(u128)100000000000000ULL,
	(u128)1000000000000000ULL,
	(u128)10000000000000000ULL,
	(u128)100000000000000000ULL,
	(u128)1000000000000000000ULL,
	(u128)10000000000000000000ULL,
	(u128)10000000000000000000ULL * 10ULL,
	(u128)10000000000000000000ULL * 100ULL,
	(u128)10000000000000000000ULL * 1000ULL,
	(u128)10000000000000000000ULL * 10000ULL,
	(u128)10000000000000000000ULL * 100000ULL,
	(u128)10000000000000000000ULL * 1000000ULL,
	(u128)10000000000000000000ULL * 10000000ULL,
	(u128)10000000000000000000ULL * 100000000ULL,
	(u128)10000000000000000000ULL * 1000000000ULL,
	(u128)10000000000000000000ULL * 10000000000ULL,
	(u128)10000000000000000000ULL * 100000000000ULL,
	(u128)10000000000000000000ULL * 1000000000000ULL,
	(u128)10000000000000000000ULL * 10000000000000ULL,
	(u128)10000000000000000000ULL * 100000000000000ULL,
	(u128)10000000000000000000ULL * 1000000000000000ULL,
	(u128)10000000000000000000ULL * 10000000000000000ULL,
	(u128)10000000000000000000ULL * 100000000000000000ULL,
	(u128)10000000000000000000ULL * 1000000000000000000ULL,
	(u128)10000000000000000000ULL * 10000000000000000000ULL
};

/* mag - 1 with *v = |coefficient of a| if the fast path is on and it is below 10^27
 * (no limb above the third) */
static inline int
mag(const dec_t *a, u128 *v)
{
	if (a->limb[3] != 0 || high_limbs(a) != 0 || !dec_fast)
		return 0;
	*v = (u128)((uint64_t)a->limb[2] * BASE + a->limb[1]) * BASE + a->limb[0];
	return 1;
}

/* up - *v *= 10^k if the product stays below 10^38 (then two of them and a third
 * below 10^38 add up below 2^128); 0, *v untouched, if it would not */
static inline int
up(u128 *v, int k)
{
	if (k < 0 || k > FAST_POW || *v >= pow10_38[FAST_POW - k])
		return 0;
	*v *= pow10_38[k];
	return 1;
}

/* divmod_base - *v /= BASE, returning the remainder, in 64-bit divisions (32 bits of
 * the dividend at a time) rather than a call for a 128-bit one */
static inline uint32_t
divmod_base(u128 *v)
{
	uint64_t hi = (uint64_t)(*v >> 64), lo = (uint64_t)*v, qh, q1, q0, r, cur;

	qh = hi / BASE;
	r = hi % BASE;
	cur = r << 32 | lo >> 32;		/* r < 2^30: no overflow */
	q1 = cur / BASE;
	r = cur % BASE;
	cur = r << 32 | (lo & 0xffffffffu);
	q0 = cur / BASE;
	r = cur % BASE;
	*v = (u128)qh << 64 | q1 << 32 | q0;	/* q1, q0 < 2^32 */
	return (uint32_t)r;
}

/* set_mag - *out = sign * v / 10^scale, as big_to_dec() would make it (v has at most
 * 39 digits: it always fits) */
static void
set_mag(dec_t *out, u128 v, int scale, int neg)
{
	uint64_t w;
	int i = 0;

	memset(out->limb, 0, sizeof(out->limb));
	out->scale = scale;
	out->neg = neg && v != 0;
	while ((v >> 64) != 0)
		out->limb[i++] = divmod_base(&v);
	for (w = (uint64_t)v; w != 0; w /= BASE)
		out->limb[i++] = (uint32_t)(w % BASE);
}
#endif

/* big_from_dec - the magnitude of a */
static void
big_from_dec(const dec_t *a, big *b)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->l, a->limb, sizeof(a->limb));
}

/* big_is_zero - 1 if b is zero */
static int
big_is_zero(const big *b)
{
	int i;

	for (i = 0; i < BIG_LIMBS; i++)
		if (b->l[i] != 0)
			return 0;
	return 1;
}

/* big_to_dec - *out = sign * b / 10^scale; -1 if b has more than DEC_LIMBS limbs */
static int
big_to_dec(const big *b, int scale, int neg, dec_t *out)
{
	int i;

	for (i = DEC_LIMBS; i < BIG_LIMBS; i++)
		if (b->l[i] != 0)
			return -1;
	memcpy(out->limb, b->l, sizeof(out->limb));
	out->scale = scale;
	out->neg = neg && !big_is_zero(b);
	return 0;
}

/* big_cmp - compare magnitudes */
static int
big_cmp(const big *a, const big *b)
{
	int i;

	for (i = BIG_LIMBS - 1; i >= 0; i--)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

/* big_add - *out = a + b; -1 on overflow of the widest limb */
static int
big_add(const big *a, const big *b, big *out)
{
	uint32_t carry = 0;
	int i;

	for (i = 0; i < BIG_LIMBS; i++) {
		uint32_t s = a->l[i] + b->l[i] + carry;	/* < 2^31: no wrap */

		carry = s >= BASE;
		out->l[i] = carry ? s - BASE : s;
	}
	return carry ? -1 : 0;
}

/* big_sub - *out = a - b, with a >= b */
static void
big_sub(const big *a, const big *b, big *out)
{
	uint32_t borrow = 0;
	int i;

	for (i = 0; i < BIG_LIMBS; i++) {
		uint32_t x = a->l[i], y = b->l[i] + borrow;

		borrow = x < y;
		out->l[i] = borrow ? x + BASE - y : x - y;
	}
}

/* big_mul_small - *out = a * m + add (m <= BASE); -1 on overflow */
static int
big_mul_small(const big *a, uint32_t m, uint32_t add, big *out)
{
	uint64_t carry = add;
	int i;

	for (i = 0; i < BIG_LIMBS; i++) {
		uint64_t p = (uint64_t)a->l[i] * m + carry;

		out->l[i] = (uint32_t)(p % BASE);
		carry = p / BASE;
	}
	return carry ? -1 : 0;
}

/* big_mul_pow10 - *b *= 10^n in place; -1 on overflow */
static int
big_mul_pow10(big *b, int n)
{
	int k = n / 9, i;

	if (n <= 0)
		return 0;
	if (k > 0) {
		for (i = BIG_LIMBS - k; i < BIG_LIMBS; i++)
			if (i >= 0 && b->l[i] != 0)
				return -1;
		if (k >= BIG_LIMBS)
			return big_is_zero(b) ? 0 : -1;
		memmove(b->l + k, b->l, (size_t)(BIG_LIMBS - k) * sizeof(b->l[0]));
		memset(b->l, 0, (size_t)k * sizeof(b->l[0]));
	}
	return big_mul_small(b, pow10_9[n % 9], 0, b);
}

/* big_divmod_small - *q = a / d (0 < d <= BASE), returns a % d */
static uint32_t
big_divmod_small(const big *a, uint32_t d, big *q)
{
	uint64_t rem = 0;
	int i;

	for (i = BIG_LIMBS - 1; i >= 0; i--) {
		uint64_t cur = rem * BASE + a->l[i];

		q->l[i] = (uint32_t)(cur / d);
		rem = cur % d;
	}
	return (uint32_t)rem;
}

/* big_div_pow10 - *b = floor(*b / 10^n) in place; returns 1 if a nonzero remainder
 * was dropped */
static int
big_div_pow10(big *b, int n)
{
	int k = n / 9, i, inexact = 0;

	if (n <= 0)
		return 0;
	if (k >= BIG_LIMBS) {
		inexact = !big_is_zero(b);
		memset(b, 0, sizeof(*b));
		return inexact;
	}
	for (i = 0; i < k; i++)
		inexact |= b->l[i] != 0;
	if (k > 0) {
		memmove(b->l, b->l + k, (size_t)(BIG_LIMBS - k) * sizeof(b->l[0]));
		memset(b->l + BIG_LIMBS - k, 0, (size_t)k * sizeof(b->l[0]));
	}
	if (n % 9 != 0)
		inexact |= big_divmod_small(b, pow10_9[n % 9], b) != 0;
	return inexact;
}

/* big_mul - *out = a * b; -1 on overflow */
static int
big_mul(const big *a, const big *b, big *out)
{
	uint64_t acc[BIG_LIMBS];
	int i, j, na = 0, nb = 0;

	for (i = 0; i < BIG_LIMBS; i++) {
		if (a->l[i] != 0)
			na = i + 1;
		if (b->l[i] != 0)
			nb = i + 1;
	}
	if (na + nb > BIG_LIMBS + 1)
		return -1;
	memset(acc, 0, sizeof(acc));
	for (i = 0; i < na; i++) {
		uint64_t carry = 0;

		for (j = 0; j < nb || carry != 0; j++) {
			uint64_t cur;

			if (i + j >= BIG_LIMBS)
				return -1;
			cur = acc[i + j] + carry + (j < nb ? (uint64_t)a->l[i] * b->l[j] : 0);
			acc[i + j] = cur % BASE;
			carry = cur / BASE;
		}
	}
	for (i = 0; i < BIG_LIMBS; i++)
		out->l[i] = (uint32_t)acc[i];
	return 0;
}

/* big_digits - the decimal digits of b, most significant first, into buf (at least
 * BIG_DIGITS + 1 bytes); "0" for zero; returns the count */
static int
big_digits(const big *b, char *buf)
{
	int top = BIG_LIMBS - 1, n, i, d;

	while (top > 0 && b->l[top] == 0)
		top--;
	n = u64_digits(b->l[top], buf);
	for (i = top - 1; i >= 0; i--) {
		uint32_t v = b->l[i];

		for (d = 8; d >= 0; d--) {
			buf[n + d] = (char)('0' + v % 10);
			v /= 10;
		}
		n += 9;
	}
	buf[n] = '\0';
	return n;
}

/* big_div - *q = floor(n / d), d != 0 */
static void
big_div(const big *n, const big *d, big *q)
{
	char digits[BIG_DIGITS + 1];
	big r;
	int i, nd, c, single = 1;

	for (i = 1; i < BIG_LIMBS; i++)
		if (d->l[i] != 0)
			single = 0;
	if (single) {
		big_divmod_small(n, d->l[0], q);
		return;
	}
	/* schoolbook long division, one decimal digit at a time */
	memset(q, 0, sizeof(*q));
	memset(&r, 0, sizeof(r));
	nd = big_digits(n, digits);
	for (i = 0; i < nd; i++) {
		big_mul_small(&r, 10, (uint32_t)(digits[i] - '0'), &r);	/* r < 10 d: fits */
		for (c = 0; big_cmp(&r, d) >= 0; c++)
			big_sub(&r, d, &r);
		big_mul_small(q, 10, (uint32_t)c, q);	/* q <= n: fits */
	}
}

/* round_away - floor((m + 5 * 10^(n-1)) / 10^n) in place: m / 10^n rounded half
 * away from zero (m is a magnitude); n >= 1 */
static void
round_away(big *m, int n)
{
	big h;

	memset(&h, 0, sizeof(h));
	h.l[0] = 5;
	big_mul_pow10(&h, n - 1);	/* n <= 2 * DEC_MAX_SCALE: fits */
	if (big_add(m, &h, m) < 0) {	/* cannot happen for dec_t-sized m */
		big_div_pow10(m, n);
		return;
	}
	big_div_pow10(m, n);
}

int
dec_parse(const char *s, dec_t *out)
{
	const char *ip, *fp = NULL;
	size_t ni = 0, nf = 0, keep, total, i;
	int neg = 0, k, p, nonzero = 0;
	dec_t r;

	if (s == NULL)
		return DEC_ESYNTAX;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	ip = s;
	while (*s >= '0' && *s <= '9')
		s++;
	ni = (size_t)(s - ip);
	if (*s == '.') {
		fp = ++s;
		while (*s >= '0' && *s <= '9')
			s++;
		nf = (size_t)(s - fp);
	}
	if (ni + nf == 0)
		return DEC_ESYNTAX;
	if (*s == 'e' || *s == 'E')
		return DEC_EEXPONENT;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s != '\0')
		return DEC_ESYNTAX;

	/* trailing zeros beyond DEC_MAX_SCALE do not change the value */
	keep = nf;
	if (keep > DEC_MAX_SCALE) {
		for (i = DEC_MAX_SCALE; i < nf; i++)
			if (fp[i] != '0')
				return DEC_ERANGE;
		keep = DEC_MAX_SCALE;
	}
	while (ni > 0 && *ip == '0') {	/* leading zeros neither */
		ip++;
		ni--;
	}
	/* significant digits: the integer part and the kept fraction, less leading zeros */
	total = ni + keep;
	if (ni == 0)
		for (i = 0; i < keep && fp[i] == '0'; i++)
			total--;
	if (total > DEC_MAX_DIGITS)
		return DEC_ERANGE;

	memset(&r, 0, sizeof(r));
	if (ni + keep <= 18) {		/* the common case: below 10^18, in 64 bits */
		uint64_t v = 0;

		for (i = 0; i < ni; i++)
			v = v * 10 + (uint64_t)(ip[i] - '0');
		for (i = 0; i < keep; i++)
			v = v * 10 + (uint64_t)(fp[i] - '0');
		r.limb[0] = (uint32_t)(v % BASE);
		r.limb[1] = (uint32_t)(v / BASE);
		r.scale = (int)keep;
		r.neg = neg && v != 0;
		*out = r;
		return 0;
	}
	/* fill the limbs from the least significant digit (total checked: the digits
	 * beyond DEC_LIMBS limbs are leading zeros) */
	for (i = ni + keep, k = 0, p = 0; i > 0 && k < DEC_LIMBS; ) {
		char c = --i < ni ? ip[i] : fp[i - ni];	/* from the right */

		if (c != '0') {
			r.limb[k] += (uint32_t)(c - '0') * pow10_9[p];
			nonzero = 1;
		}
		if (++p == 9) {
			p = 0;
			k++;
		}
	}
	r.scale = (int)keep;
	r.neg = neg && nonzero;
	*out = r;
	return 0;
}

const char *
dec_strerror(int rc)
{
	switch (rc) {
	case 0:
		return "a decimal number";
	case DEC_EEXPONENT:
		return "exponent notation (like 1E3) is not allowed in an xs:decimal";
	case DEC_ERANGE:
		return "too long: more than 144 significant digits or 72 decimal places";
	default:
		return "not a decimal number (xs:decimal: optional sign, digits, one point)";
	}
}

dec_t
dec_from_scaled(int64_t units, int scale)
{
	dec_t d;
	uint64_t u = units < 0 ? 0ULL - (uint64_t)units : (uint64_t)units;
	int i = 0;

	memset(&d, 0, sizeof(d));
	while (u != 0) {
		d.limb[i++] = (uint32_t)(u % BASE);
		u /= BASE;
	}
	d.scale = scale < 0 ? 0 : scale > DEC_MAX_SCALE ? DEC_MAX_SCALE : scale;
	d.neg = units < 0;
	return d;
}

dec_t
dec_from_int(int64_t v)
{
	return dec_from_scaled(v, 0);
}

/* align - the magnitudes of a and b at the larger scale (always fits a big) */
static int
align(const dec_t *a, const dec_t *b, big *x, big *y)
{
	int scale = a->scale > b->scale ? a->scale : b->scale;

	big_from_dec(a, x);
	big_from_dec(b, y);
	big_mul_pow10(x, scale - a->scale);
	big_mul_pow10(y, scale - b->scale);
	return scale;
}

int
dec_cmp(dec_t a, dec_t b)
{
	big x, y;
	int c, za = zero(&a), zb = zero(&b);
	int sa = za ? 0 : a.neg ? -1 : 1, sb = zb ? 0 : b.neg ? -1 : 1;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (sa == 0)
		return 0;
#ifdef DEC_FAST
	{
		int scale = a.scale > b.scale ? a.scale : b.scale;
		u128 fx, fy;

		if (mag(&a, &fx) && mag(&b, &fy) && up(&fx, scale - a.scale) &&
		    up(&fy, scale - b.scale)) {
			c = fx < fy ? -1 : fx > fy;
			return sa < 0 ? -c : c;
		}
	}
#endif
	align(&a, &b, &x, &y);
	c = big_cmp(&x, &y);
	return sa < 0 ? -c : c;
}

/* add_sub - a + sign*b at the larger scale into *out; -1 on overflow (then *sat,
 * if given, is the saturated value) */
static int
add_sub(const dec_t *pa, const dec_t *pb, int sign, dec_t *out, dec_t *sat)
{
	big x, y, r;
	int scale, bneg = sign > 0 ? pb->neg : !pb->neg, neg;

#ifdef DEC_FAST
	{
		u128 fx, fy;

		scale = pa->scale > pb->scale ? pa->scale : pb->scale;
		if (mag(pa, &fx) && mag(pb, &fy) && up(&fx, scale - pa->scale) &&
		    up(&fy, scale - pb->scale)) {
			if (pa->neg == bneg)	/* each below 10^38: no carry out */
				set_mag(out, fx + fy, scale, pa->neg);
			else if (fx >= fy)
				set_mag(out, fx - fy, scale, pa->neg);
			else
				set_mag(out, fy - fx, scale, bneg);
			return 0;
		}
	}
#endif
	{
		dec_t a = *pa, b = *pb;		/* out may be one of them */

		scale = align(&a, &b, &x, &y);
		neg = a.neg;
	}
	if (neg == bneg) {
		big_add(&x, &y, &r);	/* both < 10^(144+72): no carry out */
	} else if (big_cmp(&x, &y) >= 0) {
		big_sub(&x, &y, &r);
	} else {
		big_sub(&y, &x, &r);
		neg = bneg;
	}
	if (big_to_dec(&r, scale, neg, out) == 0)
		return 0;
	if (sat != NULL) {
		int i;

		for (i = 0; i < DEC_LIMBS; i++)
			sat->limb[i] = BASE - 1;
		sat->scale = scale;
		sat->neg = neg;
	}
	return -1;
}

dec_t
dec_add(dec_t a, dec_t b)
{
	dec_t r;

	add_sub(&a, &b, 1, &r, &r);
	return r;
}

dec_t
dec_sub(dec_t a, dec_t b)
{
	dec_t r;

	add_sub(&a, &b, -1, &r, &r);
	return r;
}

int
dec_add_ok(dec_t a, dec_t b, dec_t *out)
{
	return add_sub(&a, &b, 1, out, NULL);
}

int
dec_sub_ok(dec_t a, dec_t b, dec_t *out)
{
	return add_sub(&a, &b, -1, out, NULL);
}

int
dec_mul(dec_t a, dec_t b, dec_t *out)
{
	big x, y, p;
	int scale = a.scale + b.scale;
#ifdef DEC_FAST
	u128 fx, fy, fp;

	if (scale <= DEC_MAX_SCALE && mag(&a, &fx) && mag(&b, &fy) &&
	    !__builtin_mul_overflow(fx, fy, &fp)) {
		set_mag(out, fp, scale, a.neg != b.neg);
		return 0;
	}
#endif

	big_from_dec(&a, &x);
	big_from_dec(&b, &y);
	if (big_mul(&x, &y, &p) < 0)	/* 2 x 144 digits: cannot happen */
		return -1;
	if (scale > DEC_MAX_SCALE) {
		round_away(&p, scale - DEC_MAX_SCALE);
		scale = DEC_MAX_SCALE;
	}
	return big_to_dec(&p, scale, a.neg != b.neg, out);
}

int
dec_div(dec_t a, dec_t b, int scale, dec_t *out)
{
	big n, d, t, q;
	int e;

	if (zero(&b) || scale < 0 || scale > DEC_MAX_SCALE)
		return -1;
	/* a/b = (na / 10^sa) / (nb / 10^sb); result units = that * 10^scale */
	big_from_dec(&a, &n);
	big_from_dec(&b, &d);
	e = scale + b.scale - a.scale;
#ifdef DEC_FAST
	{
		u128 fn, fd;

		if (mag(&a, &fn) && mag(&b, &fd) && up(&fn, e >= 0 ? e : 0) &&
		    up(&fd, e >= 0 ? 0 : -e)) {
			/* n, d below 10^38: 2n + d and 2d below 2^128 */
			set_mag(out, (2 * fn + fd) / (2 * fd), scale, a.neg != b.neg);
			return 0;
		}
	}
#endif
	if (e >= 0) {
		if (big_mul_pow10(&n, e) < 0)
			return -1;
	} else if (big_mul_pow10(&d, -e) < 0)
		return -1;
	/* q = floor((2n + d) / 2d): n / d rounded half away from zero */
	if (big_add(&n, &n, &t) < 0 || big_add(&t, &d, &t) < 0 || big_add(&d, &d, &d) < 0)
		return -1;
	big_div(&t, &d, &q);
	return big_to_dec(&q, scale, a.neg != b.neg, out);
}

int
dec_shift(dec_t a, int n, dec_t *out)
{
	if (n < 0 || a.scale + n > DEC_MAX_SCALE)
		return -1;
	*out = a;
	out->scale += n;
	return 0;
}

dec_t
dec_round(dec_t a, int scale)
{
	big m;
	dec_t r;

	if (scale < 0 || a.scale <= scale)
		return a;
#ifdef DEC_FAST
	{
		int n = a.scale - scale;
		u128 fm;

		if (n <= FAST_POW && mag(&a, &fm)) {
			/* below 10^27 + 5 x 10^37 */
			set_mag(&r, (fm + 5 * pow10_38[n - 1]) / pow10_38[n], scale, a.neg);
			return r;
		}
	}
#endif
	big_from_dec(&a, &m);
	round_away(&m, a.scale - scale);
	if (big_to_dec(&m, scale, a.neg, &r) < 0)
		return a;	/* cannot happen: rounding adds at most one digit */
	return r;
}

dec_t
dec_round_half_up(dec_t a, int scale)
{
	big m, h;
	dec_t r;
	int n, inexact;

	if (scale < 0 || a.scale <= scale)
		return a;
	if (!a.neg)
		return dec_round(a, scale);	/* the same for positive values */
	/* -m / 10^n rounded half up = -ceil((m - h) / 10^n), h = 10^n / 2 */
	n = a.scale - scale;
	big_from_dec(&a, &m);
	memset(&h, 0, sizeof(h));
	h.l[0] = 5;
	big_mul_pow10(&h, n - 1);
	if (big_cmp(&m, &h) <= 0)
		memset(&m, 0, sizeof(m));	/* -0.5 <= value: rounds to 0 */
	else {
		big one;

		big_sub(&m, &h, &m);
		inexact = big_div_pow10(&m, n);
		memset(&one, 0, sizeof(one));
		one.l[0] = (uint32_t)inexact;
		big_add(&m, &one, &m);
	}
	if (big_to_dec(&m, scale, 1, &r) < 0)
		return a;
	return r;
}

int
dec_rescale(dec_t a, int scale, dec_t *out)
{
	big m;

	if (scale < 0 || scale > DEC_MAX_SCALE)
		return -1;
	if (scale <= a.scale) {
		*out = dec_round(a, scale);
		return 0;
	}
#ifdef DEC_FAST
	{
		u128 fm;

		if (mag(&a, &fm) && up(&fm, scale - a.scale)) {
			set_mag(out, fm, scale, a.neg);
			return 0;
		}
	}
#endif
	big_from_dec(&a, &m);
	if (big_mul_pow10(&m, scale - a.scale) < 0)
		return -1;
	return big_to_dec(&m, scale, a.neg, out);
}

dec_t
dec_trim(dec_t a, int min_scale)
{
	big m, q;
	uint64_t ua;

	if (small(&a, &ua)) {
		while (a.scale > min_scale && a.scale > 0 && ua % 10 == 0) {
			ua /= 10;
			a.scale--;
		}
		a.limb[0] = (uint32_t)(ua % BASE);
		a.limb[1] = (uint32_t)(ua / BASE);
		a.neg = a.neg && ua != 0;
		return a;
	}
	big_from_dec(&a, &m);
	while (a.scale > min_scale && a.scale > 0 && big_divmod_small(&m, 10, &q) == 0) {
		m = q;
		a.scale--;
	}
	big_to_dec(&m, a.scale, a.neg, &a);
	return a;
}

dec_t
dec_neg(dec_t a)
{
	a.neg = !a.neg && !zero(&a);
	return a;
}

dec_t
dec_abs(dec_t a)
{
	a.neg = 0;
	return a;
}

int
dec_sign(dec_t a)
{
	if (zero(&a))
		return 0;
	return a.neg ? -1 : 1;
}

int
dec_is_zero(dec_t a)
{
	return zero(&a);
}

char *
dec_fmt(dec_t a, char *buf, size_t len)
{
	char digits[BIG_DIGITS + 1], tmp[DEC_FMT_LEN];
	int nd, scale = a.scale, i;
	size_t o = 0;
	uint64_t ua;
	big m;

	if (len == 0)
		return buf;
	if (scale < 0 || scale > DEC_MAX_SCALE)
		scale = 0;
	if (small(&a, &ua)) {
		nd = u64_digits(ua, digits);
		if (a.neg && ua != 0)
			tmp[o++] = '-';
	} else {
		big_from_dec(&a, &m);
		nd = big_digits(&m, digits);
		if (a.neg && !big_is_zero(&m))
			tmp[o++] = '-';
	}
	if (nd <= scale) {		/* 0.00ddd */
		tmp[o++] = '0';
		tmp[o++] = '.';
		for (i = nd; i < scale; i++)
			tmp[o++] = '0';
		for (i = 0; i < nd; i++)
			tmp[o++] = digits[i];
	} else {
		for (i = 0; i < nd; i++) {
			if (i == nd - scale)
				tmp[o++] = '.';
			tmp[o++] = digits[i];
		}
	}
	if (o >= len)		/* truncated, as snprintf would */
		o = len - 1;
	memcpy(buf, tmp, o);
	buf[o] = '\0';
	return buf;
}

/*
 * dec.c - exact decimal numbers for money and quantities.
 *
 * Values are int64 units at a decimal scale of 0..18. Intermediate results use
 * 128-bit integers, so that comparisons and products are exact; every result that
 * does not fit in an int64 is reported (or saturated where the API says so).
 * Input strings are untrusted.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dec.h"

typedef __int128 i128;

static const int64_t pow10_tab[DEC_MAX_SCALE + 1] = {
	1LL, 10LL, 100LL, 1000LL, 10000LL, 100000LL, 1000000LL, 10000000LL,
	100000000LL, 1000000000LL, 10000000000LL, 100000000000LL,
	1000000000000LL, 10000000000000LL, 100000000000000LL,
	1000000000000000LL, 10000000000000000LL, 100000000000000000LL,
	1000000000000000000LL
};

#define I128_MAX ((i128)(((unsigned __int128)1 << 127) - 1))

/* fits64 - 1 if v fits an int64 */
static int
fits64(i128 v)
{
	return v >= (i128)INT64_MIN && v <= (i128)INT64_MAX;
}

/* mul_pow10 - v * 10^n in 128 bits; -1 on overflow */
static int
mul_pow10(i128 v, int n, i128 *out)
{
	while (n > 0) {
		int step = n > DEC_MAX_SCALE ? DEC_MAX_SCALE : n;
		i128 m = pow10_tab[step];

		if (v > I128_MAX / m || v < -(I128_MAX / m))
			return -1;
		v *= m;
		n -= step;
	}
	*out = v;
	return 0;
}

/* div_round - n / d rounded half away from zero (d != 0) */
static i128
div_round(i128 n, i128 d)
{
	i128 q = n / d, r = n % d;
	i128 ar = r < 0 ? -r : r, ad = d < 0 ? -d : d;

	if (ar >= ad - ar)	/* 2|r| >= |d| without overflow */
		q += ((n < 0) != (d < 0)) ? -1 : 1;
	return q;
}

/* is_xml_space - XML whitespace */
static int
is_xml_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int
dec_parse(const char *s, dec_t *out)
{
	int neg = 0, scale = 0, digits = 0, point = 0;
	i128 v = 0;

	if (s == NULL)
		return -1;
	while (is_xml_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (;; s++) {
		if (*s == '.' && !point) {
			point = 1;
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		digits++;
		if (point && scale == DEC_MAX_SCALE) {
			if (*s != '0')	/* more precision than we hold */
				return -1;
			continue;	/* trailing zero beyond 18 digits: same value */
		}
		v = v * 10 + (*s - '0');
		if (v > (i128)INT64_MAX + 1)
			return -1;
		if (point)
			scale++;
	}
	while (is_xml_space(*s))
		s++;
	if (*s != '\0' || digits == 0)
		return -1;
	if (neg)
		v = -v;
	if (!fits64(v))
		return -1;
	out->units = (int64_t)v;
	out->scale = scale;
	return 0;
}

dec_t
dec_from_int(int64_t v)
{
	dec_t d = { v, 0 };

	return d;
}

int
dec_cmp(dec_t a, dec_t b)
{
	i128 x = a.units, y = b.units;

	/* scales are <= 18 and units < 2^63, so 10^18 * 2^63 fits 128 bits */
	if (a.scale < b.scale)
		x *= pow10_tab[b.scale - a.scale];
	else if (b.scale < a.scale)
		y *= pow10_tab[a.scale - b.scale];
	return (x > y) - (x < y);
}

/* add_sub - a + sign*b at the larger scale into *out; -1 on overflow, *sat saturated */
static int
add_sub(dec_t a, dec_t b, int sign, dec_t *out, dec_t *sat)
{
	int scale = a.scale > b.scale ? a.scale : b.scale;
	i128 x = (i128)a.units * pow10_tab[scale - a.scale];
	i128 y = (i128)b.units * pow10_tab[scale - b.scale];
	i128 r = sign > 0 ? x + y : x - y;

	if (!fits64(r)) {
		if (sat != NULL) {
			sat->units = r < 0 ? INT64_MIN : INT64_MAX;
			sat->scale = scale;
		}
		return -1;
	}
	out->units = (int64_t)r;
	out->scale = scale;
	return 0;
}

dec_t
dec_add(dec_t a, dec_t b)
{
	dec_t r;

	add_sub(a, b, 1, &r, &r);
	return r;
}

dec_t
dec_sub(dec_t a, dec_t b)
{
	dec_t r;

	add_sub(a, b, -1, &r, &r);
	return r;
}

int
dec_add_ok(dec_t a, dec_t b, dec_t *out)
{
	return add_sub(a, b, 1, out, NULL);
}

int
dec_sub_ok(dec_t a, dec_t b, dec_t *out)
{
	return add_sub(a, b, -1, out, NULL);
}

int
dec_mul(dec_t a, dec_t b, dec_t *out)
{
	i128 p = (i128)a.units * b.units;	/* |p| < 2^126: cannot overflow */
	int scale = a.scale + b.scale;

	if (scale > DEC_MAX_SCALE) {
		p = div_round(p, pow10_tab[scale - DEC_MAX_SCALE]);
		scale = DEC_MAX_SCALE;
	}
	if (!fits64(p))
		return -1;
	out->units = (int64_t)p;
	out->scale = scale;
	return 0;
}

int
dec_div(dec_t a, dec_t b, int scale, dec_t *out)
{
	i128 n = a.units, d = b.units, q;
	int e;

	if (b.units == 0 || scale < 0 || scale > DEC_MAX_SCALE)
		return -1;
	/* a/b = (na / 10^sa) / (nb / 10^sb); result units = that * 10^scale */
	e = scale + b.scale - a.scale;
	if (e >= 0) {
		if (mul_pow10(n, e, &n) < 0)
			return -1;
	} else if (mul_pow10(d, -e, &d) < 0)
		return -1;
	q = div_round(n, d);
	if (!fits64(q))
		return -1;
	out->units = (int64_t)q;
	out->scale = scale;
	return 0;
}

dec_t
dec_round(dec_t a, int scale)
{
	dec_t r;

	if (scale < 0 || a.scale <= scale)
		return a;
	r.units = (int64_t)div_round(a.units, pow10_tab[a.scale - scale]);
	r.scale = scale;
	return r;
}

int
dec_rescale(dec_t a, int scale, dec_t *out)
{
	i128 v;

	if (scale < 0 || scale > DEC_MAX_SCALE)
		return -1;
	if (scale <= a.scale) {
		*out = dec_round(a, scale);
		return 0;
	}
	v = (i128)a.units * pow10_tab[scale - a.scale];
	if (!fits64(v))
		return -1;
	out->units = (int64_t)v;
	out->scale = scale;
	return 0;
}

dec_t
dec_neg(dec_t a)
{
	if (a.units == INT64_MIN)
		a.units = INT64_MAX;	/* saturate */
	else
		a.units = -a.units;
	return a;
}

dec_t
dec_abs(dec_t a)
{
	return a.units < 0 ? dec_neg(a) : a;
}

int
dec_sign(dec_t a)
{
	return (a.units > 0) - (a.units < 0);
}

int
dec_is_zero(dec_t a)
{
	return a.units == 0;
}

char *
dec_fmt(dec_t a, char *buf, size_t len)
{
	char digits[24], tmp[DEC_FMT_LEN];
	unsigned long long u;
	int nd = 0, scale = a.scale, i;
	size_t o = 0;

	if (len == 0)
		return buf;
	if (scale < 0 || scale > DEC_MAX_SCALE)
		scale = 0;
	u = a.units < 0 ? 0ULL - (unsigned long long)a.units : (unsigned long long)a.units;
	do {
		digits[nd++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	while (nd <= scale)
		digits[nd++] = '0';
	if (a.units < 0)
		tmp[o++] = '-';
	for (i = nd - 1; i >= 0; i--) {
		tmp[o++] = digits[i];
		if (i == scale && scale > 0)
			tmp[o++] = '.';
	}
	tmp[o] = '\0';
	snprintf(buf, len, "%s", tmp);
	return buf;
}

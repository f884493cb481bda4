/*
 * dec.h - exact decimal numbers for money and quantities.
 *
 * A dec_t is a sign, a coefficient of up to DEC_MAX_DIGITS decimal digits and a
 * decimal scale: the value is coefficient / 10^scale, with scale 0..DEC_MAX_SCALE.
 * The coefficient is held in base-10^9 limbs of 32 bits, so the module needs no
 * 128-bit integer and builds on every Debian architecture (i386, armel, armhf ...);
 * where the compiler has one, small coefficients take a faster path to the same results.
 * That is far beyond any real amount or quantity (xs:decimal processors need only
 * 18 digits; XRechnung's test suite writes 20); a value that does not fit is an
 * error (DEC_ERANGE), never a silent truncation. Invoice amounts are never held in
 * binary floating point. Rounding is half away from zero, as EN 16931 rounds
 * amounts; dec_round_half_up() is XPath's fn:round, as the official artefacts round.
 *
 * Input strings are untrusted: dec_parse() accepts exactly the xs:decimal lexical
 * form (an optional sign, digits, one optional decimal point; no exponent) between
 * optional XML whitespace.
 */
#ifndef PS_DEC_H
#define PS_DEC_H

#include <stddef.h>
#include <stdint.h>

#define DEC_LIMBS 16		/* base-10^9 limbs of the coefficient */
#define DEC_MAX_DIGITS (DEC_LIMBS * 9)	/* 144 significant digits */
#define DEC_MAX_SCALE 72	/* digits after the decimal point */

typedef struct {
	uint32_t limb[DEC_LIMBS];	/* |coefficient|, least significant limb first, each < 10^9 */
	int scale;			/* digits after the decimal point, 0..DEC_MAX_SCALE */
	int neg;			/* 1 if negative (never set on zero) */
} dec_t;

/* Room for any formatted dec_t: sign, the digits, point, leading "0.", NUL. */
#define DEC_FMT_LEN (DEC_MAX_DIGITS + DEC_MAX_SCALE + 8)

/* dec_parse results (0 is success) */
#define DEC_ESYNTAX (-1)	/* not the xs:decimal lexical form */
#define DEC_EEXPONENT (-2)	/* exponent notation ("1E3"): xs:decimal has none */
#define DEC_ERANGE (-3)		/* more digits than a dec_t holds */

/* dec_parse - "-1234.5600" -> 0 and *out; DEC_ESYNTAX, DEC_EEXPONENT or
 * DEC_ERANGE (*out untouched). Accepts an optional + or -, digits, an optional
 * '.' and digits (at least one digit in all), surrounded by optional XML
 * whitespace. The scale kept is the number of digits written after the point
 * (trailing zeros count), except that trailing zeros beyond DEC_MAX_SCALE are
 * dropped (the value is the same). */
int dec_parse(const char *s, dec_t *out);
/* dec_strerror - one line for a dec_parse result (static string) */
const char *dec_strerror(int rc);

/* dec_from_int - the integer v at scale 0 */
dec_t dec_from_int(int64_t v);
/* dec_from_scaled - units / 10^scale (scale clamped to 0..DEC_MAX_SCALE) */
dec_t dec_from_scaled(int64_t units, int scale);

/* dec_cmp - <0, 0, >0 as a < b, a == b, a > b (exact, any scales) */
int dec_cmp(dec_t a, dec_t b);

/* dec_add, dec_sub - exact sum and difference at the larger scale.
 * On overflow they return a saturated value; use dec_add_ok/dec_sub_ok to detect it. */
dec_t dec_add(dec_t a, dec_t b);
dec_t dec_sub(dec_t a, dec_t b);
/* dec_add_ok, dec_sub_ok - as above; -1 on overflow (*out untouched) */
int dec_add_ok(dec_t a, dec_t b, dec_t *out);
int dec_sub_ok(dec_t a, dec_t b, dec_t *out);

/* dec_mul - exact product (scale a.scale + b.scale, reduced if that exceeds
 * DEC_MAX_SCALE by rounding half away from zero); -1 on overflow */
int dec_mul(dec_t a, dec_t b, dec_t *out);

/* dec_div - a / b rounded half away from zero to the given scale; -1 on
 * division by zero, a bad scale or overflow */
int dec_div(dec_t a, dec_t b, int scale, dec_t *out);

/* dec_shift - a / 10^n exactly (n >= 0: the scale grows by n); -1 if the scale
 * would pass DEC_MAX_SCALE */
int dec_shift(dec_t a, int n, dec_t *out);

/* dec_round - round to scale digits, half away from zero; a value already at a
 * smaller scale is returned unchanged (scale is not widened). */
dec_t dec_round(dec_t a, int scale);
/* dec_round_half_up - XPath fn:round to scale digits: half toward positive
 * infinity (-2.5 -> -2); unchanged when already at a smaller scale */
dec_t dec_round_half_up(dec_t a, int scale);

/* dec_rescale - the same value at exactly the given scale (rounded half away
 * from zero when narrowing); -1 on overflow when widening or a bad scale */
int dec_rescale(dec_t a, int scale, dec_t *out);
/* dec_trim - the same value without trailing fractional zeros below min_scale
 * ("100.00" -> "100" with min_scale 0) */
dec_t dec_trim(dec_t a, int min_scale);

/* dec_neg, dec_abs, dec_sign - negation, absolute value, -1/0/1 */
dec_t dec_neg(dec_t a);
dec_t dec_abs(dec_t a);
int dec_sign(dec_t a);
/* dec_is_zero - 1 if the value is zero at any scale */
int dec_is_zero(dec_t a);

/* dec_set_fast - 0 turns off the fast path of small coefficients (dec.c), 1 (the
 * default) turns it on; the results are the same either way. For tests only: it is
 * one flag for the whole process, not to be changed while other threads compute. */
void dec_set_fast(int on);

/* dec_fmt - "229.60": writes the value keeping its scale into buf (len >= DEC_FMT_LEN
 * always suffices; a shorter buffer gets a truncated string); returns buf */
char *dec_fmt(dec_t a, char *buf, size_t len);

#endif

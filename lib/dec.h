/*
 * dec.h - exact decimal numbers for money and quantities.
 *
 * A dec_t is a signed 64-bit integer of units and a decimal scale: the value is
 * units / 10^scale, with scale 0..18. Invoice amounts are never held in binary
 * floating point. Rounding is half away from zero, as EN 16931 rounds amounts.
 * Input strings are untrusted: dec_parse() rejects anything but an optional sign,
 * digits and one decimal point, and any value that does not fit.
 */
#ifndef PS_DEC_H
#define PS_DEC_H

#include <stddef.h>
#include <stdint.h>

#define DEC_MAX_SCALE 18

typedef struct {
	int64_t units;		/* value times 10^scale */
	int scale;		/* digits after the decimal point, 0..DEC_MAX_SCALE */
} dec_t;

/* Room for any formatted dec_t: sign, 19 digits, point, leading "0.", NUL. */
#define DEC_FMT_LEN 48

/* dec_parse - "-1234.5600" -> 0 and *out; -1 on syntax error or overflow.
 * Accepts an optional + or -, digits, an optional '.' and digits (at least one
 * digit in all), surrounded by optional XML whitespace. The scale kept is the
 * number of digits written after the point (trailing zeros count). */
int dec_parse(const char *s, dec_t *out);

/* dec_from_int - the integer v at scale 0 */
dec_t dec_from_int(int64_t v);

/* dec_cmp - <0, 0, >0 as a < b, a == b, a > b (exact, any scales) */
int dec_cmp(dec_t a, dec_t b);

/* dec_add, dec_sub - exact sum and difference at the larger scale.
 * On overflow they return a saturated value; use dec_add_ok/dec_sub_ok to detect it. */
dec_t dec_add(dec_t a, dec_t b);
dec_t dec_sub(dec_t a, dec_t b);
/* dec_add_ok, dec_sub_ok - as above; -1 on overflow (*out untouched) */
int dec_add_ok(dec_t a, dec_t b, dec_t *out);
int dec_sub_ok(dec_t a, dec_t b, dec_t *out);

/* dec_mul - exact product (scale a.scale + b.scale, reduced if that exceeds 18
 * by rounding half away from zero); -1 on overflow */
int dec_mul(dec_t a, dec_t b, dec_t *out);

/* dec_div - a / b rounded half away from zero to the given scale; -1 on
 * division by zero, a bad scale or overflow */
int dec_div(dec_t a, dec_t b, int scale, dec_t *out);

/* dec_round - round to scale digits, half away from zero; a value already at a
 * smaller scale is returned unchanged (scale is not widened). On overflow (only
 * possible near INT64 limits) returns a unchanged. */
dec_t dec_round(dec_t a, int scale);

/* dec_rescale - the same value at exactly the given scale (rounded half away
 * from zero when narrowing); -1 on overflow when widening */
int dec_rescale(dec_t a, int scale, dec_t *out);

/* dec_neg, dec_abs, dec_sign - negation, absolute value, -1/0/1 */
dec_t dec_neg(dec_t a);
dec_t dec_abs(dec_t a);
int dec_sign(dec_t a);
/* dec_is_zero - 1 if the value is zero at any scale */
int dec_is_zero(dec_t a);

/* dec_fmt - "229.60": writes the value keeping its scale into buf (len >= DEC_FMT_LEN
 * always suffices; a shorter buffer gets a truncated string); returns buf */
char *dec_fmt(dec_t a, char *buf, size_t len);

#endif

/*
 * check_dec.c - exact decimals (lib/dec.c). Expected values are worked out by
 * hand from decimal arithmetic (the 30+ digit ones checked with Python's decimal
 * module); rounding is half away from zero (EN 16931), or half up (XPath).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/dec.h"
#include "test_run.h"

/* D - parse or fail the test */
static dec_t
D(const char *s)
{
	dec_t d;

	ck_assert_msg(dec_parse(s, &d) == 0, "dec_parse(\"%s\") failed", s);
	return d;
}

/* S - format into a static buffer (one use per expression) */
static const char *
S(dec_t d)
{
	static char buf[DEC_FMT_LEN];

	return dec_fmt(d, buf, sizeof(buf));
}

START_TEST(parse_ok)
{
	static const struct {
		const char *in;
		int scale;
		const char *out;
	} t[] = {
		{ "0", 0, "0" },
		{ "229.60", 2, "229.60" },
		{ "-1234.5600", 4, "-1234.5600" },
		{ "+7", 0, "7" },
		{ "  12.5\n", 1, "12.5" },
		{ ".5", 1, "0.5" },
		{ "5.", 0, "5" },
		{ "-0.01", 2, "-0.01" },
		{ "-0", 0, "0" },
		{ "000123.000", 3, "123.000" },
		{ "9223372036854775807", 0, "9223372036854775807" },
		{ "-9223372036854775808", 0, "-9223372036854775808" },
		{ "9223372036854775808", 0, "9223372036854775808" },	/* past int64 */
		{ "0.000000000000000001", 18, "0.000000000000000001" },
		{ "0.0000000000000000001", 19, "0.0000000000000000001" },
		/* XRechnung's test suite writes amounts like these */
		{ "10.000000000000000000", 18, "10.000000000000000000" },
		{ "1.0000000000000000000000", 22, "1.0000000000000000000000" },
		/* 30+ significant digits */
		{ "123456789012345678901234567890.12", 2, "123456789012345678901234567890.12" },
		{ "-0.000000000000000000000000000000000001", 36,
		    "-0.000000000000000000000000000000000001" },
		/* trailing zeros past the 72 decimals a dec_t keeps: the same value */
		{ "1.000000000000000000000000000000000000000000000000000000000000000000000000000000",
		    72, "1.000000000000000000000000000000000000000000000000000000000000000000000000" },
	};
	size_t i;
	dec_t d;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(dec_parse(t[i].in, &d) == 0, "parse %s", t[i].in);
		ck_assert_msg(d.scale == t[i].scale, "parse %s: scale %d", t[i].in, d.scale);
		ck_assert_str_eq(S(d), t[i].out);
	}
}
END_TEST

START_TEST(parse_bad)
{
	static const char *const bad[] = {
		"", " ", "-", "+", ".", "1.2.3", "1,5", "abc", "12a", "--1", "1 2", "INF",
		"NaN", "0x10", "1.5-", "+-1",
	};
	/* xs:decimal has no exponent: a clear error of its own */
	static const char *const exponent[] = { "1e3", "1E3", "1.5E-2", "-2e+10", "1e" };
	char big[400];
	size_t i;
	dec_t d;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(dec_parse(bad[i], &d) == DEC_ESYNTAX, "\"%s\" accepted", bad[i]);
	ck_assert_int_eq(dec_parse(NULL, &d), DEC_ESYNTAX);
	for (i = 0; i < sizeof(exponent) / sizeof(exponent[0]); i++)
		ck_assert_msg(dec_parse(exponent[i], &d) == DEC_EEXPONENT, "\"%s\" not an "
		    "exponent error", exponent[i]);
	ck_assert_ptr_nonnull(strstr(dec_strerror(DEC_EEXPONENT), "exponent"));
	/* 145 significant digits: more than a dec_t holds, said so */
	memset(big, '9', 145);
	big[145] = '\0';
	ck_assert_int_eq(dec_parse(big, &d), DEC_ERANGE);
	ck_assert_ptr_nonnull(strstr(dec_strerror(DEC_ERANGE), "144"));
	big[144] = '\0';
	ck_assert_int_eq(dec_parse(big, &d), 0);	/* 144 fit */
	/* a nonzero digit past 72 decimals */
	memset(big, '0', 80);
	big[0] = '0';
	big[1] = '.';
	big[79] = '1';
	big[80] = '\0';
	ck_assert_int_eq(dec_parse(big, &d), DEC_ERANGE);
}
END_TEST

START_TEST(compare_and_scale_mixing)
{
	ck_assert_int_eq(dec_cmp(D("1.50"), D("1.5")), 0);
	ck_assert_int_lt(dec_cmp(D("1.49"), D("1.5")), 0);
	ck_assert_int_gt(dec_cmp(D("-1.4"), D("-1.41")), 0);
	ck_assert_int_eq(dec_cmp(D("-0.00"), D("0")), 0);
	ck_assert_int_lt(dec_cmp(D("-9223372036854775808"), D("0.000000000000000001")), 0);
	ck_assert_int_gt(dec_cmp(D("9223372036854775807"), D("9.223372036854775807")), 0);
	ck_assert_int_eq(dec_cmp(D("10.000000000000000000"), D("10")), 0);
	ck_assert_int_lt(dec_cmp(D("123456789012345678901234567890.11"),
	    D("123456789012345678901234567890.12")), 0);
	ck_assert_int_gt(dec_cmp(D("-123456789012345678901234567890.11"),
	    D("-123456789012345678901234567890.12")), 0);
	ck_assert_str_eq(S(dec_add(D("1.5"), D("2.25"))), "3.75");
	ck_assert_str_eq(S(dec_sub(D("1"), D("0.001"))), "0.999");
	ck_assert_str_eq(S(dec_sub(D("-1.20"), D("3.4"))), "-4.60");
	ck_assert_str_eq(S(dec_sub(D("1.20"), D("3.4"))), "-2.20");
	ck_assert_str_eq(S(dec_add(D("-1.20"), D("3.4"))), "2.20");
	ck_assert_str_eq(S(dec_add(D("0.1"), D("0.2"))), "0.3");	/* not 0.30000000000000004 */
	/* 30+ digits, worked out with decimal arithmetic */
	ck_assert_str_eq(S(dec_add(D("123456789012345678901234567890.12"), D("0.88"))),
	    "123456789012345678901234567891.00");
	ck_assert_str_eq(S(dec_sub(D("-98765432109876543210987654321.000000001"),
	    D("1.999999999"))), "-98765432109876543210987654323.000000000");
	ck_assert_str_eq(S(dec_add(D("9223372036854775807"), D("1"))), "9223372036854775808");
}
END_TEST

START_TEST(overflow)
{
	char nines[200];
	dec_t d, max;

	memset(nines, '9', 144);
	nines[144] = '\0';
	max = D(nines);
	ck_assert_int_eq(dec_add_ok(max, D("1"), &d), -1);
	ck_assert_int_eq(dec_sub_ok(dec_neg(max), D("1"), &d), -1);
	ck_assert_int_eq(dec_add_ok(max, D("-1"), &d), 0);
	/* aligning a 144-digit integer to scale 1 does not fit */
	ck_assert_int_eq(dec_add_ok(max, D("0.1"), &d), -1);
	ck_assert_int_eq(dec_mul(max, D("2"), &d), -1);
	ck_assert_int_eq(dec_mul(max, D("1"), &d), 0);
	/* exact or nothing: 144 nines x 0.5 needs 145 digits */
	ck_assert_int_eq(dec_mul(max, D("0.5"), &d), -1);
	ck_assert_int_eq(dec_div(D("1"), D("0"), 2, &d), -1);
	ck_assert_int_eq(dec_div(D("1"), D("0.000"), 2, &d), -1);
	ck_assert_int_eq(dec_div(max, D("0.1"), 0, &d), -1);
	ck_assert_int_eq(dec_div(D("1"), D("3"), DEC_MAX_SCALE + 1, &d), -1);
	ck_assert_int_eq(dec_rescale(max, 1, &d), -1);
	ck_assert_int_eq(dec_shift(D("1.5"), DEC_MAX_SCALE, &d), -1);
	/* saturation of the plain forms: the largest magnitude, never a wrap */
	ck_assert_int_gt(dec_cmp(dec_add(max, D("1")), D("0")), 0);
	ck_assert_int_eq(dec_cmp(dec_add(max, D("1")), max), 0);
	ck_assert_int_lt(dec_cmp(dec_sub(dec_neg(max), D("1")), D("0")), 0);
	/* 10^143: only the top limb is nonzero */
	memset(nines, '0', 144);
	nines[0] = '1';
	ck_assert_int_eq(dec_is_zero(D(nines)), 0);
	ck_assert_int_eq(dec_sign(dec_neg(D(nines))), -1);
	ck_assert_int_gt(dec_cmp(D(nines), D("99999999999999999999999999")), 0);
	/* what used to overflow 64 bits is exact now */
	ck_assert_int_eq(dec_mul(D("9223372036854775807"), D("2"), &d), 0);
	ck_assert_str_eq(S(d), "18446744073709551614");
}
END_TEST

START_TEST(multiply_divide)
{
	dec_t d;

	ck_assert_int_eq(dec_mul(D("19.00"), D("0.19"), &d), 0);
	ck_assert_str_eq(S(d), "3.6100");
	ck_assert_int_eq(dec_mul(D("-2.5"), D("4"), &d), 0);
	ck_assert_str_eq(S(d), "-10.0");
	ck_assert_int_eq(dec_mul(D("-2.5"), D("-4"), &d), 0);
	ck_assert_str_eq(S(d), "10.0");
	ck_assert_int_eq(dec_mul(D("111111111111111111111"), D("111111111111111111111"), &d), 0);
	ck_assert_str_eq(S(d), "12345679012345679012320987654320987654321");
	ck_assert_int_eq(dec_mul(D("10.000000000000000000"), D("3.5"), &d), 0);
	ck_assert_str_eq(S(d), "35.0000000000000000000");
	/* scale 40 + 40 > 72: reduced to 72, half away from zero */
	ck_assert_int_eq(dec_mul(D("0.0000000000000000000000000000000000000001"),
	    D("0.0000000000000000000000000000000000000005"), &d), 0);
	ck_assert_int_eq(d.scale, DEC_MAX_SCALE);
	ck_assert_int_eq(dec_is_zero(d), 1);
	ck_assert_int_eq(dec_div(D("10"), D("3"), 2, &d), 0);
	ck_assert_str_eq(S(d), "3.33");
	ck_assert_int_eq(dec_div(D("20"), D("3"), 2, &d), 0);
	ck_assert_str_eq(S(d), "6.67");
	ck_assert_int_eq(dec_div(D("-20"), D("3"), 2, &d), 0);
	ck_assert_str_eq(S(d), "-6.67");
	ck_assert_int_eq(dec_div(D("1"), D("8"), 2, &d), 0);		/* 0.125 */
	ck_assert_str_eq(S(d), "0.13");
	ck_assert_int_eq(dec_div(D("-1"), D("8"), 2, &d), 0);
	ck_assert_str_eq(S(d), "-0.13");
	ck_assert_int_eq(dec_div(D("1"), D("-8"), 2, &d), 0);
	ck_assert_str_eq(S(d), "-0.13");
	ck_assert_int_eq(dec_div(D("36109.00"), D("100"), 4, &d), 0);
	ck_assert_str_eq(S(d), "361.0900");
	ck_assert_int_eq(dec_div(D("1.23456"), D("0.001"), 0, &d), 0);	/* 1234.56 */
	ck_assert_str_eq(S(d), "1235");
	ck_assert_int_eq(dec_div(D("2"), D("3"), 40, &d), 0);
	ck_assert_str_eq(S(d), "0.6666666666666666666666666666666666666667");
	/* a divisor of more than one limb takes the long division */
	ck_assert_int_eq(dec_div(D("12345678901234567890123456789"),
	    D("98765432109876543210"), 20, &d), 0);
	ck_assert_str_eq(S(d), "124999998.86093750001548828124");
	ck_assert_int_eq(dec_div(D("-12345678901234567890123456789"),
	    D("98765432109876543210"), 20, &d), 0);
	ck_assert_str_eq(S(d), "-124999998.86093750001548828124");
}
END_TEST

START_TEST(rounding_half_away_from_zero)
{
	static const struct {
		const char *in;
		int scale;
		const char *out;
	} t[] = {
		{ "2.345", 2, "2.35" }, { "-2.345", 2, "-2.35" },
		{ "2.344", 2, "2.34" }, { "-2.344", 2, "-2.34" },
		{ "0.5", 0, "1" }, { "-0.5", 0, "-1" }, { "1.5", 0, "2" }, { "2.5", 0, "3" },
		{ "-0.4999", 0, "0" }, { "0.005", 2, "0.01" }, { "-0.005", 2, "-0.01" },
		{ "1.2", 2, "1.2" },		/* never widened */
		{ "9.995", 2, "10.00" }, { "-9.995", 2, "-10.00" },
		{ "10.000000000000000000", 2, "10.00" },
		{ "123456789012345678901234567890.125", 2, "123456789012345678901234567890.13" },
		{ "0.0000000000000000000000000000005", 30, "0.000000000000000000000000000001" },
	};
	/* XPath fn:round: half toward positive infinity */
	static const struct {
		const char *in;
		int scale;
		const char *out;
	} u[] = {
		{ "2.345", 2, "2.35" }, { "-2.345", 2, "-2.34" }, { "-2.346", 2, "-2.35" },
		{ "-0.5", 0, "0" }, { "-1.5", 0, "-1" }, { "-2.5", 0, "-2" }, { "-2.51", 0, "-3" },
		{ "-0.4", 0, "0" }, { "-0.6", 0, "-1" }, { "-9.995", 2, "-9.99" },
		{ "-9.9951", 2, "-10.00" }, { "-1.0000000000000000000001", 2, "-1.00" },
	};
	size_t i;
	dec_t d;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(strcmp(S(dec_round(D(t[i].in), t[i].scale)), t[i].out) == 0,
		    "round %s to %d: %s", t[i].in, t[i].scale, S(dec_round(D(t[i].in), t[i].scale)));
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		ck_assert_msg(strcmp(S(dec_round_half_up(D(u[i].in), u[i].scale)), u[i].out) == 0,
		    "round half up %s to %d: %s", u[i].in, u[i].scale,
		    S(dec_round_half_up(D(u[i].in), u[i].scale)));
	ck_assert_int_eq(dec_rescale(D("1.2"), 3, &d), 0);
	ck_assert_str_eq(S(d), "1.200");
	ck_assert_int_eq(dec_rescale(D("1.2345"), 2, &d), 0);
	ck_assert_str_eq(S(d), "1.23");
	ck_assert_str_eq(S(dec_trim(D("100.00"), 0)), "100");
	ck_assert_str_eq(S(dec_trim(D("100.50"), 0)), "100.5");
	ck_assert_str_eq(S(dec_trim(D("100.000"), 2)), "100.00");
	ck_assert_int_eq(dec_shift(D("12.5"), 2, &d), 0);
	ck_assert_str_eq(S(d), "0.125");
}
END_TEST

START_TEST(format)
{
	char small[4];

	ck_assert_str_eq(S(dec_from_scaled(-5, 3)), "-0.005");
	ck_assert_str_eq(S(dec_from_scaled(INT64_MIN, 18)), "-9.223372036854775808");
	ck_assert_str_eq(dec_fmt(D("229.60"), small, sizeof(small)), "229");
	ck_assert_str_eq(S(dec_neg(D("-3.10"))), "3.10");
	ck_assert_str_eq(S(dec_neg(D("0.0"))), "0.0");
	ck_assert_str_eq(S(dec_abs(D("-3.10"))), "3.10");
	ck_assert_int_eq(dec_sign(D("-0.00")), 0);
	ck_assert_int_eq(dec_is_zero(D("-0.00")), 1);
	ck_assert_str_eq(S(dec_from_int(-42)), "-42");
	ck_assert_str_eq(S(dec_from_int(0)), "0");
	ck_assert_str_eq(S(D("0.00")), "0.00");
}
END_TEST

/*
 * The fast path of small coefficients (below 10^27, done in 128-bit integers where the
 * compiler has them) against the general path (dec_set_fast(0)): many generated
 * operand pairs through every operation, the results compared byte for byte (value
 * limbs, scale, sign, return code). The operands are drawn around the edges of the
 * fast path: coefficients of 17 to 29 digits (10^18, 10^27 and next to them), long
 * ones up to 144 digits, sparse ones (a high digit, zeros, low digits), zeros at any scale, scales far apart (aligned values past 10^38), ties for
 * the rounding (a last digit 5), and both signs.
 */

/* rnd - xorshift64*: the same operands on every run */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ULL;
}

/* gen - a decimal in canonical form (as dec_fmt writes it) into buf (>= 240 bytes) */
static void
gen(char *buf)
{
	char digits[160];
	int kind = (int)(rnd() % 13), nd, scale, i, o = 0;

	switch (kind) {
	case 0:			/* zero at some scale */
		nd = 1;
		digits[0] = '0';
		break;
	case 1:			/* 10^27 - 1 or 10^27 (the edge of the fast path), */
	case 2:			/* 10^18 - 1 or 10^18 (of 64 bits) */
		nd = (kind == 1 ? 27 : 18) + (int)(rnd() % 2);
		for (i = 0; i < nd; i++)
			digits[i] = nd % 9 == 0 ? '9' : i == 0 ? '1' : '0';
		if (rnd() % 2)	/* or next to it */
			digits[nd - 1] = (char)('0' + rnd() % 10);
		break;
	case 3:			/* 17 to 20 digits */
		nd = 17 + (int)(rnd() % 4);
		break;
	case 4:			/* 25 to 29 digits */
		nd = 25 + (int)(rnd() % 5);
		break;
	case 5:			/* long: the general path only */
		nd = 21 + (int)(rnd() % 40);
		break;
	case 6:			/* up to the 144 digits a dec_t holds */
		nd = 100 + (int)(rnd() % 45);
		break;
	default:		/* amounts and quantities */
		nd = 1 + (int)(rnd() % 12);
		break;
	}
	if (kind == 7) {		/* sparse: a high digit, zeros, a few low digits */
		nd = 28 + (int)(rnd() % 117);
		digits[0] = (char)('1' + rnd() % 9);
		for (i = 1; i < nd; i++)
			digits[i] = i < nd - 6 ? '0' : (char)('0' + rnd() % 10);
	} else if (kind >= 3) {
		digits[0] = (char)('1' + rnd() % 9);
		for (i = 1; i < nd; i++)
			digits[i] = (char)('0' + rnd() % 10);
		if (rnd() % 4 == 0)	/* a tie when rounded one digit shorter */
			digits[nd - 1] = '5';
	}
	scale = (int)(rnd() % 3 == 0 ? rnd() % (DEC_MAX_SCALE + 1) : rnd() % 8);
	if (rnd() % 2 && !(nd == 1 && digits[0] == '0'))
		buf[o++] = '-';
	if (scale >= nd) {
		buf[o++] = '0';
		if (scale > 0)
			buf[o++] = '.';
		for (i = nd; i < scale; i++)
			buf[o++] = '0';
		for (i = 0; i < nd; i++)
			buf[o++] = digits[i];
	} else {
		for (i = 0; i < nd; i++) {
			if (i == nd - scale)
				buf[o++] = '.';
			buf[o++] = digits[i];
		}
	}
	buf[o] = '\0';
}

/* One operation's outcome. */
struct outcome {
	dec_t d;
	int rc;
};

#define N_OUTCOMES 40

/* outcomes - every operation on a and b (and on each alone), into o; how many */
static int
outcomes(dec_t a, dec_t b, struct outcome *o)
{
	static const int scales[] = { 0, 1, 2, 4, 16, 19, 20, 40, DEC_MAX_SCALE, -1,
	    DEC_MAX_SCALE + 1 };
	int n = 0, s;
	size_t i;

	memset(o, 0, N_OUTCOMES * sizeof(*o));
	o[n].d = dec_add(a, b), n++;
	o[n].d = dec_sub(a, b), n++;
	o[n].rc = dec_add_ok(a, b, &o[n].d), n++;
	o[n].rc = dec_sub_ok(b, a, &o[n].d), n++;
	o[n++].rc = dec_cmp(a, b);
	o[n++].rc = dec_cmp(b, a);
	o[n].rc = dec_mul(a, b, &o[n].d), n++;
	for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
		s = scales[i];
		o[n].rc = dec_div(a, b, s, &o[n].d), n++;
	}
	s = (int)(rnd() % (DEC_MAX_SCALE + 1));
	o[n].rc = dec_div(b, a, s, &o[n].d), n++;
	o[n].d = dec_round(a, s), n++;
	o[n].d = dec_round(a, a.scale > 0 ? a.scale - 1 : 0), n++;
	o[n].d = dec_round(b, 2), n++;
	o[n].d = dec_round(b, 0), n++;
	o[n].d = dec_round_half_up(a, s), n++;
	o[n].d = dec_round_half_up(b, b.scale > 0 ? b.scale - 1 : 0), n++;
	o[n].rc = dec_rescale(a, s, &o[n].d), n++;
	o[n].rc = dec_rescale(b, b.scale + (int)(rnd() % 25), &o[n].d), n++;
	o[n].d = dec_trim(a, 0), n++;
	o[n].d = dec_trim(b, (int)(rnd() % 4)), n++;
	o[n].d = dec_neg(a), n++;
	o[n++].rc = dec_is_zero(b);
	ck_assert_int_le(n, N_OUTCOMES);
	return n;
}

/* is_small - the coefficient is below 10^27: the fast path's operands */
static int
is_small(dec_t d)
{
	for (int i = 3; i < DEC_LIMBS; i++)
		if (d.limb[i] != 0)
			return 0;
	return 1;
}

START_TEST(fast_path_same_as_general)
{
	char sa[240], sb[240], fa[DEC_FMT_LEN], fb[DEC_FMT_LEN], g1[DEC_FMT_LEN], g2[DEC_FMT_LEN];
	struct outcome fast[N_OUTCOMES], general[N_OUTCOMES];
	uint64_t seed;
	long pairs, both_small = 0;
	int n, k;
	dec_t a, b;

	rnd_state = 0x9e3779b97f4a7c15ULL * (uint64_t)(_i + 1);	/* 2,000 pairs a round */
	for (pairs = 0; pairs < 2000; pairs++) {
		gen(sa);
		gen(sb);
		a = D(sa);
		b = D(sb);
		both_small += is_small(a) && is_small(b);
		/* the same operands and the same random scales through both paths */
		seed = rnd_state;
		dec_set_fast(1);
		n = outcomes(a, b, fast);
		ck_assert_str_eq(dec_fmt(a, fa, sizeof(fa)), sa);	/* the canonical form back */
		ck_assert_str_eq(dec_fmt(b, fb, sizeof(fb)), sb);
		rnd_state = seed;
		dec_set_fast(0);
		ck_assert_int_eq(outcomes(a, b, general), n);
		ck_assert_str_eq(dec_fmt(a, fa, sizeof(fa)), sa);
		dec_set_fast(1);
		for (k = 0; k < n; k++)
			ck_assert_msg(memcmp(&fast[k], &general[k], sizeof(fast[k])) == 0,
			    "%s and %s, operation %d: fast %s (%d), general %s (%d)", sa, sb, k,
			    dec_fmt(fast[k].d, g1, sizeof(g1)), fast[k].rc,
			    dec_fmt(general[k].d, g2, sizeof(g2)), general[k].rc);
	}
	dec_set_fast(1);
	/* the fast path was taken often, the general one too */
	ck_assert_int_gt(both_small, pairs / 4);
	ck_assert_int_lt(both_small, pairs * 3 / 4);
}
END_TEST

/* The small cases against int64 arithmetic done here (not by dec.c). */
START_TEST(fast_path_against_int64)
{
	char g[DEC_FMT_LEN], w[DEC_FMT_LEN];
	int i, scale;

	for (i = 0; i < 20000; i++) {
		int64_t x = (int64_t)(rnd() % 2000000000) - 1000000000;
		int64_t y = (int64_t)(rnd() % 2000000000) - 1000000000;
		dec_t a, b, d;

		scale = (int)(rnd() % 6);
		a = dec_from_scaled(x, scale);
		b = dec_from_scaled(y, scale);
		ck_assert_str_eq(dec_fmt(dec_add(a, b), g, sizeof(g)),
		    dec_fmt(dec_from_scaled(x + y, scale), w, sizeof(w)));
		ck_assert_str_eq(dec_fmt(dec_sub(a, b), g, sizeof(g)),
		    dec_fmt(dec_from_scaled(x - y, scale), w, sizeof(w)));
		ck_assert_int_eq(dec_cmp(a, b), x < y ? -1 : x > y);
		ck_assert_int_eq(dec_mul(a, b, &d), 0);
		ck_assert_str_eq(dec_fmt(d, g, sizeof(g)),
		    dec_fmt(dec_from_scaled(x * y, 2 * scale), w, sizeof(w)));
		if (y != 0) {	/* x / y at scale 0, half away from zero */
			int64_t q = x / y, r = x % y;

			if (2 * (r < 0 ? -r : r) >= (y < 0 ? -y : y))
				q += (x < 0) == (y < 0) ? 1 : -1;
			ck_assert_int_eq(dec_div(a, b, 0, &d), 0);
			ck_assert_str_eq(dec_fmt(d, g, sizeof(g)),
			    dec_fmt(dec_from_scaled(q, 0), w, sizeof(w)));
		}
	}
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(parse_ok), TEST_ONCE(parse_bad), TEST_ONCE(compare_and_scale_mixing),
		TEST_ONCE(overflow), TEST_ONCE(multiply_divide),
		TEST_ONCE(rounding_half_away_from_zero), TEST_ONCE(format),
		TEST_LOOP_N(fast_path_same_as_general, 6), TEST_ONCE(fast_path_against_int64),
	};

	return test_main("dec", 0, tests, TEST_COUNT(tests));
}

/*
 * check_dec.c - exact decimals (lib/dec.c). Expected values are worked out by
 * hand from decimal arithmetic; rounding is half away from zero (EN 16931).
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dec.h"

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
		int64_t units;
		int scale;
		const char *out;
	} t[] = {
		{ "0", 0, 0, "0" },
		{ "229.60", 22960, 2, "229.60" },
		{ "-1234.5600", -12345600, 4, "-1234.5600" },
		{ "+7", 7, 0, "7" },
		{ "  12.5\n", 125, 1, "12.5" },
		{ ".5", 5, 1, "0.5" },
		{ "5.", 5, 0, "5" },
		{ "-0.01", -1, 2, "-0.01" },
		{ "000123.000", 123000, 3, "123.000" },
		{ "9223372036854775807", INT64_MAX, 0, "9223372036854775807" },
		{ "-9223372036854775808", INT64_MIN, 0, "-9223372036854775808" },
		{ "0.000000000000000001", 1, 18, "0.000000000000000001" },
		{ "1.0000000000000000000000", 1000000000000000000LL, 18,
		    "1.000000000000000000" },
	};
	size_t i;
	dec_t d;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(dec_parse(t[i].in, &d) == 0, "parse %s", t[i].in);
		ck_assert_msg(d.units == t[i].units && d.scale == t[i].scale,
		    "parse %s: got %lld/%d", t[i].in, (long long)d.units, d.scale);
		ck_assert_str_eq(S(d), t[i].out);
	}
}
END_TEST

START_TEST(parse_bad)
{
	static const char *const bad[] = {
		"", " ", "-", "+", ".", "1.2.3", "1,5", "1e3", "abc", "12a", "--1", "1 2",
		"9223372036854775808", "-9223372036854775809", "99999999999999999999",
		"0.0000000000000000001", "92233720368547758.08",
	};
	size_t i;
	dec_t d;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(dec_parse(bad[i], &d) == -1, "\"%s\" accepted", bad[i]);
	ck_assert_int_eq(dec_parse(NULL, &d), -1);
}
END_TEST

START_TEST(compare_and_scale_mixing)
{
	ck_assert_int_eq(dec_cmp(D("1.50"), D("1.5")), 0);
	ck_assert_int_lt(dec_cmp(D("1.49"), D("1.5")), 0);
	ck_assert_int_gt(dec_cmp(D("-1.4"), D("-1.41")), 0);
	ck_assert_int_lt(dec_cmp(D("-9223372036854775808"), D("0.000000000000000001")), 0);
	ck_assert_int_gt(dec_cmp(D("9223372036854775807"), D("9.223372036854775807")), 0);
	ck_assert_str_eq(S(dec_add(D("1.5"), D("2.25"))), "3.75");
	ck_assert_str_eq(S(dec_sub(D("1"), D("0.001"))), "0.999");
	ck_assert_str_eq(S(dec_sub(D("-1.20"), D("3.4"))), "-4.60");
	ck_assert_str_eq(S(dec_add(D("0.1"), D("0.2"))), "0.3");	/* not 0.30000000000000004 */
}
END_TEST

START_TEST(overflow)
{
	dec_t d;

	ck_assert_int_eq(dec_add_ok(D("9223372036854775807"), D("1"), &d), -1);
	ck_assert_int_eq(dec_sub_ok(D("-9223372036854775808"), D("1"), &d), -1);
	/* aligning 1 (scale 0) to scale 18 beside 9.22: the sum does not fit */
	ck_assert_int_eq(dec_add_ok(D("9.223372036854775807"), D("1"), &d), -1);
	ck_assert_int_eq(dec_mul(D("9223372036854775807"), D("2"), &d), -1);
	ck_assert_int_eq(dec_mul(D("4611686018427387904"), D("-2"), &d), 0);
	ck_assert_int_eq(d.units, INT64_MIN);
	ck_assert_int_eq(dec_div(D("1"), D("0"), 2, &d), -1);
	ck_assert_int_eq(dec_div(D("9223372036854775807"), D("0.1"), 0, &d), -1);
	ck_assert_int_eq(dec_rescale(D("92233720368547758"), 3, &d), -1);
	/* saturation of the plain forms */
	ck_assert_int_eq(dec_add(D("9223372036854775807"), D("1")).units, INT64_MAX);
	ck_assert_int_eq(dec_sub(D("-9223372036854775808"), D("1")).units, INT64_MIN);
}
END_TEST

START_TEST(multiply_divide)
{
	dec_t d;

	ck_assert_int_eq(dec_mul(D("19.00"), D("0.19"), &d), 0);
	ck_assert_str_eq(S(d), "3.6100");
	ck_assert_int_eq(dec_mul(D("-2.5"), D("4"), &d), 0);
	ck_assert_str_eq(S(d), "-10.0");
	/* scale 10 + 10 > 18: reduced to 18, half away from zero */
	ck_assert_int_eq(dec_mul(D("0.0000000001"), D("0.0000000005"), &d), 0);
	ck_assert_str_eq(S(d), "0.000000000000000000");
	ck_assert_int_eq(dec_mul(D("0.000000001"), D("0.0000000005"), &d), 0);
	ck_assert_str_eq(S(d), "0.000000000000000001");
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
	};
	size_t i;
	dec_t d;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(strcmp(S(dec_round(D(t[i].in), t[i].scale)), t[i].out) == 0,
		    "round %s to %d", t[i].in, t[i].scale);
	ck_assert_int_eq(dec_rescale(D("1.2"), 3, &d), 0);
	ck_assert_str_eq(S(d), "1.200");
	ck_assert_int_eq(dec_rescale(D("1.2345"), 2, &d), 0);
	ck_assert_str_eq(S(d), "1.23");
}
END_TEST

START_TEST(format)
{
	char small[4];
	dec_t d = { -5, 3 };

	ck_assert_str_eq(S(d), "-0.005");
	d.units = INT64_MIN;
	d.scale = 18;
	ck_assert_str_eq(S(d), "-9.223372036854775808");
	ck_assert_str_eq(dec_fmt(D("229.60"), small, sizeof(small)), "229");
	ck_assert_str_eq(S(dec_neg(D("-3.10"))), "3.10");
	ck_assert_str_eq(S(dec_abs(D("-3.10"))), "3.10");
	ck_assert_int_eq(dec_sign(D("-0.00")), 0);
	ck_assert_int_eq(dec_is_zero(D("-0.00")), 1);
	ck_assert_str_eq(S(dec_from_int(-42)), "-42");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dec");
	TCase *tc = tcase_create("dec");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parse_ok);
	tcase_add_test(tc, parse_bad);
	tcase_add_test(tc, compare_and_scale_mixing);
	tcase_add_test(tc, overflow);
	tcase_add_test(tc, multiply_divide);
	tcase_add_test(tc, rounding_half_away_from_zero);
	tcase_add_test(tc, format);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

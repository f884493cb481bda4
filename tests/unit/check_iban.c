/*
 * check_iban.c - IBAN validation (lib/iban.c). The valid IBANs are the example
 * IBANs published in the SWIFT IBAN registry / ECBS examples; the invalid ones
 * change one check digit or character of them (mod-97 catches any single change).
 */
#include <check.h>
#include <stdlib.h>

#include "invoice/iban.h"
#include "test_run.h"

START_TEST(valid)
{
	static const char *const ok[] = {
		"DE89370400440532013000", "GB82WEST12345698765432",
		"FR1420041010050500013M02606", "NL91ABNA0417164300", "BE68539007547034",
		"CH9300762011623852957", "AT611904300234573201", "NO9386011117947",
		"MT84MALT011000012345MTLCAST001S",
		"de89 3704 0044 0532 0130 00",	/* print form, lower case */
		"  GB82 WEST 1234 5698 7654 32 ",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(iban_valid(ok[i]), "%s rejected", ok[i]);
}
END_TEST

START_TEST(invalid)
{
	static const char *const bad[] = {
		"DE88370400440532013000",	/* check digits changed */
		"DE89370400440532013001",	/* account digit changed */
		"GB82WEST12345698765433",
		"DE8937040044053201300",	/* a digit missing */
		"DE89-3704-0044-0532-0130-00",	/* foreign characters */
		"", "DE", "DE89", "1289370400440532013000", "DEXX370400440532013000",
		"NO938601111794",		/* too short in all */
		"MT84MALT011000012345MTLCAST001S12345",	/* longer than 34 */
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!iban_valid(bad[i]), "%s accepted", bad[i]);
	ck_assert(!iban_valid(NULL));
}
END_TEST

START_TEST(normalise)
{
	char buf[IBAN_MAX_LEN + 1];

	ck_assert_int_eq(iban_normalise("de89 3704\t0044", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "DE8937040044");
	ck_assert_int_eq(iban_normalise("DE89.3704", buf, sizeof(buf)), -1);
	ck_assert_int_eq(iban_normalise("DE89370400440532013000", buf, 5), -1);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(valid), TEST_ONCE(invalid), TEST_ONCE(normalise),
	};

	return test_main("iban", 0, tests, TEST_COUNT(tests));
}

/*
 * check_timetext.c - times typed on the command line. The epoch values were computed
 * independently (Python's calendar.timegm) and are UTC, as the forms document.
 */
#include <check.h>
#include <stdlib.h>

#include "timetext.h"

static const struct {
	const char *in;
	int ok;
	long long want;
} cases[] = {
	{"2026-11-29", 1, 1795910400LL},
	{"2026-11-29 10:30", 1, 1795948200LL},
	{"2026-11-29T10:30", 1, 1795948200LL},
	{"2026-11-29T10:30:15Z", 1, 1795948215LL},
	{"2024-02-29 23:59", 1, 1709251140LL},		/* a leap day */
	{"@0", 1, 0},
	{"@1795948200", 1, 1795948200LL},
	{"", 0, 0},
	{"yesterday", 0, 0},
	{"2026-11-29 10:30 CET", 0, 0},			/* zones other than Z are refused */
	{"2026-11-29T25:00", 0, 0},
	{"2026-13-01", 0, 0},
	{"@", 0, 0},
	{"@12x", 0, 0},
};

START_TEST(test_parse)
{
	time_t t = 12345;
	int rc = timetext_parse(cases[_i].in, &t);

	ck_assert_msg((rc == 0) == cases[_i].ok, "'%s': rc %d", cases[_i].in, rc);
	if (cases[_i].ok)
		ck_assert_msg((long long) t == cases[_i].want, "'%s': %lld, want %lld",
		    cases[_i].in, (long long) t, cases[_i].want);
}
END_TEST

START_TEST(test_format)
{
	char buf[64];

	ck_assert_str_eq(timetext_fmt(1795948215, buf, sizeof(buf)), "2026-11-29 10:30 UTC");
	ck_assert_str_eq(timetext_fmt(0, buf, sizeof(buf)), "1970-01-01 00:00 UTC");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("timetext");
	TCase *tc = tcase_create("timetext");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_parse, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

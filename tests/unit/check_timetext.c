/*
 * check_timetext.c - times typed on the command line and times written as RFC 3339.
 * The epoch values were computed independently (Python's calendar.timegm and
 * datetime.fromisoformat); the calendar rules (30 days hath September ...; leap years
 * every 4 years but not centuries, except every 400) are the Gregorian calendar's.
 */
#include <check.h>
#include <stdlib.h>

#include "util/timetext.h"
#include "test_run.h"

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
	{"2024-02-29", 1, 1709164800LL},
	{"2000-02-29", 1, 951782400LL},			/* divisible by 400: a leap year */
	{"@0", 1, 0},
	{"@1795948200", 1, 1795948200LL},
	/* RFC 3339 offsets */
	{"2026-11-29T10:30:00+01:00", 1, 1795944600LL},
	{"2026-11-29T10:30:00-05:30", 1, 1795968000LL},
	{"2026-11-29 10:30+00:00", 1, 1795948200LL},
	{"2026-03-29T12:00:00+02:00", 1, 1774778400LL},
	/* impossible dates: refused, never moved to the next month */
	{"2026-02-30", 0, 0},
	{"2026-02-29", 0, 0},				/* 2026 is no leap year */
	{"1900-02-29", 0, 0},				/* a century, not by 400 */
	{"2026-04-31", 0, 0},
	{"2026-06-31", 0, 0},
	{"2026-09-31", 0, 0},
	{"2026-11-31", 0, 0},
	{"2026-01-32", 0, 0},
	{"2026-01-00", 0, 0},
	{"2026-00-10", 0, 0},
	{"2026-13-01", 0, 0},
	{"2026-1-01", 0, 0},
	{"26-11-29", 0, 0},
	{"2026-11-29x", 0, 0},
	/* impossible times */
	{"2026-11-29T25:00", 0, 0},
	{"2026-11-29T24:00", 0, 0},
	{"2026-11-29T10:60", 0, 0},
	{"2026-11-29T10:30:61", 0, 0},
	{"2026-11-29T10", 0, 0},
	{"2026-11-29T", 0, 0},
	{"2026-11-29 1:30", 0, 0},
	/* bad offsets */
	{"2026-11-29T10:30:00+1", 0, 0},
	{"2026-11-29T10:30:00+0100", 0, 0},
	{"2026-11-29T10:30:00+24:00", 0, 0},
	{"2026-11-29T10:30:00+01:60", 0, 0},
	{"2026-11-29T10:30:00 +01:00", 0, 0},
	{"2026-11-29T10:30:00Zulu", 0, 0},
	{"2026-11-29 10:30 CET", 0, 0},			/* zone names are refused */
	{"", 0, 0},
	{"yesterday", 0, 0},
	{"@", 0, 0},
	{"@12x", 0, 0},
	{"@ 12", 0, 0},
};

START_TEST(test_parse)
{
	time_t t = 12345;
	int rc = timetext_parse(cases[_i].in, &t);

	ck_assert_msg((rc == 0) == cases[_i].ok, "'%s': rc %d", cases[_i].in, rc);
	if (cases[_i].ok)
		ck_assert_msg((long long) t == cases[_i].want, "'%s': %lld, want %lld",
		    cases[_i].in, (long long) t, cases[_i].want);
	else
		ck_assert_msg(t == 12345, "'%s': refused but *out changed", cases[_i].in);
}
END_TEST

START_TEST(test_parse_date)
{
	int y = 0, m = 0, d = 0;

	ck_assert_int_eq(timetext_parse_date("2024-02-29", &y, &m, &d), 0);
	ck_assert(y == 2024 && m == 2 && d == 29);
	ck_assert_int_eq(timetext_parse_date("2026-04-30", &y, &m, &d), 0);
	ck_assert_int_eq(timetext_parse_date("2026-12-31", &y, &m, &d), 0);
	ck_assert_int_eq(timetext_parse_date("2026-02-30", &y, &m, &d), -1);
	ck_assert_int_eq(timetext_parse_date("2025-02-29", &y, &m, &d), -1);
	ck_assert_int_eq(timetext_parse_date("2100-02-29", &y, &m, &d), -1);
	ck_assert_int_eq(timetext_parse_date("2026-04-31", &y, &m, &d), -1);
	ck_assert_int_eq(timetext_parse_date("2026-04-30 10:00", &y, &m, &d), -1);	/* a date only */
	ck_assert_int_eq(timetext_parse_date("1899-12-31", &y, &m, &d), -1);
	ck_assert_int_eq(timetext_parse_date(NULL, &y, &m, &d), -1);
}
END_TEST

START_TEST(test_format)
{
	char buf[64];

	ck_assert_str_eq(timetext_fmt(1795948215, buf, sizeof(buf)), "2026-11-29 10:30 UTC");
	ck_assert_str_eq(timetext_fmt(0, buf, sizeof(buf)), "1970-01-01 00:00 UTC");
}
END_TEST

START_TEST(test_rfc3339)
{
	char buf[TIMETEXT_RFC3339_LEN];
	time_t back;

	ck_assert_str_eq(timetext_rfc3339(1795948215, 0, buf, sizeof(buf)), "2026-11-29T10:30:15Z");
	ck_assert_str_eq(timetext_rfc3339(1795944600, 3600, buf, sizeof(buf)), "2026-11-29T10:30:00+01:00");
	ck_assert_str_eq(timetext_rfc3339(1795968000, -19800, buf, sizeof(buf)), "2026-11-29T10:30:00-05:30");
	/* what it writes, the parser reads back to the same instant */
	ck_assert_int_eq(timetext_parse(timetext_rfc3339(1795968000, -19800, buf, sizeof(buf)), &back), 0);
	ck_assert_int_eq((long long) back, 1795968000LL);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_parse, cases), TEST_ONCE(test_parse_date),
		TEST_ONCE(test_format), TEST_ONCE(test_rfc3339),
	};

	return test_main("timetext", 0, tests, TEST_COUNT(tests));
}

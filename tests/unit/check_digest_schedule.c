/*
 * check_digest_schedule.c - when postsale-mailer daemon sends the digest: the next
 * digest-time on a digest day, in the machine's zone, across a weekend and a DST
 * change. Expected instants are written as UTC by hand from the zone's rules (Berlin:
 * UTC+1 in winter, UTC+2 from 2026-03-29 01:00Z).
 */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "digest_schedule.h"
#include "test_run.h"

/* utc - the instant of a UTC date and time */
static time_t
utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};

	return timegm(&tm);
}

START_TEST(test_next)
{
	struct digest_schedule s;
	struct ps_conf conf = {.digest_time = "08:00", .digest_days = "Mon-Fri"};

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	ck_assert_int_eq(digest_schedule_get(&conf, &s), 0);
	/* Friday 07:00 Berlin: today 08:00 */
	ck_assert_int_eq(digest_schedule_next(&s, utc(2026, 11, 27, 6, 0)), utc(2026, 11, 27, 7, 0));
	/* Friday 08:00 exactly counts; a second later the next is Monday */
	ck_assert_int_eq(digest_schedule_next(&s, utc(2026, 11, 27, 7, 0)), utc(2026, 11, 27, 7, 0));
	ck_assert_int_eq(digest_schedule_next(&s, utc(2026, 11, 27, 7, 0) + 1), utc(2026, 11, 30, 7, 0));
	/* Saturday: Monday */
	ck_assert_int_eq(digest_schedule_next(&s, utc(2026, 11, 28, 12, 0)), utc(2026, 11, 30, 7, 0));
	/* across the spring change: Friday 27 March after 08:00 -> Monday 30 March 08:00 CEST */
	ck_assert_int_eq(digest_schedule_next(&s, utc(2026, 3, 27, 12, 0)), utc(2026, 3, 30, 6, 0));
	/* a starting daemon: Friday 15:00 -> today's (passed) 08:00; Sunday -> Monday */
	ck_assert_int_eq(digest_schedule_today(&s, utc(2026, 11, 27, 14, 0)), utc(2026, 11, 27, 7, 0));
	ck_assert_int_eq(digest_schedule_today(&s, utc(2026, 11, 29, 14, 0)), utc(2026, 11, 30, 7, 0));
	/* Mon,Thu at 23:30 */
	conf.digest_time = "23:30";
	conf.digest_days = "Mon,Thu";
	ck_assert_int_eq(digest_schedule_get(&conf, &s), 0);
	ck_assert_int_eq(digest_schedule_next(&s, utc(2026, 11, 24, 0, 0)), utc(2026, 11, 26, 22, 30));
	/* empty digest-time: no schedule */
	conf.digest_time = "";
	ck_assert_int_eq(digest_schedule_get(&conf, &s), -1);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_next),
	};

	return test_main("digest_schedule", 0, tests, TEST_COUNT(tests));
}

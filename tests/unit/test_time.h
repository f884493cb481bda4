/*
 * test_time.h - the planner suites' one way to write an instant: "2025-02-07T08:30" read
 * as UTC with the C library (strptime, timegm), never with the code under test.
 */
#ifndef PS_TEST_TIME_H
#define PS_TEST_TIME_H

#include <check.h>
#include <string.h>
#include <time.h>

/* utc - "YYYY-MM-DDTHH:MM" (UTC) -> time_t; a malformed test time fails the test */
static inline time_t utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	ck_assert_msg(strptime(s, "%Y-%m-%dT%H:%M", &tm) != NULL, "bad test time %s", s);
	return timegm(&tm);
}

#endif

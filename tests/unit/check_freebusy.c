/*
 * check_freebusy.c - a manager's busy times from iCalendar (lib/freebusy.c).
 *
 * The expected periods are worked out by hand from RFC 5545 (RRULE with COUNT counts
 * the EXDATEd instance too, 3.8.5.1; an all-day DTEND is exclusive; a floating time is
 * local to the reader, here the manager's Europe/Berlin; TRANSP:TRANSPARENT and
 * STATUS:CANCELLED events take no time) and RFC 5545 3.2.9 (FBTYPE=FREE is not busy),
 * with Berlin at UTC+1 until Sun 2025-03-30 and UTC+2 after.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test_time.h"
#include "journey/freebusy.h"
#include "test_run.h"


static int busy_cmp(const void *a, const void *b)
{
	const struct plan_busy *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

static const char sample[] =
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
	/* weekly Monday 10:00-11:00 Berlin, five times, the second one excepted */
	"BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20250101T000000Z\r\n"
	"DTSTART;TZID=Europe/Berlin:20250303T100000\r\nDTEND;TZID=Europe/Berlin:20250303T110000\r\n"
	"RRULE:FREQ=WEEKLY;COUNT=5\r\nEXDATE;TZID=Europe/Berlin:20250310T100000\r\nEND:VEVENT\r\n"
	/* out of office Wednesday and Thursday */
	"BEGIN:VEVENT\r\nUID:ooo\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250305\r\n"
	"DTEND;VALUE=DATE:20250307\r\nEND:VEVENT\r\n"
	/* floating: 14:00 wherever the manager is */
	"BEGIN:VEVENT\r\nUID:floating\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250306T140000\r\n"
	"DTEND:20250306T150000\r\nEND:VEVENT\r\n"
	"BEGIN:VEVENT\r\nUID:transparent\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250307T100000Z\r\n"
	"DTEND:20250307T110000Z\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"
	"BEGIN:VEVENT\r\nUID:cancelled\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250307T120000Z\r\n"
	"DTEND:20250307T130000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"
	"BEGIN:VEVENT\r\nUID:later\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250601T120000Z\r\n"
	"DTEND:20250601T130000Z\r\nEND:VEVENT\r\n"
	"BEGIN:VFREEBUSY\r\nUID:fb\r\nDTSTAMP:20250101T000000Z\r\n"
	"FREEBUSY:20250304T080000Z/20250304T090000Z,20250304T120000Z/PT30M\r\n"
	"FREEBUSY;FBTYPE=FREE:20250304T130000Z/20250304T140000Z\r\n"
	"FREEBUSY;FBTYPE=BUSY-TENTATIVE:20250304T140000Z/20250304T150000Z\r\n"
	"END:VFREEBUSY\r\nEND:VCALENDAR\r\n";

START_TEST(test_periods)
{
	static const char *const want[][2] = {
		{ "2025-03-03T09:00", "2025-03-03T10:00" },
		{ "2025-03-04T08:00", "2025-03-04T09:00" },
		{ "2025-03-04T12:00", "2025-03-04T12:30" },
		{ "2025-03-04T14:00", "2025-03-04T15:00" },
		{ "2025-03-04T23:00", "2025-03-06T23:00" },
		{ "2025-03-06T13:00", "2025-03-06T14:00" },
		{ "2025-03-17T09:00", "2025-03-17T10:00" },
		{ "2025-03-24T09:00", "2025-03-24T10:00" },
		{ "2025-03-31T08:00", "2025-03-31T09:00" },	/* CEST */
	};
	struct plan_busy *v = NULL;
	size_t n = 0;
	char why[256];

	ck_assert_msg(freebusy_read(sample, "Europe/Berlin", utc("2025-03-01T00:00"),
				    utc("2025-04-30T00:00"), &v, &n, why, sizeof(why)) == 0, "%s", why);
	qsort(v, n, sizeof(*v), busy_cmp);
	ck_assert_uint_eq(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(v[i].start == utc(want[i][0]) && v[i].end == utc(want[i][1]),
			      "period %zu: %lld-%lld, want %s-%s", i, (long long) v[i].start,
			      (long long) v[i].end, want[i][0], want[i][1]);
		ck_assert_int_eq(v[i].same_customer, 0);
	}
	free(v);
}
END_TEST

START_TEST(test_bad)
{
	struct plan_busy *v = NULL;
	size_t n = 0;
	char why[512], path[64];
	FILE *f;

	ck_assert_int_eq(freebusy_read("hello", "UTC", 0, 1, &v, &n, why, sizeof(why)), -1);
	ck_assert_int_eq(freebusy_read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"
				       "DTSTART:20250101T000000Z\r\nDTEND:20250101T000010Z\r\n"
				       "RRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "UTC",
				       utc("2025-01-01T00:00"), utc("2027-01-01T00:00"), &v, &n, why,
				       sizeof(why)), -1);
	ck_assert_msg(strstr(why, "more often than hourly") != NULL, "%s", why);
	ck_assert_int_eq(freebusy_load("/nonexistent/anna.ics", "UTC", 0, 1, &v, &n, why,
				       sizeof(why)), -1);
	ck_assert_msg(strstr(why, "/nonexistent/anna.ics: cannot open") != NULL, "%s", why);
	snprintf(path, sizeof(path), "/tmp/check_fb.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(sample, f);
	fclose(f);
	ck_assert_int_eq(freebusy_load(path, "Europe/Berlin", utc("2025-03-01T00:00"),
				       utc("2025-03-04T00:00"), &v, &n, why, sizeof(why)), 0);
	ck_assert_uint_eq(n, 1);	/* the window holds Monday's meeting only */
	unlink(path);
	free(v);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_periods), TEST_ONCE(test_bad),
	};

	return test_main("freebusy", 0, tests, TEST_COUNT(tests));
}

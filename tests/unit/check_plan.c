/*
 * check_plan.c - the check-in planner (lib/plan.c), table-driven.
 *
 * Every expected date below was worked out by hand from the calendar, the weekdays
 * cross-checked with Python's datetime (an independent calendar), and the UTC
 * offsets are the published rules: Europe/Berlin is UTC+1 (CET) and UTC+2 (CEST,
 * last Sunday of March to last Sunday of October); America/New_York UTC-5 (EST) and
 * UTC-4 (EDT, second Sunday of March to first Sunday of November); America/Los_Angeles
 * UTC-8/-7 on the same US dates. Most cases use one-slot business hours (09:30-10:00)
 * so that the slot does not depend on the spread hash; the spread cases take their
 * expectation from the published FNV-1a constants, computed outside this code.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_time.h"
#include "journey/plan.h"
#include "util/ident.h"
#include "util/timetext.h"
#include "util/zone.h"
#include "test_run.h"


static void fmt(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M", &tm);
}

struct want {
	const char *kind;
	int ordinal;
	const char *start;	/* UTC */
};

struct plan_case {
	const char *name;
	const char *tz;
	const char *hours;
	const char *workdays;
	const char *onboarded;	/* UTC */
	int offsets[4];		/* 0-terminated; {-1} = none */
	int quarterly_months;
	int anniversaries;
	const char *renewal;	/* NULL = none */
	const char *holidays[3];
	const char *key;
	struct want want[8];	/* kind NULL ends */
};

static const struct plan_case cases[] = {
	/* Onboarded Fri 2025-01-31 (Berlin 11:00 CET). day-7: Fri Feb 7, 09:30 CET =
	 * 08:30Z. day-30: Jan 31 + 30 = Mar 2 (February has 28 days), a Sunday, so
	 * Mon Mar 3. day-90: May 1 (Thu), a configured holiday, so Fri May 2, CEST:
	 * 07:30Z. Quarterly from the second quarter: +6 months = Thu Jul 31 (CEST),
	 * +9 months = Fri Oct 31 (CET again after Oct 26); +12 months is the
	 * anniversary, Sat 2026-01-31, so Mon Feb 2; +15 months is past day 365. */
	{ "berlin-default", "Europe/Berlin", "09:30-10:00", "Mon-Fri", "2025-01-31T10:00",
	  {7, 30, 90, 0}, 3, 1, NULL, {"2025-05-01"}, "a@b.example",
	  {{"day-7", 1, "2025-02-07T08:30"}, {"day-30", 1, "2025-03-03T08:30"},
	   {"day-90", 1, "2025-05-02T07:30"}, {"quarterly", 1, "2025-07-31T07:30"},
	   {"quarterly", 2, "2025-10-31T08:30"}, {"anniversary", 1, "2026-02-02T08:30"}}},
	/* Onboarded on a leap day, Thu 2024-02-29, New York. day-7: Thu Mar 7 (EST,
	 * 09:30 = 14:30Z). day-30: Sat Mar 30 -> Mon Apr 1 (EDT: 13:30Z). day-90:
	 * Wed May 29 (EDT). Quarterly: Thu Aug 29 (EDT), Fri Nov 29 (EST after Nov 3).
	 * Anniversary of Feb 29 in a common year: Feb 28 (clamped), a Friday, EST. */
	{ "newyork-leap", "America/New_York", "09:30-10:00", "Mon-Fri", "2024-02-29T12:00",
	  {7, 30, 90, 0}, 3, 1, NULL, {NULL}, "x",
	  {{"day-7", 1, "2024-03-07T14:30"}, {"day-30", 1, "2024-04-01T13:30"},
	   {"day-90", 1, "2024-05-29T13:30"}, {"quarterly", 1, "2024-08-29T13:30"},
	   {"quarterly", 2, "2024-11-29T14:30"}, {"anniversary", 1, "2025-02-28T14:30"}}},
	/* 2025-03-01T00:30Z is still Fri Feb 28 16:30 in Los Angeles: day 7 counts from
	 * the local date, so Fri Mar 7 (PST until Mar 9): 09:30 PST = 17:30Z. */
	{ "local-date", "America/Los_Angeles", "09:30-10:00", "Mon-Fri", "2025-03-01T00:30",
	  {7, 0}, 0, 0, NULL, {NULL}, "x",
	  {{"day-7", 1, "2025-03-07T17:30"}}},
	/* DST: Mon 2025-03-24 (CET) + 7 = Mon Mar 31, after the change of Mar 30: the
	 * slot stays 09:30 local, which is now 07:30Z, not 08:30Z. */
	{ "berlin-dst-spring", "Europe/Berlin", "09:30-10:00", "Mon-Fri", "2025-03-24T10:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "x",
	  {{"day-7", 1, "2025-03-31T07:30"}}},
	/* DST: Mon 2025-10-20 (CEST) + 7 = Mon Oct 27 (CET after Oct 26): 08:30Z. */
	{ "berlin-dst-autumn", "Europe/Berlin", "09:30-10:00", "Mon-Fri", "2025-10-20T10:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "x",
	  {{"day-7", 1, "2025-10-27T08:30"}}},
	/* DST: Mon 2025-03-03 (EST) + 7 = Mon Mar 10 (EDT since Mar 9): 13:30Z. */
	{ "newyork-dst", "America/New_York", "09:30-10:00", "Mon-Fri", "2025-03-03T15:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "x",
	  {{"day-7", 1, "2025-03-10T13:30"}}},
	/* Month end: Sat 2024-08-31 + 6 months = Feb 31 -> Fri 2025-02-28 (clamped);
	 * + 9 months = Sat 2025-05-31 -> Mon Jun 2 (CEST). */
	{ "month-end-quarterly", "Europe/Berlin", "09:30-10:00", "Mon-Fri", "2024-08-31T10:00",
	  {-1}, 3, 1, NULL, {NULL}, "x",
	  {{"quarterly", 1, "2025-02-28T08:30"}, {"quarterly", 2, "2025-06-02T07:30"},
	   {"anniversary", 1, "2025-09-01T07:30"}}},
	/* Pre-renewal: renewal 2025-12-01, 30 days before = Sat Nov 1, moved backward
	 * to Fri Oct 31 (CET); Oct 31 a holiday too -> Thu Oct 30. */
	{ "pre-renewal", "Europe/Berlin", "09:30-10:00", "Mon-Fri", "2025-01-06T09:00",
	  {-1}, 0, 0, "2025-12-01", {NULL}, "x",
	  {{"pre-renewal", 1, "2025-10-31T08:30"}}},
	{ "pre-renewal-holiday", "Europe/Berlin", "09:30-10:00", "Mon-Fri", "2025-01-06T09:00",
	  {-1}, 0, 0, "2025-12-01", {"2025-10-31"}, "x",
	  {{"pre-renewal", 1, "2025-10-30T08:30"}}},
	/* A renewal 14 days after onboarding leaves no room: no pre-renewal check-in. */
	{ "pre-renewal-too-close", "Europe/Berlin", "09:30-10:00", "Mon-Fri", "2025-01-06T09:00",
	  {-1}, 0, 0, "2025-01-20", {NULL}, "x", {{NULL, 0, NULL}}},
	/* Sun-Thu working week (Sat 2025-03-01 + 7 = Sat Mar 8 -> Sun Mar 9), Dubai is
	 * UTC+4 all year: 09:30 = 05:30Z. */
	{ "sun-thu", "Asia/Dubai", "09:30-10:00", "Sun-Thu", "2025-03-01T08:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "x",
	  {{"day-7", 1, "2025-03-09T05:30"}}},
	/* A DST gap: Berlin's 02:00-03:00 does not exist on Sun 2025-03-30. Every day
	 * works; the only slot 02:00 is missing that day, so Mon Mar 31 02:00 CEST. */
	{ "dst-gap", "Europe/Berlin", "02:00-02:30", "Sun-Sat", "2025-03-23T12:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "x",
	  {{"day-7", 1, "2025-03-31T00:00"}}},
	/* Spread: 09:00-17:00 in 30-minute slots holds 16; FNV-1a-64 of
	 * "alice@example.com" is 0x67023fc4a7ff2a46, mod 16 = 6: 12:00 local. The
	 * same key in other case gives the same slot. Fri 2025-02-07 12:00 CET = 11:00Z. */
	{ "spread-alice", "Europe/Berlin", "09:00-17:00", "Mon-Fri", "2025-01-31T10:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "alice@example.com",
	  {{"day-7", 1, "2025-02-07T11:00"}}},
	{ "spread-alice-case", "Europe/Berlin", "09:00-17:00", "Mon-Fri", "2025-01-31T10:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "ALICE@Example.COM",
	  {{"day-7", 1, "2025-02-07T11:00"}}},
	/* FNV-1a-64 of "bob@example.org" is 0x856beca91409abca, mod 16 = 10: 14:00 local. */
	{ "spread-bob", "Europe/Berlin", "09:00-17:00", "Mon-Fri", "2025-01-31T10:00",
	  {7, 0}, 0, 0, NULL, {NULL}, "bob@example.org",
	  {{"day-7", 1, "2025-02-07T13:00"}}},
};

static void setup_case(const struct plan_case *c, struct plan_opts *o,
		       struct plan_date *hol, size_t *n_hol)
{
	plan_opts_init(o);
	o->tz = c->tz;
	ck_assert_int_eq(timetext_parse_hours(c->hours, &o->day_start_min, &o->day_end_min), 0);
	ck_assert_int_eq(timetext_parse_workdays(c->workdays, &o->workdays), 0);
	o->n_day_offsets = 0;
	for (int i = 0; i < 4 && c->offsets[i] > 0; i++)
		o->day_offsets[o->n_day_offsets++] = c->offsets[i];
	o->quarterly_months = c->quarterly_months;
	o->anniversaries = c->anniversaries;
	if (c->renewal) {
		o->has_renewal = 1;
		ck_assert_int_eq(plan_parse_date(c->renewal, &o->renewal_date), 0);
	}
	*n_hol = 0;
	for (int i = 0; i < 3 && c->holidays[i]; i++)
		ck_assert_int_eq(plan_parse_date(c->holidays[i], &hol[(*n_hol)++]), 0);
	o->holidays = hol;
	o->n_holidays = *n_hol;
	o->spread_key = c->key;
}

START_TEST(test_table)
{
	const struct plan_case *c = &cases[_i];
	struct plan_opts o;
	struct plan_date hol[3];
	size_t n_hol, n, n_want = 0;
	struct plan_checkin *list;
	char err[256] = "", got[32];

	setup_case(c, &o, hol, &n_hol);
	ck_assert_msg(plan_checkins(&o, utc(c->onboarded), &list, &n, err, sizeof(err)) == 0,
		      "%s: %s", c->name, err);
	while (n_want < 8 && c->want[n_want].kind)
		n_want++;
	ck_assert_msg(n == n_want, "%s: %zu check-ins, want %zu", c->name, n, n_want);
	for (size_t i = 0; i < n; i++) {
		fmt(list[i].start, got, sizeof(got));
		ck_assert_msg(strcmp(list[i].kind, c->want[i].kind) == 0 &&
			      list[i].ordinal == c->want[i].ordinal &&
			      list[i].start == utc(c->want[i].start),
			      "%s[%zu]: got %s %d %s, want %s %d %s", c->name, i, list[i].kind,
			      list[i].ordinal, got, c->want[i].kind, c->want[i].ordinal,
			      c->want[i].start);
		ck_assert_int_eq(list[i].end - list[i].start, o.slot_min * 60);
	}
	free(list);
}
END_TEST

/* Re-planning the same customer gives the same slots; many customers are spread. */
START_TEST(test_spread)
{
	struct plan_opts o;
	struct plan_checkin *a, *b;
	size_t na, nb;
	char err[256], key[64];
	int seen[16] = {0}, distinct = 0;

	plan_opts_init(&o);
	o.tz = "Europe/Berlin";
	o.spread_key = "carol@example.net";
	ck_assert_int_eq(plan_checkins(&o, utc("2025-01-31T10:00"), &a, &na, err, sizeof(err)), 0);
	ck_assert_int_eq(plan_checkins(&o, utc("2025-01-31T10:00"), &b, &nb, err, sizeof(err)), 0);
	ck_assert_uint_eq(na, nb);
	ck_assert_int_eq(memcmp(a, b, na * sizeof(*a)), 0);
	for (size_t i = 0; i < na; i++)	/* one customer, one local time */
		ck_assert_int_eq(a[i].local_start_min, a[0].local_start_min);
	free(a);
	free(b);
	for (int k = 0; k < 64; k++) {
		snprintf(key, sizeof(key), "customer%d@example.com", k);
		o.spread_key = key;
		ck_assert_int_eq(plan_checkins(&o, utc("2025-01-31T10:00"), &a, &na, err,
					       sizeof(err)), 0);
		int slot = (a[0].local_start_min - 9 * 60) / 30;
		ck_assert(slot >= 0 && slot < 16);
		distinct += !seen[slot];
		seen[slot] = 1;
		free(a);
	}
	ck_assert_msg(distinct >= 12, "64 customers only in %d of 16 slots", distinct);
}
END_TEST

START_TEST(test_bad_options)
{
	struct plan_opts o;
	struct plan_checkin *list = (void *) 1;
	size_t n = 7;
	char err[256] = "";

	plan_opts_init(&o);
	o.tz = "Mars/Olympus_Mons";
	ck_assert_int_eq(plan_checkins(&o, 0, &list, &n, err, sizeof(err)), -1);
	ck_assert_ptr_null(list);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(err, "\"Mars/Olympus_Mons\"") != NULL, "err: %s", err);
	ck_assert_int_eq(zone_check("Mars/Olympus_Mons", err, sizeof(err)), -1);
	ck_assert_int_eq(zone_check("../../../etc/passwd", err, sizeof(err)), -1);
	ck_assert_int_eq(zone_check("/usr/share/zoneinfo/UTC", err, sizeof(err)), -1);
	ck_assert_int_eq(zone_check("Europe/Berlin", err, sizeof(err)), 0);
	ck_assert_int_eq(zone_check("UTC", err, sizeof(err)), 0);

	plan_opts_init(&o);
	o.workdays = 0;
	ck_assert_int_eq(plan_checkins(&o, 0, &list, &n, err, sizeof(err)), -1);
	plan_opts_init(&o);
	o.slot_min = 600;
	ck_assert_int_eq(plan_checkins(&o, 0, &list, &n, err, sizeof(err)), -1);
	plan_opts_init(&o);
	o.day_offsets[0] = 0;
	ck_assert_int_eq(plan_checkins(&o, 0, &list, &n, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "offset 0") != NULL, "err: %s", err);
	/* Every day a holiday for over a year: no working day is found, cleanly. */
	struct plan_date hol[400];
	for (int i = 0; i < 400; i++) {
		struct tm tm = { .tm_year = 125, .tm_mon = 0, .tm_mday = 1 + i, .tm_hour = 12 };
		timegm(&tm);
		hol[i] = (struct plan_date) { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
	}
	plan_opts_init(&o);
	o.holidays = hol;
	o.n_holidays = 400;
	ck_assert_int_eq(plan_checkins(&o, utc("2025-01-01T10:00"), &list, &n, err,
				       sizeof(err)), -1);
	ck_assert_msg(strstr(err, "no free slot") != NULL, "err: %s", err);
}
END_TEST

START_TEST(test_parsers)
{
	struct plan_date d;
	unsigned w;
	int a, b;

	ck_assert_int_eq(plan_parse_date("2024-02-29", &d), 0);
	ck_assert_int_eq(d.year * 10000 + d.month * 100 + d.day, 20240229);
	ck_assert_int_eq(plan_parse_date("2025-02-29", &d), -1);	/* not a leap year */
	ck_assert_int_eq(plan_parse_date("2025-13-01", &d), -1);
	ck_assert_int_eq(plan_parse_date("2025-1-01", &d), -1);
	ck_assert_int_eq(plan_parse_date("2025-01-01x", &d), -1);
	ck_assert_int_eq(timetext_parse_hours("09:00-17:00", &a, &b), 0);
	ck_assert_int_eq(a, 540);
	ck_assert_int_eq(b, 1020);
	ck_assert_int_eq(timetext_parse_hours("17:00-09:00", &a, &b), -1);
	ck_assert_int_eq(timetext_parse_hours("9:00-17:00", &a, &b), -1);
	ck_assert_int_eq(timetext_parse_hours("09:00-24:00", &a, &b), 0);
	ck_assert_int_eq(timetext_parse_hours("09:60-10:00", &a, &b), -1);
	ck_assert_int_eq(timetext_parse_workdays("Mon-Fri", &w), 0);
	ck_assert_uint_eq(w, 0x3e);	/* tm_wday bits 1..5 */
	ck_assert_int_eq(timetext_parse_workdays("sun-thu", &w), 0);
	ck_assert_uint_eq(w, 0x1f);
	ck_assert_int_eq(timetext_parse_workdays("Sat-Mon", &w), 0);
	ck_assert_uint_eq(w, 0x43);
	ck_assert_int_eq(timetext_parse_workdays("Mon, Wed,Fri", &w), 0);
	ck_assert_uint_eq(w, 0x2a);
	ck_assert_int_eq(timetext_parse_workdays("Mon-Fr", &w), -1);
	ck_assert_int_eq(timetext_parse_workdays("", &w), -1);
	/* The FNV-1a-64 offset basis, the hash of the empty string (published constant). */
	ck_assert(ident_hash("") == 0xcbf29ce484222325ULL);
	ck_assert(ident_hash(NULL) == 0xcbf29ce484222325ULL);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_table, cases), TEST_ONCE(test_spread),
		TEST_ONCE(test_bad_options), TEST_ONCE(test_parsers),
	};

	return test_main("plan", 0, tests, TEST_COUNT(tests));
}

/*
 * check_plan_year.c - a year of bookings (lib/plan.c): many customers per manager,
 * managers in both hemispheres, across every DST change of 2025 and 2026.
 *
 * The oracle is independent of the code under test: glibc's localtime_r over the
 * system's zoneinfo (tzdata), where the planner uses libical's builtin zones. For every
 * check-in it asserts what a manager needs: no overlap with any other check-in of that
 * manager, a start on the manager's slot grid inside the manager's own hours and days,
 * an end inside them too, no start or end in a DST gap or fold (a local time that glibc
 * finds zero or two instants for), one UTC offset for the whole slot, and never two
 * check-ins of one customer on one local day. The fold and gap cases are the published
 * rules: Europe/Berlin leaves CEST at 03:00 on the last Sunday of October and enters it
 * at 02:00 on the last Sunday of March; America/New_York at 02:00 on the first Sunday of
 * November and second Sunday of March; Australia/Sydney leaves AEDT at 03:00 on the
 * first Sunday of April and enters it at 02:00 on the first Sunday of October;
 * Australia/Lord_Howe shifts by 30 minutes only, at 02:00.
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
#include "util/timetext.h"
#include "util/zone.h"
#include "test_run.h"


/* use_zone - glibc's local time is zone from now on */
static void use_zone(const char *zone)
{
	setenv("TZ", zone, 1);
	tzset();
}

/* wall_occurrences - how many instants glibc finds with this wall time (date and minute
 * of the day) in the current zone, and the first of them; every real offset is a
 * multiple of 15 minutes within +-14 h */
static int wall_occurrences(int y, int mo, int d, int min, time_t *first)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
			 .tm_hour = min / 60, .tm_min = min % 60 };
	time_t wall = timegm(&tm);
	struct tm x;
	int n = 0;

	*first = 0;
	for (long off = -14 * 3600; off <= 14 * 3600; off += 900) {
		time_t u = wall - off;
		localtime_r(&u, &x);
		if (x.tm_year == tm.tm_year && x.tm_mon == tm.tm_mon && x.tm_mday == tm.tm_mday &&
		    x.tm_hour == tm.tm_hour && x.tm_min == tm.tm_min) {
			if (n++ == 0 || u < *first)
				*first = u;
		}
	}
	return n;
}

/* occurrences - wall_occurrences of the wall time (to the minute) that t has in the
 * current zone */
static int occurrences(time_t t, time_t *first)
{
	struct tm w;

	localtime_r(&t, &w);
	return wall_occurrences(w.tm_year + 1900, w.tm_mon + 1, w.tm_mday,
				w.tm_hour * 60 + w.tm_min, first);
}

struct mgr {
	const char *name;
	const char *tz;
	const char *days;
	const char *hours;
	int slot;
	int customers;
	int per_day;		/* customers onboarded on one day */
	const char *dst[2];	/* Sundays the clocks change: 4 customers each get day 7 there */
};

static const struct mgr managers[] = {
	{ "berlin", "Europe/Berlin", "Mon-Fri", "09:00-17:00", 30, 60, 3, { NULL, NULL } },
	{ "newyork", "America/New_York", "Mon-Fri", "09:00-17:00", 45, 60, 3, { NULL, NULL } },
	{ "sydney", "Australia/Sydney", "Mon-Fri", "08:30-16:30", 30, 60, 3, { NULL, NULL } },
	{ "dubai", "Asia/Dubai", "Sun-Thu", "09:00-17:00", 30, 60, 3, { NULL, NULL } },
	/* part-time: two mornings a week, three slots each */
	{ "parttime", "Europe/London", "Tue,Thu", "10:00-13:00", 60, 25, 2, { NULL, NULL } },
	/* night shifts across the DST changes themselves */
	{ "night-ny", "America/New_York", "Sat-Sun", "00:00-04:00", 30, 25, 2,
	  {"2025-03-09", "2025-11-02"} },
	{ "night-berlin", "Europe/Berlin", "Sun", "00:00-05:00", 45, 20, 2,
	  {"2025-03-30", "2025-10-26"} },
	{ "night-sydney", "Australia/Sydney", "Sun", "01:00-04:00", 30, 15, 1,
	  {"2025-04-06", "2025-10-05"} },
	{ "night-lordhowe", "Australia/Lord_Howe", "Sun", "00:30-03:30", 30, 15, 1,
	  {"2025-04-06", "2025-10-05"} },
};

struct booked {
	struct plan_checkin c;
	int customer;
};

static int booked_cmp(const void *a, const void *b)
{
	const struct booked *x = a, *y = b;

	return (x->c.start > y->c.start) - (x->c.start < y->c.start);
}

/* check_booking - every rule a manager needs, checked with glibc for one check-in */
static void check_booking(const struct mgr *m, const struct plan_opts *o, const struct booked *b)
{
	struct tm s, e;
	time_t first;
	int smin, emin;

	localtime_r(&b->c.start, &s);
	localtime_r(&b->c.end, &e);
	smin = s.tm_hour * 60 + s.tm_min;
	emin = e.tm_hour * 60 + e.tm_min;
	if (emin == 0 && e.tm_mday != s.tm_mday)
		emin = 24 * 60;
	ck_assert_msg(o->workdays & (1u << s.tm_wday), "%s: %s %d on weekday %d", m->name,
		      b->c.kind, b->customer, s.tm_wday);
	ck_assert_msg(smin >= o->day_start_min && emin <= o->day_end_min && emin > smin,
		      "%s: customer %d %s at %02d:%02d-%02d:%02d, hours %s", m->name, b->customer,
		      b->c.kind, s.tm_hour, s.tm_min, e.tm_hour, e.tm_min, m->hours);
	ck_assert_int_eq((smin - o->day_start_min) % o->slot_min, 0);
	ck_assert_int_eq(b->c.end - b->c.start, o->slot_min * 60);
	ck_assert_msg(s.tm_gmtoff == e.tm_gmtoff, "%s: %s spans an offset change", m->name,
		      b->c.kind);
	ck_assert_msg(occurrences(b->c.start, &first) == 1, "%s: customer %d %s starts at"
		      " %04d-%02d-%02d %02d:%02d, in a gap or fold", m->name, b->customer,
		      b->c.kind, s.tm_year + 1900, s.tm_mon + 1, s.tm_mday, s.tm_hour, s.tm_min);
	ck_assert_msg(occurrences(b->c.end, &first) == 1, "%s: %s ends in a gap or fold",
		      m->name, b->c.kind);
	/* the planner's own view of the local day agrees with glibc's */
	ck_assert_int_eq(b->c.local_date.year, s.tm_year + 1900);
	ck_assert_int_eq(b->c.local_date.month, s.tm_mon + 1);
	ck_assert_int_eq(b->c.local_date.day, s.tm_mday);
	ck_assert_int_eq(b->c.local_start_min, smin);
}

/* A year of onboardings for manager _i; every booking checked, and the whole book. */
START_TEST(test_year_of_bookings)
{
	const struct mgr *m = &managers[_i];
	struct plan_opts o;
	struct booked *book = NULL;
	struct plan_busy *busy = NULL;
	size_t nbook = 0;
	char key[64], err[256] = "";
	int renewals = 0, dst_days = 0;

	plan_opts_init(&o);
	o.tz = m->tz;
	o.slot_min = m->slot;
	ck_assert_int_eq(timetext_parse_workdays(m->days, &o.workdays), 0);
	ck_assert_int_eq(timetext_parse_hours(m->hours, &o.day_start_min, &o.day_end_min), 0);
	ck_assert_msg(zone_check(m->tz, err, sizeof(err)) == 0, "%s", err);
	use_zone(m->tz);
	for (int k = 0; k < m->customers; k++) {
		struct plan_checkin *list;
		size_t n;
		/* a few customers onboarded on the same day, one such day every 11 days */
		time_t onboarded = utc("2025-01-02T11:00") + (time_t) (k / m->per_day) * 11 * 86400;
		struct tm ot;

		if (k < 8 && m->dst[k / 4] != NULL) {	/* day 7 on the Sunday the clocks change */
			char noon[32];
			snprintf(noon, sizeof(noon), "%sT12:00", m->dst[k / 4]);
			onboarded = utc(noon) - 7 * 86400;
		}

		snprintf(key, sizeof(key), "customer%d@%s.example", k, m->name);
		o.spread_key = key;
		o.busy = busy;
		o.n_busy = nbook;
		o.has_renewal = k % 3 == 0;
		if (o.has_renewal) {	/* renewal 30 days after day 90: pre-renewal = day 90 */
			time_t r = onboarded + 120 * 86400;
			localtime_r(&onboarded, &ot);
			ot.tm_mday += 120;
			ot.tm_isdst = -1;
			r = mktime(&ot);
			localtime_r(&r, &ot);
			o.renewal_date = (struct plan_date) { ot.tm_year + 1900, ot.tm_mon + 1, ot.tm_mday };
			renewals++;
		}
		ck_assert_msg(plan_checkins(&o, onboarded, &list, &n, err, sizeof(err)) == 0,
			      "%s: customer %d: %s", m->name, k, err);
		ck_assert_msg(n >= 6, "%s: customer %d: only %zu check-ins", m->name, k, n);
		book = realloc(book, (nbook + n) * sizeof(*book));
		busy = realloc(busy, (nbook + n) * sizeof(*busy));
		for (size_t i = 0; i < n; i++) {
			struct booked *b = &book[nbook];
			b->c = list[i];
			b->customer = k;
			check_booking(m, &o, b);
			busy[nbook] = (struct plan_busy) { list[i].start, list[i].end, 0 };
			nbook++;
			/* one customer, one check-in a day */
			for (size_t j = 0; j < i; j++)
				ck_assert_msg(memcmp(&list[j].local_date, &list[i].local_date,
						     sizeof(list[i].local_date)) != 0,
					      "%s: customer %d has %s and %s on one day", m->name, k,
					      list[j].kind, list[i].kind);
		}
		free(list);
	}
	qsort(book, nbook, sizeof(*book), booked_cmp);
	for (size_t i = 1; i < nbook; i++)
		ck_assert_msg(book[i].c.start >= book[i - 1].c.end,
			      "%s: customer %d's %s overlaps customer %d's %s", m->name,
			      book[i].customer, book[i].c.kind, book[i - 1].customer,
			      book[i - 1].c.kind);
	/* the book spans DST changes: slots were placed on days whose offset changes */
	for (size_t i = 0; i < nbook; i++) {
		struct tm a, z;
		time_t t0 = book[i].c.start - 12 * 3600, t1 = book[i].c.start + 12 * 3600;
		localtime_r(&t0, &a);
		localtime_r(&t1, &z);
		dst_days += a.tm_gmtoff != z.tm_gmtoff;
	}
	if (strncmp(m->name, "night", 5) == 0)
		ck_assert_msg(dst_days > 0, "%s: no booking on a day the clocks change", m->name);
	ck_assert_int_gt(renewals, 0);
	free(book);
	free(busy);
	unsetenv("TZ");
	tzset();
}
END_TEST

/* The oracle itself finds the published folds and gaps (else the year test proves nothing). */
START_TEST(test_oracle)
{
	time_t first;

	use_zone("Europe/Berlin");
	ck_assert_int_eq(wall_occurrences(2025, 10, 26, 2 * 60 + 30, &first), 2);
	ck_assert_int_eq(first, utc("2025-10-26T00:30"));
	ck_assert_int_eq(wall_occurrences(2025, 3, 30, 2 * 60 + 30, &first), 0);
	ck_assert_int_eq(wall_occurrences(2025, 3, 31, 2 * 60 + 30, &first), 1);
	use_zone("Australia/Lord_Howe");
	ck_assert_int_eq(wall_occurrences(2025, 4, 6, 1 * 60 + 45, &first), 2);
	unsetenv("TZ");
	tzset();
}
END_TEST

struct local_case {
	const char *tz;
	struct plan_date d;
	int min;
	int want;		/* PLAN_LOCAL_* */
	const char *utc;	/* the first occurrence, or for a gap RFC 5545's reading */
};

static const struct local_case local_cases[] = {
	{ "Europe/Berlin", {2025, 10, 26}, 150, PLAN_LOCAL_FOLD, "2025-10-26T00:30" },
	{ "Europe/Berlin", {2025, 10, 26}, 180, PLAN_LOCAL_OK, "2025-10-26T02:00" },
	{ "Europe/Berlin", {2025, 3, 30}, 150, PLAN_LOCAL_GAP, "2025-03-30T01:30" },
	{ "Europe/Berlin", {2025, 7, 1}, 600, PLAN_LOCAL_OK, "2025-07-01T08:00" },
	{ "America/New_York", {2025, 11, 2}, 90, PLAN_LOCAL_FOLD, "2025-11-02T05:30" },
	{ "America/New_York", {2025, 3, 9}, 150, PLAN_LOCAL_GAP, "2025-03-09T07:30" },
	{ "Australia/Sydney", {2025, 4, 6}, 150, PLAN_LOCAL_FOLD, "2025-04-05T15:30" },
	{ "Australia/Sydney", {2025, 10, 5}, 150, PLAN_LOCAL_GAP, "2025-10-04T16:30" },
	{ "Australia/Lord_Howe", {2025, 4, 6}, 105, PLAN_LOCAL_FOLD, "2025-04-05T14:45" },
	{ "Asia/Dubai", {2025, 10, 26}, 150, PLAN_LOCAL_OK, "2025-10-25T22:30" },
};

/* plan_local_to_utc against glibc: a fold is its FIRST occurrence (RFC 5545 3.3.5). */
START_TEST(test_local_to_utc)
{
	const struct local_case *c = &local_cases[_i];
	time_t got = 0, first;
	int rc = plan_local_to_utc(c->tz, &c->d, c->min, &got), n;

	use_zone(c->tz);
	n = wall_occurrences(c->d.year, c->d.month, c->d.day, c->min, &first);
	ck_assert_int_eq(rc, n == 2 ? PLAN_LOCAL_FOLD : n == 0 ? PLAN_LOCAL_GAP : PLAN_LOCAL_OK);
	ck_assert_int_eq(rc, c->want);
	ck_assert_msg(got == utc(c->utc), "%s %04d-%02d-%02d %d: got %lld, want %s", c->tz,
		      c->d.year, c->d.month, c->d.day, c->min, (long long) got, c->utc);
	if (n > 0)
		ck_assert_int_eq(got, first);
	unsetenv("TZ");
	tzset();
}
END_TEST

/* plan_next_free: the first free slot in time order, past the busy ones, on the
 * customer's free days, never in a DST change. */
START_TEST(test_next_free)
{
	struct plan_opts o;
	struct plan_checkin c;
	struct plan_busy busy[3];
	char err[256];

	plan_opts_init(&o);
	o.tz = "Europe/Berlin";
	/* Tue 2025-03-04: 09:00 and 09:30 taken by others -> 10:00 (09:00Z) */
	busy[0] = (struct plan_busy) { utc("2025-03-04T08:00"), utc("2025-03-04T08:30"), 0 };
	busy[1] = (struct plan_busy) { utc("2025-03-04T08:30"), utc("2025-03-04T09:00"), 0 };
	o.busy = busy;
	o.n_busy = 2;
	ck_assert_int_eq(plan_next_free(&o, utc("2025-03-04T07:00"), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.start, utc("2025-03-04T09:00"));
	/* a 45-minute booking at 10:00-10:45 blocks 10:00 and 10:30 */
	busy[2] = (struct plan_busy) { utc("2025-03-04T09:00"), utc("2025-03-04T09:45"), 0 };
	o.n_busy = 3;
	ck_assert_int_eq(plan_next_free(&o, utc("2025-03-04T07:00"), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.start, utc("2025-03-04T10:00"));
	/* the customer has a check-in that Tuesday: Wednesday 09:00 */
	busy[2].same_customer = 1;
	ck_assert_int_eq(plan_next_free(&o, utc("2025-03-04T07:00"), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.start, utc("2025-03-05T08:00"));
	/* Friday 16:50: Monday 09:00 */
	o.n_busy = 0;
	ck_assert_int_eq(plan_next_free(&o, utc("2025-03-07T15:50"), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.start, utc("2025-03-10T08:00"));
	/* a night manager on the night summer time begins: 01:30-02:00 would end in the gap,
	 * 02:00 and 02:30 do not exist; the first slot is 03:00 CEST = 01:00Z */
	o.workdays = 1;		/* Sunday */
	o.day_start_min = 60;
	o.day_end_min = 5 * 60;
	ck_assert_int_eq(plan_next_free(&o, utc("2025-03-30T00:20"), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.start, utc("2025-03-30T01:00"));
	/* and the night it ends: 02:00-03:00 happens twice; 01:30-02:00 ends in the fold */
	ck_assert_int_eq(plan_next_free(&o, utc("2025-10-25T23:20"), &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.start, utc("2025-10-26T02:00"));	/* 03:00 CET */
}
END_TEST

/* plan_slot_check: what checkin move refuses without --force, in words. */
START_TEST(test_slot_check)
{
	struct plan_opts o;
	struct plan_busy busy = { utc("2025-03-04T09:00"), utc("2025-03-04T09:30"), 0 };
	char why[256];

	plan_opts_init(&o);
	o.tz = "Asia/Dubai";
	ck_assert_int_eq(timetext_parse_workdays("Sun-Thu", &o.workdays), 0);
	o.busy = &busy;
	o.n_busy = 1;
	/* Sun 2025-03-02 10:00 Dubai (06:00Z): a working day there */
	ck_assert_int_eq(plan_slot_check(&o, utc("2025-03-02T06:00"), utc("2025-03-02T06:30"),
					 why, sizeof(why)), 0);
	ck_assert_int_eq(plan_slot_check(&o, utc("2025-03-07T06:00"), utc("2025-03-07T06:30"),
					 why, sizeof(why)), 1);
	ck_assert_msg(strstr(why, "Friday") != NULL, "%s", why);
	ck_assert_int_eq(plan_slot_check(&o, utc("2025-03-02T04:30"), utc("2025-03-02T05:00"),
					 why, sizeof(why)), 1);
	ck_assert_msg(strstr(why, "outside the manager's hours") != NULL, "%s", why);
	ck_assert_int_eq(plan_slot_check(&o, utc("2025-03-02T12:45"), utc("2025-03-02T13:15"),
					 why, sizeof(why)), 1);	/* 16:45-17:15 */
	ck_assert_int_eq(plan_slot_check(&o, utc("2025-03-04T09:15"), utc("2025-03-04T09:45"),
					 why, sizeof(why)), 1);
	ck_assert_msg(strstr(why, "overlaps") != NULL, "%s", why);
	ck_assert_int_eq(plan_slot_check(&o, utc("2025-03-04T09:30"), utc("2025-03-04T10:00"),
					 why, sizeof(why)), 0);	/* back to back is fine */
	busy.same_customer = 1;
	ck_assert_int_eq(plan_slot_check(&o, utc("2025-03-04T11:00"), utc("2025-03-04T11:30"),
					 why, sizeof(why)), 1);
	ck_assert_msg(strstr(why, "another check-in") != NULL, "%s", why);
}
END_TEST

/* plan_parse_instant: the manager's zone, RFC 3339 offsets, a fold, a gap, bad input. */
START_TEST(test_parse_time)
{
	time_t t;

	ck_assert_int_eq(plan_parse_instant("Europe/Berlin", "2025-07-01 10:00", &t), PLAN_LOCAL_OK);
	ck_assert_int_eq(t, utc("2025-07-01T08:00"));
	ck_assert_int_eq(plan_parse_instant("Europe/Berlin", "2025-07-01T10:00:30", &t), PLAN_LOCAL_OK);
	ck_assert_int_eq(t, utc("2025-07-01T08:00") + 30);
	ck_assert_int_eq(plan_parse_instant("Europe/Berlin", "2025-07-01T10:00:00-04:00", &t), PLAN_LOCAL_OK);
	ck_assert_int_eq(t, utc("2025-07-01T14:00"));
	ck_assert_int_eq(plan_parse_instant("Europe/Berlin", "2025-07-01T10:00Z", &t), PLAN_LOCAL_OK);
	ck_assert_int_eq(t, utc("2025-07-01T10:00"));
	ck_assert_int_eq(plan_parse_instant("America/New_York", "2025-11-02 01:30", &t), PLAN_LOCAL_FOLD);
	ck_assert_int_eq(t, utc("2025-11-02T05:30"));
	ck_assert_int_eq(plan_parse_instant("America/New_York", "2025-03-09 02:30", &t), PLAN_LOCAL_GAP);
	ck_assert_int_eq(plan_parse_instant("UTC", "@1700000000", &t), PLAN_LOCAL_OK);
	ck_assert_int_eq(t, 1700000000);
	ck_assert_int_eq(plan_parse_instant("UTC", "2025-02-30 10:00", &t), -1);
	ck_assert_int_eq(plan_parse_instant("UTC", "2025-02-03 24:00", &t), -1);
	ck_assert_int_eq(plan_parse_instant("UTC", "2025-02-03 10:00+1", &t), -1);
	ck_assert_int_eq(plan_parse_instant("UTC", "tomorrow", &t), -1);
	ck_assert_int_eq(plan_parse_instant("Mars/Base", "2025-02-03 10:00", &t), -1);
}
END_TEST

/* Stored check-ins that stay are returned as they are; one whose date changed moves. */
START_TEST(test_fixed_kept)
{
	struct plan_opts o;
	struct plan_checkin *a, *b;
	struct plan_fixed f[8];
	size_t na, nb;
	char err[256];

	plan_opts_init(&o);
	o.tz = "Europe/Berlin";
	o.spread_key = "x@y.example";
	ck_assert_int_eq(plan_checkins(&o, utc("2025-03-03T10:00"), &a, &na, err, sizeof(err)), 0);
	ck_assert_uint_le(na, 8);
	for (size_t i = 0; i < na; i++)
		f[i] = (struct plan_fixed) { a[i].kind, a[i].ordinal, a[i].nominal, a[i].start,
					     a[i].end, 0 };
	/* as if day-7 had been moved by hand to 16:00: it stays there */
	f[0].start += 6 * 3600;
	f[0].end += 6 * 3600;
	o.fixed = f;
	o.n_fixed = na;
	o.has_renewal = 1;
	o.renewal_date = (struct plan_date) { 2025, 9, 1 };	/* pre-renewal Sat Aug 2 -> Fri Aug 1 */
	ck_assert_int_eq(plan_checkins(&o, utc("2025-03-03T10:00"), &b, &nb, err, sizeof(err)), 0);
	ck_assert_uint_eq(nb, na + 1);
	for (size_t i = 0, kept = 0; i < nb; i++) {
		if (strcmp(b[i].kind, "pre-renewal") == 0) {
			ck_assert_int_eq(b[i].kept, 0);
			ck_assert_int_eq(b[i].local_date.month, 8);
			ck_assert_int_eq(b[i].local_date.day, 1);
			continue;
		}
		ck_assert_int_eq(b[i].kept, 1);
		ck_assert_int_eq(b[i].start, f[kept].start);
		kept++;
	}
	free(a);
	free(b);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_oracle), TEST_LOOP(test_local_to_utc, local_cases),
		TEST_LOOP(test_year_of_bookings, managers), TEST_ONCE(test_next_free),
		TEST_ONCE(test_slot_check), TEST_ONCE(test_parse_time),
		TEST_ONCE(test_fixed_kept),
	};

	return test_main("plan_year", 120, tests, TEST_COUNT(tests));
}

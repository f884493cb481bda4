/*
 * plan.c - plan a customer's check-ins in the account manager's business hours.
 *
 * Calendar arithmetic and zone conversion are libical's (icaltime_adjust,
 * icaltime_day_of_week, icaltimezone_convert_time over the builtin zones), so that the
 * planner and the invitations agree on every offset. The options come from the config
 * file and are checked here; the spread key is untrusted and only hashed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "plan.h"
#include "util/ident.h"
#include "util/timetext.h"
#include "util/xalloc.h"
#include "util/zone.h"

#define PLAN_MAX_SHIFT_DAYS 366		/* a working day must be found within a year */

/* plan_opts_init - fill the defaults documented in struct plan_opts */
void plan_opts_init(struct plan_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->tz = "UTC";
	opts->day_start_min = 9 * 60;
	opts->day_end_min = 17 * 60;
	opts->slot_min = 30;
	opts->workdays = TIMETEXT_WORKDAYS_MON_FRI;
	opts->day_offsets[0] = 7;
	opts->day_offsets[1] = 30;
	opts->day_offsets[2] = 90;
	opts->n_day_offsets = 3;
	opts->quarterly_months = 3;
	opts->quarterly_until_days = 365;
	opts->anniversaries = 1;
	opts->renewal_lead_days = 30;
}

/* valid_date - a date of the Gregorian calendar between 1900 and 9999 */
static int valid_date(int y, int m, int d)
{
	return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= icaltime_days_in_month(m, y);
}

/* plan_parse_date - "2025-03-31" -> 0 and *out; -1 if not a valid date (lib/timetext.c
 * is the one date parser) */
int plan_parse_date(const char *s, struct plan_date *out)
{
	int y, m, d;

	if (timetext_parse_date(s, &y, &m, &d) != 0)
		return -1;
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
}

/* The working context of one planning run. */
struct planner {
	const struct plan_opts *opts;
	icaltimezone *zone;
	icaltimezone *utc;
	int n_slots;
	int slot_index;		/* preferred slot of the day, from the spread key */
	struct plan_checkin *list;
	size_t n, cap;
	struct plan_busy *busy;	/* the manager's bookings, sorted by start */
	size_t n_busy, cap_busy;
	time_t max_busy_len;	/* the longest booking: how far back an overlap can start */
	struct plan_date *days;	/* the customer's booked local days */
	size_t n_days, cap_days;
};

static struct icaltimetype date_make(int y, int m, int d)
{
	struct icaltimetype t = icaltime_null_date();

	t.year = y;
	t.month = m;
	t.day = d;
	return t;
}

/* date_add_months - add calendar months, clamping the day to the month's last day */
static struct icaltimetype date_add_months(struct icaltimetype t, int months)
{
	int m0 = t.month - 1 + months;
	int y = t.year + m0 / 12, m = m0 % 12 + 1;
	int last = icaltime_days_in_month(m, y);

	return date_make(y, m, t.day > last ? last : t.day);
}

static struct icaltimetype date_add_days(struct icaltimetype t, int days)
{
	icaltime_adjust(&t, days, 0, 0, 0);
	return t;
}

static struct plan_date pdate(struct icaltimetype t)
{
	struct plan_date d = { t.year, t.month, t.day };

	return d;
}

static int pdate_eq(const struct plan_date *a, const struct plan_date *b)
{
	return a->year == b->year && a->month == b->month && a->day == b->day;
}

/* is_working_day - a configured working day that is no holiday */
static int is_working_day(const struct plan_opts *o, struct icaltimetype t)
{
	int wday = icaltime_day_of_week(t) - 1;	/* libical: 1 = Sunday */

	if (!(o->workdays & (1u << wday)))
		return 0;
	for (size_t i = 0; i < o->n_holidays; i++) {
		const struct plan_date *h = &o->holidays[i];
		if (h->year == t.year && h->month == t.month && h->day == t.day)
			return 0;
	}
	return 1;
}

/* zone_offset - the zone's UTC offset in seconds at the instant t */
static int zone_offset(icaltimezone *zone, time_t t)
{
	struct icaltimetype tt = icaltime_from_timet_with_zone(t, 0, icaltimezone_get_utc_timezone());
	int dst;

	return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &dst);
}

/* wall_seconds - local date d at minute min read as if it were UTC: seconds since 1970 */
static time_t wall_seconds(struct icaltimetype d, int min)
{
	struct icaltimetype t = d;

	t.is_date = 0;
	t.hour = 0;
	t.minute = 0;
	t.second = 0;
	t.zone = icaltimezone_get_utc_timezone();
	return icaltime_as_timet_with_zone(t, t.zone) + (time_t) min * 60;
}

/*
 * zone_local_to_utc - see plan_local_to_utc. Every instant u with local time L solves
 * u = L - offset(u), and the offset near L takes at most two values (one change a day
 * at most, in every real zone): try each value seen a day before, at and a day after L.
 */
static int zone_local_to_utc(icaltimezone *zone, struct icaltimetype d, int min, time_t *out)
{
	time_t wall = wall_seconds(d, min), sol[3];
	int offs[3] = { zone_offset(zone, wall - 86400), zone_offset(zone, wall),
			zone_offset(zone, wall + 86400) };
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= offs[j] == offs[i];
		if (dup)
			continue;
		time_t u = wall - offs[i];
		if (zone_offset(zone, u) == offs[i])
			sol[n++] = u;
	}
	if (n == 0) {
		*out = wall - offs[0];	/* RFC 5545: the offset before the gap */
		return PLAN_LOCAL_GAP;
	}
	*out = sol[0];
	for (size_t i = 1; i < n; i++)
		if (sol[i] < *out)
			*out = sol[i];
	return n > 1 ? PLAN_LOCAL_FOLD : PLAN_LOCAL_OK;
}

/* zone_local - t as local date and minute of the day in zone */
static struct icaltimetype zone_local(icaltimezone *zone, time_t t, int *min)
{
	struct icaltimetype lt = icaltime_from_timet_with_zone(t, 0, zone);

	*min = lt.hour * 60 + lt.minute;
	return date_make(lt.year, lt.month, lt.day);
}

/*
 * slot_end_clear - for a local slot (date d, minute min, slot_min long) whose start
 * exists once at the instant start: 1 when its end exists once too and the offset is
 * the same throughout
 */
static int slot_end_clear(icaltimezone *zone, struct icaltimetype d, int min, int slot_min,
			  time_t start)
{
	time_t end, end_utc;
	int end_min = min + slot_min;
	struct icaltimetype ed = d;

	end = start + (time_t) slot_min * 60;
	if (zone_offset(zone, start) != zone_offset(zone, end))
		return 0;
	if (end_min >= 24 * 60) {
		ed = date_add_days(d, 1);
		end_min -= 24 * 60;
	}
	return zone_local_to_utc(zone, ed, end_min, &end_utc) == PLAN_LOCAL_OK && end_utc == end;
}

/* busy_add - book [start, end) for the manager, keeping the array sorted by start */
static void busy_add(struct planner *pl, time_t start, time_t end)
{
	size_t i = pl->n_busy;

	if (pl->n_busy == pl->cap_busy) {
		pl->cap_busy = pl->cap_busy ? pl->cap_busy * 2 : 64;
		pl->busy = xreallocarray(pl->busy, pl->cap_busy, sizeof(*pl->busy));
	}
	while (i > 0 && pl->busy[i - 1].start > start) {
		pl->busy[i] = pl->busy[i - 1];
		i--;
	}
	pl->busy[i].start = start;
	pl->busy[i].end = end;
	pl->busy[i].same_customer = 0;
	pl->n_busy++;
	if (end - start > pl->max_busy_len)
		pl->max_busy_len = end - start;
}

/* day_add - the customer has a check-in on local date d */
static void day_add(struct planner *pl, struct plan_date d)
{
	if (pl->n_days == pl->cap_days) {
		pl->cap_days = pl->cap_days ? pl->cap_days * 2 : 16;
		pl->days = xreallocarray(pl->days, pl->cap_days, sizeof(*pl->days));
	}
	pl->days[pl->n_days++] = d;
}

static int day_taken(const struct planner *pl, struct icaltimetype t)
{
	struct plan_date d = pdate(t);

	for (size_t i = 0; i < pl->n_days; i++)
		if (pdate_eq(&pl->days[i], &d))
			return 1;
	return 0;
}

/* busy_overlaps - 1 when [start, end) overlaps a booking of the manager */
static int busy_overlaps(const struct planner *pl, time_t start, time_t end)
{
	size_t lo = 0, hi = pl->n_busy;

	while (lo < hi) {	/* the first booking that starts at or after end */
		size_t mid = lo + (hi - lo) / 2;
		if (pl->busy[mid].start < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0 && pl->busy[lo - 1].start + pl->max_busy_len > start) {
		lo--;
		if (pl->busy[lo].end > start)
			return 1;
	}
	return 0;
}

/* planner_free - release what planner_init and the bookings allocated (not the list) */
static void planner_free(struct planner *pl)
{
	free(pl->busy);
	free(pl->days);
	pl->busy = NULL;
	pl->days = NULL;
}

/* slot_free - the local slot (date t, minute min) is bookable: it starts at a local time
 * that exists once, is free, ends at one that exists once and keeps one offset
 * throughout; *start its UTC start. The cheap tests come first. */
static int slot_free(const struct planner *pl, struct icaltimetype t, int min, time_t *start)
{
	time_t len = (time_t) pl->opts->slot_min * 60;

	return zone_local_to_utc(pl->zone, t, min, start) == PLAN_LOCAL_OK &&
	    !busy_overlaps(pl, *start, *start + len) &&
	    slot_end_clear(pl->zone, t, min, pl->opts->slot_min, *start);
}

/* book - append a check-in to the plan and book its time and day */
static struct plan_checkin *book(struct planner *pl, const char *kind, int ordinal,
				 time_t start, time_t end, struct icaltimetype nominal)
{
	struct plan_checkin *c;
	int min;

	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 8;
		pl->list = xreallocarray(pl->list, pl->cap, sizeof(*pl->list));
	}
	c = &pl->list[pl->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->kind, sizeof(c->kind), "%s", kind);
	c->ordinal = ordinal;
	c->start = start;
	c->end = end;
	c->local_date = pdate(zone_local(pl->zone, start, &min));
	c->local_start_min = min;
	c->nominal = pdate(nominal);
	return c;
}

/* fixed_find - the stored check-in of this kind and ordinal, or NULL */
static const struct plan_fixed *fixed_find(const struct plan_opts *o, const char *kind,
					   int ordinal)
{
	for (size_t i = 0; i < o->n_fixed; i++)
		if (o->fixed[i].ordinal == ordinal && strcmp(o->fixed[i].kind, kind) == 0)
			return &o->fixed[i];
	return NULL;
}

/* fixed_keeps - a stored check-in stands for the target due on date t */
static int fixed_keeps(const struct plan_fixed *f, struct icaltimetype t)
{
	return f != NULL && (f->nominal.year == 0 ||
	    (f->nominal.year == t.year && f->nominal.month == t.month && f->nominal.day == t.day));
}

/* place - book a slot on date t, or the nearest working day in direction dir (+1/-1);
 * -1 with err if no working day is found within a year */
static int place(struct planner *pl, struct icaltimetype t, int dir, const char *kind,
		 int ordinal, char *err, size_t errlen)
{
	const struct plan_opts *o = pl->opts;
	const struct plan_fixed *f = fixed_find(o, kind, ordinal);
	struct icaltimetype nominal = t;

	if (fixed_keeps(f, t)) {	/* booked already (planner_init) */
		book(pl, kind, ordinal, f->start, f->end, t)->kept = 1;
		return 0;
	}
	for (int shift = 0; shift <= PLAN_MAX_SHIFT_DAYS; shift++, t = date_add_days(t, dir)) {
		if (!is_working_day(o, t) || day_taken(pl, t))
			continue;
		for (int k = 0; k < pl->n_slots; k++) {
			int min = o->day_start_min + ((pl->slot_index + k) % pl->n_slots) * o->slot_min;
			time_t start, end;
			if (!slot_free(pl, t, min, &start))
				continue;
			end = start + (time_t) o->slot_min * 60;
			book(pl, kind, ordinal, start, end, nominal);
			busy_add(pl, start, end);
			day_add(pl, pdate(t));
			return 0;
		}
	}
	snprintf(err, errlen, "plan: no free slot within %d days of %04d-%02d-%02d for %s",
		 PLAN_MAX_SHIFT_DAYS, nominal.year, nominal.month, nominal.day, kind);
	return -1;
}

/* opts_check - -1 and a message naming the first bad option */
static int opts_check(const struct plan_opts *o, char *err, size_t errlen)
{
	if (o->day_start_min < 0 || o->day_end_min > 24 * 60 ||
	    o->day_end_min <= o->day_start_min) {
		snprintf(err, errlen, "plan: business hours %d-%d (minutes) hold no time",
			 o->day_start_min, o->day_end_min);
		return -1;
	}
	if (o->slot_min <= 0 || o->slot_min > o->day_end_min - o->day_start_min) {
		snprintf(err, errlen, "plan: slot of %d minutes does not fit business hours",
			 o->slot_min);
		return -1;
	}
	if ((o->workdays & 0x7f) == 0) {
		snprintf(err, errlen, "plan: no working day in the week");
		return -1;
	}
	if (o->n_day_offsets > PLAN_MAX_OFFSETS) {
		snprintf(err, errlen, "plan: more than %d day offsets", PLAN_MAX_OFFSETS);
		return -1;
	}
	for (size_t i = 0; i < o->n_day_offsets; i++)
		if (o->day_offsets[i] < 1 || o->day_offsets[i] > 3660) {
			snprintf(err, errlen, "plan: day offset %d out of range 1..3660",
				 o->day_offsets[i]);
			return -1;
		}
	if (o->quarterly_months < 0 || o->quarterly_months > 120 ||
	    o->quarterly_until_days < 0 || o->quarterly_until_days > 3660 ||
	    o->anniversaries < 0 || o->anniversaries > 10 ||
	    o->renewal_lead_days < 0 || o->renewal_lead_days > 3660) {
		snprintf(err, errlen, "plan: schedule option out of range");
		return -1;
	}
	for (size_t i = 0; i < o->n_holidays; i++) {
		const struct plan_date *h = &o->holidays[i];
		if (!valid_date(h->year, h->month, h->day)) {
			snprintf(err, errlen, "plan: holiday %04d-%02d-%02d is not a date",
				 h->year, h->month, h->day);
			return -1;
		}
	}
	if (o->has_renewal && !valid_date(o->renewal_date.year, o->renewal_date.month,
					  o->renewal_date.day)) {
		snprintf(err, errlen, "plan: renewal %04d-%02d-%02d is not a date",
			 o->renewal_date.year, o->renewal_date.month, o->renewal_date.day);
		return -1;
	}
	return 0;
}

static int checkin_cmp(const void *a, const void *b)
{
	const struct plan_checkin *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* busy_cmp - bookings by start */
static int busy_cmp(const void *a, const void *b)
{
	const struct plan_busy *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/* planner_init - check the options, find the zone, book opts->busy; 0 or -1 with err */
static int planner_init(struct planner *pl, const struct plan_opts *o, char *err, size_t errlen)
{
	memset(pl, 0, sizeof(*pl));
	pl->opts = o;
	if (opts_check(o, err, errlen) < 0)
		return -1;
	if ((pl->zone = zone_get(o->tz)) == NULL) {
		snprintf(err, errlen, "plan: time zone \"%s\" is not known to libical",
			 o->tz ? o->tz : "");
		return -1;
	}
	pl->utc = icaltimezone_get_utc_timezone();
	pl->n_slots = (o->day_end_min - o->day_start_min) / o->slot_min;
	pl->slot_index = (int) (ident_hash(o->spread_key) % (unsigned) pl->n_slots);
	/* the manager's bookings, sorted once (a calendar file comes in any order) */
	pl->cap_busy = o->n_busy + 16;
	pl->busy = xreallocarray(NULL, pl->cap_busy, sizeof(*pl->busy));
	for (size_t i = 0; i < o->n_busy; i++) {
		int min;
		if (o->busy[i].end <= o->busy[i].start)
			continue;
		pl->busy[pl->n_busy] = o->busy[i];
		pl->busy[pl->n_busy++].same_customer = 0;
		if (o->busy[i].end - o->busy[i].start > pl->max_busy_len)
			pl->max_busy_len = o->busy[i].end - o->busy[i].start;
		if (o->busy[i].same_customer)
			day_add(pl, pdate(zone_local(pl->zone, o->busy[i].start, &min)));
	}
	for (size_t i = 1; i < pl->n_busy; i++)
		if (pl->busy[i - 1].start > pl->busy[i].start) {	/* the store's come sorted */
			qsort(pl->busy, pl->n_busy, sizeof(*pl->busy), busy_cmp);
			break;
		}
	return 0;
}

/* One check-in the schedule asks for: due on date, shifted in direction dir. */
struct target {
	char kind[16];
	int ordinal;
	struct icaltimetype date;
	int dir;
};

/* target_add - append a target */
static void target_add(struct target **v, size_t *n, const char *kind, int ordinal,
		       struct icaltimetype date, int dir)
{
	struct target *t;

	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	t = &(*v)[(*n)++];
	snprintf(t->kind, sizeof(t->kind), "%s", kind);
	t->ordinal = ordinal;
	t->date = date;
	t->dir = dir;
}

/* plan_targets - the schedule's check-ins of a customer whose journey began on base */
static struct target *plan_targets(const struct plan_opts *o, struct icaltimetype base,
				   size_t *n)
{
	struct target *v = NULL;
	char kind[16];

	*n = 0;
	for (size_t i = 0; i < o->n_day_offsets; i++) {
		snprintf(kind, sizeof(kind), "day-%d", o->day_offsets[i]);
		target_add(&v, n, kind, 1, date_add_days(base, o->day_offsets[i]), +1);
	}
	if (o->quarterly_months > 0) {
		struct icaltimetype until = date_add_days(base, o->quarterly_until_days);
		for (int k = 2, ord = 1; k < 1000; k++) {
			int months = k * o->quarterly_months;
			struct icaltimetype d = date_add_months(base, months);
			if (icaltime_compare_date_only(d, until) > 0)
				break;
			if (months % 12 == 0 && months / 12 <= o->anniversaries)
				continue;	/* the anniversary is this quarter's check-in */
			target_add(&v, n, "quarterly", ord++, d, +1);
		}
	}
	for (int y = 1; y <= o->anniversaries; y++)
		target_add(&v, n, "anniversary", y, date_add_months(base, 12 * y), +1);
	if (o->has_renewal) {
		struct icaltimetype r = date_make(o->renewal_date.year, o->renewal_date.month,
						  o->renewal_date.day);
		target_add(&v, n, "pre-renewal", 1, date_add_days(r, -o->renewal_lead_days), -1);
	}
	return v;
}

/* plan_checkins - see plan.h; *out is the caller's, freed with free() */
int plan_checkins(const struct plan_opts *o, time_t onboarded,
		  struct plan_checkin **out, size_t *n_out, char *err, size_t errlen)
{
	struct planner pl;
	struct icaltimetype base;
	struct target *tv;
	size_t nt;
	int min;

	*out = NULL;
	*n_out = 0;
	if (planner_init(&pl, o, err, errlen) < 0)
		return -1;
	base = zone_local(pl.zone, onboarded, &min);
	tv = plan_targets(o, base, &nt);
	/* The stored check-ins that stay book their time and day before any is placed. */
	for (size_t i = 0; i < nt; i++) {
		const struct plan_fixed *f = fixed_find(o, tv[i].kind, tv[i].ordinal);
		if (fixed_keeps(f, tv[i].date) && !f->inactive && f->end > f->start) {
			busy_add(&pl, f->start, f->end);
			day_add(&pl, pdate(zone_local(pl.zone, f->start, &min)));
		}
	}
	for (size_t i = 0; i < nt; i++) {
		size_t before = pl.n;
		if (place(&pl, tv[i].date, tv[i].dir, tv[i].kind, tv[i].ordinal, err, errlen) < 0)
			goto fail;
		if (strcmp(tv[i].kind, "pre-renewal") == 0 && pl.n > before &&
		    !pl.list[pl.n - 1].kept && pl.list[pl.n - 1].start <= onboarded)
			pl.n--;		/* the renewal is too close: no pre-renewal check-in */
	}
	free(tv);
	planner_free(&pl);
	qsort(pl.list, pl.n, sizeof(*pl.list), checkin_cmp);
	*out = pl.list;
	*n_out = pl.n;
	return 0;
fail:
	free(tv);
	planner_free(&pl);
	free(pl.list);
	return -1;
}

/* plan_next_free - see plan.h */
int plan_next_free(const struct plan_opts *o, time_t after, struct plan_checkin *out,
		   char *err, size_t errlen)
{
	struct planner pl;
	struct icaltimetype t;
	int min;

	if (planner_init(&pl, o, err, errlen) < 0)
		return -1;
	t = zone_local(pl.zone, after, &min);
	for (int shift = 0; shift <= PLAN_MAX_SHIFT_DAYS; shift++, t = date_add_days(t, 1)) {
		if (!is_working_day(o, t) || day_taken(&pl, t))
			continue;
		for (int k = 0; k < pl.n_slots; k++) {
			time_t start;
			if (!slot_free(&pl, t, o->day_start_min + k * o->slot_min, &start) ||
			    start < after)
				continue;
			book(&pl, "", 0, start, start + (time_t) o->slot_min * 60, t);
			*out = pl.list[0];
			free(pl.list);
			planner_free(&pl);
			return 0;
		}
	}
	planner_free(&pl);
	snprintf(err, errlen, "plan: no free slot within %d days", PLAN_MAX_SHIFT_DAYS);
	return -1;
}

/* plan_slot_check - see plan.h */
int plan_slot_check(const struct plan_opts *o, time_t start, time_t end, char *why,
		    size_t whylen)
{
	static const char *const day_names[7] = { "Sunday", "Monday", "Tuesday",
		"Wednesday", "Thursday", "Friday", "Saturday" };
	struct planner pl;
	struct icaltimetype d, ed;
	int min, emin, end_min, wday, rc = 1;
	time_t u;

	if (planner_init(&pl, o, why, whylen) < 0)
		return -1;
	d = zone_local(pl.zone, start, &min);
	ed = zone_local(pl.zone, end, &emin);
	wday = icaltime_day_of_week(d) - 1;
	if (icaltime_compare_date_only(d, ed) == 0)
		end_min = emin;
	else if (emin == 0 && icaltime_compare_date_only(date_add_days(d, 1), ed) == 0)
		end_min = 24 * 60;	/* ends at midnight */
	else
		end_min = -1;
	if (!is_working_day(o, d)) {
		snprintf(why, whylen, "%04d-%02d-%02d is a %s: not one of the manager's working days",
			 d.year, d.month, d.day,
			 (o->workdays & (1u << wday)) ? "holiday" : day_names[wday]);
	} else if (end <= start || end_min < 0) {
		snprintf(why, whylen, "it does not end on the day it starts");
	} else if (min < o->day_start_min || end_min > o->day_end_min) {
		snprintf(why, whylen, "%02d:%02d-%02d:%02d is outside the manager's hours"
			 " %02d:%02d-%02d:%02d", min / 60, min % 60, end_min / 60, end_min % 60,
			 o->day_start_min / 60, o->day_start_min % 60, o->day_end_min / 60,
			 o->day_end_min % 60);
	} else if (zone_local_to_utc(pl.zone, d, min, &u) != PLAN_LOCAL_OK ||
		   zone_local_to_utc(pl.zone, ed, emin, &u) != PLAN_LOCAL_OK ||
		   zone_offset(pl.zone, start) != zone_offset(pl.zone, end)) {
		snprintf(why, whylen, "it falls in a daylight saving time change");
	} else if (busy_overlaps(&pl, start, end)) {
		snprintf(why, whylen, "it overlaps another check-in of the manager");
	} else if (day_taken(&pl, d)) {
		snprintf(why, whylen, "the customer has another check-in on %04d-%02d-%02d",
			 d.year, d.month, d.day);
	} else
		rc = 0;
	planner_free(&pl);
	return rc;
}

/* plan_local_to_utc - see plan.h */
int plan_local_to_utc(const char *tz, const struct plan_date *d, int min, time_t *out)
{
	icaltimezone *zone = zone_get(tz);

	if (zone == NULL || !valid_date(d->year, d->month, d->day) || min < 0 || min >= 24 * 60)
		return -1;
	return zone_local_to_utc(zone, date_make(d->year, d->month, d->day), min, out);
}

/* plan_utc_to_local - see plan.h */
int plan_utc_to_local(const char *tz, time_t t, struct plan_date *d, int *min)
{
	icaltimezone *zone = zone_get(tz);

	if (zone == NULL)
		return -1;
	*d = pdate(zone_local(zone, t, min));
	return 0;
}

/* plan_utc_offset - see plan.h */
int plan_utc_offset(const char *tz, time_t t, int *offset)
{
	icaltimezone *zone = zone_get(tz);

	if (zone == NULL)
		return -1;
	*offset = zone_offset(zone, t);
	return 0;
}

/* plan_parse_instant - see plan.h; the forms and their checks are timetext_parse's */
int plan_parse_instant(const char *tz, const char *s, time_t *out)
{
	size_t n = s != NULL ? strlen(s) : 0;
	struct plan_date d;
	time_t wall, t;
	int min, rc;

	if (n == 0 || timetext_parse(s, &wall) != 0)
		return -1;
	if (s[0] == '@' || s[n - 1] == 'Z' || s[n - 1] == 'z' ||
	    (n > 16 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':')) {
		*out = wall;	/* an instant: UTC, an offset, or seconds */
		return PLAN_LOCAL_OK;
	}
	/* a wall time, which timetext_parse read as UTC: now in the zone */
	if (plan_utc_to_local("UTC", wall, &d, &min) != 0 ||
	    (rc = plan_local_to_utc(tz, &d, min, &t)) < 0)
		return -1;
	if (rc != PLAN_LOCAL_GAP)
		*out = t + wall % 60;
	return rc;
}

/* plan_format_rfc3339 - see plan.h */
char *plan_format_rfc3339(const char *tz, time_t t, char *buf, size_t len)
{
	icaltimezone *zone = zone_get(tz);

	return timetext_rfc3339(t, zone != NULL ? zone_offset(zone, t) : 0, buf, len);
}

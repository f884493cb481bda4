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
#include "timetext.h"
#include "xalloc.h"

#define PLAN_MAX_SHIFT_DAYS 366		/* a working day must be found within a year */

/* plan_opts_init - fill the defaults documented in struct plan_opts */
void plan_opts_init(struct plan_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->tz = "UTC";
	opts->day_start_min = 9 * 60;
	opts->day_end_min = 17 * 60;
	opts->slot_min = 30;
	opts->workdays = PLAN_WORKDAYS_MON_FRI;
	opts->day_offsets[0] = 7;
	opts->day_offsets[1] = 30;
	opts->day_offsets[2] = 90;
	opts->n_day_offsets = 3;
	opts->quarterly_months = 3;
	opts->quarterly_until_days = 365;
	opts->anniversaries = 1;
	opts->renewal_lead_days = 30;
}

/* plan_spread_hash - 64-bit FNV-1a of the ASCII-lowercased key */
unsigned long long plan_spread_hash(const char *key)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *) (key ? key : ""); *p; p++) {
		h ^= (unsigned char) tolower(*p);
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* zone_get - libical's builtin zone for an IANA name, or NULL; "UTC" is its UTC zone */
static icaltimezone *zone_get(const char *tz)
{
	if (tz == NULL || *tz == 0)
		return NULL;
	if (strcmp(tz, "UTC") == 0 || strcmp(tz, "Etc/UTC") == 0)
		return icaltimezone_get_utc_timezone();
	/* libical turns a name into a file path: refuse anything that is not a zone name. */
	if (tz[0] == '/' || strstr(tz, "..") != NULL)
		return NULL;
	return icaltimezone_get_builtin_timezone(tz);
}

/* plan_tz_check - 0 if libical knows the zone name, else -1 and a message naming it */
int plan_tz_check(const char *tz, char *err, size_t errlen)
{
	if (zone_get(tz) != NULL)
		return 0;
	snprintf(err, errlen, "time zone \"%s\" is not known to libical", tz ? tz : "");
	return -1;
}

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

/* parse_hhmm - "09:30" at s -> minutes; advances *end; -1 if malformed */
static int parse_hhmm(const char *s, const char **end)
{
	if (!isdigit((unsigned char) s[0]) || !isdigit((unsigned char) s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char) s[3]) || !isdigit((unsigned char) s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*end = s + 5;
	return h * 60 + m;
}

/* plan_parse_hours - "09:00-17:00" -> minutes after midnight; -1 if malformed */
int plan_parse_hours(const char *s, int *start_min, int *end_min)
{
	const char *p;
	int a, b;

	if (s == NULL || (a = parse_hhmm(s, &p)) < 0 || *p++ != '-' ||
	    (b = parse_hhmm(p, &p)) < 0 || *p != 0 || b <= a)
		return -1;
	*start_min = a;
	*end_min = b;
	return 0;
}

int plan_parse_time(const char *s, int *min)
{
	const char *p;
	int m;

	if (s == NULL || (m = parse_hhmm(s, &p)) < 0 || *p != 0 || m >= 24 * 60)
		return -1;
	*min = m;
	return 0;
}

static const char *const wday_names[7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

/* wday_parse - three-letter day name at s (any case) -> 0..6, or -1 */
static int wday_parse(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strncasecmp(s, wday_names[i], 3) == 0)
			return i;
	return -1;
}

/* plan_parse_workdays - "Mon-Fri", "Mon,Tue,Thu", "Sun-Thu" -> day bits; -1 if bad */
int plan_parse_workdays(const char *s, unsigned *workdays)
{
	unsigned bits = 0;

	if (s == NULL)
		return -1;
	for (;;) {
		while (*s == ' ')
			s++;
		int a = wday_parse(s), b;
		if (a < 0)
			return -1;
		s += 3;
		b = a;
		if (*s == '-') {
			if ((b = wday_parse(s + 1)) < 0)
				return -1;
			s += 4;
		}
		for (int d = a;; d = (d + 1) % 7) {	/* a range may wrap: Sat-Mon */
			bits |= 1u << d;
			if (d == b)
				break;
		}
		while (*s == ' ')
			s++;
		if (*s == 0)
			break;
		if (*s++ != ',')
			return -1;
	}
	*workdays = bits;
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

/* is_working_day - a configured working day that is no holiday */
static int is_working_day(const struct planner *pl, struct icaltimetype t)
{
	int wday = icaltime_day_of_week(t) - 1;	/* libical: 1 = Sunday */

	if (!(pl->opts->workdays & (1u << wday)))
		return 0;
	for (size_t i = 0; i < pl->opts->n_holidays; i++) {
		const struct plan_date *h = &pl->opts->holidays[i];
		if (h->year == t.year && h->month == t.month && h->day == t.day)
			return 0;
	}
	return 1;
}

/* local_to_utc - the UTC instant of local date t at minute `min`; -1 if that local
 * time does not exist on that day (a DST gap) */
static int local_to_utc(const struct planner *pl, struct icaltimetype date, int min,
			time_t *out)
{
	struct icaltimetype t = date, back;

	t.is_date = 0;
	t.hour = min / 60;
	t.minute = min % 60;
	t.second = 0;
	t.zone = NULL;
	icaltimezone_convert_time(&t, pl->zone, pl->utc);
	t.zone = pl->utc;
	*out = icaltime_as_timet_with_zone(t, pl->utc);
	back = icaltime_from_timet_with_zone(*out, 0, pl->zone);
	if (back.year != date.year || back.month != date.month || back.day != date.day ||
	    back.hour != min / 60 || back.minute != min % 60)
		return -1;
	return 0;
}

/* place - book a slot on date t, or the nearest working day in direction dir (+1/-1);
 * -1 with err if no working day is found within a year */
static int place(struct planner *pl, struct icaltimetype t, int dir, const char *kind,
		 int ordinal, char *err, size_t errlen)
{
	const struct plan_opts *o = pl->opts;

	for (int shift = 0; shift <= PLAN_MAX_SHIFT_DAYS; shift++, t = date_add_days(t, dir)) {
		if (!is_working_day(pl, t))
			continue;
		for (int k = 0; k < pl->n_slots; k++) {
			int min = o->day_start_min + ((pl->slot_index + k) % pl->n_slots) * o->slot_min;
			time_t start;
			if (local_to_utc(pl, t, min, &start) < 0)
				continue;
			if (pl->n == pl->cap) {
				pl->cap = pl->cap ? pl->cap * 2 : 8;
				pl->list = xreallocarray(pl->list, pl->cap, sizeof(*pl->list));
			}
			struct plan_checkin *c = &pl->list[pl->n++];
			memset(c, 0, sizeof(*c));
			snprintf(c->kind, sizeof(c->kind), "%s", kind);
			c->ordinal = ordinal;
			c->start = start;
			c->end = start + (time_t) o->slot_min * 60;
			c->local_date.year = t.year;
			c->local_date.month = t.month;
			c->local_date.day = t.day;
			c->local_start_min = min;
			return 0;
		}
	}
	snprintf(err, errlen, "plan: no working day within %d days of %04d-%02d-%02d for %s",
		 PLAN_MAX_SHIFT_DAYS, t.year, t.month, t.day, kind);
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

/* plan_checkins - see plan.h; *out is the caller's, freed with free() */
int plan_checkins(const struct plan_opts *o, time_t onboarded,
		  struct plan_checkin **out, size_t *n_out, char *err, size_t errlen)
{
	struct planner pl = { .opts = o };
	struct icaltimetype base;
	char kind[16];

	*out = NULL;
	*n_out = 0;
	if (opts_check(o, err, errlen) < 0)
		return -1;
	if ((pl.zone = zone_get(o->tz)) == NULL) {
		snprintf(err, errlen, "plan: time zone \"%s\" is not known to libical",
			 o->tz ? o->tz : "");
		return -1;
	}
	pl.utc = icaltimezone_get_utc_timezone();
	pl.n_slots = (o->day_end_min - o->day_start_min) / o->slot_min;
	pl.slot_index = (int) (plan_spread_hash(o->spread_key) % (unsigned) pl.n_slots);

	base = icaltime_from_timet_with_zone(onboarded, 0, pl.zone);
	base = date_make(base.year, base.month, base.day);

	for (size_t i = 0; i < o->n_day_offsets; i++) {
		snprintf(kind, sizeof(kind), "day-%d", o->day_offsets[i]);
		if (place(&pl, date_add_days(base, o->day_offsets[i]), +1, kind, 1, err,
			  errlen) < 0)
			goto fail;
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
			if (place(&pl, d, +1, "quarterly", ord++, err, errlen) < 0)
				goto fail;
		}
	}
	for (int y = 1; y <= o->anniversaries; y++)
		if (place(&pl, date_add_months(base, 12 * y), +1, "anniversary", y, err,
			  errlen) < 0)
			goto fail;
	if (o->has_renewal) {
		struct icaltimetype r = date_make(o->renewal_date.year, o->renewal_date.month,
						  o->renewal_date.day);
		size_t before = pl.n;
		if (place(&pl, date_add_days(r, -o->renewal_lead_days), -1, "pre-renewal", 1,
			  err, errlen) < 0)
			goto fail;
		if (pl.n > before && pl.list[pl.n - 1].start <= onboarded)
			pl.n--;		/* the renewal is too close: no pre-renewal check-in */
	}
	qsort(pl.list, pl.n, sizeof(*pl.list), checkin_cmp);
	*out = pl.list;
	*n_out = pl.n;
	return 0;
fail:
	free(pl.list);
	return -1;
}

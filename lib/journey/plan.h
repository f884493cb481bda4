/*
 * plan.h - plan a customer's check-ins in the account manager's business hours.
 *
 * Given the instant a customer was onboarded, the manager's IANA time zone, business
 * hours, working days, holidays and a schedule, plan_checkins() returns the check-ins
 * (day 7, day 30, day 90, quarterly, pre-renewal, anniversary) as UTC instants, each in
 * a working slot of the manager's local day. Pure code; the time zone rules are
 * libical's builtin zones (the one tz source of the project). Option strings come from
 * the config file and are validated; nothing here trusts them to be well formed.
 */
#ifndef PS_PLAN_H
#define PS_PLAN_H

#include <stddef.h>
#include <time.h>

/* A calendar date in the manager's zone. */
struct plan_date {
	int year;		/* e.g. 2025 */
	int month;		/* 1..12 */
	int day;		/* 1..31 */
};

#define PLAN_MAX_OFFSETS 16

/* A time the manager is booked: [start, end) in UTC. A booking of the customer being
 * planned also blocks its whole local day: two check-ins of one customer never share a
 * day. */
struct plan_busy {
	time_t start, end;
	int same_customer;
};

/* A stored check-in of the customer being planned: kept as it is when the plan has the
 * same kind and ordinal for the same nominal date (the date before any shift), else
 * planned afresh (e.g. a pre-renewal check-in whose renewal date changed). An inactive
 * one (cancelled) is kept but books nothing. */
struct plan_fixed {
	const char *kind;
	int ordinal;
	struct plan_date nominal;	/* year 0: unknown, keep it whatever the date */
	time_t start, end;
	int inactive;
};

struct plan_opts {
	const char *tz;			/* manager's IANA zone, e.g. "Europe/Berlin" */
	int day_start_min;		/* business hours start, minutes after local midnight (540) */
	int day_end_min;		/* business hours end (1020) */
	int slot_min;			/* slot length in minutes (30) */
	unsigned workdays;		/* day bits (timetext_parse_workdays): Mon-Fri */
	const struct plan_date *holidays;	/* local dates never booked, may be NULL */
	size_t n_holidays;
	int day_offsets[PLAN_MAX_OFFSETS];	/* "day-N" check-ins: {7, 30, 90} */
	size_t n_day_offsets;
	int quarterly_months;		/* quarter length in months (3); 0 = no quarterly */
	int quarterly_until_days;	/* plan quarterly ones up to onboarding + this (365) */
	int anniversaries;		/* yearly anniversaries to plan (1); 0 = none */
	int has_renewal;		/* renewal_date is set */
	struct plan_date renewal_date;	/* the contract's renewal date (manager's zone) */
	int renewal_lead_days;		/* pre-renewal check-in this many days before (30) */
	const char *spread_key;		/* e.g. the customer's address; NULL = "" */
	const struct plan_busy *busy;	/* the manager's other bookings, any order; may be NULL */
	size_t n_busy;
	const struct plan_fixed *fixed;	/* the customer's stored check-ins to keep; may be NULL */
	size_t n_fixed;
};

struct plan_checkin {
	char kind[16];		/* "day-7", "day-30", "day-90", "quarterly", "pre-renewal",
				   "anniversary"; a configured offset N gives "day-N" */
	int ordinal;		/* 1 for day-N and pre-renewal; n-th quarter or year */
	time_t start;		/* UTC */
	time_t end;		/* UTC, start + slot */
	struct plan_date local_date;	/* the day it landed on, in the manager's zone */
	int local_start_min;	/* its local start, minutes after midnight */
	struct plan_date nominal;	/* the date it was due before any shift */
	int kept;		/* 1: a plan_fixed entry, returned as it was */
};

/* plan_opts_init - fill the defaults documented in struct plan_opts (tz "UTC") */
void plan_opts_init(struct plan_opts *opts);

/*
 * plan_checkins - plan the check-ins of a customer onboarded at the UTC instant
 * `onboarded`. On success returns 0 and sets *out to an array of *n_out check-ins
 * sorted by start (the caller frees it with free()). On bad options (unknown zone,
 * hours that hold no slot, no working day ...) returns -1 with one line in err.
 *
 * Rules: "day N" is the onboarding date in the manager's zone plus N days; a quarter
 * and a year are calendar months added to that date, clamped to the month's last day
 * (Nov 30 + 3 months = Feb 28; the anniversary of Feb 29 is Feb 28 in a common year).
 * Quarterly check-ins start at the second quarter (the first is day 90) and skip the
 * quarters an anniversary covers. A check-in on a weekend or holiday moves forward to
 * the next working day; the pre-renewal one moves backward so that it stays before the
 * renewal, and is left out when that would put it before the onboarding. The slot of
 * the day is chosen by a hash of spread_key (ASCII case folded), so a customer keeps
 * the same local time on every re-planning and managers are not all booked at 9:00;
 * from that preferred slot the first one is taken that overlaps no busy time of the
 * manager (opts->busy and the check-ins planned so far), on a day that holds no other
 * check-in of the customer; a full day moves the check-in to the next working day (the
 * previous one for pre-renewal). Local times are kept across DST changes (09:30 stays
 * 09:30 local); a slot whose start or end falls in a DST gap or fold, or that spans a
 * change of offset, is never booked.
 */
int plan_checkins(const struct plan_opts *opts, time_t onboarded,
		  struct plan_checkin **out, size_t *n_out, char *err, size_t errlen);

/* Where a local wall time falls (plan_local_to_utc). */
#define PLAN_LOCAL_OK	0	/* it exists once */
#define PLAN_LOCAL_FOLD	1	/* it exists twice (the hour repeated when DST ends) */
#define PLAN_LOCAL_GAP	2	/* it does not exist (the hour skipped when DST starts) */

/*
 * plan_local_to_utc - the UTC instant of local date d at minute min in zone tz.
 * PLAN_LOCAL_OK; PLAN_LOCAL_FOLD with *out the FIRST occurrence (RFC 5545 3.3.5);
 * PLAN_LOCAL_GAP with *out the instant the same number of minutes after the gap's
 * start, as RFC 5545 reads such a time (02:30 in a 02:00-03:00 gap is 03:30); -1 for a
 * zone libical does not know or a date that is not one.
 */
int plan_local_to_utc(const char *tz, const struct plan_date *d, int min, time_t *out);

/* plan_utc_to_local - t as a local date and minute of the day in zone tz; 0 or -1 */
int plan_utc_to_local(const char *tz, time_t t, struct plan_date *d, int *min);

/* plan_utc_offset - the zone's offset from UTC at t, in seconds (east positive) */
int plan_utc_offset(const char *tz, time_t t, int *offset);

/*
 * plan_next_free - the first slot, in time order, that starts at or after `after`, on
 * one of the manager's working days (no holiday), inside the manager's hours on the
 * slot grid, clear of DST changes and of opts->busy, on a day with no other check-in of
 * the customer. 0 and *out filled (kind "" and ordinal 0), or -1 with err (bad options,
 * nothing free within a year).
 */
int plan_next_free(const struct plan_opts *opts, time_t after, struct plan_checkin *out,
		   char *err, size_t errlen);

/*
 * plan_slot_check - would the manager keep [start, end)? 0 yes; else 1 and a sentence in
 * why: not a working day, a holiday, outside the hours, across midnight, in a DST
 * change, or overlapping one of opts->busy (a same_customer entry: its day too).
 * -1 for bad options.
 */
int plan_slot_check(const struct plan_opts *opts, time_t start, time_t end, char *why,
		    size_t whylen);

/*
 * plan_parse_instant - a time typed by a person, in timetext_parse's forms:
 * "2026-11-29 10:30", "2026-11-29T10:30[:00]" or "2026-11-29" is local time in zone tz;
 * with "Z" or "+02:00"/"-05:00" after it (RFC 3339) it is that instant; "@UNIX" is
 * seconds since 1970. PLAN_LOCAL_OK, PLAN_LOCAL_FOLD (a local time
 * in the repeated hour: *out the first occurrence), PLAN_LOCAL_GAP (a local time that
 * does not exist: *out unset), or -1 for anything else (or an unknown zone).
 */
int plan_parse_instant(const char *tz, const char *s, time_t *out);

/* plan_format_rfc3339 - t as "2026-11-29T10:30:00+01:00" in zone tz into buf (UTC, "Z",
 * for an unknown zone); returns buf */
char *plan_format_rfc3339(const char *tz, time_t t, char *buf, size_t len);

/* plan_parse_date - "2025-03-31" -> 0 and *out; -1 if not a valid date */
int plan_parse_date(const char *s, struct plan_date *out);


#endif

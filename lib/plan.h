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

/* Working-day bits: bit (1 << wday) with wday 0 = Sunday ... 6 = Saturday, as tm_wday. */
#define PLAN_WORKDAYS_MON_FRI 0x3e

#define PLAN_MAX_OFFSETS 16

struct plan_opts {
	const char *tz;			/* manager's IANA zone, e.g. "Europe/Berlin" */
	int day_start_min;		/* business hours start, minutes after local midnight (540) */
	int day_end_min;		/* business hours end (1020) */
	int slot_min;			/* slot length in minutes (30) */
	unsigned workdays;		/* PLAN_WORKDAYS_MON_FRI */
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
};

struct plan_checkin {
	char kind[16];		/* "day-7", "day-30", "day-90", "quarterly", "pre-renewal",
				   "anniversary"; a configured offset N gives "day-N" */
	int ordinal;		/* 1 for day-N and pre-renewal; n-th quarter or year */
	time_t start;		/* UTC */
	time_t end;		/* UTC, start + slot */
	struct plan_date local_date;	/* the day it landed on, in the manager's zone */
	int local_start_min;	/* its local start, minutes after midnight */
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
 * the same local time on every re-planning and managers are not all booked at 9:00.
 * Local times are kept across DST changes (09:30 stays 09:30 local); a slot that does
 * not exist on that local day (a DST gap) moves to the next slot.
 */
int plan_checkins(const struct plan_opts *opts, time_t onboarded,
		  struct plan_checkin **out, size_t *n_out, char *err, size_t errlen);

/* plan_tz_check - 0 if libical knows the zone name, else -1 and a message naming it */
int plan_tz_check(const char *tz, char *err, size_t errlen);

/* plan_parse_date - "2025-03-31" -> 0 and *out; -1 if not a valid date */
int plan_parse_date(const char *s, struct plan_date *out);

/* plan_parse_hours - "09:00-17:00" -> minutes after midnight; -1 if malformed */
int plan_parse_hours(const char *s, int *start_min, int *end_min);

/* plan_parse_time - "09:30" -> minutes after midnight (0 to 1439); -1 if malformed */
int plan_parse_time(const char *s, int *min);

/* plan_parse_workdays - "Mon-Fri", "Mon,Tue,Thu", "Sun-Thu" -> day bits; -1 if bad */
int plan_parse_workdays(const char *s, unsigned *workdays);

/* plan_spread_hash - the 64-bit FNV-1a hash of the ASCII-lowercased key */
unsigned long long plan_spread_hash(const char *key);

#endif

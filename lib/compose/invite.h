/*
 * invite.h - the iCalendar (RFC 5545, iTIP RFC 5546) invitation of a check-in.
 *
 * invite_build() writes a VCALENDAR with METHOD:REQUEST or METHOD:CANCEL, a VTIMEZONE
 * from libical's builtin zone truncated to the years around the event, with a clean
 * TZID (the IANA name, without libical's prefix), and one VEVENT with the check-in.
 * Output is UTF-8 with CRLF line ends and lines folded at 75 octets (libical folds).
 * Addresses, names and texts come from the store and the config and are untrusted:
 * addresses are validated, names cleaned of characters a parameter cannot hold.
 */
#ifndef PS_INVITE_H
#define PS_INVITE_H

#include <stddef.h>
#include <time.h>

#include "note/tmpl.h"

enum invite_method {
	INVITE_REQUEST = 0,	/* a new or moved check-in */
	INVITE_CANCEL		/* a cancelled one: STATUS:CANCELLED */
};

struct invite_opts {
	enum invite_method method;
	const char *uid;		/* stable per check-in: see ident_checkin_uid() */
	int sequence;			/* written as is; the store adds 1 per move/cancel */
	const char *tz;			/* manager's IANA zone for DTSTART/DTEND */
	time_t start;			/* UTC */
	time_t end;			/* UTC, > start */
	time_t stamp;			/* DTSTAMP (UTC): when the message is made; 0 = start */
	const char *organizer;		/* the configured postsale mailbox */
	const char *organizer_name;	/* CN, may be NULL */
	const char *manager;		/* the account manager: the attendee */
	const char *manager_name;	/* may be NULL */
	const char *customer;		/* the customer, attendee only if invite_customer */
	const char *customer_name;
	int invite_customer;
	const char *summary;		/* e.g. "Check-in: ACME GmbH (day 30)" */
	const char *description;	/* plain text, from invite_describe() or templates */
	const char *location;		/* may be NULL */
	int alarm_minutes;		/* VALARM DISPLAY this long before; <= 0: none */
	const char *prodid;		/* NULL: "-//postsale//check-in invitations//EN" */
};

/* What the description says about a customer: invite_describe() (built in) or
 * invite_describe_render() (a checkin template). */
struct invite_context {
	const char *customer_name;	/* or the address */
	const char *customer;		/* address */
	time_t customer_since;		/* onboarding instant; 0 = unknown */
	long invoices_sent;
	long invoices_flagged;
	time_t last_checkin;		/* 0 = none yet */
	const char *checkin_kind;	/* built in: the label, "day 30" ... */
	const char *const *questions;	/* built in: NULL-terminated; NULL = defaults */
	const char *kind;		/* template: the planner's kind, "day-30" ... (plan.h) */
	int ordinal;			/* template: the n-th year of an anniversary */
	const char *tz;			/* template: the zone of the dates; NULL = UTC */
	const char *manager;		/* template: the account manager */
	const char *company;		/* template: the sending company */
};

/* invite_opts_init - zero the options, alarm 15 minutes, method REQUEST */
void invite_opts_init(struct invite_opts *opts);

/*
 * invite_build - write the VCALENDAR into *ics (NUL-terminated, owned by the caller,
 * free()) and return 0; on bad input (an address that is not an address, an
 * organizer that is the manager, an unknown zone, end <= start, a missing UID ...)
 * return -1 with one line in err naming the field and value.
 */
int invite_build(const struct invite_opts *opts, char **ics, char *err, size_t errlen);

/* invite_describe - the built-in English plain-text description, used when no checkin
 * template exists: customer since, invoices sent and flagged, last check-in, opening
 * questions. `now` dates "customer for N days". Caller frees. */
char *invite_describe(const struct invite_context *ctx, time_t now);

/* invite_describe_render - the description from the checkin template t (compiled
 * with tmpl_checkin_names) in language lang, its dates written in ctx->tz and its day
 * counts up to when (the check-in's start). Caller frees. */
char *invite_describe_render(const tmpl *t, const struct invite_context *ctx, time_t when,
			     const char *lang);

/* invite_text_clean - a copy of untrusted s as valid UTF-8 without controls: invalid
 * bytes become U+FFFD, CR is dropped, LF kept if keep_lf (else a space), tab a space,
 * other controls dropped, '"' replaced by '\'' if no_quote. Caller frees. */
char *invite_text_clean(const char *s, int keep_lf, int no_quote);

/* invite_local_time - t as "2026-11-29 10:30 Europe/Berlin" in zone tz (libical's
 * builtin zones), "2026-11-29 10:30 UTC" when tz is unknown; returns buf */
char *invite_local_time(time_t t, const char *tz, char *buf, size_t len);

/* invite_append - *s = *s + the formatted text (*s may be NULL; both the caller's) */
void invite_append(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

/*
 * itip_reply.h - read an attendee's iTIP answer (RFC 5546 METHOD:REPLY or
 * METHOD:COUNTER) to one of our check-in invitations.
 *
 * Pure code over libical: the calendar text comes from mail (a manager's client:
 * Thunderbird, Outlook, Google Calendar ...) and is untrusted. Nothing here decides
 * whether the answer is believed: the caller matches UID, SEQUENCE and the attendee's
 * address against the check-in and the mail's sender (lib/filter_reply.c).
 */
#ifndef PS_ITIP_REPLY_H
#define PS_ITIP_REPLY_H

#include <stddef.h>
#include <time.h>

enum itip_method {
	ITIP_METHOD_OTHER = 0,		/* REQUEST, CANCEL, PUBLISH ...: not an answer */
	ITIP_METHOD_REPLY,
	ITIP_METHOD_COUNTER
};

enum itip_partstat {
	ITIP_PARTSTAT_NONE = 0,		/* no PARTSTAT parameter */
	ITIP_PARTSTAT_NEEDS_ACTION,
	ITIP_PARTSTAT_ACCEPTED,
	ITIP_PARTSTAT_DECLINED,
	ITIP_PARTSTAT_TENTATIVE,
	ITIP_PARTSTAT_DELEGATED,
	ITIP_PARTSTAT_OTHER		/* an x-name or iana-token we do not record */
};

#define ITIP_MAX_ATTENDEES 8

struct itip_attendee {
	char *address;			/* the mailto: address, lower-cased; never NULL */
	char *cn;			/* the CN parameter, or NULL */
	enum itip_partstat partstat;
};

struct itip_reply {
	enum itip_method method;
	char *uid;			/* the VEVENT's UID; never NULL after a parse */
	int sequence;			/* SEQUENCE, 0 when absent (RFC 5545 3.8.7.4) */
	int has_recurrence_id;		/* an answer to one instance: ours never recur */
	time_t dtstamp;			/* 0 when absent */
	struct itip_attendee attendees[ITIP_MAX_ATTENDEES];
	size_t n_attendees;		/* a REPLY should hold one; Outlook may send all */
	/* COUNTER: the proposed time. A time with a TZID is resolved through the
	 * VTIMEZONE the message carries (Outlook's Windows zone names too), else
	 * libical's builtin zone of that name; UTC times as they are. */
	time_t start, end;		/* 0 when absent; end from DTEND or DURATION */
	int start_floating;		/* DTSTART had neither TZID nor Z: start holds the
					   wall clock read as UTC; see itip_reply_floating */
	char *comment;			/* COMMENT (the attendee's note), or NULL */
};

/*
 * itip_reply_parse - parse the calendar text ics (len bytes, need not be
 * NUL-terminated) into *out (which the caller clears with itip_reply_clear). Returns 0
 * for a REPLY or COUNTER with a VEVENT that has a UID and at least one ATTENDEE;
 * 1 for a calendar that is not an answer (another METHOD: out->method says
 * ITIP_METHOD_OTHER); -1 with one line in err for text that is not such a calendar
 * (not iCalendar, no VEVENT, no UID, no mailto: ATTENDEE, an unknown TZID in a
 * COUNTER ...).
 */
int itip_reply_parse(const char *ics, size_t len, struct itip_reply *out, char *err,
		     size_t errlen);
/* itip_reply_clear - free what *r holds (not r) and zero it */
void itip_reply_clear(struct itip_reply *r);

/* itip_reply_attendee - the attendee with address addr (case-insensitive), or NULL */
const struct itip_attendee *itip_reply_attendee(const struct itip_reply *r, const char *addr);

/*
 * itip_reply_floating - a floating proposed time (start_floating) read in zone tz
 * (IANA name): start and end become UTC instants; 0, or -1 for an unknown zone.
 * Does nothing to a time that is not floating.
 */
int itip_reply_floating(struct itip_reply *r, const char *tz);

/* itip_partstat_name - "ACCEPTED" ..., "" for ITIP_PARTSTAT_NONE (static) */
const char *itip_partstat_name(enum itip_partstat p);
/* itip_method_name - "REPLY", "COUNTER" or "other" (static) */
const char *itip_method_name(enum itip_method m);

#endif

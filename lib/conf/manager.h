/*
 * manager.h - an account manager's working week: display name (the CN of invitations),
 * time zone, working days, business hours and check-in length.
 *
 * A manager is described by a `manager` line of postsale.conf:
 *   manager = anna@example.com; name=Anna Berg; zone=Europe/Berlin; days=Mon-Fri;
 *             hours=09:00-17:00; slot=30; busy=/var/lib/postsale/anna.ics
 * Every field after the address is optional and falls back to the global keys
 * (checkin-timezone or manager-timezones, checkin-workdays, checkin-hours,
 * checkin-length); busy, the manager's busy times (an iCalendar file, or a URL of which
 * postsalectl managers --refresh keeps a copy: freebusy.h), is optional.
 * The line is the administrator's text, checked here field by field.
 */
#ifndef PS_MANAGER_H
#define PS_MANAGER_H

#include <stddef.h>

struct manager {
	char address[256];		/* bare addr-spec */
	char name[256];			/* display name, "" when none */
	char tz[64];			/* IANA zone */
	char days[64];			/* working days as written, e.g. "Sun-Thu" */
	unsigned workdays;		/* timetext_parse_workdays day bits */
	int day_start_min, day_end_min;	/* business hours, minutes after local midnight */
	int slot_min;			/* check-in length in minutes */
	char busy[512];			/* busy times: an iCalendar file or URL, "" none */
	int configured;			/* 1: a manager line describes it */
};

/*
 * manager_parse - read one manager line into *out, starting from *defaults (may be
 * NULL: empty fields). 0, or -1 with why naming the field ("zone: ... is not known").
 */
int manager_parse(const char *line, const struct manager *defaults, struct manager *out,
		  char *why, size_t whylen);

/* manager_line_address - the address a manager line is for, into buf ("" if none) */
void manager_line_address(const char *line, char *buf, size_t len);

/* manager_busy_is_url - 1 when a busy source s is an http:// or https:// URL (fetched
 * by postsalectl managers --refresh), 0 when it is a file */
int manager_busy_is_url(const char *s);

/* manager_hours_text - "09:00-17:00" into buf; returns buf */
char *manager_hours_text(const struct manager *m, char *buf, size_t len);

#endif

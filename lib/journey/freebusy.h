/*
 * freebusy.h - a manager's busy times from an iCalendar file (an export of the manager's
 * own calendar, or a VFREEBUSY reply), so that check-ins are not booked over them.
 *
 * The file is named by the administrator (the busy= field of a manager line) but its
 * content comes from elsewhere (a calendar server, a cron job): it is size-bounded,
 * parsed by libical, and only periods are taken from it.
 */
#ifndef PS_FREEBUSY_H
#define PS_FREEBUSY_H

#include <stddef.h>
#include <time.h>

#include "plan.h"

#define FREEBUSY_MAX_BYTES (8u * 1024 * 1024)
#define FREEBUSY_MAX_PERIODS 100000
#define FREEBUSY_FETCH_TIMEOUT_MS 30000L

/*
 * freebusy_read - append to *v (*n entries; the caller frees *v) the busy periods of
 * an iCalendar text that end after from and start before to: the FREEBUSY periods of
 * VFREEBUSY components (FBTYPE other than FREE), and the VEVENTs that are neither
 * TRANSPARENT nor CANCELLED, their recurrences expanded (RRULE, RDATE, EXDATE).
 * Times with a TZID or in UTC are exact; floating times and all-day events are read in
 * the manager's zone tz (an all-day event blocks its whole local days). 0, or -1 with
 * why (text that is no iCalendar, a rule repeating more often than hourly, too many
 * periods).
 */
int freebusy_read(const char *text, const char *tz, time_t from, time_t to,
		  struct plan_busy **v, size_t *n, char *why, size_t whylen);

/* freebusy_load - freebusy_read of the file at path (at most FREEBUSY_MAX_BYTES);
 * why names the file */
int freebusy_load(const char *path, const char *tz, time_t from, time_t to,
		  struct plan_busy **v, size_t *n, char *why, size_t whylen);


/* freebusy_cache_path - the local copy of a manager's busy URL: the database's directory,
 * busy-ADDRESS.ics (the address lowercased, made safe for a file name); returns buf */
char *freebusy_cache_path(const char *database, const char *address, char *buf, size_t len);

/*
 * freebusy_fetch - GET url (http or https, redirects too, at most FREEBUSY_MAX_BYTES,
 * within timeout_ms) and, when the body reads as iCalendar (freebusy_read, in zone tz,
 * for the three years after now), make it the copy at path (written aside and renamed; mode 0640); *n_periods is how
 * many periods it holds. 0, or -1 with why naming the URL (the old copy stays).
 */
int freebusy_fetch(const char *url, const char *tz, const char *path, long timeout_ms,
		   time_t now, size_t *n_periods, char *why, size_t whylen);

#endif

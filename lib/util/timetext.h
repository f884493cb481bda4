/*
 * timetext.h - times as text: the one parser of the dates and times people type on the
 * command line (and of the YYYY-MM-DD dates in config and headers), and the formats
 * people and programs read (RFC 3339 in JSON); the business hours, clock times and
 * working days of the config and the manager lines.
 */
#ifndef PS_TIMETEXT_H
#define PS_TIMETEXT_H

#include <stddef.h>
#include <time.h>

/*
 * timetext_parse_date - exactly "YYYY-MM-DD" with a real calendar date (no 30 February,
 * no 31 April; 29 February only in leap years; years 1900 to 9999) -> 0 and the parts;
 * -1 for anything else
 */
int timetext_parse_date(const char *s, int *year, int *month, int *day);
/*
 * timetext_parse - a date or time -> 0 and *out; -1 if it is none of these forms:
 *   "2026-11-29" (midnight UTC), "2026-11-29 10:30", "2026-11-29T10:30:15" (UTC),
 *   any of them followed by "Z" or an RFC 3339 offset "+01:00" / "-05:30" (to 23:59),
 *   or "@UNIX" (seconds since 1970). Dates are checked as timetext_parse_date does,
 *   hours 00-23, minutes and seconds 00-59.
 */
int timetext_parse(const char *s, time_t *out);
/* timetext_fmt - "2026-11-29 10:30 UTC" into buf; returns buf */
char *timetext_fmt(time_t t, char *buf, size_t len);
/*
 * timetext_rfc3339 - t as RFC 3339 "2026-11-29T10:30:00Z" (offset_sec 0) or as the
 * local time at offset_sec east of UTC, "2026-11-29T11:30:00+01:00"; returns buf
 * (len of TIMETEXT_RFC3339_LEN is enough)
 */
#define TIMETEXT_RFC3339_LEN 32
char *timetext_rfc3339(time_t t, long offset_sec, char *buf, size_t len);

/* Working-day bits: bit (1 << wday) with wday 0 = Sunday ... 6 = Saturday, as tm_wday. */
#define TIMETEXT_WORKDAYS_MON_FRI 0x3e

/* timetext_parse_hours - "09:00-17:00" -> minutes after midnight (the end may be
 * "24:00", and must be after the start); -1 if malformed */
int timetext_parse_hours(const char *s, int *start_min, int *end_min);
/* timetext_parse_time - "09:30" -> minutes after midnight (0 to 1439); -1 if malformed */
int timetext_parse_time(const char *s, int *min);
/* timetext_parse_workdays - "Mon-Fri", "Mon,Tue,Thu", "Sun-Thu", "Sat-Mon" (any case,
 * spaces around the commas) -> day bits as above; -1 if bad */
int timetext_parse_workdays(const char *s, unsigned *workdays);

#endif

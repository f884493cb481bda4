/*
 * timetext.c - times as text: what people type on the command line, what they and JSON
 * readers see.
 *
 * Trusts nothing: text that is not one of the accepted forms, or names a day the
 * calendar does not have, is refused; nothing is normalised (2026-02-30 is not 2 March).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "timetext.h"

/* digits - the n-digit decimal number at s, or -1 if any of the n is not a digit */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* days_in_month - 28..31 for month 1..12 of year (Gregorian leap years) */
static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* parse_date_prefix - the YYYY-MM-DD at the start of s, checked; 0 or -1 */
static int
parse_date_prefix(const char *s, int *year, int *month, int *day)
{
	int y, m, d;

	if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*year = y;
	*month = m;
	*day = d;
	return 0;
}

int
timetext_parse_date(const char *s, int *year, int *month, int *day)
{
	if (s == NULL || parse_date_prefix(s, year, month, day) != 0 || s[10] != '\0')
		return -1;
	return 0;
}

/* parse_offset - "Z", "+HH:MM" or "-HH:MM" that ends s -> seconds east of UTC; 0 or -1 */
static int
parse_offset(const char *s, long *offset)
{
	int h, m;

	if (s[0] == 'Z' && s[1] == '\0') {
		*offset = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':')
		return -1;
	h = digits(s + 1, 2);
	m = digits(s + 4, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	*offset = (h * 3600L + m * 60L) * (s[0] == '-' ? -1 : 1);
	return 0;
}

int
timetext_parse(const char *s, time_t *out)
{
	struct tm tm;
	const char *p;
	long offset = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0;

	if (s == NULL)
		return -1;
	if (s[0] == '@') {
		char *e;
		long long v;

		if ((s[1] < '0' || s[1] > '9') && s[1] != '-')
			return -1;
		v = strtoll(s + 1, &e, 10);
		if (*e != '\0')
			return -1;
		*out = (time_t) v;
		return 0;
	}
	if (parse_date_prefix(s, &y, &mo, &d) != 0)
		return -1;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strnlen(p, 6) < 6 || p[3] != ':' || (h = digits(p + 1, 2)) < 0 || h > 23 ||
		    (mi = digits(p + 4, 2)) < 0 || mi > 59)
			return -1;
		p += 6;
		if (*p == ':') {
			if ((sec = digits(p + 1, 2)) < 0 || sec > 59)
				return -1;
			p += 3;
		}
	}
	if (*p != '\0' && parse_offset(p, &offset) != 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*out = timegm(&tm) - offset;
	return 0;
}

char *
timetext_fmt(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

char *
timetext_rfc3339(time_t t, long offset_sec, char *buf, size_t len)
{
	time_t local = t + offset_sec;
	long a = labs(offset_sec);
	struct tm tm;
	char stamp[24];

	gmtime_r(&local, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	if (offset_sec == 0)
		snprintf(buf, len, "%sZ", stamp);
	else
		snprintf(buf, len, "%s%c%02ld:%02ld", stamp, offset_sec < 0 ? '-' : '+', a / 3600,
		    a % 3600 / 60);
	return buf;
}

/* parse_hhmm - "09:30" at s -> minutes; advances *end; -1 if malformed */
static int
parse_hhmm(const char *s, const char **end)
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

/* timetext_parse_hours - "09:00-17:00" -> minutes after midnight; -1 if malformed */
int
timetext_parse_hours(const char *s, int *start_min, int *end_min)
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

/* timetext_parse_time - "09:30" -> minutes after midnight; -1 if malformed */
int
timetext_parse_time(const char *s, int *min)
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
static int
wday_parse(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strncasecmp(s, wday_names[i], 3) == 0)
			return i;
	return -1;
}

/* timetext_parse_workdays - "Mon-Fri", "Mon,Tue,Thu", "Sun-Thu" -> day bits; -1 if bad */
int
timetext_parse_workdays(const char *s, unsigned *workdays)
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

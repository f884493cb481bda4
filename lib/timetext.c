/*
 * timetext.c - times as people type and read them on the command line.
 *
 * Trusts nothing: text that is not one of the accepted forms is refused.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timetext.h"

int
timetext_parse(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;
	char *e;

	if (s[0] == '@') {
		long long v = strtoll(s + 1, &e, 10);
		if (s[1] == '\0' || *e != '\0')
			return -1;
		*out = (time_t) v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL)
		return -1;
	if (*end == 'T' || *end == ' ') {
		const char *t = strptime(end + 1, "%H:%M", &tm);
		if (t == NULL)
			return -1;
		end = t;
		if (*end == ':' && (t = strptime(end + 1, "%S", &tm)) != NULL)
			end = t;
	}
	if (*end == 'Z')
		end++;
	if (*end != '\0')
		return -1;
	*out = timegm(&tm);
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

/*
 * digest_schedule.c - the digest's daily time in the machine's local time zone
 * (digest_schedule.h). mktime() with tm_isdst = -1 places a time that a DST change
 * skips at the shifted instant, and one it repeats at one of the two.
 *
 * Trusts the config values (checked at load).
 */
#include "digest_schedule.h"
#include "util/timetext.h"

int
digest_schedule_get(const struct ps_conf *conf, struct digest_schedule *s)
{
	if (conf->digest_time == NULL || conf->digest_time[0] == '\0' ||
	    timetext_parse_time(conf->digest_time, &s->minute) != 0 ||
	    timetext_parse_workdays(conf->digest_days, &s->days) != 0)
		return -1;
	return 0;
}

/* day_instant - the scheduled instant on the local day `offset` days after that of t,
 * and its weekday in *wday */
static time_t
day_instant(const struct digest_schedule *s, time_t t, int offset, int *wday)
{
	struct tm tm;
	time_t at;

	localtime_r(&t, &tm);
	tm.tm_mday += offset;
	tm.tm_hour = s->minute / 60;
	tm.tm_min = s->minute % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	at = mktime(&tm);
	*wday = tm.tm_wday;
	return at;
}

time_t
digest_schedule_next(const struct digest_schedule *s, time_t from)
{
	for (int d = 0; d <= 8; d++) {
		int wday;
		time_t at = day_instant(s, from, d, &wday);

		if ((s->days & (1u << wday)) && at >= from)
			return at;
	}
	return (time_t) -1;
}

time_t
digest_schedule_today(const struct digest_schedule *s, time_t now)
{
	int wday;
	time_t at = day_instant(s, now, 0, &wday);

	return (s->days & (1u << wday)) ? at : digest_schedule_next(s, now);
}

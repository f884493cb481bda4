/*
 * digest_schedule.h - when `postsale-mailer daemon` sends finance's digest: digest-time
 * (HH:MM, the machine's local time) on digest-days.
 */
#ifndef PS_MAILER_DIGEST_SCHEDULE_H
#define PS_MAILER_DIGEST_SCHEDULE_H

#include <time.h>

#include "conf/conf.h"

struct digest_schedule {
	int minute;		/* of the day, 0 to 1439 */
	unsigned days;		/* bit 0 Sunday ... bit 6 Saturday */
};

/* digest_schedule_get - conf's schedule into *s: 0, or -1 when digest-time is empty
 * (or, which the config check rules out, malformed) */
int digest_schedule_get(const struct ps_conf *conf, struct digest_schedule *s);
/* digest_schedule_next - the first scheduled instant at or after from; (time_t) -1 if
 * the schedule holds no day */
time_t digest_schedule_next(const struct digest_schedule *s, time_t from);
/* digest_schedule_today - the day's instant when today is a digest day (it may have
 * passed), else the next one after now: where a starting daemon begins */
time_t digest_schedule_today(const struct digest_schedule *s, time_t now);

#endif

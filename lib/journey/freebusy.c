/*
 * freebusy.c - busy periods from an iCalendar file (see freebusy.h).
 *
 * Trust: the text is untrusted. libical parses it; recurrences are expanded only inside
 * the planning window and only for rules no more frequent than hourly; the number of
 * periods is capped; a period is two instants and nothing else is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libical/ical.h>

#include "freebusy.h"
#include "util/xalloc.h"

/* What one expansion collects. */
struct fb_acc {
	const char *tz;
	time_t from, to;
	struct plan_busy **v;
	size_t *n, cap;
	int floating;		/* the event's times have no zone: read them in tz */
	int all_day;		/* DATE values: whole local days */
	int days;		/* an all-day event's length in days */
	int overflow;
};

/* fb_add - keep [start, end) when it meets the window */
static void fb_add(struct fb_acc *a, time_t start, time_t end)
{
	if (end <= start || end <= a->from || start >= a->to)
		return;
	if (*a->n >= FREEBUSY_MAX_PERIODS) {
		a->overflow = 1;
		return;
	}
	if (*a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		*a->v = xreallocarray(*a->v, a->cap, sizeof(**a->v));
	}
	(*a->v)[(*a->n)++] = (struct plan_busy) { start, end, 0 };
}

/* wall_to_utc - wall-clock seconds (a local time counted as if it were UTC) in zone tz
 * to the instant; a time in a fold is its first occurrence */
static time_t wall_to_utc(const char *tz, time_t wall)
{
	struct plan_date d;
	time_t t;
	int min;

	if (plan_utc_to_local("UTC", wall, &d, &min) != 0 ||
	    plan_local_to_utc(tz, &d, min, &t) < 0)
		return wall;
	return t + wall % 60;
}

/* fb_span - one occurrence of an event, as libical expanded it */
static void fb_span(icalcomponent *comp, struct icaltime_span *span, void *data)
{
	struct fb_acc *a = data;

	(void) comp;
	if (a->all_day) {	/* span->start is the day's midnight, counted in UTC */
		time_t s = wall_to_utc(a->tz, span->start);
		time_t e = wall_to_utc(a->tz, span->start + (time_t) a->days * 86400);
		fb_add(a, s, e);
	} else if (a->floating)
		fb_add(a, wall_to_utc(a->tz, span->start), wall_to_utc(a->tz, span->end));
	else
		fb_add(a, span->start, span->end);
}

/* too_frequent - the event repeats more often than hourly */
static int too_frequent(icalcomponent *ev)
{
	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY); p;
	     p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY)) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);
		if (r.freq == ICAL_SECONDLY_RECURRENCE || r.freq == ICAL_MINUTELY_RECURRENCE)
			return 1;
	}
	return 0;
}

/* fb_event - the busy occurrences of one VEVENT */
static int fb_event(icalcomponent *ev, struct fb_acc *a, char *why, size_t whylen)
{
	icalproperty *tp = icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY);
	struct icaltimetype s = icalcomponent_get_dtstart(ev), e;
	icaltimezone *utc = icaltimezone_get_utc_timezone();

	if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED ||
	    (tp != NULL && icalproperty_get_transp(tp) == ICAL_TRANSP_TRANSPARENT) ||
	    icaltime_is_null_time(s))
		return 0;
	if (too_frequent(ev)) {
		snprintf(why, whylen, "event %s repeats more often than hourly",
			 icalcomponent_get_uid(ev) ? icalcomponent_get_uid(ev) : "without UID");
		return -1;
	}
	a->all_day = s.is_date;
	a->floating = !s.is_date && !icaltime_is_utc(s) && s.zone == NULL;
	a->days = 1;
	if (s.is_date) {
		e = icalcomponent_get_dtend(ev);
		if (!icaltime_is_null_time(e) && e.is_date) {
			long d = (long) ((icaltime_as_timet_with_zone(e, utc) -
			    icaltime_as_timet_with_zone(s, utc)) / 86400);
			a->days = d > 0 && d < 366 ? (int) d : 1;
		}
	}
	/* A window a day wider on each side: floating times are off by up to 14 hours. */
	icalcomponent_foreach_recurrence(ev, icaltime_from_timet_with_zone(a->from - 86400, 0, utc),
					 icaltime_from_timet_with_zone(a->to + 86400, 0, utc),
					 fb_span, a);
	return 0;
}

/* fb_periods - the busy FREEBUSY periods of one VFREEBUSY */
static void fb_periods(icalcomponent *fb, struct fb_acc *a)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();

	for (icalproperty *p = icalcomponent_get_first_property(fb, ICAL_FREEBUSY_PROPERTY); p;
	     p = icalcomponent_get_next_property(fb, ICAL_FREEBUSY_PROPERTY)) {
		icalparameter *t = icalproperty_get_first_parameter(p, ICAL_FBTYPE_PARAMETER);
		struct icalperiodtype per = icalproperty_get_freebusy(p);
		time_t s, e;

		if (t != NULL && icalparameter_get_fbtype(t) == ICAL_FBTYPE_FREE)
			continue;
		if (icaltime_is_null_time(per.start))
			continue;
		s = icaltime_as_timet_with_zone(per.start, per.start.zone ? per.start.zone : utc);
		if (!icaltime_is_null_time(per.end))
			e = icaltime_as_timet_with_zone(per.end, per.end.zone ? per.end.zone : utc);
		else
			e = s + icaldurationtype_as_int(per.duration);
		fb_add(a, s, e);
	}
}

int freebusy_read(const char *text, const char *tz, time_t from, time_t to,
		  struct plan_busy **v, size_t *n, char *why, size_t whylen)
{
	struct fb_acc a = { .tz = tz, .from = from, .to = to, .v = v, .n = n, .cap = *n };
	icalcomponent *root, *c;
	int rc = 0;

	if ((root = icalparser_parse_string(text)) == NULL ||
	    icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
		snprintf(why, whylen, "no VCALENDAR in it");
		if (root != NULL)
			icalcomponent_free(root);
		return -1;
	}
	for (c = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); c && rc == 0;
	     c = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT))
		rc = fb_event(c, &a, why, whylen);
	for (c = icalcomponent_get_first_component(root, ICAL_VFREEBUSY_COMPONENT); c && rc == 0;
	     c = icalcomponent_get_next_component(root, ICAL_VFREEBUSY_COMPONENT))
		fb_periods(c, &a);
	icalcomponent_free(root);
	if (rc == 0 && a.overflow) {
		snprintf(why, whylen, "more than %d busy periods", FREEBUSY_MAX_PERIODS);
		rc = -1;
	}
	return rc;
}

int freebusy_load(const char *path, const char *tz, time_t from, time_t to,
		  struct plan_busy **v, size_t *n, char *why, size_t whylen)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	char *buf, reason[256];
	size_t len;
	int rc;

	if (f == NULL) {
		snprintf(why, whylen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (unsigned long long) sb.st_size > FREEBUSY_MAX_BYTES) {
		snprintf(why, whylen, "%s: not a regular file of at most %u bytes", path,
			 FREEBUSY_MAX_BYTES);
		fclose(f);
		return -1;
	}
	buf = xmalloc((size_t) sb.st_size + 1);
	len = fread(buf, 1, (size_t) sb.st_size, f);
	fclose(f);
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(why, whylen, "%s: a NUL byte: not iCalendar text", path);
		free(buf);
		return -1;
	}
	rc = freebusy_read(buf, tz, from, to, v, n, reason, sizeof(reason));
	free(buf);
	if (rc != 0)
		snprintf(why, whylen, "%s: %s", path, reason);
	return rc;
}

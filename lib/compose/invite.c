/*
 * invite.c - the iCalendar invitation of a check-in, built with libical 3.
 *
 * Trust: every string in struct invite_opts is untrusted (it comes from mail the
 * milter saw, the store and the config). Addresses must pass text_addr_valid();
 * texts are made valid UTF-8 without control characters (newlines kept in the
 * description; libical escapes them); names lose the double quotes a parameter
 * value cannot carry.
 *
 * The VTIMEZONE is libical's builtin zone truncated to the years of the event. Debian's
 * libical names system zones "/freeassociation.sourceforge.net/Europe/Berlin" and its
 * icaltimezone_set_tzid_prefix() does not reach zones read from the system tzdata, so
 * the TZID is rewritten to the IANA name, and DTSTART/DTEND carry that name. The
 * truncated zone is cached as text per (zone, years) and spliced in before the VEVENT:
 * building and writing it was half of an invite's cost.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "invite.h"
#include "journey/plan.h"
#include "util/xalloc.h"
#include "util/text.h"
#include "util/zone.h"

#define INVITE_PRODID "-//postsale//check-in invitations//EN"

/* invite_opts_init - zero the options, alarm 15 minutes, method REQUEST */
void invite_opts_init(struct invite_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->method = INVITE_REQUEST;
	opts->alarm_minutes = 15;
}

/* invite_text_clean - see invite.h; caller frees */
char *
invite_text_clean(const char *s, int keep_lf, int no_quote)
{
	size_t n = strlen(s ? s : ""), o = 0;
	char *out = xmalloc(n * 3 + 1);
	const unsigned char *p = (const unsigned char *) (s ? s : "");

	while (*p) {
		size_t l = text_utf8_len(p, 4);	/* a NUL ends any sequence */
		if (l == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
			continue;
		}
		if (l == 1) {
			unsigned char c = *p;
			if (c == '\n')
				out[o++] = keep_lf ? '\n' : ' ';
			else if (c == '\t')
				out[o++] = ' ';
			else if (c == '"' && no_quote)
				out[o++] = '\'';
			else if (c >= ' ' && c != 0x7f)
				out[o++] = (char) c;
			p++;
			continue;
		}
		memcpy(out + o, p, l);
		o += l;
		p += l;
	}
	out[o] = 0;
	return out;
}

static void date_fmt(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d", &tm);
}

/* invite_local_time - see invite.h; returns buf */
char *
invite_local_time(time_t t, const char *tz, char *buf, size_t len)
{
	icaltimezone *zone = zone_get(tz);
	struct icaltimetype it = icaltime_from_timet_with_zone(t, 0, zone ? zone :
	    icaltimezone_get_utc_timezone());

	snprintf(buf, len, "%04d-%02d-%02d %02d:%02d %s", it.year, it.month, it.day, it.hour,
	    it.minute, zone ? tz : "UTC");
	return buf;
}

/* invite_append - see invite.h */
void
invite_append(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *t;

	va_start(ap, fmt);
	add = xvasprintf(fmt, ap);
	va_end(ap);
	t = xasprintf("%s%s", *s ? *s : "", add);
	free(add);
	free(*s);
	*s = t;
}

/* invite_describe - the default plain-text description; caller frees */
char *invite_describe(const struct invite_context *c, time_t now)
{
	static const char *const default_questions[] = {
		"How has working with us gone since the last time we spoke?",
		"Is there anything in our invoices or processes that gets in your way?",
		"What are you planning for the coming months, and how can we help?",
		NULL
	};
	const char *const *q = c->questions ? c->questions : default_questions;
	int named = c->customer_name && *c->customer_name;
	char day[16];
	char *s = NULL;

	if (named && c->customer)
		invite_append(&s, "Check-in with %s <%s>", c->customer_name, c->customer);
	else
		invite_append(&s, "Check-in with %s", named ? c->customer_name :
		       c->customer ? c->customer : "the customer");
	invite_append(&s, c->checkin_kind ? " (%s)\n\n" : "%s\n\n",
	       c->checkin_kind ? c->checkin_kind : "");
	if (c->customer_since > 0) {
		long days = (long) ((now - c->customer_since) / 86400);
		date_fmt(c->customer_since, day, sizeof(day));
		invite_append(&s, "Customer since: %s (%ld days)\n", day, days < 0 ? 0 : days);
	} else
		invite_append(&s, "Customer since: unknown\n");
	invite_append(&s, "Invoices sent: %ld\nInvoices flagged: %ld\n", c->invoices_sent,
	       c->invoices_flagged);
	if (c->last_checkin > 0) {
		date_fmt(c->last_checkin, day, sizeof(day));
		invite_append(&s, "Last check-in: %s\n", day);
	} else
		invite_append(&s, "Last check-in: none yet\n");
	invite_append(&s, "\nQuestions to open the conversation:\n");
	for (; *q; q++)
		invite_append(&s, "- %s\n", *q);
	return s;
}

/* local_date - t as a date in zone (UTC when NULL): is_date set, for day arithmetic */
static struct icaltimetype local_date(time_t t, icaltimezone *zone)
{
	struct icaltimetype d = icaltime_from_timet_with_zone(t, 0,
	    zone ? zone : icaltimezone_get_utc_timezone());

	d.is_date = 1;
	d.hour = d.minute = d.second = 0;
	d.zone = NULL;
	return d;
}

/* days_between - calendar days from date a to date b */
static long days_between(struct icaltimetype a, struct icaltimetype b)
{
	return (long) ((icaltime_as_timet(b) - icaltime_as_timet(a)) / 86400);
}

/* invite_describe_render - the description from a checkin template; caller frees */
char *invite_describe_render(const tmpl *t, const struct invite_context *c, time_t when,
			     const char *lang)
{
	icaltimezone *zone = zone_get(c->tz);
	struct icaltimetype day = local_date(when, zone), d;
	tmpl_checkin_facts f;
	tmpl_vars *v = tmpl_vars_new();
	char *text;

	memset(&f, 0, sizeof(f));
	f.customer_name = c->customer_name;
	f.customer = c->customer;
	f.company = c->company;
	f.manager = c->manager;
	f.kind = c->kind;
	f.ordinal = c->ordinal;
	f.invoice_count = c->invoices_sent;
	f.flagged_count = c->invoices_flagged;
	if (c->customer_since > 0) {
		d = local_date(c->customer_since, zone);
		f.since_year = d.year;
		f.since_month = d.month;
		f.since_day = d.day;
		f.since_days = days_between(d, day);
	}
	if (c->last_checkin > 0) {
		d = local_date(c->last_checkin, zone);
		f.last_year = d.year;
		f.last_month = d.month;
		f.last_day = d.day;
	}
	tmpl_vars_checkin(v, &f, lang);
	text = tmpl_render(t, v, NULL);
	tmpl_vars_free(v);
	return text;
}

/* The cache of truncated VTIMEZONEs, TZID already rewritten, as iCalendar text. */
#define VTZ_CACHE_SIZE 16
static struct vtz_cache_entry {
	char *tz;
	int year_from, year_to;
	char *text;
} vtz_cache[VTZ_CACHE_SIZE];
static size_t vtz_cache_next;
static pthread_mutex_t vtz_cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* vtimezone_make - the builtin zone's VTIMEZONE for the years year_from..year_to,
 * with TZID = tz and no X-LIC-LOCATION, as text (caller frees); NULL if unknown */
static char *vtimezone_make(const char *tz, int year_from, int year_to)
{
	icaltimezone *zone;
	icalcomponent *vtz;
	icalproperty *p, *next;
	struct icaltimetype from = icaltime_null_time(), to;
	char *s, *text;

	if ((zone = zone_get(tz)) == NULL || icaltimezone_get_component(zone) == NULL)
		return NULL;
	vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
	from.year = year_from;
	from.month = from.day = 1;
	from.zone = icaltimezone_get_utc_timezone();
	to = from;
	to.year = year_to + 1;
	icaltimezone_truncate_vtimezone(vtz, from, to, 0);
	for (p = icalcomponent_get_first_property(vtz, ICAL_ANY_PROPERTY); p; p = next) {
		next = icalcomponent_get_next_property(vtz, ICAL_ANY_PROPERTY);
		if (icalproperty_isa(p) == ICAL_TZID_PROPERTY)
			icalproperty_set_tzid(p, tz);
		else if (icalproperty_isa(p) == ICAL_X_PROPERTY &&
			 strcmp(icalproperty_get_x_name(p), "X-LIC-LOCATION") == 0) {
			icalcomponent_remove_property(vtz, p);
			icalproperty_free(p);
		}
	}
	s = icalcomponent_as_ical_string_r(vtz);
	icalcomponent_free(vtz);
	if (s == NULL)
		return NULL;
	text = xstrdup(s);
	icalmemory_free_buffer(s);
	return text;
}

/* vtimezone_get - a copy of the cached truncated zone's text (caller frees) or NULL */
static char *vtimezone_get(const char *tz, int year_from, int year_to)
{
	char *text = NULL;

	pthread_mutex_lock(&vtz_cache_lock);
	for (size_t i = 0; i < VTZ_CACHE_SIZE; i++) {
		struct vtz_cache_entry *e = &vtz_cache[i];
		if (e->tz && strcmp(e->tz, tz) == 0 && e->year_from == year_from &&
		    e->year_to == year_to) {
			text = xstrdup(e->text);
			break;
		}
	}
	if (text == NULL && (text = vtimezone_make(tz, year_from, year_to)) != NULL) {
		struct vtz_cache_entry *e = &vtz_cache[vtz_cache_next];
		vtz_cache_next = (vtz_cache_next + 1) % VTZ_CACHE_SIZE;
		free(e->tz);
		free(e->text);
		e->tz = xstrdup(tz);
		e->year_from = year_from;
		e->year_to = year_to;
		e->text = xstrdup(text);
	}
	pthread_mutex_unlock(&vtz_cache_lock);
	return text;
}

/* time_prop - DTSTART/DTEND of the UTC instant t as local time with TZID=tz, or as
 * UTC when tz is UTC */
static icalproperty *time_prop(icalproperty_kind kind, time_t t, const char *tz,
			       icaltimezone *zone)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone();
	struct icaltimetype tt = icaltime_from_timet_with_zone(t, 0, zone ? zone : utc);
	icalproperty *p;

	if (zone == NULL || zone == utc) {
		tt = icaltime_from_timet_with_zone(t, 0, utc);
		return kind == ICAL_DTSTART_PROPERTY ? icalproperty_new_dtstart(tt) :
		    icalproperty_new_dtend(tt);
	}
	tt.zone = NULL;		/* written as local time; the TZID parameter names the zone */
	p = kind == ICAL_DTSTART_PROPERTY ? icalproperty_new_dtstart(tt) :
	    icalproperty_new_dtend(tt);
	icalproperty_add_parameter(p, icalparameter_new_tzid(tz));
	return p;
}

/* person_prop - ORGANIZER or ATTENDEE "mailto:addr" with a cleaned CN; an attendee
 * is asked for an answer (RSVP=TRUE) only when rsvp is set: a CANCEL asks for none
 * (RFC 5546 3.2.5) */
static icalproperty *person_prop(int attendee, const char *addr, const char *name, int rsvp)
{
	char *uri = xasprintf("mailto:%s", addr);
	icalproperty *p = attendee ? icalproperty_new_attendee(uri) :
	    icalproperty_new_organizer(uri);

	free(uri);
	if (name && *name) {
		char *cn = invite_text_clean(name, 0, 1);
		if (*cn)
			icalproperty_add_parameter(p, icalparameter_new_cn(cn));
		free(cn);
	}
	if (attendee) {
		icalproperty_add_parameter(p, icalparameter_new_cutype(ICAL_CUTYPE_INDIVIDUAL));
		icalproperty_add_parameter(p, icalparameter_new_role(ICAL_ROLE_REQPARTICIPANT));
		icalproperty_add_parameter(p, icalparameter_new_partstat(ICAL_PARTSTAT_NEEDSACTION));
		if (rsvp)
			icalproperty_add_parameter(p, icalparameter_new_rsvp(ICAL_RSVP_TRUE));
	}
	return p;
}

/* opts_check - -1 and a message naming the first bad field */
static int opts_check(const struct invite_opts *o, char *err, size_t errlen)
{
	char why[160];

	if (!text_addr_valid(o->organizer)) {
		snprintf(err, errlen, "invite: organizer \"%.100s\" is not a mail address",
			 o->organizer ? o->organizer : "");
		return -1;
	}
	if (!text_addr_valid(o->manager)) {
		snprintf(err, errlen, "invite: manager \"%.100s\" is not a mail address",
			 o->manager ? o->manager : "");
		return -1;
	}
	if (strcasecmp(o->organizer, o->manager) == 0) {
		snprintf(err, errlen, "invite: organizer \"%.100s\" is the manager; the "
			 "organizer must be the postsale mailbox", o->organizer);
		return -1;
	}
	if (o->invite_customer && !text_addr_valid(o->customer)) {
		snprintf(err, errlen, "invite: customer \"%.100s\" is not a mail address",
			 o->customer ? o->customer : "");
		return -1;
	}
	if (o->uid == NULL || *o->uid == 0 || strlen(o->uid) > 255 ||
	    strpbrk(o->uid, "\r\n\t ") != NULL) {
		snprintf(err, errlen, "invite: UID \"%.100s\" is empty or holds white space",
			 o->uid ? o->uid : "");
		return -1;
	}
	if (o->sequence < 0) {
		snprintf(err, errlen, "invite: SEQUENCE %d is negative", o->sequence);
		return -1;
	}
	if (o->end <= o->start || o->start <= 0) {
		snprintf(err, errlen, "invite: end %lld is not after start %lld",
			 (long long) o->end, (long long) o->start);
		return -1;
	}
	if (zone_check(o->tz, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "invite: %s", why);
		return -1;
	}
	return 0;
}

/* invite_build - see invite.h; *ics is the caller's (free()) */
int invite_build(const struct invite_opts *o, char **ics, char *err, size_t errlen)
{
	icaltimezone *utc = icaltimezone_get_utc_timezone(), *zone = NULL;
	icalcomponent *cal, *ev;
	char *s, *vtz = NULL;
	int rsvp;

	*ics = NULL;
	if (opts_check(o, err, errlen) < 0)
		return -1;
	if ((zone = zone_get(o->tz)) == utc)
		zone = NULL;	/* times in UTC, no VTIMEZONE */

	cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	icalcomponent_add_property(cal, icalproperty_new_prodid(o->prodid ? o->prodid :
								 INVITE_PRODID));
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	icalcomponent_add_property(cal, icalproperty_new_method(o->method == INVITE_CANCEL ?
								 ICAL_METHOD_CANCEL :
								 ICAL_METHOD_REQUEST));
	if (zone) {
		/* the years around the event, in UTC, a day of margin each side */
		struct tm a, b;
		time_t ta = o->start - 86400, tb = o->end + 86400;
		gmtime_r(&ta, &a);
		gmtime_r(&tb, &b);
		if ((vtz = vtimezone_get(o->tz, a.tm_year + 1900, b.tm_year + 1900)) == NULL) {
			icalcomponent_free(cal);
			snprintf(err, errlen, "invite: time zone \"%.100s\" has no VTIMEZONE in "
				 "libical", o->tz);
			return -1;
		}
	}

	ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	icalcomponent_add_property(ev, icalproperty_new_uid(o->uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(
		icaltime_from_timet_with_zone(o->stamp > 0 ? o->stamp : o->start, 0, utc)));
	icalcomponent_add_property(ev, icalproperty_new_sequence(o->sequence));
	icalcomponent_add_property(ev, time_prop(ICAL_DTSTART_PROPERTY, o->start, o->tz, zone));
	icalcomponent_add_property(ev, time_prop(ICAL_DTEND_PROPERTY, o->end, o->tz, zone));
	s = invite_text_clean(o->summary ? o->summary : "Customer check-in", 0, 0);
	icalcomponent_add_property(ev, icalproperty_new_summary(s));
	free(s);
	if (o->description) {
		s = invite_text_clean(o->description, 1, 0);
		icalcomponent_add_property(ev, icalproperty_new_description(s));
		free(s);
	}
	if (o->location && *o->location) {
		s = invite_text_clean(o->location, 0, 0);
		icalcomponent_add_property(ev, icalproperty_new_location(s));
		free(s);
	}
	rsvp = o->method != INVITE_CANCEL;
	icalcomponent_add_property(ev, person_prop(0, o->organizer, o->organizer_name, 0));
	icalcomponent_add_property(ev, person_prop(1, o->manager, o->manager_name, rsvp));
	if (o->invite_customer && strcasecmp(o->customer, o->manager) != 0)
		icalcomponent_add_property(ev, person_prop(1, o->customer, o->customer_name, rsvp));
	icalcomponent_add_property(ev, icalproperty_new_status(o->method == INVITE_CANCEL ?
							       ICAL_STATUS_CANCELLED :
							       ICAL_STATUS_CONFIRMED));
	icalcomponent_add_property(ev, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
	if (o->alarm_minutes > 0 && o->method != INVITE_CANCEL) {
		icalcomponent *al = icalcomponent_new(ICAL_VALARM_COMPONENT);
		struct icaltriggertype trig = icaltriggertype_from_int(-60 * o->alarm_minutes);
		icalcomponent_add_property(al, icalproperty_new_action(ICAL_ACTION_DISPLAY));
		icalcomponent_add_property(al, icalproperty_new_trigger(trig));
		s = invite_text_clean(o->summary ? o->summary : "Customer check-in", 0, 0);
		icalcomponent_add_property(al, icalproperty_new_description(s));
		free(s);
		icalcomponent_add_component(ev, al);
	}
	icalcomponent_add_component(cal, ev);

	s = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (s == NULL || strstr(s, "BEGIN:VEVENT\r\n") == NULL) {
		snprintf(err, errlen, "invite: libical could not write the calendar (%s)",
			 icalerror_strerror(icalerrno));
		if (s)
			icalmemory_free_buffer(s);
		free(vtz);
		return -1;
	}
	if (vtz) {	/* the VTIMEZONE goes before the VEVENT (RFC 5545 3.6.5 allows any
			   order; clients read it more easily first) */
		size_t head = (size_t) (strstr(s, "BEGIN:VEVENT\r\n") - s);
		size_t vl = strlen(vtz), rest = strlen(s + head);
		*ics = xmalloc(head + vl + rest + 1);
		memcpy(*ics, s, head);
		memcpy(*ics + head, vtz, vl);
		memcpy(*ics + head + vl, s + head, rest + 1);
		free(vtz);
	} else
		*ics = xstrdup(s);
	icalmemory_free_buffer(s);
	return 0;
}

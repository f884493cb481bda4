/*
 * itip_reply.c - an attendee's REPLY or COUNTER (RFC 5546 3.2.3, 3.2.7) read with
 * libical 3.
 *
 * Trust: the text is whatever a mail client (or a forger) wrote. libical parses it;
 * we copy out only the UID, SEQUENCE, DTSTAMP, the mailto: attendees with their CN and
 * PARTSTAT, COMMENT, and for a COUNTER the proposed DTSTART/DTEND. Addresses are
 * lower-cased copies; nothing is trusted to be short or printable here (the caller
 * logs with log_printable and stores bound parameters).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#include "itip_reply.h"
#include "util/xalloc.h"
#include "util/zone.h"

const char *
itip_partstat_name(enum itip_partstat p)
{
	switch (p) {
	case ITIP_PARTSTAT_NEEDS_ACTION: return "NEEDS-ACTION";
	case ITIP_PARTSTAT_ACCEPTED: return "ACCEPTED";
	case ITIP_PARTSTAT_DECLINED: return "DECLINED";
	case ITIP_PARTSTAT_TENTATIVE: return "TENTATIVE";
	case ITIP_PARTSTAT_DELEGATED: return "DELEGATED";
	case ITIP_PARTSTAT_OTHER: return "OTHER";
	default: return "";
	}
}

const char *
itip_method_name(enum itip_method m)
{
	return m == ITIP_METHOD_REPLY ? "REPLY" : m == ITIP_METHOD_COUNTER ? "COUNTER" : "other";
}

void
itip_reply_clear(struct itip_reply *r)
{
	free(r->uid);
	free(r->comment);
	for (size_t i = 0; i < r->n_attendees; i++) {
		free(r->attendees[i].address);
		free(r->attendees[i].cn);
	}
	memset(r, 0, sizeof(*r));
}

const struct itip_attendee *
itip_reply_attendee(const struct itip_reply *r, const char *addr)
{
	for (size_t i = 0; addr != NULL && i < r->n_attendees; i++)
		if (strcasecmp(r->attendees[i].address, addr) == 0)
			return &r->attendees[i];
	return NULL;
}

/* partstat_of - the PARTSTAT parameter of an ATTENDEE property */
static enum itip_partstat
partstat_of(icalproperty *p)
{
	icalparameter *par = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);

	if (par == NULL)
		return ITIP_PARTSTAT_NONE;
	switch (icalparameter_get_partstat(par)) {
	case ICAL_PARTSTAT_NEEDSACTION: return ITIP_PARTSTAT_NEEDS_ACTION;
	case ICAL_PARTSTAT_ACCEPTED: return ITIP_PARTSTAT_ACCEPTED;
	case ICAL_PARTSTAT_DECLINED: return ITIP_PARTSTAT_DECLINED;
	case ICAL_PARTSTAT_TENTATIVE: return ITIP_PARTSTAT_TENTATIVE;
	case ICAL_PARTSTAT_DELEGATED: return ITIP_PARTSTAT_DELEGATED;
	default: return ITIP_PARTSTAT_OTHER;
	}
}

/* mailto_copy - the address of a "mailto:" calendar address, lower-cased (caller
 * frees), or NULL for anything else (urn:, an empty address) */
static char *
mailto_copy(const char *v)
{
	char *a;

	if (v == NULL)
		return NULL;
	while (isspace((unsigned char) *v))
		v++;
	if (strncasecmp(v, "mailto:", 7) != 0 || v[7] == '\0')
		return NULL;
	a = xstrdup(v + 7);
	for (char *p = a; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	return a;
}

/* read_attendees - the mailto: ATTENDEEs of ev into r */
static void
read_attendees(icalcomponent *ev, struct itip_reply *r)
{
	for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ATTENDEE_PROPERTY);
	     p != NULL && r->n_attendees < ITIP_MAX_ATTENDEES;
	     p = icalcomponent_get_next_property(ev, ICAL_ATTENDEE_PROPERTY)) {
		struct itip_attendee *a = &r->attendees[r->n_attendees];
		icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);

		if ((a->address = mailto_copy(icalproperty_get_attendee(p))) == NULL)
			continue;
		a->cn = cn != NULL && icalparameter_get_cn(cn) != NULL &&
		    *icalparameter_get_cn(cn) != '\0' ? xstrdup(icalparameter_get_cn(cn)) : NULL;
		a->partstat = partstat_of(p);
		r->n_attendees++;
	}
}

/* read_time - the UTC instant of DTSTART (dtend 0) or DTEND (1) of ev into *out;
 * *floating when it has neither TZID nor Z. 0, or -1 naming the TZID libical cannot
 * resolve (neither in the message's VTIMEZONEs nor builtin). */
static int
read_time(icalcomponent *ev, int dtend, time_t *out, int *floating, char *err, size_t errlen)
{
	icalproperty *p = icalcomponent_get_first_property(ev, dtend ? ICAL_DTEND_PROPERTY :
	    ICAL_DTSTART_PROPERTY);
	icalparameter *tzid = p ? icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER) : NULL;
	struct icaltimetype t = dtend ? icalcomponent_get_dtend(ev) : icalcomponent_get_dtstart(ev);

	*out = 0;
	if (floating)
		*floating = 0;
	if (icaltime_is_null_time(t))
		return 0;
	if (tzid != NULL && t.zone == NULL) {
		snprintf(err, errlen, "%s;TZID=%.80s: no such VTIMEZONE in the message nor in libical",
		    dtend ? "DTEND" : "DTSTART", icalparameter_get_tzid(tzid));
		return -1;
	}
	if (floating && t.zone == NULL && !t.is_date)
		*floating = 1;
	*out = icaltime_as_timet_with_zone(t, t.zone);
	return 0;
}

/* calendar_of - the VCALENDAR of a parse result (itself, or the first one inside
 * libical's XROOT when the text held several) */
static icalcomponent *
calendar_of(icalcomponent *c)
{
	if (c == NULL || icalcomponent_isa(c) == ICAL_VCALENDAR_COMPONENT)
		return c;
	if (icalcomponent_isa(c) == ICAL_XROOT_COMPONENT)
		return icalcomponent_get_first_component(c, ICAL_VCALENDAR_COMPONENT);
	return NULL;
}

int
itip_reply_parse(const char *ics, size_t len, struct itip_reply *out, char *err,
		 size_t errlen)
{
	icalcomponent *root, *cal, *ev;
	icalproperty *p;
	char *text = xstrndup(ics, len);
	int rc = -1;

	memset(out, 0, sizeof(*out));
	root = icalparser_parse_string(text);
	free(text);
	if ((cal = calendar_of(root)) == NULL) {
		snprintf(err, errlen, "not an iCalendar object (no BEGIN:VCALENDAR)");
		goto out;
	}
	switch (icalcomponent_get_method(cal)) {
	case ICAL_METHOD_REPLY: out->method = ITIP_METHOD_REPLY; break;
	case ICAL_METHOD_COUNTER: out->method = ITIP_METHOD_COUNTER; break;
	default: out->method = ITIP_METHOD_OTHER; break;
	}
	if (out->method == ITIP_METHOD_OTHER) {
		rc = 1;
		goto out;
	}
	if ((ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT)) == NULL) {
		snprintf(err, errlen, "METHOD:%s without a VEVENT", itip_method_name(out->method));
		goto out;
	}
	if (icalcomponent_get_uid(ev) == NULL || *icalcomponent_get_uid(ev) == '\0') {
		snprintf(err, errlen, "METHOD:%s: the VEVENT has no UID", itip_method_name(out->method));
		goto out;
	}
	out->uid = xstrdup(icalcomponent_get_uid(ev));
	if ((p = icalcomponent_get_first_property(ev, ICAL_SEQUENCE_PROPERTY)) != NULL)
		out->sequence = icalproperty_get_sequence(p);
	out->has_recurrence_id = icalcomponent_get_first_property(ev,
	    ICAL_RECURRENCEID_PROPERTY) != NULL;
	if ((p = icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY)) != NULL)
		out->dtstamp = icaltime_as_timet_with_zone(icalproperty_get_dtstamp(p),
		    icaltimezone_get_utc_timezone());
	if ((p = icalcomponent_get_first_property(ev, ICAL_COMMENT_PROPERTY)) != NULL &&
	    icalproperty_get_comment(p) != NULL && *icalproperty_get_comment(p) != '\0')
		out->comment = xstrdup(icalproperty_get_comment(p));
	read_attendees(ev, out);
	if (out->n_attendees == 0) {
		snprintf(err, errlen, "METHOD:%s UID %.100s: no mailto: ATTENDEE",
		    itip_method_name(out->method), out->uid);
		goto out;
	}
	if (out->method == ITIP_METHOD_COUNTER) {
		if (read_time(ev, 0, &out->start, &out->start_floating, err, errlen) != 0 ||
		    read_time(ev, 1, &out->end, NULL, err, errlen) != 0)
			goto out;
		if (out->start == 0) {
			snprintf(err, errlen, "METHOD:COUNTER UID %.100s proposes no DTSTART", out->uid);
			goto out;
		}
		if (out->end != 0 && out->end <= out->start) {
			snprintf(err, errlen, "METHOD:COUNTER UID %.100s: DTEND is not after DTSTART",
			    out->uid);
			goto out;
		}
	}
	rc = 0;
out:
	if (root != NULL)
		icalcomponent_free(root);
	if (rc < 0)
		itip_reply_clear(out);
	return rc;
}

int
itip_reply_floating(struct itip_reply *r, const char *tz)
{
	icaltimezone *zone;
	struct icaltimetype t;
	time_t len = r->end != 0 ? r->end - r->start : 0;

	if (!r->start_floating)
		return 0;
	if ((zone = zone_get(tz)) == NULL)
		return -1;
	t = icaltime_from_timet_with_zone(r->start, 0, icaltimezone_get_utc_timezone());
	t.zone = NULL;
	r->start = icaltime_as_timet_with_zone(t, zone);
	if (len != 0)
		r->end = r->start + len;	/* the floating end read in the same zone */
	r->start_floating = 0;
	return 0;
}

/*
 * manager.c - parse a manager line of postsale.conf (see manager.h).
 *
 * Trust: the line is the administrator's; every field is checked (the address as an
 * addr-spec, the zone against libical's, the name for control characters) so that a
 * typo is reported at start-up with file:line, and the name can go into an
 * iCalendar CN parameter once escaped there.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "manager.h"
#include "util/text.h"
#include "util/timetext.h"
#include "util/zone.h"

/* trim_copy - s[0..n) without surrounding white space into buf; -1 if it does not fit */
static int trim_copy(const char *s, size_t n, char *buf, size_t len)
{
	while (n > 0 && isspace((unsigned char) *s))
		s++, n--;
	while (n > 0 && isspace((unsigned char) s[n - 1]))
		n--;
	if (n >= len)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

/* manager_line_address - the address a manager line is for, into buf */
void manager_line_address(const char *line, char *buf, size_t len)
{
	if (trim_copy(line, strcspn(line, ";"), buf, len) != 0)
		buf[0] = '\0';
}

/* parse_slot - "30" (minutes) or a duration "45m", "1h" -> minutes; -1 if bad */
static int parse_slot(const char *v)
{
	long ms;
	char *end;
	long n = strtol(v, &end, 10);

	if (isdigit((unsigned char) *v) && *end == '\0')
		return n >= 1 && n <= 24 * 60 ? (int) n : -1;
	if (conf_parse_duration(v, &ms) != 0 || ms % 60000 != 0 || ms < 60000 ||
	    ms > 24L * 3600 * 1000)
		return -1;
	return (int) (ms / 60000);
}

/* set_field - one key=value of a manager line into m; 0 or -1 with why */
static int set_field(struct manager *m, const char *key, const char *v, char *why,
		     size_t whylen)
{
	if (strcasecmp(key, "name") == 0) {
		for (const unsigned char *p = (const unsigned char *) v; *p; p++)
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(why, whylen, "name: control characters are not allowed");
				return -1;
			}
		if (strlen(v) >= sizeof(m->name)) {
			snprintf(why, whylen, "name: longer than %zu bytes", sizeof(m->name) - 1);
			return -1;
		}
		snprintf(m->name, sizeof(m->name), "%s", v);
	} else if (strcasecmp(key, "zone") == 0) {
		if (strlen(v) >= sizeof(m->tz) || zone_check(v, why, whylen) != 0) {
			snprintf(why, whylen, "zone: '%.60s' is not a time zone libical knows", v);
			return -1;
		}
		snprintf(m->tz, sizeof(m->tz), "%s", v);
	} else if (strcasecmp(key, "days") == 0) {
		if (strlen(v) >= sizeof(m->days) || timetext_parse_workdays(v, &m->workdays) != 0 ||
		    m->workdays == 0) {
			snprintf(why, whylen, "days: '%.60s' is not a set of days like Mon-Fri or Sun-Thu", v);
			return -1;
		}
		snprintf(m->days, sizeof(m->days), "%s", v);
	} else if (strcasecmp(key, "hours") == 0) {
		if (timetext_parse_hours(v, &m->day_start_min, &m->day_end_min) != 0) {
			snprintf(why, whylen, "hours: '%.60s' is not HH:MM-HH:MM", v);
			return -1;
		}
	} else if (strcasecmp(key, "slot") == 0) {
		if ((m->slot_min = parse_slot(v)) < 0) {
			snprintf(why, whylen, "slot: '%.60s' is not a length in minutes (30, 45m, 1h)", v);
			return -1;
		}
	} else if (strcasecmp(key, "busy") == 0) {
		if ((v[0] != '/' && !manager_busy_is_url(v)) || strlen(v) >= sizeof(m->busy) ||
		    strpbrk(v, " \t") != NULL) {
			snprintf(why, whylen, "busy: '%.60s' is neither an absolute path nor an"
				 " http(s) URL of an iCalendar file", v);
			return -1;
		}
		snprintf(m->busy, sizeof(m->busy), "%s", v);
	} else {
		snprintf(why, whylen, "'%.40s' is not one of name, zone, days, hours, slot, busy", key);
		return -1;
	}
	return 0;
}

/* manager_parse - see manager.h */
int manager_parse(const char *line, const struct manager *defaults, struct manager *out,
		  char *why, size_t whylen)
{
	const char *p = line;
	size_t n = strcspn(p, ";");

	if (defaults != NULL)
		*out = *defaults;
	else
		memset(out, 0, sizeof(*out));
	out->name[0] = '\0';
	if (trim_copy(p, n, out->address, sizeof(out->address)) != 0 ||
	    !text_addr_valid(out->address)) {
		snprintf(why, whylen, "'%.*s' is not a mail address (the line starts with the"
			 " manager's address)", (int) (n > 80 ? 80 : n), p);
		return -1;
	}
	for (p += n; *p == ';';) {
		char field[512], *eq;
		p++;
		n = strcspn(p, ";");
		if (trim_copy(p, n, field, sizeof(field)) != 0) {
			snprintf(why, whylen, "a field longer than %zu bytes", sizeof(field) - 1);
			return -1;
		}
		p += n;
		if (field[0] == '\0')
			continue;	/* a trailing ';' */
		if ((eq = strchr(field, '=')) == NULL) {
			snprintf(why, whylen, "'%.60s' is not key=value", field);
			return -1;
		}
		*eq = '\0';
		char key[32], *v = eq + 1;
		if (trim_copy(field, strlen(field), key, sizeof(key)) != 0)
			key[0] = '\0';
		while (isspace((unsigned char) *v))
			v++;
		if (set_field(out, key, v, why, whylen) != 0)
			return -1;
	}
	if (out->day_end_min > out->day_start_min && out->slot_min > 0 &&
	    out->slot_min > out->day_end_min - out->day_start_min) {
		snprintf(why, whylen, "slot: %d minutes do not fit the hours", out->slot_min);
		return -1;
	}
	out->configured = 1;
	return 0;
}

/* manager_busy_is_url - 1 for an http:// or https:// busy source */
int manager_busy_is_url(const char *s)
{
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* manager_hours_text - "09:00-17:00" into buf */
char *manager_hours_text(const struct manager *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02d:%02d-%02d:%02d", m->day_start_min / 60, m->day_start_min % 60,
		 m->day_end_min / 60, m->day_end_min % 60);
	return buf;
}

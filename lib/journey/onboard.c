/*
 * onboard.c - recognise onboarding and off-boarding mail by the configured rules.
 *
 * Trust: the rules come from a checked config; the message (headers, subject) and the
 * envelope sender are untrusted: they are compared with the rules and copied nowhere
 * but into the fixed-size renewal date, and only once it parses as a date.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "onboard.h"
#include "plan.h"
#include "mime/mime_head.h"
#include "util/xalloc.h"

struct onboard_rules {
	char *onboarding_header;	/* NULL when disabled */
	char *offboarding_header;
	char *renewal_header;
	char *onboarded_header;
	struct conf_list senders;	/* points into a copy we own */
	regex_t subject;
	int has_subject;
};

/* dup_nonempty - a copy of s, or NULL when s is NULL or empty */
static char *
dup_nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

struct onboard_rules *
onboard_rules_new(const struct ps_conf *conf, char *err, size_t errlen)
{
	struct onboard_rules *r;
	int rc;

	r = xcalloc(1, sizeof(*r));
	r->onboarding_header = dup_nonempty(conf->onboarding_header);
	r->offboarding_header = dup_nonempty(conf->offboarding_header);
	r->renewal_header = dup_nonempty(conf->renewal_header);
	r->onboarded_header = dup_nonempty(conf->onboarded_header);
	r->senders.n = conf->onboarding_senders.n;
	r->senders.v = xcalloc(r->senders.n + 1, sizeof(char *));
	for (size_t i = 0; i < r->senders.n; i++)
		r->senders.v[i] = xstrdup(conf->onboarding_senders.v[i]);
	if (conf->onboarding_subject != NULL && conf->onboarding_subject[0] != '\0') {
		rc = regcomp(&r->subject, conf->onboarding_subject,
		    REG_EXTENDED | REG_ICASE | REG_NOSUB);
		if (rc != 0) {
			char why[256];
			regerror(rc, &r->subject, why, sizeof(why));
			snprintf(err, errlen, "onboarding-subject: \"%s\": %s",
			    conf->onboarding_subject, why);
			return onboard_rules_free(r);
		}
		r->has_subject = 1;
	}
	return r;
}

struct onboard_rules *
onboard_rules_free(struct onboard_rules *r)
{
	if (r != NULL) {
		free(r->onboarding_header);
		free(r->offboarding_header);
		free(r->renewal_header);
		free(r->onboarded_header);
		for (size_t i = 0; i < r->senders.n; i++)
			free(r->senders.v[i]);
		free(r->senders.v);
		if (r->has_subject)
			regfree(&r->subject);
		free(r);
	}
	return NULL;
}

int
onboard_header_set(const char *value)
{
	const char *s, *e;
	static const char *const off[] = { "no", "0", "false", "off" };

	if (value == NULL)
		return 0;
	for (s = value; isspace((unsigned char) *s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char) e[-1]); e--)
		;
	if (e == s)
		return 0;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		if ((size_t) (e - s) == strlen(off[i]) && strncasecmp(s, off[i], e - s) == 0)
			return 0;
	return 1;
}

/* header_value - the (first) value of header name in the message's head, or NULL */
static const char *
header_value(const struct mime_head *msg, const char *name)
{
	return mime_head_get(msg, name);
}

const char *
onboard_bare_address(const char *s, char *buf, size_t len)
{
	size_t n;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char) *s))
		s++;
	if (*s == '<')
		s++;
	n = strcspn(s, "> \t\r\n");
	if (n >= len)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

/* read_date - a valid YYYY-MM-DD (white space around it allowed) from header name into
 * out[11]; 1 when found, else 0 */
static int
read_date(const struct mime_head *msg, const char *name, char *out)
{
	const char *v = header_value(msg, name);
	char date[11];
	struct plan_date pd;
	size_t n;

	if (v == NULL)
		return 0;
	while (isspace((unsigned char) *v))
		v++;
	for (n = 0; v[n] != '\0' && !isspace((unsigned char) v[n]); n++)
		;
	if (n != 10)
		return 0;
	memcpy(date, v, 10);
	date[10] = '\0';
	for (const char *p = v + n; *p; p++)
		if (!isspace((unsigned char) *p))
			return 0;
	if (plan_parse_date(date, &pd) != 0)
		return 0;
	memcpy(out, date, sizeof(date));
	return 1;
}

void
onboard_classify(const struct onboard_rules *r, const struct mime_head *msg, const char *sender,
		 struct onboard_info *out)
{
	char bare[512];
	const char *from;
	const char *subject;

	memset(out, 0, sizeof(*out));
	out->kind = ONBOARD_NONE;
	if (msg == NULL)
		return;
	out->has_renewal = read_date(msg, r->renewal_header, out->renewal);
	out->has_since = read_date(msg, r->onboarded_header, out->since);
	if (onboard_header_set(header_value(msg, r->offboarding_header))) {
		out->kind = ONBOARD_STOP;
		return;
	}
	if (onboard_header_set(header_value(msg, r->onboarding_header)) ||
	    (r->senders.n > 0 && (from = onboard_bare_address(sender, bare, sizeof(bare))) != NULL &&
	     conf_list_has(&r->senders, from))) {
		out->kind = ONBOARD_START;
		return;
	}
	if (r->has_subject && (subject = mime_head_subject(msg)) != NULL &&
	    regexec(&r->subject, subject, 0, NULL, 0) == 0)
		out->kind = ONBOARD_START;
}

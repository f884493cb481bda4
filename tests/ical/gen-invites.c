/*
 * gen-invites.c - write a set of check-in invitations for the independent parsers.
 *
 * usage: gen-invites OUTDIR
 * For every case below it plans the check-ins with lib/plan, builds each invitation
 * with lib/invite and its mail with lib/invite_mime, and writes OUTDIR/NAME.ics,
 * OUTDIR/NAME.eml and one line of OUTDIR/manifest.tsv saying what the planner meant:
 *   name method uid sequence organizer attendees tz start_utc end_utc subject case
 *   workdays hours book
 * (attendees comma-separated; times as YYYYMMDDTHHMMSSZ; the manager's week, by
 * default Mon-Fri, 09:00-17:00 in 30-minute slots; book names the manager's book the
 * check-in was planned in: no two of one book may overlap). verify_py.py and
 * verify_js.mjs read the files back with python3-icalendar, Python's email package,
 * zoneinfo and ical.js, and compare. Inputs are the fixed cases below.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "compose/invite.h"
#include "compose/invite_mime.h"
#include "journey/plan.h"
#include "util/xalloc.h"
#include "util/ident.h"
#include "util/timetext.h"

struct gen_case {
	const char *name;
	const char *tz;
	const char *onboarded;		/* UTC, YYYY-MM-DDTHH:MM */
	const char *customer;
	const char *customer_name;
	int invite_customer;
	int full_schedule;		/* all check-ins, else only day-7 */
	int cancel_too;			/* also write a CANCEL of the first one */
	const char *renewal;		/* or NULL */
	/* The manager's week (NULL, NULL, 0: the planner's defaults) and whether this
	 * customer is booked around the check-ins of the case before it (one manager's
	 * book: no overlaps, so the local time may differ from the preferred one). */
	const char *workdays;
	const char *hours;
	int slot_min;
	int same_book;
};

static const struct gen_case cases[] = {
	/* Across the European spring change (Sun 2025-03-30): Mon Mar 24 -> Mon Mar 31. */
	{ "berlin-spring", "Europe/Berlin", "2025-03-24T10:00", "a@acme.example", "ACME GmbH",
	  0, 0, 1, NULL, NULL, NULL, 0, 0 },
	/* Across the autumn change (Sun 2025-10-26): Mon Oct 20 -> Mon Oct 27. */
	{ "berlin-autumn", "Europe/Berlin", "2025-10-20T10:00", "b@acme.example", "Bäckerei Süß",
	  1, 0, 0, NULL, NULL, NULL, 0, 0 },
	/* US changes: Sun 2025-03-09 and Sun 2025-11-02. */
	{ "newyork-spring", "America/New_York", "2025-03-03T15:00", "c@example.com", NULL,
	  0, 0, 0, NULL, NULL, NULL, 0, 0 },
	{ "newyork-autumn", "America/New_York", "2025-10-27T15:00", "d@example.com",
	  "<script>alert(1)</script> & \"Sons\"", 1, 0, 1, NULL, NULL, NULL, 0, 0 },
	/* A whole year from Jan 31: month end, DST both ways, a year boundary, a renewal. */
	{ "berlin-year", "Europe/Berlin", "2025-01-31T10:00", "e@example.org",
	  "Ørsted Øresund A/S — a customer name long enough to make folded lines in the "
	  "summary and the description", 1, 1, 0, "2025-12-15", NULL, NULL, 0, 0 },
	/* Southern hemisphere: Sydney leaves DST Apr 6 2025 and enters it Oct 5 2025. */
	{ "sydney-year", "Australia/Sydney", "2025-02-28T01:00", "f@example.com.au", NULL,
	  0, 1, 0, NULL, NULL, NULL, 0, 0 },
	/* No DST, a half-hour offset. */
	{ "kolkata", "Asia/Kolkata", "2025-06-02T04:00", "g@example.in", NULL, 0, 0, 1, NULL,
	  NULL, NULL, 0, 0 },
	/* Leap day onboarding in Los Angeles. */
	{ "la-leap", "America/Los_Angeles", "2024-02-29T20:00", "h@example.com", NULL,
	  0, 1, 0, NULL, NULL, NULL, 0, 0 },
	/* Three customers of one manager onboarded on one day: one book, no overlaps. */
	{ "book-a", "Europe/Berlin", "2025-03-24T10:00", "ba@acme.example", NULL, 0, 1, 0,
	  "2025-07-22", NULL, NULL, 0, 0 },
	{ "book-b", "Europe/Berlin", "2025-03-24T10:00", "bb@acme.example", NULL, 0, 1, 0,
	  NULL, NULL, NULL, 0, 1 },
	{ "book-c", "Europe/Berlin", "2025-03-24T10:00", "bc@acme.example", NULL, 0, 1, 0,
	  NULL, NULL, NULL, 0, 1 },
	/* A Sun-Thu manager in Dubai. */
	{ "dubai", "Asia/Dubai", "2025-05-29T06:00", "i@example.ae", NULL, 1, 1, 1, NULL,
	  "Sun-Thu", "08:00-16:00", 45, 0 },
	/* Night shifts on the nights the clocks change: the slots beside the gap and the
	 * fold, never in them (Berlin Sun 2025-10-26, Sydney Sun 2025-10-05). */
	{ "night-fold-1", "Europe/Berlin", "2025-10-19T12:00", "n1@example.de", NULL, 0, 0, 1,
	  NULL, "Sun", "01:00-04:00", 30, 0 },
	{ "night-fold-2", "Europe/Berlin", "2025-10-19T12:00", "n2@example.de", NULL, 0, 0, 0,
	  NULL, "Sun", "01:00-04:00", 30, 1 },
	{ "night-fold-3", "Europe/Berlin", "2025-10-19T12:00", "n3@example.de", NULL, 0, 0, 0,
	  NULL, "Sun", "01:00-04:00", 30, 1 },
	{ "night-gap-1", "Australia/Sydney", "2025-09-28T01:00", "n4@example.com.au", NULL, 0,
	  0, 0, NULL, "Sun", "01:00-04:00", 30, 0 },
	{ "night-gap-2", "Australia/Sydney", "2025-09-28T01:00", "n5@example.com.au", NULL, 0,
	  0, 0, NULL, "Sun", "01:00-04:00", 30, 1 },
};

static const char *organizer = "postsale@seller.example";
static const char *manager = "anna.manager@seller.example";

static time_t parse_utc(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%dT%H:%M", &tm) == NULL) {
		fprintf(stderr, "gen-invites: bad time %s\n", s);
		exit(2);
	}
	return timegm(&tm);
}

static void ical_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

static void write_file(const char *dir, const char *name, const char *ext,
		       const char *data, size_t len)
{
	char *path = xasprintf("%s/%s.%s", dir, name, ext);
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "gen-invites: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	free(path);
}

/* emit - build one invite and its mail, write them and the manifest line */
static void emit(const char *dir, FILE *manifest, const char *name,
		 const struct gen_case *c, const struct plan_checkin *ci, long long id,
		 enum invite_method method, int sequence, time_t onboarded, const char *book)
{
	struct invite_opts o;
	struct invite_context ctx = { 0 };
	struct invite_mail m = { 0 };
	char err[512], *ics, *eml, *uid, *desc, *subject, s1[32], s2[32];
	const char *to[2] = { manager, c->customer };
	const char *to_names[2] = { "Anna Manager", c->customer_name };
	size_t len;

	ctx.customer = c->customer;
	ctx.customer_name = c->customer_name;
	ctx.customer_since = onboarded;
	ctx.invoices_sent = 3;
	ctx.invoices_flagged = 1;
	ctx.checkin_kind = ci->kind;
	desc = invite_describe(&ctx, ci->start);
	subject = xasprintf("Check-in: %s (%s %d)", c->customer_name ? c->customer_name :
			    c->customer, ci->kind, ci->ordinal);
	uid = ident_checkin_uid(id, c->customer, "seller.example");

	invite_opts_init(&o);
	o.method = method;
	o.uid = uid;
	o.sequence = sequence;
	o.tz = c->tz;
	o.start = ci->start;
	o.end = ci->end;
	o.stamp = onboarded + 3600;
	o.organizer = organizer;
	o.organizer_name = "Postsale";
	o.manager = manager;
	o.manager_name = "Anna Manager";
	o.customer = c->customer;
	o.customer_name = c->customer_name;
	o.invite_customer = c->invite_customer;
	o.summary = subject;
	o.description = desc;
	if (invite_build(&o, &ics, err, sizeof(err)) < 0) {
		fprintf(stderr, "gen-invites: %s: %s\n", name, err);
		exit(1);
	}
	m.from = organizer;
	m.from_name = "Postsale";
	m.to = to;
	m.to_names = to_names;
	m.n_to = c->invite_customer ? 2 : 1;
	m.subject = subject;
	m.text = desc;
	m.ics = ics;
	m.method = method;
	m.date = o.stamp;
	m.uid = uid;
	m.sequence = sequence;
	if (invite_mime_build(&m, &eml, &len, err, sizeof(err)) < 0) {
		fprintf(stderr, "gen-invites: %s: %s\n", name, err);
		exit(1);
	}
	write_file(dir, name, "ics", ics, strlen(ics));
	write_file(dir, name, "eml", eml, len);
	ical_utc(ci->start, s1, sizeof(s1));
	ical_utc(ci->end, s2, sizeof(s2));
	fprintf(manifest, "%s\t%s\t%s\t%d\t%s\t%s%s%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
		name, method == INVITE_CANCEL ? "CANCEL" : "REQUEST", uid, sequence, organizer,
		manager, c->invite_customer ? "," : "", c->invite_customer ? c->customer : "",
		c->tz, s1, s2, subject, c->name, c->workdays ? c->workdays : "Mon-Fri",
		c->hours ? c->hours : "09:00-17:00", book);
	free(ics);
	free(eml);
	free(uid);
	free(desc);
	free(subject);
}

int main(int argc, char **argv)
{
	char err[512], *path;
	FILE *manifest;
	long long id = 1000;
	int n = 0;
	struct plan_busy *busy = NULL;
	size_t n_busy = 0;
	const char *book = "";

	if (argc != 2) {
		fprintf(stderr, "usage: gen-invites OUTDIR\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	path = xasprintf("%s/manifest.tsv", argv[1]);
	if ((manifest = fopen(path, "w")) == NULL) {
		fprintf(stderr, "gen-invites: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gen_case *c = &cases[i];
		struct plan_opts po;
		struct plan_checkin *list;
		size_t nlist;
		time_t onboarded = parse_utc(c->onboarded);

		plan_opts_init(&po);
		po.tz = c->tz;
		po.spread_key = c->customer;
		if (!c->same_book) {
			n_busy = 0;
			book = c->name;
		}
		if ((c->workdays && timetext_parse_workdays(c->workdays, &po.workdays) < 0) ||
		    (c->hours && timetext_parse_hours(c->hours, &po.day_start_min, &po.day_end_min) < 0)) {
			fprintf(stderr, "gen-invites: %s: bad week\n", c->name);
			return 1;
		}
		if (c->slot_min)
			po.slot_min = c->slot_min;
		po.busy = busy;
		po.n_busy = n_busy;
		if (!c->full_schedule) {
			po.n_day_offsets = 1;
			po.quarterly_months = 0;
			po.anniversaries = 0;
		}
		if (c->renewal) {
			po.has_renewal = 1;
			if (plan_parse_date(c->renewal, &po.renewal_date) < 0)
				return 1;
		}
		if (plan_checkins(&po, onboarded, &list, &nlist, err, sizeof(err)) < 0) {
			fprintf(stderr, "gen-invites: %s: %s\n", c->name, err);
			return 1;
		}
		busy = xreallocarray(busy, n_busy + nlist + 1, sizeof(*busy));
		for (size_t k = 0; k < nlist; k++)
			busy[n_busy++] = (struct plan_busy) { list[k].start, list[k].end, 0 };
		for (size_t k = 0; k < nlist; k++, id++) {
			char *name = xasprintf("%s-%s-%d", c->name, list[k].kind, list[k].ordinal);
			emit(argv[1], manifest, name, c, &list[k], id, INVITE_REQUEST, 0, onboarded,
			     book);
			n++;
			if (c->cancel_too && k == 0) {
				char *cname = xasprintf("%s-cancel", name);
				emit(argv[1], manifest, cname, c, &list[k], id, INVITE_CANCEL, 1,
				     onboarded, book);
				free(cname);
				n++;
			}
			free(name);
		}
		free(list);
	}
	fclose(manifest);
	free(busy);
	free(path);
	printf("gen-invites: %d invitations in %s\n", n, argv[1]);
	return 0;
}

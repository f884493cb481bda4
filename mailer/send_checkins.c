/*
 * send_checkins.c - build and send the due check-in invitations, crash-safely.
 *
 * Trust: the rows come from our store, but their addresses and names came from mail:
 * invite_build and invite_mime_build validate and clean them, and a row they refuse
 * becomes a permanent failure with the reason, never a crash or a malformed mail.
 *
 * Crash safety: store_checkin_claim commits "pending, attempts+1" before the message
 * leaves; store_checkin_sent records sent_sequence after. A kill between the two
 * leaves the row pending and the next run sends the same UID and SEQUENCE again (the
 * message is a function of the row and the run's clock); nothing is lost.
 *
 * Several mailers (one a host) may share a PostgreSQL store: each claim is then a lease
 * of mailer_lease() seconds (lease.h) on the wall clock, so that one check-in goes out
 * through one mailer, and the claims of a mailer killed mid-batch pass to the first run
 * after their lease (the same UID and SEQUENCE again, as after a crash on one host).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose/invite.h"
#include "compose/invite_mime.h"
#include "journey/journey.h"
#include "lease.h"
#include "util/log.h"
#include "send_checkins.h"
#include "util/xalloc.h"

/* kind_label - "day 7", "quarter 2", "anniversary 1", "before the renewal" into buf */
static const char *
kind_label(const struct store_checkin *ci, char *buf, size_t len)
{
	if (strncmp(ci->kind, "day-", 4) == 0)
		snprintf(buf, len, "day %s", ci->kind + 4);
	else if (strcmp(ci->kind, "pre-renewal") == 0)
		snprintf(buf, len, "before the renewal");
	else if (strcmp(ci->kind, "quarterly") == 0)
		snprintf(buf, len, "quarter %d", ci->ordinal);
	else if (strcmp(ci->kind, "anniversary") == 0)
		snprintf(buf, len, "year %d", ci->ordinal);
	else
		snprintf(buf, len, "%s %d", ci->kind, ci->ordinal);
	return buf;
}

int
mailer_checkin_message(const struct ps_conf *conf, const tmpl *describe, struct store *st,
		       const struct store_checkin *ci, time_t now, char **msg, size_t *len,
		       const char *rcpts[2], size_t *nrcpts, char *err, size_t errlen)
{
	struct journey_facts facts;
	struct invite_context ctx;
	struct invite_opts o;
	struct invite_mail m;
	const char *to_names[2] = { NULL, NULL };
	char label[48], ferr[256], *desc, *summary, *ics = NULL, *text, *manager_name;
	time_t last = 0;
	int cancel = strcmp(ci->state, "cancelled") == 0, rc;

	*msg = NULL;
	memset(&ctx, 0, sizeof(ctx));
	if (journey_customer_facts(st, ci->customer, &facts, ferr, sizeof(ferr)) != 0)
		memset(&facts, 0, sizeof(facts));
	store_checkin_last_before(st, ci->customer_id, ci->due_at, &last, ferr, sizeof(ferr));
	ctx.customer = ci->customer;
	ctx.customer_name = ci->customer_name;
	ctx.customer_since = facts.since;
	ctx.invoices_sent = facts.invoice_count;
	ctx.invoices_flagged = facts.flagged_count;
	ctx.last_checkin = last;
	ctx.checkin_kind = kind_label(ci, label, sizeof(label));
	ctx.kind = ci->kind;
	ctx.ordinal = ci->ordinal;
	ctx.tz = ci->tzid;
	ctx.manager = ci->manager;
	ctx.company = conf->company_name;
	if (describe != NULL)	/* dated to the check-in: a resent invitation says the same */
		desc = invite_describe_render(describe, &ctx, ci->due_at, conf->note_language);
	else
		desc = invite_describe(&ctx, now);
	summary = xasprintf("%sCheck-in: %s (%s)", cancel ? "Cancelled: " : "",
	    ci->customer_name && ci->customer_name[0] ? ci->customer_name : ci->customer, label);

	invite_opts_init(&o);
	o.method = cancel ? INVITE_CANCEL : INVITE_REQUEST;
	o.uid = ci->uid;
	o.sequence = ci->sequence;
	o.tz = ci->tzid;
	o.start = ci->due_at;
	o.end = ci->end_at;
	o.stamp = now;
	o.organizer = conf->postsale_address;
	o.organizer_name = conf->postsale_name;
	o.manager = ci->manager;
	o.manager_name = manager_name = journey_manager_name(st, conf, ci->manager);
	o.customer = ci->customer;
	o.customer_name = ci->customer_name;
	o.invite_customer = conf->invite_customer;
	o.summary = summary;
	o.description = desc;
	o.alarm_minutes = (int) (conf->invite_alarm_ms / 60000);
	rc = invite_build(&o, &ics, err, errlen);

	if (rc == 0) {
		rcpts[0] = ci->manager;
		rcpts[1] = ci->customer;
		*nrcpts = conf->invite_customer ? 2 : 1;
		to_names[1] = ci->customer_name;
		text = cancel ? xasprintf("This check-in is cancelled.\n\n%s", desc) : xstrdup(desc);
		memset(&m, 0, sizeof(m));
		m.from = conf->postsale_address;
		m.from_name = conf->postsale_name;
		m.to = rcpts;
		m.to_names = to_names;
		m.n_to = *nrcpts;
		m.subject = summary;
		m.text = text;
		m.ics = ics;
		m.method = o.method;
		m.date = now;
		m.uid = ci->uid;
		m.sequence = ci->sequence;
		rc = invite_mime_build(&m, msg, len, err, errlen);
		free(text);
	}
	free(ics);
	free(summary);
	free(desc);
	free(manager_name);
	return rc;
}

/* retry_at - when to try again after the n-th failed attempt: retry doubling */
static time_t
retry_at(const struct ps_conf *conf, time_t now, int attempts)
{
	long long wait = conf->mailer_retry_ms / 1000;

	if (wait < 1)
		wait = 1;
	for (int i = 1; i < attempts && wait < 7LL * 86400; i++)
		wait *= 2;
	if (wait > 7LL * 86400)
		wait = 7LL * 86400;
	return now + (time_t) wait;
}

/* send_one - claim, build, send and record one check-in; 0, or -1 on a store error.
 * *temp is set on a temporary submission failure. */
static int
send_one(const struct ps_conf *conf, const tmpl *describe, struct store *st, struct outbox *ob,
	 const struct store_checkin *listed, time_t now, long ahead,
	 struct mailer_counts *counts, int *temp, char *err, size_t errlen)
{
	struct store_checkin ci;
	const char *rcpts[2];
	char why[512], *msg = NULL;
	size_t len, n = 0;
	enum submit_status status;
	int rc, dry = outbox_is_dry_run(ob);

	*temp = 0;
	if (dry) {
		memcpy(&ci, listed, sizeof(ci));	/* borrowed, never cleared */
	} else if ((rc = store_checkin_claim(st, listed->id, now, ahead, time(NULL),
	    mailer_lease(conf), &ci, err, errlen)) != 0)
		return rc < 0 ? -1 : 0;			/* 1: someone else did it or does it */

	if (mailer_checkin_message(conf, describe, st, &ci, now, &msg, &len, rcpts, &n, why, sizeof(why)) != 0)
		status = SUBMIT_PERM;
	else
		status = outbox_send(ob, conf->postsale_address, rcpts, n, msg, len, ci.uid,
		    why, sizeof(why));
	free(msg);
	if (status == SUBMIT_OK) {
		counts->sent++;
		log_msg(LOG_INFO, NULL, "check-in %lld: %s %s SEQUENCE %d to %s%s", ci.id,
		    strcmp(ci.state, "cancelled") == 0 ? "CANCEL" : "REQUEST", ci.uid,
		    ci.sequence, ci.manager, dry ? " (dry run)" : "");
	} else {
		char clean[600];
		log_printable(clean, sizeof(clean), why, strlen(why));
		log_msg(LOG_WARNING, NULL, "check-in %lld: %s %s: %s", ci.id, ci.uid,
		    submit_status_name(status), clean);
		if (status == SUBMIT_TEMP)
			*temp = 1;
	}
	if (dry)
		return 0;
	if (status == SUBMIT_OK)
		rc = store_checkin_sent(st, ci.id, ci.sequence, err, errlen);
	else {
		rc = store_checkin_failed(st, ci.id, status == SUBMIT_PERM, why,
		    retry_at(conf, now, ci.attempts), conf->mailer_max_attempts, err, errlen);
		if (rc == 1)
			counts->failed++;
		else if (rc == 0)
			counts->retry++;
	}
	store_checkin_clear(&ci);
	return rc < 0 ? -1 : 0;
}

int
mailer_send_checkins(const struct ps_conf *conf, const tmpl *describe, struct store *st,
		     struct outbox *ob, time_t now, long ahead, struct mailer_counts *counts,
		     char *err, size_t errlen)
{
	struct store_checkin *due;
	size_t n;
	int temp_in_row = 0, temp, rc = 0;

	if (store_checkin_due(st, now, ahead, 0, &due, &n, err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (send_one(conf, describe, st, ob, &due[i], now, ahead, counts, &temp, err, errlen) != 0) {
			rc = -1;
			break;
		}
		temp_in_row = temp ? temp_in_row + 1 : 0;
		if (temp_in_row >= 3 && i + 1 < n) {
			log_msg(LOG_WARNING, NULL, "three temporary failures in a row: %zu check-ins wait for the next run",
			    n - i - 1);
			break;
		}
	}
	store_checkins_free(due, n);
	return rc;
}

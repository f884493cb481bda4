/*
 * summary.c - `postsale-mailer summary`: collect the unanswered check-ins, one mail per
 * manager, claim, send, then mark (summary.h). The claim (a lease in the store) makes
 * mailers that share a store send each manager one summary; a send that failed gives
 * it back, a mailer that dies leaves it to the first run after the lease.
 *
 * Trust: the rows are ours; the mail is built by lib/invite_summary, which validates
 * the addresses and cleans the texts. Errors from submission are logged printable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compose/invite_summary.h"
#include "journey/journey.h"
#include "lease.h"
#include "util/log.h"
#include "store/store_reply.h"
#include "summary.h"

/* due_before - a summary is due when the last one went out at or before this time (a
 * tenth of the interval early still counts, so a weekly timer that fires a little early
 * sends) */
static time_t
due_before(const struct ps_conf *conf, time_t now)
{
	long long interval = conf->summary_interval_ms / 1000;

	return (time_t) ((long long) now - (interval - interval / 10));
}

/* summary_due - 1 when manager's last summary is old enough at now, 0 when too
 * recent, -1 on a store error */
static int
summary_due(const struct ps_conf *conf, struct store *st, const char *manager, time_t now,
	    char *err, size_t errlen)
{
	time_t last;

	if (store_summary_last(st, manager, &last, err, errlen) != 0)
		return -1;
	return last == 0 || last <= due_before(conf, now);
}

/* summary_take - claim manager's due summary for this mailer (a lease: lease.h), so
 * that of mailers sharing a store one sends it; a dry run claims nothing. 1 claimed,
 * 0 another mailer sent it meanwhile (counted recent), 2 another mailer's claim holds
 * it (counted held), -1 on a store error */
static int
summary_take(const struct ps_conf *conf, struct store *st, struct outbox *ob,
	     const char *manager, time_t now, char *err, size_t errlen)
{
	int rc;

	if (outbox_is_dry_run(ob))
		return 1;
	rc = store_summary_claim(st, manager, due_before(conf, now), time(NULL),
	    mailer_lease(conf), err, errlen);
	if (rc != 0)
		return rc;
	if ((rc = summary_due(conf, st, manager, now, err, errlen)) < 0)
		return -1;
	log_msg(LOG_INFO, NULL, "summary to %s: %s", manager, rc ? "another mailer's claim holds it"
	    " (it sends it; if it died, a run after its lease does)" : "another mailer sent it");
	return rc ? 2 : 0;
}

/* summary_one - build and send the summary of the n check-ins v of one manager, mark
 * it when sent for real; 0 sent, 1 not sent (logged), -1 store error */
static int
summary_one(const struct ps_conf *conf, struct store *st, struct outbox *ob, time_t now,
	    const struct store_checkin *v, size_t n, char *err, size_t errlen)
{
	const char *manager = v[0].manager, *rcpts[1] = { manager };
	char why[512], clean[600], rel[512], *msg = NULL;
	char *name = journey_manager_name(st, conf, manager);
	size_t len = 0;
	enum submit_status status = SUBMIT_PERM;

	if (invite_summary_build(conf, manager, name, v, n, now, &msg, &len, why, sizeof(why)) == 0)
		status = outbox_send(ob, conf->postsale_address, rcpts, 1, msg, len, "summary",
		    why, sizeof(why));
	free(msg);
	free(name);
	if (status != SUBMIT_OK) {
		if (!outbox_is_dry_run(ob) && store_summary_release(st, manager, rel, sizeof(rel)) != 0)
			log_msg(LOG_WARNING, NULL, "%s (the claim's lease ends it)", rel);
		log_printable(clean, sizeof(clean), why, strlen(why));
		log_msg(LOG_WARNING, NULL, "summary of %zu unanswered check-in%s to %s not sent (%s,"
		    " nothing marked): %s", n, n == 1 ? "" : "s", manager, submit_status_name(status),
		    clean);
		return 1;
	}
	if (!outbox_is_dry_run(ob) && store_summary_mark(st, manager, now, err, errlen) != 0)
		return -1;
	log_msg(LOG_INFO, NULL, "summary of %zu unanswered check-in%s %s %s", n, n == 1 ? "" : "s",
	    outbox_is_dry_run(ob) ? "written (dry run, nothing marked) for" : "sent to", manager);
	return 0;
}

int
mailer_summary(const struct ps_conf *conf, struct store *st, struct outbox *ob, time_t now,
	       struct summary_counts *counts, char *err, size_t errlen)
{
	struct store_checkin *v;
	struct store_reply_state *states;
	size_t n, i, j;
	long within = conf->summary_interval_ms / 1000 + conf->checkin_unanswered * 86400L;
	int rc = 0, due;

	memset(counts, 0, sizeof(*counts));
	if (store_reply_unanswered(st, now, within, NULL, &v, &states, &n, err, errlen) != 0)
		return -1;
	for (i = 0; i < n && rc == 0; i = j) {	/* the rows come grouped by manager */
		for (j = i + 1; j < n && strcasecmp(v[j].manager, v[i].manager) == 0; j++)
			;
		if ((due = summary_due(conf, st, v[i].manager, now, err, errlen)) < 0) {
			rc = -1;
			break;
		}
		if (!due) {
			counts->recent++;
			log_msg(LOG_INFO, NULL, "summary to %s: the last one is younger than summary-interval",
			    v[i].manager);
			continue;
		}
		switch (summary_take(conf, st, ob, v[i].manager, now, err, errlen)) {
		case 1: break;
		case 0: counts->recent++; continue;
		case 2: counts->held++; continue;
		default: rc = -1; continue;
		}
		switch (summary_one(conf, st, ob, now, &v[i], j - i, err, errlen)) {
		case 0: counts->sent++; break;
		case 1: counts->failed++; break;
		default: rc = -1; break;
		}
	}
	store_checkins_free(v, n);
	store_reply_states_free(states, n);
	return rc;
}

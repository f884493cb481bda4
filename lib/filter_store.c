/*
 * filter_store.c - the pipeline's store steps: is an invoice a resend, and record the
 * invoices (the journal) and the onboarding or off-boarding (the journey).
 *
 * The store is consulted only for messages that need it (invoices, onboarding), so plain
 * outbound mail never waits for a lock. Any store error is returned to filter_run(),
 * whose caller follows the on-error policy.
 *
 * The milter's threads record one at a time, queued on a mutex, so that under load
 * they never run out of database-timeout waiting for each other (which would send a
 * message into on-error for no fault of the store). Other processes (the mailer,
 * postsalectl) still meet SQLite's locking, bounded by database-timeout.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "journey.h"
#include "outbound.h"
#include "store_invoice.h"
#include "xalloc.h"

int
filter_store_consult(struct store *st, const struct ps_msg *m, struct filter_result *res,
    char *err, size_t errlen)
{
	(void) m;
	for (size_t i = 0; i < res->ninv; i++) {
		struct filter_invoice *fi = &res->inv[i];
		enum journal_resend seen;
		long long prev;
		char desc[256] = "";

		if (fi->found.inv == NULL)
			continue;
		if (journal_lookup(st, fi->found.inv, &seen, &prev, desc, sizeof(desc), err, errlen) != 0)
			return -1;
		if (seen == JOURNAL_CHANGED)
			inv_findings_add(fi->findings, "PS-RESEND-CHANGED", INV_SEV_ERROR,
			    "invoice %s was sent before (journal #%lld) with %s",
			    fi->found.inv->number ? fi->found.inv->number : "?", prev, desc);
		else if (seen == JOURNAL_RESEND)
			fi->verdict = "resend";
	}
	return 0;
}

static pthread_mutex_t filter_record_lock = PTHREAD_MUTEX_INITIALIZER;

/* filter_store_record_locked - the journal and the journey of one message */
static int
filter_store_record_locked(struct store *st, const struct ps_conf *conf, const struct ps_msg *m,
    GMimeMessage *msg, const struct filter_result *res, time_t now, char *err, size_t errlen)
{
	const char *mid = g_mime_message_get_message_id(msg);
	char addr[320], name[256];
	const char **ext = xcalloc(m->nrcpts + 1, sizeof(*ext));
	size_t next = 0;
	int rc = 0;

	/* The journal counts invoices per customer: the external recipients only. */
	for (size_t i = 0; i < m->nrcpts; i++)
		if (outbound_rcpt_external(&conf->local_domains, m->rcpts[i]))
			ext[next++] = m->rcpts[i];

	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];
		struct journal_entry e = {
			.inv = fi->found.inv, .container = fi->found.container, .part = fi->found.part,
			.sender = m->sender, .rcpts = ext, .nrcpts = next,
			.message_id = mid, .queue_id = m->qid, .verdict = fi->verdict,
			.action = fi->has_error || fi->has_warning ? filter_action_name(res->action) : "none",
			.findings = fi->findings, .sent_at = now,
		};
		long long id;

		if (fi->found.inv == NULL)	/* unreadable: nothing to journal but the log */
			continue;
		if ((rc = journal_record(st, &e, &id, err, errlen)) != 0)
			goto out;
	}
	/* The journey: onboarding starts it, off-boarding ends it, a renewal date on any
	 * other outbound mail moves the pre-renewal check-in. Each returns a count or -1. */
	for (size_t i = 0; i < next && rc == 0; i++) {
		struct journey_party cust = {.address = addr, .name = NULL};

		if (res->onboard.kind == ONBOARD_NONE && !res->onboard.has_renewal)
			break;
		outbound_bare_address(ext[i], addr, sizeof(addr));
		if (filter_rcpt_name(msg, addr, name, sizeof(name)))
			cust.name = name;
		if (res->onboard.kind == ONBOARD_START)
			rc = journey_start(st, conf, &cust, m->sender, &res->onboard, now, err, errlen);
		else if (res->onboard.kind == ONBOARD_STOP)
			rc = journey_stop(st, conf, addr, now, err, errlen);
		else
			rc = journey_renewal(st, conf, addr, res->onboard.renewal, now, err, errlen);
		rc = rc == -1 ? -1 : 0;	/* -2: a renewal date for no known customer */
	}
out:
	free(ext);
	return rc != 0 ? -1 : 0;
}

int
filter_store_record(struct store *st, const struct ps_conf *conf, const struct ps_msg *m,
    GMimeMessage *msg, const struct filter_result *res, time_t now, char *err, size_t errlen)
{
	int rc;

	if (res->ninv == 0 && res->onboard.kind == ONBOARD_NONE && !res->onboard.has_renewal)
		return 0;
	pthread_mutex_lock(&filter_record_lock);
	rc = filter_store_record_locked(st, conf, m, msg, res, now, err, errlen);
	pthread_mutex_unlock(&filter_record_lock);
	return rc;
}

/*
 * filter_store.c - the pipeline's store steps: is an invoice a resend, and record the
 * invoices (the journal) and the onboarding or off-boarding (the journey).
 *
 * The store is consulted only for messages that need it (invoices, onboarding), so plain
 * outbound mail never waits for a lock. A failed lookup is returned to filter_run(),
 * whose caller follows the on-error policy unless the invoice is flagged anyway.
 *
 * Recording never decides the fate of a message, and never makes it wait past its
 * deadline (store_set_deadline(): database-timeout from the start of its store work).
 * The milter's threads write one at a time, queued on a mutex so that they do not poll
 * SQLite's lock against each other; a thread waits for that mutex only until its
 * deadline, and SQLite's busy wait ends at the same deadline. What the store cannot
 * take by then (locked by another process, unwritable, full, not open) is kept in full
 * in the spool of unrecorded records (store_spool.h) and logged, and
 * filter_store_replay() writes it later.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "journey/journey.h"
#include "mime/outbound.h"
#include "util/log.h"
#include "store/store_invoice.h"
#include "store/store_spool.h"
#include "util/xalloc.h"

int
filter_store_consult(struct store *st, const struct ps_msg *m, struct filter_result *res,
    char *err, size_t errlen)
{
	(void) m;
	for (size_t i = 0; i < res->ninv; i++) {
		struct filter_invoice *fi = &res->inv[i];
		enum store_invoice_resend seen;
		long long prev;
		char desc[256] = "";

		if (fi->found.inv == NULL)
			continue;
		if (store_invoice_lookup(st, fi->found.inv, &seen, &prev, desc, sizeof(desc), err, errlen) != 0)
			return -1;
		if (seen == STORE_INVOICE_CHANGED)
			inv_findings_add(fi->findings, "PS-RESEND-CHANGED", INV_SEV_ERROR,
			    "invoice %s was sent before (journal #%lld) with %s",
			    fi->found.inv->number ? fi->found.inv->number : "?", prev, desc);
		else if (seen == STORE_INVOICE_RESEND)
			fi->verdict = "resend";
	}
	return 0;
}

static pthread_mutex_t filter_record_lock = PTHREAD_MUTEX_INITIALIZER;

/* filter_record_items - what the message asks the store to record, as spool items */
static void
filter_record_items(const struct ps_conf *conf, const struct ps_msg *m, GMimeMessage *msg,
    const struct filter_result *res, time_t now, struct spool_record *rec)
{
	const char *mid = g_mime_message_get_message_id(msg);
	char addr[320], name[256];
	const char **ext = xcalloc(m->nrcpts + 1, sizeof(*ext));
	size_t next = 0;

	/* The journal counts invoices per customer: the external recipients only. */
	for (size_t i = 0; i < m->nrcpts; i++)
		if (outbound_rcpt_external(&conf->local_domains, m->rcpts[i]))
			ext[next++] = m->rcpts[i];
	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];
		struct store_invoice_entry e = {
			.inv = fi->found.inv, .container = fi->found.container, .part = fi->found.part,
			.sender = m->sender, .rcpts = ext, .nrcpts = next,
			.message_id = mid, .queue_id = m->qid, .verdict = fi->verdict,
			.action = fi->has_error || fi->has_warning ? filter_action_name(res->action) : "none",
			.findings = fi->findings, .sent_at = now,
		};

		if (fi->found.inv == NULL)	/* unreadable: nothing to journal but the log */
			continue;
		store_invoice_row_from_entry(&e, &spool_record_add(rec, SPOOL_INVOICE)->row);
	}
	/* The journey: onboarding starts it, off-boarding ends it, a renewal date on any
	 * other outbound mail moves the pre-renewal check-in. */
	for (size_t i = 0; i < next; i++) {
		struct spool_item *it;

		if (res->onboard.kind == ONBOARD_NONE && !res->onboard.has_renewal)
			break;
		outbound_bare_address(ext[i], addr, sizeof(addr));
		it = spool_record_add(rec, res->onboard.kind == ONBOARD_START ? SPOOL_JOURNEY_START :
		    res->onboard.kind == ONBOARD_STOP ? SPOOL_JOURNEY_STOP : SPOOL_JOURNEY_RENEWAL);
		it->customer = xstrdup(addr);
		if (filter_rcpt_name(msg, addr, name, sizeof(name)))
			it->name = xstrdup(name);
		it->sender = xstrdup(m->sender ? m->sender : "");
		if (res->onboard.has_renewal)
			it->renewal = xstrdup(res->onboard.renewal);
		if (res->onboard.has_since)
			it->since = xstrdup(res->onboard.since);
	}
	free(ext);
	rec->queue_id = xstrdup(m->qid);
	rec->at = (long long) now;
}

/* filter_write_item - write one item to the store; 0, or -1 with err */
static int
filter_write_item(struct store *st, const struct ps_conf *conf, const struct spool_item *it,
    time_t at, int flags, char *err, size_t errlen)
{
	struct journey_party cust = {.address = it->customer, .name = it->name};
	struct onboard_info info = {.kind = ONBOARD_START};
	int rc;

	switch (it->kind) {
	case SPOOL_INVOICE:
		return store_invoice_write_row(st, &it->row, flags, NULL, err, errlen);
	case SPOOL_JOURNEY_START:
		if (it->renewal != NULL) {
			info.has_renewal = 1;
			snprintf(info.renewal, sizeof(info.renewal), "%s", it->renewal);
		}
		if (it->since != NULL) {
			info.has_since = 1;
			snprintf(info.since, sizeof(info.since), "%s", it->since);
		}
		rc = journey_start(st, conf, &cust, it->sender, &info, at, err, errlen);
		break;
	case SPOOL_JOURNEY_STOP:
		rc = journey_stop(st, conf, it->customer, at, err, errlen);
		break;
	default:
		rc = journey_renewal(st, conf, it->customer, it->renewal ? it->renewal : "", at,
		    err, errlen);
		break;
	}
	return rc == -1 ? -1 : 0;	/* -2: a renewal date for no known customer */
}

/* filter_lock_until - take the record lock, waiting at most until deadline (0: no
 * limit); 0, or -1 when the deadline came first */
static int
filter_lock_until(long long deadline)
{
	struct timespec ts;

	if (deadline == 0)
		return pthread_mutex_lock(&filter_record_lock) == 0 ? 0 : -1;
	ts.tv_sec = (time_t) (deadline / 1000);
	ts.tv_nsec = (long) (deadline % 1000) * 1000000L;
	return pthread_mutex_clocklock(&filter_record_lock, CLOCK_MONOTONIC, &ts) == 0 ? 0 : -1;
}

/* filter_log_unrecorded - one line per item that waits in the spool (or is lost) */
static void
filter_log_unrecorded(const struct spool_record *rec, const char *kept, const char *lost)
{
	char num[80], ids[512], who[320];

	for (size_t i = 0; i < rec->nitems; i++) {
		const struct spool_item *it = &rec->items[i];
		const struct store_invoice_row *r = &it->row;
		size_t off = 0;

		ids[0] = '\0';
		for (size_t j = 0; j < r->nfindings && off < sizeof(ids) - 40; j++)
			off += (size_t) snprintf(ids + off, sizeof(ids) - off, "%s%s", j ? " " : "",
			    log_printable(num, 40, r->findings[j].rule_id, strlen(r->findings[j].rule_id)));
		if (it->kind == SPOOL_INVOICE)
			log_msg(LOG_ERR, rec->queue_id, "journal: invoice %s (seller %s, total %s %s,"
			    " verdict %s, action %s, findings: %s) not recorded: %s; %s%s",
			    log_printable(num, sizeof(num), r->number ? r->number : "?",
			    strlen(r->number ? r->number : "?")),
			    log_printable(who, sizeof(who), r->seller ? r->seller : "-",
			    strlen(r->seller ? r->seller : "-")),
			    r->total ? r->total : "-", r->currency ? r->currency : "",
			    r->verdict, r->action ? r->action : "none", *ids ? ids : "none",
			    rec->reason, lost ? "NOT kept: " : "kept for replay in ", lost ? lost : kept);
		else
			log_msg(LOG_ERR, rec->queue_id, "journey: %s for %s not recorded: %s; %s%s",
			    spool_kind_name(it->kind), log_printable(who, sizeof(who), it->customer,
			    strlen(it->customer)), rec->reason,
			    lost ? "NOT kept: " : "kept for replay in ", lost ? lost : kept);
	}
}

/* filter_keep - put what is left of rec (from item first on) in the spool, and log
 * it; 1 kept, -1 lost (logged in full) */
static int
filter_keep(const struct ps_conf *conf, struct spool_record *rec, size_t first,
    const char *why)
{
	char path[1024], err[512];
	int rc;

	spool_record_drop(rec, first);		/* the recorded ones leave the record */
	rec->reason = xstrdup(why);
	rc = spool_save(conf_state_base(conf), rec, NULL, path, sizeof(path), err, sizeof(err));
	filter_log_unrecorded(rec, path, rc == 0 ? NULL : err);
	return rc == 0 ? 1 : -1;
}

int
filter_store_record(struct store *st, const struct ps_conf *conf, const struct ps_msg *m,
    GMimeMessage *msg, const struct filter_result *res, time_t now)
{
	struct spool_record rec = {0};
	char err[512] = "";
	size_t i = 0;
	int rc = 0;

	if (res->ninv == 0 && res->onboard.kind == ONBOARD_NONE && !res->onboard.has_renewal)
		return 0;
	filter_record_items(conf, m, msg, res, now, &rec);
	if (rec.nitems == 0)
		;
	else if (st == NULL)
		rc = filter_keep(conf, &rec, 0, "the store is not open");
	else if (filter_lock_until(store_deadline(st)) != 0)
		rc = filter_keep(conf, &rec, 0, "other messages kept the store busy until"
		    " database-timeout ran out");
	else {
		for (; i < rec.nitems; i++)
			if (filter_write_item(st, conf, &rec.items[i], now, 0, err, sizeof(err)) != 0)
				break;
		pthread_mutex_unlock(&filter_record_lock);
		if (i < rec.nitems)
			rc = filter_keep(conf, &rec, i, err);
	}
	spool_record_clear(&rec);
	return rc;
}

int
filter_store_replay(struct store *st, const struct ps_conf *conf, size_t *done, size_t *left,
    char *err, size_t errlen)
{
	char **paths;
	size_t n, f;
	int rc = 0;

	*done = *left = 0;
	if (spool_list(conf_state_base(conf), &paths, &n, err, errlen) != 0)
		return -1;
	for (f = 0; f < n && rc == 0; f++) {
		struct spool_record rec = {0};
		size_t i = 0;

		if (spool_load(paths[f], &rec, err, errlen) != 0) {
			rc = -1;		/* a file we cannot read stays for a person to see */
			break;
		}
		pthread_mutex_lock(&filter_record_lock);
		for (; i < rec.nitems; i++)
			if (filter_write_item(st, conf, &rec.items[i], (time_t) rec.at, STORE_INVOICE_REPLAY,
			    err, errlen) != 0)
				break;
		pthread_mutex_unlock(&filter_record_lock);
		if (i == rec.nitems) {
			unlink(paths[f]);
			(*done)++;
		} else {
			char ignore[512];

			rc = -1;		/* the store still refuses: try again later */
			if (i > 0) {		/* keep only what is still unrecorded */
				spool_record_drop(&rec, i);
				spool_save(conf_state_base(conf), &rec, paths[f], NULL, 0, ignore, sizeof(ignore));
			}
		}
		spool_record_clear(&rec);
	}
	*left = n - *done;
	spool_list_free(paths, n);
	return rc;
}

/*
 * filter_store.c - the pipeline over the store: the lookup filter_run() reads through
 * (an invoice's resend history, a customer's facts, the check-in an iTIP answer
 * names), and the writer of the records a message leaves: an iTIP answer on its
 * check-in, the invoices (the journal), the onboarding or off-boarding (the journey).
 *
 * The store is consulted only for messages that need it (invoices, onboarding), so
 * plain outbound mail never waits for a lock. A failed lookup makes filter_run()
 * return -1, and the caller follows the on-error policy unless the invoice is flagged
 * anyway.
 *
 * Recording the invoices and the journey never decides the fate of a message, and
 * never makes it wait past its deadline (store_set_deadline(): database-timeout from
 * the start of its store work). Writers that share the store (the milter's threads)
 * queue on the caller's filter_writer so that they do not poll SQLite's lock against
 * each other, and write on its one connection, whose page cache stays valid from one
 * message to the next; a message waits for its lock only until its deadline, and
 * SQLite's busy wait ends at the same deadline. What the store cannot take by then
 * (locked by another process, unwritable, full, not open) is kept in full in the spool
 * of unrecorded records (store_spool.h) and logged, and filter_store_replay() writes it
 * later. An iTIP answer is the message's business: a store that refuses it makes the
 * message follow on-error.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compose/invite.h"
#include "filter_store.h"
#include "journey/journey.h"
#include "store/db.h"
#include "store/store_invoice.h"
#include "store/store_journey.h"
#include "store/store_reply.h"
#include "store/store_spool.h"
#include "util/log.h"
#include "util/xalloc.h"

/* lookup_resend - store_invoice_lookup() in the pipeline's terms */
static int
lookup_resend(void *ctx, const inv_invoice *inv, enum filter_seen *seen, long long *prev_id,
    char *prev_desc, size_t desclen, char *err, size_t errlen)
{
	enum store_invoice_resend j;

	if (store_invoice_lookup(ctx, inv, &j, prev_id, prev_desc, desclen, err, errlen) != 0)
		return -1;
	*seen = j == STORE_INVOICE_CHANGED ? FILTER_SEEN_CHANGED : j == STORE_INVOICE_RESEND ?
	    FILTER_SEEN_RESEND : FILTER_SEEN_NEW;
	return 0;
}

/* lookup_customer - journey_customer_basics() in the pipeline's terms */
static int
lookup_customer(void *ctx, const char *address, struct filter_customer *out, char *err,
    size_t errlen)
{
	struct journey_facts jf;
	int rc;

	if ((rc = journey_customer_basics(ctx, address, &jf, err, errlen)) != 0)
		return rc;
	out->since = jf.since;
	out->invoice_count = jf.invoice_count;
	snprintf(out->name, sizeof(out->name), "%s", jf.name);
	snprintf(out->manager, sizeof(out->manager), "%s", jf.manager);
	return 0;
}

/* lookup_checkin - the check-in whose UID is uid: 0, 1 none, -1 error */
static int
lookup_checkin(void *ctx, const char *uid, struct filter_checkin *out, char *err,
    size_t errlen)
{
	struct store_checkin ci;
	long long id;
	int rc;

	if ((rc = store_reply_find_uid(ctx, uid, &id, err, errlen)) != 0 ||
	    (rc = store_checkin_get(ctx, id, &ci, err, errlen)) != 0)
		return rc;
	out->id = ci.id;
	out->manager = ci.manager != NULL ? xstrdup(ci.manager) : xstrdup("");
	out->sequence = ci.sequence;
	snprintf(out->state, sizeof(out->state), "%s", ci.state);
	out->due_at = ci.due_at;
	out->end_at = ci.end_at;
	out->tzid = ci.tzid != NULL ? xstrdup(ci.tzid) : NULL;
	store_checkin_clear(&ci);
	return 0;
}

void
filter_store_lookup(struct filter_lookup *lk, struct store *st, int recording)
{
	memset(lk, 0, sizeof(*lk));
	lk->ctx = st;
	lk->available = st != NULL;
	lk->recording = recording;
	lk->resend = lookup_resend;
	lk->customer = lookup_customer;
	lk->checkin = lookup_checkin;
}

/*
 * The lookups of a message whose records go through a filter_writer read on the
 * writer's connection when nobody holds it at that moment (its page cache is valid:
 * no page is read again), else on the message's own connection, as before. They never
 * wait for the writer's lock. SQLite's only: a server's connection keeps no pages, and
 * a lookup that fails in a server's outage must fail on the message's own connection,
 * whose failure filter_store_reason() reads.
 */
struct shared_lookup {
	struct store *st;		/* the message's connection */
	struct filter_writer *w;
	const struct ps_conf *conf;
};

static void writer_give(struct filter_writer *w, int wrote);

/* shared_take - the connection a lookup reads on; *took: w's, to be given back */
static struct store *
shared_take(struct shared_lookup *sl, int *took)
{
	struct filter_writer *w = sl->w;

	*took = 0;
	if (pthread_mutex_trylock(&w->lock) != 0)
		return sl->st;
	if (w->st == NULL || !store_opened_on(w->st, sl->conf->database)) {
		pthread_mutex_unlock(&w->lock);
		return sl->st;
	}
	*took = 1;
	store_set_deadline(w->st, store_deadline(sl->st));
	return w->st;
}

/* shared_resend, shared_customer, shared_checkin - the lookups above on shared_take()'s
 * connection */
static int
shared_resend(void *ctx, const inv_invoice *inv, enum filter_seen *seen, long long *prev_id,
    char *prev_desc, size_t desclen, char *err, size_t errlen)
{
	int took, rc = lookup_resend(shared_take(ctx, &took), inv, seen, prev_id, prev_desc,
	    desclen, err, errlen);

	if (took)
		writer_give(((struct shared_lookup *) ctx)->w, 0);
	return rc;
}

static int
shared_customer(void *ctx, const char *address, struct filter_customer *out, char *err,
    size_t errlen)
{
	int took, rc = lookup_customer(shared_take(ctx, &took), address, out, err, errlen);

	if (took)
		writer_give(((struct shared_lookup *) ctx)->w, 0);
	return rc;
}

static int
shared_checkin(void *ctx, const char *uid, struct filter_checkin *out, char *err,
    size_t errlen)
{
	int took, rc = lookup_checkin(shared_take(ctx, &took), uid, out, err, errlen);

	if (took)
		writer_give(((struct shared_lookup *) ctx)->w, 0);
	return rc;
}

/* record_entry - the journal entry of res's invoice record fr */
static struct store_invoice_entry
record_entry(const struct ps_msg *m, const struct filter_result *res,
    const struct filter_record *fr, time_t now)
{
	const struct filter_records *r = &res->records;
	const struct filter_invoice *fi = &res->inv[fr->inv];
	struct store_invoice_entry e = {
		.inv = fi->found.inv, .container = fi->found.container,
		.part = fi->found.part, .sender = m->sender, .rcpts = r->rcpts,
		.nrcpts = r->nrcpts, .message_id = r->message_id, .queue_id = m->qid,
		.verdict = fi->verdict, .action = fr->action,
		.findings = fi->findings, .sent_at = now,
	};

	return e;
}

/* record_items - res's invoice and journey records first to end (excluded), as spool
 * items */
static void
record_items(const struct ps_msg *m, const struct filter_result *res, time_t now,
    size_t first, size_t end, struct spool_record *rec)
{
	const struct filter_records *r = &res->records;

	for (size_t i = first; i < end && i < r->n; i++) {
		const struct filter_record *fr = &r->v[i];
		struct spool_item *it;

		if (fr->kind == FILTER_RECORD_INVOICE) {
			struct store_invoice_entry e = record_entry(m, res, fr, now);

			store_invoice_row_from_entry(&e, &spool_record_add(rec, SPOOL_INVOICE)->row);
			continue;
		}
		it = spool_record_add(rec, fr->kind == FILTER_RECORD_JOURNEY_START ?
		    SPOOL_JOURNEY_START : fr->kind == FILTER_RECORD_JOURNEY_STOP ?
		    SPOOL_JOURNEY_STOP : SPOOL_JOURNEY_RENEWAL);
		it->customer = xstrdup(fr->customer);
		if (fr->name != NULL)
			it->name = xstrdup(fr->name);
		it->sender = xstrdup(m->sender ? m->sender : "");
		if (res->onboard.has_renewal)
			it->renewal = xstrdup(res->onboard.renewal);
		if (res->onboard.has_since)
			it->since = xstrdup(res->onboard.since);
	}
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

/* lock_until - take lock, waiting at most until deadline (0: no limit); 0, or -1 when
 * the deadline came first */
static int
lock_until(pthread_mutex_t *lock, long long deadline)
{
	struct timespec ts;

	if (deadline == 0)
		return pthread_mutex_lock(lock) == 0 ? 0 : -1;
	ts.tv_sec = (time_t) (deadline / 1000);
	ts.tv_nsec = (long) (deadline % 1000) * 1000000L;
	return pthread_mutex_clocklock(lock, CLOCK_MONOTONIC, &ts) == 0 ? 0 : -1;
}

const char *
filter_store_reason(const struct store *st, const char *qid, const char *err)
{
	if (!store_outage(st))
		return err;
	log_msg(LOG_DEBUG, qid, "store: %s", err);
	return "the database server is out of reach (its outage is logged once, with the"
	    " server's reason)";
}

/* filter_log_unrecorded - one line per item that waits in the spool (or is lost), saying
 * why (reason) */
static void
filter_log_unrecorded(const struct spool_record *rec, const char *reason, const char *kept,
    const char *lost)
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
			    reason, lost ? "NOT kept: " : "kept for replay in ", lost ? lost : kept);
		else
			log_msg(LOG_ERR, rec->queue_id, "journey: %s for %s not recorded: %s; %s%s",
			    spool_kind_name(it->kind), log_printable(who, sizeof(who), it->customer,
			    strlen(it->customer)), reason,
			    lost ? "NOT kept: " : "kept for replay in ", lost ? lost : kept);
	}
}

/* filter_keep - put what is left of rec (from item first on) in the spool with why, and
 * log it with shown (NULL: why; less of it in an outage: filter_store_reason()); 1 kept,
 * -1 lost (logged in full) */
static int
filter_keep(const struct ps_conf *conf, struct spool_record *rec, size_t first,
    const char *why, const char *shown)
{
	char path[1024], err[512];
	int rc;

	spool_record_drop(rec, first);		/* the recorded ones leave the record */
	rec->reason = xstrdup(why);
	rc = spool_save(conf_state_base(conf), rec, NULL, path, sizeof(path), err, sizeof(err));
	filter_log_unrecorded(rec, shown != NULL ? shown : why, path, rc == 0 ? NULL : err);
	return rc == 0 ? 1 : -1;
}

/* writer_take - w's connection to conf's database, w's lock held by the caller: opened
 * (or reopened, when the setting changed) as needed, waiting for SQLite's lock at most
 * until deadline (0: database-timeout for each wait); NULL with err */
static struct store *
writer_take(struct filter_writer *w, const struct ps_conf *conf, long long deadline,
    char *err, size_t errlen)
{
	if (w->st != NULL && !store_opened_on(w->st, conf->database))
		w->st = store_close(w->st);
	if (w->st == NULL)
		w->st = store_open(conf->database, conf->database_timeout_ms,
		    w->wal_full != NULL ? STORE_CHECKPOINT_APART : 0, err, errlen);
	store_set_deadline(w->st, deadline);
	return w->st;
}

/* writer_give - end a use of w's connection and release w's lock; a failure that left
 * a transaction open on the connection closes it (the next write opens another); when
 * it wrote, a full WAL is reported to wal_full */
static void
writer_give(struct filter_writer *w, int wrote)
{
	if (w->st != NULL) {
		store_set_deadline(w->st, 0);
		if (store_in_transaction(w->st))
			w->st = store_close(w->st);
		else if (wrote && w->wal_full != NULL &&
		    store_wal_pages(w->st) >= FILTER_WRITER_WAL_PAGES)
			w->wal_full();
	}
	pthread_mutex_unlock(&w->lock);
}

void
filter_writer_close(struct filter_writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->st = store_close(w->st);
	w->ckpt = store_close(w->ckpt);
	pthread_mutex_unlock(&w->lock);
}

int
filter_writer_checkpoint(struct filter_writer *w, const struct ps_conf *conf, char *err,
    size_t errlen)
{
	if (db_is_uri(conf->database))
		return 0;		/* a server checkpoints by itself */
	if (w->ckpt != NULL && !store_opened_on(w->ckpt, conf->database))
		w->ckpt = store_close(w->ckpt);
	if (w->ckpt == NULL)
		w->ckpt = store_open(conf->database, conf->database_timeout_ms, 0, err, errlen);
	if (w->ckpt == NULL)
		return -1;
	return store_checkpoint(w->ckpt, err, errlen);
}

/* write_record - res's record i on ws: an invoice straight from the model and the
 * message (no copy), a journey record as its spool item; 0, or -1 with err */
static int
write_record(struct store *ws, const struct ps_conf *conf, const struct ps_msg *m,
    const struct filter_result *res, size_t i, time_t now, char *err, size_t errlen)
{
	const struct filter_record *fr = &res->records.v[i];
	struct spool_record one = {0};
	int rc;

	if (fr->kind == FILTER_RECORD_INVOICE) {
		struct store_invoice_entry e = record_entry(m, res, fr, now);

		return store_invoice_record(ws, &e, NULL, err, errlen);
	}
	record_items(m, res, now, i, i + 1, &one);
	rc = filter_write_item(ws, conf, &one.items[0], now, 0, err, errlen);
	spool_record_clear(&one);
	return rc;
}

/* write_records - the invoices and the journey of res, on w's connection (NULL: st's);
 * 0 all recorded, 1 kept in the spool, -1 neither. The spool record of what is left is
 * made only when something is left. */
static int
write_records(struct store *st, const struct ps_conf *conf, struct filter_writer *w,
    const struct ps_msg *m, const struct filter_result *res, time_t now)
{
	struct spool_record rec = {0};
	struct store *ws = st;
	char err[512] = "";
	size_t i = 0, n = res->records.n;
	int rc = 0;

	if (n == 0)
		return 0;
	if (st == NULL) {
		record_items(m, res, now, 0, n, &rec);
		rc = filter_keep(conf, &rec, 0, "the store is not open", NULL);
	} else if (w != NULL && lock_until(&w->lock, store_deadline(st)) != 0) {
		record_items(m, res, now, 0, n, &rec);
		rc = filter_keep(conf, &rec, 0, "other messages kept the store busy until"
		    " database-timeout ran out", NULL);
	} else {
		const char *shown = err;

		if (w != NULL)
			ws = writer_take(w, conf, store_deadline(st), err, sizeof(err));
		for (; ws != NULL && i < n; i++)
			if (write_record(ws, conf, m, res, i, now, err, sizeof(err)) != 0)
				break;
		if (i < n)	/* of the connection that failed, while it is ours */
			shown = filter_store_reason(ws, m->qid, err);
		if (w != NULL)
			writer_give(w, 1);
		if (i < n) {
			record_items(m, res, now, i, n, &rec);
			rc = filter_keep(conf, &rec, 0, err, shown);
		}
	}
	spool_record_clear(&rec);
	return rc;
}

/* write_partstat - record a REPLY's PARTSTAT; a DECLINED one is re-planned; 0 or -1 */
static int
write_partstat(struct store *st, const struct ps_conf *conf, struct filter_result *res,
    time_t now, char *err, size_t errlen)
{
	const struct filter_answer *a = &res->answer;
	time_t moved = 0;
	char when[96];
	int rc;

	rc = store_reply_record(st, a->checkin, a->sequence, a->partstat, a->dtstamp, a->cn, now,
	    err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		filter_reply_note(res, LOG_NOTICE, "reply: check-in %lld: %s from %s is older than the"
		    " answer already recorded: ignored", a->checkin, a->partstat, a->who);
		return 0;
	}
	res->reply_recorded = 1;
	if (!a->declined) {
		filter_reply_note(res, LOG_INFO, "reply: check-in %lld (UID %s SEQUENCE %d): %s by %s",
		    a->checkin, a->uid, a->sequence, a->partstat, a->who);
		return 0;
	}
	rc = journey_replan_checkin(st, conf, a->checkin, a->due_at > now ? a->due_at : now,
	    &moved, err, errlen);
	if (rc != 0) {
		/* recorded; the check-in stays declined and the log says why */
		filter_reply_note(res, LOG_ERR, "reply: check-in %lld DECLINED by %s, but it could not be"
		    " re-planned: %s", a->checkin, a->who, rc > 0 ? "it is gone or cancelled" : err);
		return 0;
	}
	filter_reply_note(res, LOG_NOTICE, "reply: check-in %lld (UID %s SEQUENCE %d) DECLINED by %s:"
	    " re-planned to %s, SEQUENCE %d; the mailer sends the new REQUEST", a->checkin, a->uid,
	    a->sequence, a->who, invite_local_time(moved, a->tzid, when, sizeof(when)),
	    a->checkin_sequence + 1);
	return 0;
}

/* write_counter - record a COUNTER's proposal; 0 or -1 */
static int
write_counter(struct store *st, struct filter_result *res, time_t now, char *err,
    size_t errlen)
{
	const struct filter_answer *a = &res->answer;

	if (store_reply_counter(st, a->checkin, a->sequence, a->start, a->end, a->cn, now, err,
	    errlen) != 0)
		return -1;
	res->reply_recorded = 1;
	filter_reply_note(res, LOG_NOTICE, "reply: check-in %lld (UID %s SEQUENCE %d): %s proposes %s;"
	    " postsalectl checkin accept-counter %lld moves it", a->checkin, a->uid, a->sequence,
	    a->who, a->when, a->checkin);
	return 0;
}

/* write_answer - record res's iTIP answer, if any; 0, or -1 with res->error */
static int
write_answer(struct store *st, const struct ps_conf *conf, struct filter_result *res,
    time_t now)
{
	char err[512] = "the store is not open";
	int rc = 0;

	if (res->answer.kind != FILTER_ANSWER_NONE && st == NULL)
		rc = -1;		/* filter_run() decides none without a store */
	else if (res->answer.kind == FILTER_ANSWER_PARTSTAT)
		rc = write_partstat(st, conf, res, now, err, sizeof(err));
	else if (res->answer.kind == FILTER_ANSWER_COUNTER)
		rc = write_counter(st, res, now, err, sizeof(err));
	if (rc != 0) {
		res->error = xstrdup(err);
		return -1;
	}
	if (res->reply_recorded && res->answer.discard)
		res->discard = 1;
	return 0;
}

int
filter_store_write(struct store *st, const struct ps_conf *conf,
    struct filter_writer *w, const struct ps_msg *m, struct filter_result *res, time_t now)
{
	int rc = write_answer(st, conf, res, now);

	if (res->reply_note[0] != '\0')
		log_msg(res->reply_level, m->qid, "%s", res->reply_note);
	if (rc != 0)
		return -1;
	res->unrecorded = write_records(st, conf, w, m, res, now);
	return 0;
}

int
filter_store_run(struct filter_ctx *fc, struct store *st, int recording,
    struct filter_writer *w, const struct ps_msg *m, time_t now, struct filter_result *res)
{
	struct shared_lookup sl = {.st = st, .w = w, .conf = fc->conf};
	struct filter_lookup lk;

	filter_store_lookup(&lk, st, recording);
	if (w != NULL && st != NULL && !db_is_uri(fc->conf->database)) {
		lk.ctx = &sl;
		lk.resend = shared_resend;
		lk.customer = shared_customer;
		lk.checkin = shared_checkin;
	}
	if (filter_run(fc, &lk, m, now, res) != 0) {
		if (recording && res->reply_note[0] != '\0')
			log_msg(res->reply_level, m->qid, "%s", res->reply_note);
		return -1;
	}
	return recording ? filter_store_write(st, fc->conf, w, m, res, now) : 0;
}

/* replay_reason - err as the replay thread's line says it: less in an outage of the
 * database server (filter_store_reason(), which sends the rest to the debug log) */
static void
replay_reason(const struct store *st, char *err, size_t errlen)
{
	const char *why = filter_store_reason(st, NULL, err);

	if (why != err)
		snprintf(err, errlen, "%s", why);
}

int
filter_store_replay(struct store *st, const struct ps_conf *conf,
    struct filter_writer *w, size_t *done, size_t *left, char *err, size_t errlen)
{
	char **paths;
	size_t n, f;
	int rc = 0;

	*done = *left = 0;
	if (spool_list(conf_state_base(conf), &paths, &n, err, errlen) != 0)
		return -1;
	for (f = 0; f < n && rc == 0; f++) {
		struct spool_record rec = {0};
		struct store *ws = st;
		size_t i = 0;

		if (spool_load(paths[f], &rec, err, errlen) != 0) {
			rc = -1;		/* a file we cannot read stays for a person to see */
			break;
		}
		if (w != NULL) {
			pthread_mutex_lock(&w->lock);
			ws = writer_take(w, conf, 0, err, errlen);
		}
		for (; ws != NULL && i < rec.nitems; i++)
			if (filter_write_item(ws, conf, &rec.items[i], (time_t) rec.at, STORE_INVOICE_REPLAY,
			    err, errlen) != 0)
				break;
		if (w != NULL && i < rec.nitems)	/* of the connection that failed */
			replay_reason(ws, err, errlen);
		if (w != NULL)
			writer_give(w, 1);
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

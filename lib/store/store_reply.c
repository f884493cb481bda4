/*
 * store_reply.c - the answer columns of the checkins table and the manager_summaries
 * table (see store_reply.h).
 *
 * Trust: every string is bound as a parameter. Statements are the store's cached ones
 * (db_prepare), reset after each use so that no read stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_reply.h"
#include "util/xalloc.h"

#define REPLY_COLUMNS \
	"partstat, partstat_sequence, replied_at, reply_dtstamp, reply_cn, counter_start," \
	" counter_end, counter_sequence, counter_at FROM checkins"

/* sr_fail - one line into err: what failed (rc, a DB_* code), the database and the
 * engine's reason; -1 */
static int
sr_fail(struct store *st, int rc, const char *what, char *err, size_t errlen)
{
	store_failed(st, rc);
	snprintf(err, errlen, "%s: %s: %s", st->path, what, db_errmsg(st->db));
	return -1;
}

/* sr_prepare - the cached statement for sql, or NULL with err */
static struct db_stmt *
sr_prepare(struct store *st, const char *sql, char *err, size_t errlen)
{
	struct db_stmt *stmt = db_prepare(st->db, sql);

	if (stmt == NULL)
		sr_fail(st, DB_ERROR, "preparing a query", err, errlen);
	return stmt;
}

/* sr_done - step a statement that returns no row, reset it; 0 or -1 */
static int
sr_done(struct store *st, struct db_stmt *stmt, const char *what, char *err, size_t errlen)
{
	int rc = db_step(stmt);

	db_reset(stmt);
	return rc == DB_DONE ? 0 : sr_fail(st, rc, what, err, errlen);
}

/* col_time - an integer column as a time, 0 for NULL */
static time_t
col_time(struct db_stmt *stmt, int i)
{
	return (time_t) db_column_int64(stmt, i);
}

/* col_seq - an integer column, -1 for NULL */
static int
col_seq(struct db_stmt *stmt, int i)
{
	return db_column_is_null(stmt, i) ? -1 : (int) db_column_int64(stmt, i);
}

/* state_row - fill s from the REPLY_COLUMNS of a row, starting at column i */
static void
state_row(struct db_stmt *stmt, int i, struct store_reply_state *s)
{
	const char *t;

	memset(s, 0, sizeof(*s));
	t = db_column_text(stmt, i);
	snprintf(s->partstat, sizeof(s->partstat), "%s", t ? t : "");
	s->partstat_sequence = col_seq(stmt, i + 1);
	s->replied_at = col_time(stmt, i + 2);
	s->reply_dtstamp = col_time(stmt, i + 3);
	t = db_column_text(stmt, i + 4);
	s->reply_cn = t ? xstrdup(t) : NULL;
	s->counter_start = col_time(stmt, i + 5);
	s->counter_end = col_time(stmt, i + 6);
	s->counter_sequence = col_seq(stmt, i + 7);
	s->counter_at = col_time(stmt, i + 8);
}

void
store_reply_state_clear(struct store_reply_state *s)
{
	free(s->reply_cn);
	memset(s, 0, sizeof(*s));
}

void
store_reply_states_free(struct store_reply_state *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_reply_state_clear(&v[i]);
	free(v);
}

int
store_reply_find_uid(struct store *st, const char *uid, long long *id, char *err,
		     size_t errlen)
{
	struct db_stmt *stmt = sr_prepare(st, "SELECT id FROM checkins WHERE uid = ?", err, errlen);
	int rc;

	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, uid);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		*id = db_column_int64(stmt, 0);
	db_reset(stmt);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? 1 : sr_fail(st, rc, "finding a check-in by UID", err, errlen);
}

int
store_reply_state_get(struct store *st, long long id, struct store_reply_state *out,
		      char *err, size_t errlen)
{
	struct db_stmt *stmt = sr_prepare(st, "SELECT " REPLY_COLUMNS " WHERE id = ?", err, errlen);
	int rc;

	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, id);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		state_row(stmt, 0, out);
	db_reset(stmt);
	if (rc == DB_ROW)
		return 0;
	return rc == DB_DONE ? 1 : sr_fail(st, rc, "reading a check-in's answer", err, errlen);
}

int
store_reply_record(struct store *st, long long id, int sequence, const char *partstat,
		   time_t dtstamp, const char *cn, time_t now, char *err, size_t errlen)
{
	struct db_stmt *stmt = sr_prepare(st, "UPDATE checkins SET partstat = ?,"
	    " partstat_sequence = ?, reply_dtstamp = ?, reply_cn = COALESCE(?, reply_cn),"
	    " replied_at = ? WHERE id = ? AND (partstat_sequence IS NULL"
	    " OR partstat_sequence < ? OR (partstat_sequence = ?"
	    " AND COALESCE(reply_dtstamp, 0) <= ?))", err, errlen);

	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, partstat);
	db_bind_int64(stmt, 2, sequence);
	db_bind_int64(stmt, 3, (long long) dtstamp);
	db_bind_text(stmt, 4, cn);		/* NULL binds NULL */
	db_bind_int64(stmt, 5, (long long) now);
	db_bind_int64(stmt, 6, id);
	db_bind_int64(stmt, 7, sequence);
	db_bind_int64(stmt, 8, sequence);
	db_bind_int64(stmt, 9, (long long) dtstamp);
	if (sr_done(st, stmt, "recording an answer", err, errlen) != 0)
		return -1;
	return db_changes(st->db) > 0 ? 0 : 1;
}

int
store_reply_counter(struct store *st, long long id, int sequence, time_t start, time_t end,
		    const char *cn, time_t now, char *err, size_t errlen)
{
	struct db_stmt *stmt = sr_prepare(st, "UPDATE checkins SET counter_start = ?,"
	    " counter_end = ?, counter_sequence = ?, counter_at = ?,"
	    " reply_cn = COALESCE(?, reply_cn) WHERE id = ?", err, errlen);

	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, (long long) start);
	db_bind_int64(stmt, 2, (long long) end);
	db_bind_int64(stmt, 3, sequence);
	db_bind_int64(stmt, 4, (long long) now);
	db_bind_text(stmt, 5, cn);		/* NULL binds NULL */
	db_bind_int64(stmt, 6, id);
	return sr_done(st, stmt, "recording a proposed time", err, errlen);
}

int
store_reply_accept_counter(struct store *st, long long id, struct store_checkin *out,
			   struct store_reply_state *state, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(state, 0, sizeof(*state));
	if (store_journey_begin(st, err, errlen) != 0)
		return -1;
	if ((rc = store_checkin_get(st, id, out, err, errlen)) != 0) {
		store_journey_rollback(st);
		return rc < 0 ? -1 : STORE_CHECKIN_UNKNOWN;
	}
	if ((rc = store_reply_state_get(st, id, state, err, errlen)) != 0)
		goto fail;
	if (strcmp(out->state, "cancelled") == 0)
		rc = STORE_CHECKIN_CANCELLED;
	else if (state->counter_sequence < 0 || state->counter_start == 0)
		rc = STORE_REPLY_NO_COUNTER;
	else if (state->counter_sequence != out->sequence)
		rc = STORE_REPLY_STALE;
	if (rc != 0) {
		store_journey_rollback(st);
		return rc;
	}
	if (store_checkin_move(st, id, state->counter_start, state->counter_end > state->counter_start ?
	    state->counter_end : state->counter_start + (out->end_at - out->due_at), err, errlen) != 0)
		goto fail;
	stmt = sr_prepare(st, "UPDATE checkins SET counter_start = NULL, counter_end = NULL,"
	    " counter_sequence = NULL, counter_at = NULL WHERE id = ?", err, errlen);
	if (stmt == NULL)
		goto fail;
	db_bind_int64(stmt, 1, id);
	if (sr_done(st, stmt, "forgetting an accepted proposal", err, errlen) != 0 ||
	    store_journey_commit(st, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	store_journey_rollback(st);
	store_checkin_clear(out);
	store_reply_state_clear(state);
	return -1;
}

int
store_reply_unanswered(struct store *st, time_t now, long within, const char *manager,
		       struct store_checkin **v, struct store_reply_state **states, size_t *n,
		       char *err, size_t errlen)
{
	struct db_stmt *stmt;
	long long *ids = NULL;
	size_t nids = 0, cap = 0;
	int rc;

	*v = NULL;
	*states = NULL;
	*n = 0;
	stmt = sr_prepare(st, "SELECT id FROM checkins WHERE state <> 'cancelled'"
	    " AND due_at > ? AND due_at <= ? AND (CAST(? AS TEXT) IS NULL"
	    " OR manager = ? COLLATE NOCASE)"
	    " AND (partstat IS NULL OR partstat_sequence IS NULL OR partstat_sequence < sequence)"
	    " ORDER BY manager COLLATE NOCASE, due_at, id", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, (long long) now);
	db_bind_int64(stmt, 2, (long long) now + within);
	db_bind_text(stmt, 3, manager);		/* NULL binds NULL: every manager */
	db_bind_text(stmt, 4, manager);
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (nids == cap)
			ids = xreallocarray(ids, cap = cap ? cap * 2 : 16, sizeof(*ids));
		ids[nids++] = db_column_int64(stmt, 0);
	}
	db_reset(stmt);
	if (rc != DB_DONE) {
		free(ids);
		return sr_fail(st, rc, "listing unanswered check-ins", err, errlen);
	}
	if (nids > 0) {
		*v = xcalloc(nids, sizeof(**v));
		*states = xcalloc(nids, sizeof(**states));
	}
	for (size_t i = 0; i < nids; i++) {
		if (store_checkin_get(st, ids[i], &(*v)[*n], err, errlen) != 0)
			continue;	/* gone since the list was read */
		if (store_reply_state_get(st, ids[i], &(*states)[*n], err, errlen) != 0) {
			store_checkin_clear(&(*v)[*n]);
			continue;
		}
		(*n)++;
	}
	free(ids);
	return 0;
}

char *
store_reply_manager_cn(struct store *st, const char *manager)
{
	struct db_stmt *stmt;
	char err[256], *cn = NULL;

	stmt = sr_prepare(st, "SELECT reply_cn FROM checkins WHERE manager = ? COLLATE NOCASE"
	    " AND reply_cn IS NOT NULL ORDER BY COALESCE(replied_at, counter_at) DESC LIMIT 1",
	    err, sizeof(err));
	if (stmt == NULL)
		return NULL;
	db_bind_text(stmt, 1, manager);
	if (db_step(stmt) == DB_ROW && db_column_text(stmt, 0) != NULL)
		cn = xstrdup(db_column_text(stmt, 0));
	db_reset(stmt);
	return cn;
}

int
store_summary_last(struct store *st, const char *manager, time_t *at, char *err,
		   size_t errlen)
{
	struct db_stmt *stmt = sr_prepare(st, "SELECT sent_at FROM manager_summaries"
	    " WHERE manager = ?", err, errlen);
	int rc;

	*at = 0;
	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, manager);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		*at = col_time(stmt, 0);
	db_reset(stmt);
	return rc == DB_ROW || rc == DB_DONE ? 0 :
	    sr_fail(st, rc, "reading the last summary", err, errlen);
}

int
store_summary_mark(struct store *st, const char *manager, time_t now, char *err,
		   size_t errlen)
{
	struct db_stmt *stmt = sr_prepare(st, "INSERT INTO manager_summaries (manager, sent_at)"
	    " VALUES (?, ?) ON CONFLICT(manager) DO UPDATE SET sent_at = excluded.sent_at,"
	    " claimed_until = NULL", err, errlen);

	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, manager);
	db_bind_int64(stmt, 2, (long long) now);
	return sr_done(st, stmt, "marking a summary sent", err, errlen);
}

int
store_summary_claim(struct store *st, const char *manager, time_t last_before, time_t clock,
		    long lease, char *err, size_t errlen)
{
	/* sent_at 0: never (store_summary_last); a row locked by another mailer's claim
	 * is waited for, then its new values decide */
	struct db_stmt *stmt = sr_prepare(st, "INSERT INTO manager_summaries"
	    " (manager, sent_at, claimed_until) VALUES (?, 0, ?) ON CONFLICT(manager) DO UPDATE"
	    " SET claimed_until = excluded.claimed_until WHERE manager_summaries.sent_at <= ?"
	    " AND (manager_summaries.claimed_until IS NULL OR manager_summaries.claimed_until <= ?)",
	    err, errlen);

	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, manager);
	db_bind_int64(stmt, 2, (long long) clock + lease);
	db_bind_int64(stmt, 3, (long long) last_before);
	db_bind_int64(stmt, 4, (long long) clock);
	if (sr_done(st, stmt, "claiming a summary", err, errlen) != 0)
		return -1;
	return db_changes(st->db) > 0;
}

int
store_summary_release(struct store *st, const char *manager, char *err, size_t errlen)
{
	struct db_stmt *stmt = sr_prepare(st, "UPDATE manager_summaries SET claimed_until = NULL"
	    " WHERE manager = ?", err, errlen);

	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, manager);
	return sr_done(st, stmt, "releasing a summary's claim", err, errlen);
}

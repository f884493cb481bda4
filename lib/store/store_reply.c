/*
 * store_reply.c - the answer columns of the checkins table and the manager_summaries
 * table (see store_reply.h).
 *
 * Trust: every string is bound as a parameter. Statements are the store's cached ones
 * (store_prepare), reset after each use so that no read stays open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_reply.h"
#include "util/xalloc.h"

#define REPLY_COLUMNS \
	"partstat, partstat_sequence, replied_at, reply_dtstamp, reply_cn, counter_start," \
	" counter_end, counter_sequence, counter_at FROM checkins"

/* sr_fail - one line into err: what failed, the database and SQLite's reason; -1 */
static int
sr_fail(struct store *st, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
	return -1;
}

/* sr_prepare - the cached statement for sql, or NULL with err */
static sqlite3_stmt *
sr_prepare(struct store *st, const char *sql, char *err, size_t errlen)
{
	int rc = SQLITE_OK;
	sqlite3_stmt *stmt = store_prepare(st, sql, &rc);

	if (stmt == NULL)
		sr_fail(st, "preparing a query", err, errlen);
	return stmt;
}

/* sr_done - step a statement that returns no row, reset it; 0 or -1 */
static int
sr_done(struct store *st, sqlite3_stmt *stmt, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : sr_fail(st, what, err, errlen);
}

/* col_time - an integer column as a time, 0 for NULL */
static time_t
col_time(sqlite3_stmt *stmt, int i)
{
	return (time_t) sqlite3_column_int64(stmt, i);
}

/* col_seq - an integer column, -1 for NULL */
static int
col_seq(sqlite3_stmt *stmt, int i)
{
	return sqlite3_column_type(stmt, i) == SQLITE_NULL ? -1 : sqlite3_column_int(stmt, i);
}

/* state_row - fill s from the REPLY_COLUMNS of a row, starting at column i */
static void
state_row(sqlite3_stmt *stmt, int i, struct store_reply_state *s)
{
	const unsigned char *t;

	memset(s, 0, sizeof(*s));
	t = sqlite3_column_text(stmt, i);
	snprintf(s->partstat, sizeof(s->partstat), "%s", t ? (const char *) t : "");
	s->partstat_sequence = col_seq(stmt, i + 1);
	s->replied_at = col_time(stmt, i + 2);
	s->reply_dtstamp = col_time(stmt, i + 3);
	t = sqlite3_column_text(stmt, i + 4);
	s->reply_cn = t ? xstrdup((const char *) t) : NULL;
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
	sqlite3_stmt *stmt = sr_prepare(st, "SELECT id FROM checkins WHERE uid = ?1", err, errlen);
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, uid, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : sr_fail(st, "finding a check-in by UID", err, errlen);
}

int
store_reply_state_get(struct store *st, long long id, struct store_reply_state *out,
		      char *err, size_t errlen)
{
	sqlite3_stmt *stmt = sr_prepare(st, "SELECT " REPLY_COLUMNS " WHERE id = ?1", err, errlen);
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		state_row(stmt, 0, out);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : sr_fail(st, "reading a check-in's answer", err, errlen);
}

int
store_reply_record(struct store *st, long long id, int sequence, const char *partstat,
		   time_t dtstamp, const char *cn, time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = sr_prepare(st, "UPDATE checkins SET partstat = ?2,"
	    " partstat_sequence = ?3, reply_dtstamp = ?4, reply_cn = COALESCE(?5, reply_cn),"
	    " replied_at = ?6 WHERE id = ?1 AND (partstat_sequence IS NULL"
	    " OR partstat_sequence < ?3 OR (partstat_sequence = ?3"
	    " AND COALESCE(reply_dtstamp, 0) <= ?4))", err, errlen);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, partstat, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 3, sequence);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64) dtstamp);
	if (cn != NULL)
		sqlite3_bind_text(stmt, 5, cn, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, 5);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64) now);
	if (sr_done(st, stmt, "recording an answer", err, errlen) != 0)
		return -1;
	return sqlite3_changes(st->db) > 0 ? 0 : 1;
}

int
store_reply_counter(struct store *st, long long id, int sequence, time_t start, time_t end,
		    const char *cn, time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = sr_prepare(st, "UPDATE checkins SET counter_start = ?2,"
	    " counter_end = ?3, counter_sequence = ?4, counter_at = ?5,"
	    " reply_cn = COALESCE(?6, reply_cn) WHERE id = ?1", err, errlen);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) start);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64) end);
	sqlite3_bind_int(stmt, 4, sequence);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64) now);
	if (cn != NULL)
		sqlite3_bind_text(stmt, 6, cn, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, 6);
	return sr_done(st, stmt, "recording a proposed time", err, errlen);
}

int
store_reply_accept_counter(struct store *st, long long id, struct store_checkin *out,
			   struct store_reply_state *state, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
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
	    " counter_sequence = NULL, counter_at = NULL WHERE id = ?1", err, errlen);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, id);
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
	sqlite3_stmt *stmt;
	long long *ids = NULL;
	size_t nids = 0, cap = 0;
	int rc;

	*v = NULL;
	*states = NULL;
	*n = 0;
	stmt = sr_prepare(st, "SELECT id FROM checkins WHERE state <> 'cancelled'"
	    " AND due_at > ?1 AND due_at <= ?1 + ?2 AND (?3 IS NULL OR manager = ?3 COLLATE NOCASE)"
	    " AND (partstat IS NULL OR partstat_sequence IS NULL OR partstat_sequence < sequence)"
	    " ORDER BY manager COLLATE NOCASE, due_at, id", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64) now);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) within);
	if (manager != NULL)
		sqlite3_bind_text(stmt, 3, manager, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, 3);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (nids == cap)
			ids = xreallocarray(ids, cap = cap ? cap * 2 : 16, sizeof(*ids));
		ids[nids++] = sqlite3_column_int64(stmt, 0);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		free(ids);
		return sr_fail(st, "listing unanswered check-ins", err, errlen);
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
	sqlite3_stmt *stmt;
	char err[256], *cn = NULL;

	stmt = sr_prepare(st, "SELECT reply_cn FROM checkins WHERE manager = ?1 COLLATE NOCASE"
	    " AND reply_cn IS NOT NULL ORDER BY COALESCE(replied_at, counter_at) DESC LIMIT 1",
	    err, sizeof(err));
	if (stmt == NULL)
		return NULL;
	sqlite3_bind_text(stmt, 1, manager, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL)
		cn = xstrdup((const char *) sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	return cn;
}

int
store_summary_last(struct store *st, const char *manager, time_t *at, char *err,
		   size_t errlen)
{
	sqlite3_stmt *stmt = sr_prepare(st, "SELECT sent_at FROM manager_summaries"
	    " WHERE manager = ?1", err, errlen);
	int rc;

	*at = 0;
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, manager, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*at = col_time(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    sr_fail(st, "reading the last summary", err, errlen);
}

int
store_summary_mark(struct store *st, const char *manager, time_t now, char *err,
		   size_t errlen)
{
	sqlite3_stmt *stmt = sr_prepare(st, "INSERT INTO manager_summaries (manager, sent_at)"
	    " VALUES (?1, ?2) ON CONFLICT(manager) DO UPDATE SET sent_at = excluded.sent_at",
	    err, errlen);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, manager, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) now);
	return sr_done(st, stmt, "marking a summary sent", err, errlen);
}

/*
 * store_digest.c - the digest's queries (store_digest.h): the invoices to list, the
 * last digest's time, the claim a mailer takes on them before it sends (a lease, so
 * that mailers on several hosts send one digest, and a mailer that dies leaves its
 * invoices to the next run after the lease), and marking the listed ones.
 *
 * Ids and times are bound; the text columns are copied as stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_digest.h"
#include "store_int.h"
#include "util/xalloc.h"

/* flagged invoices, and those with warnings only (postsale's own rules: issue 9), that
 * no digest has listed yet */
#define DIGEST_LISTABLE \
	"(i.verdict = 'flagged' OR EXISTS (SELECT 1 FROM findings f" \
	"  WHERE f.invoice_id = i.id)) AND i.digested_at IS NULL"
/* the listable invoices (and what `extra` adds), the finding ids joined as the engine
 * joins strings */
#define SQL_COLLECT(agg, extra) \
	"SELECT i.id, i.sent_at, i.number, coalesce(i.buyer, i.recipients), i.total, i.currency," \
	" (SELECT " agg " FROM findings f WHERE f.invoice_id = i.id)," \
	" i.action, i.review_state, CASE WHEN i.verdict = 'flagged' THEN 1 ELSE 0 END" \
	" FROM invoices i WHERE " DIGEST_LISTABLE extra " ORDER BY i.id"
#define FINDING_TEXT "rule_id || CASE severity WHEN 'warning' THEN ' (warning)' ELSE '' END"
#define AGG_SQLITE "group_concat(" FINDING_TEXT ", ', ')"
#define AGG_PG "string_agg(" FINDING_TEXT ", ', ' ORDER BY f.id)"
/* [engine]: every listable invoice; [2 + engine]: only those a lapsed claim left (a
 * mailer that died between its claim and its mark) */
#define ORPHANED " AND i.digest_claimed_until IS NOT NULL"
static const char *const sql_collect[] = {
	SQL_COLLECT(AGG_SQLITE, ""), SQL_COLLECT(AGG_PG, ""),
	SQL_COLLECT(AGG_SQLITE, ORPHANED), SQL_COLLECT(AGG_PG, ORPHANED),
};
static const char SQL_LAST[] = "SELECT max(digested_at) FROM invoices";
/* the listable invoices another mailer's claim holds at the clock */
static const char SQL_HELD[] = "SELECT count(*), coalesce(max(i.digest_claimed_until), 0)"
	" FROM invoices i WHERE " DIGEST_LISTABLE " AND i.digest_claimed_until > ?";
static const char SQL_CLAIM[] = "UPDATE invoices SET digest_claimed_until = ? WHERE id = ?"
	" AND digested_at IS NULL";
static const char SQL_RELEASE[] = "UPDATE invoices SET digest_claimed_until = NULL"
	" WHERE id = ? AND digested_at IS NULL";
static const char SQL_MARK[] = "UPDATE invoices SET digested_at = ?, digest_claimed_until = NULL"
	" WHERE id = ? AND digested_at IS NULL";

/* col_dup - a column as a new string, or NULL */
static char *
col_dup(struct db_stmt *stmt, int i)
{
	const char *s = db_column_text(stmt, i);

	return s != NULL ? xstrdup(s) : NULL;
}

/* digest_row - fill r from a row of SQL_COLLECT */
static void
digest_row(struct db_stmt *stmt, struct store_digest_row *r)
{
	r->id = db_column_int64(stmt, 0);
	r->sent_at = (time_t) db_column_int64(stmt, 1);
	r->number = col_dup(stmt, 2);
	r->customer = col_dup(stmt, 3);
	r->amount = col_dup(stmt, 4);
	r->currency = col_dup(stmt, 5);
	r->findings = col_dup(stmt, 6);
	r->action = col_dup(stmt, 7);
	r->review_state = col_dup(stmt, 8);
	r->flagged = (int) db_column_int64(stmt, 9);
}

/* collect_rows - step sql (a text of sql_collect) into *rows, *n; a DB_* code (nothing
 * kept on failure) */
static int
collect_rows(struct store *st, const char *sql, struct store_digest_row **rows, size_t *n)
{
	struct db_stmt *stmt = db_prepare(st->db, sql);
	size_t cap = 0;
	int rc = DB_ERROR;

	*rows = NULL;
	*n = 0;
	while (stmt != NULL && (rc = db_step(stmt)) == DB_ROW) {
		if (*n == cap)
			*rows = xreallocarray(*rows, cap = cap ? cap * 2 : 16, sizeof(**rows));
		digest_row(stmt, &(*rows)[(*n)++]);
	}
	db_reset(stmt);
	if (rc != DB_DONE) {
		store_digest_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

/* digest_since - the last digest's time, else the oldest of the n rows', else 0 */
static time_t
digest_since(struct store *st, const struct store_digest_row *rows, size_t n)
{
	struct db_stmt *stmt = db_prepare(st->db, SQL_LAST);
	time_t since = n > 0 ? rows[0].sent_at : 0;

	if (stmt != NULL && db_step(stmt) == DB_ROW && !db_column_is_null(stmt, 0))
		since = (time_t) db_column_int64(stmt, 0);
	db_reset(stmt);
	return since;
}

/* collect_sql - the collect text for the engine, all or only the orphaned */
static const char *
collect_sql(struct store *st, int orphaned)
{
	return sql_collect[(orphaned ? 2 : 0) + (db_kind(st->db) == DB_SQLITE ? 0 : 1)];
}

int
store_digest_rows(struct store *st, struct store_digest_row **rows, size_t *n,
		  time_t *since, char *err, size_t errlen)
{
	int rc = collect_rows(st, collect_sql(st, 0), rows, n);

	*since = 0;
	if (rc != DB_DONE) {
		store_errmsg(st, rc, "reading the flagged invoices", err, errlen);
		return -1;
	}
	*since = digest_since(st, *rows, *n);
	return 0;
}

void
store_digest_rows_free(struct store_digest_row *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++) {
		struct store_digest_row *r = &rows[i];
		free(r->number);
		free(r->customer);
		free(r->amount);
		free(r->currency);
		free(r->findings);
		free(r->action);
		free(r->review_state);
	}
	free(rows);
}

/* update_ids - run sql (parameters: [the value v,] the id) for each of the n ids; a
 * DB_* code */
static int
update_ids(struct store *st, const char *sql, int with_value, long long v, const long long *ids,
	   size_t n)
{
	struct db_stmt *stmt = db_prepare(st->db, sql);
	int rc = stmt != NULL ? DB_DONE : DB_ERROR;

	for (size_t i = 0; rc == DB_DONE && i < n; i++) {
		if (with_value)
			db_bind_int64(stmt, 1, v);
		db_bind_int64(stmt, with_value ? 2 : 1, ids[i]);
		rc = store_step_done(st, stmt);
	}
	return rc;
}

/* held_by_others - the listable invoices a claim holds at clock: their count into
 * *held and the claim's end into *until; a DB_* code */
static int
held_by_others(struct store *st, time_t clock, size_t *held, time_t *until)
{
	struct db_stmt *stmt = db_prepare(st->db, SQL_HELD);
	int rc = DB_ERROR;

	if (stmt != NULL) {
		db_bind_int64(stmt, 1, (long long) clock);
		if ((rc = db_step(stmt)) == DB_ROW) {
			*held = (size_t) db_column_int64(stmt, 0);
			*until = (time_t) db_column_int64(stmt, 1);
			rc = DB_DONE;
		}
	}
	db_reset(stmt);
	return rc;
}

/* sent_since - whether a digest was marked at or after slot (into *sent); a DB_* code */
static int
sent_since(struct store *st, time_t slot, int *sent)
{
	struct db_stmt *stmt = db_prepare(st->db, SQL_LAST);
	int rc = stmt != NULL ? db_step(stmt) : DB_ERROR;

	*sent = rc == DB_ROW && !db_column_is_null(stmt, 0) && db_column_int64(stmt, 0) >= slot;
	db_reset(stmt);
	return rc == DB_ROW ? DB_DONE : rc;
}

/* claim_rows - in the open write transaction: unless the slot's digest went out or a
 * claim holds some listable invoice, read the listable (or only the orphaned) ones and
 * claim them until the lease's end; a DB_* code */
static int
claim_rows(struct store *st, time_t clock, long lease, int orphaned, time_t slot,
	   struct store_digest_claim *c)
{
	long long *ids;
	int rc;

	if (slot > 0 && ((rc = sent_since(st, slot, &c->slot_sent)) != DB_DONE || c->slot_sent))
		return rc;
	if ((rc = held_by_others(st, clock, &c->held, &c->held_until)) != DB_DONE || c->held > 0)
		return rc;
	if ((rc = collect_rows(st, collect_sql(st, orphaned), &c->rows, &c->n)) != DB_DONE)
		return rc;
	ids = xcalloc(c->n + 1, sizeof(*ids));
	for (size_t i = 0; i < c->n; i++)
		ids[i] = c->rows[i].id;
	rc = update_ids(st, SQL_CLAIM, 1, (long long) clock + lease, ids, c->n);
	free(ids);
	c->since = digest_since(st, c->rows, c->n);
	return rc;
}

int
store_digest_claim(struct store *st, time_t clock, long lease, int orphaned, time_t slot,
		   struct store_digest_claim *c, char *err, size_t errlen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = db_begin(st->db, 1)) == DB_DONE &&
	    (rc = claim_rows(st, clock, lease, orphaned, slot, c)) == DB_DONE)
		rc = db_commit(st->db);
	if (rc != DB_DONE) {
		store_errmsg(st, rc, "claiming the digest's invoices", err, errlen);
		db_rollback(st->db);
		store_digest_rows_free(c->rows, c->n);
		memset(c, 0, sizeof(*c));
		return -1;
	}
	if (c->held > 0) {		/* another mailer's digest: nothing claimed */
		store_digest_rows_free(c->rows, c->n);
		c->rows = NULL;
		c->n = 0;
	}
	return 0;
}

int
store_digest_release(struct store *st, const long long *ids, size_t n, char *err,
		     size_t errlen)
{
	int rc = update_ids(st, SQL_RELEASE, 0, 0, ids, n);

	if (rc != DB_DONE) {
		store_errmsg(st, rc, "releasing the digest's claim", err, errlen);
		return -1;
	}
	return 0;
}

int
store_digest_mark(struct store *st, const long long *ids, size_t n, time_t now,
		  char *err, size_t errlen)
{
	int rc;

	if ((rc = db_begin(st->db, 1)) == DB_DONE &&
	    (rc = update_ids(st, SQL_MARK, 1, (long long) now, ids, n)) == DB_DONE)
		rc = db_commit(st->db);
	if (rc != DB_DONE) {
		store_failed(st, rc);
		snprintf(err, errlen, "%s: marking %zu invoices digested: %s", st->path, n,
		    db_errmsg(st->db));
		db_rollback(st->db);
		return -1;
	}
	return 0;
}

/*
 * store_digest.c - the digest's queries (store_digest.h): the invoices to list, the
 * last digest's time, and marking the listed ones.
 *
 * Ids and times are bound; the text columns are copied as stored.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store_digest.h"
#include "store_int.h"
#include "util/xalloc.h"

/* flagged invoices, and those with warnings only (postsale's own rules: issue 9); the
 * finding ids joined as the engine joins strings */
#define SQL_COLLECT(agg) \
	"SELECT i.id, i.sent_at, i.number, coalesce(i.buyer, i.recipients), i.total, i.currency," \
	" (SELECT " agg " FROM findings f WHERE f.invoice_id = i.id)," \
	" i.action, i.review_state, CASE WHEN i.verdict = 'flagged' THEN 1 ELSE 0 END" \
	" FROM invoices i WHERE (i.verdict = 'flagged' OR EXISTS (SELECT 1 FROM findings f" \
	"  WHERE f.invoice_id = i.id)) AND i.digested_at IS NULL ORDER BY i.id"
#define FINDING_TEXT "rule_id || CASE severity WHEN 'warning' THEN ' (warning)' ELSE '' END"
static const char *const sql_collect[] = {
	SQL_COLLECT("group_concat(" FINDING_TEXT ", ', ')"),
	SQL_COLLECT("string_agg(" FINDING_TEXT ", ', ' ORDER BY f.id)"),
};
static const char SQL_LAST[] = "SELECT max(digested_at) FROM invoices";
static const char SQL_MARK[] = "UPDATE invoices SET digested_at = ? WHERE id = ?"
	" AND digested_at IS NULL";

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

int
store_digest_rows(struct store *st, struct store_digest_row **rows, size_t *n,
		  time_t *since, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	size_t cap = 0;
	int rc = DB_ERROR;

	*rows = NULL;
	*n = 0;
	*since = 0;
	stmt = db_prepare(st->db, sql_collect[db_kind(st->db) == DB_SQLITE ? 0 : 1]);
	while (stmt != NULL && (rc = db_step(stmt)) == DB_ROW) {
		if (*n == cap)
			*rows = xreallocarray(*rows, cap = cap ? cap * 2 : 16, sizeof(**rows));
		digest_row(stmt, &(*rows)[(*n)++]);
	}
	db_reset(stmt);
	if (rc != DB_DONE) {
		store_failed(st, rc);
		snprintf(err, errlen, "%s: reading the flagged invoices: %s", st->path,
		    db_errmsg(st->db));
		store_digest_rows_free(*rows, *n);
		*rows = NULL;
		*n = 0;
		return -1;
	}
	/* since the last digest, else since the oldest invoice listed */
	if ((stmt = db_prepare(st->db, SQL_LAST)) != NULL && db_step(stmt) == DB_ROW &&
	    !db_column_is_null(stmt, 0))
		*since = (time_t) db_column_int64(stmt, 0);
	else if (*n > 0)
		*since = (*rows)[0].sent_at;
	db_reset(stmt);
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

int
store_digest_mark(struct store *st, const long long *ids, size_t n, time_t now,
		  char *err, size_t errlen)
{
	struct db_stmt *stmt = NULL;
	int rc;

	rc = db_begin(st->db, 1);
	if (rc == DB_DONE && (stmt = db_prepare(st->db, SQL_MARK)) == NULL)
		rc = DB_ERROR;
	for (size_t i = 0; rc == DB_DONE && i < n; i++) {
		db_bind_int64(stmt, 1, (long long) now);
		db_bind_int64(stmt, 2, ids[i]);
		rc = store_step_done(st, stmt);
	}
	if (rc == DB_DONE)
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

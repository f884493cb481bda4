/*
 * store_invoices.c - the invoice journal's reads for postsalectl (store_invoices.h).
 *
 * Ids, times and the filter are bound; the rows are copied as stored.
 */
#include <stdio.h>

#include "store_int.h"
#include "store_invoices.h"

static const char SQL_LIST[] =
	"SELECT id, sent_at, number, buyer, total, currency, verdict, action, review_state"
	" FROM invoices WHERE (? = 0 OR verdict = 'flagged' OR (? = 2 AND EXISTS"
	" (SELECT 1 FROM findings f WHERE f.invoice_id = invoices.id))) AND sent_at >= ?"
	" ORDER BY id";
static const char SQL_GET[] =
	"SELECT number, syntax, profile, seller, buyer, buyer_address, issue_date, due_date,"
	" total, currency, payee_iban, sent_at, sender, recipients, message_id, queue_id,"
	" verdict, action, review_state, review_note, reviewed_at, digested_at, hold_state"
	" FROM invoices WHERE id = ?";
/* In the order they were recorded: SQLite's rowid, PostgreSQL's id column (store.c). */
static const char *const sql_findings[] = {
	"SELECT rule_id, severity, message FROM findings WHERE invoice_id = ? ORDER BY rowid",
	"SELECT rule_id, severity, message FROM findings WHERE invoice_id = ? ORDER BY id",
};

/* fetch - run the bound stmt into rows; 0, or -1 with "PATH: message" in err */
static int
fetch(struct store *st, struct db_stmt *stmt, struct store_rows *rows, char *err, size_t errlen)
{
	if (store_rows_fetch(st, stmt, rows) == DB_DONE)
		return 0;
	snprintf(err, errlen, "%s: %s", st->path, db_errmsg(st->db));
	return -1;
}

/* prepare - the cached statement for sql, or NULL with err */
static struct db_stmt *
prepare(struct store *st, const char *sql, char *err, size_t errlen)
{
	struct db_stmt *stmt = db_prepare(st->db, sql);

	if (stmt == NULL) {
		store_failed(st, DB_ERROR);
		snprintf(err, errlen, "%s: %s", st->path, db_errmsg(st->db));
	}
	return stmt;
}

int
store_invoices_list(struct store *st, enum store_invoices_which which, time_t since,
		    struct store_rows *rows, char *err, size_t errlen)
{
	struct db_stmt *stmt = prepare(st, SQL_LIST, err, errlen);

	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, which);
	db_bind_int64(stmt, 2, which);
	db_bind_int64(stmt, 3, (long long) since);
	return fetch(st, stmt, rows, err, errlen);
}

int
store_invoices_get(struct store *st, long long id, struct store_rows *row, char *err,
		   size_t errlen)
{
	struct db_stmt *stmt = prepare(st, SQL_GET, err, errlen);

	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, id);
	return fetch(st, stmt, row, err, errlen);
}

int
store_invoices_findings(struct store *st, long long id, struct store_rows *rows, char *err,
			size_t errlen)
{
	struct db_stmt *stmt;

	stmt = prepare(st, sql_findings[db_kind(st->db) == DB_SQLITE ? 0 : 1], err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, id);
	return fetch(st, stmt, rows, err, errlen);
}

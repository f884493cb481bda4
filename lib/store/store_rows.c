/*
 * store_rows.c - query results as strings, and the statement and binding helpers of the
 * store_*.c files (store_rows.h).
 */
#include <stdlib.h>

#include "store_invoice.h"
#include "store_rows.h"
#include "util/xalloc.h"

int
store_rows_fetch(sqlite3_stmt *stmt, struct store_rows *r)
{
	int rc;
	size_t ncol = (size_t) sqlite3_column_count(stmt);

	r->ncol = ncol;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r->cell = xreallocarray(r->cell, (r->n + 1) * ncol, sizeof(*r->cell));
		for (size_t c = 0; c < ncol; c++) {
			const unsigned char *s = sqlite3_column_text(stmt, (int) c);
			r->cell[r->n * ncol + c] = s ? xstrdup((const char *) s) : NULL;
		}
		r->n++;
	}
	sqlite3_reset(stmt);
	return rc;
}

const char *
store_rows_get(const struct store_rows *r, size_t i, size_t c)
{
	return i < r->n && c < r->ncol ? r->cell[i * r->ncol + c] : NULL;
}

long long
store_rows_int(const struct store_rows *r, size_t i, size_t c)
{
	const char *s = store_rows_get(r, i, c);

	return s ? strtoll(s, NULL, 10) : 0;
}

void
store_rows_clear(struct store_rows *r)
{
	for (size_t i = 0; i < r->n * r->ncol; i++)
		free(r->cell[i]);
	free(r->cell);
	r->cell = NULL;
	r->n = 0;
}

void
store_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(stmt, i);
	else
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
}

sqlite3_stmt *
store_statement(struct store *st, const char *sql, const char *what, char *err, size_t errlen)
{
	int rc;
	sqlite3_stmt *s = store_prepare(st, sql, &rc);

	if (s == NULL)
		journal_errmsg(st, rc, what, err, errlen);
	return s;
}

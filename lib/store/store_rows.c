/*
 * store_rows.c - query results as strings (store_rows.h), filled by the store_*.c
 * files through store_rows_fetch() (store_int.h).
 */
#include <stdlib.h>

#include "store_int.h"
#include "store_rows.h"
#include "util/xalloc.h"

int
store_rows_fetch(struct store *st, struct db_stmt *stmt, struct store_rows *r)
{
	int rc;
	size_t ncol = (size_t) db_column_count(stmt);

	r->ncol = ncol;
	while ((rc = db_step(stmt)) == DB_ROW) {
		r->cell = xreallocarray(r->cell, (r->n + 1) * ncol, sizeof(*r->cell));
		for (size_t c = 0; c < ncol; c++) {
			const char *s = db_column_text(stmt, (int) c);
			r->cell[r->n * ncol + c] = s ? xstrdup(s) : NULL;
		}
		r->n++;
	}
	db_reset(stmt);
	return store_failed(st, rc);
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

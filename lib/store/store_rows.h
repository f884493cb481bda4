/*
 * store_rows.h - the rows of a query as strings, for readers that show them (the
 * finance console, postsalectl): every column as text (NULL stays NULL), owned by the
 * result. The column order is the query's, documented where the query is.
 */
#ifndef PS_STORE_ROWS_H
#define PS_STORE_ROWS_H

#include <stddef.h>
#include <sqlite3.h>

#include "store.h"

struct store_rows {
	size_t n, ncol;
	char **cell;			/* n * ncol strings or NULLs */
};

/* store_rows_fetch - step stmt to its end, appending each row to r (empty, or rows of
 * the same columns); resets stmt. SQLITE_DONE, or SQLite's error code */
int store_rows_fetch(sqlite3_stmt *stmt, struct store_rows *r);
/* store_rows_get - the cell of row i, column c, or NULL */
const char *store_rows_get(const struct store_rows *r, size_t i, size_t c);
/* store_rows_int - the cell as a number (0 for NULL) */
long long store_rows_int(const struct store_rows *r, size_t i, size_t c);
/* store_rows_clear - free the cells; r is empty after */
void store_rows_clear(struct store_rows *r);
/* store_statement - the connection's cached statement for sql (store_prepare()), or
 * NULL with one line in err saying what failed (journal_errmsg()) */
sqlite3_stmt *store_statement(struct store *st, const char *sql, const char *what,
    char *err, size_t errlen);
/* store_bind_text - bind s (NULL binds NULL); SQLite copies it */
void store_bind_text(sqlite3_stmt *stmt, int i, const char *s);

#endif

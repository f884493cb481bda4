/*
 * store_rows.h - the rows of a query as strings, for readers that show them (the
 * finance console, postsalectl): every column as text (NULL stays NULL), owned by the
 * result. The column order is the query's, documented where the query is.
 */
#ifndef PS_STORE_ROWS_H
#define PS_STORE_ROWS_H

#include <stddef.h>

struct store_rows {
	size_t n, ncol;
	char **cell;			/* n * ncol strings or NULLs */
};

/* store_rows_get - the cell of row i, column c, or NULL */
const char *store_rows_get(const struct store_rows *r, size_t i, size_t c);
/* store_rows_int - the cell as a number (0 for NULL) */
long long store_rows_int(const struct store_rows *r, size_t i, size_t c);
/* store_rows_clear - free the cells; r is empty after */
void store_rows_clear(struct store_rows *r);

#endif

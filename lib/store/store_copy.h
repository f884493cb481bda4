/*
 * store_copy.h - move a whole store from one database to another: an SQLite file into
 * PostgreSQL when a site outgrows one mail server, and back (postsalectl store copy).
 */
#ifndef PS_STORE_COPY_H
#define PS_STORE_COPY_H

#include <stddef.h>

struct store_copy_table {
	char *name;
	long long rows;			/* rows copied */
};

/*
 * store_copy - copy every row of every table of the store at from into the store at
 * to (each a path or a postgresql:// URI), which must have the same tables and hold no
 * row yet: open both with store_open() first, so that both are at this build's schema.
 * Tables go parents first (foreign keys); on PostgreSQL the identity counters then
 * continue after the highest id copied. One transaction on to: all or nothing. 0 with
 * the tables copied in *tables (*ntables; the caller frees them with
 * store_copy_free()), or -1 with one line in err naming the table, column or row.
 */
int store_copy(const char *from, const char *to, long timeout_ms,
    struct store_copy_table **tables, size_t *ntables, char *err, size_t errlen);
/* store_copy_is_uri - whether target names a PostgreSQL server rather than a file */
int store_copy_is_uri(const char *target);
/* store_copy_free - free store_copy()'s list; NULL-safe; returns NULL */
struct store_copy_table *store_copy_free(struct store_copy_table *tables, size_t ntables);

#endif

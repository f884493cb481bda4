/*
 * store_int.h - what the store_*.c files share and nobody else sees: the store's
 * connection (db.h) and the helpers that turn a failed db_* call into one line of err.
 *
 * Only lib/store/ includes this header (and the store's own unit suites, which look
 * behind the interface on purpose).
 */
#ifndef PS_STORE_INT_H
#define PS_STORE_INT_H

#include <stddef.h>

#include "db.h"
#include "store.h"

struct store {
	struct db *db;			/* the connection (SQLite file or PostgreSQL) */
	char *path;			/* db_name(): the path, or the URI without password */
	char *target;			/* what store_open() was given (may hold a password) */
	int last_rc;			/* the DB_* code of the last failure, for store_exit_db() */
	long long deadline;		/* store_set_deadline()'s, also given to the connection */
};

/*
 * store_errmsg - one line for a failed db_* call (rc its DB_* code): "PATH: WHAT: the
 * database is locked by another writer (gave up after the busy timeout ...)" for
 * SQLite's DB_BUSY, else "PATH: WHAT: " and the engine's message (on PostgreSQL a
 * DB_BUSY's is the server's trouble: no connection, lost, no answer within the
 * timeout). Keeps rc for store_exit_db().
 */
void store_errmsg(struct store *st, int rc, const char *what, char *err, size_t errlen);
/* store_failed - keep rc (a DB_* code < 0) as the store's last failure; returns rc */
int store_failed(struct store *st, int rc);
/* store_statement - the connection's cached statement for sql (a string constant), or
 * NULL with one line in err saying what failed */
struct db_stmt *store_statement(struct store *st, const char *sql, const char *what,
    char *err, size_t errlen);
/* store_step_done - step a statement that returns no row (or whose row is not read),
 * then reset it; DB_DONE or the negative DB_* code (kept by store_failed()) */
int store_step_done(struct store *st, struct db_stmt *s);
/* store_exec - db_exec() whose failure is kept by store_failed(); a DB_* code */
int store_exec(struct store *st, const char *sql);
struct store_rows;
/* store_rows_fetch - step stmt to its end, appending each row to r (empty, or rows of
 * the same columns) as strings (store_rows.h); resets stmt. DB_DONE or a DB_* code */
int store_rows_fetch(struct store *st, struct db_stmt *stmt, struct store_rows *r);
/* store_migration - the text that takes a database of engine kind from schema version v
 * to v + 1, or NULL past the last */
const char *store_migration(int v, enum db_kind kind);
/* store_db - the connection, for the store's unit suites */
struct db *store_db(struct store *st);

#endif

/*
 * store.h - the SQLite store: one file, WAL, a versioned schema that a newer release
 * migrates forward. Other store_*.c files hold the queries of each table.
 */
#ifndef PS_STORE_H
#define PS_STORE_H

#include <stddef.h>
#include <sqlite3.h>

struct store_stmt {		/* a statement kept prepared for the connection */
	const char *sql;	/* the caller's text (a string constant) */
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *path;
	struct store_stmt *stmts;	/* store_prepare()'s cache, finalized by store_close() */
	size_t nstmts;
	long timeout_ms;		/* the longest wait for one lock (database-timeout) */
	long long deadline;		/* store_clock_ms() time no wait goes past; 0: none */
	long long busy_since;		/* when the current wait for a lock began */
};

#define STORE_CREATE	0x1	/* create the file and the schema when missing */
#define STORE_READONLY	0x2	/* open for reading only (never migrates) */

/* The schema version this build writes; store_open() migrates older files to it. */
int store_schema_version(void);

/*
 * store_open - open (and with STORE_CREATE create) the database at path, wait at most
 * timeout_ms for a lock, and bring its schema up to date. Returns a store the caller
 * closes with store_close(), or NULL with one line in err naming the path and the cause
 * (a missing directory, a file that is not a database, a schema newer than this build).
 */
struct store *store_open(const char *path, long timeout_ms, int flags, char *err, size_t errlen);
/* store_close - finalize the cached statements and close the connection; returns NULL */
struct store *store_close(struct store *st);
/*
 * store_prepare - the statement for sql (a string constant that outlives st), prepared
 * on the first call and kept by st until store_close(): reset, without bindings. The
 * caller steps it, then calls sqlite3_reset() (which ends its read) and never
 * sqlite3_finalize(). NULL with SQLite's code in *rc when sql does not prepare.
 */
sqlite3_stmt *store_prepare(struct store *st, const char *sql, int *rc);
/* store_user_version - the schema version in the file, or -1 */
int store_user_version(struct store *st);

/* store_clock_ms - a monotonic clock in milliseconds, for deadlines */
long long store_clock_ms(void);
/*
 * store_set_deadline - from now on no wait of st for a lock lasts past deadline (a
 * store_clock_ms() time), whatever is left of the timeout; 0 lifts it. The milter sets
 * one per message, so that all the waits of a message together stay within
 * database-timeout. Without one each wait may last the whole timeout.
 */
void store_set_deadline(struct store *st, long long deadline);

#endif

/*
 * store.h - the store: one database (an SQLite file, or a PostgreSQL server through
 * lib/store/db.h), a versioned schema that a newer release migrates forward. The store
 * is opaque; the queries of each table have their own header (store_*.h).
 */
#ifndef PS_STORE_H
#define PS_STORE_H

#include <stddef.h>

struct store;

#define STORE_CREATE	0x1	/* create the file and the schema when missing */
#define STORE_READONLY	0x2	/* open for reading only (never migrates) */
#define STORE_CHECKPOINT_APART 0x4	/* SQLite: the commits leave the WAL's checkpoint to
				   store_checkpoint() on another connection (db.h) */

/* The schema version this build writes; store_open() migrates older files to it. */
int store_schema_version(void);

/*
 * store_open - open (and with STORE_CREATE create) the database at path (a file, or a
 * postgresql:// URI), wait at most timeout_ms for a lock, and bring its schema up to
 * date. Returns a store the caller closes with store_close(), or NULL with one line in
 * err naming the path and the cause (a missing directory, a file that is not a database,
 * a schema newer than this build).
 */
struct store *store_open(const char *path, long timeout_ms, int flags, char *err, size_t errlen);
/* store_close - finalize the cached statements and close the connection; returns NULL */
struct store *store_close(struct store *st);
/* store_user_version - the schema version in the database, or -1 */
int store_user_version(struct store *st);
/* store_path - the database as messages name it (a URI without its password) */
const char *store_path(const struct store *st);
/* store_opened_on - whether st is open on target (store_open()'s path or URI) */
int store_opened_on(const struct store *st, const char *target);
/* store_in_transaction - whether st has a transaction open */
int store_in_transaction(struct store *st);
/* store_wal_pages - SQLite: the pages in the WAL after st's last commit (0: none yet,
 * or a server) */
long store_wal_pages(struct store *st);
/* store_checkpoint - SQLite: copy the WAL into the file as far as no reader needs it,
 * waiting for nothing (a server: nothing to do); 0, or -1 with err */
int store_checkpoint(struct store *st, char *err, size_t errlen);

/* store_clock_ms - a monotonic clock in milliseconds, for deadlines */
long long store_clock_ms(void);
/*
 * store_set_deadline - from now on no wait of st for a lock lasts past deadline (a
 * store_clock_ms() time), whatever is left of the timeout; 0 lifts it. The milter sets
 * one per message, so that all the waits of a message together stay within
 * database-timeout. Without one each wait may last the whole timeout.
 */
void store_set_deadline(struct store *st, long long deadline);
/* store_deadline - the deadline set last (0: none) */
long long store_deadline(const struct store *st);

/*
 * store_outage - whether st's last failure (st NULL: opening it failed) was the database
 * server out of reach in an outage the driver has logged already (once, at warning, with
 * the server's reason): a per-message line can then say less and leave the reason to debug
 */
int store_outage(const struct store *st);
/*
 * store_outage_quiet - from now on the driver logs no outage lines (its failures still
 * come back as errors): for a one-shot command, which says its own error once
 */
void store_outage_quiet(void);

#endif

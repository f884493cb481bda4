/*
 * store.h - the SQLite store: one file, WAL, a versioned schema that a newer release
 * migrates forward. Other store_*.c files hold the queries of each table.
 */
#ifndef PS_STORE_H
#define PS_STORE_H

#include <stddef.h>
#include <sqlite3.h>

struct store {
	sqlite3 *db;
	char *path;
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
struct store *store_close(struct store *st);
/* store_user_version - the schema version in the file, or -1 */
int store_user_version(struct store *st);

#endif

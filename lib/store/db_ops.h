/*
 * db_ops.h - the internal driver interface behind db.h: what a database engine
 * (db_sqlite.c, db_pg.c) provides, and the parts every connection shares.
 *
 * Only lib/store/db*.c include this header. db.c implements the public calls of db.h:
 * it picks the driver by the target (a postgresql:// or postgres:// URI: PostgreSQL,
 * anything else: an SQLite path), keeps the statement cache (by the address of the SQL
 * text) and the deadline, and forwards the rest through the driver's struct db_ops.
 *
 * A driver's connection embeds struct db as its first member and its statements embed
 * struct db_stmt as theirs, so that the driver casts db.c's pointers back to its own.
 * The driver allocates both; db.c fills in the shared fields through db_base_init().
 */
#ifndef PS_DB_OPS_H
#define PS_DB_OPS_H

#include "db.h"

struct db_ops {
	enum db_kind kind;
	/* open - a connection, or NULL with one line in err naming the target */
	struct db *(*open)(const char *target, long timeout_ms, int flags, char *err,
	    size_t errlen);
	/* close - free the connection; db.c has finalized every statement before */
	void (*close)(struct db *db);
	const char *(*errmsg)(struct db *db);
	int (*exec)(struct db *db, const char *sql);
	int (*begin)(struct db *db, int write);
	int (*commit)(struct db *db);
	int (*rollback)(struct db *db);
	int (*in_transaction)(struct db *db);
	long long (*changes)(struct db *db);
	/* prepare - a new statement for sql (db.c caches it), or NULL with db_errmsg() */
	struct db_stmt *(*prepare)(struct db *db, const char *sql);
	/* finalize - free a statement (db_close() only) */
	void (*finalize)(struct db_stmt *s);
	int (*bind_int64)(struct db_stmt *s, int i, long long v);
	int (*bind_text)(struct db_stmt *s, int i, const char *text);
	/* bind_text_static - bind_text without a copy (db_bind_text_static); NULL: the
	 * backend copies anyway, db.c calls bind_text */
	int (*bind_text_static)(struct db_stmt *s, int i, const char *text);
	int (*bind_null)(struct db_stmt *s, int i);
	int (*step)(struct db_stmt *s);
	long long (*column_int64)(struct db_stmt *s, int i);
	const char *(*column_text)(struct db_stmt *s, int i);
	int (*column_is_null)(struct db_stmt *s, int i);
	int (*column_count)(struct db_stmt *s);
	/* reset - end the read and clear the bindings */
	void (*reset)(struct db_stmt *s);
	/* run - db_run(); NULL: step and reset */
	int (*run)(struct db_stmt *s);
	/* wal_pages, checkpoint - db.h's; NULL: nothing to checkpoint (0, DB_DONE) */
	long (*wal_pages)(struct db *db);
	int (*checkpoint)(struct db *db);
};

/* What every connection has, whatever its engine (the first member of the driver's). */
struct db {
	const struct db_ops *ops;
	char *name;			/* db_name(): the path, or the URI without its password */
	long timeout_ms;		/* the longest wait for a lock or a reply */
	long long deadline;		/* db_clock_ms() time no wait goes past; 0: none */
	struct db_stmt **stmts;		/* db_prepare()'s cache, by the address of the SQL */
	size_t nstmts;
};

/* What every statement has (the first member of the driver's). */
struct db_stmt {
	struct db *db;
	const char *sql;		/* the caller's text: the key of the cache */
};

/* The drivers. */
extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* db_base_init - fill in the shared fields of a new connection; name is copied */
void db_base_init(struct db *db, const struct db_ops *ops, const char *name, long timeout_ms);
/* db_base_free - free what db_base_init() and the cache allocated (not db itself) */
void db_base_free(struct db *db);
/*
 * db_wait_ms - how long the next wait may last: the timeout, or less when the deadline
 * is nearer; 0 when the deadline has passed, -1 for no limit (no timeout, no deadline).
 */
long db_wait_ms(const struct db *db);

#endif

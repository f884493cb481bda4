/*
 * db.h - the store's backend seam: one connection to one database, SQLite (a file path)
 * or PostgreSQL (a postgresql:// or postgres:// libpq URI), and its prepared statements.
 *
 * Only lib/store/ includes this header. The query functions of lib/store/store_*.c are
 * written once against it, in the SQL both engines accept: "?" placeholders (the
 * PostgreSQL driver numbers them $1, $2, ...), INSERT ... ON CONFLICT, RETURNING,
 * COALESCE, no rowid, no group_concat, no INSERT OR IGNORE/REPLACE, no PRAGMA. Where the
 * two engines need different text (DDL of the migrations, string aggregation, claiming
 * rows with FOR UPDATE SKIP LOCKED) the caller picks by db_kind().
 *
 * A connection is used by one thread at a time. Statements are cached by the address of
 * their SQL text (a string constant), live until db_close(), and are never finalized by
 * the caller: bind, step until DB_DONE (or stop early), then db_reset().
 */
#ifndef PS_DB_H
#define PS_DB_H

#include <stddef.h>

struct db;		/* one connection */
struct db_stmt;		/* one cached statement of a connection */

enum db_kind { DB_SQLITE, DB_POSTGRESQL };

/* What db_step() and the other calls return. */
#define DB_DONE		0	/* no (more) row; a statement without rows ran */
#define DB_ROW		1	/* a row is ready for db_column_*() */
#define DB_ERROR	(-1)	/* failed: db_errmsg() says why */
#define DB_BUSY		(-2)	/* a lock or the server was not had within the timeout/deadline */
#define DB_CONSTRAINT	(-3)	/* a unique or check constraint refused the row */
#define DB_READONLY	(-4)	/* the database or its file cannot be written */

#define DB_CREATE	0x1	/* SQLite: create the file when missing */
#define DB_READONLY_OPEN 0x2	/* open for reading only */
#define DB_CHECKPOINT_APART 0x4	/* SQLite: a commit leaves the checkpoint to db_checkpoint()
				   on another connection, up to DB_WAL_BACKSTOP pages */
/* The pages the WAL of a DB_CHECKPOINT_APART connection may hold before its own commit
 * checkpoints it after all (the default connection's threshold is 1,000). */
#define DB_WAL_BACKSTOP	10000

/* db_is_uri - whether target names a PostgreSQL server (postgresql:// or postgres://) */
int db_is_uri(const char *target);

/*
 * db_open - connect to target, waiting at most timeout_ms for a lock or a connection.
 * NULL with one line in err naming the target (a URI without its password) and why.
 */
struct db *db_open(const char *target, long timeout_ms, int flags, char *err, size_t errlen);
/* db_close - finalize the statements and close; NULL-safe */
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* db_name - the path, or the URI with any password removed, for messages */
const char *db_name(const struct db *db);
/* db_errmsg - the engine's reason for the last failure of this connection */
const char *db_errmsg(struct db *db);

/* db_exec - run sql (one or more statements, no parameters, no rows); a DB_* code */
int db_exec(struct db *db, const char *sql);
/*
 * Transactions. db_begin(db, DB_WRITE) takes the write lock at once (SQLite BEGIN
 * IMMEDIATE; PostgreSQL a database-wide advisory lock, db_pg.c). DB_WRITE_PIPELINED is
 * the same transaction with fewer round trips to a server: on PostgreSQL the BEGIN and
 * the lock go with the next statement that waits for the server, and db_run()
 * statements are sent with the one after them, so a failure of one (the lock not had
 * within the timeout included) comes back from that later call, at the latest from
 * db_commit(), which then rolls back. The caller reads no db_changes() of a db_run()
 * statement. SQLite runs everything at once, as under DB_WRITE.
 */
#define DB_READ			0
#define DB_WRITE		1
#define DB_WRITE_PIPELINED	2
int db_begin(struct db *db, int write);
int db_commit(struct db *db);
int db_rollback(struct db *db);	/* harmless outside a transaction */
/* db_in_transaction - whether a transaction is open */
int db_in_transaction(struct db *db);

/* db_prepare - the cached statement for sql, reset and unbound; NULL on failure */
struct db_stmt *db_prepare(struct db *db, const char *sql);
/* Bind parameter i (1-based); text is copied. 0 or DB_ERROR. */
int db_bind_int64(struct db_stmt *s, int i, long long v);
int db_bind_text(struct db_stmt *s, int i, const char *text);	/* NULL binds NULL */
/* db_bind_text_static - db_bind_text where the caller keeps text as it is until the
 * statement is reset (db_reset, db_run, or a db_prepare of it): SQLite reads it where
 * it is instead of copying it (a PostgreSQL statement copies it as before) */
int db_bind_text_static(struct db_stmt *s, int i, const char *text);
int db_bind_null(struct db_stmt *s, int i);
/* db_step - the next row: DB_ROW, DB_DONE or a negative DB_* code */
int db_step(struct db_stmt *s);
/* Columns of the current row (0-based). Text is valid until the next step or reset. */
long long db_column_int64(struct db_stmt *s, int i);
const char *db_column_text(struct db_stmt *s, int i);	/* NULL for SQL NULL */
int db_column_is_null(struct db_stmt *s, int i);
int db_column_count(struct db_stmt *s);
/* db_reset - end the statement's read and clear its bindings */
void db_reset(struct db_stmt *s);
/*
 * db_run - run s for its effect (its rows, if any, unread) and reset it: DB_DONE or a
 * negative DB_* code. Inside a DB_WRITE_PIPELINED transaction on PostgreSQL it is
 * only queued: its failure comes back from the next call that waits for the server.
 */
int db_run(struct db_stmt *s);
/* db_changes - rows changed by the last INSERT, UPDATE or DELETE of this connection */
long long db_changes(struct db *db);
/* db_wal_pages - SQLite: the pages in the WAL after this connection's last commit (0
 * before one); PostgreSQL: 0 */
long db_wal_pages(struct db *db);
/*
 * db_checkpoint - SQLite: copy the WAL into the database file as far as no reader still
 * needs it (a passive checkpoint: it waits for no lock and holds up no writer); DB_DONE
 * or a negative DB_* code. PostgreSQL: DB_DONE, nothing to do.
 */
int db_checkpoint(struct db *db);

/* db_clock_ms - a monotonic clock in milliseconds */
long long db_clock_ms(void);
/*
 * db_set_deadline - no wait for a lock or a reply lasts past deadline (a db_clock_ms()
 * time); 0 lifts it (each wait may then last the whole timeout).
 */
void db_set_deadline(struct db *db, long long deadline);

#endif

/*
 * db_pg_conn.h - inside the PostgreSQL driver: its connection (struct db_pg) and what
 * db_pg_conn.c does with it for db_pg.c. Every call that talks to the server waits at
 * most until end, a db_clock_ms() time (-1: no limit), and returns a DB_* code with the
 * reason in pg->err.
 *
 * Only lib/store/db_pg*.c include this header.
 */
#ifndef PS_DB_PG_CONN_H
#define PS_DB_PG_CONN_H

#include <libpq-fe.h>

#include "db_ops.h"

struct db_pg {
	struct db base;
	char *uri;			/* as configured, password included: for libpq only */
	char **hosts, **ports;		/* the URI's hosts, tried in turn (db_pg_split_hosts) */
	int nhosts;			/* 0: one host, or libpq's own defaults */
	PGconn *conn;			/* NULL while there is no connection */
	unsigned generation;		/* counts the connections made: statements re-prepare */
	unsigned nnames;		/* statement names given on this struct */
	long long changes;		/* rows of the last INSERT, UPDATE or DELETE */
	int readonly;			/* DB_READONLY_OPEN: sessions are read-only */
	int tx_open;			/* a transaction was open at the last reply */
	int lost_in_transaction;	/* the connection died inside one: db_rollback() first */
	int piped;			/* commands sent in pipeline mode, results unread */
	int piped_prepare;		/* a statement among them is prepared there */
	int pipelined_tx;		/* the transaction was begun DB_WRITE_PIPELINED */
	char tx_names[3][24];		/* its BEGIN, lock and COMMIT, prepared (db_pg.c) */
	unsigned tx_generation;		/* the connection they were prepared on; 0: none */
	char sqlstate[6];		/* of the last server error; "" for others */
	char err[512];
};

#define PG(db) ((struct db_pg *) (db))

/* db_pg_fail - set pg->err (one line) and return code */
int db_pg_fail(struct db_pg *pg, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* db_pg_lost - the connection failed while doing: drop it; DB_BUSY with libpq's reason */
int db_pg_lost(struct db_pg *pg, const char *doing);
/* db_pg_end - when the waits of a call that starts now end; -1: never, 0: passed */
long long db_pg_end(struct db_pg *pg);
/* db_pg_ready - a connection to send on: the one there is, or a new one */
int db_pg_ready(struct db_pg *pg, long long end);
/* db_pg_connect - a new connection with the session's settings */
int db_pg_connect(struct db_pg *pg, long long end);
/* db_pg_collect - read every result of the command sent with PQsend*(); the last in
 * *out (when not NULL, the caller clears it) */
int db_pg_collect(struct db_pg *pg, long long end, const char *doing, PGresult **out);
/*
 * db_pg_sync - end the pipeline of pg->piped commands (libpq's pipeline mode): send it
 * with a sync, read every result until end and, unless stay, leave pipeline mode. DB_DONE with the
 * last command's result in *out (when not NULL; the caller clears it), or the first
 * failure's DB_* code (the commands after it were not run).
 */
int db_pg_sync(struct db_pg *pg, long long end, const char *doing, PGresult **out, int stay);
/* db_pg_simple - run sql (no parameters) with the simple protocol */
int db_pg_simple(struct db_pg *pg, const char *sql, long long end);
/* db_pg_timeouts_sql - SET (scope SESSION or LOCAL) the server's waits for a wait of ms */
void db_pg_timeouts_sql(char *buf, size_t len, const char *scope, long ms);
/* db_pg_split_hosts - keep the URI's hosts and ports (from PQconninfoParse) to try in turn */
void db_pg_split_hosts(struct db_pg *pg, PQconninfoOption *opts);
/* db_pg_free_list - free a list of db_pg_split_hosts */
void db_pg_free_list(char **items);

#endif

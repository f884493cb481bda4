/*
 * db_pg.c - the PostgreSQL driver of db.h over libpq: one connection to the server of
 * a postgresql:// URI (db_pg_conn.c keeps it and bounds every wait), statements
 * prepared on the server, transactions.
 *
 * Transactions: db_begin(db, DB_WRITE) takes a database-wide advisory lock, so that
 * write transactions exclude each other as under SQLite's BEGIN IMMEDIATE. The lock
 * stays database-wide, also for the journal's writes: the journey's read-then-write of
 * a customer (store_customer_onboard_at()) relies on no other relay inserting the same
 * customer meanwhile, which the journal's customers upsert would do under a lock keyed
 * on the invoice; and within one milter the writers queue on its mutex anyway, so the
 * lock costs no wait there, only across relays, for as long as a journal write lasts.
 *
 * Pipelining: DB_WRITE_PIPELINED makes that wait and the round trips short. BEGIN and
 * the lock (the transaction's waits as set_config(), the deadline's when it is nearer)
 * are queued in libpq's pipeline mode as statements prepared once a connection, as is
 * the COMMIT; db_run() statements are queued too, and the next call that waits for the server
 * (a db_step() whose rows are read, db_commit()) sends them with its own command and a
 * sync and reads every result: the journal's write of an invoice is two round trips
 * (BEGIN, lock, INSERT ... RETURNING id; findings, customers, COMMIT), not 5 + one per
 * finding and recipient. The first failure among them is that call's; the server runs
 * nothing after it (a COMMIT after it is not run: db_commit() rolls back). A statement
 * that must be prepared first with a parameter of unknown type (a NULL bound), or again
 * with other types, ends the pipeline and runs as outside one. Other calls (db_exec(),
 * db_column_count(), db_rollback()) end the pipeline first.
 *
 * Statements: "?" become $1, $2 ...; the server prepares the text at the first step,
 * when the types of the parameters are known (int8 for db_bind_int64, text for
 * db_bind_text, left to the server for NULL), under a name unique on the connection,
 * and again on a new connection. Rows come whole in one PGresult, in text.
 *
 * Trusts the server's replies as libpq does; the URI's password never leaves libpq.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_pg.h"
#include "db_pg_conn.h"
#include "util/xalloc.h"

#define PG_INT8OID	20
#define PG_TEXTOID	25
/* The key of the advisory lock that write transactions take: "postsale" in ASCII. */
#define PG_WRITE_LOCK	0x706f737473616c65LL

struct db_pg_stmt {
	struct db_stmt base;
	char *text;			/* the SQL with $1, $2 ... */
	int nparams;
	char **values;			/* bound values, owned; NULL: SQL NULL */
	unsigned *types;		/* their types: PG_INT8OID, PG_TEXTOID, 0 (NULL) */
	unsigned *prepared_types;	/* the types the server prepared it with */
	char name[24];			/* the server's name of the prepared statement */
	unsigned generation;		/* the connection it was prepared on; 0: none */
	PGresult *res;			/* the rows of the current execution */
	int row;			/* the current row of res */
	int ncols;			/* its columns, once known; -1 before */
};

#define PGS(s) ((struct db_pg_stmt *) (s))

static void pg_close(struct db *db);
static int pg_step(struct db_stmt *st);

static struct db *
pg_open(const char *target, long timeout_ms, int flags, char *err, size_t errlen)
{
	struct db_pg *pg;
	char *name = db_pg_redact(target), *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(target, &why);

	if (opts == NULL) {	/* libpq's reason may quote the URI: only without a password */
		char reason[300];

		db_pg_oneline(reason, sizeof(reason), strcmp(name, target) == 0 && why != NULL ? why :
		    "see the libpq documentation of connection URIs");
		snprintf(err, errlen, "%s: not a PostgreSQL connection URI libpq takes: %s", name, reason);
		PQfreemem(why);
		free(name);
		return NULL;
	}
	pg = xcalloc(1, sizeof(*pg));
	db_base_init(&pg->base, &db_pg_ops, name, timeout_ms);
	free(name);
	pg->uri = xstrdup(target);
	pg->readonly = (flags & DB_READONLY_OPEN) != 0;
	db_pg_split_hosts(pg, opts);
	PQconninfoFree(opts);
	if (db_pg_connect(pg, db_pg_end(pg)) != DB_DONE) {
		snprintf(err, errlen, "%s: %s", pg->base.name, pg->err);
		pg_close(&pg->base);
		return NULL;
	}
	return &pg->base;
}

static void
pg_close(struct db *db)
{
	struct db_pg *pg = PG(db);

	if (pg->conn != NULL)
		PQfinish(pg->conn);
	if (pg->uri != NULL)
		explicit_bzero(pg->uri, strlen(pg->uri));
	free(pg->uri);
	db_pg_free_list(pg->hosts);
	db_pg_free_list(pg->ports);
	db_base_free(db);
	free(pg);
}

static const char *
pg_errmsg(struct db *db)
{
	return PG(db)->err;
}

/* pg_piped - whether commands wait in libpq's pipeline (DB_WRITE_PIPELINED) */
static int
pg_piped(struct db_pg *pg)
{
	return pg->conn != NULL && PQpipelineStatus(pg->conn) != PQ_PIPELINE_OFF;
}

/*
 * pg_pipe - whether statements are to be queued: a DB_WRITE_PIPELINED transaction is
 * open (pipeline mode entered again after a statement that had to leave it)
 */
static int
pg_pipe(struct db_pg *pg)
{
	if (!pg->pipelined_tx || !pg->tx_open || pg->conn == NULL || pg->lost_in_transaction)
		return 0;
	return pg_piped(pg) || PQenterPipelineMode(pg->conn) == 1;
}

/* pg_drain - leave pipeline mode, reading what it holds (db_pg_sync); a DB_* code */
static int
pg_drain(struct db_pg *pg, long long end)
{
	if (!pg_piped(pg))
		return DB_DONE;
	if (pg->piped > 0)
		return db_pg_sync(pg, end, "running queued statements", NULL, 0);
	return PQexitPipelineMode(pg->conn) == 1 ? DB_DONE : db_pg_lost(pg, "leaving pipeline mode");
}

/*
 * A pipelined transaction's own statements, prepared once a connection (in the
 * pipeline, with the first of them): BEGIN; the server's waits of the transaction
 * ($1, ms) and the write lock ($2); COMMIT.
 */
enum { PG_TX_BEGIN, PG_TX_LOCK, PG_TX_COMMIT };
static const char *const pg_tx_sql[] = {
	"BEGIN",
	"SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true),"
	" pg_advisory_xact_lock($2)",
	"COMMIT",
};
static const unsigned pg_tx_types[] = {PG_TEXTOID, PG_INT8OID};

/* pg_send_tx - queue the transaction's statement which (values: its parameters) */
static int
pg_send_tx(struct db_pg *pg, int which, const char *const *values)
{
	if (pg->tx_generation != pg->generation) {
		for (int i = 0; i < 3; i++) {
			snprintf(pg->tx_names[i], sizeof(pg->tx_names[i]), "ps_%u", ++pg->nnames);
			if (!PQsendPrepare(pg->conn, pg->tx_names[i], pg_tx_sql[i], i == PG_TX_LOCK ? 2 : 0,
			    pg_tx_types))
				return db_pg_lost(pg, "queueing a statement");
			pg->piped++;
		}
		pg->piped_prepare = 1;
		pg->tx_generation = pg->generation;
	}
	if (!PQsendQueryPrepared(pg->conn, pg->tx_names[which], which == PG_TX_LOCK ? 2 : 0,
	    values, NULL, NULL, 0))
		return db_pg_lost(pg, "queueing a statement");
	pg->piped++;
	return DB_DONE;
}

/*
 * pg_begin_piped - DB_WRITE_PIPELINED: BEGIN and the write lock, the server's waits cut
 * to ms (-1: the session's, as they are), queued in pipeline mode; nothing is waited for
 */
static int
pg_begin_piped(struct db_pg *pg, long ms)
{
	char wait[24], key[24];
	const char *values[] = {wait, key};
	int rc;

	if (ms < 0)
		ms = pg->base.timeout_ms > 0 ? pg->base.timeout_ms : -1;
	/* as db_pg_timeouts_sql(): 9/10 of the wait, 0 for none */
	snprintf(wait, sizeof(wait), "%ld", ms < 0 ? 0 : ms * 9 / 10 > 0 ? ms * 9 / 10 : 1);
	snprintf(key, sizeof(key), "%lld", PG_WRITE_LOCK);
	if (PQenterPipelineMode(pg->conn) != 1)
		return db_pg_lost(pg, "entering pipeline mode");
	if ((rc = pg_send_tx(pg, PG_TX_BEGIN, NULL)) != DB_DONE ||
	    (rc = pg_send_tx(pg, PG_TX_LOCK, values)) != DB_DONE)
		return rc;
	pg->tx_open = 1;	/* a connection lost from now on is lost inside the transaction */
	pg->pipelined_tx = 1;
	return DB_DONE;
}

static int
pg_exec(struct db *db, const char *sql)
{
	struct db_pg *pg = PG(db);
	long long end = db_pg_end(pg);
	int rc;

	if ((rc = db_pg_ready(pg, end)) != DB_DONE || (rc = pg_drain(pg, end)) != DB_DONE)
		return rc;
	return db_pg_simple(pg, sql, end);
}

/*
 * pg_begin - BEGIN, with the server's waits cut to the deadline when it is nearer. A
 * write transaction takes the database's write lock at once, as SQLite's BEGIN
 * IMMEDIATE does (a transaction-level advisory lock): the store's read-then-write
 * transactions stay one at a time across every relay sharing the database.
 */
static int
pg_begin(struct db *db, int write)
{
	struct db_pg *pg = PG(db);
	long long end = db_pg_end(pg);
	long ms = db_wait_ms(db);
	char sql[300] = "BEGIN";
	int rc;

	if ((rc = db_pg_ready(pg, end)) != DB_DONE || (rc = pg_drain(pg, end)) != DB_DONE)
		return rc;
	pg->pipelined_tx = 0;
	if (write == DB_WRITE_PIPELINED)
		return pg_begin_piped(pg, pg->base.deadline != 0 && ms >= 0 &&
		    (pg->base.timeout_ms <= 0 || ms < pg->base.timeout_ms) ? ms : -1);
	if (pg->base.deadline != 0 && ms >= 0 && (pg->base.timeout_ms <= 0 || ms < pg->base.timeout_ms)) {
		strcat(sql, "; ");
		db_pg_timeouts_sql(sql + strlen(sql), sizeof(sql) - strlen(sql), "LOCAL", ms);
	}
	if (write)
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql),
		    "; SELECT pg_advisory_xact_lock(%lld)", PG_WRITE_LOCK);
	if ((rc = db_pg_simple(pg, sql, end)) != DB_DONE && pg->conn != NULL && pg->tx_open) {
		/* BEGIN went through, the lock did not: no transaction is left open */
		int failed = rc;
		char why[sizeof(pg->err)];

		snprintf(why, sizeof(why), "%s", pg->err);
		db_pg_simple(pg, "ROLLBACK", db_clock_ms() + 1000);
		rc = db_pg_fail(pg, failed, "%s", why);
	}
	return rc;
}

static int
pg_in_transaction(struct db *db)
{
	struct db_pg *pg = PG(db);

	return pg->lost_in_transaction || (pg->conn != NULL && pg->tx_open);
}

/*
 * pg_commit_piped - COMMIT sent with the pipeline; when a statement of it failed (the
 * COMMIT then did not run), the transaction is rolled back and that failure returned
 */
static int
pg_commit_piped(struct db_pg *pg, long long end)
{
	char why[sizeof(pg->err)];
	int rc;

	if ((rc = pg_send_tx(pg, PG_TX_COMMIT, NULL)) != DB_DONE ||
	    (rc = db_pg_sync(pg, end, "committing", NULL, 0)) == DB_DONE)
		return rc;
	if (pg->conn != NULL && pg->tx_open) {
		snprintf(why, sizeof(why), "%s", pg->err);
		db_pg_simple(pg, "ROLLBACK", db_clock_ms() + (pg->base.timeout_ms > 0 ?
		    pg->base.timeout_ms : 1000));
		return db_pg_fail(pg, rc, "the transaction was rolled back after an error: %s", why);
	}
	return rc;
}

/* pg_commit - COMMIT; a transaction an error aborted is rolled back and fails */
static int
pg_commit(struct db *db)
{
	struct db_pg *pg = PG(db);
	long long end = db_pg_end(pg);

	if (pg->lost_in_transaction) {
		pg->lost_in_transaction = 0;
		return db_pg_fail(pg, DB_BUSY, "the connection to the PostgreSQL server was lost inside"
		    " the transaction; nothing of it was committed");
	}
	if (end == 0)
		return db_pg_fail(pg, DB_BUSY, "the deadline for the database has passed");
	if (pg_pipe(pg))
		return pg_commit_piped(pg, end);
	if (pg->conn != NULL && PQtransactionStatus(pg->conn) == PQTRANS_INERROR) {
		char why[sizeof(pg->err)];

		snprintf(why, sizeof(why), "%s", pg->err);
		db_pg_simple(pg, "ROLLBACK", db_pg_end(pg));
		return db_pg_fail(pg, DB_ERROR, "the transaction was rolled back after an error: %s", why);
	}
	if (!pg_in_transaction(db))
		return db_pg_fail(pg, DB_ERROR, "COMMIT outside a transaction");
	return db_pg_simple(pg, "COMMIT", end);
}

/* pg_rollback - ROLLBACK when a transaction is open; one lost with its connection is gone */
static int
pg_rollback(struct db *db)
{
	struct db_pg *pg = PG(db);
	long long end;

	if (pg->lost_in_transaction) {
		pg->lost_in_transaction = 0;
		return DB_DONE;
	}
	if (!pg_in_transaction(db))
		return DB_DONE;
	/* a rollback is let through past the deadline: it frees the locks at once */
	end = db_clock_ms() + (pg->base.timeout_ms > 0 ? pg->base.timeout_ms : 1000);
	pg_drain(pg, end);	/* its failure is what is rolled back */
	if (pg->lost_in_transaction) {
		pg->lost_in_transaction = 0;
		return DB_DONE;
	}
	if (!pg_in_transaction(db))
		return DB_DONE;
	if (db_pg_simple(pg, "ROLLBACK", end) != DB_DONE && pg->conn != NULL)
		return DB_ERROR;
	pg->lost_in_transaction = 0;	/* a connection lost now took the transaction with it */
	return DB_DONE;
}

static long long
pg_changes(struct db *db)
{
	return PG(db)->changes;
}

static struct db_stmt *
pg_prepare(struct db *db, const char *sql)
{
	struct db_pg_stmt *s = xcalloc(1, sizeof(*s));
	int n;

	(void) db;
	s->text = db_pg_placeholders(sql, &n);
	s->nparams = n;
	s->values = xcalloc((size_t) n + 1, sizeof(*s->values));
	s->types = xcalloc((size_t) n + 1, sizeof(*s->types));
	s->prepared_types = xcalloc((size_t) n + 1, sizeof(*s->prepared_types));
	s->ncols = -1;
	return &s->base;
}

/* pg_reset - forget the rows and the bound values */
static void
pg_reset(struct db_stmt *st)
{
	struct db_pg_stmt *s = PGS(st);

	PQclear(s->res);
	s->res = NULL;
	s->row = 0;
	for (int i = 0; i < s->nparams; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->types[i] = 0;
	}
}

static void
pg_finalize(struct db_stmt *st)
{
	struct db_pg_stmt *s = PGS(st);

	pg_reset(st);
	free(s->text);
	free(s->values);
	free(s->types);
	free(s->prepared_types);
	free(s);
}

/* pg_bind - keep value (owned) as parameter i of type; 0 or DB_ERROR */
static int
pg_bind(struct db_stmt *st, int i, char *value, unsigned type)
{
	struct db_pg_stmt *s = PGS(st);

	if (i < 1 || i > s->nparams) {
		free(value);
		return db_pg_fail(PG(st->db), DB_ERROR, "parameter %d of %d bound: %s", i, s->nparams,
		    st->sql);
	}
	free(s->values[i - 1]);
	s->values[i - 1] = value;
	s->types[i - 1] = type;
	return 0;
}

static int
pg_bind_int64(struct db_stmt *s, int i, long long v)
{
	return pg_bind(s, i, xasprintf("%lld", v), PG_INT8OID);
}

static int
pg_bind_text(struct db_stmt *s, int i, const char *text)
{
	return pg_bind(s, i, text != NULL ? xstrdup(text) : NULL, text != NULL ? PG_TEXTOID : 0);
}

static int
pg_bind_null(struct db_stmt *s, int i)
{
	return pg_bind(s, i, NULL, 0);
}

/* pg_needs_prepare - whether s must be prepared (again) for its bound types on this connection */
static int
pg_needs_prepare(const struct db_pg *pg, const struct db_pg_stmt *s)
{
	if (s->generation != pg->generation)
		return 1;
	for (int i = 0; i < s->nparams; i++)
		if (s->types[i] != 0 && s->prepared_types[i] != 0 && s->types[i] != s->prepared_types[i])
			return 1;
	return 0;
}

/* pg_send_prepare - prepare s on the server as s->name with s->prepared_types */
static int
pg_send_prepare(struct db_pg *pg, struct db_pg_stmt *s, long long end)
{
	if (!PQsendPrepare(pg->conn, s->name, s->text, s->nparams, s->prepared_types))
		return db_pg_lost(pg, "preparing a statement");
	return db_pg_collect(pg, end, "preparing a statement", NULL);
}

/*
 * pg_server_prepare - prepare s on the server with the bound types, until end. A NULL
 * leaves its parameter's type to the server; where the server cannot tell it (? IS
 * NULL), the parameter is text.
 */
static int
pg_server_prepare(struct db_pg *pg, struct db_pg_stmt *s, long long end)
{
	char sql[64];
	int rc;

	if (s->generation == pg->generation) {	/* other types than before: a new one */
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		if ((rc = db_pg_simple(pg, sql, end)) != DB_DONE)
			return rc;
	}
	snprintf(s->name, sizeof(s->name), "ps_%u", ++pg->nnames);
	memcpy(s->prepared_types, s->types, (size_t) s->nparams * sizeof(*s->types));
	rc = pg_send_prepare(pg, s, end);
	if (rc == DB_ERROR && strcmp(pg->sqlstate, "42P18") == 0) {	/* indeterminate_datatype */
		for (int i = 0; i < s->nparams; i++)
			if (s->prepared_types[i] == 0)
				s->prepared_types[i] = PG_TEXTOID;
		rc = pg_send_prepare(pg, s, end);
	}
	if (rc == DB_DONE)
		s->generation = pg->generation;
	return rc;
}

#define PG_NOT_QUEUED 1	/* pg_queue(): the statement must be prepared outside a pipeline */

/*
 * pg_queue - queue s (prepared first in the pipeline when it is new on the connection)
 * with its bound values: DB_DONE, PG_NOT_QUEUED when its preparing needs the server's
 * answer first (a parameter of unknown type, or a new set of types), or a failure
 */
static int
pg_queue(struct db_pg *pg, struct db_pg_stmt *s)
{
	if (pg_needs_prepare(pg, s)) {
		if (s->generation == pg->generation)
			return PG_NOT_QUEUED;
		for (int i = 0; i < s->nparams; i++)
			if (s->types[i] == 0)
				return PG_NOT_QUEUED;
		snprintf(s->name, sizeof(s->name), "ps_%u", ++pg->nnames);
		memcpy(s->prepared_types, s->types, (size_t) s->nparams * sizeof(*s->types));
		if (!PQsendPrepare(pg->conn, s->name, s->text, s->nparams, s->prepared_types))
			return db_pg_lost(pg, "queueing a statement");
		s->generation = pg->generation;
		pg->piped++;
		pg->piped_prepare = 1;
	}
	if (!PQsendQueryPrepared(pg->conn, s->name, s->nparams, (const char *const *) s->values,
	    NULL, NULL, 0))
		return db_pg_lost(pg, "queueing a statement");
	pg->piped++;
	return DB_DONE;
}

/* pg_run - db_run(): queued in a pipeline when one is open, else stepped at once */
static int
pg_run(struct db_stmt *st)
{
	struct db_pg *pg = PG(st->db);
	int rc = PG_NOT_QUEUED;

	if (PGS(st)->res == NULL && pg_pipe(pg))
		rc = pg_queue(pg, PGS(st));
	if (rc == PG_NOT_QUEUED && (rc = pg_step(st)) == DB_ROW)
		rc = DB_DONE;
	pg_reset(st);
	return rc;
}

/* pg_step - the first step runs the statement (prepared first if need be), with the
 * pipeline when one is open; then its rows */
static int
pg_step(struct db_stmt *st)
{
	struct db_pg_stmt *s = PGS(st);
	struct db_pg *pg = PG(st->db);
	long long end;
	int rc;

	if (s->res != NULL)
		return ++s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
	end = db_pg_end(pg);
	if ((rc = db_pg_ready(pg, end)) != DB_DONE)
		return rc;
	if (pg_pipe(pg) && (rc = pg_queue(pg, s)) != PG_NOT_QUEUED) {
		if (rc != DB_DONE || (rc = db_pg_sync(pg, end, "running a statement", &s->res, 1)) != DB_DONE)
			return rc;
		goto rows;
	}
	if ((rc = pg_drain(pg, end)) != DB_DONE)
		return rc;
	if (pg_needs_prepare(pg, s) && (rc = pg_server_prepare(pg, s, end)) != DB_DONE)
		return rc;
	if (!PQsendQueryPrepared(pg->conn, s->name, s->nparams, (const char *const *) s->values,
	    NULL, NULL, 0))
		return db_pg_lost(pg, "sending a statement");
	if ((rc = db_pg_collect(pg, end, "running a statement", &s->res)) != DB_DONE)
		return rc;
rows:
	s->row = 0;
	s->ncols = PQnfields(s->res);
	return PQntuples(s->res) > 0 ? DB_ROW : DB_DONE;
}

/* pg_value - the text of column i of the current row; NULL for SQL NULL or no row */
static const char *
pg_value(struct db_pg_stmt *s, int i)
{
	if (s->res == NULL || s->row >= PQntuples(s->res) || i < 0 || i >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static long long
pg_column_int64(struct db_stmt *st, int i)
{
	const char *v = pg_value(PGS(st), i);

	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0')	/* a boolean */
		return 1;
	return strtoll(v, NULL, 10);
}

static const char *
pg_column_text(struct db_stmt *st, int i)
{
	return pg_value(PGS(st), i);
}

static int
pg_column_is_null(struct db_stmt *st, int i)
{
	return pg_value(PGS(st), i) == NULL;
}

/*
 * pg_column_count - the columns of the statement's rows, known before the first step
 * as under SQLite: from the server's description of the prepared statement, asked
 * once (a round trip) when no execution told it yet. 0 when it cannot be had.
 */
static int
pg_column_count(struct db_stmt *st)
{
	struct db_pg_stmt *s = PGS(st);
	struct db_pg *pg = PG(st->db);
	PGresult *desc = NULL;
	long long end;

	if (s->res != NULL)
		return PQnfields(s->res);
	if (s->ncols >= 0)
		return s->ncols;
	end = db_pg_end(pg);
	if (db_pg_ready(pg, end) != DB_DONE || pg_drain(pg, end) != DB_DONE ||
	    (pg_needs_prepare(pg, s) && pg_server_prepare(pg, s, end) != DB_DONE))
		return 0;
	if (!PQsendDescribePrepared(pg->conn, s->name)) {
		db_pg_lost(pg, "describing a statement");
		return 0;
	}
	if (db_pg_collect(pg, end, "describing a statement", &desc) != DB_DONE)
		return 0;
	s->ncols = PQnfields(desc);
	PQclear(desc);
	return s->ncols;
}

const struct db_ops db_pg_ops = {
	.kind = DB_POSTGRESQL,
	.open = pg_open,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.changes = pg_changes,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.bind_int64 = pg_bind_int64,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.column_int64 = pg_column_int64,
	.column_text = pg_column_text,
	.column_is_null = pg_column_is_null,
	.column_count = pg_column_count,
	.reset = pg_reset,
	.run = pg_run,
};

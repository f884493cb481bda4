/*
 * db_pg.c - the PostgreSQL driver of db.h over libpq: one connection to the server of
 * a postgresql:// URI, statements prepared on the server, every wait bounded.
 *
 * Waits: the connection is non-blocking and every call waits for the server with
 * poll() until the timeout, or the deadline when it is nearer, computed once per call.
 * A server that does not answer by then loses the connection (the call returns
 * DB_BUSY) rather than hold a message: the next call connects anew. So that the usual
 * slow case, a lock held by another client, ends with the server's own error and a
 * connection still good, the session's lock_timeout and statement_timeout are 9/10 of
 * the timeout, and of the time left to the deadline for a transaction begun under one.
 *
 * Connections: a lost one (the server stopped, restarted, failed over) is found before
 * the next statement is sent and made anew; of several hosts each is tried in turn with
 * its share of the wait (libpq checks target_session_attrs on each), so that one that
 * does not answer leaves time for the next. Statements are prepared again on it. A connection lost inside a
 * transaction is not made anew silently: the calls fail until db_rollback().
 *
 * Transactions: db_begin(db, 1) takes a database-wide advisory lock, so that write
 * transactions exclude each other as under SQLite's BEGIN IMMEDIATE.
 *
 * Statements: "?" become $1, $2 ...; the server prepares the text at the first step,
 * when the types of the parameters are known (int8 for db_bind_int64, text for
 * db_bind_text, left to the server for NULL), under a name unique on the connection.
 * Rows come whole in one PGresult, in text.
 *
 * Trusts the server's replies as libpq does; the URI's password never leaves libpq.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_ops.h"
#include "db_pg.h"
#include "util/xalloc.h"

#define PG_INT8OID	20
#define PG_TEXTOID	25
/* The key of the advisory lock that write transactions take: "postsale" in ASCII. */
#define PG_WRITE_LOCK	0x706f737473616c65LL

struct db_pg {
	struct db base;
	char *uri;			/* as configured, password included: for libpq only */
	char **hosts, **ports;		/* the URI's hosts, tried in turn (pg_split_hosts) */
	int nhosts;			/* 0: one host, or libpq's own defaults */
	PGconn *conn;			/* NULL while there is no connection */
	unsigned generation;		/* counts the connections made: statements re-prepare */
	unsigned nnames;		/* statement names given on this struct */
	long long changes;		/* rows of the last INSERT, UPDATE or DELETE */
	int readonly;			/* DB_READONLY_OPEN: sessions are read-only */
	int tx_open;			/* a transaction was open at the last reply */
	int lost_in_transaction;	/* the connection died inside one: db_rollback() first */
	char sqlstate[6];		/* of the last server error; "" for others */
	char err[512];
};

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

#define PG(db) ((struct db_pg *) (db))
#define PGS(s) ((struct db_pg_stmt *) (s))

/* pg_fail - set the connection's message (one line) and return code */
static int __attribute__((format(printf, 3, 4)))
pg_fail(struct db_pg *pg, int code, const char *fmt, ...)
{
	char buf[sizeof(pg->err)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	db_pg_oneline(pg->err, sizeof(pg->err), buf);
	pg->sqlstate[0] = '\0';
	return code;
}

/* pg_sqlstate_code - the DB_* code for a server error's SQLSTATE */
static int
pg_sqlstate_code(const char *state)
{
	if (state == NULL || strlen(state) != 5)
		return DB_ERROR;
	if (strncmp(state, "23", 2) == 0)		/* integrity constraint violation */
		return DB_CONSTRAINT;
	if (strcmp(state, "25006") == 0)		/* read_only_sql_transaction */
		return DB_READONLY;
	if (strcmp(state, "57014") == 0 ||		/* query_canceled: statement_timeout */
	    strcmp(state, "55P03") == 0 ||		/* lock_not_available: lock_timeout */
	    strcmp(state, "40001") == 0 ||		/* serialization_failure */
	    strcmp(state, "40P01") == 0 ||		/* deadlock_detected */
	    strncmp(state, "08", 2) == 0 ||		/* connection exception */
	    strncmp(state, "53", 2) == 0 ||		/* insufficient resources (too many clients) */
	    strncmp(state, "57P", 3) == 0)		/* shutdown, crash, cannot connect now */
		return DB_BUSY;
	return DB_ERROR;
}

/* pg_drop - close the connection after a failure; the next call connects anew */
static void
pg_drop(struct db_pg *pg)
{
	if (pg->conn == NULL)
		return;
	if (pg->tx_open)
		pg->lost_in_transaction = 1;
	pg->tx_open = 0;
	PQfinish(pg->conn);
	pg->conn = NULL;
}

/* pg_note_tx - remember whether the last reply left a transaction open (libpq forgets
 * it when the connection breaks) */
static void
pg_note_tx(struct db_pg *pg)
{
	PGTransactionStatusType ts = PQtransactionStatus(pg->conn);

	pg->tx_open = ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR || ts == PQTRANS_ACTIVE;
}

/* pg_lost - the connection failed: drop it; DB_BUSY with libpq's reason */
static int
pg_lost(struct db_pg *pg, const char *doing)
{
	char why[sizeof(pg->err)];

	db_pg_oneline(why, sizeof(why), PQerrorMessage(pg->conn));
	pg_drop(pg);
	return pg_fail(pg, DB_BUSY, "connection to the PostgreSQL server lost while %s: %s",
	    doing, why[0] != '\0' ? why : "no reason given");
}

/* pg_end - the db_clock_ms() time the waits of this call end; -1: none, 0: passed */
static long long
pg_end(struct db_pg *pg)
{
	long ms = db_wait_ms(&pg->base);

	return ms < 0 ? -1 : ms == 0 ? 0 : db_clock_ms() + ms;
}

/* pg_poll - wait for events on fd until end; 1 ready, 0 time out, -1 error */
static int
pg_poll(int fd, short events, long long end)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	long long left;
	int n;

	for (;;) {
		left = end < 0 ? -1 : end - db_clock_ms();
		if (end >= 0 && left <= 0)
			return 0;
		n = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int) left);
		if (n >= 0)
			return n > 0 ? 1 : 0;
		if (errno != EINTR)
			return -1;
	}
}

/* pg_timed_out - no answer within the wait: drop the connection; DB_BUSY */
static int
pg_timed_out(struct db_pg *pg, const char *doing)
{
	pg_drop(pg);
	return pg_fail(pg, DB_BUSY, "no answer from the PostgreSQL server while %s within the"
	    " database-timeout (%ld ms) or the deadline; the connection is closed", doing,
	    pg->base.timeout_ms);
}

/* pg_note_changes - remember the row count of an INSERT, UPDATE, DELETE or MERGE */
static void
pg_note_changes(struct db_pg *pg, PGresult *res)
{
	const char *status = PQcmdStatus(res);

	if (strncmp(status, "INSERT", 6) == 0 || strncmp(status, "UPDATE", 6) == 0 ||
	    strncmp(status, "DELETE", 6) == 0 || strncmp(status, "MERGE", 5) == 0)
		pg->changes = strtoll(PQcmdTuples(res), NULL, 10);
}

/* pg_flush - send what libpq holds until end; DB_DONE or a DB_* failure */
static int
pg_flush(struct db_pg *pg, long long end, const char *doing)
{
	int rc, w;

	while ((rc = PQflush(pg->conn)) != 0) {
		if (rc < 0)
			return pg_lost(pg, doing);
		if ((w = pg_poll(PQsocket(pg->conn), POLLOUT | POLLIN, end)) == 0)
			return pg_timed_out(pg, doing);
		if (w < 0 || !PQconsumeInput(pg->conn))
			return pg_lost(pg, doing);
	}
	return DB_DONE;
}

/* pg_result_failed - the DB_* code and message of a failed result */
static int
pg_result_failed(struct db_pg *pg, const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	int code = pg_fail(pg, pg_sqlstate_code(state), "%s%s%s", PQresultErrorMessage(res),
	    state != NULL ? " SQLSTATE " : "", state != NULL ? state : "");

	snprintf(pg->sqlstate, sizeof(pg->sqlstate), "%s", state != NULL ? state : "");
	return code;
}

/*
 * pg_collect - send the command sent with PQsend*() and read all its results until end:
 * DB_DONE with the last one in *out (when out is not NULL; the caller clears it) or
 * the first failure's DB_* code.
 */
static int
pg_collect(struct db_pg *pg, long long end, const char *doing, PGresult **out)
{
	PGresult *res, *keep = NULL;
	int rc, w;

	if ((rc = pg_flush(pg, end, doing)) != DB_DONE)
		return rc;
	for (;;) {
		while (PQisBusy(pg->conn)) {
			if ((w = pg_poll(PQsocket(pg->conn), POLLIN, end)) == 0) {
				PQclear(keep);
				return pg_timed_out(pg, doing);
			}
			if (w < 0 || !PQconsumeInput(pg->conn)) {
				PQclear(keep);
				return pg_lost(pg, doing);
			}
		}
		if ((res = PQgetResult(pg->conn)) == NULL)
			break;
		switch (PQresultStatus(res)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_EMPTY_QUERY:
			pg_note_changes(pg, res);
			PQclear(keep);
			keep = res;
			break;
		default:
			if (rc == DB_DONE)
				rc = pg_result_failed(pg, res);
			PQclear(res);
		}
	}
	if (PQstatus(pg->conn) == CONNECTION_BAD) {
		PQclear(keep);
		return pg_lost(pg, doing);
	}
	pg_note_tx(pg);
	if (rc != DB_DONE || out == NULL)
		PQclear(keep);
	else
		*out = keep;
	return rc;
}

/* pg_simple - run sql (no parameters) with the simple protocol until end */
static int
pg_simple(struct db_pg *pg, const char *sql, long long end)
{
	if (!PQsendQuery(pg->conn, sql))
		return pg_lost(pg, "sending a command");
	return pg_collect(pg, end, "running a command", NULL);
}

/* pg_timeouts_sql - the SET commands of the server's waits for a wait of ms (-1: none) */
static void
pg_timeouts_sql(char *buf, size_t len, const char *scope, long ms)
{
	long server = ms < 0 ? 0 : ms * 9 / 10 > 0 ? ms * 9 / 10 : 1;

	snprintf(buf, len, "SET %s statement_timeout = %ld; SET %s lock_timeout = %ld",
	    scope, server, scope, server);
}

/* pg_connect_poll - drive libpq's connection to the end until end; DB_DONE or DB_BUSY */
static int
pg_connect_poll(struct db_pg *pg, long long end)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;
	int w;

	while (st != PGRES_POLLING_OK) {
		if (st == PGRES_POLLING_FAILED)
			return pg_lost(pg, "connecting");
		w = pg_poll(PQsocket(pg->conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, end);
		if (w == 0) {
			char where[300];

			snprintf(where, sizeof(where), "%s%s%s", PQhost(pg->conn) ? PQhost(pg->conn) : "",
			    PQport(pg->conn) && *PQport(pg->conn) ? " port " : "",
			    PQport(pg->conn) ? PQport(pg->conn) : "");
			PQfinish(pg->conn);
			pg->conn = NULL;
			return pg_fail(pg, DB_BUSY, "no connection to the PostgreSQL server %s within the"
			    " wait (database-timeout %ld ms)", where, pg->base.timeout_ms);
		}
		st = PQconnectPoll(pg->conn);
	}
	return DB_DONE;
}

/* pg_quiet - libpq's notice processor: the server's notices and warnings are not ours
 * to print (a failure comes back as a DB_* code with its message) */
static void
pg_quiet(void *arg, const char *message)
{
	(void) arg;
	(void) message;
}

/* pg_split - the comma-separated items of list (NULL: none), in a new array; their count */
static int
pg_split(const char *list, char ***items)
{
	int n = 1;
	char *copy, *p;

	*items = NULL;
	if (list == NULL || *list == '\0')
		return 0;
	for (p = (char *) list; *p != '\0'; p++)
		n += *p == ',';
	*items = xcalloc((size_t) n + 1, sizeof(**items));
	copy = xstrdup(list);
	n = 0;
	for (p = copy; p != NULL; n++) {
		char *comma = strchr(p, ',');

		if (comma != NULL)
			*comma++ = '\0';
		(*items)[n] = xstrdup(p);
		p = comma;
	}
	free(copy);
	return n;
}

/* pg_free_list - free what pg_split made */
static void
pg_free_list(char **items)
{
	for (size_t i = 0; items != NULL && items[i] != NULL; i++)
		free(items[i]);
	free(items);
}

/*
 * pg_split_hosts - the URI's hosts and their ports, to try one at a time: libpq's own
 * walk through several hosts lets the first take the whole wait, so a primary gone
 * without a word (a dead machine) would keep every connection from the new primary.
 * Left to libpq (nhosts 0) for one host, hostaddr, or lists libpq would refuse.
 */
static void
pg_split_hosts(struct db_pg *pg, PQconninfoOption *opts)
{
	PQconninfoOption *o;
	const char *host = NULL, *port = NULL, *hostaddr = NULL;
	int nports;

	for (o = opts; o != NULL && o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0)
			hostaddr = o->val;
	}
	if ((hostaddr == NULL || *hostaddr == '\0') && (pg->nhosts = pg_split(host, &pg->hosts)) > 1 &&
	    ((nports = pg_split(port, &pg->ports)) <= 1 || nports == pg->nhosts)) {
		if (nports == 1)
			for (int i = 1; i < pg->nhosts; i++)
				pg->ports[i] = xstrdup(pg->ports[0]);
	} else {
		pg_free_list(pg->hosts);
		pg_free_list(pg->ports);
		pg->hosts = pg->ports = NULL;
		pg->nhosts = 0;
	}
}

/* pg_connect_host - connect to host:port of the URI (NULL: the URI's own) until end */
static int
pg_connect_host(struct db_pg *pg, const char *host, const char *port, long long end)
{
	const char *keys[] = {"dbname", "fallback_application_name", "host", "port", NULL};
	const char *values[] = {pg->uri, "postsale", host, port, NULL};
	int rc;

	if (host == NULL)
		keys[2] = NULL;
	else if (port == NULL || *port == '\0')
		keys[3] = NULL;
	pg->conn = PQconnectStartParams(keys, values, 1);
	if (pg->conn == NULL)
		return pg_fail(pg, DB_ERROR, "out of memory");
	if (PQstatus(pg->conn) == CONNECTION_BAD) {	/* refused at once (pg_open checked the URI) */
		rc = pg_fail(pg, DB_BUSY, "%s", PQerrorMessage(pg->conn));
		PQfinish(pg->conn);
		pg->conn = NULL;
		return rc;
	}
	return pg_connect_poll(pg, end);
}

/* pg_append - add "; " and text to the message in buf, as much as fits */
static void
pg_append(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf), n;

	if (used > 0 && used + 2 < len) {
		memcpy(buf + used, "; ", 2);
		used += 2;
	}
	n = strlen(text);
	if (n > len - used - 1)
		n = len - used - 1;
	memcpy(buf + used, text, n);
	buf[used + n] = '\0';
}

/* pg_connect_any - a connection to the first host that takes it, each host given its
 * share of what is left of the wait; DB_DONE or why the last one failed */
static int
pg_connect_any(struct db_pg *pg, long long end)
{
	char why[sizeof(pg->err)] = "";
	long long now, host_end;
	int rc = DB_BUSY;

	if (pg->nhosts == 0)
		return pg_connect_host(pg, NULL, NULL, end);
	for (int i = 0; i < pg->nhosts; i++) {
		now = db_clock_ms();
		if (end >= 0 && now >= end)
			break;
		host_end = end < 0 ? -1 : now + (end - now) / (pg->nhosts - i);
		if ((rc = pg_connect_host(pg, pg->hosts[i], pg->ports[i], host_end)) == DB_DONE)
			return DB_DONE;
		if (rc == DB_ERROR)
			return rc;
		pg_append(why, sizeof(why), pg->err);
	}
	return pg_fail(pg, rc, "%s", why[0] != '\0' ? why : "no time left to connect");
}

/* pg_connect - a new connection with the session's timeouts, until end; a DB_* code */
static int
pg_connect(struct db_pg *pg, long long end)
{
	char sql[200];
	int rc;

	if ((rc = pg_connect_any(pg, end)) != DB_DONE)
		return rc;
	if (PQsetnonblocking(pg->conn, 1) != 0)
		return pg_lost(pg, "connecting");
	PQsetNoticeProcessor(pg->conn, pg_quiet, NULL);
	pg->generation++;
	pg_timeouts_sql(sql, sizeof(sql), "SESSION", pg->base.timeout_ms > 0 ? pg->base.timeout_ms : -1);
	if (pg->readonly)
		strncat(sql, "; SET SESSION default_transaction_read_only = on",
		    sizeof(sql) - strlen(sql) - 1);
	if ((rc = pg_simple(pg, sql, end)) != DB_DONE)
		pg_drop(pg);
	return rc;
}

/* pg_dead - whether the idle connection was closed by the server (it stopped, restarted) */
static int
pg_dead(struct db_pg *pg)
{
	if (PQstatus(pg->conn) == CONNECTION_BAD)
		return 1;
	if (pg_poll(PQsocket(pg->conn), POLLIN, db_clock_ms()) == 0)
		return 0;	/* nothing to read: the usual case */
	return !PQconsumeInput(pg->conn) || PQstatus(pg->conn) == CONNECTION_BAD;
}

/*
 * pg_ready - a connection to send the call's command on, until end: the one there is,
 * or a new one when there is none or the server closed it outside a transaction.
 */
static int
pg_ready(struct db_pg *pg, long long end)
{
	if (pg->lost_in_transaction)
		return pg_fail(pg, DB_BUSY, "the connection to the PostgreSQL server was lost inside"
		    " a transaction; it was rolled back (roll back before the next statement)");
	if (end == 0)
		return pg_fail(pg, DB_BUSY, "the deadline for the database has passed");
	if (pg->conn != NULL && pg_dead(pg)) {
		if (pg->tx_open)
			return pg_lost(pg, "inside a transaction");
		PQfinish(pg->conn);
		pg->conn = NULL;
	}
	return pg->conn != NULL ? DB_DONE : pg_connect(pg, end);
}

static void pg_close(struct db *db);

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
	pg_split_hosts(pg, opts);
	PQconninfoFree(opts);
	if (pg_connect(pg, pg_end(pg)) != DB_DONE) {
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
	pg_free_list(pg->hosts);
	pg_free_list(pg->ports);
	db_base_free(db);
	free(pg);
}

static const char *
pg_errmsg(struct db *db)
{
	return PG(db)->err;
}

static int
pg_exec(struct db *db, const char *sql)
{
	struct db_pg *pg = PG(db);
	long long end = pg_end(pg);
	int rc;

	if ((rc = pg_ready(pg, end)) != DB_DONE)
		return rc;
	return pg_simple(pg, sql, end);
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
	long long end = pg_end(pg);
	long ms = db_wait_ms(db);
	char sql[300] = "BEGIN";
	int rc;

	if ((rc = pg_ready(pg, end)) != DB_DONE)
		return rc;
	if (pg->base.deadline != 0 && ms >= 0 && (pg->base.timeout_ms <= 0 || ms < pg->base.timeout_ms)) {
		strcat(sql, "; ");
		pg_timeouts_sql(sql + strlen(sql), sizeof(sql) - strlen(sql), "LOCAL", ms);
	}
	if (write)
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql),
		    "; SELECT pg_advisory_xact_lock(%lld)", PG_WRITE_LOCK);
	if ((rc = pg_simple(pg, sql, end)) != DB_DONE && pg->conn != NULL && pg->tx_open) {
		/* BEGIN went through, the lock did not: no transaction is left open */
		int failed = rc;
		char why[sizeof(pg->err)];

		snprintf(why, sizeof(why), "%s", pg->err);
		pg_simple(pg, "ROLLBACK", db_clock_ms() + 1000);
		rc = pg_fail(pg, failed, "%s", why);
	}
	return rc;
}

static int
pg_in_transaction(struct db *db)
{
	struct db_pg *pg = PG(db);

	return pg->lost_in_transaction || (pg->conn != NULL && pg->tx_open);
}

/* pg_commit - COMMIT; a transaction an error aborted is rolled back and fails */
static int
pg_commit(struct db *db)
{
	struct db_pg *pg = PG(db);
	long long end = pg_end(pg);

	if (pg->lost_in_transaction) {
		pg->lost_in_transaction = 0;
		return pg_fail(pg, DB_BUSY, "the connection to the PostgreSQL server was lost inside"
		    " the transaction; nothing of it was committed");
	}
	if (end == 0)
		return pg_fail(pg, DB_BUSY, "the deadline for the database has passed");
	if (pg->conn != NULL && PQtransactionStatus(pg->conn) == PQTRANS_INERROR) {
		char why[sizeof(pg->err)];

		snprintf(why, sizeof(why), "%s", pg->err);
		pg_simple(pg, "ROLLBACK", pg_end(pg));
		return pg_fail(pg, DB_ERROR, "the transaction was rolled back after an error: %s", why);
	}
	if (!pg_in_transaction(db))
		return pg_fail(pg, DB_ERROR, "COMMIT outside a transaction");
	return pg_simple(pg, "COMMIT", end);
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
	if (pg_simple(pg, "ROLLBACK", end) != DB_DONE && pg->conn != NULL)
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
		return pg_fail(PG(st->db), DB_ERROR, "parameter %d of %d bound: %s", i, s->nparams,
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
		return pg_lost(pg, "preparing a statement");
	return pg_collect(pg, end, "preparing a statement", NULL);
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
		if ((rc = pg_simple(pg, sql, end)) != DB_DONE)
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

/* pg_step - the first step runs the statement (prepared first if need be); then its rows */
static int
pg_step(struct db_stmt *st)
{
	struct db_pg_stmt *s = PGS(st);
	struct db_pg *pg = PG(st->db);
	long long end;
	int rc;

	if (s->res != NULL)
		return ++s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
	end = pg_end(pg);
	if ((rc = pg_ready(pg, end)) != DB_DONE)
		return rc;
	if (pg_needs_prepare(pg, s) && (rc = pg_server_prepare(pg, s, end)) != DB_DONE)
		return rc;
	if (!PQsendQueryPrepared(pg->conn, s->name, s->nparams, (const char *const *) s->values,
	    NULL, NULL, 0))
		return pg_lost(pg, "sending a statement");
	if ((rc = pg_collect(pg, end, "running a statement", &s->res)) != DB_DONE)
		return rc;
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
	end = pg_end(pg);
	if (pg_ready(pg, end) != DB_DONE ||
	    (pg_needs_prepare(pg, s) && pg_server_prepare(pg, s, end) != DB_DONE))
		return 0;
	if (!PQsendDescribePrepared(pg->conn, s->name)) {
		pg_lost(pg, "describing a statement");
		return 0;
	}
	if (pg_collect(pg, end, "describing a statement", &desc) != DB_DONE)
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
};

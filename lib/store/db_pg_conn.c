/*
 * db_pg_conn.c - the PostgreSQL driver's connection (db_pg.c has the calls of db.h):
 * connecting, waiting for the server, reading its results, connecting anew.
 *
 * Waits: the connection is non-blocking and every call waits for the server with
 * poll() until the timeout, or the deadline when it is nearer, computed once per call.
 * A server that does not answer by then loses the connection (the call returns
 * DB_BUSY) rather than hold a message: the next call connects anew. So that the usual
 * slow case, a lock held by another client, ends with the server's own error and a
 * connection still good, the session's lock_timeout and statement_timeout are 9/10 of
 * the timeout (and db_pg.c cuts them to the deadline for a transaction begun under one).
 *
 * Connections: a lost one (the server stopped, restarted, failed over) is found before
 * the next statement is sent and made anew; of several hosts each is tried in turn with
 * its share of the wait (libpq checks target_session_attrs on each), so that one that
 * does not answer leaves time for the next. A connection lost inside a transaction is
 * not made anew silently: the calls fail until db_rollback(). Each failure to reach the
 * server and each connection made is reported to db_outage.c, which logs an outage
 * once, not once per failed call.
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

#include "db_pg.h"
#include "db_pg_conn.h"
#include "db_outage.h"
#include "util/xalloc.h"

/* db_pg_fail - set the connection's message (one line) and return code */
int
db_pg_fail(struct db_pg *pg, int code, const char *fmt, ...)
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

/* pg_lose - the connection failed: drop it; DB_BUSY with libpq's reason */
static int
pg_lose(struct db_pg *pg, const char *doing)
{
	char why[sizeof(pg->err)];

	db_pg_oneline(why, sizeof(why), PQerrorMessage(pg->conn));
	pg_drop(pg);
	return db_pg_fail(pg, DB_BUSY, "connection to the PostgreSQL server lost while %s: %s",
	    doing, why[0] != '\0' ? why : "no reason given");
}

/* db_pg_lost - the connection failed: drop it, count it to the outage (db_outage.h);
 * DB_BUSY with libpq's reason */
int
db_pg_lost(struct db_pg *pg, const char *doing)
{
	pg_lose(pg, doing);
	db_outage_failed(pg->base.name, pg->err);
	return DB_BUSY;
}

/* db_pg_end - the db_clock_ms() time the waits of this call end; -1: none, 0: passed */
long long
db_pg_end(struct db_pg *pg)
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
	db_pg_fail(pg, DB_BUSY, "no answer from the PostgreSQL server while %s within the"
	    " database-timeout (%ld ms) or the deadline; the connection is closed", doing,
	    pg->base.timeout_ms);
	db_outage_failed(pg->base.name, pg->err);
	return DB_BUSY;
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
			return db_pg_lost(pg, doing);
		if ((w = pg_poll(PQsocket(pg->conn), POLLOUT | POLLIN, end)) == 0)
			return pg_timed_out(pg, doing);
		if (w < 0 || !PQconsumeInput(pg->conn))
			return db_pg_lost(pg, doing);
	}
	return DB_DONE;
}

/* pg_result_failed - the DB_* code and message of a failed result */
static int
pg_result_failed(struct db_pg *pg, const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	int code = db_pg_fail(pg, pg_sqlstate_code(state), "%s%s%s", PQresultErrorMessage(res),
	    state != NULL ? " SQLSTATE " : "", state != NULL ? state : "");

	snprintf(pg->sqlstate, sizeof(pg->sqlstate), "%s", state != NULL ? state : "");
	return code;
}

/* pg_wait_result - wait until end for PQgetResult() not to block; DB_DONE or a failure */
static int
pg_wait_result(struct db_pg *pg, long long end, const char *doing)
{
	int w;

	while (PQisBusy(pg->conn)) {
		if ((w = pg_poll(PQsocket(pg->conn), POLLIN, end)) == 0)
			return pg_timed_out(pg, doing);
		if (w < 0 || !PQconsumeInput(pg->conn))
			return db_pg_lost(pg, doing);
	}
	return DB_DONE;
}

/* pg_take_result - one result of a command, consumed: a success is kept in *keep (the
 * one kept before cleared), a failure is *rc unless an earlier one is; a command a
 * pipeline's failure skipped is neither */
static void
pg_take_result(struct db_pg *pg, PGresult *res, PGresult **keep, int *rc)
{
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		pg_note_changes(pg, res);
		PQclear(*keep);
		*keep = res;
		return;
	case PGRES_PIPELINE_ABORTED:
		break;
	default:
		if (*rc == DB_DONE)
			*rc = pg_result_failed(pg, res);
	}
	PQclear(res);
}

/* pg_hand_over - the end of a command's results: keep in *out when rc is DB_DONE and
 * out is not NULL, else cleared; rc */
static int
pg_hand_over(struct db_pg *pg, int rc, PGresult *keep, PGresult **out)
{
	pg_note_tx(pg);
	if (rc != DB_DONE || out == NULL)
		PQclear(keep);
	else
		*out = keep;
	return rc;
}

/*
 * db_pg_collect - flush the command that PQsend*() queued and read all its results
 * until end: DB_DONE with the last one in *out (when out is not NULL; the caller clears
 * it), or the first failure's DB_* code.
 */
int
db_pg_collect(struct db_pg *pg, long long end, const char *doing, PGresult **out)
{
	PGresult *res, *keep = NULL;
	int rc, w;

	if ((rc = pg_flush(pg, end, doing)) != DB_DONE)
		return rc;
	for (;;) {
		if ((w = pg_wait_result(pg, end, doing)) != DB_DONE) {
			PQclear(keep);
			return w;
		}
		if ((res = PQgetResult(pg->conn)) == NULL)
			break;
		pg_take_result(pg, res, &keep, &rc);
	}
	if (PQstatus(pg->conn) == CONNECTION_BAD) {
		PQclear(keep);
		return db_pg_lost(pg, doing);
	}
	return pg_hand_over(pg, rc, keep, out);
}

int
db_pg_sync(struct db_pg *pg, long long end, const char *doing, PGresult **out, int stay)
{
	PGresult *res, *keep = NULL;
	int rc = DB_DONE, w, ends = 0, commands = pg->piped, prepared = pg->piped_prepare;

	pg->piped = pg->piped_prepare = 0;
	if (!PQpipelineSync(pg->conn))
		return db_pg_lost(pg, doing);
	if ((w = pg_flush(pg, end, doing)) != DB_DONE)
		return w;
	for (;;) {
		if ((w = pg_wait_result(pg, end, doing)) != DB_DONE) {
			PQclear(keep);
			return w;
		}
		if ((res = PQgetResult(pg->conn)) == NULL) {	/* the end of one command's results */
			if (++ends > commands || PQstatus(pg->conn) == CONNECTION_BAD) {
				PQclear(keep);
				return db_pg_lost(pg, doing);	/* no sync came back */
			}
			continue;
		}
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		pg_take_result(pg, res, &keep, &rc);
	}
	if (!stay && PQexitPipelineMode(pg->conn) != 1) {
		PQclear(keep);
		return db_pg_lost(pg, doing);
	}
	if (rc != DB_DONE && prepared)
		pg->generation++;	/* which of them the server prepared is unknown: all anew */
	return pg_hand_over(pg, rc, keep, out);
}

/* db_pg_simple - run sql (no parameters) with the simple protocol until end */
int
db_pg_simple(struct db_pg *pg, const char *sql, long long end)
{
	if (!PQsendQuery(pg->conn, sql))
		return db_pg_lost(pg, "sending a command");
	return db_pg_collect(pg, end, "running a command", NULL);
}

/* db_pg_timeouts_sql - the SET commands of the server's waits for a wait of ms (-1: none) */
void
db_pg_timeouts_sql(char *buf, size_t len, const char *scope, long ms)
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
		if (st == PGRES_POLLING_FAILED)	/* db_pg_connect() counts it */
			return pg_lose(pg, "connecting");
		w = pg_poll(PQsocket(pg->conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, end);
		if (w == 0) {
			char where[300];

			snprintf(where, sizeof(where), "%s%s%s", PQhost(pg->conn) ? PQhost(pg->conn) : "",
			    PQport(pg->conn) && *PQport(pg->conn) ? " port " : "",
			    PQport(pg->conn) ? PQport(pg->conn) : "");
			PQfinish(pg->conn);
			pg->conn = NULL;
			return db_pg_fail(pg, DB_BUSY, "no connection to the PostgreSQL server %s within the"
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

/* db_pg_free_list - free what pg_split made */
void
db_pg_free_list(char **items)
{
	for (size_t i = 0; items != NULL && items[i] != NULL; i++)
		free(items[i]);
	free(items);
}

/*
 * db_pg_split_hosts - the URI's hosts and their ports, to try one at a time: libpq's own
 * walk through several hosts lets the first take the whole wait, so a primary gone
 * without a word (a dead machine) would keep every connection from the new primary.
 * Left to libpq (nhosts 0) for one host, hostaddr, or lists libpq would refuse.
 */
void
db_pg_split_hosts(struct db_pg *pg, PQconninfoOption *opts)
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
		db_pg_free_list(pg->hosts);
		db_pg_free_list(pg->ports);
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
		return db_pg_fail(pg, DB_ERROR, "out of memory");
	if (PQstatus(pg->conn) == CONNECTION_BAD) {	/* refused at once (pg_open checked the URI) */
		rc = db_pg_fail(pg, DB_BUSY, "%s", PQerrorMessage(pg->conn));
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
	return db_pg_fail(pg, rc, "%s", why[0] != '\0' ? why : "no time left to connect");
}

/* db_pg_connect - a new connection with the session's timeouts, until end; a DB_* code */
int
db_pg_connect(struct db_pg *pg, long long end)
{
	char sql[200];
	int rc;

	if ((rc = pg_connect_any(pg, end)) != DB_DONE) {
		db_outage_failed(pg->base.name, pg->err);
		return rc;
	}
	db_outage_reached(pg->base.name);
	if (PQsetnonblocking(pg->conn, 1) != 0)
		return db_pg_lost(pg, "connecting");
	PQsetNoticeProcessor(pg->conn, pg_quiet, NULL);
	pg->generation++;
	db_pg_timeouts_sql(sql, sizeof(sql), "SESSION",
	    pg->base.timeout_ms > 0 ? pg->base.timeout_ms : -1);
	if (pg->readonly)
		strncat(sql, "; SET SESSION default_transaction_read_only = on",
		    sizeof(sql) - strlen(sql) - 1);
	if ((rc = db_pg_simple(pg, sql, end)) != DB_DONE)
		pg_drop(pg);
	return rc;
}

/*
 * pg_dead - whether the idle connection was closed by the server (it stopped, restarted):
 * a look without waiting (pg_poll() with an end of now would not look at all, and a
 * connection idle across a restart then failed its next statement as an outage)
 */
static int
pg_dead(struct db_pg *pg)
{
	struct pollfd pfd = {.fd = PQsocket(pg->conn), .events = POLLIN};
	int n;

	/* a server going away sends its last words, then the end: read until either */
	for (int i = 0; i < 4; i++) {
		if (PQstatus(pg->conn) == CONNECTION_BAD)
			return 1;
		while ((n = poll(&pfd, 1, 0)) < 0 && errno == EINTR)
			;
		if (n == 0)
			return 0;	/* nothing (more) to read: the usual case */
		if (!PQconsumeInput(pg->conn))
			return 1;
	}
	return PQstatus(pg->conn) == CONNECTION_BAD;
}

/*
 * db_pg_ready - a connection to send the call's command on, until end: the one there is,
 * or a new one when there is none or the server closed it outside a transaction.
 */
int
db_pg_ready(struct db_pg *pg, long long end)
{
	if (pg->lost_in_transaction)
		return db_pg_fail(pg, DB_BUSY, "the connection to the PostgreSQL server was lost inside"
		    " a transaction; it was rolled back (roll back before the next statement)");
	if (end == 0)
		return db_pg_fail(pg, DB_BUSY, "the deadline for the database has passed");
	if (pg->conn != NULL && pg_dead(pg)) {
		if (pg->tx_open)
			return db_pg_lost(pg, "inside a transaction");
		PQfinish(pg->conn);
		pg->conn = NULL;
	}
	return pg->conn != NULL ? DB_DONE : db_pg_connect(pg, end);
}

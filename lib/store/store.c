/*
 * store.c - open the SQLite store and keep its schema current.
 *
 * Trusts the file only as far as SQLite does: a file that is not a database or whose
 * schema is newer than this build is refused with a clear reason. Migrations run in one
 * transaction each, so a crash leaves the file at the old or the new version.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "store.h"
#include "util/xalloc.h"

/*
 * The migrations: store_migrations[i] takes a file from version i to version i + 1.
 * Never edit a released entry; append a new one.
 */
static const char *const store_migrations[] = {
	/* 1: customers, invoices and their findings, check-ins */
	"CREATE TABLE customers ("
	"  id INTEGER PRIMARY KEY,"
	"  address TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  domain TEXT NOT NULL COLLATE NOCASE,"
	"  display_name TEXT,"
	"  manager TEXT,"
	"  language TEXT,"
	"  first_seen INTEGER NOT NULL,"		/* unix time */
	"  onboarded_at INTEGER,"
	"  offboarded_at INTEGER,"
	"  invoice_count INTEGER NOT NULL DEFAULT 0,"
	"  last_invoice_at INTEGER,"
	"  renewal_date TEXT"			/* YYYY-MM-DD */
	");"
	"CREATE INDEX customers_domain ON customers(domain);"
	"CREATE TABLE invoices ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT,"
	"  syntax TEXT, profile TEXT,"
	"  seller TEXT, buyer TEXT, buyer_address TEXT,"
	"  issue_date TEXT, due_date TEXT,"
	"  currency TEXT, total TEXT,"		/* exact decimal as text */
	"  payee_iban TEXT,"
	"  sender TEXT, recipients TEXT,"
	"  message_id TEXT, queue_id TEXT,"
	"  fingerprint TEXT,"			/* what makes a resend the same invoice */
	"  verdict TEXT NOT NULL,"		/* ok | flagged | resend */
	"  action TEXT,"				/* tag | hold | reject | tempfail */
	"  sent_at INTEGER NOT NULL,"
	"  review_state TEXT NOT NULL DEFAULT 'open',"
	"  review_note TEXT, reviewed_at INTEGER,"
	"  digested_at INTEGER"
	");"
	"CREATE INDEX invoices_number ON invoices(number, seller);"
	"CREATE INDEX invoices_sent ON invoices(sent_at);"
	"CREATE TABLE findings ("
	"  invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,"
	"  rule_id TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL"
	");"
	"CREATE INDEX findings_invoice ON findings(invoice_id);"
	"CREATE TABLE checkins ("
	"  id INTEGER PRIMARY KEY,"
	"  customer_id INTEGER NOT NULL REFERENCES customers(id),"
	"  manager TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"			/* day-7 ... anniversary */
	"  ordinal INTEGER NOT NULL DEFAULT 0,"
	"  due_at INTEGER NOT NULL,"		/* unix time of the start */
	"  end_at INTEGER NOT NULL,"
	"  tzid TEXT NOT NULL,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  sequence INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'planned',"	/* planned sent cancelled failed */
	"  sent_sequence INTEGER,"			/* the SEQUENCE last delivered */
	"  pending TEXT,"				/* request | cancel | NULL */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER,"
	"  last_error TEXT"
	");"
	"CREATE INDEX checkins_due ON checkins(state, due_at);"
	"CREATE UNIQUE INDEX checkins_kind ON checkins(customer_id, kind, ordinal);",
	/* managers as configured (manager lines, the checkin- keys as defaults); the date a
	 * check-in was due before it was shifted to a free slot; a manager's bookings by time */
	"CREATE TABLE managers ("
	"  address TEXT PRIMARY KEY COLLATE NOCASE,"
	"  name TEXT,"				/* the CN of invitations */
	"  tzid TEXT NOT NULL,"
	"  workdays TEXT NOT NULL,"		/* Mon-Fri, Sun-Thu ... */
	"  hours TEXT NOT NULL,"			/* 09:00-17:00 */
	"  slot_min INTEGER NOT NULL,"
	"  busy_file TEXT,"			/* the manager's busy times (iCalendar) */
	"  configured INTEGER NOT NULL DEFAULT 0,"	/* 1: a manager line describes it */
	"  updated_at INTEGER NOT NULL"
	");"
	"ALTER TABLE checkins ADD COLUMN planned_for TEXT;"	/* YYYY-MM-DD, manager's zone */
	"CREATE INDEX checkins_manager ON checkins(manager COLLATE NOCASE, due_at, end_at, state,"
	"  customer_id);",
	/* 3: the manager's iTIP answers (lib/store_reply.c), weekly summaries */
	"ALTER TABLE checkins ADD COLUMN partstat TEXT;"		/* ACCEPTED DECLINED TENTATIVE */
	"ALTER TABLE checkins ADD COLUMN partstat_sequence INTEGER;"	/* the SEQUENCE answered */
	"ALTER TABLE checkins ADD COLUMN replied_at INTEGER;"		/* when it arrived */
	"ALTER TABLE checkins ADD COLUMN reply_dtstamp INTEGER;"	/* its DTSTAMP: the latest wins */
	"ALTER TABLE checkins ADD COLUMN reply_cn TEXT;"		/* the attendee's own CN */
	"ALTER TABLE checkins ADD COLUMN counter_start INTEGER;"	/* a COUNTER's proposal */
	"ALTER TABLE checkins ADD COLUMN counter_end INTEGER;"
	"ALTER TABLE checkins ADD COLUMN counter_sequence INTEGER;"
	"ALTER TABLE checkins ADD COLUMN counter_at INTEGER;"
	"CREATE TABLE manager_summaries ("
	"  manager TEXT PRIMARY KEY COLLATE NOCASE,"
	"  sent_at INTEGER NOT NULL"
	");",
	/* 4: the finance console (postsale-web): what an invoice's page shows of a flagged
	 * invoice (its lines and totals, stated and recomputed), the hold queue's outcome,
	 * the console's users, sessions and failed logins, and the audit log. The list's
	 * order (held, then flagged and open, then the rest) has an index of its own. */
	"CREATE TABLE invoice_lines ("
	"  invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,"
	"  pos INTEGER NOT NULL,"
	"  line_id TEXT, item TEXT, quantity TEXT, unit TEXT, price TEXT, base_quantity TEXT,"
	"  net TEXT, computed TEXT,"			/* as stated, as recomputed */
	"  differs INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (invoice_id, pos)"
	") WITHOUT ROWID;"
	"CREATE TABLE invoice_totals ("
	"  invoice_id INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,"
	"  pos INTEGER NOT NULL,"
	"  term TEXT NOT NULL, label TEXT NOT NULL, stated TEXT, computed TEXT,"
	"  differs INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (invoice_id, pos)"
	") WITHOUT ROWID;"
	"ALTER TABLE invoices ADD COLUMN hold_state TEXT;"	/* released | discarded */
	"CREATE INDEX invoices_list ON invoices((CASE WHEN action = 'hold' AND hold_state IS NULL"
	"  THEN 0 WHEN verdict = 'flagged' AND review_state = 'open' THEN 1 ELSE 2 END), id DESC);"
	"CREATE INDEX invoices_flagged ON invoices(id) WHERE verdict = 'flagged';"
	"CREATE INDEX invoices_reviewed ON invoices(id) WHERE review_state = 'reviewed';"
	"CREATE INDEX invoices_hold_state ON invoices(hold_state, id) WHERE hold_state IS NOT NULL;"
	"CREATE INDEX invoices_queue ON invoices(queue_id) WHERE action = 'hold';"
	"CREATE TABLE web_users ("
	"  name TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL,"			/* finance | manager | admin */
	"  hash TEXT NOT NULL,"			/* crypt(3) yescrypt */
	"  created_at INTEGER NOT NULL, changed_at INTEGER NOT NULL"
	");"
	"CREATE TABLE web_sessions ("
	"  token_hash TEXT PRIMARY KEY,"		/* SHA-256 of the cookie's token */
	"  user TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL"
	");"
	"CREATE TABLE web_login_failures (key TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX web_login_failures_key ON web_login_failures(key, at);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  invoice_id INTEGER,"
	"  at INTEGER NOT NULL,"
	"  user TEXT NOT NULL,"
	"  action TEXT NOT NULL,"			/* release | discard | review | login ... */
	"  outcome TEXT NOT NULL,"			/* done | refused: ... | failed: ... */
	"  detail TEXT"
	");"
	"CREATE INDEX audit_invoice ON audit(invoice_id, id);",
};

#define STORE_VERSION ((int) (sizeof(store_migrations) / sizeof(store_migrations[0])))

int
store_schema_version(void)
{
	return STORE_VERSION;
}

int
store_user_version(struct store *st)
{
	sqlite3_stmt *stmt;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* store_migrate - bring the schema from its version to STORE_VERSION */
static int
store_migrate(struct store *st, char *err, size_t errlen)
{
	int v;
	char *msg = NULL, *sql;

	if ((v = store_user_version(st)) < 0) {
		snprintf(err, errlen, "%s: cannot read the schema version: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (v > STORE_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than this postsale (%d)",
		    st->path, v, STORE_VERSION);
		return -1;
	}
	for (; v < STORE_VERSION; v++) {
		sql = xasprintf("BEGIN IMMEDIATE; %s; PRAGMA user_version = %d; COMMIT;",
		    store_migrations[v], v + 1);
		if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "%s: migrating the schema to version %d: %s",
			    st->path, v + 1, msg ? msg : sqlite3_errmsg(st->db));
			sqlite3_free(msg);
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			free(sql);
			return -1;
		}
		free(sql);
	}
	return 0;
}

/*
 * store_private_file - create path when missing with no access for others (0640, or
 * 0660 under a umask that leaves the group write), and take that access away from an
 * existing file of ours (a store of an older release, its -wal or -shm). SQLite gives
 * the -wal and -shm files the mode of the database, so they follow. 0, or -1 with err.
 */
static int
store_private_file(const char *path, int create, char *err, size_t errlen)
{
	struct stat sb;
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	if (create && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0660 & ~mask & ~(mode_t) 0007)) >= 0) {
		if (fchmod(fd, 0660 & ~mask & ~(mode_t) 0007) != 0) {
			snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
	    (sb.st_mode & 0007) != 0)
		chmod(path, sb.st_mode & 07770);
	return 0;
}

long long
store_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
store_set_deadline(struct store *st, long long deadline)
{
	if (st != NULL)
		st->deadline = deadline;
}

/*
 * store_busy - SQLite's busy handler: sleep a little longer each time (as SQLite's own
 * handler does) until the lock is free, the timeout of this wait runs out, or the
 * deadline passes; 0 gives up (the statement fails with SQLITE_BUSY).
 */
static int
store_busy(void *arg, int count)
{
	static const int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
	const int ndelays = (int) (sizeof(delays) / sizeof(delays[0]));
	struct store *st = arg;
	long long now = store_clock_ms(), limit;
	int ms;

	if (count == 0)
		st->busy_since = now;
	limit = st->busy_since + st->timeout_ms;
	if (st->deadline != 0 && st->deadline < limit)
		limit = st->deadline;
	if (now >= limit)
		return 0;
	ms = delays[count < ndelays ? count : ndelays - 1];
	if (ms > limit - now)
		ms = (int) (limit - now);
	sqlite3_sleep(ms);
	return 1;
}

struct store *
store_open(const char *path, long timeout_ms, int flags, char *err, size_t errlen)
{
	struct store *st;
	struct stat sb;
	char *dir, *copy;
	int oflags, rc;

	copy = xstrdup(path);
	dir = dirname(copy);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: directory %s does not exist (create it, writable by the user postsale runs as)",
		    path, dir);
		free(copy);
		return NULL;
	}
	free(copy);
	if (!(flags & STORE_CREATE) && stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: no such database: %s", path, strerror(errno));
		return NULL;
	}
	if (!(flags & STORE_READONLY)) {
		static const char *const suffix[] = {"", "-wal", "-shm"};
		for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
			char *file = xasprintf("%s%s", path, suffix[i]);
			int rc_file = store_private_file(file, i == 0 && (flags & STORE_CREATE), err, errlen);
			free(file);
			if (rc_file != 0)
				return NULL;
		}
	}
	oflags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	st = xcalloc(1, sizeof(*st));
	st->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		return store_close(st);
	}
	st->timeout_ms = timeout_ms;
	sqlite3_busy_handler(st->db, store_busy, st);
	sqlite3_extended_result_codes(st->db, 1);
	if (!(flags & STORE_READONLY)) {
		char *msg = NULL;
		if (sqlite3_exec(st->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
		    " PRAGMA foreign_keys = ON;", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(st->db));
			sqlite3_free(msg);
			return store_close(st);
		}
		if (store_migrate(st, err, errlen) != 0)
			return store_close(st);
	} else if (store_user_version(st) != STORE_VERSION) {
		snprintf(err, errlen, "%s: schema version %d, this postsale reads %d (run a command that writes, to migrate)",
		    path, store_user_version(st), STORE_VERSION);
		return store_close(st);
	}
	return st;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql, int *rc)
{
	sqlite3_stmt *stmt = NULL;

	for (size_t i = 0; i < st->nstmts; i++)
		if (st->stmts[i].sql == sql || strcmp(st->stmts[i].sql, sql) == 0) {
			sqlite3_reset(st->stmts[i].stmt);
			sqlite3_clear_bindings(st->stmts[i].stmt);
			return st->stmts[i].stmt;
		}
	*rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (*rc != SQLITE_OK || stmt == NULL) {		/* NULL: sql held no statement */
		if (*rc == SQLITE_OK)
			*rc = SQLITE_MISUSE;
		sqlite3_finalize(stmt);
		return NULL;
	}
	st->stmts = xreallocarray(st->stmts, st->nstmts + 1, sizeof(*st->stmts));
	st->stmts[st->nstmts++] = (struct store_stmt){.sql = sql, .stmt = stmt};
	return stmt;
}

struct store *
store_close(struct store *st)
{
	if (st != NULL) {
		/* A connection that still holds statements would stay open (a zombie). */
		for (size_t i = 0; i < st->nstmts; i++)
			sqlite3_finalize(st->stmts[i].stmt);
		free(st->stmts);
		sqlite3_close_v2(st->db);
		free(st->path);
		free(st);
	}
	return NULL;
}

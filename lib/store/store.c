/*
 * store.c - open the store (db.h) and keep its schema current; the error helpers the
 * store_*.c files share (store_int.h).
 *
 * Trusts the file only as far as SQLite does: a file that is not a database or whose
 * schema is newer than this build is refused with a clear reason. Migrations run in one
 * transaction each, so a crash leaves the file at the old or the new version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_outage.h"
#include "store_int.h"
#include "util/xalloc.h"

/*
 * The migrations: store_migrations_sqlite[i] takes a file from version i to version
 * i + 1 (PRAGMA user_version). Never edit a released entry; append a new one, and its
 * PostgreSQL text below.
 */
static const char *const store_migrations_sqlite[] = {
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
	/* issue 14: the mailer's lease on a claimed check-in (PostgreSQL: several mailers
	 * share the store); NULL = none, as SQLite's claims always leave it */
	"ALTER TABLE checkins ADD COLUMN claimed_until INTEGER;",
	/* issue 14: the resend lookup (the latest send of a number and seller) reads the
	 * index backwards and stops at the first row that left: PostgreSQL's generic plan
	 * over invoices(number, seller) sorted every earlier send of the number (2.5 ms at
	 * 7,000 sends), or scanned the whole table backwards by id for a new number. SQLite's
	 * index carries the rowid anyway; the same index keeps the two schemas alike. */
	"DROP INDEX invoices_number;"
	"CREATE INDEX invoices_number_id ON invoices(number, seller, id);",
	/* issue 14: the mailers' claims (leases) on the digest's invoices and on a
	 * manager's summary, so that mailers sharing a store send each once; NULL = none */
	"ALTER TABLE invoices ADD COLUMN digest_claimed_until INTEGER;"
	"ALTER TABLE manager_summaries ADD COLUMN claimed_until INTEGER;",
};

/*
 * The same migrations for PostgreSQL: store_migrations_pg[i] leaves a PostgreSQL
 * database as store_migrations_sqlite[i] leaves a file. The differences: identity
 * columns (BIGINT GENERATED BY DEFAULT AS IDENTITY) for INTEGER PRIMARY KEY, BIGINT for
 * INTEGER, an ICU collation "nocase" (nondeterministic, case-insensitive) for NOCASE,
 * no WITHOUT ROWID, "user" quoted (a reserved word), and findings with an id column
 * (the order they were recorded in, which SQLite reads from the rowid). Append in step with SQLite.
 */
static const char *const store_migrations_pg[] = {
	/* 1 */
	"CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2',"
	"  deterministic = false);"
	"CREATE TABLE customers ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  address TEXT COLLATE nocase NOT NULL UNIQUE,"
	"  domain TEXT COLLATE nocase NOT NULL,"
	"  display_name TEXT,"
	"  manager TEXT,"
	"  language TEXT,"
	"  first_seen BIGINT NOT NULL,"
	"  onboarded_at BIGINT,"
	"  offboarded_at BIGINT,"
	"  invoice_count BIGINT NOT NULL DEFAULT 0,"
	"  last_invoice_at BIGINT,"
	"  renewal_date TEXT"
	");"
	"CREATE INDEX customers_domain ON customers(domain);"
	"CREATE TABLE invoices ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  number TEXT,"
	"  syntax TEXT, profile TEXT,"
	"  seller TEXT, buyer TEXT, buyer_address TEXT,"
	"  issue_date TEXT, due_date TEXT,"
	"  currency TEXT, total TEXT,"
	"  payee_iban TEXT,"
	"  sender TEXT, recipients TEXT,"
	"  message_id TEXT, queue_id TEXT,"
	"  fingerprint TEXT,"
	"  verdict TEXT NOT NULL,"
	"  action TEXT,"
	"  sent_at BIGINT NOT NULL,"
	"  review_state TEXT NOT NULL DEFAULT 'open',"
	"  review_note TEXT, reviewed_at BIGINT,"
	"  digested_at BIGINT"
	");"
	"CREATE INDEX invoices_number ON invoices(number, seller);"
	"CREATE INDEX invoices_sent ON invoices(sent_at);"
	"CREATE TABLE findings ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"	/* SQLite's rowid */
	"  invoice_id BIGINT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,"
	"  rule_id TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL"
	");"
	"CREATE INDEX findings_invoice ON findings(invoice_id);"
	"CREATE TABLE checkins ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  customer_id BIGINT NOT NULL REFERENCES customers(id),"
	"  manager TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ordinal BIGINT NOT NULL DEFAULT 0,"
	"  due_at BIGINT NOT NULL,"
	"  end_at BIGINT NOT NULL,"
	"  tzid TEXT NOT NULL,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  sequence BIGINT NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'planned',"
	"  sent_sequence BIGINT,"
	"  pending TEXT,"
	"  attempts BIGINT NOT NULL DEFAULT 0,"
	"  next_attempt_at BIGINT,"
	"  last_error TEXT"
	");"
	"CREATE INDEX checkins_due ON checkins(state, due_at);"
	"CREATE UNIQUE INDEX checkins_kind ON checkins(customer_id, kind, ordinal);",
	/* 2 */
	"CREATE TABLE managers ("
	"  address TEXT COLLATE nocase PRIMARY KEY,"
	"  name TEXT,"
	"  tzid TEXT NOT NULL,"
	"  workdays TEXT NOT NULL,"
	"  hours TEXT NOT NULL,"
	"  slot_min BIGINT NOT NULL,"
	"  busy_file TEXT,"
	"  configured BIGINT NOT NULL DEFAULT 0,"
	"  updated_at BIGINT NOT NULL"
	");"
	"ALTER TABLE checkins ADD COLUMN planned_for TEXT;"
	"CREATE INDEX checkins_manager ON checkins(manager COLLATE nocase, due_at, end_at, state,"
	"  customer_id);",
	/* 3 */
	"ALTER TABLE checkins ADD COLUMN partstat TEXT;"
	"ALTER TABLE checkins ADD COLUMN partstat_sequence BIGINT;"
	"ALTER TABLE checkins ADD COLUMN replied_at BIGINT;"
	"ALTER TABLE checkins ADD COLUMN reply_dtstamp BIGINT;"
	"ALTER TABLE checkins ADD COLUMN reply_cn TEXT;"
	"ALTER TABLE checkins ADD COLUMN counter_start BIGINT;"
	"ALTER TABLE checkins ADD COLUMN counter_end BIGINT;"
	"ALTER TABLE checkins ADD COLUMN counter_sequence BIGINT;"
	"ALTER TABLE checkins ADD COLUMN counter_at BIGINT;"
	"CREATE TABLE manager_summaries ("
	"  manager TEXT COLLATE nocase PRIMARY KEY,"
	"  sent_at BIGINT NOT NULL"
	");",
	/* 4 */
	"CREATE TABLE invoice_lines ("
	"  invoice_id BIGINT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,"
	"  pos BIGINT NOT NULL,"
	"  line_id TEXT, item TEXT, quantity TEXT, unit TEXT, price TEXT, base_quantity TEXT,"
	"  net TEXT, computed TEXT,"
	"  differs BIGINT NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (invoice_id, pos)"
	");"
	"CREATE TABLE invoice_totals ("
	"  invoice_id BIGINT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,"
	"  pos BIGINT NOT NULL,"
	"  term TEXT NOT NULL, label TEXT NOT NULL, stated TEXT, computed TEXT,"
	"  differs BIGINT NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (invoice_id, pos)"
	");"
	"ALTER TABLE invoices ADD COLUMN hold_state TEXT;"
	"CREATE INDEX invoices_list ON invoices((CASE WHEN action = 'hold' AND hold_state IS NULL"
	"  THEN 0 WHEN verdict = 'flagged' AND review_state = 'open' THEN 1 ELSE 2 END), id DESC);"
	"CREATE INDEX invoices_flagged ON invoices(id) WHERE verdict = 'flagged';"
	"CREATE INDEX invoices_reviewed ON invoices(id) WHERE review_state = 'reviewed';"
	"CREATE INDEX invoices_hold_state ON invoices(hold_state, id) WHERE hold_state IS NOT NULL;"
	"CREATE INDEX invoices_queue ON invoices(queue_id) WHERE action = 'hold';"
	"CREATE TABLE web_users ("
	"  name TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL,"
	"  hash TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL, changed_at BIGINT NOT NULL"
	");"
	"CREATE TABLE web_sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  \"user\" TEXT NOT NULL REFERENCES web_users(name) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL"
	");"
	"CREATE TABLE web_login_failures (key TEXT NOT NULL, at BIGINT NOT NULL);"
	"CREATE INDEX web_login_failures_key ON web_login_failures(key, at);"
	"CREATE TABLE audit ("
	"  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
	"  invoice_id BIGINT,"
	"  at BIGINT NOT NULL,"
	"  \"user\" TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  detail TEXT"
	");"
	"CREATE INDEX audit_invoice ON audit(invoice_id, id);",
	/* 5 */
	"ALTER TABLE checkins ADD COLUMN claimed_until BIGINT;",
	/* 6 */
	"DROP INDEX invoices_number;"
	"CREATE INDEX invoices_number_id ON invoices(number, seller, id);",
	/* 7 */
	"ALTER TABLE invoices ADD COLUMN digest_claimed_until BIGINT;"
	"ALTER TABLE manager_summaries ADD COLUMN claimed_until BIGINT;",
};

#define STORE_VERSION ((int) (sizeof(store_migrations_sqlite) / sizeof(store_migrations_sqlite[0])))

_Static_assert(sizeof(store_migrations_sqlite) == sizeof(store_migrations_pg),
    "every migration has its PostgreSQL text");

/* PostgreSQL keeps the version in a table of one row (SQLite in PRAGMA user_version). */
#define SQL_PG_VERSION_TABLE \
	"CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);" \
	"INSERT INTO schema_version (version) SELECT 0" \
	" WHERE NOT EXISTS (SELECT 1 FROM schema_version)"
static const char SQL_PG_VERSION[] = "SELECT version FROM schema_version";
static const char SQL_PG_EXISTS[] = "SELECT count(*) FROM pg_catalog.pg_tables"
	" WHERE tablename = 'schema_version' AND schemaname = current_schema()";
static const char SQL_SQLITE_VERSION[] = "PRAGMA user_version";

int
store_schema_version(void)
{
	return STORE_VERSION;
}

const char *
store_migration(int v, enum db_kind kind)
{
	if (v < 0 || v >= STORE_VERSION)
		return NULL;
	return kind == DB_SQLITE ? store_migrations_sqlite[v] : store_migrations_pg[v];
}

/* one_int - the first column of the first row of sql, or -1 */
static long long
one_int(struct store *st, const char *sql)
{
	struct db_stmt *s = db_prepare(st->db, sql);
	long long v = -1;
	int rc;

	if (s == NULL)
		return -1;
	if ((rc = db_step(s)) == DB_ROW)
		v = db_column_int64(s, 0);
	else
		store_failed(st, rc);
	db_reset(s);
	return v;
}

int
store_user_version(struct store *st)
{
	if (db_kind(st->db) == DB_SQLITE)
		return (int) one_int(st, SQL_SQLITE_VERSION);
	if (one_int(st, SQL_PG_EXISTS) != 1)	/* a database the store never wrote */
		return 0;
	return (int) one_int(st, SQL_PG_VERSION);
}

/* store_set_version - record version v in the open transaction; a DB_* code */
static int
store_set_version(struct store *st, int v)
{
	char sql[64];

	if (db_kind(st->db) == DB_SQLITE)
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	else
		snprintf(sql, sizeof(sql), "UPDATE schema_version SET version = %d", v);
	return db_exec(st->db, sql);
}

/* store_migrate_step - take the schema from version v to v + 1 in one transaction,
 * unless another process did meanwhile; 0, or -1 with err */
static int
store_migrate_step(struct store *st, int v, char *err, size_t errlen)
{
	const char *sql = store_migration(v, db_kind(st->db));
	int rc;

	if ((rc = db_begin(st->db, 1)) != DB_DONE)
		goto fail;
	if (store_user_version(st) > v) {		/* a concurrent open migrated it */
		db_rollback(st->db);
		return 0;
	}
	if ((rc = db_exec(st->db, sql)) != DB_DONE || (rc = store_set_version(st, v + 1)) != DB_DONE ||
	    (rc = db_commit(st->db)) != DB_DONE)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: migrating the schema to version %d: %s", st->path, v + 1,
	    db_errmsg(st->db));
	store_failed(st, rc);
	db_rollback(st->db);
	return -1;
}

/* store_migrate - bring the schema from its version to STORE_VERSION */
static int
store_migrate(struct store *st, char *err, size_t errlen)
{
	int v;

	if (db_kind(st->db) == DB_POSTGRESQL && db_exec(st->db, SQL_PG_VERSION_TABLE) != DB_DONE) {
		snprintf(err, errlen, "%s: cannot create the schema_version table: %s", st->path,
		    db_errmsg(st->db));
		return -1;
	}
	if ((v = store_user_version(st)) < 0) {
		snprintf(err, errlen, "%s: cannot read the schema version: %s", st->path,
		    db_errmsg(st->db));
		return -1;
	}
	if (v > STORE_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than this postsale (%d)",
		    st->path, v, STORE_VERSION);
		return -1;
	}
	for (; v < STORE_VERSION; v++)
		if (store_migrate_step(st, v, err, errlen) != 0)
			return -1;
	return 0;
}

long long
store_clock_ms(void)
{
	return db_clock_ms();
}

void
store_set_deadline(struct store *st, long long deadline)
{
	if (st != NULL) {
		st->deadline = deadline;
		db_set_deadline(st->db, deadline);
	}
}

long long
store_deadline(const struct store *st)
{
	return st->deadline;
}

int
store_outage(const struct store *st)
{
	if (db_outage_failures() == 0)
		return 0;
	return st == NULL || st->last_rc == DB_BUSY;
}

void
store_outage_quiet(void)
{
	db_outage_quiet();
}

struct store *
store_open(const char *path, long timeout_ms, int flags, char *err, size_t errlen)
{
	struct store *st;
	int v;

	st = xcalloc(1, sizeof(*st));
	st->db = db_open(path, timeout_ms, ((flags & STORE_CREATE) ? DB_CREATE : 0) |
	    ((flags & STORE_READONLY) ? DB_READONLY_OPEN : 0) |
	    ((flags & STORE_CHECKPOINT_APART) ? DB_CHECKPOINT_APART : 0), err, errlen);
	if (st->db == NULL)
		return store_close(st);
	st->path = xstrdup(db_name(st->db));
	st->target = xstrdup(path);
	if (!(flags & STORE_READONLY)) {
		if (store_migrate(st, err, errlen) != 0)
			return store_close(st);
	} else if ((v = store_user_version(st)) != STORE_VERSION) {
		snprintf(err, errlen, "%s: schema version %d, this postsale reads %d (run a command that writes, to migrate)",
		    st->path, v, STORE_VERSION);
		return store_close(st);
	}
	return st;
}

struct store *
store_close(struct store *st)
{
	if (st != NULL) {
		db_close(st->db);
		free(st->path);
		free(st->target);
		free(st);
	}
	return NULL;
}

int
store_opened_on(const struct store *st, const char *target)
{
	return st->target != NULL && target != NULL && strcmp(st->target, target) == 0;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

int
store_in_transaction(struct store *st)
{
	return db_in_transaction(st->db);
}

long
store_wal_pages(struct store *st)
{
	return db_wal_pages(st->db);
}

int
store_checkpoint(struct store *st, char *err, size_t errlen)
{
	int rc = db_checkpoint(st->db);

	if (rc == DB_DONE)
		return 0;
	store_errmsg(st, rc, "checkpointing the WAL", err, errlen);
	return -1;
}

struct db *
store_db(struct store *st)
{
	return st->db;
}

int
store_failed(struct store *st, int rc)
{
	if (rc < 0)
		st->last_rc = rc;
	return rc;
}

void
store_errmsg(struct store *st, int rc, const char *what, char *err, size_t errlen)
{
	store_failed(st, rc);
	if (rc == DB_BUSY && db_kind(st->db) == DB_SQLITE)
		snprintf(err, errlen, "%s: %s: the database is locked by another writer"
		    " (gave up after the busy timeout, database-timeout)", st->path, what);
	else	/* a server's DB_BUSY: no connection, lost, no answer within ... */
		snprintf(err, errlen, "%s: %s: %s", st->path, what, db_errmsg(st->db));
}

struct db_stmt *
store_statement(struct store *st, const char *sql, const char *what, char *err, size_t errlen)
{
	struct db_stmt *s = db_prepare(st->db, sql);

	if (s == NULL)
		store_errmsg(st, DB_ERROR, what, err, errlen);
	return s;
}

int
store_step_done(struct store *st, struct db_stmt *s)
{
	int rc = db_step(s);

	db_reset(s);
	if (rc == DB_ROW)
		rc = DB_DONE;
	return store_failed(st, rc);
}

int
store_exec(struct store *st, const char *sql)
{
	return store_failed(st, db_exec(st->db, sql));
}

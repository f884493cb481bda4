/*
 * check_store.c - the store: created with the current schema (SQLite: in WAL mode),
 * migrated from an older database, and clear refusals (missing directory, a file that
 * is no database, a schema newer than this build), the cache of prepared statements,
 * a store opened read-only, and a write that another writer's lock makes wait no longer
 * than the timeout or the deadline. Facts are read back on a connection of the test's
 * own (db.h; SQLite's own pragmas and statement list for what is SQLite's), not through
 * the store module.
 *
 * Each case has a fresh store: an SQLite file, or with POSTGRESQL_URI a schema of its
 * own on that server (test_db.h; tests/pg/suites.sh runs the suite on both). Another
 * writer holds the write lock with db_begin(db, 1) (SQLite's BEGIN IMMEDIATE,
 * PostgreSQL's advisory lock). SQLite's only, skipped on PostgreSQL with the reason on
 * stderr: a missing directory, a file that is no database, the files' modes, a file
 * left at every earlier version (and its schema as sqlite_master lists it); in its
 * place, a PostgreSQL schema left at every earlier version (its tables and indexes as
 * PostgreSQL's catalogs list them).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "test_db.h"
#include "test_files.h"
#include "test_run.h"
#include "store/store.h"
#include "store/store_exit.h"
#include "store/store_invoice.h"
/* behind the store's interface: its connection, as SQLite sees it */
#include "store/db_sqlite.h"
#include "store/store_int.h"
#define ST_SQLITE(st) db_sqlite_handle(store_db(st))

static char dir[] = "/tmp/check_store.XXXXXX";
static char path[1024];		/* the case's store (test_db_target) */

/* pragma_text - run a one-value query on a plain sqlite3 connection */
static char *
pragma_text(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = strdup((const char *) sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
setup(void)
{
	strcpy(dir, "/tmp/check_store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(test_db_target(path, sizeof(path), dir, "postsale.db"));
}

/* open_at - a connection of the test's own to target (created when missing) */
static struct db *
open_at(const char *target)
{
	char err[512];
	struct db *db = db_open(target, 2000, DB_CREATE, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

/* other_db - a connection of the test's own to the case's store */
static struct db *
other_db(void)
{
	return open_at(path);
}

/* exec_other - run sql on a connection of its own */
static void
exec_other(const char *sql)
{
	struct db *db = other_db();

	ck_assert_msg(db_exec(db, sql) == DB_DONE, "%s: %s", sql, db_errmsg(db));
	db_close(db);
}

/* rows_text_at - the rows of a one-column query on a connection of its own to target,
 * joined by commas (caller frees) */
static char *
rows_text_at(const char *target, const char *sql)
{
	struct db *db = open_at(target);
	struct db_stmt *s = db_prepare(db, sql);
	size_t len = 1;
	char *out = calloc(1, 1);

	ck_assert_msg(s != NULL, "%s: %s", sql, db_errmsg(db));
	while (db_step(s) == DB_ROW) {
		const char *v = db_column_text(s, 0) != NULL ? db_column_text(s, 0) : "";
		len += strlen(v) + 1;
		out = realloc(out, len);
		if (out[0] != '\0')
			strcat(out, ",");
		strcat(out, v);
	}
	db_reset(s);
	db_close(db);
	return out;
}

/* rows_text - rows_text_at the case's store */
static char *
rows_text(const char *sql)
{
	return rows_text_at(path, sql);
}

/* stored_version - the schema version the database records: SQLite's PRAGMA
 * user_version, PostgreSQL's schema_version table */
static int
stored_version(void)
{
	char *v = rows_text(test_db_uri() != NULL ? "SELECT version FROM schema_version" :
	    "PRAGMA user_version");
	int n = atoi(v);

	free(v);
	return n;
}

/* target_name - what the store calls its database in messages (db_name) into buf */
static const char *
target_name(char *buf, size_t len)
{
	struct db *db = other_db();

	snprintf(buf, len, "%s", db_name(db));
	db_close(db);
	return buf;
}

/* lock_holder - another connection holding the write lock (db_begin(db, 1)) and, in
 * that transaction, the invoices' rows (what a single UPDATE waits for on PostgreSQL,
 * where only write transactions take the advisory lock) */
static struct db *
lock_holder(void)
{
	struct db *db = other_db();

	ck_assert_int_eq(db_begin(db, 1), DB_DONE);
	ck_assert_msg(db_exec(db, "UPDATE invoices SET review_state = review_state") == DB_DONE,
	    "%s", db_errmsg(db));
	return db;
}

/* another writer's lock as the store says it (PostgreSQL: the server's lock or
 * statement timeout, SQLite: its busy timeout) */
#define LOCKED (test_db_uri() != NULL ? "timeout" : "locked by another writer")

static void
teardown(void)
{
	ck_assert_int_eq(test_rmtree(dir), 0);
}

START_TEST(test_create)
{
	char err[512] = "", *v;
	struct store *st = store_open(path, 500, STORE_CREATE, err, sizeof(err));

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_user_version(st), store_schema_version());
	store_close(st);
	if (test_db_uri() == NULL) {	/* SQLite's journal */
		v = pragma_text("PRAGMA journal_mode");
		ck_assert_str_eq(v, "wal");
		free(v);
	}
	v = rows_text(test_db_uri() != NULL ? "SELECT tablename FROM pg_catalog.pg_tables"
	    " WHERE schemaname = current_schema() ORDER BY tablename" :
	    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
	/* every table of the schema (migrations of other areas may add more) */
	static const char *const tables[] = { "checkins", "customers", "findings", "invoices",
					      "manager_summaries", "managers", "invoice_lines",
					      "invoice_totals", "web_users", "web_sessions",
					      "web_login_failures", "audit" };
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char *list = NULL, *tok, *save = NULL;
		int found = 0;
		list = strdup(v);
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			found |= strcmp(tok, tables[i]) == 0;
		free(list);
		ck_assert_msg(found, "no table %s in %s", tables[i], v);
	}
	free(v);
	/* opening again changes nothing */
	st = store_open(path, 500, 0, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_user_version(st), store_schema_version());
	store_close(st);
}
END_TEST

START_TEST(test_migrates_old_file)
{
	char err[512] = "";
	struct store *st;

	/* a database as an older release left it: version 0, nothing of ours in it */
	exec_other("CREATE TABLE unrelated(x INTEGER)");
	st = store_open(path, 500, 0, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	store_close(st);
	ck_assert_int_eq(stored_version(), store_schema_version());
}
END_TEST

START_TEST(test_newer_schema_refused)
{
	char err[512] = "", sql[200], want[1200], name[1024];

	if (test_db_uri() != NULL)
		snprintf(sql, sizeof(sql), "CREATE TABLE schema_version (version BIGINT NOT NULL);"
		    " INSERT INTO schema_version (version) VALUES (%d)", store_schema_version() + 1);
	else
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_version() + 1);
	exec_other(sql);
	ck_assert_ptr_null(store_open(path, 500, 0, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: schema version %d is newer than this postsale (%d)",
	    target_name(name, sizeof(name)), store_schema_version() + 1, store_schema_version());
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_missing_directory)
{
	char err[512] = "", p[300];

	snprintf(p, sizeof(p), "%s/nodir/postsale.db", dir);
	ck_assert_ptr_null(store_open(p, 500, STORE_CREATE, err, sizeof(err)));
	ck_assert_msg(strstr(err, "nodir does not exist") != NULL, "%s", err);
	ck_assert_int_eq(access(p, F_OK), -1);
}
END_TEST

START_TEST(test_not_a_database)
{
	FILE *fp = fopen(path, "w");
	char err[512] = "";

	fputs("this is a text file, not SQLite, and it is long enough to have a header......\n", fp);
	fclose(fp);
	ck_assert_ptr_null(store_open(path, 500, 0, err, sizeof(err)));
	ck_assert_msg(strstr(err, "not a database") != NULL, "%s", err);
}
END_TEST

START_TEST(test_locked_gives_up)
{
	char err[512] = "";
	struct store *st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	struct db *holder;
	sqlite3 *db;
	int rc;

	ck_assert_ptr_nonnull(st);
	/* another process holds the write lock: a write waits the timeout, then fails */
	if (test_db_uri() != NULL) {	/* a write of the store's: a write transaction */
		holder = lock_holder();
		ck_assert_int_eq(db_begin(store_db(st), 1), DB_BUSY);
		ck_assert_int_eq(store_in_transaction(st), 0);
		db_rollback(holder);
		db_close(holder);
		store_close(st);
		return;
	}
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_timeout(ST_SQLITE(st), 50);
	rc = sqlite3_exec(ST_SQLITE(st), "INSERT INTO customers(address, domain, first_seen)"
	    " VALUES ('a@b.example', 'b.example', 0)", NULL, NULL, NULL);
	ck_assert_int_eq(rc & 0xff, SQLITE_BUSY);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	store_close(st);
}
END_TEST

/* mode_of - the permission bits of file, or -1 */
static int
mode_of(const char *file)
{
	struct stat sb;

	return stat(file, &sb) == 0 ? (int) (sb.st_mode & 07777) : -1;
}

/* The store and its -wal and -shm are never readable by others, whatever the umask:
 * 0640 under 022, 0660 under 007; an older world-readable file of ours is tightened. */
START_TEST(test_private_modes)
{
	char err[512] = "", wal[300], shm[300];
	struct store *st;
	mode_t old = umask(022);
	FILE *fp;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	ck_assert_msg((st = store_open(path, 500, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	ck_assert_int_eq(sqlite3_exec(ST_SQLITE(st), "INSERT INTO customers(address, domain, first_seen)"
	    " VALUES ('a@b.example', 'b.example', 0)", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(mode_of(path), 0640);
	ck_assert_int_eq(mode_of(wal), 0640);
	ck_assert_int_eq(mode_of(shm), 0640);
	store_close(st);
	teardown();
	setup();
	umask(007);
	ck_assert_msg((st = store_open(path, 500, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	ck_assert_int_eq(mode_of(path), 0660);
	store_close(st);
	teardown();
	setup();
	/* a file of an older release, world-readable */
	umask(0);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fclose(fp);
	ck_assert_int_eq(chmod(path, 0644), 0);
	umask(022);
	ck_assert_msg((st = store_open(path, 500, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	ck_assert_int_eq(mode_of(path), 0640);
	store_close(st);
	umask(old);
}
END_TEST

/* nstmts - the statements a connection holds */
static int
nstmts(sqlite3 *db)
{
	int n = 0;

	for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s != NULL; s = sqlite3_next_stmt(db, s))
		n++;
	return n;
}

/* The connection keeps one statement per SQL text (db_prepare: by its address, or the
 * same text elsewhere), handed out reset and unbound; a text that is no statement
 * fails (SQLite: at db_prepare; PostgreSQL's server sees it at the first step). */
START_TEST(test_prepare_cache)
{
	char err[512] = "";
	struct store *st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	static const char sql[] = "SELECT ?";
	int sqlite = test_db_uri() == NULL;
	char same[sizeof(sql)];
	struct db_stmt *a, *b, *bad;
	sqlite3_stmt *raw = NULL;
	int kept = 0;

	ck_assert_msg(st != NULL, "%s", err);
	if (sqlite)
		kept = nstmts(ST_SQLITE(st));	/* the store's own (the schema version) */
	ck_assert_ptr_nonnull(a = db_prepare(store_db(st), sql));
	ck_assert_int_eq(db_bind_int64(a, 1, 42), 0);
	ck_assert_int_eq(db_step(a), DB_ROW);			/* left running */
	ck_assert_int_eq(db_column_int64(a, 0), 42);
	memcpy(same, sql, sizeof(sql));				/* the same text elsewhere */
	ck_assert_ptr_eq(b = db_prepare(store_db(st), same), a);
	if (sqlite) {
		ck_assert_ptr_nonnull(raw = sqlite3_next_stmt(ST_SQLITE(st), NULL));
		ck_assert_int_eq(sqlite3_stmt_busy(raw), 0);
	}
	ck_assert_int_eq(db_step(b), DB_ROW);
	ck_assert_int_eq(db_column_is_null(b, 0), 1);		/* the binding is gone */
	db_reset(b);
	bad = db_prepare(store_db(st), "SELECT FROM WHERE nowhere");
	ck_assert_msg(bad == NULL || db_step(bad) == DB_ERROR, "a syntax error ran");
	db_reset(bad);
	ck_assert_msg(strstr(db_errmsg(store_db(st)), "syntax error") != NULL, "%s",
	    db_errmsg(store_db(st)));
	bad = db_prepare(store_db(st), "-- no statement");
	ck_assert_msg(bad == NULL || db_step(bad) != DB_ROW, "no statement gave a row");
	db_reset(bad);
	if (sqlite) {	/* one statement more kept; store_close finalizes them (valgrind) */
		ck_assert_ptr_eq(sqlite3_next_stmt(ST_SQLITE(st), NULL), raw);
		ck_assert_int_eq(nstmts(ST_SQLITE(st)), kept + 1);
	}
	store_close(st);
}
END_TEST

/* schema_of - the schema of the file at p as SQLite lists it (tables, indexes), one
 * line each, sorted; caller frees */
static char *
schema_of(const char *p)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t len = 1;
	char *out = calloc(1, 1);

	ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT type || ' ' || name || ': ' || coalesce(sql, '')"
	    " FROM sqlite_master ORDER BY type, name", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *line = (const char *) sqlite3_column_text(st, 0);
		len += strlen(line) + 1;
		out = realloc(out, len);
		strcat(out, line);
		strcat(out, "\n");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* A file left at every earlier version (the migrations before it applied by hand, as
 * that release did) migrates forward to the schema a new file gets, keeping its rows. */
START_TEST(test_migrates_every_version)
{
	char err[512] = "", old[200], sql[64], *want, *got, *v;
	struct store *st;
	sqlite3 *db;

	ck_assert_msg((st = store_open(path, 500, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	store_close(st);
	want = schema_of(path);
	for (int version = 0; version < store_schema_version(); version++) {
		snprintf(old, sizeof(old), "%s/v%d.db", dir, version);
		ck_assert_int_eq(sqlite3_open(old, &db), SQLITE_OK);
		for (int i = 0; i < version; i++)
			ck_assert_msg(sqlite3_exec(db, store_migration(i, DB_SQLITE), NULL, NULL, NULL) ==
			    SQLITE_OK, "migration %d: %s", i + 1, sqlite3_errmsg(db));
		if (version >= 1)
			ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO invoices (number, verdict, sent_at)"
			    " VALUES ('R-1', 'ok', 1)", NULL, NULL, NULL), SQLITE_OK);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		ck_assert_msg((st = store_open(old, 500, 0, err, sizeof(err))) != NULL, "v%d: %s",
		    version, err);
		ck_assert_int_eq(store_user_version(st), store_schema_version());
		store_close(st);
		got = schema_of(old);
		ck_assert_msg(strcmp(got, want) == 0, "from version %d:\n%s\nwant:\n%s", version, got, want);
		free(got);
		snprintf(path, sizeof(path), "%s", old);	/* pragma_text() reads path */
		v = pragma_text("SELECT count(*) FROM invoices WHERE number = 'R-1'");
		ck_assert_int_eq(atoi(v), version >= 1);
		free(v);
		snprintf(path, sizeof(path), "%s/postsale.db", dir);
	}
	free(want);
	/* every migration has its PostgreSQL text, none past the last */
	for (int i = 0; i < store_schema_version(); i++)
		ck_assert_ptr_nonnull(store_migration(i, DB_POSTGRESQL));
	ck_assert_ptr_null(store_migration(store_schema_version(), DB_SQLITE));
}
END_TEST

/* schema_of_pg - the tables' columns (type, collation, default, null) and the indexes
 * of the PostgreSQL schema at target, one line each, sorted; caller frees */
static char *
schema_of_pg(const char *target)
{
	return rows_text_at(target, "SELECT line FROM ("
	    " SELECT table_name || '.' || column_name || ' ' || data_type || ' '"
	    "  || coalesce(collation_name, '') || ' ' || coalesce(column_default, '') || ' '"
	    "  || is_nullable || ' ' || is_identity AS line"
	    "  FROM information_schema.columns WHERE table_schema = current_schema()"
	    " UNION ALL SELECT indexname || ': ' || replace(indexdef, schemaname || '.', '')"
	    "  FROM pg_catalog.pg_indexes WHERE schemaname = current_schema()) AS s ORDER BY line");
}

/* A PostgreSQL schema left at every earlier version (the migrations before it applied
 * by hand, as that release did) migrates forward to the schema a new one gets, keeping
 * its rows: the PostgreSQL texts of the migrations agree with each other as SQLite's
 * do (test_migrates_every_version). */
START_TEST(test_migrates_every_version_pg)
{
	char err[512] = "", old[1024], name[16], sql[120], *want, *got, *v;
	struct store *st;
	struct db *db;

	ck_assert_msg((st = store_open(path, 500, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	store_close(st);
	want = schema_of_pg(path);
	for (int version = 0; version < store_schema_version(); version++) {
		snprintf(name, sizeof(name), "v%d", version);
		ck_assert_ptr_nonnull(test_db_target(old, sizeof(old), dir, name));
		db = open_at(old);
		snprintf(sql, sizeof(sql), "CREATE TABLE schema_version (version BIGINT NOT NULL);"
		    " INSERT INTO schema_version (version) VALUES (%d)", version);
		ck_assert_int_eq(db_exec(db, sql), DB_DONE);
		for (int i = 0; i < version; i++)
			ck_assert_msg(db_exec(db, store_migration(i, DB_POSTGRESQL)) == DB_DONE,
			    "migration %d: %s", i + 1, db_errmsg(db));
		if (version >= 1)
			ck_assert_int_eq(db_exec(db, "INSERT INTO invoices (number, verdict, sent_at)"
			    " VALUES ('R-1', 'ok', 1)"), DB_DONE);
		db_close(db);
		ck_assert_msg((st = store_open(old, 500, 0, err, sizeof(err))) != NULL, "v%d: %s",
		    version, err);
		ck_assert_int_eq(store_user_version(st), store_schema_version());
		store_close(st);
		got = schema_of_pg(old);
		ck_assert_msg(strcmp(got, want) == 0, "from version %d:\n%s\nwant:\n%s", version, got, want);
		free(got);
		v = rows_text_at(old, "SELECT count(*) FROM invoices WHERE number = 'R-1'");
		ck_assert_int_eq(atoi(v), version >= 1);
		free(v);
	}
	free(want);
}
END_TEST

/* A store opened for reading only reads, refuses a write with the store's own error,
 * and says so as an exit status (no permission), leaving the database unchanged. */
START_TEST(test_read_only)
{
	char err[512] = "", name[1024];
	struct store *st;
	char *v;

	ck_assert_msg((st = store_open(path, 500, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	store_close(st);
	exec_other("INSERT INTO invoices (number, verdict, sent_at) VALUES ('R-1', 'flagged', 1)");
	ck_assert_msg((st = store_open(path, 500, STORE_READONLY, err, sizeof(err))) != NULL, "%s", err);
	ck_assert_int_eq(store_user_version(st), store_schema_version());
	ck_assert_int_eq(store_invoice_review(st, 1, "read only", 2, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, target_name(name, sizeof(name))) != NULL &&
	    strstr(err, "marking an invoice reviewed") != NULL &&
	    strstr(err, test_db_uri() != NULL ? "read-only" : "readonly") != NULL, "%s", err);
	ck_assert_int_eq(store_exit_db(st), EX_NOPERM);
	store_close(st);
	v = rows_text("SELECT review_state FROM invoices WHERE id = 1");
	ck_assert_str_eq(v, "open");
	free(v);
}
END_TEST

/* Another writer holds the lock: a write of the store waits no longer than its
 * deadline (not the whole timeout), then fails with the store's own busy error and the
 * exit status of a retry. Without a deadline it waits about the timeout. */
START_TEST(test_locked_within_deadline)
{
	char err[512] = "";
	struct store *st;
	struct db *holder;
	long long t0, waited;

	ck_assert_msg((st = store_open(path, 5000, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	exec_other("INSERT INTO invoices (number, verdict, sent_at) VALUES ('R-1', 'flagged', 1)");
	holder = lock_holder();
	t0 = store_clock_ms();
	store_set_deadline(st, t0 + 200);
	ck_assert_int_eq(store_invoice_review(st, 1, "x", 1, err, sizeof(err)), -1);
	waited = store_clock_ms() - t0;
	ck_assert_msg(waited >= 150 && waited < 1500, "waited %lld ms", waited);
	ck_assert_msg(strstr(err, LOCKED) != NULL, "%s", err);
	ck_assert_int_eq(store_exit_db(st), EX_TEMPFAIL);
	store_close(st);
	/* no deadline: the timeout bounds each wait */
	ck_assert_msg((st = store_open(path, 300, 0, err, sizeof(err))) != NULL, "%s", err);
	t0 = store_clock_ms();
	ck_assert_int_eq(store_invoice_review(st, 1, "x", 1, err, sizeof(err)), -1);
	waited = store_clock_ms() - t0;
	ck_assert_msg(waited >= 250 && waited < 2000, "waited %lld ms", waited);
	ck_assert_int_eq(store_exit_db(st), EX_TEMPFAIL);
	store_close(st);
	db_rollback(holder);
	db_close(holder);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_migrates_old_file);
	tcase_add_test(tc, test_newer_schema_refused);
	tcase_add_test(tc, test_locked_gives_up);
	tcase_add_test(tc, test_prepare_cache);
	tcase_add_test(tc, test_read_only);
	tcase_add_test(tc, test_locked_within_deadline);
	suite_add_tcase(s, tc);
	if (test_db_uri() == NULL) {
		tc = tcase_create("sqlite");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, test_missing_directory);
		tcase_add_test(tc, test_not_a_database);
		tcase_add_test(tc, test_private_modes);
		tcase_add_test(tc, test_migrates_every_version);
		suite_add_tcase(s, tc);
	} else {
		tc = tcase_create("postgresql");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 60);
		tcase_add_test(tc, test_migrates_every_version_pg);
		suite_add_tcase(s, tc);
		fprintf(stderr, "check_store: SQLite's only, skipped on PostgreSQL: test_missing_directory"
		    " (a file's directory), test_not_a_database (a file's header), test_private_modes"
		    " (the files' modes), test_migrates_every_version (files of earlier releases; test_migrates_every_version_pg does PostgreSQL's)\n");
	}
	return test_run(s);
}

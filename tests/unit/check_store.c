/*
 * check_store.c - the SQLite store: created with the current schema, in WAL mode,
 * migrated from an older file, and clear refusals (missing directory, a file that is no
 * database, a schema newer than this build), and the cache of prepared statements. Facts
 * are read back through SQLite's own pragmas and statement list, not through the store
 * module.
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
static char path[256];

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
	snprintf(path, sizeof(path), "%s/postsale.db", dir);
}

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
	v = pragma_text("PRAGMA journal_mode");
	ck_assert_str_eq(v, "wal");
	free(v);
	v = pragma_text("SELECT group_concat(name) FROM (SELECT name FROM sqlite_master"
	    " WHERE type = 'table' ORDER BY name)");
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
	sqlite3 *db;
	char err[512] = "", *v;
	struct store *st;

	/* a file as an older release left it: version 0, nothing in it */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE unrelated(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	st = store_open(path, 500, 0, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	store_close(st);
	v = pragma_text("PRAGMA user_version");
	ck_assert_int_eq(atoi(v), store_schema_version());
	free(v);
}
END_TEST

START_TEST(test_newer_schema_refused)
{
	sqlite3 *db;
	char err[512] = "", sql[64], want[512];

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema_version() + 1);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_ptr_null(store_open(path, 500, 0, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: schema version %d is newer than this postsale (%d)",
	    path, store_schema_version() + 1, store_schema_version());
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
	sqlite3 *db;
	char err[512] = "";
	struct store *st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	int rc;

	ck_assert_ptr_nonnull(st);
	/* another process holds the write lock: a write waits the timeout, then fails */
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
 * same text elsewhere), handed out reset and unbound. */
START_TEST(test_prepare_cache)
{
	char err[512] = "";
	struct store *st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	static const char sql[] = "SELECT ?1";
	char same[sizeof(sql)];
	struct db_stmt *a, *b;
	sqlite3_stmt *raw;
	int kept;

	ck_assert_msg(st != NULL, "%s", err);
	kept = nstmts(ST_SQLITE(st));		/* the store's own (the schema version) */
	ck_assert_ptr_nonnull(a = db_prepare(store_db(st), sql));
	ck_assert_int_eq(db_bind_int64(a, 1, 42), 0);
	ck_assert_int_eq(db_step(a), DB_ROW);			/* left running */
	memcpy(same, sql, sizeof(sql));				/* the same text elsewhere */
	ck_assert_ptr_eq(b = db_prepare(store_db(st), same), a);
	ck_assert_ptr_nonnull(raw = sqlite3_next_stmt(ST_SQLITE(st), NULL));
	ck_assert_int_eq(sqlite3_stmt_busy(raw), 0);
	ck_assert_int_eq(db_step(b), DB_ROW);
	ck_assert_int_eq(db_column_is_null(b, 0), 1);		/* the binding is gone */
	db_reset(b);
	ck_assert_ptr_null(db_prepare(store_db(st), "SELECT FROM nowhere"));
	ck_assert_msg(strstr(db_errmsg(store_db(st)), "syntax error") != NULL, "%s",
	    db_errmsg(store_db(st)));
	ck_assert_ptr_null(db_prepare(store_db(st), "-- no statement"));
	/* one statement more kept; store_close finalizes them (valgrind: nothing leaks) */
	ck_assert_ptr_eq(sqlite3_next_stmt(ST_SQLITE(st), NULL), raw);
	ck_assert_int_eq(nstmts(ST_SQLITE(st)), kept + 1);
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

/* A store opened for reading only reads, refuses a write with the store's own error,
 * and says so as an exit status (no permission), leaving the file unchanged. */
START_TEST(test_read_only)
{
	char err[512] = "";
	struct store *st;
	char *v;

	ck_assert_msg((st = store_open(path, 500, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	ck_assert_int_eq(sqlite3_exec(ST_SQLITE(st), "INSERT INTO invoices (number, verdict, sent_at)"
	    " VALUES ('R-1', 'flagged', 1)", NULL, NULL, NULL), SQLITE_OK);
	store_close(st);
	ck_assert_msg((st = store_open(path, 500, STORE_READONLY, err, sizeof(err))) != NULL, "%s", err);
	ck_assert_int_eq(store_user_version(st), store_schema_version());
	ck_assert_int_eq(store_invoice_review(st, 1, "read only", 2, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) != NULL && strstr(err, "marking an invoice reviewed") != NULL &&
	    strstr(err, "readonly") != NULL, "%s", err);
	ck_assert_int_eq(store_exit_db(st), EX_NOPERM);
	store_close(st);
	v = pragma_text("SELECT review_state FROM invoices WHERE id = 1");
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
	sqlite3 *db;
	long long t0, waited;

	ck_assert_msg((st = store_open(path, 5000, STORE_CREATE, err, sizeof(err))) != NULL, "%s", err);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	t0 = store_clock_ms();
	store_set_deadline(st, t0 + 200);
	ck_assert_int_eq(store_invoice_review(st, 1, "x", 1, err, sizeof(err)), -1);
	waited = store_clock_ms() - t0;
	ck_assert_msg(waited >= 150 && waited < 1500, "waited %lld ms", waited);
	ck_assert_msg(strstr(err, "locked by another writer") != NULL, "%s", err);
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
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_migrates_old_file);
	tcase_add_test(tc, test_newer_schema_refused);
	tcase_add_test(tc, test_missing_directory);
	tcase_add_test(tc, test_not_a_database);
	tcase_add_test(tc, test_locked_gives_up);
	tcase_add_test(tc, test_private_modes);
	tcase_add_test(tc, test_prepare_cache);
	tcase_add_test(tc, test_migrates_every_version);
	tcase_add_test(tc, test_read_only);
	tcase_add_test(tc, test_locked_within_deadline);
	suite_add_tcase(s, tc);
	failed = test_run(s) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

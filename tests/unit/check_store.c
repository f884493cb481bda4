/*
 * check_store.c - the SQLite store: created with the current schema, in WAL mode,
 * migrated from an older file, and clear refusals (missing directory, a file that is no
 * database, a schema newer than this build), and the cache of prepared statements. Facts
 * are read back through SQLite's own pragmas and statement list, not through the store
 * module.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

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
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
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
	sqlite3_busy_timeout(st->db, 50);
	rc = sqlite3_exec(st->db, "INSERT INTO customers(address, domain, first_seen)"
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
	ck_assert_int_eq(sqlite3_exec(st->db, "INSERT INTO customers(address, domain, first_seen)"
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

/* store_prepare keeps one statement per SQL text, handed out reset and unbound. */
START_TEST(test_prepare_cache)
{
	char err[512] = "";
	struct store *st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	static const char sql[] = "SELECT ?1";
	char same[sizeof(sql)];
	sqlite3_stmt *a, *b;
	int rc = SQLITE_OK;

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_ptr_nonnull(a = store_prepare(st, sql, &rc));
	ck_assert_int_eq(sqlite3_bind_int(a, 1, 42), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(a), SQLITE_ROW);		/* left running */
	memcpy(same, sql, sizeof(sql));				/* the same text elsewhere */
	ck_assert_ptr_eq(b = store_prepare(st, same, &rc), a);
	ck_assert_int_eq(sqlite3_stmt_busy(b), 0);
	ck_assert_int_eq(sqlite3_step(b), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_type(b, 0), SQLITE_NULL);	/* the binding is gone */
	sqlite3_reset(b);
	ck_assert_ptr_null(store_prepare(st, "SELECT FROM nowhere", &rc));
	ck_assert_int_eq(rc, SQLITE_ERROR);
	ck_assert_ptr_null(store_prepare(st, "-- no statement", &rc));
	ck_assert_int_ne(rc, SQLITE_OK);
	/* one statement kept; store_close finalizes it (valgrind: nothing leaks) */
	ck_assert_ptr_eq(sqlite3_next_stmt(st->db, NULL), a);
	ck_assert_ptr_null(sqlite3_next_stmt(st->db, a));
	store_close(st);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");
	SRunner *sr;
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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

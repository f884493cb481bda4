/*
 * check_store_exit.c - the exit status for a store that cannot be opened or used
 * (lib/store_exit.c), against the meanings sysexits.h gives them: a missing directory or
 * file is EX_NOINPUT, a file that is no SQLite database (its 16-byte header, SQLite's
 * file format section 1.3) EX_DATAERR, files this user may not write EX_NOPERM, a lock
 * EX_TEMPFAIL. Permission cases run as an unprivileged user (nobody) when the suite
 * runs as root, in Check's forked child.
 */
#include <check.h>
#include <sqlite3.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "test_files.h"
#include "test_run.h"
#include "store/store.h"
#include "store/store_exit.h"
/* behind the store's interface: its connection, as SQLite sees it */
#include "store/db_sqlite.h"
#include "store/store_int.h"
#define ST_SQLITE(st) db_sqlite_handle(store_db(st))

static char dir[] = "/tmp/check_store_exit.XXXXXX";
static char path[300];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_store_exit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/postsale.db", dir);
}

static void
teardown(void)
{
	ck_assert_int_eq(test_rmtree(dir), 0);
}

/* make_store - a real store at path, closed again */
static void
make_store(void)
{
	char err[512];
	struct store *st = store_open(path, 1000, STORE_CREATE, err, sizeof(err));

	ck_assert_msg(st != NULL, "%s", err);
	store_close(st);
}

/* as_nobody - store_exit_open(path, flags) in a child process that runs as nobody when
 * we are root (as ourselves otherwise); its result */
static int
as_nobody(int flags)
{
	struct passwd *pw = getpwnam("nobody");
	pid_t pid;
	int status;

	ck_assert_ptr_nonnull(pw);
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 && (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0))
			_exit(255);
		_exit(store_exit_open(path, flags));
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_missing)
{
	char nodir[400];

	snprintf(nodir, sizeof(nodir), "%s/none/postsale.db", dir);
	ck_assert_int_eq(store_exit_open(nodir, STORE_READONLY), EX_NOINPUT);
	ck_assert_int_eq(store_exit_open(nodir, STORE_CREATE), EX_NOINPUT);
	ck_assert_int_eq(store_exit_open(path, STORE_READONLY), EX_NOINPUT);
	ck_assert_int_eq(store_exit_open(path, 0), EX_NOINPUT);
}
END_TEST

START_TEST(test_not_a_database)
{
	FILE *fp = fopen(path, "w");

	fputs("this is no database, only text that is long enough\n", fp);
	fclose(fp);
	ck_assert_int_eq(store_exit_open(path, STORE_READONLY), EX_DATAERR);
	ck_assert_int_eq(store_exit_open(path, STORE_CREATE), EX_DATAERR);
}
END_TEST

START_TEST(test_nothing_explains)
{
	make_store();
	/* a good file this user may write: what is left is a lock, try later */
	ck_assert_int_eq(store_exit_open(path, STORE_CREATE), EX_TEMPFAIL);
}
END_TEST

START_TEST(test_owned_by_another)
{
	char wal[320];
	FILE *fp;

	make_store();
	/* the files a root run leaves: 0644, with a -wal file beside */
	snprintf(wal, sizeof(wal), "%s-wal", path);
	ck_assert_ptr_nonnull(fp = fopen(wal, "w"));
	fclose(fp);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(chmod(wal, 0644), 0);
	if (geteuid() != 0) {		/* not root: take the write bit away instead */
		ck_assert_int_eq(chmod(path, 0444), 0);
		ck_assert_int_eq(chmod(wal, 0444), 0);
	}
	ck_assert_int_eq(as_nobody(STORE_CREATE), EX_NOPERM);
	ck_assert_int_eq(as_nobody(0), EX_NOPERM);
	/* reading needs no write bit on the database itself */
	ck_assert_int_ne(as_nobody(STORE_READONLY), EX_NOPERM);
}
END_TEST

START_TEST(test_db_codes)
{
	char err[512];
	struct store *st;
	sqlite3 *locker;

	make_store();
	/* a write through a read-only handle */
	ck_assert_ptr_nonnull(st = store_open(path, 0, STORE_READONLY, err, sizeof(err)));
	ck_assert_int_ne(store_exec(st, "CREATE TABLE t (x)"), DB_DONE);
	ck_assert_int_eq(store_exit_db(st), EX_NOPERM);
	store_close(st);
	/* a write while another connection holds the write lock */
	ck_assert_ptr_nonnull(st = store_open(path, 0, 0, err, sizeof(err)));
	ck_assert_int_eq(sqlite3_open(path, &locker), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(locker, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_ne(store_exec(st, "CREATE TABLE t (x)"), DB_DONE);
	ck_assert_int_eq(store_exit_db(st), EX_TEMPFAIL);
	sqlite3_exec(locker, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(locker);
	store_close(st);
	/* a statement the store refuses for no reason of the environment */
	ck_assert_ptr_nonnull(st = store_open(path, 0, 0, err, sizeof(err)));
	ck_assert_int_ne(store_exec(st, "SELECT * FROM no_such_table"), DB_DONE);
	ck_assert_int_eq(store_exit_db(st), EX_SOFTWARE);
	store_close(st);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store_exit");
	TCase *tc = tcase_create("store_exit");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_not_a_database);
	tcase_add_test(tc, test_nothing_explains);
	tcase_add_test(tc, test_owned_by_another);
	tcase_add_test(tc, test_db_codes);
	suite_add_tcase(s, tc);
	failed = test_run(s) != EXIT_SUCCESS;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

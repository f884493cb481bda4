/*
 * check_store_exit.c - the exit status for a store that cannot be opened or used
 * (lib/store_exit.c), against the meanings sysexits.h gives them: a missing directory or
 * file is EX_NOINPUT, a file that is no SQLite database (its 16-byte header, SQLite's
 * file format section 1.3) EX_DATAERR, files this user may not write EX_NOPERM, a lock
 * EX_TEMPFAIL. Permission cases run as an unprivileged user (nobody) when the suite
 * runs as root, in Check's forked child.
 *
 * With POSTGRESQL_URI (tests/pg/suites.sh) the cases that are not about files run
 * against a schema of their own on that server (test_db.h): nothing local explains a
 * server's trouble (75), and the codes of a failed statement (a read-only store, another
 * writer's lock, a statement the store refuses). The files' cases (missing, not a
 * database, owned by another) are SQLite's only, skipped with the reason on stderr.
 */
#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "test_db.h"
#include "test_files.h"
#include "test_run.h"
#include "store/store.h"
#include "store/store_exit.h"
/* behind the store's interface: its connection */
#include "store/store_int.h"

static char dir[] = "/tmp/check_store_exit.XXXXXX";
static char path[1024];		/* the case's store (test_db_target) */

static void
setup(void)
{
	strcpy(dir, "/tmp/check_store_exit.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_ptr_nonnull(test_db_target(path, sizeof(path), dir, "postsale.db"));
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
	/* a good file this user may write (or a server): what is left is a lock or the
	 * server's trouble, try later */
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

/* holder - another connection holding the write lock (db_begin(db, 1): SQLite's
 * BEGIN IMMEDIATE, PostgreSQL's advisory lock) */
static struct db *
holder(void)
{
	char err[512];
	struct db *db = db_open(path, 1000, 0, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(db_begin(db, 1), DB_DONE);
	return db;
}

START_TEST(test_db_codes)
{
	char err[512];
	struct store *st;
	struct db *locker;
	/* a timeout: PostgreSQL's 0 would wait for ever */
	long timeout = test_db_uri() != NULL ? 300 : 0;
	const char *create = test_db_uri() != NULL ? "CREATE TABLE t (x BIGINT)" : "CREATE TABLE t (x)";

	make_store();
	/* a write through a read-only handle */
	ck_assert_ptr_nonnull(st = store_open(path, timeout, STORE_READONLY, err, sizeof(err)));
	ck_assert_int_ne(store_exec(st, create), DB_DONE);
	ck_assert_int_eq(store_exit_db(st), EX_NOPERM);
	store_close(st);
	/* a write while another connection holds the write lock (the store's writes that
	 * wait for it: SQLite's all, PostgreSQL's write transactions) */
	ck_assert_ptr_nonnull(st = store_open(path, timeout, 0, err, sizeof(err)));
	locker = holder();
	if (test_db_uri() != NULL)	/* a write transaction of the store's */
		ck_assert_int_eq(store_failed(st, db_begin(store_db(st), 1)), DB_BUSY);
	else
		ck_assert_int_ne(store_exec(st, create), DB_DONE);
	ck_assert_int_eq(store_exit_db(st), EX_TEMPFAIL);
	db_rollback(locker);
	db_close(locker);
	store_close(st);
	/* a statement the store refuses for no reason of the environment */
	ck_assert_ptr_nonnull(st = store_open(path, timeout, 0, err, sizeof(err)));
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

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_nothing_explains);
	tcase_add_test(tc, test_db_codes);
	suite_add_tcase(s, tc);
	if (test_db_uri() == NULL) {
		tc = tcase_create("sqlite");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, test_missing);
		tcase_add_test(tc, test_not_a_database);
		tcase_add_test(tc, test_owned_by_another);
		suite_add_tcase(s, tc);
	} else
		fprintf(stderr, "check_store_exit: SQLite's only, skipped on PostgreSQL: test_missing"
		    " (a file or its directory missing), test_not_a_database (a file's header),"
		    " test_owned_by_another (the files' owner and modes)\n");
	return test_run(s);
}

/*
 * check_store_spool.c - the spool of unrecorded records: a record comes back from its
 * file exactly as it was written (values with newlines, tabs, backslashes and control
 * bytes included), files are 0640 in a 0750 directory and listed oldest first, a
 * malformed file is refused with file:line, and a replay writes each invoice into the
 * journal once (a second replay of the same record adds nothing). Also the store's
 * deadline: a wait for a lock ends at the deadline, well before database-timeout.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "filter.h"
#include "store_spool.h"

static char dir[] = "/tmp/check_store_spool.XXXXXX";
static char path[256];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_store_spool.XXXXXX");
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

/* sample - a record with one invoice (awkward values), and with_journey a journey step */
static void
sample(struct spool_record *r, const char *number, int with_journey)
{
	struct spool_item *it = spool_record_add(r, SPOOL_INVOICE);

	r->queue_id = strdup("4Xb2Q1abc");
	r->reason = strdup("locked\nby another writer");
	r->at = 1764668000;
	it->row.number = strdup(number);
	it->row.seller = strdup("Seller GmbH\\Tab\there");
	it->row.buyer = strdup("Acme \x01 Ltd \xc3\xa9");
	it->row.total = strdup("100.00");
	it->row.currency = strdup("EUR");
	it->row.verdict = strdup("flagged");
	it->row.action = strdup("hold");
	it->row.message_id = strdup("m1@example.com");
	it->row.queue_id = strdup("4Xb2Q1abc");
	it->row.sent_at = 1764668000;
	it->row.rcpts = calloc(2, sizeof(char *));
	it->row.rcpts[it->row.nrcpts++] = strdup("ap@acme.example");
	journal_row_add_finding(&it->row, "BR-CO-16", "error", "amount 100.00 is not 99.99 = x");
	if (!with_journey)
		return;
	it = spool_record_add(r, SPOOL_JOURNEY_START);
	it->customer = strdup("ap@acme.example");
	it->sender = strdup("<am@example.com>");
	it->renewal = strdup("2027-01-31");
}

START_TEST(test_roundtrip)
{
	struct spool_record r = {0}, back = {0};
	char file[1024], err[512] = "", *sdir;
	struct stat sb;

	sample(&r, "RE-1", 1);
	ck_assert_msg(spool_save(path, &r, NULL, file, sizeof(file), err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	sdir = spool_dir(path);
	ck_assert_int_eq(stat(sdir, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0750);
	free(sdir);
	ck_assert_msg(spool_load(file, &back, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(back.queue_id, "4Xb2Q1abc");
	ck_assert_str_eq(back.reason, "locked\nby another writer");
	ck_assert_int_eq(back.at, 1764668000);
	ck_assert_uint_eq(back.nitems, 2);
	ck_assert_int_eq(back.items[0].kind, SPOOL_INVOICE);
	ck_assert_str_eq(back.items[0].row.seller, "Seller GmbH\\Tab\there");
	ck_assert_str_eq(back.items[0].row.buyer, "Acme \x01 Ltd \xc3\xa9");
	ck_assert_ptr_null(back.items[0].row.profile);
	ck_assert_uint_eq(back.items[0].row.nrcpts, 1);
	ck_assert_str_eq(back.items[0].row.rcpts[0], "ap@acme.example");
	ck_assert_uint_eq(back.items[0].row.nfindings, 1);
	ck_assert_str_eq(back.items[0].row.findings[0].rule_id, "BR-CO-16");
	ck_assert_str_eq(back.items[0].row.findings[0].severity, "error");
	ck_assert_str_eq(back.items[0].row.findings[0].message, "amount 100.00 is not 99.99 = x");
	ck_assert_int_eq(back.items[1].kind, SPOOL_JOURNEY_START);
	ck_assert_str_eq(back.items[1].renewal, "2027-01-31");
	ck_assert_ptr_null(back.items[1].name);
	spool_record_clear(&back);
	spool_record_clear(&r);
}
END_TEST

START_TEST(test_list_and_refuse)
{
	struct spool_record r = {0}, back = {0};
	char f1[1024], f2[1024], err[512] = "", bad[300], **paths;
	size_t n;
	FILE *fp;

	ck_assert_int_eq(spool_list(path, &paths, &n, err, sizeof(err)), 0);	/* no dir yet */
	ck_assert_uint_eq(n, 0);
	spool_list_free(paths, n);
	sample(&r, "RE-1", 1);
	ck_assert_int_eq(spool_save(path, &r, NULL, f1, sizeof(f1), err, sizeof(err)), 0);
	ck_assert_int_eq(spool_save(path, &r, NULL, f2, sizeof(f2), err, sizeof(err)), 0);
	snprintf(bad, sizeof(bad), "%s-unrecorded/.tmp-half", path);
	fp = fopen(bad, "w");
	fputs("postsale-unrecorded 1\nqueue-id=x\n", fp);
	fclose(fp);
	ck_assert_int_eq(spool_list(path, &paths, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);			/* the temporary file is not listed */
	ck_assert_str_eq(paths[0], f1);
	ck_assert_str_eq(paths[1], f2);
	spool_list_free(paths, n);
	/* a malformed file: refused with its name and line */
	fp = fopen(f2, "w");
	fputs("postsale-unrecorded 1\nqueue-id=x\nitem=invoice\nnumber=1\nbogus=2\n", fp);
	fclose(fp);
	ck_assert_int_eq(spool_load(f2, &back, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, f2) != NULL && strstr(err, ":5: unknown key") != NULL, "%s", err);
	fp = fopen(f2, "w");
	fputs("postsale-unrecorded 1\nreason=bad \\q escape\n", fp);
	fclose(fp);
	ck_assert_int_eq(spool_load(f2, &back, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, ":2: bad escape") != NULL, "%s", err);
	spool_record_clear(&r);
}
END_TEST

/* count - one number from the database */
static long
count(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long n = -1;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return n;
}

START_TEST(test_replay_once)
{
	struct ps_conf *conf = conf_defaults();
	struct spool_record r = {0};
	char err[512] = "", file[1024];
	struct store *st;
	size_t done, left;

	free(conf->database);
	conf->database = strdup(path);
	st = store_open(path, 1000, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	sample(&r, "RE-1", 0);	/* the invoice only (a journey needs its managers) */
	ck_assert_int_eq(spool_save(path, &r, NULL, file, sizeof(file), err, sizeof(err)), 0);
	ck_assert_msg(filter_store_replay(st, conf, &done, &left, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(done, 1);
	ck_assert_uint_eq(left, 0);
	ck_assert_int_eq(count("SELECT count(*) FROM invoices WHERE number = 'RE-1'"
	    " AND verdict = 'flagged' AND action = 'hold' AND queue_id = '4Xb2Q1abc'"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM findings WHERE rule_id = 'BR-CO-16'"), 1);
	ck_assert_int_eq(count("SELECT invoice_count FROM customers WHERE address = 'ap@acme.example'"), 1);
	/* the same record again (a crash between the commit and the unlink): not twice */
	ck_assert_int_eq(spool_save(path, &r, NULL, file, sizeof(file), err, sizeof(err)), 0);
	ck_assert_msg(filter_store_replay(st, conf, &done, &left, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(done, 1);
	ck_assert_int_eq(count("SELECT count(*) FROM invoices"), 1);
	ck_assert_int_eq(count("SELECT invoice_count FROM customers WHERE address = 'ap@acme.example'"), 1);
	spool_record_clear(&r);
	store_close(st);
	conf_free(conf);
}
END_TEST

START_TEST(test_deadline)
{
	char err[512] = "";
	struct store *st = store_open(path, 5000, STORE_CREATE, err, sizeof(err));
	struct spool_record r = {0};
	sqlite3 *holder;
	long long t0, ms;

	ck_assert_msg(st != NULL, "%s", err);
	sample(&r, "RE-2", 0);
	ck_assert_int_eq(sqlite3_open(path, &holder), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	t0 = store_clock_ms();
	store_set_deadline(st, t0 + 200);	/* 200 ms left of this message's time */
	ck_assert_int_eq(journal_write_row(st, &r.items[0].row, 0, NULL, err, sizeof(err)), -1);
	ms = store_clock_ms() - t0;
	ck_assert_msg(ms >= 150 && ms < 2000, "gave up after %lld ms (deadline 200 ms, timeout 5000 ms)", ms);
	ck_assert_msg(strstr(err, "locked") != NULL, "%s", err);
	store_set_deadline(st, 0);
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
	ck_assert_msg(journal_write_row(st, &r.items[0].row, 0, NULL, err, sizeof(err)) == 0, "%s", err);
	spool_record_clear(&r);
	store_close(st);
}
END_TEST

static Suite *
store_spool_suite(void)
{
	Suite *s = suite_create("store_spool");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_list_and_refuse);
	tcase_add_test(tc, test_replay_once);
	tcase_add_test(tc, test_deadline);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(store_spool_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/*
 * check_filter_writer.c - the milter's way of recording (filter_store_run() with a
 * filter_writer, as milter/record.c): the records go through the writer's one
 * connection, the lookups read on it while it is free and see what it wrote, and a
 * transaction that fails on it loses nothing (the record waits in the spool) and
 * leaves it fit for the next message, which records on the same connection; the
 * spool is then written through it. With wal_full set, the commits leave SQLite's
 * checkpoint to filter_writer_checkpoint() (the milter's replay thread), and say when
 * it is due.
 *
 * Runs against SQLite (the writer's page cache is what issue 15 is about); needs the
 * corpus invoice (POSTSALE_CORPUS), else its cases are skipped.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter/filter_store.h"
#include "invoice/xmlsafe.h"
#include "mime/msg.h"
#include "store/store_spool.h"
#include "test_files.h"
#include "test_invoice_mail.h"
#include "test_run.h"

static char dir[] = "/tmp/check_filter_writer.XXXXXX";
static char path[1024];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_filter_writer.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/postsale.db", dir);
}

static void
teardown(void)
{
	ck_assert_int_eq(test_rmtree(dir), 0);
}

/* make_conf - defaults on the case's store, example.com local, no notes */
static struct ps_conf *
make_conf(void)
{
	struct ps_conf *c = conf_defaults();

	c->local_domains.v = xcalloc(1, sizeof(char *));
	c->local_domains.v[0] = xstrdup("example.com");
	c->local_domains.n = 1;
	c->note_invoices = c->note_onboarding = 0;
	free(c->database);
	c->database = xstrdup(path);
	free(c->state_base);
	c->state_base = xstrdup(path);
	c->database_timeout_ms = 500;
	return c;
}

/* sql - run one statement on a connection of its own; an integer result, or -1 */
static long long
sql(const char *text)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	ck_assert_msg(sqlite3_prepare_v2(db, text, -1, &s, NULL) == SQLITE_OK, "%s: %s", text,
	    sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* record_one - the invoice mail as queue id qid through filter_store_run() with w on
 * st (the message's connection); res is the caller's to clear */
static void
record_one(struct filter_ctx *fc, struct store *st, struct filter_writer *w,
    const char *qid, struct filter_result *res)
{
	char *mail = invoice_mail(NULL);
	struct ps_msg *m = msg_new(0);

	ck_assert_int_eq(msg_load_bytes(m, mail, strlen(mail)), 0);
	msg_set_sender(m, "<alice@example.com>");
	msg_add_rcpt(m, "<john@buyercompany.no>", 1);
	m->origin_internal = 1;
	snprintf(m->qid, sizeof(m->qid), "%s", qid);
	memset(res, 0, sizeof(*res));
	store_set_deadline(st, store_clock_ms() + 500);
	ck_assert_int_eq(filter_store_run(fc, st, 1, w, m, 1795910400, res), 0);
	store_set_deadline(st, 0);
	msg_free(m);
	free(mail);
}

/* spooled - the records waiting in the spool */
static size_t
spooled(const struct ps_conf *conf)
{
	char err[512], **paths;
	size_t n;

	ck_assert_msg(spool_list(conf_state_base(conf), &paths, &n, err, sizeof(err)) == 0,
	    "%s", err);
	spool_list_free(paths, n);
	return n;
}

START_TEST(test_writer_survives_failure)
{
	struct ps_conf *conf = make_conf();
	struct filter_writer w = FILTER_WRITER_INIT;
	struct filter_result res;
	struct filter_ctx *fc;
	struct store *st, *first;
	char err[512] = "";
	size_t done, left;

	ck_assert_msg((fc = filter_ctx_new(conf, err, sizeof(err))) != NULL, "%s", err);
	st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);

	/* the first message opens the writer's connection and records on it */
	record_one(fc, st, &w, "Q1", &res);
	ck_assert_int_eq(res.unrecorded, 0);
	ck_assert_str_eq(res.inv[0].verdict, "ok");
	filter_result_clear(&res);
	ck_assert_ptr_nonnull(w.st);
	first = w.st;
	ck_assert_int_eq(sql("SELECT count(*) FROM invoices WHERE queue_id = 'Q1'"), 1);

	/* the insert fails inside the writer's transaction: the record waits in the spool */
	sql("CREATE TRIGGER refuse BEFORE INSERT ON invoices"
	    " BEGIN SELECT RAISE(ABORT, 'refused'); END");
	record_one(fc, st, &w, "Q2", &res);
	ck_assert_int_eq(res.unrecorded, 1);
	filter_result_clear(&res);
	ck_assert_uint_eq(spooled(conf), 1);
	ck_assert_int_eq(sql("SELECT count(*) FROM invoices WHERE queue_id = 'Q2'"), 0);
	ck_assert_ptr_eq(w.st, first);		/* rolled back: the connection stays */
	ck_assert(!store_in_transaction(w.st));

	/* the next message records on the same connection; its lookup (on the writer's
	 * connection, free here) sees the first message's row */
	sql("DROP TRIGGER refuse");
	record_one(fc, st, &w, "Q3", &res);
	ck_assert_int_eq(res.unrecorded, 0);
	ck_assert_str_eq(res.inv[0].verdict, "resend");
	filter_result_clear(&res);
	ck_assert_ptr_eq(w.st, first);
	ck_assert_int_eq(sql("SELECT count(*) FROM invoices WHERE queue_id = 'Q3'"), 1);

	/* the spool goes in through the writer too */
	ck_assert_msg(filter_store_replay(NULL, conf, &w, &done, &left, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_uint_eq(done, 1);
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(spooled(conf), 0);
	ck_assert_int_eq(sql("SELECT count(*) FROM invoices WHERE queue_id = 'Q2'"), 1);
	ck_assert_ptr_eq(w.st, first);

	filter_writer_close(&w);
	ck_assert_ptr_null(w.st);
	store_close(st);
	filter_ctx_free(fc);
	conf_free(conf);
}
END_TEST

START_TEST(test_writer_follows_the_setting)
{
	struct ps_conf *conf = make_conf();
	struct filter_writer w = FILTER_WRITER_INIT;
	struct filter_result res;
	struct filter_ctx *fc;
	struct store *st;
	char err[512] = "", other[1100];

	ck_assert_msg((fc = filter_ctx_new(conf, err, sizeof(err))) != NULL, "%s", err);
	st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	record_one(fc, st, &w, "Q1", &res);
	filter_result_clear(&res);
	ck_assert(store_opened_on(w.st, path));

	/* a reload names another database: the writer reopens on it */
	snprintf(other, sizeof(other), "%s/other.db", dir);
	store_close(st);
	st = store_open(other, 500, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	free(conf->database);
	conf->database = xstrdup(other);
	filter_ctx_free(fc);
	ck_assert_msg((fc = filter_ctx_new(conf, err, sizeof(err))) != NULL, "%s", err);
	record_one(fc, st, &w, "Q2", &res);
	ck_assert_int_eq(res.unrecorded, 0);
	ck_assert_str_eq(res.inv[0].verdict, "ok");	/* not read on the old database */
	filter_result_clear(&res);
	ck_assert(store_opened_on(w.st, other));
	ck_assert_int_eq(sql("SELECT count(*) FROM invoices"), 1);	/* path: Q1 only */

	filter_writer_close(&w);
	store_close(st);
	filter_ctx_free(fc);
	conf_free(conf);
}
END_TEST

static int wal_full_calls;

/* note_wal_full - the milter's replay_checkpoint_due(), counted */
static void
note_wal_full(void)
{
	wal_full_calls++;
}

/* file_size - the size of path with suffix */
static long long
file_size(const char *suffix)
{
	char f[1100];
	struct stat sb;

	snprintf(f, sizeof(f), "%s%s", path, suffix);
	return stat(f, &sb) == 0 ? (long long) sb.st_size : -1;
}

START_TEST(test_checkpoint_apart)
{
	struct ps_conf *conf = make_conf();
	struct filter_writer w = FILTER_WRITER_APART(note_wal_full);
	struct filter_result res;
	struct filter_ctx *fc;
	struct store *st;
	char err[512] = "", qid[32];
	long long db_before;
	int n = 0;

	ck_assert_msg((fc = filter_ctx_new(conf, err, sizeof(err))) != NULL, "%s", err);
	st = store_open(path, 500, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	wal_full_calls = 0;
	for (; wal_full_calls == 0 && n < 1000; n++) {
		snprintf(qid, sizeof(qid), "Q%d", n);
		record_one(fc, st, &w, qid, &res);
		ck_assert_int_eq(res.unrecorded, 0);
		filter_result_clear(&res);
	}
	ck_assert_int_gt(wal_full_calls, 0);		/* due at FILTER_WRITER_WAL_PAGES */
	ck_assert_int_ge(store_wal_pages(w.st), FILTER_WRITER_WAL_PAGES);
	for (int k = 0; k < 30; k++, n++) {		/* nobody checkpoints yet: it grows */
		snprintf(qid, sizeof(qid), "Q%d", n);
		record_one(fc, st, &w, qid, &res);
		filter_result_clear(&res);
	}
	ck_assert_int_gt(store_wal_pages(w.st), FILTER_WRITER_WAL_PAGES + 30);
	ck_assert_int_gt(file_size("-wal"), (long long) (FILTER_WRITER_WAL_PAGES + 30) * 4096);

	/* the checkpoint copies it into the file; the next commit starts the WAL over */
	db_before = file_size("");
	ck_assert_msg(filter_writer_checkpoint(&w, conf, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_gt(file_size(""), db_before);
	record_one(fc, st, &w, "last", &res);
	filter_result_clear(&res);
	ck_assert_int_lt(store_wal_pages(w.st), 100);
	ck_assert_int_eq(sql("SELECT count(*) FROM invoices"), n + 1);

	filter_writer_close(&w);
	ck_assert_ptr_null(w.ckpt);
	store_close(st);
	filter_ctx_free(fc);
	conf_free(conf);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc = test_tcase(&s, "filter_writer");
	int rc;

	xmlsafe_init();
	load_invoice("check_filter_writer");	/* says so on stderr when the corpus is absent */
	if (invoice_xml == NULL)
		return 77;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_writer_survives_failure);
	tcase_add_test(tc, test_writer_follows_the_setting);
	tcase_add_test(tc, test_checkpoint_apart);
	tcase_set_timeout(tc, 60);
	rc = test_run(s);
	free(invoice_xml);
	return rc;
}

/*
 * check_store_invoice.c - the invoice journal: resends (same, changed, new), what a
 * record writes (read back through plain SQLite, not through the module), concurrent
 * writers on connections of their own in WAL mode, and a locked database that makes
 * store_invoice_record() fail within the busy timeout instead of hanging.
 *
 * The spool of unrecorded records (store_spool.h): a record comes back from its file
 * exactly as it was written (values with newlines, tabs, backslashes and control bytes
 * included), files are 0640 in a 0750 directory and listed oldest first, a malformed
 * file is refused with file:line, and a replay writes each invoice into the journal
 * once (a second replay of the same record adds nothing). And the store's deadline: a
 * wait for a lock ends at the deadline, well before database-timeout.
 *
 * Each case has a fresh store: an SQLite file, or with POSTGRESQL_URI a schema of its
 * own on that server (test_db.h; tests/pg/suites.sh runs the suite on both); the rows
 * are read back on a connection of the test's own through db.h, and another writer
 * holds the write lock with db_begin(db, 1) (SQLite's BEGIN IMMEDIATE, PostgreSQL's
 * advisory lock). The resend lookup's plan on both: SQLite's EXPLAIN QUERY PLAN, and
 * PostgreSQL's generic plan after 10,000 sends of one number. SQLite's only: the statements
 * left running (sqlite3_next_stmt), and a trigger that makes a record fail half way.
 */
#include <check.h>
#include <sqlite3.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "filter/filter_store.h"
#include "store/store_invoice.h"
#include "store/store_spool.h"
/* behind the store's interface: its connection, as SQLite sees it */
#include "store/db_sqlite.h"
#include "store/store_int.h"
#include "test_db.h"
#include "test_files.h"
#include "test_run.h"
#define ST_SQLITE(st) db_sqlite_handle(store_db(st))

static char dir[] = "/tmp/check_store_invoice.XXXXXX";
static char path[1024];		/* the case's store (test_db_target) */
static char base[300];		/* what is kept beside it: the spool (conf_state_base) */

static void
setup(void)
{
	strcpy(dir, "/tmp/check_store_invoice.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(test_db_target(path, sizeof(path), dir, "postsale.db"));
	snprintf(base, sizeof(base), "%s/postsale.db", dir);	/* SQLite's: the file's path */
}

static void
teardown(void)
{
	ck_assert_int_eq(test_rmtree(dir), 0);
}

/* make_inv - a hand-built invoice */
static inv_invoice *
make_inv(const char *number, const char *seller, const char *buyer, const char *due)
{
	inv_invoice *inv = calloc(1, sizeof(*inv));

	inv->number = strdup(number);
	inv->seller.name = strdup(seller);
	inv->buyer.name = strdup(buyer);
	inv->buyer.electronic_address = strdup("ap@acme.example");
	inv->currency = strdup("EUR");
	ck_assert_int_eq(dec_parse(due, &inv->amount_due), 0);
	inv->has_amount_due = 1;
	inv->total_with_vat = inv->amount_due;
	inv->has_total_with_vat = 1;
	return inv;
}

/*
 * idle - the connection holds no running statement (SQLite's own view): the journal's
 * statements stay prepared between calls, but none may keep a read or a write open.
 */
static void
idle(struct store *st)
{
	ck_assert_int_eq(store_in_transaction(st), 0);
	if (test_db_uri() != NULL)	/* PostgreSQL: the driver's own reads end with each step */
		return;
	for (sqlite3_stmt *s = sqlite3_next_stmt(ST_SQLITE(st), NULL); s != NULL; s = sqlite3_next_stmt(ST_SQLITE(st), s))
		ck_assert_msg(!sqlite3_stmt_busy(s), "statement left running: %s", sqlite3_sql(s));
	ck_assert_int_eq(sqlite3_get_autocommit(ST_SQLITE(st)), 1);	/* no transaction open */
}

/* record - store_invoice_record with a typical entry; returns the id */
static long long
record(struct store *st, const inv_invoice *inv, const char *verdict, const char *action,
       const inv_findings *f)
{
	const char *rcpts[] = { "<ap@acme.example>", "<Boss@Acme.example>" };
	struct store_invoice_entry e = {
		.inv = inv, .container = "xml", .part = "2", .sender = "billing@us.example",
		.rcpts = rcpts, .nrcpts = 2, .message_id = "<m1@us.example>", .queue_id = "4XyZ1",
		.verdict = verdict, .action = action, .findings = f, .sent_at = 1767225600,
	};
	char err[512] = "";
	long long id = 0;

	ck_assert_msg(store_invoice_record(st, &e, &id, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_gt(id, 0);
	idle(st);
	return id;
}

/* other_db - a connection of the test's own to the case's store */
static struct db *
other_db(void)
{
	char err[512];
	struct db *db = db_open(path, 2000, 0, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	return db;
}

/* sql_int - one integer from a query on a connection of its own */
static long long
sql_int(const char *sql)
{
	struct db *db = other_db();
	struct db_stmt *s = db_prepare(db, sql);
	long long v = -1;

	ck_assert_msg(s != NULL, "%s: %s", sql, db_errmsg(db));
	if (db_step(s) == DB_ROW)
		v = db_column_int64(s, 0);
	db_reset(s);
	db_close(db);
	return v;
}

/* sql_text - one text value (caller frees) */
static char *
sql_text(const char *sql)
{
	struct db *db = other_db();
	struct db_stmt *s = db_prepare(db, sql);
	char *v = NULL;

	ck_assert_msg(s != NULL, "%s: %s", sql, db_errmsg(db));
	if (db_step(s) == DB_ROW && db_column_text(s, 0) != NULL)
		v = strdup(db_column_text(s, 0));
	db_reset(s);
	db_close(db);
	return v;
}

/* lock_holder - another writer holding the write lock (db_begin(db, 1)) */
static struct db *
lock_holder(void)
{
	struct db *db = other_db();

	ck_assert_int_eq(db_begin(db, 1), DB_DONE);
	return db;
}

/* LOCKED - what a store's message says of another writer's lock: SQLite's text, or
 * the server's (lock_timeout) */
#define LOCKED (test_db_uri() != NULL ? "statement timeout" : "locked by another writer")

/* plan_text - the detail lines of EXPLAIN QUERY PLAN sql, joined (caller frees) */
static char *
plan_text(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char *q = NULL, buf[2048] = "";

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_ne(asprintf(&q, "EXPLAIN QUERY PLAN %s", sql), -1);
	ck_assert_int_eq(sqlite3_prepare_v2(db, q, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		strncat(buf, (const char *) sqlite3_column_text(s, 3), sizeof(buf) - strlen(buf) - 2);
		strcat(buf, ";");
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(q);
	return strdup(buf);
}

/*
 * pg_lookup_plan - PostgreSQL's generic plan (as a prepared statement gets it) of the
 * resend lookup on st, after 10,000 sends of one number; caller frees
 */
static char *
pg_lookup_plan(struct store *st)
{
	struct db *db = store_db(st);
	struct db_stmt *s;
	char buf[2048] = "";

	ck_assert_int_eq(db_exec(db, "INSERT INTO invoices (number, seller, verdict, action, sent_at)"
	    " SELECT 'MANY-1', 'Seller GmbH', 'resend', 'tag', g FROM generate_series(1, 10000) g;"
	    "SET plan_cache_mode = force_generic_plan;"
	    "PREPARE lookup_plan (text, text) AS SELECT id FROM invoices WHERE number = $1"
	    " AND seller = $2 AND coalesce(action, '') NOT IN ('reject', 'tempfail')"
	    " ORDER BY id DESC LIMIT 1"), DB_DONE);
	s = db_prepare(db, "EXPLAIN (COSTS OFF) EXECUTE lookup_plan ('MANY-1', 'Seller GmbH')");
	ck_assert_ptr_nonnull(s);
	while (db_step(s) == DB_ROW) {
		strncat(buf, db_column_text(s, 0), sizeof(buf) - strlen(buf) - 2);
		strcat(buf, ";");
	}
	db_reset(s);
	ck_assert_int_eq(db_exec(db, "DEALLOCATE lookup_plan; RESET plan_cache_mode"), DB_DONE);
	return strdup(buf);
}

/* lookup - store_invoice_lookup's answer */
static enum store_invoice_resend
lookup(struct store *st, const inv_invoice *inv, long long *prev, char *desc, size_t dl)
{
	enum store_invoice_resend r;
	char err[512] = "";

	ck_assert_msg(store_invoice_lookup(st, inv, &r, prev, desc, dl, err, sizeof(err)) == 0, "%s", err);
	idle(st);
	return r;
}

START_TEST(test_resend)
{
	char err[512], desc[256];
	struct store *st = store_open(path, 1000, STORE_CREATE, err, sizeof(err));
	inv_invoice *a = make_inv("RE-17", "Seller GmbH", "Acme Ltd", "1190.00");
	inv_invoice *same = make_inv("RE-17", "Seller GmbH", "Acme Ltd", "1190.0");	/* same amount */
	inv_invoice *dearer = make_inv("RE-17", "Seller GmbH", "Acme Ltd", "1190.01");
	inv_invoice *other_buyer = make_inv("RE-17", "Seller GmbH", "Other Corp", "1190.00");
	inv_invoice *other_number = make_inv("RE-18", "Seller GmbH", "Acme Ltd", "1190.00");
	inv_invoice *other_seller = make_inv("RE-17", "Another Seller", "Acme Ltd", "1190.00");
	long long id, prev;

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(lookup(st, a, &prev, desc, sizeof(desc)), STORE_INVOICE_NEW);
	ck_assert_int_eq(prev, 0);
	id = record(st, a, "ok", "none", NULL);
	ck_assert_int_eq(lookup(st, same, &prev, desc, sizeof(desc)), STORE_INVOICE_RESEND);
	ck_assert_int_eq(prev, id);
	ck_assert_int_eq(lookup(st, dearer, &prev, desc, sizeof(desc)), STORE_INVOICE_CHANGED);
	ck_assert_int_eq(prev, id);
	/* the description names the earlier send: its id, buyer and total */
	ck_assert_msg(strstr(desc, "Acme Ltd") && strstr(desc, "1190.00") && strstr(desc, "#"),
	    "%s", desc);
	ck_assert_int_eq(lookup(st, other_buyer, &prev, desc, sizeof(desc)), STORE_INVOICE_CHANGED);
	ck_assert_int_eq(lookup(st, other_number, &prev, desc, sizeof(desc)), STORE_INVOICE_NEW);
	ck_assert_int_eq(lookup(st, other_seller, &prev, desc, sizeof(desc)), STORE_INVOICE_NEW);

	/* a rejected send never left: a corrected invoice after it is new */
	record(st, other_number, "flagged", "reject", NULL);
	ck_assert_int_eq(lookup(st, other_number, &prev, desc, sizeof(desc)), STORE_INVOICE_NEW);

	/* the latest send that left is the one compared with */
	id = record(st, dearer, "flagged", "hold", NULL);
	ck_assert_int_eq(lookup(st, dearer, &prev, desc, sizeof(desc)), STORE_INVOICE_RESEND);
	ck_assert_int_eq(prev, id);

	/* the lookup uses the (number, seller) index, never a scan of invoices (SQLite's
	 * plan: PostgreSQL picks by its statistics) */
	char *plan = test_db_uri() != NULL ? NULL : plan_text("SELECT id FROM invoices WHERE number = 'x'"
	    " AND seller = 'y' AND coalesce(action, '') NOT IN ('reject', 'tempfail') ORDER BY id DESC LIMIT 1");
	ck_assert_msg(plan == NULL || (strstr(plan, "USING INDEX invoices_number") != NULL &&
	    strstr(plan, "SCAN") == NULL), "%s", plan);
	free(plan);
	/* PostgreSQL's generic plan reads invoices(number, seller, id) backwards and stops
	 * at the first send that left, however many sends the number has: no Sort of them
	 * all (2.5 ms at 7,000 sends before schema version 6), no scan of every invoice */
	plan = test_db_uri() != NULL ? pg_lookup_plan(st) : NULL;
	ck_assert_msg(plan == NULL || (strstr(plan, "Index Scan Backward using invoices_number_id") != NULL &&
	    strstr(plan, "Sort") == NULL), "%s", plan);
	free(plan);

	inv_free(a);
	inv_free(same);
	inv_free(dearer);
	inv_free(other_buyer);
	inv_free(other_number);
	inv_free(other_seller);
	store_close(st);
}
END_TEST

START_TEST(test_record_rows)
{
	char err[512], *v;
	struct store *st = store_open(path, 1000, STORE_CREATE, err, sizeof(err));
	inv_invoice *a = make_inv("RE-1", "Seller GmbH", "Acme Ltd", "100.00");
	inv_findings *f = inv_findings_new();
	long long id;

	ck_assert_msg(st != NULL, "%s", err);
	a->payee_ibans = calloc(2, sizeof(char *));
	a->payee_ibans[0] = strdup("GB82WEST12345698765432");
	a->n_payee_ibans = 1;
	inv_findings_add(f, "PS-MAIL-AMOUNT", INV_SEV_ERROR, "the body states %s", "1.00");
	inv_findings_add(f, "PS-DUE-DATE", INV_SEV_WARNING, "late");
	id = record(st, a, "flagged", "hold", f);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM findings"), 2);
	v = sql_text(test_db_uri() != NULL ?
	    "SELECT string_agg(rule_id || '/' || severity || '/' || message, ';' ORDER BY id) FROM findings" :
	    "SELECT group_concat(rule_id || '/' || severity || '/' || message, ';') FROM findings");
	ck_assert_str_eq(v, "PS-MAIL-AMOUNT/error/PS-MAIL-AMOUNT: the body states 1.00;PS-DUE-DATE/warning/PS-DUE-DATE: late");
	free(v);
	v = sql_text("SELECT number || '|' || seller || '|' || buyer || '|' || total || '|' || currency"
	    " || '|' || payee_iban || '|' || recipients || '|' || queue_id || '|' || verdict || '|' || action"
	    " || '|' || review_state || '|' || sent_at FROM invoices");
	ck_assert_str_eq(v, "RE-1|Seller GmbH|Acme Ltd|100.00|EUR|GB82WEST12345698765432|"
	    "ap@acme.example, Boss@Acme.example|4XyZ1|flagged|hold|open|1767225600");
	free(v);
	ck_assert_int_eq(sql_int("SELECT digested_at IS NULL FROM invoices"), 1);
	/* both recipients are customers with one invoice */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM customers WHERE invoice_count = 1"
	    " AND last_invoice_at = 1767225600 AND domain = 'acme.example'"), 2);
	record(st, a, "resend", "none", NULL);
	ck_assert_int_eq(sql_int("SELECT invoice_count FROM customers WHERE address = 'boss@acme.example'"), 2);
	/* a rejected invoice did not reach them */
	record(st, a, "flagged", "reject", f);
	ck_assert_int_eq(sql_int("SELECT sum(invoice_count) FROM customers"), 4);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM invoices"), 3);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM findings"), 4);

	/* review */
	ck_assert_int_eq(store_invoice_review(st, id, "called the customer", 1767300000, err, sizeof(err)), 1);
	v = sql_text("SELECT review_state || '|' || review_note || '|' || reviewed_at FROM invoices WHERE id = 1");
	ck_assert_str_eq(v, "reviewed|called the customer|1767300000");
	free(v);
	ck_assert_int_eq(store_invoice_review(st, 999, "x", 1, err, sizeof(err)), 0);
	inv_findings_free(f);
	inv_free(a);
	store_close(st);
}
END_TEST

/* row_text - every column the journal writes of invoice id, NULLs shown, and its
 * findings (caller frees) */
static char *
row_text(long long id)
{
	char q[2048], *a, *b, *out;

	snprintf(q, sizeof(q), "SELECT coalesce(number, '~') || '|' || coalesce(syntax, '~') || '|'"
	    " || coalesce(profile, '~') || '|' || coalesce(seller, '~') || '|' || coalesce(buyer, '~')"
	    " || '|' || coalesce(buyer_address, '~') || '|' || coalesce(issue_date, '~') || '|'"
	    " || coalesce(due_date, '~') || '|' || coalesce(currency, '~') || '|' || coalesce(total, '~')"
	    " || '|' || coalesce(payee_iban, '~') || '|' || coalesce(sender, '~') || '|'"
	    " || coalesce(recipients, '~') || '|' || coalesce(message_id, '~') || '|'"
	    " || coalesce(queue_id, '~') || '|' || coalesce(fingerprint, '~') || '|'"
	    " || coalesce(verdict, '~') || '|' || coalesce(action, '~') || '|' || sent_at"
	    " FROM invoices WHERE id = %lld", id);
	a = sql_text(q);
	snprintf(q, sizeof(q), test_db_uri() != NULL ?
	    "SELECT string_agg(rule_id || '/' || severity || '/' || message, ';' ORDER BY id)"
	    " FROM findings WHERE invoice_id = %lld" :
	    "SELECT group_concat(rule_id || '/' || severity || '/' || message, ';') FROM"
	    " (SELECT * FROM findings WHERE invoice_id = %lld ORDER BY rowid)", id);
	b = sql_text(q);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_ne(asprintf(&out, "%s\n%s", a, b ? b : "(no findings)"), -1);
	free(a);
	free(b);
	return out;
}

/*
 * store_invoice_record() writes the entry's strings where they are (no copy of the
 * row); the spool's row (store_invoice_row_from_entry) is the other way to the same
 * rows: both must write the same values, NULLs and findings.
 */
START_TEST(test_record_same_as_row)
{
	char err[512];
	struct store *st = store_open(path, 1000, STORE_CREATE, err, sizeof(err));
	inv_invoice *a = make_inv("RE-9", "Seller GmbH", "Acme Ltd", "100.50");
	inv_findings *f = inv_findings_new();
	const char *rcpts[] = { " <ap@acme.example> ", "\tBoss@Acme.example", "<x@y.example>junk", "" };
	struct store_invoice_entry e = {
		.inv = a, .container = "xml", .part = "2", .sender = "billing@us.example",
		.rcpts = rcpts, .nrcpts = 4, .message_id = "<m9@us.example>", .queue_id = "9Q",
		.verdict = NULL, .action = "tag", .findings = f, .sent_at = 1767225601,
	};
	struct store_invoice_row row = {0};
	long long id1 = 0, id2 = 0;
	char *t1, *t2;

	ck_assert_msg(st != NULL, "%s", err);
	a->payee_ibans = calloc(3, sizeof(char *));
	a->payee_ibans[0] = strdup("GB82WEST12345698765432");
	a->payee_ibans[1] = strdup("NO9386011117947");
	a->n_payee_ibans = 2;
	a->buyer.vat_id = strdup("GB123");
	a->issue_date = strdup("2026-01-01");
	a->profile = strdup("EN16931");
	inv_findings_add(f, "PS-MAIL-AMOUNT", INV_SEV_ERROR, "the body states %s", "1.00");
	inv_findings_add(f, "BR-CO-10", INV_SEV_WARNING, "sum");
	for (int round = 0; round < 2; round++) {	/* then without findings, ibans, verdict */
		ck_assert_msg(store_invoice_record(st, &e, &id1, err, sizeof(err)) == 0, "%s", err);
		store_invoice_row_from_entry(&e, &row);
		ck_assert_msg(store_invoice_write_row(st, &row, 0, &id2, err, sizeof(err)) == 0,
		    "%s", err);
		store_invoice_row_clear(&row);
		idle(st);
		t1 = row_text(id1);
		t2 = row_text(id2);
		ck_assert_str_eq(t1, t2);
		free(t1);
		free(t2);
		if (round == 0) {	/* what a resend must share, in lower case, 100.50 as 100.5 */
			char q[128], *fp;

			snprintf(q, sizeof(q), "SELECT fingerprint FROM invoices WHERE id = %lld", id1);
			fp = sql_text(q);
			ck_assert_str_eq(fp, "eur|100.5|acme ltd|gb123|ap@acme.example");
			free(fp);
		}
		/* round 2: the buyer's address from BT-58, an endpoint that is no e-mail */
		free(a->buyer.electronic_address);
		a->buyer.electronic_address = strdup("0088:7300010000001");
		a->buyer.contact_email = strdup("Billing@Acme.example");
		e.findings = NULL;
		e.verdict = "flagged";
		e.nrcpts = 1;
		a->n_payee_ibans = 0;
		a->has_amount_due = 0;
		e.message_id = NULL;
	}
	a->n_payee_ibans = 2;
	inv_findings_free(f);
	inv_free(a);
	store_close(st);
}
END_TEST

#define WRITERS 4
#define PER_WRITER 50

/* writer - one milter thread: its own connection, PER_WRITER invoices */
static void *
writer(void *arg)
{
	char err[512], num[32];
	long n = (long) arg, ok = 0;
	struct store *st = store_open(path, 5000, STORE_CREATE, err, sizeof(err));

	if (st == NULL) {
		fprintf(stderr, "writer %ld: %s\n", n, err);
		return (void *) 0;
	}
	for (int i = 0; i < PER_WRITER; i++) {
		snprintf(num, sizeof(num), "W%ld-%d", n, i);
		inv_invoice *inv = make_inv(num, "Seller GmbH", "Acme Ltd", "10.00");
		const char *rcpts[] = { "<ap@acme.example>" };
		struct store_invoice_entry e = { .inv = inv, .container = "xml", .rcpts = rcpts,
			.nrcpts = 1, .verdict = "ok", .action = "none", .sent_at = 1767225600 + i };
		enum store_invoice_resend r;
		if (store_invoice_lookup(st, inv, &r, NULL, NULL, 0, err, sizeof(err)) == 0 &&
		    store_invoice_record(st, &e, NULL, err, sizeof(err)) == 0)
			ok++;
		else
			fprintf(stderr, "writer %ld: %s\n", n, err);
		inv_free(inv);
	}
	store_close(st);
	return (void *) ok;
}

START_TEST(test_concurrent_writers)
{
	pthread_t t[WRITERS];
	char err[512];
	struct store *st = store_open(path, 1000, STORE_CREATE, err, sizeof(err));
	struct timespec t0, t1;
	long total = 0;

	ck_assert_msg(st != NULL, "%s", err);
	store_close(st);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, writer, (void *) i), 0);
	for (int i = 0; i < WRITERS; i++) {
		void *ok;
		pthread_join(t[i], &ok);
		total += (long) ok;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(total, WRITERS * PER_WRITER);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM invoices"), WRITERS * PER_WRITER);
	ck_assert_int_eq(sql_int("SELECT invoice_count FROM customers"), WRITERS * PER_WRITER);
	fprintf(stderr, "check_store_invoice: %d writers x %d lookups+records in %.1f ms (%.2f ms each)\n",
	    WRITERS, PER_WRITER,
	    (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6,
	    ((t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6) / (WRITERS * PER_WRITER));
}
END_TEST

START_TEST(test_locked)
{
	char err[512] = "";
	struct store *st = store_open(path, 300, STORE_CREATE, err, sizeof(err));
	inv_invoice *a = make_inv("RE-1", "Seller GmbH", "Acme Ltd", "100.00");
	const char *rcpts[] = { "<ap@acme.example>" };
	struct store_invoice_entry e = { .inv = a, .rcpts = rcpts, .nrcpts = 1, .verdict = "ok",
		.action = "none", .sent_at = 1 };
	struct timespec t0, t1;
	struct db *holder;
	double ms;

	ck_assert_msg(st != NULL, "%s", err);
	/* another writer holds the write lock */
	holder = lock_holder();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(store_invoice_record(st, &e, NULL, err, sizeof(err)), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(ms >= 250 && ms < 2000, "gave up after %.0f ms (timeout 300 ms)", ms);
	ck_assert_msg(strstr(err, store_path(st)) != NULL && strstr(err, LOCKED) != NULL, "%s", err);
	idle(st);
	/* the lookup (a reader, WAL) still answers */
	enum store_invoice_resend r;
	ck_assert_int_eq(store_invoice_lookup(st, a, &r, NULL, NULL, 0, err, sizeof(err)), 0);
	/* once the lock is gone the same connection records again */
	ck_assert_int_eq(db_rollback(holder), DB_DONE);
	db_close(holder);
	ck_assert_msg(store_invoice_record(st, &e, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM invoices"), 1);
	inv_free(a);
	store_close(st);
}
END_TEST

/* A record that fails half way leaves nothing: the transaction is rolled back.
 * SQLite only (the trigger that makes it fail). */
START_TEST(test_atomic)
{
	char err[512] = "";
	struct store *st = store_open(path, 300, STORE_CREATE, err, sizeof(err));
	inv_invoice *a = make_inv("RE-1", "Seller GmbH", "Acme Ltd", "100.00");
	inv_findings *f = inv_findings_new();
	const char *rcpts[] = { "<ap@acme.example>" };
	struct store_invoice_entry e = { .inv = a, .rcpts = rcpts, .nrcpts = 1, .verdict = "flagged",
		.action = "hold", .findings = f, .sent_at = 1 };

	ck_assert_msg(st != NULL, "%s", err);
	inv_findings_add(f, "PS-X", INV_SEV_ERROR, "x");
	/* make the findings insert fail */
	ck_assert_int_eq(sqlite3_exec(ST_SQLITE(st), "CREATE TRIGGER no_findings BEFORE INSERT ON findings"
	    " BEGIN SELECT RAISE(ABORT, 'findings refused'); END", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_invoice_record(st, &e, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "findings refused") != NULL, "%s", err);
	idle(st);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM invoices"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM customers"), 0);
	inv_findings_free(f);
	inv_free(a);
	store_close(st);
}
END_TEST

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
	store_invoice_row_add_finding(&it->row, "BR-CO-16", "error", "amount 100.00 is not 99.99 = x");
	if (!with_journey)
		return;
	it = spool_record_add(r, SPOOL_JOURNEY_START);
	it->customer = strdup("ap@acme.example");
	it->sender = strdup("<am@example.com>");
	it->renewal = strdup("2027-01-31");
	it->since = strdup("2026-03-03");
}

START_TEST(test_roundtrip)
{
	struct spool_record r = {0}, back = {0};
	char file[1024], err[512] = "", *sdir;
	struct stat sb;

	sample(&r, "RE-1", 1);
	ck_assert_msg(spool_save(base, &r, NULL, file, sizeof(file), err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(stat(file, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0640);
	sdir = spool_dir(base);
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
	ck_assert_str_eq(back.items[1].since, "2026-03-03");
	ck_assert_ptr_null(back.items[1].name);
	spool_record_clear(&back);
	spool_record_clear(&r);
}
END_TEST

START_TEST(test_list_and_refuse)
{
	struct spool_record r = {0}, back = {0};
	char f1[1024], f2[1024], err[512] = "", bad[400], **paths;
	size_t n;
	FILE *fp;

	ck_assert_int_eq(spool_list(base, &paths, &n, err, sizeof(err)), 0);	/* no dir yet */
	ck_assert_uint_eq(n, 0);
	spool_list_free(paths, n);
	sample(&r, "RE-1", 1);
	ck_assert_int_eq(spool_save(base, &r, NULL, f1, sizeof(f1), err, sizeof(err)), 0);
	ck_assert_int_eq(spool_save(base, &r, NULL, f2, sizeof(f2), err, sizeof(err)), 0);
	snprintf(bad, sizeof(bad), "%s-unrecorded/.tmp-half", base);
	fp = fopen(bad, "w");
	fputs("postsale-unrecorded 1\nqueue-id=x\n", fp);
	fclose(fp);
	ck_assert_int_eq(spool_list(base, &paths, &n, err, sizeof(err)), 0);
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

START_TEST(test_replay_once)
{
	struct ps_conf *conf = conf_defaults();
	struct spool_record r = {0};
	char err[512] = "", file[1024];
	struct store *st;
	size_t done, left;

	free(conf->database);
	conf->database = strdup(path);
	free(conf->state_base);
	conf->state_base = strdup(base);
	st = store_open(path, 1000, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	sample(&r, "RE-1", 0);	/* the invoice only (a journey needs its managers) */
	ck_assert_int_eq(spool_save(base, &r, NULL, file, sizeof(file), err, sizeof(err)), 0);
	ck_assert_msg(filter_store_replay(st, conf, NULL, &done, &left, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(done, 1);
	ck_assert_uint_eq(left, 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM invoices WHERE number = 'RE-1'"
	    " AND verdict = 'flagged' AND action = 'hold' AND queue_id = '4Xb2Q1abc'"), 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM findings WHERE rule_id = 'BR-CO-16'"), 1);
	ck_assert_int_eq(sql_int("SELECT invoice_count FROM customers WHERE address = 'ap@acme.example'"), 1);
	/* the same record again (a crash between the commit and the unlink): not twice */
	ck_assert_int_eq(spool_save(base, &r, NULL, file, sizeof(file), err, sizeof(err)), 0);
	ck_assert_msg(filter_store_replay(st, conf, NULL, &done, &left, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(done, 1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM invoices"), 1);
	ck_assert_int_eq(sql_int("SELECT invoice_count FROM customers WHERE address = 'ap@acme.example'"), 1);
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
	struct db *holder;
	long long t0, ms;

	ck_assert_msg(st != NULL, "%s", err);
	sample(&r, "RE-2", 0);
	holder = lock_holder();
	t0 = store_clock_ms();
	store_set_deadline(st, t0 + 200);	/* 200 ms left of this message's time */
	ck_assert_int_eq(store_invoice_write_row(st, &r.items[0].row, 0, NULL, err, sizeof(err)), -1);
	ms = store_clock_ms() - t0;
	ck_assert_msg(ms >= 150 && ms < 2000, "gave up after %lld ms (deadline 200 ms, timeout 5000 ms)", ms);
	ck_assert_msg(strstr(err, test_db_uri() != NULL ? "timeout" : "locked") != NULL, "%s", err);
	store_set_deadline(st, 0);
	db_rollback(holder);
	db_close(holder);
	ck_assert_msg(store_invoice_write_row(st, &r.items[0].row, 0, NULL, err, sizeof(err)) == 0, "%s", err);
	spool_record_clear(&r);
	store_close(st);
}
END_TEST

static Suite *
store_invoice_suite(void)
{
	Suite *s = suite_create("store_invoice");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_resend);
	tcase_add_test(tc, test_record_rows);
	tcase_add_test(tc, test_record_same_as_row);
	tcase_add_test(tc, test_concurrent_writers);
	tcase_add_test(tc, test_locked);
	suite_add_tcase(s, tc);
	if (test_db_uri() == NULL) {	/* its trigger is SQLite's (CREATE TRIGGER ... RAISE) */
		tc = tcase_create("sqlite");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 30);
		tcase_add_test(tc, test_atomic);
		suite_add_tcase(s, tc);
	}
	tc = tcase_create("spool");
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
	return test_run(store_invoice_suite());
}

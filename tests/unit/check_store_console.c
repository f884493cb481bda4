/*
 * check_store_console.c - the finance console's store: users, sessions and failed
 * logins (store_user.c), the audit log (store_audit.c), the invoice list's order,
 * filters and pages, one invoice with the figures store_invoice_record() keeps for a flagged
 * invoice (store_invoice_figures.c, inv_figures.c), the hold queue's outcome, the
 * retention, customers, and a locked database. Expected figures are worked out by hand
 * from the invoice built here.
 *
 * Each case has a fresh store: an SQLite file, or with POSTGRESQL_URI a schema of its
 * own on that server (test_db.h; tests/pg/suites.sh runs the suite on both). The locked
 * database (another process's EXCLUSIVE transaction on the file) is SQLite's only.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_audit.h"
#include "store/store_console.h"
#include "store/store_invoice.h"
#include "store/store_invoice_figures.h"
#include "store/store_user.h"
#include "test_db.h"
#include "test_files.h"
#include "test_run.h"

static char dir[] = "/tmp/check_store_console.XXXXXX";
static char path[1024];
static struct store *st;
static char err[512];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_store_console.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(test_db_target(path, sizeof(path), dir, "postsale.db"));
	st = store_open(path, 200, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
}

static void
teardown(void)
{
	st = store_close(st);
	ck_assert_int_eq(test_rmtree(dir), 0);
}

/* amount - parse a decimal */
static dec_t
amount(const char *s)
{
	dec_t d;

	ck_assert_int_eq(dec_parse(s, &d), 0);
	return d;
}

/* record - journal one invoice (two lines: 3 x 10.00 = 30.00 stated as 30.00, and
 * 2 x 5.00 = 10.00 stated as 10.50; BT-106 40.50, BT-115 due) */
static long long
record(const char *number, const char *due, const char *verdict, const char *action,
    const char *qid, time_t sent)
{
	inv_invoice *inv = calloc(1, sizeof(*inv));
	inv_findings *f = inv_findings_new();
	const char *rcpts[] = { "<ap@acme.example>" };
	struct store_invoice_entry e = {
		.inv = inv, .container = "xml", .sender = "billing@us.example", .rcpts = rcpts,
		.nrcpts = 1, .message_id = "<m@us.example>", .queue_id = qid, .verdict = verdict,
		.action = action, .findings = f, .sent_at = sent,
	};
	long long id;

	inv->number = strdup(number);
	inv->seller.name = strdup("Us <GmbH>");
	inv->buyer.name = strdup("Acme");
	inv->currency = strdup("EUR");
	inv->n_lines = 2;
	inv->lines = calloc(2, sizeof(inv_line));
	inv->lines[0].id = strdup("1");
	inv->lines[0].quantity = amount("3"), inv->lines[0].has_quantity = 1;
	inv->lines[0].net_price = amount("10.00"), inv->lines[0].has_net_price = 1;
	inv->lines[0].net_amount = amount("30.00"), inv->lines[0].has_net_amount = 1;
	inv->lines[1].id = strdup("2");
	inv->lines[1].quantity = amount("2"), inv->lines[1].has_quantity = 1;
	inv->lines[1].net_price = amount("5.00"), inv->lines[1].has_net_price = 1;
	inv->lines[1].net_amount = amount("10.50"), inv->lines[1].has_net_amount = 1;
	inv->has_totals = 1;
	inv->line_total = amount("40.50"), inv->has_line_total = 1;
	inv->total_without_vat = amount("40.50"), inv->has_total_without_vat = 1;
	inv->vat_total = amount("0.00"), inv->has_vat_total = 1;
	inv->total_with_vat = amount("40.50"), inv->has_total_with_vat = 1;
	inv->amount_due = amount(due), inv->has_amount_due = 1;
	if (strcmp(verdict, "flagged") == 0)
		inv_findings_add(f, "PS-LINE-NET", INV_SEV_ERROR, "line 2 differs");
	ck_assert_msg(store_invoice_record(st, &e, &id, err, sizeof(err)) == 0, "%s", err);
	inv_free(inv);
	inv_findings_free(f);
	return id;
}

START_TEST(test_users_sessions)
{
	char *hash, *role, *user, *csrf;
	struct store_rows r = { 0 };
	time_t last;

	ck_assert_int_eq(user_add(st, "alice", "finance", "$y$h1", 100, err, sizeof(err)), 1);
	ck_assert_int_eq(user_add(st, "alice", "admin", "$y$h2", 100, err, sizeof(err)), 0);
	ck_assert_int_eq(user_add(st, "bob", "manager", "$y$h3", 100, err, sizeof(err)), 1);
	ck_assert_int_eq(user_hash(st, "alice", &hash, &role, err, sizeof(err)), 1);
	ck_assert_str_eq(hash, "$y$h1");
	ck_assert_str_eq(role, "finance");
	free(hash);
	free(role);
	ck_assert_int_eq(user_hash(st, "carol", &hash, &role, err, sizeof(err)), 0);
	ck_assert_ptr_null(hash);
	ck_assert_int_eq(user_list(st, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(store_rows_get(&r, 1, USER_NAME), "bob");
	store_rows_clear(&r);

	ck_assert_int_eq(session_create(st, "th1", "alice", "csrf1", 200, err, sizeof(err)), 0);
	ck_assert_int_eq(session_get(st, "th1", &user, &role, &csrf, &last, err, sizeof(err)), 1);
	ck_assert_str_eq(user, "alice");
	ck_assert_str_eq(role, "finance");
	ck_assert_str_eq(csrf, "csrf1");
	ck_assert_int_eq(last, 200);
	free(user), free(role), free(csrf);
	ck_assert_int_eq(session_touch(st, "th1", 300, err, sizeof(err)), 0);
	ck_assert_int_eq(session_get(st, "th1", &user, &role, &csrf, &last, err, sizeof(err)), 1);
	ck_assert_int_eq(last, 300);
	free(user), free(role), free(csrf);
	ck_assert_int_eq(session_get(st, "nope", &user, &role, &csrf, &last, err, sizeof(err)), 0);
	/* a new password ends the sessions */
	ck_assert_int_eq(user_set_hash(st, "alice", "$y$h9", 400, err, sizeof(err)), 1);
	ck_assert_int_eq(session_get(st, "th1", &user, &role, &csrf, &last, err, sizeof(err)), 0);
	ck_assert_int_eq(user_set_hash(st, "carol", "$y$h9", 400, err, sizeof(err)), 0);
	/* idle sessions are pruned; removing a user ends its sessions */
	ck_assert_int_eq(session_create(st, "th2", "bob", "c", 500, err, sizeof(err)), 0);
	ck_assert_int_eq(session_create(st, "th3", "alice", "c", 100, err, sizeof(err)), 0);
	ck_assert_int_eq(session_prune(st, 200, err, sizeof(err)), 0);
	ck_assert_int_eq(session_get(st, "th3", &user, &role, &csrf, &last, err, sizeof(err)), 0);
	ck_assert_int_eq(user_del(st, "bob", err, sizeof(err)), 1);
	ck_assert_int_eq(session_get(st, "th2", &user, &role, &csrf, &last, err, sizeof(err)), 0);
	ck_assert_int_eq(user_del(st, "bob", err, sizeof(err)), 0);
	ck_assert_int_eq(session_delete(st, "th2", err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_login_failures)
{
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(login_failure_add(st, "user:alice", 1000 + i, 1000 + i - 900, err, sizeof(err)), 0);
	ck_assert_int_eq(login_failures(st, "user:alice", 1000 - 900, err, sizeof(err)), 5);
	ck_assert_int_eq(login_failures(st, "user:alice", 1003, err, sizeof(err)), 2);
	ck_assert_int_eq(login_failures(st, "addr:127.0.0.1", 0, err, sizeof(err)), 0);
	/* old failures are forgotten as new ones come */
	ck_assert_int_eq(login_failure_add(st, "user:alice", 3000, 3000 - 900, err, sizeof(err)), 0);
	ck_assert_int_eq(login_failures(st, "user:alice", 0, err, sizeof(err)), 1);
	/* ... of every key */
	ck_assert_int_eq(login_failure_add(st, "addr:10.0.0.1", 3000, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(login_failure_add(st, "user:bob", 5000, 5000 - 900, err, sizeof(err)), 0);
	ck_assert_int_eq(login_failures(st, "addr:10.0.0.1", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(login_failures(st, "user:alice", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(login_failures(st, "user:bob", 0, err, sizeof(err)), 1);
	ck_assert_int_eq(login_failures_clear(st, "user:bob", err, sizeof(err)), 0);
	ck_assert_int_eq(login_failures(st, "user:bob", 0, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_list_order_filters_pages)
{
	struct console_filter f = { .state = CONSOLE_ALL, .per_page = 2 };
	struct store_rows r = { 0 };
	long long ok1 = record("A-1", "40.50", "ok", "tag", "AAAAAA0001", 86400);
	long long held = record("A-2", "40.50", "flagged", "hold", "AAAAAA0002", 2 * 86400);
	long long flagged = record("A-3", "40.50", "flagged", "tag", "AAAAAA0003", 3 * 86400);
	long long ok2 = record("A-4", "40.50", "ok", "tag", "AAAAAA0004", 4 * 86400);
	int more;

	/* held first, then flagged and open, then the rest, newest first */
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(more, 1);
	ck_assert_int_eq(store_rows_int(&r, 0, CI_ID), held);
	ck_assert_int_eq(store_rows_int(&r, 1, CI_ID), flagged);
	ck_assert_str_eq(store_rows_get(&r, 0, CI_FINDINGS), "PS-LINE-NET");
	store_rows_clear(&r);
	f.page = 1;
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(more, 0);
	ck_assert_int_eq(store_rows_int(&r, 0, CI_ID), ok2);
	ck_assert_int_eq(store_rows_int(&r, 1, CI_ID), ok1);
	store_rows_clear(&r);
	f.page = 0, f.per_page = 50;
	f.state = CONSOLE_HELD;
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 1);
	store_rows_clear(&r);
	f.state = CONSOLE_FLAGGED;
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 2);
	store_rows_clear(&r);
	f.state = CONSOLE_ALL, f.number = "A-4";
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_int_eq(store_rows_int(&r, 0, CI_ID), ok2);
	store_rows_clear(&r);
	f.number = "A-4' OR '1'='1";
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 0);
	store_rows_clear(&r);
	f.number = NULL, f.from = 2 * 86400, f.to = 4 * 86400;
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_int_eq(store_rows_int(&r, 0, CI_ID), flagged);
	store_rows_clear(&r);

	/* released: no longer held, listed under released */
	ck_assert_int_eq(console_set_hold_state(st, held, "released", err, sizeof(err)), 1);
	ck_assert_int_eq(console_set_hold_state(st, held, "discarded", err, sizeof(err)), 0);
	ck_assert_int_eq(console_set_hold_state(st, ok1, "released", err, sizeof(err)), 0);
	f = (struct console_filter){ .state = CONSOLE_HELD };
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 0);
	f.state = CONSOLE_RELEASED;
	ck_assert_int_eq(console_invoices(st, &f, &r, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, 1);
	store_rows_clear(&r);
	ck_assert_int_eq(console_state_parse("discarded", &f.state), 0);
	ck_assert_int_eq(console_state_parse("bogus", &f.state), -1);
}
END_TEST

START_TEST(test_invoice_figures_audit)
{
	long long id = record("B-1", "40.60", "flagged", "hold", "BBBBBB0001", 86400), qid_id = 0;
	long long ok = record("B-2", "40.50", "ok", "tag", "BBBBBB0002", 86400);
	struct console_invoice ci;

	ck_assert_int_eq(console_held_invoice(st, "BBBBBB0001", &qid_id, err, sizeof(err)), 1);
	ck_assert_int_eq(qid_id, id);
	ck_assert_int_eq(console_held_invoice(st, "BBBBBB0002", &qid_id, err, sizeof(err)), 0);
	ck_assert_int_eq(audit_add(st, id, 5000, "alice", "release", "done", "BBBBBB0001", err, sizeof(err)), 0);
	ck_assert_int_eq(console_invoice(st, id, &ci, err, sizeof(err)), 1);
	ck_assert_str_eq(store_rows_get(&ci.invoice, 0, CI_SELLER), "Us <GmbH>");
	ck_assert_uint_eq(ci.findings.n, 1);
	ck_assert_str_eq(store_rows_get(&ci.findings, 0, CF_RULE), "PS-LINE-NET");
	/* lines: 3 x 10.00 = 30.00 as stated; 2 x 5.00 = 10.00, stated 10.50 */
	ck_assert_uint_eq(ci.lines.n, 2);
	ck_assert_str_eq(store_rows_get(&ci.lines, 0, CL_COMPUTED), "30.00");
	ck_assert_str_eq(store_rows_get(&ci.lines, 0, CL_DIFFERS), "0");
	ck_assert_str_eq(store_rows_get(&ci.lines, 1, CL_NET), "10.50");
	ck_assert_str_eq(store_rows_get(&ci.lines, 1, CL_COMPUTED), "10.00");
	ck_assert_str_eq(store_rows_get(&ci.lines, 1, CL_DIFFERS), "1");
	/* totals: BT-106 40.50 = 30.00 + 10.50 (the stated nets), BT-115 40.60 vs 40.50 */
	ck_assert_uint_eq(ci.totals.n, 7);
	ck_assert_str_eq(store_rows_get(&ci.totals, 0, CT_TERM), "BT-106");
	ck_assert_str_eq(store_rows_get(&ci.totals, 0, CT_COMPUTED), "40.50");
	ck_assert_str_eq(store_rows_get(&ci.totals, 0, CT_DIFFERS), "0");
	ck_assert_str_eq(store_rows_get(&ci.totals, 6, CT_TERM), "BT-115");
	ck_assert_str_eq(store_rows_get(&ci.totals, 6, CT_STATED), "40.60");
	ck_assert_str_eq(store_rows_get(&ci.totals, 6, CT_COMPUTED), "40.50");
	ck_assert_str_eq(store_rows_get(&ci.totals, 6, CT_DIFFERS), "1");
	ck_assert_uint_eq(ci.audit.n, 1);
	ck_assert_str_eq(store_rows_get(&ci.audit, 0, AUDIT_USER), "alice");
	ck_assert_str_eq(store_rows_get(&ci.audit, 0, AUDIT_OUTCOME), "done");
	console_invoice_clear(&ci);
	/* an invoice that is not flagged keeps no figures */
	ck_assert_int_eq(console_invoice(st, ok, &ci, err, sizeof(err)), 1);
	ck_assert_uint_eq(ci.lines.n, 0);
	ck_assert_uint_eq(ci.totals.n, 0);
	console_invoice_clear(&ci);
	ck_assert_int_eq(console_invoice(st, 999, &ci, err, sizeof(err)), 0);
	console_invoice_clear(&ci);
	/* the retention drops the figures, not the invoice */
	ck_assert_int_eq(store_invoice_prune_figures(st, 86400, err, sizeof(err)), 0);
	ck_assert_int_eq(store_invoice_prune_figures(st, 86401, err, sizeof(err)), 9);
	ck_assert_int_eq(console_invoice(st, id, &ci, err, sizeof(err)), 1);
	ck_assert_uint_eq(ci.lines.n, 0);
	ck_assert_uint_eq(ci.findings.n, 1);
	console_invoice_clear(&ci);
}
END_TEST

START_TEST(test_customers)
{
	struct store_rows a = { 0 }, b = { 0 };
	int more;

	record("C-1", "40.50", "ok", "tag", "CCCCCC0001", 86400);
	ck_assert_int_eq(console_customers(st, 0, 50, &a, &more, err, sizeof(err)), 0);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_str_eq(store_rows_get(&a, 0, CC_ADDRESS), "ap@acme.example");
	ck_assert_str_eq(store_rows_get(&a, 0, CC_INVOICES), "1");
	long long id = store_rows_int(&a, 0, CC_ID);
	store_rows_clear(&a);
	ck_assert_int_eq(console_customer(st, id, &a, &b, err, sizeof(err)), 1);
	ck_assert_str_eq(store_rows_get(&a, 0, CC_NAME), "Acme");
	ck_assert_uint_eq(b.n, 0);	/* no journey: no check-ins */
	store_rows_clear(&a);
	store_rows_clear(&b);
	ck_assert_int_eq(console_customer(st, 42, &a, &b, err, sizeof(err)), 0);
}
END_TEST

/* SQLite only: another process holds the file's write lock */
START_TEST(test_locked)
{
	sqlite3 *other;

	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(user_add(st, "x", "finance", "$y$", 1, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "locked") != NULL, "%s", err);
	ck_assert_int_eq(audit_add(st, 1, 1, "x", "release", "done", NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(login_failure_add(st, "user:x", 1, 0, err, sizeof(err)), -1);
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
}
END_TEST

static Suite *
store_console_suite(void)
{
	Suite *s = suite_create("store_console");
	TCase *tc = tcase_create("store_console");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_users_sessions);
	tcase_add_test(tc, test_login_failures);
	tcase_add_test(tc, test_list_order_filters_pages);
	tcase_add_test(tc, test_invoice_figures_audit);
	tcase_add_test(tc, test_customers);
	suite_add_tcase(s, tc);
	if (test_db_uri() == NULL) {	/* SQLite's file lock */
		tc = tcase_create("sqlite");
		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_set_timeout(tc, 30);
		tcase_add_test(tc, test_locked);
		suite_add_tcase(s, tc);
	}
	return s;
}

int
main(void)
{
	return test_run(store_console_suite());
}

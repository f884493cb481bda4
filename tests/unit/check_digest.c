/*
 * check_digest.c - finance's digest (lib/digest.c, mailer/digest.c): it lists the
 * flagged invoices once (a second run sends nothing), a failed send marks nothing, a
 * dry run marks nothing, no finance-address is a clear error, and a hostile buyer
 * name is escaped in the HTML part.
 *
 * The claim before the send (store_digest.h): a second mailer on the same store sends
 * nothing while the first one's lease runs, a failed send gives the claim back, a
 * lapsed claim passes to the next claim (also to one that takes only what lapsed claims
 * left, which takes nothing else), and a claim for a digest-time takes nothing once a
 * digest went out at or after it.
 *
 * The outbox here is a stand-in with F's contract (mailer/outbox.h) that records the
 * message or fails on demand. The message is checked by Python's email package and
 * html.parser (independent parsers): structure, headers, and that the hostile name
 * comes back as text, never as markup.
 *
 * Each case has a fresh store: an SQLite file, or with POSTGRESQL_URI a schema of its
 * own on that server (test_db.h; tests/pg/suites.sh runs the suite on both); counts
 * are read back through db.h on the store's connection.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../mailer/digest.h"
#include "test_db.h"
#include "test_files.h"
#include "test_run.h"
#include "compose/digest.h"
#include "store/store_invoice.h"
/* behind the store's interface: its connection */
#include "store/store_int.h"

/* ---- the stand-in outbox ---- */
struct outbox {
	enum submit_status result;	/* what outbox_send answers */
	int dry_run;
	unsigned long calls, sent;
	char *last;			/* the last message offered */
	char sender[256], rcpt[256];
};

struct outbox *
outbox_new(const struct ps_conf *conf, const char *dry_run_dir, char *err, size_t errlen)
{
	struct outbox *ob = calloc(1, sizeof(*ob));

	(void) conf; (void) err; (void) errlen;
	ob->dry_run = dry_run_dir != NULL;
	return ob;
}

enum submit_status
outbox_send(struct outbox *ob, const char *sender, const char *const *rcpts, size_t n,
	    const char *msg, size_t len, const char *name_hint, char *err, size_t errlen)
{
	(void) name_hint;
	ob->calls++;
	free(ob->last);
	ob->last = strndup(msg, len);
	snprintf(ob->sender, sizeof(ob->sender), "%s", sender);
	snprintf(ob->rcpt, sizeof(ob->rcpt), "%s", n > 0 ? rcpts[0] : "");
	if (ob->result != SUBMIT_OK) {
		snprintf(err, errlen, "smtp://127.0.0.1:2525: 451 4.3.0 try again later");
		return ob->result;
	}
	ob->sent++;
	return SUBMIT_OK;
}

int
outbox_is_dry_run(const struct outbox *ob)
{
	return ob->dry_run;
}

unsigned long
outbox_sent(const struct outbox *ob)
{
	return ob->sent;
}

struct outbox *
outbox_free(struct outbox *ob)
{
	if (ob != NULL) {
		free(ob->last);
		free(ob);
	}
	return NULL;
}

/* ---- fixtures ---- */
static char dir[] = "/tmp/check_digest.XXXXXX";
static char dbpath[1024], confpath[256];
static struct ps_conf *conf;
static struct store *st;

#define HOSTILE "<script>alert(\"x\")</script> & Co \"Ltd\" <b>bold</b>"

static void
write_conf(const char *finance)
{
	FILE *fp = fopen(confpath, "w");

	ck_assert_ptr_nonnull(fp);
	fprintf(fp, "database = %s\npostsale-address = postsale@us.example\n"
	    "postsale-name = Postsale Robot\ncompany-name = Us GmbH\nfinance-address = %s\n",
	    dbpath, finance);
	fclose(fp);
}

static void
setup(void)
{
	char err[512];

	strcpy(dir, "/tmp/check_digest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(test_db_target(dbpath, sizeof(dbpath), dir, "postsale.db"));
	snprintf(confpath, sizeof(confpath), "%s/postsale.conf", dir);
	write_conf("finance@us.example");
	conf = conf_load(confpath, err, sizeof(err));
	ck_assert_msg(conf != NULL, "%s", err);
	st = store_open(dbpath, 1000, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
}

static void
teardown(void)
{
	st = store_close(st);
	conf = conf_free(conf);
	ck_assert_int_eq(test_rmtree(dir), 0);
}

/* add - journal an invoice; flagged (1) ones with two findings, warned (2) ones with
 * one warning of postsale's own rules */
static long long
add(const char *number, const char *buyer, const char *due, int flagged)
{
	inv_invoice *inv = calloc(1, sizeof(*inv));
	inv_findings *f = inv_findings_new();
	const char *rcpts[] = { "<ap@acme.example>" };
	char err[512];
	long long id;

	inv->number = strdup(number);
	inv->seller.name = strdup("Us GmbH");
	inv->buyer.name = strdup(buyer);
	inv->currency = strdup("EUR");
	ck_assert_int_eq(dec_parse(due, &inv->amount_due), 0);
	inv->has_amount_due = 1;
	if (flagged == 1) {
		inv_findings_add(f, "BR-CO-15", INV_SEV_ERROR, "sum");
		inv_findings_add(f, "PS-IBAN-UNKNOWN", INV_SEV_ERROR, "iban");
	} else if (flagged == 2)
		inv_findings_add(f, "PS-LINE-NET", INV_SEV_WARNING, "line");
	struct store_invoice_entry e = { .inv = inv, .container = "xml", .rcpts = rcpts, .nrcpts = 1,
		.verdict = flagged == 1 ? "flagged" : "ok", .action = flagged ? flagged == 1 ?
		"hold" : "tag" : "none",
		.findings = f, .queue_id = "4Q1", .sent_at = 1767225600 };
	ck_assert_msg(store_invoice_record(st, &e, &id, err, sizeof(err)) == 0, "%s", err);
	inv_findings_free(f);
	inv_free(inv);
	return id;
}

/* sql_int - one integer from a query on the store's connection (db.h), -1 for none */
static long long
sql_int(const char *sql)
{
	struct db_stmt *s = db_prepare(store_db(st), sql);
	long long n = -1;

	ck_assert_msg(s != NULL, "%s: %s", sql, db_errmsg(store_db(st)));
	if (db_step(s) == DB_ROW)
		n = db_column_int64(s, 0);
	db_reset(s);
	return n;
}

/* undigested - flagged invoices not yet in a digest */
static int
undigested(void)
{
	return (int) sql_int("SELECT count(*) FROM invoices WHERE verdict = 'flagged'"
	    " AND digested_at IS NULL");
}

/* The Python check: structure, headers and the hostile name as text in both parts. */
static const char *const pycheck =
"import sys, email, email.policy\n"
"from html.parser import HTMLParser\n"
"m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)\n"
"raw = open(sys.argv[1], 'rb').read()\n"
"assert b'\\n' not in raw.replace(b'\\r\\n', b''), 'bare LF'\n"
"assert m.get_content_type() == 'multipart/alternative', m.get_content_type()\n"
"assert m['From'].addresses[0].addr_spec == 'postsale@us.example'\n"
"assert m['From'].addresses[0].display_name == 'Postsale Robot'\n"
"assert m['To'].addresses[0].addr_spec == 'finance@us.example'\n"
"assert m['Subject'] == sys.argv[2], repr(m['Subject'])\n"
"assert m['Date'] is not None and m['Message-ID'] is not None\n"
"parts = [p.get_content_type() for p in m.iter_parts()]\n"
"assert parts == ['text/plain', 'text/html'], parts\n"
"text = m.get_body(('plain',)).get_content()\n"
"html = m.get_body(('html',)).get_content()\n"
"hostile = sys.argv[3]\n"
"assert hostile in text, text\n"
"class P(HTMLParser):\n"
"    def __init__(s):\n"
"        super().__init__(convert_charrefs=True); s.tags = []; s.cells = []; s.intd = False\n"
"    def handle_starttag(s, t, a):\n"
"        s.tags.append(t)\n"
"        if t == 'td': s.intd = True; s.cells.append('')\n"
"    def handle_endtag(s, t):\n"
"        if t == 'td': s.intd = False\n"
"    def handle_data(s, d):\n"
"        if s.intd: s.cells[-1] += d\n"
"p = P(); p.feed(html)\n"
"assert 'script' not in p.tags and 'b' not in p.tags, p.tags\n"
"assert hostile in p.cells, p.cells\n"
"for want in sys.argv[4:]:\n"
"    assert want in p.cells, (want, p.cells)\n"
"    assert want in text, (want, text)\n";

/* write_file - text into path */
static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

/* python_check - run pycheck on msg; 0 when it passes */
static int
python_check(const char *msg, const char *subject, const char *const *cells, size_t n)
{
	char file[300], script[300], cmd[4096];
	const char *py = getenv("PYTHON") ? getenv("PYTHON") : "python3";
	size_t used;

	snprintf(file, sizeof(file), "%s/digest.eml", dir);
	snprintf(script, sizeof(script), "%s/check.py", dir);
	write_file(file, msg);
	write_file(script, pycheck);
	used = (size_t) snprintf(cmd, sizeof(cmd), "%s %s %s '%s' '%s'", py, script, file, subject,
	    "<script>alert(\"x\")</script> & Co \"Ltd\" <b>bold</b>");
	for (size_t i = 0; i < n; i++)
		used += (size_t) snprintf(cmd + used, sizeof(cmd) - used, " '%s'", cells[i]);
	return system(cmd);
}

START_TEST(test_two_runs)
{
	struct outbox *ob = outbox_new(conf, NULL, NULL, 0);
	char err[512] = "";
	const char *cells[] = { "RE-1", "RE-3", "100.00 EUR", "BR-CO-15, PS-IBAN-UNKNOWN", "hold",
		"open", "M\xc3\xbcller & S\xc3\xb6hne" };

	add("RE-1", "Acme Ltd", "100.00", 1);
	add("RE-2", "Clean Corp", "50.00", 0);
	add("RE-4", "M\xc3\xbcller & S\xc3\xb6hne", "1.00", 1);
	add("RE-3", HOSTILE, "75.50", 1);
	ck_assert_int_eq(undigested(), 3);
	ck_assert_msg(mailer_digest(conf, st, ob, 1767300000, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ob->sent, 1);
	ck_assert_str_eq(ob->sender, "postsale@us.example");
	ck_assert_str_eq(ob->rcpt, "finance@us.example");
	ck_assert_ptr_nonnull(strstr(err, "3 flagged invoices"));
	ck_assert_int_eq(undigested(), 0);
	/* the clean invoice is not listed */
	ck_assert_ptr_null(strstr(ob->last, "RE-2"));
	ck_assert_int_eq(python_check(ob->last, "postsale: 3 flagged invoices since 2026-01-01 00:00 UTC",
	    cells, sizeof(cells) / sizeof(cells[0])), 0);

	/* the second run finds nothing and sends nothing */
	ck_assert_int_eq(mailer_digest(conf, st, ob, 1767300100, err, sizeof(err)), 0);
	ck_assert_uint_eq(ob->calls, 1);
	ck_assert_msg(strstr(err, "no flagged invoices") != NULL, "%s", err);
	outbox_free(ob);
}
END_TEST

/* Invoices with warnings only (postsale's own rules, issue 9) are listed for finance
 * too, their ids marked, and the subject counts them apart. */
START_TEST(test_warnings_listed)
{
	struct outbox *ob = outbox_new(conf, NULL, NULL, 0);
	char err[512] = "";

	add("RW-1", "Acme Ltd", "100.00", 1);
	add("RW-2", "Clean Corp", "50.00", 0);
	add("RW-3", "Warned Corp", "75.50", 2);
	ck_assert_msg(mailer_digest(conf, st, ob, 1767300000, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ob->sent, 1);
	ck_assert_ptr_nonnull(strstr(ob->last, "postsale: 1 flagged invoice, 1 with warnings, since"));
	ck_assert_ptr_nonnull(strstr(ob->last, "RW-3"));
	ck_assert_ptr_nonnull(strstr(ob->last, "PS-LINE-NET (warning)"));
	ck_assert_ptr_null(strstr(ob->last, "RW-2"));
	outbox_free(ob);
}
END_TEST

START_TEST(test_failed_send)
{
	struct outbox *ob = outbox_new(conf, NULL, NULL, 0);
	char err[512] = "";
	char *first;

	add("RE-1", "Acme Ltd", "100.00", 1);
	ob->result = SUBMIT_TEMP;
	ck_assert_int_eq(mailer_digest(conf, st, ob, 1767300000, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "451 4.3.0") != NULL && strstr(err, "nothing marked") != NULL, "%s", err);
	ck_assert_int_eq(undigested(), 1);
	first = strdup(ob->last);
	/* the next run lists it again, with the same Message-ID */
	ob->result = SUBMIT_OK;
	ck_assert_msg(mailer_digest(conf, st, ob, 1767300500, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(undigested(), 0);
	ck_assert_ptr_nonnull(strstr(ob->last, "RE-1"));
	char *a = strstr(first, "Message-Id:") ? strstr(first, "Message-Id:") : strstr(first, "Message-ID:");
	ck_assert_ptr_nonnull(a);
	size_t l = strcspn(a, "\r\n");
	ck_assert_msg(strstr(ob->last, strndupa(a, l)) != NULL, "Message-ID changed");
	free(first);
	outbox_free(ob);
}
END_TEST

START_TEST(test_dry_run)
{
	struct outbox *ob = outbox_new(conf, "/nonexistent-dry-run", NULL, 0);
	char err[512] = "";

	add("RE-1", "Acme Ltd", "100.00", 1);
	ck_assert_msg(mailer_digest(conf, st, ob, 1767300000, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ob->calls, 1);
	ck_assert_int_eq(undigested(), 1);
	outbox_free(ob);
}
END_TEST

START_TEST(test_no_finance_address)
{
	struct outbox *ob = outbox_new(conf, NULL, NULL, 0);
	char err[512] = "";

	free(conf->finance_address);
	conf->finance_address = strdup("");
	add("RE-1", "Acme Ltd", "100.00", 1);
	ck_assert_int_eq(mailer_digest(conf, st, ob, 1767300000, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "finance-address") != NULL, "%s", err);
	ck_assert_uint_eq(ob->calls, 0);
	ck_assert_int_eq(undigested(), 1);
	outbox_free(ob);
}
END_TEST

/* Since the last digest: the subject dates from it, not from the oldest invoice. */
START_TEST(test_since_last)
{
	struct outbox *ob = outbox_new(conf, NULL, NULL, 0);
	char err[512] = "";

	add("RE-1", "Acme Ltd", "100.00", 1);
	ck_assert_int_eq(mailer_digest(conf, st, ob, 1767312000, err, sizeof(err)), 0);
	add("RE-9", "Acme Ltd", "9.00", 1);
	ck_assert_int_eq(mailer_digest(conf, st, ob, 1767400000, err, sizeof(err)), 0);
	ck_assert_uint_eq(ob->sent, 2);
	ck_assert_ptr_nonnull(strstr(ob->last, "postsale: 1 flagged invoice since 2026-01-02 00:00 UTC"));
	ck_assert_ptr_null(strstr(ob->last, ">RE-1<"));
	outbox_free(ob);
}
END_TEST

/* The console's links (web-url): each invoice's page, in both parts; Python's email
 * package and html.parser read them back. */
static const char *const pylinks =
"import sys, email, email.policy\n"
"from html.parser import HTMLParser\n"
"m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)\n"
"text = m.get_body(('plain',)).get_content()\n"
"html = m.get_body(('html',)).get_content()\n"
"class P(HTMLParser):\n"
"    def __init__(s):\n"
"        super().__init__(); s.hrefs = []\n"
"    def handle_starttag(s, t, a):\n"
"        if t == 'a': s.hrefs.append(dict(a)['href'])\n"
"p = P(); p.feed(html)\n"
"want = 'https://finance.example/console?a=1&b=2/invoice/' + sys.argv[2]\n"
"assert p.hrefs == [want], p.hrefs\n"
"assert '#' + sys.argv[2] + '  ' + want in text, text\n";

START_TEST(test_console_links)
{
	long long id = add("L-1", "Acme", "10.00", 1);
	char err[512], *msg, file[300], script[300], cmd[1024];
	const char *py = getenv("PYTHON") ? getenv("PYTHON") : "python3";
	struct digest *d = digest_collect(st, err, sizeof(err));
	size_t len;

	ck_assert_ptr_nonnull(d);
	free(conf->web_url);
	conf->web_url = strdup("https://finance.example/console?a=1&b=2/");
	ck_assert_int_eq(digest_build(conf, d, 1767225600, &msg, &len, err, sizeof(err)), 0);
	snprintf(file, sizeof(file), "%s/links.eml", dir);
	snprintf(script, sizeof(script), "%s/links.py", dir);
	write_file(file, msg);
	write_file(script, pylinks);
	snprintf(cmd, sizeof(cmd), "%s %s %s %lld", py, script, file, id);
	ck_assert_int_eq(system(cmd), 0);
	free(msg);
	digest_free(d);
}
END_TEST

/* another - a second connection to the case's store, as another mailer has */
static struct store *
another(void)
{
	char err[512];
	struct store *other = store_open(dbpath, 1000, 0, err, sizeof(err));

	ck_assert_msg(other != NULL, "%s", err);
	return other;
}

/* While another mailer's claim holds the invoices, a digest sends nothing and says
 * so (1); once that claim is given back (its send failed), the digest goes out. */
START_TEST(test_claim_held)
{
	struct outbox *ob = outbox_new(conf, NULL, NULL, 0);
	struct store *other = another();
	struct store_digest_claim c;
	long long ids[2];
	char err[512] = "";

	add("RC-1", "Acme Ltd", "100.00", 1);
	add("RC-2", "Beta Ltd", "50.00", 1);
	ck_assert_msg(store_digest_claim(other, time(NULL), 60, 0, 0, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.held, 0);
	ck_assert_int_eq(mailer_digest(conf, st, ob, 1767300000, err, sizeof(err)), 1);
	ck_assert_uint_eq(ob->calls, 0);
	ck_assert_msg(strstr(err, "another mailer's claim holds 2 invoices") != NULL, "%s", err);
	ck_assert_int_eq(undigested(), 2);
	ids[0] = c.rows[0].id;
	ids[1] = c.rows[1].id;
	store_digest_rows_free(c.rows, c.n);
	ck_assert_msg(store_digest_release(other, ids, 2, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(mailer_digest(conf, st, ob, 1767300000, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ob->sent, 1);
	ck_assert_int_eq(undigested(), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM invoices WHERE digest_claimed_until IS NOT NULL"), 0);
	store_close(other);
	outbox_free(ob);
}
END_TEST

/* A claim is a lease: it holds until its end, then passes to the next claim; a claim
 * of what lapsed claims left takes those rows and not an invoice flagged since; a claim
 * for a slot (a digest-time) takes nothing once a digest went out at or after it. */
START_TEST(test_claim_lease)
{
	struct store *other = another();
	struct store_digest_claim c;
	char err[512] = "";
	long long ids[2];

	add("RL-1", "Acme Ltd", "100.00", 1);
	add("RL-2", "Beta Ltd", "50.00", 2);
	ck_assert_msg(store_digest_claim(st, 1000, 10, 0, 0, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_uint_eq(c.rows[1].flagged, 0);
	store_digest_rows_free(c.rows, c.n);
	/* within the lease: held, nothing claimed (nor by a claim of lapsed ones) */
	ck_assert_int_eq(store_digest_claim(other, 1009, 10, 0, 0, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(c.held, 2);
	ck_assert_int_eq(c.held_until, 1010);
	add("RL-3", "Gamma Ltd", "1.00", 1);		/* flagged during the lease */
	ck_assert_int_eq(store_digest_claim(other, 1009, 10, 1, 0, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(c.held, 2);
	/* the lease over (the claimer died): the lapsed rows pass, the new one stays */
	ck_assert_int_eq(store_digest_claim(other, 1010, 10, 1, 0, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.held, 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.rows[0].number, "RL-1");
	ck_assert_str_eq(c.rows[1].number, "RL-2");
	ids[0] = c.rows[0].id;
	ids[1] = c.rows[1].id;
	store_digest_rows_free(c.rows, c.n);
	/* the new claim holds all of the digest off, RL-3 included */
	ck_assert_int_eq(store_digest_claim(st, 1015, 10, 0, 0, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(c.held, 2);
	ck_assert_int_eq(c.held_until, 1020);
	/* marked: the claim ends; what is left is RL-3, never claimed */
	ck_assert_msg(store_digest_mark(other, ids, 2, 1767300000, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(store_digest_claim(st, 1015, 10, 1, 0, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_uint_eq(c.held, 0);
	/* a digest went out at or after the slot asked for: nothing claimed */
	ck_assert_int_eq(store_digest_claim(st, 1015, 10, 0, 1767300000, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.slot_sent, 1);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_int_eq(store_digest_claim(st, 1015, 10, 0, 1767300001, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.slot_sent, 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_str_eq(c.rows[0].number, "RL-3");
	ck_assert_int_eq(c.since, 1767300000);
	store_digest_rows_free(c.rows, c.n);
	store_close(other);
}
END_TEST

static Suite *
digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_two_runs);
	tcase_add_test(tc, test_warnings_listed);
	tcase_add_test(tc, test_failed_send);
	tcase_add_test(tc, test_dry_run);
	tcase_add_test(tc, test_no_finance_address);
	tcase_add_test(tc, test_since_last);
	tcase_add_test(tc, test_console_links);
	tcase_add_test(tc, test_claim_held);
	tcase_add_test(tc, test_claim_lease);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return test_run(digest_suite());
}

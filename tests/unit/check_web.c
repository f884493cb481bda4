/*
 * check_web.c - the finance console's pure code: HTML escaping (lib/html.c) and every
 * page of web/pages.c rendered with hostile values in every cell; password hashes and
 * rules (lib/passwd.c); session tokens, cookies, idle timeout and roles
 * (lib/web_session.c); CSRF checks (lib/web_csrf.c); form, id, date and path parsing
 * (lib/web_form.c); queue ids and the MTA's commands (lib/mta.c); and the privileged
 * side's refusals (web/priv.c) against a real hold directory and store (an SQLite file,
 * or with POSTGRESQL_URI a schema of its own on that server: test_db.h;
 * tests/pg/suites.sh runs the suite there too).
 *
 * Independent references: SHA-256 test vectors of FIPS 180-2, Python's crypt module
 * for the yescrypt hash format, the HTML5 rule that text and quoted attribute values
 * cannot be left while & < > " ' are references.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/html.h"
#include "invoice/inv_explain.h"
#include "invoice/inv_figures.h"
#include "util/log.h"
#include "compose/mta.h"
#include "util/passwd.h"
#include "store/store_audit.h"
#include "store/store_invoice.h"
#include "store/store_user.h"
#include "../../web/web.h"
#include "console/web_csrf.h"
#include "console/web_form.h"
#include "console/web_session.h"
#include "util/xalloc.h"
#include "../../web/priv.h"
#include "test_db.h"
#include "test_files.h"
#include "test_run.h"
#include "test_text.h"

#define HOSTILE "<script>alert(1)</script>\"'&x<img src=x onerror=alert(2)>"

/* --- escaping --- */

START_TEST(test_html_escape)
{
	char *e = html_escape("<a href=\"x\">&'</a>");

	ck_assert_str_eq(e, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
	free(e);
	e = html_escape(NULL);
	ck_assert_str_eq(e, "");
	free(e);
	e = html_escape("Müller & Söhne");
	ck_assert_str_eq(e, "Müller &amp; Söhne");
	free(e);
	for (int c = 1; c < 256; c++)
		ck_assert((html_entity((unsigned char) c) != NULL) == (strchr("&<>\"'", c) != NULL));
}
END_TEST

START_TEST(test_html_buf)
{
	struct buf b = { 0 };
	size_t len;
	char *s;

	buf_adds(&b, "<p>");
	html_text(&b, "a<b");
	buf_printf(&b, "</p>%d", 42);
	s = buf_steal(&b, &len);
	ck_assert_str_eq(s, "<p>a&lt;b</p>42");
	ck_assert_uint_eq(len, strlen(s));
	ck_assert_ptr_null(b.data);
	free(s);
}
END_TEST

/* rows - n rows of ncol cells, each HOSTILE (numeric columns in nums get "7") */
static void
rows(struct store_rows *r, size_t n, size_t ncol, const int *nums, size_t nnums)
{
	r->n = n;
	r->ncol = ncol;
	r->cell = xcalloc(n * ncol, sizeof(char *));
	for (size_t i = 0; i < n * ncol; i++) {
		int num = 0;
		for (size_t k = 0; k < nnums; k++)
			num |= (size_t) nums[k] == i % ncol;
		r->cell[i] = xstrdup(num ? "7" : HOSTILE);
	}
}

/* assert_inert - the page holds the hostile value only escaped */
static void
assert_inert(struct web_page *p, const char *which)
{
	char *s = buf_steal(&p->body, NULL);

	ck_assert_msg(strstr(s, "<script") == NULL, "%s: a raw <script", which);
	ck_assert_msg(strstr(s, "<img") == NULL, "%s: a raw <img", which);
	ck_assert_msg(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;x") != NULL,
	    "%s: the value is not there escaped", which);
	free(s);
}

START_TEST(test_pages_escape_every_value)
{
	struct web_ctx ctx = { .hold_lifetime = 5 * 86400 };
	struct ps_conf *conf = conf_defaults();
	struct web_user u = { .name = xstrdup(HOSTILE), .role = WEB_ROLE_ADMIN, .csrf = xstrdup(HOSTILE) };
	struct console_invoice ci = { 0 };
	struct console_filter f = { .state = CONSOLE_HELD, .number = HOSTILE, .from = 86400, .to = 3 * 86400 };
	struct store_rows r = { 0 }, r2 = { 0 };
	static const int inv_nums[] = { CI_ID, CI_SENT, CI_REVIEWED_AT };
	static const int aud_nums[] = { AUDIT_AT };
	static const int cus_nums[] = { CC_ID, CC_FIRST_SEEN, CC_ONBOARDED, CC_OFFBOARDED, CC_LAST_INVOICE };
	static const int chk_nums[] = { CH_DUE };
	static const int usr_nums[] = { USER_CREATED, USER_CHANGED };
	struct web_page p = { 0 };

	ctx.conf = conf;
	rows(&ci.invoice, 1, CI_REVIEWED_AT + 1, inv_nums, 3);
	free(ci.invoice.cell[CI_ACTION]);
	ci.invoice.cell[CI_ACTION] = xstrdup("hold");	/* held: the action forms too */
	free(ci.invoice.cell[CI_HOLD_STATE]);
	ci.invoice.cell[CI_HOLD_STATE] = NULL;
	rows(&ci.findings, 2, CF_MESSAGE + 1, NULL, 0);
	rows(&ci.lines, 2, CL_DIFFERS + 1, NULL, 0);
	rows(&ci.totals, 2, CT_DIFFERS + 1, NULL, 0);
	rows(&ci.audit, 2, AUDIT_DETAIL + 1, aud_nums, 1);
	page_invoice(&p, &ctx, &u, &ci, HOSTILE, 10 * 86400);
	assert_inert(&p, "invoice");
	page_discard_confirm(&p, &u, &ci);
	assert_inert(&p, "discard");
	page_invoices(&p, &ctx, &u, &f, &ci.invoice, 1, 10 * 86400);
	assert_inert(&p, "invoices");
	page_message(&p, 400, HOSTILE, HOSTILE, &u);
	assert_inert(&p, "message");
	page_login(&p, 401, HOSTILE, HOSTILE);
	assert_inert(&p, "login");
	rows(&r, 3, CC_RENEWAL + 1, cus_nums, 5);
	page_customers(&p, &u, &r, 1, 1);
	assert_inert(&p, "customers");
	rows(&r2, 3, CH_ERROR + 1, chk_nums, 1);
	page_customer(&p, &u, &r, &r2);
	assert_inert(&p, "customer");
	store_rows_clear(&r);
	rows(&r, 2, USER_CHANGED + 1, usr_nums, 2);
	page_users(&p, &u, &r);
	assert_inert(&p, "users");
	store_rows_clear(&r);
	store_rows_clear(&r2);
	console_invoice_clear(&ci);
	free(u.name);
	free(u.csrf);
	conf_free(conf);
}
END_TEST

START_TEST(test_pages_mark_differing_and_warn)
{
	struct ps_conf *conf = conf_defaults();
	struct web_ctx ctx = { .conf = conf, .hold_lifetime = 5 * 86400 };
	struct web_user u = { .name = "clerk", .role = WEB_ROLE_FINANCE, .csrf = "c" };
	struct console_invoice ci = { 0 };
	struct console_filter f = { .state = CONSOLE_ALL };
	struct web_page p = { 0 };
	char *s;

	rows(&ci.invoice, 1, CI_REVIEWED_AT + 1, (const int[]){ CI_ID, CI_SENT }, 2);
	free(ci.invoice.cell[CI_ACTION]);
	ci.invoice.cell[CI_ACTION] = xstrdup("hold");
	free(ci.invoice.cell[CI_HOLD_STATE]);
	ci.invoice.cell[CI_HOLD_STATE] = NULL;
	free(ci.invoice.cell[CI_SENT]);
	ci.invoice.cell[CI_SENT] = xstrdup("0");
	rows(&ci.totals, 1, CT_DIFFERS + 1, NULL, 0);
	free(ci.totals.cell[CT_DIFFERS]);
	ci.totals.cell[CT_DIFFERS] = xstrdup("1");
	/* 4.5 days of a 5-day maximal_queue_lifetime: warned */
	page_invoices(&p, &ctx, &u, &f, &ci.invoice, 0, 4 * 86400 + 43200);
	s = buf_steal(&p.body, NULL);
	test_has(s, "class=\"warn\">4d 12h: expires in 12h 0m", "<tr class=\"held\">", NULL);
	free(s);
	page_invoice(&p, &ctx, &u, &ci, NULL, 86400);
	s = buf_steal(&p.body, NULL);
	test_has(s, "<tr class=\"differs\">", "id=\"release\"", "name=\"csrf\" value=\"c\"",
	    NULL);
	free(s);
	console_invoice_clear(&ci);
	conf_free(conf);
}
END_TEST

START_TEST(test_rule_explain)
{
	ck_assert_ptr_nonnull(strstr(inv_rule_explain("BR-CO-16"), "amount due"));
	ck_assert_ptr_nonnull(strstr(inv_rule_explain("BR-S-08"), "EN 16931"));
	ck_assert_ptr_nonnull(strstr(inv_rule_explain("PS-IBAN-UNKNOWN"), "bank account"));
	ck_assert_ptr_nonnull(inv_rule_explain(NULL));
	ck_assert_ptr_nonnull(inv_rule_explain("X"));
}
END_TEST

/* --- the figures the invoice page shows --- */

START_TEST(test_figures_line)
{
	inv_invoice inv = { 0 };
	inv_line l = { 0 };
	inv_allowance_charge ac[2] = { { .is_charge = 0, .has_amount = 1 }, { .is_charge = 1, .has_amount = 1 } };
	struct inv_fig_line f;

	/* the official example 2's first line: 2 x 1273.00 - 12.00 + 12.00 stated as 1273.00
	 * (large enough that 16 decimals overflow) */
	dec_parse("2", &l.quantity), l.has_quantity = 1;
	dec_parse("1273.00", &l.net_price), l.has_net_price = 1;
	dec_parse("1273.00", &l.net_amount), l.has_net_amount = 1;
	dec_parse("12.00", &ac[0].amount);
	dec_parse("12.00", &ac[1].amount);
	l.ac = ac, l.n_ac = 2;
	l.id = "1";
	inv_figures_line(&inv, &l, &f);
	ck_assert_str_eq(f.computed, "2546.00");
	ck_assert_str_eq(f.net, "1273.00");
	ck_assert_int_eq(f.differs, 1);
	dec_parse("2546.00", &l.net_amount);
	inv_figures_line(&inv, &l, &f);
	ck_assert_int_eq(f.differs, 0);
	l.has_net_price = 0;
	inv_figures_line(&inv, &l, &f);
	ck_assert_str_eq(f.computed, "");
	ck_assert_int_eq(f.differs, 0);
}
END_TEST

/* --- passwords --- */

START_TEST(test_passwd_hash_verify)
{
	char err[256], *h = passwd_hash("correct horse battery", err, sizeof(err)), *h2;

	ck_assert_msg(h != NULL, "%s", err);
	ck_assert_msg(strncmp(h, "$y$", 3) == 0, "not yescrypt: %s", h);
	ck_assert_ptr_null(strstr(h, "correct"));
	ck_assert_int_eq(passwd_verify("correct horse battery", h), 1);
	ck_assert_int_eq(passwd_verify("correct horse batterY", h), 0);
	ck_assert_int_eq(passwd_verify("", h), 0);
	ck_assert_int_eq(passwd_verify("correct horse battery", NULL), 0);
	ck_assert_int_eq(passwd_verify("correct horse battery", "plain"), 0);
	ck_assert_int_eq(passwd_verify("x", "*0"), 0);
	h2 = passwd_hash("correct horse battery", err, sizeof(err));
	ck_assert_str_ne(h, h2);	/* a fresh salt each time */
	free(h);
	free(h2);
	/* a hash made by another implementation (Python's crypt, libxcrypt's setting) */
	ck_assert_int_eq(passwd_verify("x", "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$6foLM1JhGupouWKMU70wxK61Kw9ZnecbACjJwRadqM2"), 1);
}
END_TEST

START_TEST(test_passwd_rules)
{
	char why[128], big[PASSWD_MAX_LEN + 2];

	ck_assert_int_eq(passwd_acceptable("short", why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "too short"));
	ck_assert_int_eq(passwd_acceptable("long enough!", why, sizeof(why)), 0);
	ck_assert_int_eq(passwd_acceptable("with a\ttab ok?", why, sizeof(why)), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(passwd_acceptable(big, why, sizeof(why)), -1);
	ck_assert_int_eq(passwd_name_valid("alice"), 1);
	ck_assert_int_eq(passwd_name_valid("a.b-c_d@example.com"), 1);
	ck_assert_int_eq(passwd_name_valid(""), 0);
	ck_assert_int_eq(passwd_name_valid("Alice"), 0);
	ck_assert_int_eq(passwd_name_valid("-x"), 0);
	ck_assert_int_eq(passwd_name_valid("a b"), 0);
	ck_assert_int_eq(passwd_name_valid("a<b"), 0);
	ck_assert_int_eq(passwd_equal("abc", "abc"), 1);
	ck_assert_int_eq(passwd_equal("abc", "abd"), 0);
	ck_assert_int_eq(passwd_equal("abc", "abcd"), 0);
	ck_assert_int_eq(passwd_equal("", ""), 1);
}
END_TEST

/* --- sessions --- */

START_TEST(test_tokens)
{
	char a[WEB_TOKEN_LEN + 1], b[WEB_TOKEN_LEN + 1], h[WEB_TOKEN_LEN + 1];

	ck_assert_int_eq(web_token_new(a), 0);
	ck_assert_int_eq(web_token_new(b), 0);
	ck_assert_uint_eq(strlen(a), 64);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(web_token_valid(a), 1);
	ck_assert_int_eq(web_token_valid("abc"), 0);
	a[3] = 'G';
	ck_assert_int_eq(web_token_valid(a), 0);
	ck_assert_int_eq(web_token_valid(NULL), 0);
	/* FIPS 180-2, appendix B.1: SHA-256("abc") */
	web_token_hash("abc", h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_cookie)
{
	char *c = web_session_cookie("t0k", 0);

	ck_assert_str_eq(c, "postsale_session=t0k; Path=/; HttpOnly; SameSite=Strict");
	free(c);
	c = web_session_cookie("t0k", 1);
	test_has(c, "; Secure", "HttpOnly", "SameSite=Strict", NULL);
	free(c);
	c = web_session_cookie(NULL, 0);
	ck_assert_ptr_nonnull(strstr(c, "Max-Age=0"));
	free(c);
	c = web_cookie(WEB_LOGIN_COOKIE, "abc", 1);
	ck_assert_str_eq(c, "postsale_login=abc; Path=/; HttpOnly; SameSite=Strict; Secure");
	free(c);
}
END_TEST

START_TEST(test_idle_and_roles)
{
	ck_assert_int_eq(web_session_expired(1000, 1000 + 1800, 1800000), 0);
	ck_assert_int_eq(web_session_expired(1000, 1000 + 1801, 1800000), 1);
	ck_assert_int_eq(web_session_expired(1000, 999, 1800000), 1);	/* from the future */
	ck_assert_int_eq(web_role_parse("finance"), WEB_ROLE_FINANCE);
	ck_assert_int_eq(web_role_parse("manager"), WEB_ROLE_MANAGER);
	ck_assert_int_eq(web_role_parse("admin"), WEB_ROLE_ADMIN);
	ck_assert_int_eq(web_role_parse("root"), WEB_ROLE_NONE);
	ck_assert_int_eq(web_role_parse(NULL), WEB_ROLE_NONE);
	ck_assert_int_eq(web_role_may(WEB_ROLE_FINANCE, WEB_RIGHT_INVOICES), 1);
	ck_assert_int_eq(web_role_may(WEB_ROLE_FINANCE, WEB_RIGHT_CUSTOMERS), 0);
	ck_assert_int_eq(web_role_may(WEB_ROLE_MANAGER, WEB_RIGHT_INVOICES), 0);
	ck_assert_int_eq(web_role_may(WEB_ROLE_MANAGER, WEB_RIGHT_CUSTOMERS), 1);
	ck_assert_int_eq(web_role_may(WEB_ROLE_ADMIN, WEB_RIGHT_INVOICES), 1);
	ck_assert_int_eq(web_role_may(WEB_ROLE_ADMIN, WEB_RIGHT_CUSTOMERS), 1);
	ck_assert_int_eq(web_role_may(WEB_ROLE_ADMIN, WEB_RIGHT_USERS), 1);
	ck_assert_int_eq(web_role_may(WEB_ROLE_FINANCE, WEB_RIGHT_USERS), 0);
	ck_assert_int_eq(web_role_may(WEB_ROLE_NONE, WEB_RIGHT_INVOICES), 0);
}
END_TEST

START_TEST(test_csrf)
{
	char t[WEB_TOKEN_LEN + 1], other[WEB_TOKEN_LEN + 1];

	web_token_new(t);
	web_token_new(other);
	ck_assert_int_eq(web_csrf_check(t, t), 1);
	ck_assert_int_eq(web_csrf_check(t, other), 0);
	ck_assert_int_eq(web_csrf_check(t, NULL), 0);
	ck_assert_int_eq(web_csrf_check(t, ""), 0);
	ck_assert_int_eq(web_csrf_check(NULL, t), 0);
	ck_assert_int_eq(web_csrf_check("", ""), 0);
	t[63] = '\0';
	ck_assert_int_eq(web_csrf_check(t, t), 0);	/* not a token */
}
END_TEST

/* --- request parsing --- */

START_TEST(test_form_parse)
{
	struct web_form f;
	char err[128];
	const char *body = "user=alice&password=a+b%26c%3D&csrf=&note=M%C3%BCller";

	ck_assert_int_eq(web_form_parse(body, strlen(body), &f, err, sizeof(err)), 0);
	ck_assert_str_eq(web_form_get(&f, "user"), "alice");
	ck_assert_str_eq(web_form_get(&f, "password"), "a b&c=");
	ck_assert_str_eq(web_form_get(&f, "csrf"), "");
	ck_assert_str_eq(web_form_get(&f, "note"), "Müller");
	ck_assert_ptr_null(web_form_get(&f, "nothing"));
	web_form_clear(&f);
	ck_assert_int_eq(web_form_parse("", 0, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_int_eq(web_form_parse("a=1&&b=2&", 9, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.n, 2);
	web_form_clear(&f);
}
END_TEST

START_TEST(test_form_refuses)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%zz", "a", "=1", "a=1&a=2", "a=%00", "a=%C3%28", "a=%ED%A0%80",
		"a=%01", "a=%C0%AF",
	};
	struct web_form f;
	char err[128], big[WEB_FORM_MAX_BODY + 2], many[1024] = "";

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(web_form_parse(bad[i], strlen(bad[i]), &f, err, sizeof(err)) == -1, "%s", bad[i]);
		ck_assert_uint_eq(f.n, 0);
	}
	ck_assert_int_eq(web_form_parse("a=1\0b", 5, &f, err, sizeof(err)), -1);
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(web_form_parse(big, sizeof(big), &f, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "larger"));
	for (int i = 0; i <= WEB_FORM_MAX_FIELDS; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "k%d=v&", i);
	ck_assert_int_eq(web_form_parse(many, strlen(many), &f, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than"));
}
END_TEST

START_TEST(test_ids_dates_paths)
{
	long long id;
	time_t t;
	const char *rest;
	char *e;

	ck_assert_int_eq(web_parse_id("42", &id), 0);
	ck_assert_int_eq(id, 42);
	ck_assert_int_eq(web_parse_id("0", &id), -1);
	ck_assert_int_eq(web_parse_id("042", &id), -1);
	ck_assert_int_eq(web_parse_id("-1", &id), -1);
	ck_assert_int_eq(web_parse_id("1e3", &id), -1);
	ck_assert_int_eq(web_parse_id("9999999999999999999", &id), -1);
	ck_assert_int_eq(web_parse_id("", &id), -1);
	ck_assert_int_eq(web_parse_date("2026-03-01", &t), 0);
	ck_assert_int_eq((long long) t, 1772323200LL);
	ck_assert_int_eq(web_parse_date("2024-02-29", &t), 0);
	ck_assert_int_eq(web_parse_date("2026-02-29", &t), -1);
	ck_assert_int_eq(web_parse_date("2026-13-01", &t), -1);
	ck_assert_int_eq(web_parse_date("2026-1-01", &t), -1);
	ck_assert_int_eq(web_parse_date("20260301", &t), -1);
	ck_assert_int_eq(web_path_id("/invoice/12/release", "/invoice/", &id, &rest), 0);
	ck_assert_int_eq(id, 12);
	ck_assert_str_eq(rest, "/release");
	ck_assert_int_eq(web_path_id("/invoice/12", "/invoice/", &id, &rest), 0);
	ck_assert_str_eq(rest, "");
	ck_assert_int_eq(web_path_id("/invoice/", "/invoice/", &id, &rest), -1);
	ck_assert_int_eq(web_path_id("/invoice/x", "/invoice/", &id, &rest), -1);
	ck_assert_int_eq(web_path_id("/invoice/99999999999999999999", "/invoice/", &id, &rest), -1);
	ck_assert_int_eq(web_path_id("/customer/1", "/invoice/", &id, &rest), -1);
	e = web_url_encode("a b&c=d/é~");
	ck_assert_str_eq(e, "a%20b%26c%3Dd%2F%C3%A9~");
	free(e);
	ck_assert_int_eq(web_utf8_valid("ok\tfine\r\n", 9), 1);
	ck_assert_int_eq(web_utf8_valid("\x1b[31m", 5), 0);
}
END_TEST

/* --- the MTA --- */

START_TEST(test_queue_ids)
{
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "4F2A3B1C0D"), 1);
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "ABCDEF"), 1);
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "ABCDE"), 0);
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "4f2a3b1c0d"), 0);	/* short ids are upper case */
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "3h2ZhR0QnWz1wq"), 1);	/* long id */
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "3h2ZhR0QnWa1wq"), 0);	/* a vowel */
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "3h2ZhR0QnW1wqz"), 0);	/* z last */
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "../../etc/passwd"), 0);
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "ABCDEF -d ALL"), 0);
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, "ALL"), 0);
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, ""), 0);
	ck_assert_int_eq(mta_queue_id_valid(MTA_POSTFIX, NULL), 0);
	ck_assert_int_eq(mta_queue_id_valid(MTA_SENDMAIL, "v1AB2c3D012345"), 1);
	ck_assert_int_eq(mta_queue_id_valid(MTA_SENDMAIL, "v1AB2c3D/12345"), 0);
}
END_TEST

START_TEST(test_mta_argv)
{
	const char *argv[MTA_ARGV_MAX];
	char buf[64], why[128], *p;
	struct mta_paths paths = { "/usr/sbin/postsuper", "/etc/postfix", "/usr/sbin/sendmail" };

	ck_assert_int_eq(mta_argv(MTA_POSTFIX, &paths, MTA_RELEASE, "4F2A3B1C0D", argv, buf, sizeof(buf), why, sizeof(why)), 0);
	ck_assert_str_eq(argv[0], "/usr/sbin/postsuper");
	ck_assert_str_eq(argv[1], "-c");
	ck_assert_str_eq(argv[2], "/etc/postfix");
	ck_assert_str_eq(argv[3], "-H");
	ck_assert_str_eq(argv[4], "4F2A3B1C0D");
	ck_assert_ptr_null(argv[5]);
	ck_assert_int_eq(mta_argv(MTA_POSTFIX, &paths, MTA_DISCARD, "4F2A3B1C0D", argv, buf, sizeof(buf), why, sizeof(why)), 0);
	ck_assert_str_eq(argv[3], "-d");
	ck_assert_int_eq(mta_argv(MTA_POSTFIX, &paths, MTA_DISCARD, "ALL", argv, buf, sizeof(buf), why, sizeof(why)), -1);
	ck_assert_int_eq(mta_argv(MTA_SENDMAIL, &paths, MTA_RELEASE, "v1AB2c3D012345", argv, buf, sizeof(buf), why, sizeof(why)), 0);
	ck_assert_str_eq(argv[0], "/usr/sbin/sendmail");
	ck_assert_str_eq(argv[1], "-qQ");
	ck_assert_str_eq(argv[2], "-Q");
	ck_assert_str_eq(argv[3], "-qIv1AB2c3D012345");
	ck_assert_ptr_null(argv[4]);
	ck_assert_int_eq(mta_argv(MTA_SENDMAIL, &paths, MTA_DISCARD, "v1AB2c3D012345", argv, buf, sizeof(buf), why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "not offered"));
	p = mta_hold_path(MTA_POSTFIX, "/var/spool/postfix", "4F2A3B1C0D");
	ck_assert_str_eq(p, "/var/spool/postfix/hold/4F2A3B1C0D");
	free(p);
	p = mta_hold_path(MTA_SENDMAIL, "/var/spool/mqueue", "v1AB2c3D012345");
	ck_assert_str_eq(p, "/var/spool/mqueue/hfv1AB2c3D012345");
	free(p);
}
END_TEST

/* --- the privileged side's refusals, with a real hold directory and store --- */

START_TEST(test_priv_refuses)
{
	char dir[] = "/tmp/check_web.XXXXXX", path[256], err[256], reply[PRIV_MSG_MAX];
	char target[1024];
	struct ps_conf *conf = conf_defaults();
	struct priv_conf pc = { .conf = conf, .kind = MTA_POSTFIX, .uid = getuid(), .gid = getgid() };
	struct store *st;
	static const struct {
		const char *req, *want;
	} cases[] = {
		{"release", "refused: not a request"},
		{"reboot now", "refused: not a request"},
		{"release  ABCDEF1234", "refused: not a queue id"},
		{"release ../hold/ABCDEF1234", "refused: not a queue id"},
		{"discard ALL", "refused: not a queue id"},
		{"release ABCDEF9999", "refused: ABCDEF9999 is not in the hold queue"},
		{"release ABCDEF1234", "refused: the journal holds no held invoice with this queue id"},
		{"discard ABCDEF1234", "refused: the journal holds no held invoice with this queue id"},
	};

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/hold", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	/* ABCDEF1234 is in the hold queue, but the journal has no invoice with that id */
	test_write(path, "ABCDEF1234", "x");
	pc.queue_dir = dir;
	free(conf->database);
	/* an SQLite file, or a schema of its own on POSTGRESQL_URI's server (test_db.h) */
	ck_assert_ptr_nonnull(test_db_target(target, sizeof(target), dir, "postsale.db"));
	conf->database = xstrdup(target);
	st = store_open(conf->database, 1000, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	store_close(st);
	log_open("check_web", LOG_MAIL, 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		priv_answer(&pc, cases[i].req, strlen(cases[i].req), reply, sizeof(reply));
		ck_assert_msg(strncmp(reply, cases[i].want, strlen(cases[i].want)) == 0, "%s: %s",
		    cases[i].req, reply);
	}
	priv_answer(&pc, "release ABC\0EF1234", 18, reply, sizeof(reply));
	ck_assert_str_eq(reply, "refused: not a request this side answers");
	ck_assert_int_eq(test_rmtree(dir), 0);
	conf_free(conf);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_html_escape), TEST_ONCE(test_html_buf),
		TEST_ONCE(test_pages_escape_every_value),
		TEST_ONCE(test_pages_mark_differing_and_warn), TEST_ONCE(test_rule_explain),
		TEST_ONCE(test_figures_line), TEST_ONCE(test_passwd_hash_verify),
		TEST_ONCE(test_passwd_rules), TEST_ONCE(test_tokens), TEST_ONCE(test_cookie),
		TEST_ONCE(test_idle_and_roles), TEST_ONCE(test_csrf),
		TEST_ONCE(test_form_parse), TEST_ONCE(test_form_refuses),
		TEST_ONCE(test_ids_dates_paths), TEST_ONCE(test_queue_ids),
		TEST_ONCE(test_mta_argv), TEST_ONCE(test_priv_refuses),
	};

	return test_main("web", 30, tests, TEST_COUNT(tests));
}

/*
 * check_filter.c - the per-message pipeline without a store: what it decides and the
 * edits it lists, and those edits applied to bytes as libmilter would.
 *
 * The invoice cases use the official EN 16931 example ubl-tc434-example2.xml, whose
 * official verdict is CLEAN (ORACLE-xml.tsv); altering BT-115 by 0.01 must fire BR-CO-16
 * (amount due = BT-112 1801.78 - BT-113 1000.00 + BT-114 0 = 801.78, by the rule's
 * text). They are skipped with a message where the corpus is absent.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter/filter.h"
#include "util/xalloc.h"
#include "invoice/xmlsafe.h"

static char *invoice_xml;		/* the corpus file, or NULL */

/* make_msg - an outbound message from alice@example.com to rcpt with the given bytes */
static struct ps_msg *
make_msg(const char *bytes, const char *rcpt)
{
	struct ps_msg *m = msg_new(0);

	ck_assert_int_eq(msg_load_bytes(m, bytes, strlen(bytes)), 0);
	msg_set_sender(m, "<alice@example.com>");
	msg_add_rcpt(m, rcpt, 1);
	m->origin_internal = 1;
	return m;
}

/* make_conf - defaults, example.com local, no notes (no templates needed) */
static struct ps_conf *
make_conf(enum conf_action on_error_finding)
{
	struct ps_conf *c = conf_defaults();
	char *v[] = {"example.com"};

	c->local_domains.v = xcalloc(1, sizeof(char *));
	c->local_domains.v[0] = xstrdup(v[0]);
	c->local_domains.n = 1;
	c->note_invoices = c->note_onboarding = 0;
	c->invoice_action_error = on_error_finding;
	return c;
}

/* run - filter m with conf, no store; res is the caller's to clear */
static void
run(struct ps_conf *conf, struct ps_msg *m, struct filter_result *res)
{
	char err[512];
	struct filter_ctx *fc = filter_ctx_new(conf, err, sizeof(err));

	ck_assert_msg(fc != NULL, "%s", err);
	memset(res, 0, sizeof(*res));
	ck_assert_int_eq(filter_run(fc, NULL, FILTER_STORE_NONE, m, 1795910400, res), 0);
	filter_ctx_free(fc);
}

/* invoice_mail - a message carrying the corpus invoice (BT-115 replaced by payable) */
static char *
invoice_mail(const char *payable)
{
	char *xml = xstrdup(invoice_xml), *p, *mail;

	if (payable != NULL) {
		p = strstr(xml, ">801.78</cbc:PayableAmount>");
		ck_assert_ptr_nonnull(p);
		memcpy(p + 1, payable, 6);
	}
	mail = xasprintf("From: Alice <alice@example.com>\r\nTo: John <john@buyercompany.no>\r\n"
	    "Subject: Your invoice\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nPlease find it attached.\r\n"
	    "--b\r\nContent-Type: application/xml\r\nContent-Disposition: attachment; filename=\"i.xml\"\r\n\r\n"
	    "%s\r\n--b--\r\n", xml);
	free(xml);
	return mail;
}

START_TEST(test_plain)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	struct ps_msg *m = make_msg("From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n", "<bob@customer.example>");
	struct filter_result res;

	run(conf, m, &res);
	ck_assert_int_eq(res.is_invoice, 0);
	ck_assert_uint_eq(res.nhdrs, 0);		/* nothing to change */
	ck_assert_ptr_null(res.body);
	ck_assert_int_eq(res.onboard.kind, ONBOARD_NONE);
	filter_result_clear(&res);
	msg_free(m);
	conf_free(conf);
}
END_TEST

START_TEST(test_spoofed_headers_removed)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	struct ps_msg *m = make_msg("X-Postsale-Invoice: ok\r\nFrom: a@example.com\r\n"
	    "x-postsale-invoice: ok; number=FAKE\r\n\r\nhello\r\n", "<bob@customer.example>");
	struct filter_result res;

	run(conf, m, &res);
	/* both, from the last to the first, so that indexes stay right either way */
	ck_assert_uint_eq(res.nhdrs, 2);
	ck_assert_int_eq(res.hdrs[0].op, FILTER_HDR_DELETE);
	ck_assert_int_eq(res.hdrs[0].index, 2);
	ck_assert_int_eq(res.hdrs[1].op, FILTER_HDR_DELETE);
	ck_assert_int_eq(res.hdrs[1].index, 1);
	filter_result_clear(&res);
	msg_free(m);
	conf_free(conf);
}
END_TEST

START_TEST(test_clean_invoice)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail(NULL);
	struct ps_msg *m = make_msg(mail, "<john@buyercompany.no>");
	struct filter_result res;

	run(conf, m, &res);
	ck_assert_int_eq(res.is_invoice, 1);
	ck_assert_uint_eq(res.ninv, 1);
	ck_assert_str_eq(res.inv[0].verdict, "ok");
	ck_assert_int_eq(res.flagged, 0);
	ck_assert_int_eq(res.action, CONF_ACTION_TAG);
	ck_assert_ptr_null(res.reason);
	ck_assert_uint_eq(res.nhdrs, 1);
	ck_assert_int_eq(res.hdrs[0].op, FILTER_HDR_ADD);
	ck_assert_str_eq(res.hdrs[0].name, "X-Postsale-Invoice");
	/* the official example's first line states 2 x 1273.00 = 1273.00, which EN 16931
	 * accepts: postsale's own PS-LINE-NET is a warning, tagged, never a hold */
	ck_assert_str_eq(res.hdrs[0].value, "ok; number=TOSL108; findings=PS-LINE-NET");
	ck_assert_int_eq(res.inv[0].findings->v[0].severity, INV_SEV_WARNING);
	filter_result_clear(&res);
	msg_free(m);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_altered_invoice)
{
	static const enum conf_action actions[] = {CONF_ACTION_HOLD, CONF_ACTION_REJECT};
	static const char *const reasons[] = {
		"postsale: held for finance review: invoice TOSL108 (BR-CO-16, PS-LINE-NET)",
		"postsale: not sent, finance must review invoice TOSL108 (BR-CO-16, PS-LINE-NET)",
	};

	for (size_t i = 0; i < 2; i++) {
		struct ps_conf *conf = make_conf(actions[i]);
		char *mail = invoice_mail("801.79");
		struct ps_msg *m = make_msg(mail, "<john@buyercompany.no>");
		struct filter_result res;

		run(conf, m, &res);
		ck_assert_str_eq(res.inv[0].verdict, "flagged");
		ck_assert_int_eq(inv_findings_has(res.inv[0].findings, "BR-CO-16"), 1);
		ck_assert_uint_eq(res.inv[0].findings->n, 2);	/* and the line warning */
		ck_assert_int_eq(res.action, actions[i]);
		ck_assert_str_eq(res.reason, reasons[i]);
		ck_assert_str_eq(res.hdrs[0].value, "flagged; number=TOSL108; findings=BR-CO-16,PS-LINE-NET");
		filter_result_clear(&res);
		msg_free(m);
		free(mail);
		conf_free(conf);
	}
}
END_TEST

START_TEST(test_misdirected_copy_to_finance)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_TAG);
	char *mail = invoice_mail(NULL);
	struct ps_msg *m = make_msg(mail, "<someone@partner.example>");
	struct filter_result res;

	free(conf->finance_address);
	conf->finance_address = xstrdup("finance@example.com");
	conf->finance_copy = 1;
	/* by default postsale's own rules are warnings: tagged, no copy to finance */
	run(conf, m, &res);
	ck_assert_int_eq(inv_findings_has(res.inv[0].findings, "PS-MAIL-RECIPIENT"), 1);
	ck_assert_int_eq(res.flagged, 0);
	ck_assert_uint_eq(res.nadd_rcpts, 0);
	filter_result_clear(&res);
	/* error-rules names it: flagged, and finance gets its copy */
	conf->error_rules.v = xcalloc(2, sizeof(char *));
	conf->error_rules.v[0] = xstrdup("PS-MAIL-RECIPIENT");
	conf->error_rules.n = 1;
	run(conf, m, &res);
	ck_assert_int_eq(res.flagged, 1);
	ck_assert_uint_eq(res.nadd_rcpts, 1);
	ck_assert_str_eq(res.add_rcpts[0], "<finance@example.com>");
	filter_result_clear(&res);
	msg_free(m);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_apply_bytes)
{
	struct ps_msg *m = msg_new(0);
	static const char in[] = "A: 1\r\nX-P: a\r\n  folded\r\nB: 2\r\nX-P: b\r\n\r\nbody\r\n";
	struct filter_hdr hdrs[] = {
		{FILTER_HDR_DELETE, "X-P", 2, NULL},
		{FILTER_HDR_DELETE, "X-P", 1, NULL},
		{FILTER_HDR_CHANGE, "B", 1, "3"},
		{FILTER_HDR_ADD, "X-P", 0, "new"},
	};
	struct filter_result res = {.hdrs = hdrs, .nhdrs = 4};
	size_t len;
	char *out, *text;

	ck_assert_int_eq(msg_load_bytes(m, in, strlen(in)), 0);
	out = filter_apply_bytes(m, &res, &len);
	text = xmemdup(out, len);
	/* the folded X-P goes whole; additions go last, as smfi_addheader puts them */
	ck_assert_str_eq(text, "A: 1\r\nB: 3\r\nX-P: new\r\n\r\nbody\r\n");
	free(text);
	free(out);
	res.body = "new body\r\n";
	res.body_len = strlen(res.body);
	out = filter_apply_bytes(m, &res, &len);
	text = xmemdup(out, len);
	ck_assert_str_eq(text, "A: 1\r\nB: 3\r\nX-P: new\r\n\r\nnew body\r\n");
	free(text);
	free(out);
	msg_free(m);
}
END_TEST

/* load_invoice - the corpus invoice into invoice_xml, or NULL */
static void
load_invoice(void)
{
	const char *corpus = getenv("POSTSALE_CORPUS");
	char path[1024];
	FILE *fp;
	long n;

	if (corpus == NULL)
		return;
	snprintf(path, sizeof(path), "%s/en16931/ubl-examples/ubl-tc434-example2.xml", corpus);
	if ((fp = fopen(path, "rb")) == NULL)
		return;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	invoice_xml = xmalloc((size_t) n + 1);
	if (fread(invoice_xml, 1, (size_t) n, fp) != (size_t) n)
		abort();
	invoice_xml[n] = '\0';
	fclose(fp);
}

int
main(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");
	SRunner *sr;
	int failed;

	xmlsafe_init();
	load_invoice();
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_spoofed_headers_removed);
	tcase_add_test(tc, test_apply_bytes);
	if (invoice_xml != NULL) {
		tcase_add_test(tc, test_clean_invoice);
		tcase_add_test(tc, test_altered_invoice);
		tcase_add_test(tc, test_misdirected_copy_to_finance);
	} else
		fprintf(stderr, "check_filter: the corpus is absent (POSTSALE_CORPUS): invoice cases skipped\n");
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	free(invoice_xml);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

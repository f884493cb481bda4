/*
 * check_filter.c - the per-message pipeline without a store: what it decides and the
 * edits it lists, those edits applied to bytes as libmilter would, and what it reads
 * and leaves to record through a fake lookup (resends, lookup failures, a store that is
 * not open, customer facts in the note, the journal and journey records, iTIP answers).
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
#include "test_invoice_mail.h"
#include "test_run.h"

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
	ck_assert_int_eq(filter_run(fc, NULL, m, 1795910400, res), 0);
	filter_ctx_free(fc);
}

START_TEST(test_plain)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	struct ps_msg *m = make_msg("From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n", "<bob@customer.example>");
	struct filter_result res;

	run(conf, m, &res);
	ck_assert_int_eq(res.is_invoice, 0);
	ck_assert_uint_eq(res.nhdrs, 0);		/* nothing to change */
	ck_assert_ptr_null(res.note);
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
	ck_assert_int_eq(res.hdrs[0].op, HDR_EDIT_DELETE);
	ck_assert_int_eq(res.hdrs[0].index, 2);
	ck_assert_int_eq(res.hdrs[1].op, HDR_EDIT_DELETE);
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
	ck_assert_int_eq(res.hdrs[0].op, HDR_EDIT_ADD);
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

/*
 * base64_invoice_mail - invoice_mail's invoice (BT-115 replaced by payable) attached
 * base64-encoded in lines of 76, as mailers send it, with a part after it: GMime is
 * spared the lines of the run (lib/mime/mime_parse.c), and the pipeline must see what
 * it sees in the plain attachment. Caller frees.
 */
static char *
base64_invoice_mail(const char *payable)
{
	char *plain = invoice_mail(payable), *xml = strstr(plain, "\r\n\r\n<?xml");
	char *end, *b64, *mail;
	GString *lines = g_string_new(NULL);

	ck_assert_ptr_nonnull(xml);
	xml += 4;
	end = strstr(xml, "\r\n--b--");
	ck_assert_ptr_nonnull(end);
	b64 = g_base64_encode((const guchar *)xml, (gsize)(end - xml));
	for (size_t i = 0, n = strlen(b64); i < n; i += 76) {
		g_string_append_len(lines, b64 + i, (gssize)(n - i < 76 ? n - i : 76));
		g_string_append(lines, "\r\n");
	}
	mail = xasprintf("From: Alice <alice@example.com>\r\nTo: John <john@buyercompany.no>\r\n"
	    "Subject: Your invoice\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nPlease find it attached.\r\n"
	    "--b\r\nContent-Type: application/xml\r\nContent-Transfer-Encoding: base64\r\n"
	    "Content-Disposition: attachment; filename=\"i.xml\"\r\n\r\n%s"
	    "--b\r\nContent-Type: text/plain\r\n\r\nKind regards\r\n--b--\r\n", lines->str);
	g_string_free(lines, TRUE);
	g_free(b64);
	free(plain);
	return mail;
}

START_TEST(test_base64_invoice)
{
	static const char *const payable[] = {NULL, "801.79"};
	static const char *const value[] = {"ok; number=TOSL108; findings=PS-LINE-NET",
		"flagged; number=TOSL108; findings=BR-CO-16,PS-LINE-NET"};

	for (size_t i = 0; i < 2; i++) {
		struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
		char *mail = base64_invoice_mail(payable[i]);
		struct ps_msg *m = make_msg(mail, "<john@buyercompany.no>");
		struct filter_result res;

		ck_assert_uint_gt(strlen(mail), 8000);	/* a run for mime_parse to cut */
		run(conf, m, &res);
		ck_assert_int_eq(res.is_invoice, 1);
		ck_assert_uint_eq(res.ninv, 1);
		ck_assert_str_eq(res.inv[0].verdict, i ? "flagged" : "ok");
		ck_assert_int_eq(res.action, i ? CONF_ACTION_HOLD : CONF_ACTION_TAG);
		ck_assert_str_eq(res.hdrs[0].value, value[i]);
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
	struct hdr_edit hdrs[] = {
		{HDR_EDIT_DELETE, "X-P", 2, NULL},
		{HDR_EDIT_DELETE, "X-P", 1, NULL},
		{HDR_EDIT_CHANGE, "B", 1, "3"},
		{HDR_EDIT_ADD, "X-P", 0, "new"},
	};
	struct filter_edits res = {.hdrs = hdrs, .nhdrs = 4};
	size_t len;
	char *out, *text, body[] = "new body\r\n";

	ck_assert_int_eq(msg_load_bytes(m, in, strlen(in)), 0);
	out = filter_edits_message(m, &res, &len);
	text = xmemdup(out, len);
	/* the folded X-P goes whole; additions go last, as smfi_addheader puts them */
	ck_assert_str_eq(text, "A: 1\r\nB: 3\r\nX-P: new\r\n\r\nbody\r\n");
	free(text);
	free(out);
	res.body = body;
	res.body_len = strlen(body);
	out = filter_edits_message(m, &res, &len);
	text = xmemdup(out, len);
	ck_assert_str_eq(text, "A: 1\r\nB: 3\r\nX-P: new\r\n\r\nnew body\r\n");
	free(text);
	free(out);
	msg_free(m);
}
END_TEST

/* --- through a fake lookup: what the pipeline reads, and what it leaves to record --- */

/* What the fake store knows, and what it was asked. */
struct fake {
	enum filter_seen seen;		/* every invoice's history */
	long long prev;
	const char *fail;		/* resend lookups fail with this, or NULL */
	int known;			/* the customer is known, with cust */
	struct filter_customer cust;
	const char *manager;		/* the check-in of any UID: its manager, or NULL: none */
	int sequence;
	int resend_calls, customer_calls, checkin_calls;
};

static int
fake_resend(void *ctx, const inv_invoice *inv, enum filter_seen *seen, long long *prev_id,
    char *prev_desc, size_t desclen, char *err, size_t errlen)
{
	struct fake *f = ctx;

	(void) inv;
	f->resend_calls++;
	if (f->fail != NULL) {
		snprintf(err, errlen, "%s", f->fail);
		return -1;
	}
	*seen = f->seen;
	*prev_id = f->prev;
	snprintf(prev_desc, desclen, "a total of 1.00 EUR");
	return 0;
}

static int
fake_customer(void *ctx, const char *address, struct filter_customer *out, char *err,
    size_t errlen)
{
	struct fake *f = ctx;

	(void) address, (void) err, (void) errlen;
	f->customer_calls++;
	if (!f->known)
		return 1;
	*out = f->cust;
	return 0;
}

static int
fake_checkin(void *ctx, const char *uid, struct filter_checkin *out, char *err, size_t errlen)
{
	struct fake *f = ctx;

	(void) uid, (void) err, (void) errlen;
	f->checkin_calls++;
	if (f->manager == NULL)
		return 1;
	out->id = 7;
	out->manager = xstrdup(f->manager);
	out->sequence = f->sequence;
	snprintf(out->state, sizeof(out->state), "sent");
	out->due_at = 1795910400 + 86400;
	out->end_at = out->due_at + 1800;
	out->tzid = xstrdup("Europe/Berlin");
	return 0;
}

/* fake_lookup - a lookup over f */
static struct filter_lookup
fake_lookup(struct fake *f, int available, int recording)
{
	struct filter_lookup lk = {
		.ctx = f, .available = available, .recording = recording,
		.resend = fake_resend, .customer = fake_customer, .checkin = fake_checkin,
	};
	return lk;
}

/* run_with - filter m with conf through lk; returns filter_run's status */
static int
run_with(struct ps_conf *conf, const struct filter_lookup *lk, struct ps_msg *m,
    struct filter_result *res)
{
	char err[512];
	struct filter_ctx *fc = filter_ctx_new(conf, err, sizeof(err));
	int rc;

	ck_assert_msg(fc != NULL, "%s", err);
	memset(res, 0, sizeof(*res));
	rc = filter_run(fc, lk, m, 1795910400, res);
	filter_ctx_free(fc);
	return rc;
}

START_TEST(test_lookup_resend)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail(NULL);
	struct ps_msg *m = make_msg(mail, "<john@buyercompany.no>");
	struct fake f = {.seen = FILTER_SEEN_RESEND};
	struct filter_lookup lk = fake_lookup(&f, 1, 0);
	struct filter_result res;

	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_int_eq(f.resend_calls, 1);
	ck_assert_str_eq(res.inv[0].verdict, "resend");
	ck_assert_str_eq(res.hdrs[0].value, "resend; number=TOSL108; findings=PS-LINE-NET");
	ck_assert_uint_eq(res.records.n, 0);		/* looking only: nothing to record */
	filter_result_clear(&res);
	/* sent before with other figures: a finding, an error where error-rules names it */
	f.seen = FILTER_SEEN_CHANGED;
	f.prev = 12;
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_str_eq(res.inv[0].verdict, "ok");
	ck_assert_int_eq(inv_findings_has(res.inv[0].findings, "PS-RESEND-CHANGED"), 1);
	ck_assert_int_eq(res.warned, 1);
	filter_result_clear(&res);
	conf->error_rules.v = xcalloc(2, sizeof(char *));
	conf->error_rules.v[0] = xstrdup("PS-RESEND-CHANGED");
	conf->error_rules.n = 1;
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_str_eq(res.inv[0].verdict, "flagged");
	ck_assert_int_eq(inv_findings_has(res.inv[0].findings, "PS-RESEND-CHANGED"), 1);
	ck_assert_int_eq(res.action, CONF_ACTION_HOLD);
	ck_assert_ptr_nonnull(strstr(res.reason, "PS-RESEND-CHANGED"));
	filter_result_clear(&res);
	msg_free(m);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_lookup_fails)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail(NULL), *altered = invoice_mail("801.79");
	struct ps_msg *m = make_msg(mail, "<john@buyercompany.no>");
	struct ps_msg *bad = make_msg(altered, "<john@buyercompany.no>");
	struct fake f = {.fail = "database is locked"};
	struct filter_lookup lk = fake_lookup(&f, 1, 1);
	struct filter_result res;

	/* incomplete: the caller follows on-error, with nothing to record */
	ck_assert_int_eq(run_with(conf, &lk, m, &res), -1);
	ck_assert_str_eq(res.error, "database is locked");
	ck_assert_uint_eq(res.records.n, 0);
	filter_result_clear(&res);
	/* flagged on its own findings: the verdict stands, the error is for the log */
	ck_assert_int_eq(run_with(conf, &lk, bad, &res), 0);
	ck_assert_str_eq(res.error, "database is locked");
	ck_assert_str_eq(res.inv[0].verdict, "flagged");
	ck_assert_int_eq(res.action, CONF_ACTION_HOLD);
	ck_assert_uint_eq(res.records.n, 1);		/* its journal entry, for the spool */
	filter_result_clear(&res);
	/* the store is not open: the same, and no lookup is tried */
	lk = fake_lookup(&f, 0, 1);
	f.resend_calls = 0;
	ck_assert_int_eq(run_with(conf, &lk, m, &res), -1);
	ck_assert_str_eq(res.error, "the store is not open");
	ck_assert_int_eq(f.resend_calls, 0);
	filter_result_clear(&res);
	msg_free(bad);
	msg_free(m);
	free(altered);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_records)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail(NULL);
	struct ps_msg *m = make_msg(mail, "<john@buyercompany.no>");
	struct fake f = {.seen = FILTER_SEEN_NEW};
	struct filter_lookup lk = fake_lookup(&f, 1, 1);
	struct filter_result res;

	msg_add_rcpt(m, "<bob@example.com>", 0);	/* local: not counted by the journal */
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_uint_eq(res.records.n, 1);
	ck_assert_int_eq(res.records.v[0].kind, FILTER_RECORD_INVOICE);
	ck_assert_uint_eq(res.records.v[0].inv, 0);
	ck_assert_str_eq(res.records.v[0].action, "tag");	/* a warning: tagged */
	ck_assert_uint_eq(res.records.nrcpts, 1);
	ck_assert_str_eq(res.records.rcpts[0], "<john@buyercompany.no>");
	filter_result_clear(&res);
	msg_free(m);
	/* onboarding: a journey record per external recipient, with its name */
	m = make_msg("From: a@example.com\r\nTo: \"Bob Buyer\" <bob@customer.example>\r\n"
	    "X-Postsale-Onboarding: yes\r\nMessage-ID: <o1@example.com>\r\nSubject: welcome\r\n\r\nhi\r\n",
	    "<bob@customer.example>");
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_int_eq(res.onboard.kind, ONBOARD_START);
	ck_assert_uint_eq(res.records.n, 1);
	ck_assert_int_eq(res.records.v[0].kind, FILTER_RECORD_JOURNEY_START);
	ck_assert_str_eq(res.records.v[0].customer, "bob@customer.example");
	ck_assert_str_eq(res.records.v[0].name, "Bob Buyer");
	ck_assert_str_eq(res.records.message_id, "o1@example.com");
	filter_result_clear(&res);
	/* plain mail: nothing read, nothing to record */
	msg_free(m);
	m = make_msg("From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n", "<bob@customer.example>");
	f.resend_calls = 0;
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_uint_eq(res.records.n, 0);
	ck_assert_int_eq(f.resend_calls + f.customer_calls, 0);
	filter_result_clear(&res);
	msg_free(m);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_note_facts)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	const char *top = getenv("top_srcdir");
	char *mail = invoice_mail(NULL);
	struct ps_msg *m = make_msg(mail, "<john@buyercompany.no>");
	struct fake f = {.known = 1, .cust = {.since = 1700000000, .invoice_count = 4,
	    .manager = "Mia Manager"}};
	struct filter_lookup lk = fake_lookup(&f, 1, 0);
	struct filter_result res;
	char *body;
	size_t len;

	free(conf->note_templates);
	conf->note_templates = xasprintf("%s/templates", top ? top : ".");
	conf->note_invoices = 1;
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_msg(res.note_added, "%s", res.note_reason);
	ck_assert_int_eq(f.customer_calls, 1);
	/* the manager the store knows is named in the note */
	body = note_result_body(res.note, &len);
	ck_assert_ptr_nonnull(memmem(body, len, "Mia Manager", 11));
	free(body);
	filter_result_clear(&res);
	msg_free(m);
	free(mail);
	conf_free(conf);
}
END_TEST

/* answer_mail - internal mail from alice to postsale@example.com carrying a REPLY */
static struct ps_msg *
answer_mail(const char *partstat)
{
	struct ps_msg *m = msg_new(0);
	char *mail = xasprintf("From: <alice@example.com>\r\nTo: <postsale@example.com>\r\n"
	    "Subject: Accepted\r\nMIME-Version: 1.0\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n"
	    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nMETHOD:REPLY\r\n"
	    "BEGIN:VEVENT\r\nUID:ci-7@example.com\r\nSEQUENCE:0\r\nDTSTAMP:20261201T100000Z\r\n"
	    "DTSTART:20261203T100000Z\r\nATTENDEE;PARTSTAT=%s:mailto:alice@example.com\r\n"
	    "END:VEVENT\r\nEND:VCALENDAR\r\n", partstat);

	ck_assert_int_eq(msg_load_bytes(m, mail, strlen(mail)), 0);
	msg_set_sender(m, "<alice@example.com>");
	msg_add_rcpt(m, "<postsale@example.com>", 0);
	m->origin_internal = 1;
	free(mail);
	return m;
}

START_TEST(test_answer)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	struct ps_msg *m = answer_mail("DECLINED");
	struct fake f = {.manager = "alice@example.com"};
	struct filter_lookup lk = fake_lookup(&f, 1, 1);
	struct filter_result res;

	free(conf->postsale_address);
	conf->postsale_address = xstrdup("postsale@example.com");
	conf->reply_mail = CONF_REPLY_MAIL_DISCARD;
	/* recording: the answer to write, to be re-planned, dropped once recorded */
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_int_eq(res.reply, 1);
	ck_assert_int_eq(res.answer.kind, FILTER_ANSWER_PARTSTAT);
	ck_assert_int_eq(res.answer.checkin, 7);
	ck_assert_str_eq(res.answer.partstat, "DECLINED");
	ck_assert_int_eq(res.answer.declined, 1);
	ck_assert_int_eq(res.answer.discard, 1);
	ck_assert_int_eq(res.reply_recorded + res.discard, 0);	/* the writer's to say */
	filter_result_clear(&res);
	/* looking only: what would be recorded */
	lk.recording = 0;
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_int_eq(res.answer.kind, FILTER_ANSWER_NONE);
	ck_assert_msg(strstr(res.reply_note, "would record DECLINED") != NULL, "%s", res.reply_note);
	filter_result_clear(&res);
	/* from someone who is not the invited manager: ignored */
	f.manager = "bob@example.com";
	lk.recording = 1;
	ck_assert_int_eq(run_with(conf, &lk, m, &res), 0);
	ck_assert_int_eq(res.answer.kind, FILTER_ANSWER_NONE);
	ck_assert_msg(strstr(res.reply_note, "ignored") != NULL, "%s", res.reply_note);
	filter_result_clear(&res);
	/* the store is not open: on-error */
	lk = fake_lookup(&f, 0, 1);
	ck_assert_int_eq(run_with(conf, &lk, m, &res), -1);
	ck_assert_ptr_nonnull(strstr(res.error, "no store to record the REPLY"));
	filter_result_clear(&res);
	msg_free(m);
	conf_free(conf);
}
END_TEST

/* The body calls a sink receives, as smfi_replacebody would send them. */
struct calls {
	struct buf all;			/* what they add up to */
	size_t n, lens[64];
	const char *data[64];
};

static int
rec_body_call(void *ctx, const char *body, size_t len)
{
	struct calls *c = ctx;

	ck_assert_uint_lt(c->n, 64);
	c->data[c->n] = body;
	c->lens[c->n++] = len;
	buf_add(&c->all, body, len);
	return 0;
}

/*
 * A new body in pieces (the note between stretches of the message) goes to a sink
 * whose calls are limited in size in the fewest calls: the first takes the remainder,
 * every other the most; a call within one stretch of the message points into it.
 */
START_TEST(test_body_calls)
{
	static const char msg[] = "Hello there, and the long attachment that follows it";
	char *note = xstrdup("NOTE");
	note_piece pieces[] = {{msg, 12}, {NULL, 4}, {msg + 12, sizeof(msg) - 1 - 12}};
	note_result n = {.status = NOTE_INJECTED, .body = pieces, .nbody = 3,
	    .body_len = sizeof(msg) - 1 + 4};
	struct filter_result res = {.note = &n};
	struct calls c = {0};
	struct filter_sink sink = {.ctx = &c, .body = rec_body_call};
	size_t max[] = {7, 10, 16, 0, 1000}, want;

	pieces[1].data = note;
	for (size_t t = 0; t < sizeof(max) / sizeof(max[0]); t++) {
		size_t m = max[t] ? max[t] : n.body_len, calls = (n.body_len + m - 1) / m;

		c.n = 0;
		c.all.len = 0;
		sink.body_max = max[t];
		ck_assert_int_eq(filter_edit(&res, &sink), FILTER_ACCEPT);
		ck_assert_uint_eq(c.n, calls);
		ck_assert_uint_eq(c.all.len, n.body_len);
		ck_assert_mem_eq(c.all.data, "Hello there,NOTE and the long", 29);
		ck_assert_mem_eq(c.all.data + 16, msg + 12, sizeof(msg) - 1 - 12);
		for (size_t i = 0, at = 0; i < c.n; at += c.lens[i], i++) {
			want = i == 0 ? n.body_len - (calls - 1) * m : m;
			ck_assert_uint_eq(c.lens[i], want);
			if (at >= 16)	/* wholly in the message's tail: in place */
				ck_assert_ptr_eq(c.data[i], msg + 12 + (at - 16));
		}
	}
	buf_free(&c.all);
	free(note);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");
	int failed;

	xmlsafe_init();
	load_invoice("check_filter");
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_spoofed_headers_removed);
	tcase_add_test(tc, test_apply_bytes);
	tcase_add_test(tc, test_body_calls);
	tcase_add_test(tc, test_answer);
	if (invoice_xml != NULL) {
		tcase_add_test(tc, test_lookup_resend);
		tcase_add_test(tc, test_lookup_fails);
		tcase_add_test(tc, test_records);
		tcase_add_test(tc, test_note_facts);
		tcase_add_test(tc, test_clean_invoice);
		tcase_add_test(tc, test_altered_invoice);
		tcase_add_test(tc, test_base64_invoice);
		tcase_add_test(tc, test_misdirected_copy_to_finance);
	}
	suite_add_tcase(s, tc);
	failed = test_run(s) != EXIT_SUCCESS;
	free(invoice_xml);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

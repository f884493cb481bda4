/*
 * check_apply.c - the milter's apply step (milter/apply.c) through a recording edit
 * sink: for each kind of decision, the edits the MTA is asked to make, in order, and
 * the outcome the callbacks map to a milter status. The decisions come from the real
 * pipeline (filter_run, no store) on real messages: a clean invoice, a held one with
 * finance's copy, a rejected and a deferred one, a thank-you note, onboarding mail,
 * spoofed headers, and an MTA that refuses an edit.
 *
 * The invoice cases use the official EN 16931 example ubl-tc434-example2.xml (as
 * check_filter does); they are skipped with a message where the corpus is absent.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "filter/filter.h"
#include "invoice/xmlsafe.h"
#include "test_invoice_mail.h"
#include "test_run.h"
#include "util/xalloc.h"

/* The calls a sink received, one line each, and which call to refuse. */
struct rec {
	char *lines[32];
	size_t n;
	int refuse;			/* refuse the refuse-th call (from 1), 0: none */
};

/* rec_add - one call, as a line; 0, or -1 when it is the one to refuse */
static int
rec_add(struct rec *r, char *line)
{
	ck_assert_uint_lt(r->n, 32);
	r->lines[r->n++] = line;
	return r->refuse != 0 && (size_t) r->refuse == r->n ? -1 : 0;
}

static int
rec_header(void *ctx, const struct hdr_edit *h)
{
	return rec_add(ctx, xasprintf("%s %s %d %s", hdr_edit_op_name(h->op), h->name, h->index,
	    h->value ? h->value : "-"));
}

static int
rec_body(void *ctx, const char *body, size_t len)
{
	(void) body;
	return rec_add(ctx, xasprintf("body %zu", len));
}

static int
rec_add_rcpt(void *ctx, const char *rcpt)
{
	return rec_add(ctx, xasprintf("addrcpt %s", rcpt));
}

static int
rec_quarantine(void *ctx, const char *reason)
{
	return rec_add(ctx, xasprintf("quarantine %s", reason));
}

static int
rec_reply(void *ctx, const char *rcode, const char *xcode, const char *text)
{
	return rec_add(ctx, xasprintf("reply %s %s %s", rcode, xcode, text));
}

/* rec_sink - a sink that records into r */
static struct filter_sink
rec_sink(struct rec *r)
{
	struct filter_sink s = {
		.ctx = r, .header = rec_header, .body = rec_body, .add_rcpt = rec_add_rcpt,
		.quarantine = rec_quarantine, .reply = rec_reply,
	};
	return s;
}

static void
rec_clear(struct rec *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->lines[i]);
	memset(r, 0, sizeof(*r));
}

/* make_conf - defaults, example.com local, no notes, error findings get action */
static struct ps_conf *
make_conf(enum conf_action action)
{
	struct ps_conf *c = conf_defaults();

	c->local_domains.v = xcalloc(1, sizeof(char *));
	c->local_domains.v[0] = xstrdup("example.com");
	c->local_domains.n = 1;
	c->note_invoices = c->note_onboarding = 0;
	c->invoice_action_error = action;
	return c;
}

/* with_notes - notes on, from the source tree's templates */
static void
with_notes(struct ps_conf *c)
{
	const char *top = getenv("top_srcdir");

	free(c->note_templates);
	c->note_templates = xasprintf("%s/templates", top ? top : ".");
	c->note_invoices = c->note_onboarding = 1;
}

/*
 * apply - run the pipeline on bytes (alice@example.com to rcpt, internal) and apply
 * its result through a recording sink into *r; returns the outcome
 */
static enum filter_outcome
apply(struct ps_conf *conf, const char *bytes, const char *rcpt, struct rec *r)
{
	struct ps_msg *m = msg_new(0);
	struct filter_result res = {0};
	struct filter_sink sink = rec_sink(r);
	char err[512];
	struct filter_ctx *fc = filter_ctx_new(conf, err, sizeof(err));
	enum filter_outcome out;

	ck_assert_msg(fc != NULL, "%s", err);
	ck_assert_int_eq(msg_load_bytes(m, bytes, strlen(bytes)), 0);
	msg_set_sender(m, "<alice@example.com>");
	msg_add_rcpt(m, rcpt, 1);
	m->origin_internal = 1;
	ck_assert_int_eq(filter_run(fc, NULL, m, 1795910400, &res), 0);
	out = apply_result(&sink, m, &res);
	filter_result_clear(&res);
	filter_ctx_free(fc);
	msg_free(m);
	return out;
}

#define RCPT "<john@buyercompany.no>"
#define FLAGGED_TAG "add X-Postsale-Invoice 0 flagged; number=TOSL108; findings=BR-CO-16,PS-LINE-NET"

START_TEST(test_plain)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	struct rec r = {0};

	ck_assert_int_eq(apply(conf, "From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n", RCPT, &r),
	    FILTER_ACCEPT);
	ck_assert_uint_eq(r.n, 0);			/* nothing to change */
	rec_clear(&r);
	conf_free(conf);
}
END_TEST

START_TEST(test_spoofed)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	struct rec r = {0};

	ck_assert_int_eq(apply(conf, "X-Postsale-Invoice: ok\r\nFrom: a@example.com\r\n"
	    "x-postsale-invoice: ok; number=FAKE\r\n\r\nhello\r\n", RCPT, &r), FILTER_ACCEPT);
	ck_assert_uint_eq(r.n, 2);			/* the last first */
	ck_assert_str_eq(r.lines[0], "delete X-Postsale-Invoice 2 -");
	ck_assert_str_eq(r.lines[1], "delete X-Postsale-Invoice 1 -");
	rec_clear(&r);
	conf_free(conf);
}
END_TEST

START_TEST(test_clean_invoice)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail(NULL);
	struct rec r = {0};

	ck_assert_int_eq(apply(conf, mail, RCPT, &r), FILTER_ACCEPT);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.lines[0], "add X-Postsale-Invoice 0 ok; number=TOSL108; findings=PS-LINE-NET");
	rec_clear(&r);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_held_invoice)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail("801.79");
	struct rec r = {0};

	free(conf->finance_address);
	conf->finance_address = xstrdup("finance@example.com");
	conf->finance_copy = 1;
	ck_assert_int_eq(apply(conf, mail, RCPT, &r), FILTER_ACCEPT);
	ck_assert_uint_eq(r.n, 3);			/* tag, finance's copy, quarantine */
	ck_assert_str_eq(r.lines[0], FLAGGED_TAG);
	ck_assert_str_eq(r.lines[1], "addrcpt <finance@example.com>");
	ck_assert_str_eq(r.lines[2], "quarantine postsale: held for finance review: invoice TOSL108"
	    " (BR-CO-16, PS-LINE-NET)");
	rec_clear(&r);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_rejected_and_deferred)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_REJECT);
	char *mail = invoice_mail("801.79");
	struct rec r = {0};

	/* the reply and nothing else: no tag, no copy, no note */
	ck_assert_int_eq(apply(conf, mail, RCPT, &r), FILTER_REJECT);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.lines[0], "reply 550 5.7.1 postsale: not sent, finance must review"
	    " invoice TOSL108 (BR-CO-16, PS-LINE-NET)");
	rec_clear(&r);
	conf->invoice_action_error = CONF_ACTION_TEMPFAIL;
	ck_assert_int_eq(apply(conf, mail, RCPT, &r), FILTER_TEMPFAIL);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.lines[0], "reply 451 4.7.1 postsale: deferred for finance review:"
	    " invoice TOSL108 (BR-CO-16, PS-LINE-NET)");
	rec_clear(&r);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_note_added)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail(NULL);
	struct rec r = {0};

	with_notes(conf);
	ck_assert_int_eq(apply(conf, mail, RCPT, &r), FILTER_ACCEPT);
	ck_assert_uint_eq(r.n, 3);			/* the tag, the note's marker, the body */
	ck_assert_str_eq(r.lines[0], "add X-Postsale-Invoice 0 ok; number=TOSL108; findings=PS-LINE-NET");
	ck_assert_str_eq(r.lines[1], "add X-Postsale-Note 0 added");
	ck_assert_msg(strncmp(r.lines[2], "body ", 5) == 0, "%s", r.lines[2]);
	rec_clear(&r);
	free(mail);
	conf_free(conf);
}
END_TEST

START_TEST(test_onboarding)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	static const char mail[] = "From: a@example.com\r\nTo: Bob <bob@customer.example>\r\n"
	    "X-Postsale-Onboarding: yes\r\nSubject: welcome\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\nWelcome aboard.\r\n";
	struct rec r = {0};

	/* without notes: onboarding is recorded, the message is not changed */
	ck_assert_int_eq(apply(conf, mail, "<bob@customer.example>", &r), FILTER_ACCEPT);
	ck_assert_uint_eq(r.n, 0);
	rec_clear(&r);
	/* with them: the onboarding note, its marker first */
	with_notes(conf);
	ck_assert_int_eq(apply(conf, mail, "<bob@customer.example>", &r), FILTER_ACCEPT);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.lines[0], "add X-Postsale-Note 0 added");
	ck_assert_msg(strncmp(r.lines[1], "body ", 5) == 0, "%s", r.lines[1]);
	rec_clear(&r);
	conf_free(conf);
}
END_TEST

START_TEST(test_refused)
{
	struct ps_conf *conf = make_conf(CONF_ACTION_HOLD);
	char *mail = invoice_mail("801.79");
	struct rec r = {.refuse = 1};

	/* the MTA refuses the tag: nothing after it is tried, and on-error applies */
	ck_assert_int_eq(apply(conf, mail, RCPT, &r), FILTER_FAILED);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.lines[0], FLAGGED_TAG);
	rec_clear(&r);
	/* the quarantine refused */
	r.refuse = 2;
	ck_assert_int_eq(apply(conf, mail, RCPT, &r), FILTER_FAILED);
	ck_assert_uint_eq(r.n, 2);
	rec_clear(&r);
	free(mail);
	conf_free(conf);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc = test_tcase(&s, "apply");
	int status;

	xmlsafe_init();
	load_invoice("check_apply");
	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_spoofed);
	tcase_add_test(tc, test_onboarding);
	if (invoice_xml != NULL) {
		tcase_add_test(tc, test_clean_invoice);
		tcase_add_test(tc, test_held_invoice);
		tcase_add_test(tc, test_rejected_and_deferred);
		tcase_add_test(tc, test_note_added);
		tcase_add_test(tc, test_refused);
	}
	status = test_run(s);
	free(invoice_xml);
	return status;
}

/*
 * check_onboard.c - onboarding detection (lib/onboard.c), table-driven.
 *
 * Each case is a config (as a postsale.conf text), a message and an envelope sender,
 * with the verdict a reader of the config's documentation expects: the header rule
 * (any non-empty value but no/0/false/off), the sender list (without case, <> around
 * the envelope sender allowed), the Subject regex (case-insensitive ERE, matched
 * against the RFC 2047-decoded Subject), off-boarding before onboarding, and the
 * renewal date (only a valid YYYY-MM-DD counts: 2025-02-29 is no date).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "journey/onboard.h"
#include "test_mime.h"
#include "test_run.h"

struct ob_case {
	const char *name;
	const char *conf;		/* extra config lines */
	const char *headers;		/* header lines, \n separated */
	const char *sender;
	enum onboard_kind want;
	const char *renewal;		/* expected, or NULL for none */
};

static const struct ob_case cases[] = {
	{ "default header set", "", "X-Postsale-Onboarding: yes\n", "a@seller.example", ONBOARD_START, NULL },
	{ "default header any value", "", "X-Postsale-Onboarding: CRM-4711\n", "a@seller.example", ONBOARD_START, NULL },
	{ "header case-insensitive name", "", "x-postsale-onboarding: 1\n", "a@seller.example", ONBOARD_START, NULL },
	{ "header no", "", "X-Postsale-Onboarding: no\n", "a@seller.example", ONBOARD_NONE, NULL },
	{ "header 0", "", "X-Postsale-Onboarding: 0\n", "a@seller.example", ONBOARD_NONE, NULL },
	{ "header NO padded", "", "X-Postsale-Onboarding:   NO  \n", "a@seller.example", ONBOARD_NONE, NULL },
	{ "header empty", "", "X-Postsale-Onboarding:\n", "a@seller.example", ONBOARD_NONE, NULL },
	{ "no header", "", "X-Other: yes\n", "a@seller.example", ONBOARD_NONE, NULL },
	{ "custom header", "onboarding-header = X-CRM-Welcome\n", "X-CRM-Welcome: true\n", "a@s.example", ONBOARD_START, NULL },
	{ "default header off when renamed", "onboarding-header = X-CRM-Welcome\n", "X-Postsale-Onboarding: yes\n", "a@s.example", ONBOARD_NONE, NULL },
	{ "header disabled", "onboarding-header =\n", "X-Postsale-Onboarding: yes\n", "a@s.example", ONBOARD_NONE, NULL },
	{ "sender listed", "onboarding-senders = welcome@seller.example, crm@seller.example\n", "", "crm@seller.example", ONBOARD_START, NULL },
	{ "sender listed, case", "onboarding-senders = welcome@seller.example\n", "", "Welcome@Seller.Example", ONBOARD_START, NULL },
	{ "sender in <>", "onboarding-senders = welcome@seller.example\n", "", "<welcome@seller.example>", ONBOARD_START, NULL },
	{ "sender not listed", "onboarding-senders = welcome@seller.example\n", "", "bob@seller.example", ONBOARD_NONE, NULL },
	{ "sender prefix only", "onboarding-senders = welcome@seller.example\n", "", "welcome@seller.example.evil", ONBOARD_NONE, NULL },
	{ "no sender", "onboarding-senders = welcome@seller.example\n", "", NULL, ONBOARD_NONE, NULL },
	{ "subject match", "onboarding-subject = ^Welcome to\n", "Subject: welcome to ACME\n", "a@s.example", ONBOARD_START, NULL },
	{ "subject anchored miss", "onboarding-subject = ^Welcome to\n", "Subject: Re: Welcome to ACME\n", "a@s.example", ONBOARD_NONE, NULL },
	{ "subject encoded word", "onboarding-subject = Willkommen bei\n",
	  "Subject: =?UTF-8?Q?Willkommen_bei_B=C3=A4cker?=\n", "a@s.example", ONBOARD_START, NULL },
	{ "subject ERE alternation", "onboarding-subject = (welcome|onboarding)\n", "Subject: Your ONBOARDING pack\n", "a@s.example", ONBOARD_START, NULL },
	{ "no subject", "onboarding-subject = welcome\n", "", "a@s.example", ONBOARD_NONE, NULL },
	{ "offboarding", "", "X-Postsale-Offboarding: churned\n", "a@s.example", ONBOARD_STOP, NULL },
	{ "offboarding wins", "", "X-Postsale-Onboarding: yes\nX-Postsale-Offboarding: yes\n", "a@s.example", ONBOARD_STOP, NULL },
	{ "offboarding no", "", "X-Postsale-Offboarding: no\n", "a@s.example", ONBOARD_NONE, NULL },
	{ "renewal", "", "X-Postsale-Onboarding: yes\nX-Postsale-Renewal: 2026-03-31\n", "a@s.example", ONBOARD_START, "2026-03-31" },
	{ "renewal padded", "", "X-Postsale-Renewal:   2026-03-31  \n", "a@s.example", ONBOARD_NONE, "2026-03-31" },
	{ "renewal not a date", "", "X-Postsale-Onboarding: yes\nX-Postsale-Renewal: 2025-02-29\n", "a@s.example", ONBOARD_START, NULL },
	{ "renewal garbage", "", "X-Postsale-Renewal: next year\n", "a@s.example", ONBOARD_NONE, NULL },
	{ "renewal trailing text", "", "X-Postsale-Renewal: 2026-03-31 or so\n", "a@s.example", ONBOARD_NONE, NULL },
};

/* load - a config from text */
static struct ps_conf *load(const char *text)
{
	char path[] = "/tmp/check_onboard.XXXXXX", err[512];
	int fd = mkstemp(path);
	struct ps_conf *conf;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t) strlen(text));
	close(fd);
	conf = conf_load(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(conf != NULL, "config: %s", err);
	return conf;
}

/* parse - a message from header lines and a short body (*text, the caller frees) */
static GMimeObject *parse(const char *headers, char **text)
{
	GMimeObject *m;

	ck_assert_int_gt(asprintf(text, "From: a@seller.example\nTo: c@customer.example\n%s"
	    "\nHello.\n", headers), 0);
	m = test_mime_parse(*text);
	ck_assert_ptr_nonnull(m);
	return m;
}

START_TEST(test_classify)
{
	const struct ob_case *c = &cases[_i];
	struct ps_conf *conf = load(c->conf);
	char err[512];
	struct onboard_rules *r = onboard_rules_new(conf, err, sizeof(err));
	char *text;
	GMimeObject *m = parse(c->headers, &text);
	struct onboard_info info;
	struct mime_head heads[2];

	ck_assert_msg(r != NULL, "%s: %s", c->name, err);
	/* read from GMime's top part, and from the bytes where the block is plain */
	mime_head_of_top(&heads[0], m);
	for (int way = 0; way < 2; way++) {
		if (way == 1 && !mime_head_of_bytes(&heads[1], text, strlen(text)))
			break;
		onboard_classify(r, &heads[way], c->sender, &info);
		ck_assert_msg(info.kind == c->want, "%s (way %d): kind %d, want %d", c->name, way,
		    info.kind, c->want);
		if (c->renewal) {
			ck_assert_msg(info.has_renewal, "%s: no renewal", c->name);
			ck_assert_str_eq(info.renewal, c->renewal);
		} else
			ck_assert_msg(!info.has_renewal, "%s: renewal %s", c->name, info.renewal);
		mime_head_done(&heads[way]);
	}
	g_object_unref(m);
	free(text);
	onboard_rules_free(r);
	conf_free(conf);
}
END_TEST

START_TEST(test_header_set)
{
	ck_assert_int_eq(onboard_header_set(NULL), 0);
	ck_assert_int_eq(onboard_header_set(" \t"), 0);
	ck_assert_int_eq(onboard_header_set("Off"), 0);
	ck_assert_int_eq(onboard_header_set("FALSE"), 0);
	ck_assert_int_eq(onboard_header_set("none"), 1);
	ck_assert_int_eq(onboard_header_set("00"), 1);
	ck_assert_int_eq(onboard_header_set("yes"), 1);
}
END_TEST

START_TEST(test_null_message)
{
	struct ps_conf *conf = load("");
	char err[256];
	struct onboard_rules *r = onboard_rules_new(conf, err, sizeof(err));
	struct onboard_info info;

	onboard_classify(r, NULL, "a@b.example", &info);
	ck_assert_int_eq(info.kind, ONBOARD_NONE);
	ck_assert_ptr_null(onboard_rules_free(r));
	ck_assert_ptr_null(onboard_rules_free(NULL));
	conf_free(conf);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_classify, cases), TEST_ONCE(test_header_set),
		TEST_ONCE(test_null_message),
	};
	int status;

	g_mime_init();
	status = test_main("onboard", 0, tests, TEST_COUNT(tests));
	g_mime_shutdown();
	return status;
}

/*
 * check_store_reply.c - the managers' answers: lib/store_reply.c on a fresh store per
 * test (an SQLite file, or with POSTGRESQL_URI a schema of its own on that server:
 * test_db.h; tests/pg/suites.sh runs the suite on both), and the filter's reply step (lib/filter_reply.c) through filter_run() with
 * whole messages that carry the REPLY/COUNTER fixtures of tests/itip.
 *
 * Expectations come from RFC 5546: an answer belongs to the SEQUENCE it answers (an
 * older one is ignored, 2.1.4), the latest DTSTAMP wins (2.1.5), only the attendee
 * answers for itself; and from the issue: a DECLINED check-in is planned again with a
 * higher SEQUENCE, a COUNTER is recorded until accept-counter moves the check-in.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "filter/filter_store.h"
#include "journey/journey.h"
#include "mime/msg.h"
#include "store/store_journey.h"
#include "store/store_reply.h"
#include "test_db.h"
#include "test_files.h"
#include "test_run.h"

#define FIXTURE_UID "ci1-00112233aabbccdd@example.com"

static char dir[64];
static struct ps_conf *conf;
static struct store *st;
static char err[1024];
static long long ci_id;			/* the day-7 check-in of carol */
static char ci_uid[256];
static time_t t0;			/* onboarding: Mon 2026-11-23 10:00 UTC */

static void
setup(void)
{
	char path[128], target[1024];
	struct journey_party p = { "carol@customer.example", "Carol Customer" };
	struct onboard_info info;
	struct store_checkin *v;
	size_t n;
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/check_sr.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/postsale.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(test_db_target(target, sizeof(target), dir, "db.sqlite"));
	fprintf(f, "database = %s\nstate-directory = %s\npostsale-address = postsale@example.com\n"
	    "local-domains = example.com\nnote-invoices = no\nnote-onboarding = no\n"
	    "manager-timezones = alice@example.com=Europe/Berlin\n", target, dir);
	fclose(f);
	conf = conf_load(path, err, sizeof(err));
	ck_assert_msg(conf != NULL, "%s", err);
	st = store_open(conf->database, 2000, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	memset(&info, 0, sizeof(info));
	info.kind = ONBOARD_START;
	t0 = 1795428000;	/* 2026-11-23T10:00:00Z */
	ck_assert_int_gt(journey_start(st, conf, &p, "alice@example.com", &info, t0, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_list(st, NULL, &v, &n, err, sizeof(err)), 0);
	ck_assert_str_eq(v[0].kind, "day-7");
	ci_id = v[0].id;
	snprintf(ci_uid, sizeof(ci_uid), "%s", v[0].uid);
	store_checkins_free(v, n);
}

static void
teardown(void)
{
	st = store_close(st);
	conf = conf_free(conf);
	ck_assert_int_eq(test_rmtree(dir), 0);
}

/* get - check-in ci_id and its answer */
static void
get(struct store_checkin *c, struct store_reply_state *rs)
{
	ck_assert_int_eq(store_checkin_get(st, ci_id, c, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_state_get(st, ci_id, rs, err, sizeof(err)), 0);
}

START_TEST(test_record_by_sequence_and_dtstamp)
{
	struct store_checkin c;
	struct store_reply_state rs;
	long long id;

	ck_assert_int_eq(store_reply_find_uid(st, ci_uid, &id, err, sizeof(err)), 0);
	ck_assert_int_eq(id, ci_id);
	ck_assert_int_eq(store_reply_find_uid(st, "nope@example.com", &id, err, sizeof(err)), 1);
	get(&c, &rs);
	ck_assert_str_eq(rs.partstat, "");
	ck_assert_int_eq(rs.partstat_sequence, -1);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);

	ck_assert_int_eq(store_reply_record(st, ci_id, 0, "TENTATIVE", 100, "Alice A", t0, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_record(st, ci_id, 0, "ACCEPTED", 200, NULL, t0, err, sizeof(err)), 0);
	/* an older DTSTAMP for the same SEQUENCE arrives late: the later answer stays */
	ck_assert_int_eq(store_reply_record(st, ci_id, 0, "DECLINED", 150, NULL, t0, err, sizeof(err)), 1);
	get(&c, &rs);
	ck_assert_str_eq(rs.partstat, "ACCEPTED");
	ck_assert_str_eq(rs.reply_cn, "Alice A");
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	/* a move: SEQUENCE 1, and the answer to SEQUENCE 0 no longer counts */
	ck_assert_int_eq(store_checkin_move(st, ci_id, t0 + 8 * 86400, t0 + 8 * 86400 + 1800, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_record(st, ci_id, 1, "DECLINED", 50, NULL, t0, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_record(st, ci_id, 0, "ACCEPTED", 900, NULL, t0, err, sizeof(err)), 1);
	get(&c, &rs);
	ck_assert_str_eq(rs.partstat, "DECLINED");
	ck_assert_int_eq(rs.partstat_sequence, 1);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	{
		char *cn = store_reply_manager_cn(st, "ALICE@example.com");
		ck_assert_str_eq(cn, "Alice A");
		free(cn);
		ck_assert_ptr_null(store_reply_manager_cn(st, "bob@example.com"));
	}
}
END_TEST

START_TEST(test_unanswered)
{
	struct store_checkin *v, c;
	struct store_reply_state *rs, s;
	size_t n;
	time_t now = t0 + 3 * 86400;	/* the day-7 check-in is about 4 days away */

	ck_assert_int_eq(store_reply_unanswered(st, now, 3 * 86400, NULL, &v, &rs, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_reply_unanswered(st, now, 5 * 86400, NULL, &v, &rs, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(v[0].id, ci_id);
	store_checkins_free(v, n);
	store_reply_states_free(rs, n);
	ck_assert_int_eq(store_reply_unanswered(st, now, 5 * 86400, "bob@example.com", &v, &rs, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	/* answered: gone from the list; moved after the answer: back on it */
	ck_assert_int_eq(store_reply_record(st, ci_id, 0, "TENTATIVE", 1, NULL, now, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_unanswered(st, now, 5 * 86400, NULL, &v, &rs, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
	get(&c, &s);
	ck_assert_int_eq(store_checkin_move(st, ci_id, c.due_at + 3600, c.end_at + 3600, err, sizeof(err)), 0);
	store_checkin_clear(&c);
	store_reply_state_clear(&s);
	ck_assert_int_eq(store_reply_unanswered(st, now, 5 * 86400, NULL, &v, &rs, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(rs[0].partstat, "TENTATIVE");
	store_checkins_free(v, n);
	store_reply_states_free(rs, n);
	/* cancelled: never unanswered */
	ck_assert_int_eq(store_checkin_cancel(st, ci_id, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_unanswered(st, now, 5 * 86400, NULL, &v, &rs, &n, err, sizeof(err)), 0);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_accept_counter)
{
	struct store_checkin c;
	struct store_reply_state rs;
	time_t p = t0 + 9 * 86400 + 4 * 3600;

	ck_assert_int_eq(store_reply_accept_counter(st, ci_id, &c, &rs, err, sizeof(err)), STORE_REPLY_NO_COUNTER);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	ck_assert_int_eq(store_reply_counter(st, ci_id, 0, p, 0, NULL, t0, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_accept_counter(st, ci_id, &c, &rs, err, sizeof(err)), 0);
	ck_assert_int_eq(c.sequence, 0);		/* as it was */
	ck_assert_int_eq(rs.counter_start, p);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	get(&c, &rs);
	ck_assert_int_eq(c.sequence, 1);
	ck_assert_int_eq(c.due_at, p);
	ck_assert_int_eq(c.end_at - c.due_at, 30 * 60);	/* no DTEND: the length it had */
	ck_assert_str_eq(c.state, "planned");
	ck_assert_int_eq(rs.counter_sequence, -1);	/* forgotten */
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	/* a proposal about SEQUENCE 0 when the check-in is at 1: stale, nothing moves */
	ck_assert_int_eq(store_reply_counter(st, ci_id, 0, p + 3600, p + 5400, NULL, t0, err, sizeof(err)), 0);
	ck_assert_int_eq(store_reply_accept_counter(st, ci_id, &c, &rs, err, sizeof(err)), STORE_REPLY_STALE);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	get(&c, &rs);
	ck_assert_int_eq(c.due_at, p);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	ck_assert_int_eq(store_reply_accept_counter(st, 9999, &c, &rs, err, sizeof(err)), STORE_CHECKIN_UNKNOWN);
}
END_TEST

START_TEST(test_summary_marks)
{
	time_t at;

	ck_assert_int_eq(store_summary_last(st, "alice@example.com", &at, err, sizeof(err)), 0);
	ck_assert_int_eq(at, 0);
	ck_assert_int_eq(store_summary_mark(st, "alice@example.com", 1000, err, sizeof(err)), 0);
	ck_assert_int_eq(store_summary_mark(st, "Alice@Example.com", 2000, err, sizeof(err)), 0);
	ck_assert_int_eq(store_summary_last(st, "alice@example.com", &at, err, sizeof(err)), 0);
	ck_assert_int_eq(at, 2000);
}
END_TEST

/* A summary's claim is a lease: one claimer at a time (the address in any case), the
 * next after the lease or a release; none once the summary went out after the due time,
 * until the next one is due. A claim alone leaves the summary unsent ("never"). */
START_TEST(test_summary_claims)
{
	time_t at;

	ck_assert_int_eq(store_summary_claim(st, "alice@example.com", 500, 1000, 10, err, sizeof(err)), 1);
	ck_assert_int_eq(store_summary_last(st, "alice@example.com", &at, err, sizeof(err)), 0);
	ck_assert_int_eq(at, 0);
	ck_assert_int_eq(store_summary_claim(st, "Alice@Example.com", 500, 1009, 10, err, sizeof(err)), 0);
	ck_assert_int_eq(store_summary_claim(st, "alice@example.com", 500, 1010, 10, err, sizeof(err)), 1);
	ck_assert_int_eq(store_summary_claim(st, "bob@example.com", 500, 1010, 10, err, sizeof(err)), 1);
	ck_assert_int_eq(store_summary_mark(st, "alice@example.com", 2000, err, sizeof(err)), 0);
	ck_assert_int_eq(store_summary_last(st, "alice@example.com", &at, err, sizeof(err)), 0);
	ck_assert_int_eq(at, 2000);
	/* sent at 2000: not due for a claim with the due time before it, due from it on */
	ck_assert_int_eq(store_summary_claim(st, "alice@example.com", 1999, 1011, 10, err, sizeof(err)), 0);
	ck_assert_int_eq(store_summary_claim(st, "alice@example.com", 2000, 1011, 10, err, sizeof(err)), 1);
	ck_assert_int_eq(store_summary_release(st, "ALICE@example.com", err, sizeof(err)), 0);
	ck_assert_int_eq(store_summary_claim(st, "alice@example.com", 2000, 1012, 10, err, sizeof(err)), 1);
	ck_assert_int_eq(store_summary_last(st, "alice@example.com", &at, err, sizeof(err)), 0);
	ck_assert_int_eq(at, 2000);
}
END_TEST

/* --- the filter's reply step, through filter_run() --- */

/* fixture_as - a fixture with our check-in's UID and the given SEQUENCE; caller frees */
static char *
fixture_as(const char *name, int sequence)
{
	const char *top = getenv("top_srcdir");
	char path[1024], *buf, *out, *p;
	FILE *fp;
	long n;
	size_t o = 0;

	snprintf(path, sizeof(path), "%s/tests/itip/%s", top ? top : ".", name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t) n + 1);
	ck_assert(fread(buf, 1, (size_t) n, fp) == (size_t) n);
	fclose(fp);
	out = calloc(1, (size_t) n + 512);
	for (p = buf; *p; ) {
		if (strncmp(p, FIXTURE_UID, strlen(FIXTURE_UID)) == 0) {
			o += (size_t) sprintf(out + o, "%s", ci_uid);
			p += strlen(FIXTURE_UID);
		} else if (strncmp(p, "\nSEQUENCE:", 10) == 0) {
			o += (size_t) sprintf(out + o, "\nSEQUENCE:%d", sequence);
			p += 10;
			while (*p >= '0' && *p <= '9')
				p++;
		} else
			out[o++] = *p++;
	}
	free(buf);
	return out;
}

/* run_reply - filter_run() on internal mail from sender (From: from) to rcpt carrying
 * the fixture (with a UID of no check-in when other_uid); returns the result (caller
 * clears) */
static void
run_reply_uid(const char *fixture, int sequence, int other_uid, const char *sender,
	      const char *from, const char *rcpt, time_t now, struct filter_result *res)
{
	struct filter_ctx *fc = filter_ctx_new(conf, err, sizeof(err));
	struct ps_msg *m = msg_new(0);
	char *ics = fixture_as(fixture, sequence), *mail;

	if (other_uid)
		strstr(ics, "UID:")[4] = 'X';

	ck_assert_msg(fc != NULL, "%s", err);
	mail = NULL;
	ck_assert(asprintf(&mail, "From: <%s>\r\nTo: <%s>\r\nSubject: Accepted\r\n"
	    "Message-ID: <r@example.com>\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\nAccepted.\r\n--b\r\n"
	    "Content-Type: text/calendar; charset=utf-8; method=REPLY\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n--b--\r\n", from, rcpt, ics) > 0);
	msg_set_sender(m, sender);
	msg_add_rcpt(m, rcpt, 0);
	m->origin_internal = 1;
	ck_assert_int_eq(msg_load_bytes(m, mail, strlen(mail)), 0);
	memset(res, 0, sizeof(*res));
	ck_assert_int_eq(filter_store_run(fc, st, 1, NULL, m, now, res), 0);
	free(mail);
	free(ics);
	msg_free(m);
	filter_ctx_free(fc);
}

#define run_reply(fixture, sequence, sender, from, rcpt, now, res) \
	run_reply_uid(fixture, sequence, 0, sender, from, rcpt, now, res)

START_TEST(test_filter_accepted_and_forged)
{
	struct filter_result res;
	struct store_checkin c;
	struct store_reply_state rs;

	/* from someone else, naming alice as ATTENDEE: ignored */
	run_reply("thunderbird-accepted.ics", 0, "<mallory@example.com>", "alice@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert(res.reply && !res.reply_recorded);
	ck_assert_msg(strstr(res.reply_note, "forged") != NULL, "%s", res.reply_note);
	filter_result_clear(&res);
	/* envelope right, From another */
	run_reply("thunderbird-accepted.ics", 0, "<alice@example.com>", "mallory@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert(!res.reply_recorded);
	filter_result_clear(&res);
	/* an answer to a SEQUENCE never sent */
	run_reply("thunderbird-accepted.ics", 4, "<alice@example.com>", "alice@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert(!res.reply_recorded);
	filter_result_clear(&res);
	get(&c, &rs);
	ck_assert_str_eq(rs.partstat, "");
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	/* the real one, Outlook's (ATTENDEE in capitals) */
	run_reply("outlook-accepted.ics", 0, "<alice@example.com>", "Alice@Example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert_msg(res.reply_recorded, "%s", res.reply_note);
	ck_assert(!res.discard);		/* reply-mail = keep */
	filter_result_clear(&res);
	get(&c, &rs);
	ck_assert_str_eq(rs.partstat, "ACCEPTED");
	ck_assert_int_eq(rs.partstat_sequence, 0);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
}
END_TEST

START_TEST(test_filter_declined_replans)
{
	struct filter_result res;
	struct store_checkin c;
	struct store_reply_state rs;
	time_t before;

	get(&c, &rs);
	before = c.due_at;
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	run_reply("google-declined.ics", 0, "<alice@example.com>", "alice@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert_msg(res.reply_recorded, "%s", res.reply_note);
	ck_assert_msg(strstr(res.reply_note, "re-planned") != NULL, "%s", res.reply_note);
	filter_result_clear(&res);
	get(&c, &rs);
	ck_assert_str_eq(rs.partstat, "DECLINED");
	ck_assert_int_eq(c.sequence, 1);		/* a new REQUEST is due */
	ck_assert_str_eq(c.state, "planned");
	ck_assert_int_gt(c.due_at, before);
	ck_assert_str_eq(c.uid, ci_uid);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	/* the same DECLINED again (SEQUENCE 0 now old): nothing moves */
	run_reply("google-declined.ics", 0, "<alice@example.com>", "alice@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert(!res.reply_recorded);
	filter_result_clear(&res);
	get(&c, &rs);
	ck_assert_int_eq(c.sequence, 1);
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
}
END_TEST

START_TEST(test_filter_counter_unknown_and_discard)
{
	struct filter_result res;
	struct store_checkin c;
	struct store_reply_state rs;

	run_reply("thunderbird-counter.ics", 0, "<alice@example.com>", "alice@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert_msg(res.reply_recorded, "%s", res.reply_note);
	filter_result_clear(&res);
	get(&c, &rs);
	ck_assert_int_eq(rs.counter_start, 1796392800);	/* 2026-12-04T14:00:00Z */
	ck_assert_int_eq(rs.counter_end, 1796394600);
	ck_assert_int_eq(c.sequence, 0);			/* nothing moved yet */
	ck_assert_str_eq(rs.partstat, "");			/* a COUNTER is no answer */
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);

	/* an unknown UID: ignored, the mail is kept */
	run_reply_uid("thunderbird-accepted.ics", 0, 1, "<alice@example.com>", "alice@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert(res.reply && !res.reply_recorded && !res.discard);
	ck_assert_msg(strstr(res.reply_note, "no check-in has this UID") != NULL, "%s", res.reply_note);
	filter_result_clear(&res);
	/* reply-mail = discard: a recorded answer to postsale-address alone is dropped */
	conf->reply_mail = CONF_REPLY_MAIL_DISCARD;
	run_reply("thunderbird-accepted.ics", 0, "<alice@example.com>", "alice@example.com",
	    "<postsale@example.com>", t0, &res);
	ck_assert(res.reply_recorded && res.discard);
	filter_result_clear(&res);
}
END_TEST

static Suite *
store_reply_suite(void)
{
	Suite *s = suite_create("store_reply");
	TCase *tc = tcase_create("store");
	TCase *tf = tcase_create("filter");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_record_by_sequence_and_dtstamp);
	tcase_add_test(tc, test_unanswered);
	tcase_add_test(tc, test_accept_counter);
	tcase_add_test(tc, test_summary_marks);
	tcase_add_test(tc, test_summary_claims);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_set_timeout(tf, 30);
	tcase_add_test(tf, test_filter_accepted_and_forged);
	tcase_add_test(tf, test_filter_declined_replans);
	tcase_add_test(tf, test_filter_counter_unknown_and_discard);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	return test_run(store_reply_suite());
}

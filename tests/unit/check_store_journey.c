/*
 * check_store_journey.c - customers and check-ins in the store (lib/store_journey.c)
 * and the journey glue (lib/journey.c), on a fresh store per test: an SQLite file, or
 * with POSTGRESQL_URI a schema of its own on that server (test_db.h; tests/pg/suites.sh
 * runs the suite on both). The test's own SQL is in the text both engines take.
 *
 * Expectations come from the documented rules, not from our output: the default
 * schedule (day 7, 30, 90, quarterly to day 365, one anniversary) gives 6 check-ins
 * for an onboarding on Mon 2025-03-03 (quarters at months 6 and 9, the 12th being the
 * anniversary); a renewal adds one; SEQUENCE goes up by one per move and per cancel
 * (RFC 5546 3.2.2, 3.2.5); only check-ins after the off-boarding instant are cancelled.
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

#include "test_time.h"
#include "test_files.h"
#include "test_run.h"
#include "conf/conf.h"
#include "journey/journey.h"
#include "journey/journey_import.h"
#include "store/store_journey.h"
/* behind the store's interface: its connection (store_db) */
#include "store/store_int.h"
#include "test_db.h"

static char dir[64];
static char target[1024];		/* the case's store (test_db_target) */
static struct ps_conf *conf;
static struct store *st;
static char err[1024];


/* open_with - the config (the case's store, extra lines) and the store: again after a
 * close, the same store */
static void open_with(const char *extra)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/postsale.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "database = %s\nstate-directory = %s\npostsale-address = postsale@seller.example\n%s",
	    target, dir, extra);
	fclose(f);
	conf = conf_load(path, err, sizeof(err));
	ck_assert_msg(conf != NULL, "%s", err);
	st = store_open(conf->database, 2000, STORE_CREATE, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_sj.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(test_db_target(target, sizeof(target), dir, "db.sqlite"));
	open_with("manager-timezones = anna@seller.example=Europe/Berlin\n");
}

static void teardown(void)
{
	st = store_close(st);
	conf = conf_free(conf);
	ck_assert_int_eq(test_rmtree(dir), 0);
}

static int start(const char *addr, const char *name, const char *sender, const char *renewal,
		 time_t now)
{
	struct journey_party p = { addr, name };
	struct onboard_info info;

	memset(&info, 0, sizeof(info));
	info.kind = ONBOARD_START;
	if (renewal) {
		snprintf(info.renewal, sizeof(info.renewal), "%s", renewal);
		info.has_renewal = 1;
	}
	return journey_start(st, conf, &p, sender, &info, now, err, sizeof(err));
}

static size_t list(const char *customer, struct store_checkin **v)
{
	size_t n;

	ck_assert_msg(store_checkin_list(st, customer, v, &n, err, sizeof(err)) == 0, "%s", err);
	return n;
}

/* find - the check-in of kind in v */
static struct store_checkin *find(struct store_checkin *v, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].kind, kind) == 0)
			return &v[i];
	ck_abort_msg("no %s check-in", kind);
	return NULL;
}

START_TEST(test_start_idempotent)
{
	time_t t0 = utc("2025-03-03T10:00");
	struct store_checkin *v;
	struct store_customer c;
	size_t n;

	ck_assert_int_eq(start("a@acme.example", "ACME GmbH", "anna@seller.example", NULL, t0), 6);
	n = list(NULL, &v);
	ck_assert_uint_eq(n, 6);
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(v[i].state, "planned");
		ck_assert_int_eq(v[i].sequence, 0);
		ck_assert_int_eq(v[i].sent_sequence, -1);
		ck_assert_str_eq(v[i].manager, "anna@seller.example");
		ck_assert_str_eq(v[i].tzid, "Europe/Berlin");
		ck_assert_ptr_nonnull(strstr(v[i].uid, "@seller.example"));
		ck_assert(v[i].due_at > t0);
	}
	store_checkins_free(v, n);
	/* a second onboarding mail a day later changes nothing */
	ck_assert_int_eq(start("A@ACME.example", NULL, "other@seller.example", NULL, t0 + 86400), 0);
	ck_assert_uint_eq(list(NULL, &v), 6);
	store_checkins_free(v, 6);
	ck_assert_int_eq(store_customer_get(st, "a@acme.example", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.onboarded_at, t0);
	ck_assert_str_eq(c.manager, "anna@seller.example");
	ck_assert_str_eq(c.display_name, "ACME GmbH");
	ck_assert_str_eq(c.domain, "acme.example");
	store_customer_clear(&c);
	/* a third one bringing a renewal date adds the pre-renewal check-in only */
	ck_assert_int_eq(start("a@acme.example", NULL, "anna@seller.example", "2025-12-15", t0 + 86400), 1);
	n = list(NULL, &v);
	ck_assert_uint_eq(n, 7);
	/* 30 days before Mon 2025-12-15 is Sat 2025-11-15: moved back to Fri 2025-11-14 */
	ck_assert_int_eq(find(v, n, "pre-renewal")->due_at / 86400, utc("2025-11-14T00:00") / 86400);
	store_checkins_free(v, n);
	/* a new renewal date moves it: SEQUENCE 1 */
	ck_assert_int_eq(journey_renewal(st, conf, "a@acme.example", "2026-01-15", t0 + 86400, err, sizeof(err)), 1);
	n = list(NULL, &v);
	ck_assert_int_eq(find(v, n, "pre-renewal")->sequence, 1);
	ck_assert_int_eq(find(v, n, "pre-renewal")->due_at / 86400, utc("2025-12-16T00:00") / 86400);
	store_checkins_free(v, n);
	ck_assert_int_eq(journey_renewal(st, conf, "nobody@x.example", "2026-01-15", t0, err, sizeof(err)), -2);
	ck_assert_int_eq(journey_renewal(st, conf, "a@acme.example", "2026-02-30", t0, err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_manager_mapping_and_bad_input)
{
	time_t t0 = utc("2025-03-03T10:00");
	struct store_customer c;
	struct store_checkin *v;
	size_t n;

	st = store_close(st);
	conf = conf_free(conf);
	open_with("account-managers = acme.example=bob@seller.example, *.beta.example=cy@seller.example\n"
	    "manager-timezones = bob@seller.example=America/New_York\n");
	ck_assert_int_gt(start("a@acme.example", NULL, "anna@seller.example", NULL, t0), 0);
	ck_assert_int_gt(start("x@eu.beta.example", NULL, "anna@seller.example", NULL, t0), 0);
	n = list("a@acme.example", &v);
	ck_assert_str_eq(v[0].manager, "bob@seller.example");
	ck_assert_str_eq(v[0].tzid, "America/New_York");
	store_checkins_free(v, n);
	n = list("x@eu.beta.example", &v);
	ck_assert_str_eq(v[0].manager, "cy@seller.example");
	ck_assert_str_eq(v[0].tzid, "UTC");
	store_checkins_free(v, n);
	/* a sender that is not an address: an error, nothing stored */
	ck_assert_int_eq(start("d@delta.example", NULL, "not an address", NULL, t0), -1);
	ck_assert_ptr_nonnull(strstr(err, "is not an address"));
	ck_assert_int_eq(store_customer_get(st, "d@delta.example", &c, err, sizeof(err)), 1);
	ck_assert_int_eq(start("d@delta.example", NULL, "<bad\"quote@seller.example>", NULL, t0), -1);
	ck_assert_int_eq(start("no-at-sign", NULL, "anna@seller.example", NULL, t0), -1);
	ck_assert_int_eq(store_customer_get(st, "no-at-sign", &c, err, sizeof(err)), 1);
}
END_TEST

START_TEST(test_stop_future_only_and_restart)
{
	time_t t0 = utc("2025-03-03T10:00"), mid = utc("2025-04-15T00:00");
	struct store_checkin *v, *d7;
	size_t n;
	char uid7[128];
	int cancelled = 0;

	ck_assert_int_eq(start("a@acme.example", NULL, "anna@seller.example", NULL, t0), 6);
	n = list(NULL, &v);
	d7 = find(v, n, "day-7");
	snprintf(uid7, sizeof(uid7), "%s", d7->uid);
	ck_assert_int_eq(store_checkin_sent(st, d7->id, 0, err, sizeof(err)), 0);
	store_checkins_free(v, n);
	/* off-boarded after day 30 (Apr 2): day-7 and day-30 stay, the 4 later ones go */
	ck_assert_int_eq(journey_stop(st, conf, "a@acme.example", mid, err, sizeof(err)), 4);
	n = list(NULL, &v);
	for (size_t i = 0; i < n; i++) {
		if (v[i].due_at > mid) {
			ck_assert_str_eq(v[i].state, "cancelled");
			ck_assert_int_eq(v[i].sequence, 1);
			cancelled++;
		} else
			ck_assert_str_ne(v[i].state, "cancelled");
	}
	ck_assert_int_eq(cancelled, 4);
	ck_assert_str_eq(find(v, n, "day-7")->state, "sent");
	store_checkins_free(v, n);
	ck_assert_int_eq(journey_stop(st, conf, "unknown@x.example", mid, err, sizeof(err)), 0);
	/* onboarded again: the same UIDs, planned anew from the new date, SEQUENCE up */
	ck_assert_int_gt(start("a@acme.example", NULL, "anna@seller.example", NULL, mid + 86400), 0);
	n = list(NULL, &v);
	ck_assert_uint_eq(n, 6);
	d7 = find(v, n, "day-7");
	ck_assert_str_eq(d7->uid, uid7);
	ck_assert_int_eq(d7->sequence, 1);
	ck_assert_str_eq(d7->state, "planned");
	ck_assert(d7->due_at > mid + 7 * 86400);
	ck_assert_int_eq(find(v, n, "day-90")->sequence, 2);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(v[i].state, "planned");
	store_checkins_free(v, n);
}
END_TEST

START_TEST(test_move_cancel_sequence)
{
	time_t t0 = utc("2025-03-03T10:00");
	struct store_checkin *v, c;
	long long id;
	size_t n;

	start("a@acme.example", NULL, "anna@seller.example", NULL, t0);
	n = list(NULL, &v);
	id = v[0].id;
	store_checkins_free(v, n);
	ck_assert_int_eq(store_checkin_sent(st, id, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_move(st, id, t0 + 8 * 86400, t0 + 8 * 86400 + 1800, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_get(st, id, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.sequence, 1);
	ck_assert_int_eq(c.sent_sequence, 0);
	ck_assert_str_eq(c.state, "planned");
	ck_assert_int_eq(c.due_at, t0 + 8 * 86400);
	store_checkin_clear(&c);
	ck_assert_int_eq(store_checkin_cancel(st, id, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_get(st, id, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.sequence, 2);
	ck_assert_str_eq(c.state, "cancelled");
	store_checkin_clear(&c);
	ck_assert_int_eq(store_checkin_cancel(st, id, err, sizeof(err)), STORE_CHECKIN_CANCELLED);
	ck_assert_int_eq(store_checkin_move(st, id, t0, t0 + 60, err, sizeof(err)), STORE_CHECKIN_CANCELLED);
	ck_assert_int_eq(store_checkin_move(st, 999999, t0, t0 + 60, err, sizeof(err)), STORE_CHECKIN_UNKNOWN);
	ck_assert_int_eq(store_checkin_cancel(st, 999999, err, sizeof(err)), STORE_CHECKIN_UNKNOWN);
}
END_TEST

/* due_ids - how many check-ins have work at now */
static size_t due_count(time_t now, long ahead)
{
	struct store_checkin *v;
	size_t n;

	ck_assert_msg(store_checkin_due(st, now, ahead, 0, &v, &n, err, sizeof(err)) == 0, "%s", err);
	store_checkins_free(v, n);
	return n;
}

/* A claim's lease (several mailers on PostgreSQL): while it runs no other claim takes
 * the check-in; after it, the next takes it (a mailer killed mid-send); a recorded send
 * ends it. SQLite (one mailer, the flock) keeps no lease: the next claim takes it. */
START_TEST(test_claim_lease)
{
	time_t t0 = utc("2025-03-03T10:00"), day7 = utc("2025-03-10T00:00"), clock = 1800000000;
	long ahead = 14 * 86400;
	int leased = test_db_uri() != NULL;
	struct store_checkin *v, c, again;
	long long id7;
	size_t n;

	start("a@acme.example", NULL, "anna@seller.example", NULL, t0);
	n = list(NULL, &v);
	id7 = find(v, n, "day-7")->id;
	store_checkins_free(v, n);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, clock, 60, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, clock + 59, 60, &again, err,
	    sizeof(err)), leased ? 1 : 0);
	if (!leased)
		store_checkin_clear(&again);
	else {	/* the lease passed: the same UID and SEQUENCE again, one more attempt */
		ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, clock + 60, 60, &again,
		    err, sizeof(err)), 0);
		ck_assert_str_eq(again.uid, c.uid);
		ck_assert_int_eq(again.sequence, c.sequence);
		ck_assert_int_eq(again.attempts, 2);
		store_checkin_clear(&again);
	}
	ck_assert_int_eq(store_checkin_sent(st, id7, c.sequence, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, clock + 61, 60, &again, err,
	    sizeof(err)), 1);	/* sent: nothing to do */
	/* a move makes it due again: the lease ended with the send */
	ck_assert_int_eq(store_checkin_move(st, id7, day7 + 3600, day7 + 5400, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, clock + 62, 60, &again, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(again.sequence, c.sequence + 1);
	store_checkin_clear(&again);
	store_checkin_clear(&c);
}
END_TEST

START_TEST(test_mailer_transitions)
{
	time_t t0 = utc("2025-03-03T10:00"), day7 = utc("2025-03-10T00:00");
	long ahead = 14 * 86400;
	struct store_checkin *v, c;
	long long id7, id30;
	size_t n;

	start("a@acme.example", NULL, "anna@seller.example", NULL, t0);
	n = list(NULL, &v);
	id7 = find(v, n, "day-7")->id;
	id30 = find(v, n, "day-30")->id;
	store_checkins_free(v, n);
	/* at day 7 with two weeks ahead only day-7 is due (day 30 is 23 days on) */
	ck_assert_uint_eq(due_count(day7, ahead), 1);
	ck_assert_uint_eq(due_count(t0, 0), 0);
	/* claim: pending + attempts committed before sending */
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, day7, 0, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.pending, "request");
	ck_assert_int_eq(c.attempts, 1);
	store_checkin_clear(&c);
	/* a crash now: still due (pending), claimed again with attempts 2 */
	ck_assert_uint_eq(due_count(day7, ahead), 1);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, day7, 0, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.attempts, 2);
	store_checkin_clear(&c);
	ck_assert_int_eq(store_checkin_sent(st, id7, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_get(st, id7, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.state, "sent");
	ck_assert_str_eq(c.pending, "");
	ck_assert_int_eq(c.sent_sequence, 0);
	store_checkin_clear(&c);
	ck_assert_uint_eq(due_count(day7, ahead), 0);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, day7, 0, &c, err, sizeof(err)), 1);
	/* a move of a sent one is due at once, however far away */
	ck_assert_int_eq(store_checkin_move(st, id7, day7 + 100 * 86400, day7 + 100 * 86400 + 1800, err, sizeof(err)), 0);
	ck_assert_uint_eq(due_count(day7, ahead), 1);
	/* a move during a send: the old sequence is recorded, the new one stays due */
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, day7, 0, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.sequence, 1);
	store_checkin_clear(&c);
	ck_assert_int_eq(store_checkin_move(st, id7, day7 + 101 * 86400, day7 + 101 * 86400 + 1800, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_sent(st, id7, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_get(st, id7, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.state, "planned");
	ck_assert_int_eq(c.sent_sequence, 1);
	store_checkin_clear(&c);
	ck_assert_uint_eq(due_count(day7, ahead), 1);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, day7, 0, &c, err, sizeof(err)), 0);
	store_checkin_clear(&c);
	ck_assert_int_eq(store_checkin_sent(st, id7, 2, err, sizeof(err)), 0);
	/* cancelling it: a CANCEL is due; cancelling the never-sent day-30: nothing due */
	ck_assert_int_eq(store_checkin_cancel(st, id7, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_cancel(st, id30, err, sizeof(err)), 0);
	ck_assert_uint_eq(due_count(day7, ahead), 1);
	ck_assert_int_eq(store_checkin_claim(st, id7, day7, ahead, day7, 0, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.pending, "cancel");
	ck_assert_int_eq(c.sequence, 3);
	store_checkin_clear(&c);
	ck_assert_int_eq(store_checkin_sent(st, id7, 3, err, sizeof(err)), 0);
	ck_assert_uint_eq(due_count(day7, ahead), 0);
	ck_assert_int_eq(store_checkin_get(st, id7, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.state, "cancelled");
	store_checkin_clear(&c);
}
END_TEST

START_TEST(test_failures)
{
	time_t t0 = utc("2025-03-03T10:00"), day7 = utc("2025-03-10T00:00");
	long ahead = 14 * 86400;
	struct store_checkin *v, c;
	long long id7, id30;
	size_t n;

	start("a@acme.example", NULL, "anna@seller.example", NULL, t0);
	n = list(NULL, &v);
	id7 = find(v, n, "day-7")->id;
	id30 = find(v, n, "day-30")->id;
	store_checkins_free(v, n);
	/* temporary: retried at retry_at, not before; failed at the 3rd attempt (max 3) */
	for (int attempt = 1; attempt <= 3; attempt++) {
		time_t at = day7 + attempt * 1000;
		ck_assert_int_eq(store_checkin_claim(st, id7, at, ahead, at, 0, &c, err, sizeof(err)), 0);
		store_checkin_clear(&c);
		ck_assert_int_eq(store_checkin_failed(st, id7, 0, "421 try later", at + 600, 3, err, sizeof(err)),
		    attempt == 3);
		if (attempt < 3) {
			ck_assert_uint_eq(due_count(at + 599, ahead), 0);
			ck_assert_uint_eq(due_count(at + 600, ahead), 1);
		}
	}
	ck_assert_int_eq(store_checkin_get(st, id7, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.state, "failed");
	ck_assert_str_eq(c.last_error, "421 try later");
	ck_assert_int_eq(c.attempts, 3);
	store_checkin_clear(&c);
	ck_assert_uint_eq(due_count(day7 + 86400 * 30, ahead), 1);	/* day-30 only */
	/* permanent: failed at once */
	ck_assert_int_eq(store_checkin_claim(st, id30, day7 + 86400 * 30, ahead, day7 + 86400 * 30, 0, &c, err, sizeof(err)), 0);
	store_checkin_clear(&c);
	ck_assert_int_eq(store_checkin_failed(st, id30, 1, "550 no such user", 0, 8, err, sizeof(err)), 1);
	ck_assert_int_eq(store_checkin_get(st, id30, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.state, "failed");
	store_checkin_clear(&c);
	/* moving a failed one plans it again with a clean slate */
	ck_assert_int_eq(store_checkin_move(st, id30, day7 + 86400 * 31, day7 + 86400 * 31 + 1800, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_get(st, id30, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.state, "planned");
	ck_assert_int_eq(c.attempts, 0);
	ck_assert_ptr_null(c.last_error);
	store_checkin_clear(&c);
}
END_TEST

START_TEST(test_facts)
{
	time_t t0 = utc("2025-03-03T10:00");
	struct journey_facts f;

	start("a@acme.example", "ACME GmbH", "anna@seller.example", NULL, t0);
	ck_assert_int_eq(db_exec(store_db(st), "INSERT INTO invoices (number, buyer_address, verdict, sent_at)"
	    " VALUES ('1', 'a@acme.example', 'ok', 1), ('2', 'A@acme.example', 'flagged', 2),"
	    " ('3', 'other@x.example', 'flagged', 3)"), DB_DONE);
	ck_assert_int_eq(journey_customer_facts(st, "a@acme.example", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f.since, t0);
	ck_assert_int_eq(f.invoice_count, 2);
	ck_assert_int_eq(f.flagged_count, 1);
	ck_assert_str_eq(f.name, "ACME GmbH");
	ck_assert_str_eq(f.manager, "anna@seller.example");
	ck_assert_int_eq(journey_customer_facts(st, "b@x.example", &f, err, sizeof(err)), 1);
}
END_TEST

/* sql_int - one integer from a query of the test's own */
static long long sql_int(const char *sql)
{
	struct db_stmt *stmt = db_prepare(store_db(st), sql);
	long long v;

	ck_assert_msg(stmt != NULL, "%s: %s", sql, db_errmsg(store_db(st)));
	ck_assert_int_eq(db_step(stmt), DB_ROW);
	v = db_column_int64(stmt, 0);
	db_reset(stmt);
	return v;
}

/* Overlapping check-ins of one manager, and pairs of one customer on one Berlin day,
 * counted by SQL of the test's own (Berlin is UTC+1 or +2: a day boundary that both
 * readings agree on is enough for check-ins inside 09:00-17:00). */
#define OVERLAPS "SELECT count(*) FROM checkins a JOIN checkins b ON a.id < b.id" \
	" AND a.manager = b.manager COLLATE NOCASE AND a.due_at < b.end_at AND b.due_at < a.end_at" \
	" WHERE a.state NOT IN ('cancelled', 'skipped') AND b.state NOT IN ('cancelled', 'skipped')"
#define SAME_DAY "SELECT count(*) FROM checkins a JOIN checkins b ON a.id < b.id" \
	" AND a.customer_id = b.customer_id AND (a.due_at + 7200) / 86400 =" \
	" (b.due_at + 7200) / 86400 WHERE a.state <> 'cancelled' AND b.state <> 'cancelled'"

START_TEST(test_no_double_booking)
{
	time_t t0 = utc("2025-03-03T10:00");
	char addr[64];

	/* twelve customers of one manager onboarded on one day: no two share a slot */
	for (int k = 0; k < 12; k++) {
		snprintf(addr, sizeof(addr), "c%d@many.example", k);
		ck_assert_msg(start(addr, NULL, "anna@seller.example", NULL, t0 + k) >= 6, "%s", err);
	}
	ck_assert_int_eq(sql_int("SELECT count(*) FROM checkins"), 12 * 6);
	ck_assert_int_eq(sql_int(OVERLAPS), 0);
	/* the case: a renewal 30 days after day 90 (Jul 1: pre-renewal May 31, a
	 * Saturday, so Fri May 30 - day 90 is Sun Jun 1 -> Mon Jun 2) and one right on it */
	ck_assert_int_ge(start("r@renew.example", NULL, "anna@seller.example", "2025-07-01", t0), 7);
	ck_assert_int_ge(start("s@renew.example", NULL, "anna@seller.example", "2025-07-02", t0), 7);
	ck_assert_int_eq(sql_int(OVERLAPS), 0);
	ck_assert_int_eq(sql_int(SAME_DAY), 0);
	/* a later renewal date moves only the pre-renewal check-in, still clear of the rest */
	ck_assert_int_eq(journey_renewal(st, conf, "r@renew.example", "2025-06-03", t0 + 60, err,
					 sizeof(err)), 1);
	ck_assert_int_eq(sql_int(OVERLAPS), 0);
	ck_assert_int_eq(sql_int(SAME_DAY), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM checkins WHERE sequence > 0"), 1);
}
END_TEST

START_TEST(test_replan)
{
	time_t t0 = utc("2025-03-03T10:00"), at = 0;
	struct store_checkin *v, before, after;
	long long id;
	size_t n;

	ck_assert_int_ge(start("a@acme.example", NULL, "anna@seller.example", NULL, t0), 6);
	ck_assert_int_ge(start("b@beta.example", NULL, "anna@seller.example", NULL, t0), 6);
	n = list("a@acme.example", &v);
	id = find(v, n, "day-7")->id;
	store_checkins_free(v, n);
	ck_assert_int_eq(store_checkin_get(st, id, &before, err, sizeof(err)), 0);
	ck_assert_int_eq(journey_replan_checkin(st, conf, id, t0, &at, err, sizeof(err)), 0);
	ck_assert_int_eq(store_checkin_get(st, id, &after, err, sizeof(err)), 0);
	ck_assert_int_eq(after.due_at, at);
	ck_assert_int_ge(after.due_at, before.end_at);	/* the next free slot after it */
	ck_assert_int_lt(after.due_at, before.due_at + 86400);	/* the same day: slots were free */
	ck_assert_int_eq(after.sequence, before.sequence + 1);
	ck_assert_str_eq(after.state, "planned");
	ck_assert_str_eq(after.uid, before.uid);
	ck_assert_int_eq(sql_int(OVERLAPS), 0);
	store_checkin_clear(&before);
	store_checkin_clear(&after);
	/* inside a transaction of the caller's: it joins it */
	ck_assert_int_eq(store_journey_begin(st, err, sizeof(err)), 0);
	ck_assert_int_eq(journey_replan_checkin(st, conf, id, t0, NULL, err, sizeof(err)), 0);
	store_journey_rollback(st);
	ck_assert_int_eq(store_checkin_get(st, id, &after, err, sizeof(err)), 0);
	ck_assert_int_eq(after.due_at, at);	/* rolled back with the caller's */
	store_checkin_clear(&after);
	ck_assert_int_eq(journey_replan_checkin(st, conf, 999999, t0, NULL, err, sizeof(err)), 1);
	ck_assert_int_eq(store_checkin_cancel(st, id, err, sizeof(err)), 0);
	ck_assert_int_eq(journey_replan_checkin(st, conf, id, t0, NULL, err, sizeof(err)), 1);
}
END_TEST

START_TEST(test_add_since)
{
	time_t now = utc("2025-06-10T12:00");
	struct journey_new nc = { "old@acme.example", "Old Co", "anna@seller.example",
				  "2025-01-15", NULL };
	struct journey_added out;
	struct store_checkin *v;
	struct store_customer c;
	size_t n;

	ck_assert_int_eq(store_journey_begin(st, err, sizeof(err)), 0);
	ck_assert_msg(journey_add(st, conf, &nc, now, &out, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(store_journey_commit(st, err, sizeof(err)), 0);
	/* Jan 15 + 7, 30, 90 are past on Jun 10; quarterly Jul 15, Oct 15, anniversary Jan 15 */
	ck_assert_int_eq(out.skipped, 3);
	ck_assert_int_eq(out.planned, 3);
	n = list("old@acme.example", &v);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(v[i].state, v[i].due_at <= now ? "skipped" : "planned");
	store_checkins_free(v, n);
	ck_assert_int_eq(store_customer_get(st, "old@acme.example", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.onboarded_at, utc("2025-01-14T23:00"));	/* midnight in Berlin */
	store_customer_clear(&c);
	/* nothing past is ever due for the mailer */
	ck_assert_int_eq(store_checkin_due(st, now, 400L * 86400, 0, &v, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	store_checkins_free(v, n);
	/* the same again: unchanged; another date: refused, naming the first */
	ck_assert_int_eq(journey_add(st, conf, &nc, now, &out, err, sizeof(err)), 0);
	ck_assert_int_eq(out.existed, 1);
	nc.since = "2025-01-16";
	ck_assert_int_eq(journey_add(st, conf, &nc, now, &out, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "2025-01-15") != NULL, "%s", err);
	/* dates that do not exist, a year too far, an address that is none */
	nc.address = "new@acme.example";
	nc.since = "2025-02-29";
	ck_assert_int_eq(journey_add(st, conf, &nc, now, &out, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "since:", 6) == 0, "%s", err);
	nc.since = "2027-01-01";
	ck_assert_int_eq(journey_add(st, conf, &nc, now, &out, err, sizeof(err)), -1);
	nc.since = "2025-07-01";
	nc.renewal = "2026-04-31";
	ck_assert_int_eq(journey_add(st, conf, &nc, now, &out, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "renewal:", 8) == 0, "%s", err);
	nc.renewal = NULL;
	nc.address = "not an address";
	ck_assert_int_eq(journey_add(st, conf, &nc, now, &out, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, "address:", 8) == 0, "%s", err);
	/* a future start: everything planned */
	nc.address = "new@acme.example";
	ck_assert_int_eq(journey_add(st, conf, &nc, now, &out, err, sizeof(err)), 0);
	ck_assert_int_eq(out.skipped, 0);
	ck_assert_int_eq(out.planned, 6);
}
END_TEST

START_TEST(test_onboarded_header)
{
	struct journey_party p = { "h@acme.example", NULL };
	struct onboard_info info;
	struct store_customer c;
	time_t now = utc("2025-06-10T12:00");

	memset(&info, 0, sizeof(info));
	info.kind = ONBOARD_START;
	info.has_since = 1;
	snprintf(info.since, sizeof(info.since), "2025-05-01");
	ck_assert_int_eq(journey_start(st, conf, &p, "anna@seller.example", &info, now, err,
				       sizeof(err)), 4);	/* day 7 (May 8) and 30 (Sat May 31 -> Mon Jun 2) are past */
	ck_assert_int_eq(store_customer_get(st, "h@acme.example", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.onboarded_at, utc("2025-04-30T22:00"));
	store_customer_clear(&c);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM checkins WHERE state = 'skipped'"), 2);
}
END_TEST

/* import_count - a report function counting the messages, keeping the last */
static char last_report[1024];
static int n_reports;
static void import_count(void *arg, const char *msg)
{
	(void) arg;
	n_reports++;
	snprintf(last_report, sizeof(last_report), "%s", msg);
}

START_TEST(test_import)
{
	static const char bad[] =
	    "address,name,manager,since,renewal\n"
	    "ok1@imp.example,\"One, Inc.\",anna@seller.example,2025-01-15,\n"
	    "ok2@imp.example,Two,anna@seller.example,2025-06-01,2026-05-01\n"
	    "bad-address,Three,anna@seller.example,2025-01-15,\n"
	    "ok3@imp.example,Four,anna@seller.example,2025-02-30,\n"
	    "ok4@imp.example,Five,,2025-02-01,\n"
	    "ok1@imp.example,Again,anna@seller.example,2025-01-15,\n";
	static const char good[] =
	    "\xef\xbb\xbf" "Since,Address,Manager\r\n"
	    "2025-01-15,ok1@imp.example,anna@seller.example\r\n"
	    "\r\n"
	    "2025-06-01,ok2@imp.example,anna@seller.example\r\n";
	struct journey_import_result res;
	time_t now = utc("2025-06-10T12:00");

	ck_assert_int_eq(journey_import_csv(st, conf, "crm.csv", bad, strlen(bad), now, &res,
					    import_count, NULL, err, sizeof(err)), 1);
	ck_assert_int_eq(n_reports, 4);
	ck_assert_uint_eq(res.bad, 4);
	ck_assert_msg(strncmp(last_report, "crm.csv:7: address:", 19) == 0, "%s", last_report);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM customers"), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM checkins"), 0);
	/* a header without since; an unknown column; an unterminated quote */
	n_reports = 0;
	ck_assert_int_eq(journey_import_csv(st, conf, "h.csv", "address,name\n", 13, now, &res,
					    import_count, NULL, err, sizeof(err)), 1);
	ck_assert_msg(strstr(last_report, "h.csv:1:") && strstr(last_report, "since"), "%s", last_report);
	ck_assert_int_eq(journey_import_csv(st, conf, "h.csv", "address,since,phone\n", 20, now,
					    &res, import_count, NULL, err, sizeof(err)), 1);
	ck_assert_msg(strstr(last_report, "phone") != NULL, "%s", last_report);
	ck_assert_int_eq(journey_import_csv(st, conf, "q.csv", "address,since\n\"a@b.example,2025-01-01\n",
					    38, now, &res, import_count, NULL, err, sizeof(err)), 1);
	ck_assert_msg(strstr(last_report, "q.csv:2: a quote opened on line 2") != NULL, "%s", last_report);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM customers"), 0);
	/* a good file: BOM, CRLF, any column order, a blank line */
	ck_assert_msg(journey_import_csv(st, conf, "good.csv", good, strlen(good), now, &res,
					 import_count, NULL, err, sizeof(err)) == 0, "%s", last_report);
	ck_assert_uint_eq(res.rows, 2);
	ck_assert_uint_eq(res.added, 2);
	ck_assert_uint_eq(res.skipped, 4);	/* ok1: day 7, 30, 90; ok2: day 7 (Sun Jun 8 -> Mon Jun 9) */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM customers"), 2);
	ck_assert_int_eq(sql_int(OVERLAPS), 0);
	ck_assert_int_eq(sql_int(SAME_DAY), 0);
}
END_TEST

START_TEST(test_managers)
{
	struct store_manager *v;
	struct manager m;
	size_t n;
	char path[128];
	FILE *f;

	st = store_close(st);
	conf = conf_free(conf);
	open_with("manager = omar@seller.example; name=Omar Haddad; zone=Asia/Dubai; days=Sun-Thu\n"
		  "manager = kim@seller.example; name = Kim Lee ; zone=Australia/Sydney;"
		  " days=Tue,Thu; hours=10:00-14:00; slot=45\n"
		  "checkin-hours = 08:00-16:00\n");
	ck_assert_int_eq(journey_manager_get(conf, "OMAR@seller.example", &m, err, sizeof(err)), 0);
	ck_assert_str_eq(m.name, "Omar Haddad");
	ck_assert_str_eq(m.tz, "Asia/Dubai");
	ck_assert_uint_eq(m.workdays, 0x1f);	/* Sun-Thu */
	ck_assert_int_eq(m.day_start_min, 8 * 60);	/* the global key */
	ck_assert_int_eq(m.slot_min, 30);
	ck_assert_int_eq(journey_manager_get(conf, "kim@seller.example", &m, err, sizeof(err)), 0);
	ck_assert_str_eq(m.name, "Kim Lee");
	ck_assert_int_eq(m.slot_min, 45);
	ck_assert_int_eq(m.day_end_min, 14 * 60);
	char *name = journey_manager_name(st, conf, "KIM@seller.example");
	ck_assert_str_eq(name, "Kim Lee");
	free(name);
	ck_assert_ptr_null(journey_manager_name(st, conf, "x@seller.example"));
	ck_assert_int_eq(journey_manager_get(conf, "x@seller.example", &m, err, sizeof(err)), 0);
	ck_assert_int_eq(m.configured, 0);
	ck_assert_str_eq(m.tz, "UTC");
	ck_assert_int_ge(start("a@acme.example", NULL, "x@seller.example", NULL,
			       utc("2025-03-03T10:00")), 6);
	ck_assert_int_eq(journey_managers_sync(st, conf, utc("2025-03-03T10:00"), err, sizeof(err)), 0);
	ck_assert_int_eq(store_manager_list(st, utc("2025-03-03T10:00"), &v, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0].m.address, "kim@seller.example");
	ck_assert_int_eq(v[0].m.configured, 1);
	ck_assert_str_eq(v[2].m.address, "x@seller.example");
	ck_assert_int_eq(v[2].m.configured, 0);
	ck_assert_int_eq(v[2].upcoming, 6);
	free(v);
	/* the line is gone: the name the managers table keeps */
	st = store_close(st);
	conf = conf_free(conf);
	open_with("");
	name = journey_manager_name(st, conf, "kim@seller.example");
	ck_assert_str_eq(name, "Kim Lee");
	free(name);
	/* bad manager lines: file:line, key and field */
	static const struct { const char *line; const char *want; } bad[] = {
		{ "manager = omar@seller.example; zone=Asia/Dubay", ":2: manager: zone:" },
		{ "manager = omar; zone=Asia/Dubai", ":2: manager: 'omar' is not a mail address" },
		{ "manager = o@x.example; days=Fri-Sut", ":2: manager: days:" },
		{ "manager = o@x.example; hours=17:00-09:00", ":2: manager: hours:" },
		{ "manager = o@x.example; slot=0", ":2: manager: slot:" },
		{ "manager = o@x.example; hours=09:00-09:30; slot=45", ":2: manager: slot:" },
		{ "manager = o@x.example; colour=blue", ":2: manager: 'colour' is not one of" },
		{ "manager = o@x.example\nmanager = O@x.example; name=again", ":3: manager: 'O@x.example' is given twice" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ps_conf *c;
		snprintf(path, sizeof(path), "%s/bad.conf", dir);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "database = %s/db.sqlite\n%s\n", dir, bad[i].line);
		fclose(f);
		c = conf_load(path, err, sizeof(err));
		ck_assert_ptr_null(c);
		ck_assert_msg(strstr(err, bad[i].want) != NULL, "%s: got %s", bad[i].line, err);
	}
}
END_TEST

/* A manager's own calendar: check-ins go around it; an unreadable file is an error. */
START_TEST(test_busy_file)
{
	time_t t0 = utc("2025-03-03T10:00");
	struct store_checkin *v, *c;
	char line[512], path[128];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/anna.ics", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	/* out of office on day 7 (Mon Mar 10); Tuesday busy 09:00-16:00 Berlin */
	fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\n"
	      "BEGIN:VEVENT\r\nUID:ooo\r\nDTSTAMP:20250101T000000Z\r\nDTSTART;VALUE=DATE:20250310\r\n"
	      "END:VEVENT\r\nBEGIN:VFREEBUSY\r\nUID:fb\r\nDTSTAMP:20250101T000000Z\r\n"
	      "FREEBUSY:20250311T080000Z/20250311T150000Z\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n", f);
	fclose(f);
	st = store_close(st);
	conf = conf_free(conf);
	snprintf(line, sizeof(line), "manager = anna@seller.example; zone=Europe/Berlin; busy=%s\n", path);
	open_with(line);
	ck_assert_msg(start("a@acme.example", NULL, "anna@seller.example", NULL, t0) >= 6, "%s", err);
	n = list("a@acme.example", &v);
	c = find(v, n, "day-7");
	ck_assert_int_ge(c->due_at, utc("2025-03-11T15:00"));	/* 16:00 or 16:30 Berlin */
	ck_assert_int_lt(c->due_at, utc("2025-03-11T16:00"));
	store_checkins_free(v, n);
	/* a customer onboarded years ago: the calendar is still read for its future */
	struct journey_new nc = { "old@acme.example", NULL, "anna@seller.example", "2022-03-03",
				  "2025-04-10" };	/* pre-renewal: Tue Mar 11 */
	struct journey_added added;
	ck_assert_int_eq(store_journey_begin(st, err, sizeof(err)), 0);
	ck_assert_msg(journey_add(st, conf, &nc, t0, &added, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(store_journey_commit(st, err, sizeof(err)), 0);
	ck_assert_int_eq(added.planned, 1);
	n = list("old@acme.example", &v);
	c = find(v, n, "pre-renewal");
	ck_assert_int_ge(c->due_at, utc("2025-03-11T15:00"));
	ck_assert_int_lt(c->due_at, utc("2025-03-11T16:00"));
	store_checkins_free(v, n);
	ck_assert_int_eq(sql_int(OVERLAPS), 0);
	unlink(path);
	ck_assert_int_eq(start("b@beta.example", NULL, "anna@seller.example", NULL, t0), -1);
	ck_assert_msg(strstr(err, "busy:") != NULL && strstr(err, "anna.ics") != NULL, "%s", err);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM customers WHERE address = 'b@beta.example'"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store_journey");
	TCase *tc = tcase_create("journey");
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_start_idempotent);
	tcase_add_test(tc, test_manager_mapping_and_bad_input);
	tcase_add_test(tc, test_stop_future_only_and_restart);
	tcase_add_test(tc, test_move_cancel_sequence);
	tcase_add_test(tc, test_mailer_transitions);
	tcase_add_test(tc, test_claim_lease);
	tcase_add_test(tc, test_failures);
	tcase_add_test(tc, test_facts);
	tcase_add_test(tc, test_no_double_booking);
	tcase_add_test(tc, test_replan);
	tcase_add_test(tc, test_add_since);
	tcase_add_test(tc, test_onboarded_header);
	tcase_add_test(tc, test_import);
	tcase_add_test(tc, test_managers);
	tcase_add_test(tc, test_busy_file);
	suite_add_tcase(s, tc);
	failed = test_run(s) != EXIT_SUCCESS;
	return failed ? 1 : 0;
}

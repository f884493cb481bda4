/*
 * cmd_journey.c - postsalectl's journey commands: customers, checkins, checkin
 * move|cancel (customer: cmd_customer.c; managers: cmd_managers.c). Thin: parse the
 * arguments, call lib/journey and lib/store_journey, print a table or JSON.
 *
 * Trusts the command line only as far as it parses it; text from the store (names,
 * errors) is printed escaped in JSON and made printable in tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "compose/invite.h"
#include "journey/journey.h"
#include "store/store_journey.h"

/* fmt_opt_time - timetext_fmt, or "-" for 0 */
static char *
fmt_opt_time(time_t t, char *buf, size_t len)
{
	if (t == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	return timetext_fmt(t, buf, len);
}

int
cmd_customers(int argc, char **argv)
{
	struct store *st;
	struct store_customer *v;
	size_t n;
	char err[1024], b1[64], p1[256], p2[256], p3[256];
	struct json_out j;
	int json = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else {
			fprintf(stderr, "usage: postsalectl customers [--json]\n");
			return CTL_USAGE;
		}
	}
	if ((st = ctl_store(STORE_CREATE)) == NULL)
		return ctl_status();
	if (store_customer_list(st, &v, &n, err, sizeof(err)) != 0)
		return ctl_store_failed(st, "customers", err);
	ctl_list_begin(&j, json, "%-32s %-24s %-28s %-20s %-9s %8s %s\n", "ADDRESS", "NAME",
	    "MANAGER", "ONBOARDED", "STATE", "INVOICES", "RENEWAL");
	for (size_t i = 0; i < n; i++) {
		struct store_customer *c = &v[i];
		const char *state = c->offboarded_at ? "offboarded" : c->onboarded_at ? "active" : "seen";
		if (json) {
			json_object_begin(&j);
			json_member_str(&j, "address", c->address);
			json_member_str(&j, "name", c->display_name);
			json_member_str(&j, "manager", c->manager);
			json_member_time_or_null(&j, "first_seen", c->first_seen);
			json_member_time_or_null(&j, "onboarded_at", c->onboarded_at);
			json_member_time_or_null(&j, "offboarded_at", c->offboarded_at);
			json_member_str(&j, "state", state);
			json_member_int(&j, "invoice_count", c->invoice_count);
			json_member_str(&j, "renewal_date", c->renewal_date[0] ? c->renewal_date : NULL);
			json_object_end(&j);
		} else
			printf("%-32s %-24s %-28s %-20s %-9s %8ld %s\n",
			    ctl_cell(c->address, p1, sizeof(p1)),
			    ctl_cell(c->display_name, p2, sizeof(p2)),
			    ctl_cell(c->manager, p3, sizeof(p3)),
			    fmt_opt_time(c->onboarded_at, b1, sizeof(b1)), state, c->invoice_count,
			    c->renewal_date[0] ? c->renewal_date : "-");
	}
	ctl_list_end(&j, json);
	store_customers_free(v, n);
	return CTL_OK;
}

int
cmd_checkins(int argc, char **argv)
{
	struct store *st;
	struct store_checkin *v;
	const char *customer = NULL;
	size_t n;
	char err[1024], due[96], p1[256], p2[256], p3[512];
	struct json_out j;
	int json = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--customer") == 0 && i + 1 < argc)
			customer = argv[++i];
		else if (strcmp(argv[i], "--unanswered") == 0)
			return cmd_checkins_unanswered(argc, argv);
		else {
			fprintf(stderr, "usage: postsalectl checkins [--customer ADDRESS] [--json]\n"
			    "       postsalectl checkins --unanswered [--manager ADDRESS] [--now TIME] [--json]\n");
			return CTL_USAGE;
		}
	}
	if ((st = ctl_store(STORE_CREATE)) == NULL)
		return ctl_status();
	if (store_checkin_list(st, customer, &v, &n, err, sizeof(err)) != 0)
		return ctl_store_failed(st, "checkins", err);
	ctl_list_begin(&j, json, "%5s %-28s %-28s %-14s %-36s %-9s %3s %3s %s\n", "ID",
	    "CUSTOMER", "MANAGER", "KIND", "DUE (MANAGER'S ZONE)", "STATE", "SEQ", "TRY",
	    "LAST ERROR");
	for (size_t i = 0; i < n; i++) {
		struct store_checkin *c = &v[i];
		if (json) {
			json_object_begin(&j);
			json_member_int(&j, "id", c->id);
			json_member_str(&j, "customer", c->customer);
			json_member_str(&j, "manager", c->manager);
			json_member_str(&j, "kind", c->kind);
			json_member_int(&j, "ordinal", c->ordinal);
			json_member_time(&j, "due_at", c->due_at);
			json_member_time(&j, "end_at", c->end_at);
			json_member_str(&j, "due_local", plan_format_rfc3339(c->tzid, c->due_at, due, sizeof(due)));
			json_member_str(&j, "tzid", c->tzid);
			json_member_str(&j, "uid", c->uid);
			json_member_str(&j, "state", c->state);
			json_member_int(&j, "sequence", c->sequence);
			json_key(&j, "sent_sequence");
			if (c->sent_sequence < 0)
				json_null(&j);
			else
				json_int(&j, c->sent_sequence);
			json_member_str(&j, "pending", c->pending[0] ? c->pending : NULL);
			json_member_int(&j, "attempts", c->attempts);
			json_member_time_or_null(&j, "next_attempt_at", c->next_attempt_at);
			json_member_str(&j, "last_error", c->last_error);
			json_object_end(&j);
		} else
			printf("%5lld %-28s %-28s %-14s %-36s %-9s %3d %3d %s\n", c->id,
			    ctl_cell(c->customer, p1, sizeof(p1)), ctl_cell(c->manager, p2, sizeof(p2)),
			    c->kind, invite_local_time(c->due_at, c->tzid, due, sizeof(due)), c->state, c->sequence,
			    c->attempts, c->last_error ? ctl_cell(c->last_error, p3, sizeof(p3)) : "");
	}
	ctl_list_end(&j, json);
	store_checkins_free(v, n);
	return CTL_OK;
}

/* checkin_move_time - TIME of checkin move for check-in c: local time in its manager's
 * zone, or RFC 3339 with an offset, or @UNIX; 0, or the exit status after saying why
 * (CTL_USAGE: not a time; CTL_DATAERR: a local time that does not exist) */
static int
checkin_move_time(const struct ps_conf *conf, const struct store_checkin *c, const char *s,
		  time_t *due)
{
	struct manager m;
	char err[512], buf[48];
	int rc;

	if (journey_manager_get(conf, c->manager, &m, err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl: %s\n", err);
		return CTL_CONFIG;
	}
	rc = plan_parse_instant(m.tz, s, due);
	if (rc == PLAN_LOCAL_GAP) {
		fprintf(stderr, "postsalectl: checkin move: %s does not exist in %s (the clocks"
		    " skip that hour)\n", s, m.tz);
		return CTL_DATAERR;
	}
	if (rc < 0) {
		fprintf(stderr, "postsalectl: checkin move: %s is not a time (2026-11-29 10:30 in"
		    " the manager's zone %s, 2026-11-29T10:30:00+01:00, or @UNIX)\n", s, m.tz);
		return CTL_USAGE;
	}
	if (rc == PLAN_LOCAL_FOLD)
		printf("note: %s happens twice in %s; read as the first, %s (RFC 5545)\n", s, m.tz,
		    plan_format_rfc3339(m.tz, *due, buf, sizeof(buf)));
	return 0;
}

int
cmd_checkin(int argc, char **argv)
{
	struct ps_conf *conf = NULL;
	struct store *st;
	struct store_checkin c;
	long long id;
	time_t due = 0;
	char err[1024], *end, buf[96];
	int move, force = 0, rc;

	if (argc >= 2 && strcmp(argv[1], "accept-counter") == 0)
		return cmd_checkin_accept_counter(argc, argv);
	if (argc == 5 && strcmp(argv[4], "--force") == 0) {
		force = 1;
		argc--;
	}
	move = argc == 4 && strcmp(argv[1], "move") == 0;
	if (!move && !(argc == 3 && strcmp(argv[1], "cancel") == 0 && !force)) {
		fprintf(stderr, "usage: postsalectl checkin move ID TIME [--force]\n"
		    "       postsalectl checkin cancel ID\n"
		    "       postsalectl checkin accept-counter ID\n"
		    "TIME: 2026-11-29 10:30 (the manager's zone), 2026-11-29T10:30:00+01:00,"
		    " 2026-11-29T09:30:00Z or @UNIX\n");
		return CTL_USAGE;
	}
	id = strtoll(argv[2], &end, 10);
	if (argv[2][0] == '\0' || *end != '\0' || id <= 0) {
		fprintf(stderr, "postsalectl: checkin %s: %s is not a check-in id\n", argv[1], argv[2]);
		return CTL_USAGE;
	}
	if ((move && (conf = ctl_conf()) == NULL) || (st = ctl_store(STORE_CREATE)) == NULL)
		return ctl_status();
	if ((rc = store_checkin_get(st, id, &c, err, sizeof(err))) != 0) {
		if (rc < 0)
			return ctl_store_failed(st, "checkin", err);
		fprintf(stderr, "postsalectl: check-in %lld: no such check-in\n", id);
		return CTL_NOTFOUND;
	}
	if (move) {
		if ((rc = checkin_move_time(conf, &c, argv[3], &due)) != 0) {
			store_checkin_clear(&c);
			return rc;
		}
		rc = force ? 0 : journey_slot_check(st, conf, &c, due, due + (c.end_at - c.due_at),
		    err, sizeof(err));
		if (rc < 0) {
			store_checkin_clear(&c);
			return ctl_store_failed(st, "checkin move", err);
		}
		if (rc > 0) {
			fprintf(stderr, "postsalectl: check-in %lld: %s (--force moves it all the"
			    " same)\n", id, err);
			store_checkin_clear(&c);
			return CTL_DATAERR;
		}
		rc = store_checkin_move(st, id, due, due + (c.end_at - c.due_at), err, sizeof(err));
	} else
		rc = store_checkin_cancel(st, id, err, sizeof(err));
	if (rc < 0) {
		store_checkin_clear(&c);
		return ctl_store_failed(st, "checkin", err);
	}
	if (rc == STORE_CHECKIN_CANCELLED) {
		fprintf(stderr, "postsalectl: check-in %lld is cancelled: nothing to %s\n", id, argv[1]);
		store_checkin_clear(&c);
		return CTL_DATAERR;
	}
	if (move)
		printf("check-in %lld moved to %s, SEQUENCE %d: the next mailer run sends the update\n",
		    id, invite_local_time(due, c.tzid, buf, sizeof(buf)), c.sequence + 1);
	else
		printf("check-in %lld cancelled, SEQUENCE %d: the next mailer run sends the CANCEL%s\n",
		    id, c.sequence + 1, c.sent_sequence < 0 && !c.pending[0] ?
		    " (none: no invitation went out)" : "");
	store_checkin_clear(&c);
	return CTL_OK;
}

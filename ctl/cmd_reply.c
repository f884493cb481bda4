/*
 * cmd_reply.c - postsalectl's commands about the managers' answers: `checkins
 * --unanswered` (the check-ins whose invitation has no answer N days before they
 * start) and `checkin accept-counter ID` (move a check-in to the time its manager
 * proposed). Thin: parse, call lib/store_reply, print a table or JSON.
 *
 * Trusts the command line only as far as it parses it; text from the store is printed
 * escaped in JSON and made printable in tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "compose/invite.h"
#include "util/json.h"
#include "journey/plan.h"
#include "store/store_reply.h"

/* print_unanswered_json - one check-in and its answer columns as a JSON object */
static void
print_unanswered_json(struct json_out *j, const struct store_checkin *c,
		      const struct store_reply_state *rs)
{
	char due[64];

	json_object_begin(j);
	json_member_int(j, "id", c->id);
	json_member_str(j, "customer", c->customer);
	json_member_str(j, "manager", c->manager);
	json_member_str(j, "kind", c->kind);
	json_member_time(j, "due_at", c->due_at);
	json_member_str(j, "due_local", plan_format_rfc3339(c->tzid, c->due_at, due, sizeof(due)));
	json_member_str(j, "uid", c->uid);
	json_member_str(j, "state", c->state);
	json_member_int(j, "sequence", c->sequence);
	json_member_bool(j, "invited", c->sent_sequence >= 0);
	json_member_str(j, "partstat", rs->partstat[0] ? rs->partstat : NULL);
	json_key(j, "partstat_sequence");
	if (rs->partstat_sequence < 0)
		json_null(j);
	else
		json_int(j, rs->partstat_sequence);
	json_member_time_or_null(j, "counter_start", rs->counter_start);
	json_object_end(j);
}

int
cmd_checkins_unanswered(int argc, char **argv)
{
	struct ps_conf *conf;
	struct store *st;
	struct store_checkin *v;
	struct store_reply_state *rs;
	const char *manager = NULL;
	time_t now = 0;
	size_t n;
	char err[1024], due[96], p1[256], p2[256];
	struct json_out j;
	int json = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--unanswered") == 0)
			continue;
		else if (strcmp(argv[i], "--manager") == 0 && i + 1 < argc)
			manager = argv[++i];
		else if (strcmp(argv[i], "--now") == 0 && i + 1 < argc && timetext_parse(argv[i + 1], &now) == 0)
			i++;
		else {
			fprintf(stderr, "usage: postsalectl checkins --unanswered [--manager ADDRESS] [--now TIME] [--json]\n");
			return CTL_USAGE;
		}
	}
	if ((conf = ctl_conf()) == NULL || (st = ctl_store(STORE_CREATE)) == NULL)
		return ctl_status();
	if (now == 0)
		now = time(NULL);
	if (store_reply_unanswered(st, now, conf->checkin_unanswered * 86400L, manager, &v, &rs, &n,
	    err, sizeof(err)) != 0)
		return ctl_store_failed(st, "checkins", err);
	ctl_list_begin(&j, json, "%5s %-28s %-28s %-14s %-36s %-9s %3s %s\n", "ID",
	    "CUSTOMER", "MANAGER", "KIND", "DUE (MANAGER'S ZONE)", "STATE", "SEQ",
	    "LAST ANSWER");
	for (size_t i = 0; i < n; i++) {
		invite_local_time(v[i].due_at, v[i].tzid, due, sizeof(due));
		if (json)
			print_unanswered_json(&j, &v[i], &rs[i]);
		else
			printf("%5lld %-28s %-28s %-14s %-36s %-9s %3d %s%s%s\n", v[i].id,
			    ctl_cell(v[i].customer, p1, sizeof(p1)), ctl_cell(v[i].manager, p2, sizeof(p2)),
			    v[i].kind, due, v[i].state, v[i].sequence,
			    rs[i].partstat[0] ? rs[i].partstat : "none",
			    rs[i].partstat[0] ? " to an older SEQUENCE" : "",
			    rs[i].counter_start ? ", a new time proposed" : "");
	}
	ctl_list_end(&j, json);
	if (!json && n == 0)
		printf("no check-in without an answer starts within %ld days\n", conf->checkin_unanswered);
	store_checkins_free(v, n);
	store_reply_states_free(rs, n);
	return CTL_OK;
}

int
cmd_checkin_accept_counter(int argc, char **argv)
{
	struct store *st;
	struct store_checkin c;
	struct store_reply_state rs;
	long long id;
	char err[1024], *end, buf[96];
	int rc;

	if (argc != 3 || (id = strtoll(argv[2], &end, 10)) <= 0 || *end != '\0') {
		fprintf(stderr, "usage: postsalectl checkin accept-counter ID\n");
		return CTL_USAGE;
	}
	if ((st = ctl_store(STORE_CREATE)) == NULL)
		return ctl_status();
	rc = store_reply_accept_counter(st, id, &c, &rs, err, sizeof(err));
	switch (rc) {
	case 0:
		printf("check-in %lld moved to the proposed %s, SEQUENCE %d: the next mailer run sends"
		    " the REQUEST\n", id, invite_local_time(rs.counter_start, c.tzid, buf, sizeof(buf)),
		    c.sequence + 1);
		store_checkin_clear(&c);
		store_reply_state_clear(&rs);
		return CTL_OK;
	case STORE_CHECKIN_UNKNOWN:
		fprintf(stderr, "postsalectl: check-in %lld: no such check-in\n", id);
		return CTL_NOTFOUND;
	case STORE_CHECKIN_CANCELLED:
		fprintf(stderr, "postsalectl: check-in %lld is cancelled: nothing to move\n", id);
		break;
	case STORE_REPLY_NO_COUNTER:
		fprintf(stderr, "postsalectl: check-in %lld: its manager proposed no other time\n", id);
		break;
	case STORE_REPLY_STALE:
		fprintf(stderr, "postsalectl: check-in %lld: the proposal answered SEQUENCE %d, the"
		    " check-in moved since (SEQUENCE %d): nothing changed\n", id, rs.counter_sequence,
		    c.sequence);
		break;
	default:
		return ctl_store_failed(st, "checkin accept-counter", err);
	}
	store_checkin_clear(&c);
	store_reply_state_clear(&rs);
	return CTL_DATAERR;
}

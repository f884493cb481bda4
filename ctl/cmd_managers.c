/*
 * cmd_managers.c - postsalectl managers: the account managers as configured (manager
 * lines, the checkin- keys as defaults) and as the store knows them, with each one's
 * next check-in and next free slot; --refresh first fetches the busy calendars that
 * live at a URL into their local copies. Thin: lib/journey syncs the managers table, this
 * prints it.
 *
 * Trusts the command line only as far as it parses it; names from the config and
 * addresses from the store are escaped in JSON and made printable in the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "journey/freebusy.h"
#include "journey/journey.h"
#include "store/store_journey.h"
#include "conf/manager.h"

/* member_local_time - the member key: t in zone tz as an RFC 3339 string with the
 * zone's offset, or null for 0 */
static void
member_local_time(struct json_out *j, const char *key, const char *tz, time_t t)
{
	char buf[TIMETEXT_RFC3339_LEN];

	json_member_str(j, key, t == 0 ? NULL : plan_format_rfc3339(tz, t, buf, sizeof(buf)));
}

/* managers_refresh - fetch the busy URL of every manager line into its local copy;
 * 0, or the number of managers whose fetch failed (each said on stderr) */
static int
managers_refresh(const struct ps_conf *conf, time_t now)
{
	struct manager m;
	char addr[256], path[1024], err[1024];
	size_t n;
	int failed = 0;

	for (size_t i = 0; i < conf->managers.n; i++) {
		manager_line_address(conf->managers.v[i], addr, sizeof(addr));
		if (journey_manager_get(conf, addr, &m, err, sizeof(err)) != 0 ||
		    !manager_busy_is_url(m.busy))
			continue;
		journey_busy_file(conf, &m, path, sizeof(path));
		if (freebusy_fetch(m.busy, m.tz, path, FREEBUSY_FETCH_TIMEOUT_MS, now, &n, err,
		    sizeof(err)) != 0) {
			fprintf(stderr, "postsalectl: manager %s: busy: %s\n", addr, err);
			failed++;
		} else
			fprintf(stderr, "postsalectl: manager %s: %zu busy period%s from %s into %s\n",
			    addr, n, n == 1 ? "" : "s", m.busy, path);
	}
	return failed;
}

int
cmd_managers(int argc, char **argv)
{
	struct ps_conf *conf;
	struct store *st;
	struct store_manager *v;
	size_t n;
	time_t now = time(NULL);
	char err[1024], hours[16], p1[256], p2[256], next[48], free_at[48];
	struct json_out j;
	int json = 0, refresh = 0, status = CTL_OK;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--refresh") == 0)
			refresh = 1;
		else {
			fprintf(stderr, "usage: postsalectl managers [--refresh] [--json]\n");
			return CTL_USAGE;
		}
	}
	if ((conf = ctl_conf()) == NULL || (st = ctl_store(STORE_CREATE)) == NULL)
		return ctl_status();
	if (refresh && managers_refresh(conf, now) != 0)
		status = EX_UNAVAILABLE;
	if (journey_managers_sync(st, conf, now, err, sizeof(err)) != 0 ||
	    store_manager_list(st, now, &v, &n, err, sizeof(err)) != 0)
		return ctl_store_failed(st, "managers", err);
	ctl_list_begin(&j, json, "%-28s %-22s %-20s %-9s %-11s %4s %8s %-25s %s\n", "ADDRESS",
	    "NAME", "ZONE", "DAYS", "HOURS", "SLOT", "UPCOMING", "NEXT CHECK-IN",
	    "NEXT FREE SLOT");
	for (size_t i = 0; i < n; i++) {
		struct manager *m = &v[i].m;
		time_t free_slot = 0;
		if (journey_next_free(st, conf, m->address, now, &free_slot, err, sizeof(err)) != 0) {
			free_slot = 0;	/* an unreadable busy file, a year of holidays: none */
			fprintf(stderr, "postsalectl: %s\n", err);
		}
		manager_hours_text(m, hours, sizeof(hours));
		if (json) {
			json_object_begin(&j);
			json_member_str(&j, "address", m->address);
			json_member_str(&j, "name", m->name[0] ? m->name : NULL);
			json_member_str(&j, "timezone", m->tz);
			json_member_str(&j, "workdays", m->days);
			json_member_str(&j, "hours", hours);
			json_member_int(&j, "slot_minutes", m->slot_min);
			json_member_bool(&j, "configured", m->configured);
			json_member_int(&j, "upcoming", v[i].upcoming);
			member_local_time(&j, "next_checkin", m->tz, v[i].next_checkin);
			member_local_time(&j, "next_free_slot", m->tz, free_slot);
			json_member_str(&j, "busy_file", m->busy[0] ? m->busy : NULL);
			member_local_time(&j, "updated_at", m->tz, v[i].updated_at);
			json_object_end(&j);
		} else {
			plan_format_rfc3339(m->tz, v[i].next_checkin, next, sizeof(next));
			plan_format_rfc3339(m->tz, free_slot, free_at, sizeof(free_at));
			printf("%-28s %-22s %-20s %-9s %-11s %4d %8ld %-25s %s\n",
			    ctl_cell(m->address, p1, sizeof(p1)),
			    ctl_cell(m->name[0] ? m->name : NULL, p2, sizeof(p2)),
			    m->tz, m->days, hours, m->slot_min, v[i].upcoming,
			    v[i].next_checkin ? next : "-", free_slot ? free_at : "-");
		}
	}
	ctl_list_end(&j, json);
	free(v);
	return status;
}

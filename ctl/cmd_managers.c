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
#include "util/log.h"
#include "store/store_journey.h"
#include "conf/manager.h"

/* json_local_time - t in zone tz as an RFC 3339 string with the zone's offset, or null
 * for 0 */
static void
json_local_time(struct json_out *j, const char *tz, time_t t)
{
	char buf[TIMETEXT_RFC3339_LEN];

	if (t == 0)
		json_null(j);
	else
		json_str(j, plan_format_rfc3339(tz, t, buf, sizeof(buf)));
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
	json_init(&j, stdout);
	if (json)
		json_array_begin(&j);
	else
		printf("%-28s %-22s %-20s %-9s %-11s %4s %8s %-25s %s\n", "ADDRESS", "NAME", "ZONE",
		    "DAYS", "HOURS", "SLOT", "UPCOMING", "NEXT CHECK-IN", "NEXT FREE SLOT");
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
			json_key(&j, "address");
			json_str(&j, m->address);
			json_key(&j, "name");
			json_str(&j, m->name[0] ? m->name : NULL);
			json_key(&j, "timezone");
			json_str(&j, m->tz);
			json_key(&j, "workdays");
			json_str(&j, m->days);
			json_key(&j, "hours");
			json_str(&j, hours);
			json_key(&j, "slot_minutes");
			json_int(&j, m->slot_min);
			json_key(&j, "configured");
			json_bool(&j, m->configured);
			json_key(&j, "upcoming");
			json_int(&j, v[i].upcoming);
			json_key(&j, "next_checkin");
			json_local_time(&j, m->tz, v[i].next_checkin);
			json_key(&j, "next_free_slot");
			json_local_time(&j, m->tz, free_slot);
			json_key(&j, "busy_file");
			json_str(&j, m->busy[0] ? m->busy : NULL);
			json_key(&j, "updated_at");
			json_local_time(&j, m->tz, v[i].updated_at);
			json_object_end(&j);
		} else {
			plan_format_rfc3339(m->tz, v[i].next_checkin, next, sizeof(next));
			plan_format_rfc3339(m->tz, free_slot, free_at, sizeof(free_at));
			printf("%-28s %-22s %-20s %-9s %-11s %4d %8ld %-25s %s\n",
			    log_printable(p1, sizeof(p1), m->address, strlen(m->address)),
			    m->name[0] ? log_printable(p2, sizeof(p2), m->name, strlen(m->name)) : "-",
			    m->tz, m->days, hours, m->slot_min, v[i].upcoming,
			    v[i].next_checkin ? next : "-", free_slot ? free_at : "-");
		}
	}
	if (json)
		json_array_end(&j);
	free(v);
	return status;
}

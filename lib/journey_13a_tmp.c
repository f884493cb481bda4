/*
 * journey_13a_tmp.c - TEMPORARY stand-ins for task 13a's calls (see journey_13a.h).
 * journey_replan_checkin: the next working day after not_before, at the customer's
 * usual slot (the planner's spread), in the configured business hours; it does not
 * look at the manager's other check-ins, 13a's booking does. journey_manager_name:
 * the CN of the manager's latest answer (13a's managers table has the configured
 * name). Replace at merge.
 *
 * Trust: the row is ours; the config was checked at load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journey.h"
#include "journey_13a.h"
#include "store_journey.h"
#include "store_reply.h"

int
journey_replan_checkin(struct store *st, const struct ps_conf *conf, long long id,
		       time_t not_before, time_t *new_start, char *err, size_t errlen)
{
	struct store_checkin c;
	struct plan_opts opts;
	struct plan_date *holidays = NULL;
	struct plan_checkin *plan = NULL;
	size_t n = 0;
	int rc;

	if (store_journey_begin(st, err, errlen) != 0)
		return -1;
	if ((rc = store_checkin_get(st, id, &c, err, errlen)) != 0) {
		store_journey_rollback(st);
		return rc < 0 ? -1 : 1;
	}
	if (strcmp(c.state, "cancelled") == 0) {
		snprintf(err, errlen, "check-in %lld is cancelled", id);
		store_checkin_clear(&c);
		store_journey_rollback(st);
		return 1;
	}
	rc = -1;
	if (journey_plan_opts(conf, c.tzid, c.customer, &opts, &holidays, err, errlen) != 0)
		goto out;
	opts.day_offsets[0] = 1;		/* one check-in, the next working day */
	opts.n_day_offsets = 1;
	opts.quarterly_months = 0;
	opts.anniversaries = 0;
	opts.has_renewal = 0;
	if (plan_checkins(&opts, not_before, &plan, &n, err, errlen) != 0)
		goto out;
	if (n == 0) {
		snprintf(err, errlen, "check-in %lld: the planner offers no slot after the declined one", id);
		goto out;
	}
	if (store_checkin_move(st, id, plan[0].start, plan[0].end, err, errlen) != 0 ||
	    store_journey_commit(st, err, errlen) != 0)
		goto out;
	if (new_start != NULL)
		*new_start = plan[0].start;
	rc = 0;
out:
	if (rc != 0)
		store_journey_rollback(st);
	free(plan);
	free(holidays);
	store_checkin_clear(&c);
	return rc;
}

char *
journey_manager_name(struct store *st, const struct ps_conf *conf, const char *manager)
{
	(void) conf;
	return st != NULL && manager != NULL ? store_reply_manager_cn(st, manager) : NULL;
}

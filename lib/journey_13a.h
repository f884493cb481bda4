/*
 * journey_13a.h - the two calls task 13b needs from task 13a (managers as a table,
 * clash-free booking): re-plan one check-in to the next free slot (a DECLINED answer),
 * and the manager's display name (the CN of the ATTENDEE).
 *
 * TEMPORARY (task 13b): until 13a is merged, lib/journey_13a_tmp.c implements them
 * with today's planner and the name the manager's own answers gave. The lead replaces
 * both files with 13a's functions at merge.
 */
#ifndef PS_JOURNEY_13A_H
#define PS_JOURNEY_13A_H

#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "store.h"

/*
 * journey_replan_checkin - move check-in checkin_id to the next free slot at or after
 * not_before (SEQUENCE+1, state planned: the mailer sends the new REQUEST with the same
 * UID). 0 moved (*new_start set when not NULL), 1 unknown or cancelled check-in, -1
 * error; err says why. Runs its own transaction. (13a's signature, lib/journey.h.)
 */
int journey_replan_checkin(struct store *st, const struct ps_conf *conf, long long checkin_id,
			   time_t not_before, time_t *new_start, char *err, size_t errlen);

/* journey_manager_name - the display name of manager, or NULL (caller frees) */
char *journey_manager_name(struct store *st, const struct ps_conf *conf, const char *manager);

#endif

/*
 * store_reply.h - what managers answered to their check-in invitations: the iTIP
 * PARTSTAT and a COUNTER's proposed time on the checkins row (schema version 2 in
 * store.c), the check-ins nobody answered, and when each manager last got the weekly
 * summary of them.
 *
 * An answer belongs to the SEQUENCE it answered: a check-in moved since (a higher
 * SEQUENCE) is unanswered again, as RFC 5546 2.1.4 resets the attendee's status on a
 * major change. Strings reach SQL only as bound parameters.
 */
#ifndef PS_STORE_REPLY_H
#define PS_STORE_REPLY_H

#include <stddef.h>
#include <time.h>

#include "store.h"
#include "store_journey.h"

struct store_reply_state {
	char partstat[16];		/* ACCEPTED DECLINED TENTATIVE, "" = no answer */
	int partstat_sequence;		/* the SEQUENCE answered, -1 = none */
	time_t replied_at;		/* when the answer arrived, 0 = none */
	time_t reply_dtstamp;		/* the answer's DTSTAMP, 0 = none */
	char *reply_cn;			/* the CN the attendee gave, NULL = none */
	time_t counter_start, counter_end;	/* a proposed time, 0 = none */
	int counter_sequence;		/* the SEQUENCE the proposal was about, -1 = none */
	time_t counter_at;		/* when it arrived */
};

/* store_reply_state_clear - free what s holds (not s) and zero it */
void store_reply_state_clear(struct store_reply_state *s);

/* store_reply_find_uid - the id of the check-in with this iCalendar UID: 0 found,
 * 1 no such UID, -1 error */
int store_reply_find_uid(struct store *st, const char *uid, long long *id, char *err,
			 size_t errlen);
/* store_reply_state_get - the answer columns of check-in id: 0 (caller clears out),
 * 1 no such check-in, -1 error */
int store_reply_state_get(struct store *st, long long id, struct store_reply_state *out,
			  char *err, size_t errlen);

/*
 * store_reply_record - record partstat ("ACCEPTED" ...) as the answer to SEQUENCE
 * sequence, with the reply's DTSTAMP and the attendee's CN (may be NULL), received at
 * now. An answer already recorded for a higher SEQUENCE, or for the same one with a
 * later DTSTAMP, wins (RFC 5546 2.1.5). 0 recorded, 1 an answer that is newer is kept,
 * -1 error.
 */
int store_reply_record(struct store *st, long long id, int sequence, const char *partstat,
		       time_t dtstamp, const char *cn, time_t now, char *err, size_t errlen);
/* store_reply_counter - record a COUNTER's proposal start..end about SEQUENCE sequence,
 * received at now (a later proposal replaces an earlier one); 0 or -1 */
int store_reply_counter(struct store *st, long long id, int sequence, time_t start,
			time_t end, const char *cn, time_t now, char *err, size_t errlen);

#define STORE_REPLY_NO_COUNTER	3	/* no proposal is recorded */
#define STORE_REPLY_STALE	4	/* the proposal was about an older SEQUENCE */

/*
 * store_reply_accept_counter - in one transaction: move check-in id to its recorded
 * proposal (store_checkin_move: SEQUENCE+1, planned, so the mailer sends the REQUEST)
 * and forget the proposal. *out gets the check-in as it was before (caller clears).
 * 0 moved, STORE_CHECKIN_UNKNOWN, STORE_CHECKIN_CANCELLED, STORE_REPLY_NO_COUNTER,
 * STORE_REPLY_STALE (the check-in moved since the proposal: nothing changed), or -1.
 */
int store_reply_accept_counter(struct store *st, long long id, struct store_checkin *out,
			       struct store_reply_state *state, char *err, size_t errlen);

/*
 * store_reply_unanswered - the check-ins, not cancelled, that start after now and at
 * most within seconds later and have no answer to their current SEQUENCE, of one
 * manager or of all (NULL), by manager and start. *v (and *states, parallel to it)
 * owned by the caller: store_checkins_free, store_reply_states_free.
 */
int store_reply_unanswered(struct store *st, time_t now, long within, const char *manager,
			   struct store_checkin **v, struct store_reply_state **states,
			   size_t *n, char *err, size_t errlen);
/* store_reply_states_free - free an array of n states */
void store_reply_states_free(struct store_reply_state *v, size_t n);

/* store_reply_manager_cn - the CN the manager's latest answer gave, or NULL (caller
 * frees); NULL also on an error */
char *store_reply_manager_cn(struct store *st, const char *manager);

/* store_summary_last - when the manager last got a summary: *at, 0 = never; 0 or -1 */
int store_summary_last(struct store *st, const char *manager, time_t *at, char *err,
		       size_t errlen);
/* store_summary_mark - the manager got a summary at now (which ends a claim on it);
 * 0 or -1 */
int store_summary_mark(struct store *st, const char *manager, time_t now, char *err,
		       size_t errlen);
/*
 * store_summary_claim - claim the manager's summary for this mailer until clock + lease
 * seconds (the wall clock), in one statement, unless its last summary went out after
 * last_before or another mailer's claim on it runs at clock: 1 claimed, 0 not (someone
 * sent it or is sending it), -1 with err. So mailers on several hosts sharing a store
 * send a manager one summary; a mailer that dies before store_summary_mark leaves it
 * to the first claim after the lease.
 */
int store_summary_claim(struct store *st, const char *manager, time_t last_before,
			time_t clock, long lease, char *err, size_t errlen);
/* store_summary_release - end this mailer's claim on the manager's summary (it was not
 * sent); 0 or -1 (the lease ends it) */
int store_summary_release(struct store *st, const char *manager, char *err, size_t errlen);

#endif

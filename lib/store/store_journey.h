/*
 * store_journey.h - customers and their check-ins in the store: the queries of the
 * customers and checkins tables (schema in store.c), and the mailer's crash-safe
 * claim / record protocol.
 *
 * A check-in's life: planned (an invitation at its SEQUENCE still to send) -> sent
 * (sent_sequence = sequence); a move bumps SEQUENCE and makes it planned again; a
 * cancel bumps SEQUENCE and makes it cancelled (a METHOD:CANCEL is due when an
 * invitation went out before); failed after a permanent error or too many attempts.
 * One that was past already when its journey was recorded (a journey started from an
 * earlier date) is skipped: never sent, booking no time.
 * The mailer claims a check-in (pending + attempts, committed) BEFORE it sends and
 * records sent_sequence AFTER, so a crash between the two resends the same UID and
 * SEQUENCE and loses nothing.
 *
 * Strings come from the milter, postsalectl and the config; SQL only ever sees them
 * as bound parameters.
 */
#ifndef PS_STORE_JOURNEY_H
#define PS_STORE_JOURNEY_H

#include <stddef.h>
#include <time.h>

#include "conf/manager.h"
#include "store.h"

struct store_customer {
	long long id;
	char *address;
	char *domain;
	char *display_name;		/* NULL when unknown */
	char *manager;			/* NULL when unknown */
	time_t first_seen;
	time_t onboarded_at;		/* 0 = never */
	time_t offboarded_at;		/* 0 = active */
	long invoice_count;
	time_t last_invoice_at;		/* 0 = none */
	char renewal_date[11];		/* "" = none */
};

struct store_checkin {
	long long id;
	long long customer_id;
	char *customer;			/* the customer's address */
	char *customer_name;		/* NULL when unknown */
	char *manager;
	char kind[16];
	int ordinal;
	time_t due_at, end_at;		/* UTC */
	char *tzid;
	char *uid;
	int sequence;
	int sent_sequence;		/* -1 = nothing sent yet */
	char state[12];			/* planned sent cancelled failed skipped */
	char pending[8];		/* request cancel, "" = nothing in flight */
	int attempts;
	time_t next_attempt_at;		/* 0 = none */
	char *last_error;		/* NULL = none */
	char planned_for[11];		/* the date it was due before a shift, "" unknown */
};

/* A booking of a manager (store_checkin_busy). */
struct store_busy {
	long long id, customer_id;
	time_t start, end;
};

/* A manager as stored (store_manager_list). */
struct store_manager {
	struct manager m;
	time_t updated_at;
	time_t next_checkin;		/* the next planned or sent check-in, 0 none */
	long upcoming;			/* planned or sent check-ins after now */
};

/* store_customer_clear - free the strings of c (not c) and zero it */
void store_customer_clear(struct store_customer *c);
/* store_checkin_clear - free the strings of c (not c) and zero it */
void store_checkin_clear(struct store_checkin *c);
/* store_customers_free / store_checkins_free - free an array from a _list call */
void store_customers_free(struct store_customer *v, size_t n);
void store_checkins_free(struct store_checkin *v, size_t n);

/* store_journey_begin / _commit / _rollback - one write transaction (BEGIN IMMEDIATE) */
int store_journey_begin(struct store *st, char *err, size_t errlen);
int store_journey_commit(struct store *st, char *err, size_t errlen);
void store_journey_rollback(struct store *st);

/* store_customer_get - by address (without case): 0 found (out filled, caller clears),
 * 1 unknown, -1 error */
int store_customer_get(struct store *st, const char *address, struct store_customer *out,
		       char *err, size_t errlen);
/* store_customer_list - all customers by address; *v owned by the caller */
int store_customer_list(struct store *st, struct store_customer **v, size_t *n,
			char *err, size_t errlen);

/*
 * store_customer_onboard - record an onboarding of address: a new customer is inserted
 * (first_seen and onboarded_at = now); a known one that was never onboarded, or was
 * off-boarded, is (re)onboarded at now with this manager; an active one keeps its
 * onboarding and manager (the name is updated when given). *out gets the row; *again
 * is 1 when it was already active. 0 or -1.
 */
int store_customer_onboard(struct store *st, const char *address, const char *name,
			   const char *manager, time_t now, struct store_customer *out,
			   int *again, char *err, size_t errlen);
/* store_customer_onboard_at - store_customer_onboard with the onboarding instant since
 * (an import); a new customer's first_seen is the earlier of since and now */
int store_customer_onboard_at(struct store *st, const char *address, const char *name,
			      const char *manager, time_t since, time_t now,
			      struct store_customer *out, int *again, char *err, size_t errlen);
/* store_customer_set_renewal - set (date "YYYY-MM-DD") or clear (NULL) the renewal date */
int store_customer_set_renewal(struct store *st, long long customer_id, const char *date,
			       char *err, size_t errlen);
/* store_customer_offboard - set offboarded_at = now */
int store_customer_offboard(struct store *st, long long customer_id, time_t now,
			    char *err, size_t errlen);
/* store_customer_flagged - invoices to the customer with verdict 'flagged' (by buyer
 * address, or the address among the recipients): best effort; -1 on error */
long store_customer_flagged(struct store *st, const char *address, char *err, size_t errlen);

/* store_customer_invoices - invoices to the customer in the invoices table (by buyer
 * address, or the address among the recipients), resends not counted; -1 on error */
long store_customer_invoices(struct store *st, const char *address, char *err, size_t errlen);

/*
 * store_checkin_insert - a new check-in, its UID from ident_checkin_uid(id, customer,
 * uid_domain), in state (NULL: planned; "skipped": one in the past of an imported
 * journey, never sent), due before any shift on planned_for (YYYY-MM-DD or NULL).
 * 0 inserted (*id set), 1 the customer already has this kind and ordinal (*id is the
 * existing one), -1 error.
 */
int store_checkin_insert(struct store *st, long long customer_id, const char *customer,
			 const char *manager, const char *kind, int ordinal, time_t due,
			 time_t end, const char *tzid, const char *uid_domain,
			 const char *planned_for, const char *state, long long *id,
			 char *err, size_t errlen);
/* store_checkin_set_planned_for - record the date a check-in was due before its shift */
int store_checkin_set_planned_for(struct store *st, long long id, const char *date,
				  char *err, size_t errlen);
/*
 * store_checkin_busy - the manager's bookings (address without case) that end after
 * from, not cancelled or skipped, leaving out check-in exclude_id (0: none), by start.
 * *v owned by the caller (free()).
 */
int store_checkin_busy(struct store *st, const char *manager, time_t from,
		       long long exclude_id, struct store_busy **v, size_t *n,
		       char *err, size_t errlen);
/* store_manager_put - insert or update a manager's row */
int store_manager_put(struct store *st, const struct manager *m, time_t now, char *err,
		      size_t errlen);
/* store_manager_reset - mark every stored manager as not configured (before a sync) */
int store_manager_reset(struct store *st, char *err, size_t errlen);
/* store_manager_name - the stored display name of a manager (address without case)
 * into buf: 0 found, 1 none, -1 error */
int store_manager_name(struct store *st, const char *address, char *buf, size_t len,
		       char *err, size_t errlen);
/* store_manager_seen - the distinct manager addresses of customers and check-ins;
 * *v and its strings owned by the caller */
int store_manager_seen(struct store *st, char ***v, size_t *n, char *err, size_t errlen);
/* store_manager_list - the managers table by address, with each one's next check-in
 * after now; *v owned by the caller (free()) */
int store_manager_list(struct store *st, time_t now, struct store_manager **v, size_t *n,
		       char *err, size_t errlen);
/* store_checkin_get - by id: 0 found (caller clears out), 1 unknown, -1 error */
int store_checkin_get(struct store *st, long long id, struct store_checkin *out,
		      char *err, size_t errlen);
/* store_checkin_list - check-ins by due time, of one customer (address) or of all
 * (NULL); *v owned by the caller */
int store_checkin_list(struct store *st, const char *customer, struct store_checkin **v,
		       size_t *n, char *err, size_t errlen);

#define STORE_CHECKIN_UNKNOWN	1	/* no such check-in */
#define STORE_CHECKIN_CANCELLED	2	/* it is cancelled: nothing to move or cancel */

/* store_checkin_move - a new time: SEQUENCE+1, state planned, attempts reset.
 * 0, STORE_CHECKIN_UNKNOWN, STORE_CHECKIN_CANCELLED, or -1 */
int store_checkin_move(struct store *st, long long id, time_t due, time_t end,
		       char *err, size_t errlen);
/* store_checkin_cancel - state cancelled, SEQUENCE+1, attempts reset.
 * 0, STORE_CHECKIN_UNKNOWN, STORE_CHECKIN_CANCELLED, or -1 */
int store_checkin_cancel(struct store *st, long long id, char *err, size_t errlen);
/* store_checkin_revive - a cancelled check-in planned again at a new time (re-onboarding):
 * SEQUENCE+1, state planned; 0, or 1 when it was not cancelled, -1 */
int store_checkin_revive(struct store *st, long long id, time_t due, time_t end,
			 char *err, size_t errlen);
/* store_checkin_cancel_future - cancel the customer's check-ins due after now that are
 * not cancelled yet; returns how many, or -1 */
long store_checkin_cancel_future(struct store *st, long long customer_id, time_t now,
				 char *err, size_t errlen);
/* store_checkin_last_before - the start of the customer's latest check-in before t
 * that was sent; 0 when none, -1 on error */
int store_checkin_last_before(struct store *st, long long customer_id, time_t t,
			      time_t *out, char *err, size_t errlen);

/*
 * store_checkin_due - the check-ins the mailer has work for at now, by due time, at
 * most limit (0: all): those with an attempt in flight (pending, after a crash); planned
 * ones not sent at their SEQUENCE whose start is within ahead seconds (or that were sent
 * before: an update goes out at once); cancelled ones whose invitation went out (or was
 * in flight) and whose CANCEL has not; each only once next_attempt_at has come.
 * *v owned by the caller.
 */
int store_checkin_due(struct store *st, time_t now, long ahead, size_t limit,
		      struct store_checkin **v, size_t *n, char *err, size_t errlen);

/*
 * store_checkin_claim - in one transaction: re-read check-in id, and if it still has
 * work at now (as store_checkin_due) and no other mailer's lease on it runs at clock
 * (the wall clock, whatever now says), mark the attempt (pending request|cancel,
 * attempts+1) and fill *out with the row as it is to be sent. 0 claimed, 1 nothing to
 * do any more or another mailer holds it, -1 error (a locked database: nothing marked).
 * On PostgreSQL, which mailers on several hosts may share, the row is read FOR UPDATE
 * SKIP LOCKED and the claim is a lease until clock + lease seconds: sent or failed ends
 * it; a mailer killed before either leaves the row to the first claim after that. On
 * SQLite (one host, the mailer's flock) the claim takes no lease: the next run resends.
 */
int store_checkin_claim(struct store *st, long long id, time_t now, long ahead, time_t clock,
			long lease, struct store_checkin *out, char *err, size_t errlen);
/* store_checkin_sent - the invitation at sequence went out: sent_sequence, pending
 * cleared, state sent when it is still planned at that sequence; 0 or -1 */
int store_checkin_sent(struct store *st, long long id, int sequence, char *err, size_t errlen);
/*
 * store_checkin_failed - an attempt failed with why: pending cleared, last_error set;
 * permanent, or attempts >= max_attempts: state failed; else next_attempt_at = retry_at.
 * Returns 1 when it is now failed, 0 when it will be retried, -1 on error.
 */
int store_checkin_failed(struct store *st, long long id, int permanent, const char *why,
			 time_t retry_at, long max_attempts, char *err, size_t errlen);

#endif

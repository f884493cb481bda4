/*
 * journey.h - a customer's journey: onboarding records the customer and plans the
 * check-ins (lib/plan) in the store; off-boarding cancels the future ones; a renewal
 * date adds a pre-renewal check-in. The glue between the config, the planner and the
 * store; the milter and postsalectl call it.
 *
 * Addresses and names come from mail (untrusted): addresses are validated before they
 * are stored; the config is trusted as checked at load.
 */
#ifndef PS_JOURNEY_H
#define PS_JOURNEY_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "conf/manager.h"
#include "onboard.h"
#include "plan.h"
#include "store/store.h"

struct journey_party {
	const char *address;		/* a bare addr-spec, no <> */
	const char *name;		/* may be NULL */
};

/*
 * journey_start - record the customer (an external recipient of an onboarding mail)
 * with its account manager (account-managers by the customer's domain, else the
 * envelope sender) and plan its check-ins from its onboarding instant. Idempotent: a
 * second onboarding mail for an active customer adds only what is missing (e.g. the
 * pre-renewal check-in of a renewal date it brings) and moves the pre-renewal one when
 * the date changed; a customer that was off-boarded is onboarded again at now, and its
 * cancelled check-ins are planned again (same UID, SEQUENCE+1). The journey starts at
 * now, or on the date of the onboarded header (info->since) when that is at most a year
 * ahead; check-ins already past are stored as skipped and never sent. Returns how many check-ins were added or changed, or -1
 * with one line in err (a customer or manager address that is not an address, a zone
 * libical does not know, a store error: the store is left unchanged).
 */
int journey_start(struct store *st, const struct ps_conf *conf,
		  const struct journey_party *customer, const char *sender,
		  const struct onboard_info *info, time_t now, char *err, size_t errlen);

/* How far past the last check-in a plan can reach a manager's busy file is read, so that
 * check-ins shifted by full days still see it. */
#define JOURNEY_BUSY_AHEAD (400L * 86400)

/* How far ahead an onboarding date may be (a typo such as 2062 is refused). */
#define JOURNEY_MAX_AHEAD (366L * 86400)

/* A customer to onboard by hand or from an import (postsalectl customer add|import). */
struct journey_new {
	const char *address;		/* a bare addr-spec */
	const char *name;		/* may be NULL */
	const char *manager;		/* NULL or "": account-managers by the domain */
	const char *since;		/* YYYY-MM-DD in the manager's zone */
	const char *renewal;		/* YYYY-MM-DD or NULL */
};

struct journey_added {
	int existed;			/* it was active already, onboarded on that day */
	int planned;			/* future check-ins added or changed */
	int skipped;			/* its check-ins already past: recorded, never sent */
};

/*
 * journey_add - onboard nc->address on nc->since, inside the caller's transaction
 * (store_journey_begin): its check-ins are planned as for an onboarding message on that
 * day; those already past are recorded as skipped, never sent. A customer already
 * active since that same day is left as it is (a repeated import); one active since
 * another day is an error. 0 (out filled) or -1 with err starting with the field at
 * fault ("since: \"2026-02-30\" is not a date YYYY-MM-DD").
 */
int journey_add(struct store *st, const struct ps_conf *conf, const struct journey_new *nc,
		time_t now, struct journey_added *out, char *err, size_t errlen);

/* journey_since - the instant a customer of manager was onboarded on date (local
 * midnight in the manager's zone); 0, or -1 with err */
int journey_since(const struct ps_conf *conf, const char *manager, const char *date,
		  time_t *out, char *err, size_t errlen);

/*
 * journey_stop - off-boarding: mark the customer off-boarded and cancel its check-ins
 * that start after now (each gets a CANCEL on the next mailer run when its invitation
 * went out). Returns how many were cancelled (0 also for an unknown customer), or -1.
 */
int journey_stop(struct store *st, const struct ps_conf *conf, const char *customer,
		 time_t now, char *err, size_t errlen);

/*
 * journey_renewal - set the customer's renewal date ("YYYY-MM-DD") and plan (or move)
 * its pre-renewal check-in when the customer is active. Returns how many check-ins were
 * added or changed, -2 for an unknown customer, -1 on error (err says why).
 */
int journey_renewal(struct store *st, const struct ps_conf *conf, const char *customer,
		    const char *date, time_t now, char *err, size_t errlen);

struct journey_facts {
	time_t since;			/* onboarded_at, else first_seen */
	long invoice_count;		/* invoices sent to the customer so far */
	long flagged_count;		/* of which flagged (best effort) */
	char name[256];			/* display name, "" when unknown */
	char manager[256];		/* "" when unknown */
};

/*
 * journey_customer_basics - the customer's row alone (one indexed read, for the
 * per-message path): since, invoice_count as the journal keeps it on the customer,
 * name, manager; flagged_count stays 0. 0 found, 1 unknown customer, -1 error.
 */
int journey_customer_basics(struct store *st, const char *customer, struct journey_facts *out,
    char *err, size_t errlen);
/* journey_customer_facts - what an invitation needs: the basics, and the invoices and
 * flagged invoices counted in the journal (a scan of it: for the mailer's batch, not
 * for every message); 0 found, 1 unknown customer, -1 error */
int journey_customer_facts(struct store *st, const char *customer,
			   struct journey_facts *out, char *err, size_t errlen);

/* journey_manager - the account manager of a customer address by account-managers, or
 * NULL; caller frees */
char *journey_manager(const struct ps_conf *conf, const char *customer);

/*
 * journey_manager_get - the manager at address as the config describes it: its manager
 * line, the global keys for what the line leaves out (zone: manager-timezones, else
 * checkin-timezone; checkin-workdays, checkin-hours, checkin-length), or the global
 * keys alone (configured 0). 0, or -1 with err (a line that no longer parses).
 */
int journey_manager_get(const struct ps_conf *conf, const char *address, struct manager *out,
			char *err, size_t errlen);

/* journey_manager_name - the display name of manager (the CN of invitations): its
 * manager line's name, else the name the managers table keeps (st may be NULL), else
 * NULL; the caller frees */
char *journey_manager_name(struct store *st, const struct ps_conf *conf, const char *manager);

/*
 * journey_plan_opts - fill opts from the config for manager m and a spread key (both
 * borrowed: they must outlive opts); holidays are allocated into *holidays (the caller
 * frees). 0, or -1 with err naming the key.
 */
int journey_plan_opts(const struct ps_conf *conf, const struct manager *m,
		      const char *spread_key, struct plan_opts *opts,
		      struct plan_date **holidays, char *err, size_t errlen);

/*
 * journey_replan_checkin - move check-in checkin_id to the manager's next free slot that
 * starts at or after the later of not_before and the check-in's current end (e.g. after
 * a DECLINED reply): inside the manager's days and hours, clear of DST changes, of the
 * manager's other check-ins and of the customer's other check-in days. SEQUENCE+1 and
 * state planned (store_checkin_move), so the next mailer run sends the new REQUEST with
 * the same UID. Runs in its own transaction, or in the caller's when one is open.
 * 0 moved (*new_start set when not NULL), 1 unknown or cancelled check-in, -1 error;
 * err says why.
 */
int journey_replan_checkin(struct store *st, const struct ps_conf *conf, long long checkin_id,
			   time_t not_before, time_t *new_start, char *err, size_t errlen);

/* journey_busy_file - the file the planner reads m's busy times from: its busy path, or
 * for a URL the local copy next to the database (in buf) */
const char *journey_busy_file(const struct ps_conf *conf, const struct manager *m, char *buf,
			      size_t len);

/* journey_next_free - the manager's next free slot at or after `after` (as
 * journey_replan_checkin would choose it); 0 and *out, or -1 with err */
int journey_next_free(struct store *st, const struct ps_conf *conf, const char *manager,
		      time_t after, time_t *out, char *err, size_t errlen);

/*
 * journey_managers_sync - the managers table as the config and the store describe the
 * managers now: one row for each manager line (configured 1) and for each other manager
 * of a customer or check-in (configured 0, the global keys). 0 or -1 with err.
 */
int journey_managers_sync(struct store *st, const struct ps_conf *conf, time_t now,
			  char *err, size_t errlen);

/*
 * journey_slot_check - would the manager of check-in c keep [start, end) (postsalectl
 * checkin move)? 0 yes; 1 no, with a sentence in why (not a working day, outside the
 * hours, a DST change, overlapping another check-in, the customer's other check-in that
 * day); -1 error.
 */
struct store_checkin;
int journey_slot_check(struct store *st, const struct ps_conf *conf,
		       const struct store_checkin *c, time_t start, time_t end, char *why,
		       size_t whylen);

/* journey_uid_domain - the domain of postsale-address ("localhost" when it has none) */
const char *journey_uid_domain(const struct ps_conf *conf);

#endif

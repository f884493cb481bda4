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

#include "conf.h"
#include "onboard.h"
#include "plan.h"
#include "store.h"

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
 * cancelled check-ins are planned again (same UID, SEQUENCE+1). Only check-ins that
 * start after now are stored. Returns how many check-ins were added or changed, or -1
 * with one line in err (a customer or manager address that is not an address, a zone
 * libical does not know, a store error: the store is left unchanged).
 */
int journey_start(struct store *st, const struct ps_conf *conf,
		  const struct journey_party *customer, const char *sender,
		  const struct onboard_info *info, time_t now, char *err, size_t errlen);

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

/* journey_manager_tz - the manager's zone (manager-timezones, else checkin-timezone);
 * caller frees */
char *journey_manager_tz(const struct ps_conf *conf, const char *manager);

/*
 * journey_plan_opts - fill opts from the config for a manager zone tz and spread key
 * (both borrowed: they must outlive opts); holidays are allocated into *holidays (the
 * caller frees). 0, or -1 with err naming the key.
 */
int journey_plan_opts(const struct ps_conf *conf, const char *tz, const char *spread_key,
		      struct plan_opts *opts, struct plan_date **holidays, char *err,
		      size_t errlen);

/* journey_uid_domain - the domain of postsale-address ("localhost" when it has none) */
const char *journey_uid_domain(const struct ps_conf *conf);

#endif

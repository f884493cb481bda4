/*
 * lease.h - how long a mailer's claim in the store (a check-in, the digest's invoices,
 * a manager's summary) holds the other mailers off: longer than the claimed message
 * takes, built (fast), submitted (submit-timeout at most) and recorded (a store wait of
 * database-timeout at most, twice: the claim's commit, the record); at least 10 s. A
 * mailer that dies in between leaves its claim to the first run after the lease.
 */
#ifndef PS_MAILER_LEASE_H
#define PS_MAILER_LEASE_H

#include "conf/conf.h"

/* mailer_lease - the lease of a claim, in seconds */
static inline long
mailer_lease(const struct ps_conf *conf)
{
	long ms = 2 * conf->submit_timeout_ms + 2 * conf->database_timeout_ms;

	return ms / 1000 > 10 ? ms / 1000 : 10;
}

#endif

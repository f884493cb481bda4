/*
 * summary.h - `postsale-mailer summary`: each account manager gets, at most every
 * summary-interval, a mail listing the check-ins whose invitation has no answer yet
 * (lib/store_reply, lib/invite_summary). A manager is marked only after the outbox
 * accepted the mail, as with the digest; a dry run writes the mails and marks nothing.
 * Before it sends, a mailer claims the manager's summary in the store (a lease), so
 * that of mailers sharing a store one sends it.
 */
#ifndef PS_SUMMARY_H
#define PS_SUMMARY_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "outbox.h"
#include "store/store.h"

struct summary_counts {
	unsigned long sent;		/* managers mailed (or written, in a dry run) */
	unsigned long recent;		/* skipped: their last summary is too recent */
	unsigned long failed;		/* not sent (the reason is logged) */
	unsigned long held;		/* another mailer's claim holds them (it sends them) */
};

/*
 * mailer_summary - send the summaries due at now. Returns 0 (counts filled; a failed
 * send is counted and logged, the others still go), or -1 with err when the store
 * failed.
 */
int mailer_summary(const struct ps_conf *conf, struct store *st, struct outbox *ob,
		   time_t now, struct summary_counts *counts, char *err, size_t errlen);

#endif

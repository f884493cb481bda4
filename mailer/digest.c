/*
 * digest.c - `postsale-mailer digest`: claim, build, send, then mark (digest.h).
 *
 * The order is what makes it safe: the rows are marked digested only after the
 * outbox accepted the message, and only the rows the message listed. The claim before
 * (store_digest.h, a lease of lease.h's length) makes mailers that share a store send
 * one digest: a second one finds the invoices claimed and sends nothing; a mailer that
 * dies after its claim leaves the same rows to the first run after the lease. A send
 * that failed gives the claim back at once, so that the next run lists them again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "lease.h"
#include "compose/digest.h"

int
mailer_digest(const struct ps_conf *conf, struct store *st, struct outbox *ob,
	      time_t now, char *err, size_t errlen)
{
	return mailer_digest_mode(conf, st, ob, now, 0, 0, err, errlen);
}

/* fmt_utc - "2026-12-02 07:00:00 UTC" */
static void
fmt_utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

/* digest_take - the digest to send: in a dry run the invoices as they stand (nothing
 * claimed), else those claimed for this mailer (orphaned: only what a lapsed claim
 * left); a claim of another mailer's (*held set) or the slot's digest sent already is
 * said in err and returns an empty digest. NULL with err on a store error. */
static struct digest *
digest_take(const struct ps_conf *conf, struct store *st, struct outbox *ob, int orphaned,
	    time_t slot, int *held, char *err, size_t errlen)
{
	struct digest *d;
	size_t n_held = 0;
	time_t until = 0;
	char when[32];
	int slot_sent = 0;

	*held = 0;
	if (outbox_is_dry_run(ob))
		return digest_collect(st, err, errlen);
	d = digest_claim(st, time(NULL), mailer_lease(conf), orphaned, slot, &n_held, &until,
	    &slot_sent, err, errlen);
	if (d != NULL && slot_sent) {
		fmt_utc(slot, when, sizeof(when));
		snprintf(err, errlen, "digest: the digest of %s went out already (another"
		    " mailer's), nothing sent", when);
		*held = -1;
	} else if (d != NULL && n_held > 0) {
		fmt_utc(until, when, sizeof(when));
		snprintf(err, errlen, "digest: another mailer's claim holds %zu invoice%s until %s"
		    " (it sends them; if it died, a run after that does), nothing sent", n_held,
		    n_held == 1 ? "" : "s", when);
		*held = 1;
	}
	return d;
}

/* digest_give_back - after the digest d could not be sent (err says why): end its
 * claim, so that the next run lists the rows again; -1 */
static int
digest_give_back(struct store *st, struct outbox *ob, struct digest *d, char *err,
		 size_t errlen)
{
	char why[512];
	size_t used = strlen(err);

	if (!outbox_is_dry_run(ob) && digest_release(st, d, why, sizeof(why)) != 0 &&
	    used < errlen)
		snprintf(err + used, errlen - used, "; %s (the claim's lease ends it)", why);
	digest_free(d);
	return -1;
}

int
mailer_digest_mode(const struct ps_conf *conf, struct store *st, struct outbox *ob,
		   time_t now, int orphaned, time_t slot, char *err, size_t errlen)
{
	struct digest *d;
	const char *rcpts[1];
	char *msg = NULL, serr[512];
	size_t len = 0, n;
	enum submit_status status;
	int held;

	if (conf->finance_address == NULL || conf->finance_address[0] == '\0') {
		snprintf(err, errlen, "finance-address is not set: the digest has no recipient (set it in %s)",
		    conf->path ? conf->path : "the config");
		return -1;
	}
	if ((d = digest_take(conf, st, ob, orphaned, slot, &held, err, errlen)) == NULL)
		return -1;
	if (d->n == 0) {
		if (held == 0)
			snprintf(err, errlen, "%s", orphaned ? "digest: another mailer's claim ended"
			    " in its digest (no invoice left by a lapsed claim), nothing sent" :
			    "digest: no flagged invoices since the last digest, nothing sent");
		digest_free(d);
		return held > 0;
	}
	if (digest_build(conf, d, now, &msg, &len, err, errlen) != 0)
		return digest_give_back(st, ob, d, err, errlen);
	rcpts[0] = conf->finance_address;
	serr[0] = '\0';
	status = outbox_send(ob, conf->postsale_address, rcpts, 1, msg, len, "digest",
	    serr, sizeof(serr));
	free(msg);
	if (status != SUBMIT_OK) {
		snprintf(err, errlen, "digest of %zu invoices to %s not sent (%s, nothing marked): %s",
		    d->n, conf->finance_address, submit_status_name(status), serr);
		return digest_give_back(st, ob, d, err, errlen);
	}
	if (!outbox_is_dry_run(ob) && digest_mark(st, d, now, err, errlen) != 0) {
		char why[512];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "digest sent to %s, but %s (the next digest lists them again)",
		    conf->finance_address, why);
		digest_free(d);
		return -1;
	}
	n = d->n;
	snprintf(err, errlen, "digest: %zu flagged invoice%s %s %s", n, n == 1 ? "" : "s",
	    outbox_is_dry_run(ob) ? "written (dry run, nothing marked) for" : "sent to",
	    conf->finance_address);
	digest_free(d);
	return 0;
}

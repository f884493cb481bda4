/*
 * digest.c - `postsale-mailer digest`: collect, build, send, then mark (digest.h).
 *
 * The order is what makes it safe: the rows are marked digested only after the
 * outbox accepted the message, and only the rows the message listed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "compose/digest.h"

int
mailer_digest(const struct ps_conf *conf, struct store *st, struct outbox *ob,
	      time_t now, char *err, size_t errlen)
{
	return mailer_digest_n(conf, st, ob, now, NULL, err, errlen);
}

int
mailer_digest_n(const struct ps_conf *conf, struct store *st, struct outbox *ob,
		time_t now, size_t *listed, char *err, size_t errlen)
{
	struct digest *d;
	const char *rcpts[1];
	char *msg = NULL, serr[512];
	size_t len = 0;
	enum submit_status status;
	size_t n;

	if (listed != NULL)
		*listed = 0;
	if (conf->finance_address == NULL || conf->finance_address[0] == '\0') {
		snprintf(err, errlen, "finance-address is not set: the digest has no recipient (set it in %s)",
		    conf->path ? conf->path : "the config");
		return -1;
	}
	if ((d = digest_collect(st, err, errlen)) == NULL)
		return -1;
	if (d->n == 0) {
		snprintf(err, errlen, "digest: no flagged invoices since the last digest, nothing sent");
		digest_free(d);
		return 0;
	}
	if (digest_build(conf, d, now, &msg, &len, err, errlen) != 0) {
		digest_free(d);
		return -1;
	}
	rcpts[0] = conf->finance_address;
	serr[0] = '\0';
	status = outbox_send(ob, conf->postsale_address, rcpts, 1, msg, len, "digest",
	    serr, sizeof(serr));
	free(msg);
	if (status != SUBMIT_OK) {
		snprintf(err, errlen, "digest of %zu invoices to %s not sent (%s, nothing marked): %s",
		    d->n, conf->finance_address, submit_status_name(status), serr);
		digest_free(d);
		return -1;
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
	if (listed != NULL)
		*listed = n;
	return 0;
}

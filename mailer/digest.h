/*
 * digest.h - `postsale-mailer digest`: mail finance the table of invoices flagged
 * since the last digest, and mark them digested once the mail is out.
 */
#ifndef PS_MAILER_DIGEST_H
#define PS_MAILER_DIGEST_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "outbox.h"
#include "store/store.h"

/*
 * mailer_digest - claim the flagged, undigested invoices for this mailer (a lease in
 * the store: lib/store/store_digest.h), build their digest (lib/compose/digest.h),
 * send it from postsale-address to finance-address through ob, and only after the send
 * succeeded mark the invoices it lists digested, in one transaction: running it twice
 * sends nothing new, a failed send loses nothing (its claim is given back), and of
 * mailers sharing a store one sends. In a dry run (the outbox writes a file) nothing is
 * claimed nor marked.
 * Returns 0 with a summary line in err for the log ("digest: 3 flagged invoices sent
 * to finance@example.com", or "digest: no flagged invoices since the last digest,
 * nothing sent"); 1 with a line in err when another mailer's claim holds some of the
 * invoices (nothing sent: that mailer sends them, or, if it died, a run after its
 * lease); or -1 with one line in err: finance-address not set, a store error, the
 * submission's error (nothing marked), or marking failed after the send (the next
 * digest lists them again).
 */
int mailer_digest(const struct ps_conf *conf, struct store *st, struct outbox *ob,
		  time_t now, char *err, size_t errlen);
/* mailer_digest_mode - mailer_digest; orphaned: only the invoices a lapsed claim left
 * (the daemon's next try after another mailer held the day's digest), none that no
 * mailer claimed yet; slot (0: none): the digest's scheduled time, nothing sent (0)
 * when a digest went out at or after it (another mailer's of the same schedule) */
int mailer_digest_mode(const struct ps_conf *conf, struct store *st, struct outbox *ob,
		       time_t now, int orphaned, time_t slot, char *err, size_t errlen);

#endif

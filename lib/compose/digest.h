/*
 * digest.h - finance's digest of flagged invoices: which invoices it lists (flagged and
 * not yet in a digest), the message that lists them, and marking them digested.
 *
 * The values in the rows come from untrusted invoices (buyer names, numbers, finding
 * ids): in the text part they lose their control characters, in the HTML part every
 * one is escaped. Sending is not done here (mailer/digest.c sends through the outbox
 * and calls digest_mark() only after the send succeeded).
 */
#ifndef PS_DIGEST_H
#define PS_DIGEST_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "store/store.h"
#include "store/store_digest.h"

struct digest {
	struct store_digest_row *rows;	/* oldest first */
	size_t n;
	time_t since;			/* the last digest, else the oldest row's time, else 0 */
	size_t n_warned;		/* rows with warnings only */
};

/* digest_collect - the invoices no digest has listed yet (digested_at NULL) that are
 * flagged or have warnings (postsale's own rules); warning ids say "(warning)". A new
 * digest the caller frees with digest_free(), or NULL with one line in err on a store
 * error. */
struct digest *digest_collect(struct store *st, char *err, size_t errlen);
/*
 * digest_claim - digest_collect's invoices, claimed for this mailer until clock + lease
 * seconds (store_digest_claim: orphaned, only those a lapsed claim left); none when
 * another mailer's claim holds some (*held of them, until *held_until), or when a
 * digest went out at or after slot (*slot_sent; slot 0: no such check). A new digest,
 * or NULL with one line in err.
 */
struct digest *digest_claim(struct store *st, time_t clock, long lease, int orphaned,
			    time_t slot, size_t *held, time_t *held_until, int *slot_sent,
			    char *err, size_t errlen);
/* digest_free - accepts NULL, returns NULL */
struct digest *digest_free(struct digest *d);

/*
 * digest_build - the message (RFC 5322, CRLF line ends) that lists d's rows:
 * multipart/alternative of a text/plain table and a text/html table, From
 * postsale-name <postsale-address>, To finance-address, Date (now), a Message-ID
 * derived from the rows listed (the same digest sent again keeps it), Subject
 * "postsale: N flagged invoices since DATE", Auto-Submitted: auto-generated.
 * 0 and *msg (*len bytes, NUL-terminated, caller frees with free()), or -1 with one
 * line in err (finance-address not set, no rows).
 */
int digest_build(const struct ps_conf *conf, const struct digest *d, time_t now,
		 char **msg, size_t *len, char *err, size_t errlen);

/* digest_subject - "postsale: N flagged invoices since 2026-03-01 08:00 UTC" (caller
 * frees) */
char *digest_subject(const struct digest *d);

/* digest_mark - set digested_at = now on d's rows that are still undigested, in one
 * transaction; 0, or -1 with err (nothing marked) */
int digest_mark(struct store *st, const struct digest *d, time_t now, char *err, size_t errlen);
/* digest_release - end the claim on d's rows (their digest was not sent); 0 or -1 */
int digest_release(struct store *st, const struct digest *d, char *err, size_t errlen);

#endif

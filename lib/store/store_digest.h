/*
 * store_digest.h - the invoices finance's digest lists (lib/compose/digest.h builds the
 * message): the flagged ones and those with warnings only that no digest has listed yet,
 * the claim a mailer takes on them before it sends, and marking them listed
 * (invoices.digested_at).
 *
 * The claim (invoices.digest_claimed_until) is a lease on the wall clock, taken in one
 * write transaction (SQLite's file lock, PostgreSQL's advisory write lock): while one
 * runs, no other mailer claims any of the digest's invoices, so that mailers on several
 * hosts sharing a store send one digest; the mark (or a release, after a failed send)
 * ends it; a mailer that dies in between leaves its invoices to the first claim after
 * the lease, which lists the same rows again (and the digest keeps its Message-ID).
 *
 * The row values come from untrusted invoices; the digest escapes them where it shows
 * them.
 */
#ifndef PS_STORE_DIGEST_H
#define PS_STORE_DIGEST_H

#include <stddef.h>
#include <time.h>

#include "store.h"

struct store_digest_row {
	long long id;			/* invoices.id */
	time_t sent_at;
	char *number;			/* BT-1, or NULL */
	char *customer;			/* the buyer's name, else the recipients */
	char *amount;			/* as recorded (BT-115, else BT-112), or NULL */
	char *currency;
	char *findings;			/* the rule ids, "BR-CO-15, PS-IBAN-UNKNOWN" */
	char *action;			/* tag, hold, reject, tempfail */
	char *review_state;		/* open, reviewed */
	int flagged;			/* 1 flagged (an error), 0 warnings only */
};

/*
 * store_digest_rows - the invoices no digest has listed yet (digested_at NULL) that are
 * flagged or have findings, oldest first, into *rows (*n of them; the caller frees them
 * with store_digest_rows_free()); warning ids say "(warning)". *since: the last
 * digest's time, else the oldest row's, else 0. 0, or -1 with one line in err.
 */
int store_digest_rows(struct store *st, struct store_digest_row **rows, size_t *n,
		      time_t *since, char *err, size_t errlen);
/* store_digest_rows_free - free n rows; NULL-safe */
void store_digest_rows_free(struct store_digest_row *rows, size_t n);

struct store_digest_claim {
	struct store_digest_row *rows;	/* claimed, oldest first (free with store_digest_rows_free) */
	size_t n;
	time_t since;			/* as store_digest_rows() says it */
	size_t held;			/* listable invoices another claim holds: then n is 0 */
	time_t held_until;		/* the end of that claim's lease */
	int slot_sent;			/* a digest went out at or after the slot: n is 0 */
};

/*
 * store_digest_claim - in one write transaction: when no claim holds any listable
 * invoice at clock (the wall clock), claim them all (orphaned: only those a lapsed claim
 * left, none that never had one) until clock + lease seconds, into *c; when a claim
 * holds some, claim nothing and say how many and until when (c->held, c->held_until).
 * slot (0: none) is the scheduled time of the digest wanted: when a digest went out at
 * or after it (another mailer's of the same schedule), claim nothing (c->slot_sent).
 * 0, or -1 with one line in err (nothing claimed).
 */
int store_digest_claim(struct store *st, time_t clock, long lease, int orphaned, time_t slot,
		       struct store_digest_claim *c, char *err, size_t errlen);
/* store_digest_release - end the claim on the n invoices ids that are still
 * undigested (their digest was not sent); 0, or -1 with err (the lease ends it) */
int store_digest_release(struct store *st, const long long *ids, size_t n, char *err,
			 size_t errlen);
/* store_digest_mark - set digested_at = now on the n invoices ids that are still
 * undigested, and end their claim, in one transaction; 0, or -1 with err (nothing
 * marked) */
int store_digest_mark(struct store *st, const long long *ids, size_t n, time_t now,
		      char *err, size_t errlen);

#endif

/*
 * store_digest.h - the invoices finance's digest lists (lib/compose/digest.h builds the
 * message): the flagged ones and those with warnings only that no digest has listed yet,
 * and marking them listed (invoices.digested_at).
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
/* store_digest_mark - set digested_at = now on the n invoices ids that are still
 * undigested, in one transaction; 0, or -1 with err (nothing marked) */
int store_digest_mark(struct store *st, const long long *ids, size_t n, time_t now,
		      char *err, size_t errlen);

#endif

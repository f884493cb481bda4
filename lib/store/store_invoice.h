/*
 * store_invoice.h - the invoice journal in the store: every invoice the filter saw,
 * its findings, its review state, and the customers it was sent to.
 *
 * The milter calls journal_lookup() and journal_record() once per invoice, from many
 * threads, each with a connection of its own: one short BEGIN IMMEDIATE transaction
 * each, bounded by the store's busy timeout, indexed lookups only. postsalectl and
 * the digest read and update the same rows through the functions below.
 *
 * What makes two invoices "the same" (a resend): the same number (BT-1) from the
 * same seller (BT-27, else the seller's VAT id BT-31), and the same currency, amount
 * (BT-115, else BT-112) and buyer (name BT-44, VAT id BT-48, electronic address
 * BT-49). Earlier entries whose action was reject or tempfail never left the company
 * and are not compared with.
 */
#ifndef PS_STORE_INVOICE_H
#define PS_STORE_INVOICE_H

#include <stddef.h>
#include <time.h>

#include "invoice/inv.h"
#include "store.h"

enum journal_resend { JOURNAL_NEW, JOURNAL_RESEND, JOURNAL_CHANGED };

/*
 * journal_lookup - was this invoice number (same seller) sent before?
 * JOURNAL_CHANGED: with a different total, currency or buyer (the caller adds a
 * PS-RESEND-CHANGED finding with prev_desc, e.g. "journal #12, sent 2026-03-01 10:00
 * UTC to Acme GmbH, 1190.00 EUR"); JOURNAL_RESEND: the same (a resend, not flagged);
 * JOURNAL_NEW. *prev_id is the earlier entry's id (0 for new). 0, or -1 with one line
 * in err on a store error (locked, busy, corrupt).
 */
int journal_lookup(struct store *st, const inv_invoice *inv, enum journal_resend *out,
		   long long *prev_id, char *prev_desc, size_t desclen, char *err, size_t errlen);

struct journal_entry {
	const inv_invoice *inv;
	const char *container;		/* "xml" | "pdf" */
	const char *part;		/* MIME part path ("2", "1.2"), or NULL */
	const char *sender;		/* envelope sender */
	const char *const *rcpts;	/* envelope recipients ("<a@b>" or "a@b") */
	size_t nrcpts;
	const char *message_id;
	const char *queue_id;
	const char *verdict;		/* "ok" | "flagged" | "resend" */
	const char *action;		/* "tag" | "hold" | "reject" | "tempfail" | "none" */
	const inv_findings *findings;	/* NULL: none */
	time_t sent_at;
};

/*
 * journal_record - insert the invoice and its findings in one transaction, and count
 * it on each recipient's customers row (created when missing: address, domain, first
 * seen, the buyer's name as display name; then invoice_count + 1 and last_invoice_at),
 * except when the action was reject or tempfail (the invoice did not leave). *id (NULL
 * ok) gets the new row's id. 0, or -1 with one line in err naming the database and the
 * cause (the database locked past the busy timeout, "database or disk is full").
 */
int journal_record(struct store *st, const struct journal_entry *e, long long *id,
		   char *err, size_t errlen);

/* A finding as the journal keeps it. */
struct journal_finding {
	char *rule_id;
	char *severity;			/* "error" | "warning" */
	char *message;
};

/*
 * journal_row - one invoice exactly as journal_write_row() stores it: plain strings
 * (NULL for none), so that it can wait in the spool of unrecorded records
 * (store_spool.h) and be written later. rcpts are bare addresses.
 */
struct journal_row {
	char *number, *syntax, *profile, *seller, *buyer, *buyer_address;
	char *issue_date, *due_date, *currency, *total, *payee_ibans;
	char *sender, *message_id, *queue_id, *fingerprint, *verdict, *action;
	char **rcpts;
	size_t nrcpts;
	struct journal_finding *findings;
	size_t nfindings;
	long long sent_at;
	const inv_invoice *inv;		/* the model it came from (not owned), for the finance
					   console's figures; NULL in a replayed record */
};

/* journal_row_from_entry - fill *row (zeroed by the caller) with copies of e's values */
void journal_row_from_entry(const struct journal_entry *e, struct journal_row *row);
/* journal_row_clear - free what *row holds and zero it */
void journal_row_clear(struct journal_row *row);
/* journal_row_add_finding - append a finding (copies) */
void journal_row_add_finding(struct journal_row *row, const char *rule_id,
			     const char *severity, const char *message);

#define JOURNAL_REPLAY	0x1	/* skip a row the journal already holds (same number,
				   seller, queue id, message id and time): a replay */

/*
 * journal_write_row - journal_record() for a row: the invoice, its findings and its
 * customers in one transaction. With JOURNAL_REPLAY a row that is already there is
 * not written again (0, *id the existing row). 0, or -1 with one line in err.
 */
int journal_write_row(struct store *st, const struct journal_row *row, int flags,
		      long long *id, char *err, size_t errlen);

/* journal_seller_key - the seller as the journal keys it (BT-27, else BT-31, else "");
 * static or the model's string */
const char *journal_seller_key(const inv_invoice *inv);

/* journal_amount - the invoice's amount as recorded (BT-115, else BT-112) into buf
 * (DEC_FMT_LEN); returns buf, or NULL when the invoice has neither */
char *journal_amount(const inv_invoice *inv, char *buf, size_t len);

/* journal_review - mark invoice id reviewed with note at time t (review_state
 * 'reviewed'); 1 done, 0 no such invoice, -1 + err on a store error */
int journal_review(struct store *st, long long id, const char *note, time_t t,
		   char *err, size_t errlen);

/*
 * journal_record_figures - keep what the finance console's page of invoice id needs:
 * its lines and totals, stated and recomputed (store_invoice_figures.c). Called by
 * journal_record() for flagged invoices, inside its transaction. SQLite's code.
 */
int journal_record_figures(struct store *st, long long id, const inv_invoice *inv);
/* journal_prune_figures - drop the figures of invoices sent before `before` (the
 * retention, invoice-detail-retention); the rows removed, or -1 with err */
int journal_prune_figures(struct store *st, time_t before, char *err, size_t errlen);

/* journal_errmsg - one line for a failed SQLite call: "PATH: WHAT: the database is
 * locked by another writer (gave up after the busy timeout ...)" for SQLITE_BUSY and
 * SQLITE_LOCKED, else "PATH: WHAT: " and SQLite's message */
void journal_errmsg(struct store *st, int rc, const char *what, char *err, size_t errlen);

#endif

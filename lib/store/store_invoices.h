/*
 * store_invoices.h - the invoice journal as postsalectl reads it (invoices, show): the
 * list, one invoice's every column, and an invoice's findings, as rows of strings
 * (store_rows.h; NULL stays NULL). The values came from untrusted invoices: the reader
 * makes them printable.
 *
 * On a store error the functions return -1 with "PATH: the engine's message" in err.
 */
#ifndef PS_STORE_INVOICES_H
#define PS_STORE_INVOICES_H

#include <stddef.h>
#include <time.h>

#include "store.h"
#include "store_rows.h"

/* Which invoices store_invoices_list() reads. */
enum store_invoices_which {
	STORE_INVOICES_ALL = 0,
	STORE_INVOICES_FLAGGED = 1,
	STORE_INVOICES_FINDINGS = 2,	/* flagged, or with any finding (warnings: issue 9) */
};

/* The columns of store_invoices_list(). */
enum {
	INVOICES_ID, INVOICES_SENT_AT, INVOICES_NUMBER, INVOICES_BUYER, INVOICES_TOTAL,
	INVOICES_CURRENCY, INVOICES_VERDICT, INVOICES_ACTION, INVOICES_REVIEW_STATE
};
/* store_invoices_list - the invoices of `which` sent at or after since, oldest first,
 * appended to rows; 0 or -1 */
int store_invoices_list(struct store *st, enum store_invoices_which which, time_t since,
			struct store_rows *rows, char *err, size_t errlen);

/* The columns of store_invoices_get(). */
enum {
	INVOICE_NUMBER, INVOICE_SYNTAX, INVOICE_PROFILE, INVOICE_SELLER, INVOICE_BUYER,
	INVOICE_BUYER_ADDRESS, INVOICE_ISSUE_DATE, INVOICE_DUE_DATE, INVOICE_TOTAL,
	INVOICE_CURRENCY, INVOICE_PAYEE_IBAN, INVOICE_SENT_AT, INVOICE_SENDER,
	INVOICE_RECIPIENTS, INVOICE_MESSAGE_ID, INVOICE_QUEUE_ID, INVOICE_VERDICT,
	INVOICE_ACTION, INVOICE_REVIEW_STATE, INVOICE_REVIEW_NOTE, INVOICE_REVIEWED_AT,
	INVOICE_DIGESTED_AT, INVOICE_HOLD_STATE
};
/* store_invoices_get - invoice id's row into row (none when there is no such invoice);
 * 0 or -1 */
int store_invoices_get(struct store *st, long long id, struct store_rows *row,
		       char *err, size_t errlen);

/* The columns of store_invoices_findings(). */
enum { FINDING_RULE_ID, FINDING_SEVERITY, FINDING_MESSAGE };
/* store_invoices_findings - invoice id's findings in the order they were recorded,
 * appended to rows; 0 or -1 */
int store_invoices_findings(struct store *st, long long id, struct store_rows *rows,
			    char *err, size_t errlen);

#endif

/*
 * store_console.h - what the finance console reads from and writes to the journal:
 * the invoice list (held first, then flagged and open ones, then the rest; filtered by
 * state, date and number; paged), one invoice with its findings, lines, totals and
 * audit log, the hold queue's outcome, and the customers with their check-ins.
 *
 * Every query is indexed (store.c's migration 2): the time per page does not grow with
 * the journal. Filters reach SQLite as bound parameters; the SQL text is chosen from
 * fixed fragments.
 */
#ifndef PS_STORE_CONSOLE_H
#define PS_STORE_CONSOLE_H

#include <stddef.h>
#include <time.h>

#include "store.h"
#include "store_rows.h"

enum console_state {
	CONSOLE_ALL, CONSOLE_HELD, CONSOLE_FLAGGED, CONSOLE_REVIEWED, CONSOLE_RELEASED,
	CONSOLE_DISCARDED
};

struct console_filter {
	enum console_state state;
	const char *number;		/* BT-1 exactly, or NULL */
	time_t from, to;		/* sent at from <= t < to; 0 for open */
	long page;			/* 0 is the first */
	int per_page;
};

/* console_state_parse - "all", "held", "flagged", "reviewed", "released", "discarded";
 * 0, or -1 */
int console_state_parse(const char *s, enum console_state *out);
/* console_state_name - the word of a state (static) */
const char *console_state_name(enum console_state s);

/* Columns of console_invoices() and of the invoice's first row in console_invoice(). */
enum {
	CI_ID, CI_NUMBER, CI_BUYER, CI_TOTAL, CI_CURRENCY, CI_FINDINGS, CI_ACTION,
	CI_HOLD_STATE, CI_REVIEW, CI_VERDICT, CI_SENT, CI_QUEUE_ID,
	/* console_invoice() only */
	CI_SELLER, CI_SYNTAX, CI_PROFILE, CI_ISSUE, CI_DUE, CI_IBAN, CI_SENDER, CI_RCPTS,
	CI_MESSAGE_ID, CI_REVIEW_NOTE, CI_REVIEWED_AT
};
/* console_invoices - one page of the list into rows; *more is 1 when a next page
 * exists. 0, or -1 with err */
int console_invoices(struct store *st, const struct console_filter *f, struct store_rows *rows,
    int *more, char *err, size_t errlen);

/* Columns of the parts of one invoice. */
enum { CF_RULE, CF_SEVERITY, CF_MESSAGE };
enum { CL_LINE_ID, CL_ITEM, CL_QUANTITY, CL_UNIT, CL_PRICE, CL_BASE, CL_NET, CL_COMPUTED, CL_DIFFERS };
enum { CT_TERM, CT_LABEL, CT_STATED, CT_COMPUTED, CT_DIFFERS };

struct console_invoice {
	struct store_rows invoice;	/* one row, CI_* columns */
	struct store_rows findings;	/* CF_* */
	struct store_rows lines;	/* CL_* (flagged invoices within the retention) */
	struct store_rows totals;	/* CT_* */
	struct store_rows audit;	/* AUDIT_* (store_audit.h) */
};

/* console_invoice - invoice id and its parts; 1, 0 no such invoice, -1 with err */
int console_invoice(struct store *st, long long id, struct console_invoice *ci,
    char *err, size_t errlen);
/* console_invoice_clear - free ci's rows */
void console_invoice_clear(struct console_invoice *ci);

/* console_held_invoice - the journal's held invoice (action hold, not yet released or
 * discarded) with queue id qid: *id; 1, 0 none, -1 */
int console_held_invoice(struct store *st, const char *qid, long long *id, char *err, size_t errlen);
/* console_set_hold_state - a held invoice became "released" or "discarded"; 1, 0 it was
 * not held, -1 */
int console_set_hold_state(struct store *st, long long id, const char *state,
    char *err, size_t errlen);

/* Columns of console_customers() and of console_customer()'s first rows. */
enum {
	CC_ID, CC_ADDRESS, CC_NAME, CC_MANAGER, CC_FIRST_SEEN, CC_ONBOARDED, CC_OFFBOARDED,
	CC_INVOICES, CC_LAST_INVOICE, CC_RENEWAL
};
/* console_customers - one page of customers, newest first; 0, or -1 */
int console_customers(struct store *st, long page, int per_page, struct store_rows *rows,
    int *more, char *err, size_t errlen);
/* Columns of a customer's check-ins. */
enum { CH_KIND, CH_ORDINAL, CH_DUE, CH_TZID, CH_STATE, CH_MANAGER, CH_ATTEMPTS, CH_ERROR };
/* console_customer - customer id (CC_*) and its check-ins (CK_*, by time); 1, 0, -1 */
int console_customer(struct store *st, long long id, struct store_rows *customer,
    struct store_rows *checkins, char *err, size_t errlen);

#endif

/*
 * inv_figures.h - the numbers behind an invoice's findings, as the finance console
 * shows them: each line's quantity, price and net amount as stated and as recomputed,
 * and the document totals (BT-106 .. BT-115) as stated and as recomputed from the
 * figures below them. The journal keeps these for flagged invoices.
 *
 * Input is a model built from an untrusted invoice; the output is text (decimal
 * numbers as dec_fmt writes them, or "" when absent) for the store.
 */
#ifndef PS_INV_FIGURES_H
#define PS_INV_FIGURES_H

#include "util/dec.h"
#include "inv.h"

struct inv_fig_line {
	const char *id;			/* BT-126, or NULL (the model's string) */
	const char *item;		/* BT-153, or NULL */
	const char *unit;		/* BT-130, or NULL */
	char quantity[DEC_FMT_LEN];	/* BT-129 */
	char price[DEC_FMT_LEN];	/* BT-146 */
	char base_quantity[DEC_FMT_LEN];/* BT-149 */
	char net[DEC_FMT_LEN];		/* BT-131 as stated */
	char computed[DEC_FMT_LEN];	/* quantity x price / base +- line allowances, charges */
	int differs;			/* both known and not equal */
};

#define INV_FIG_NTOTALS 7

struct inv_fig_total {
	const char *term;		/* "BT-106" ... (static) */
	const char *label;		/* "Sum of line net amounts" ... (static) */
	char stated[DEC_FMT_LEN];	/* "" when the invoice does not state it */
	char computed[DEC_FMT_LEN];	/* "" when it cannot be computed */
	int differs;
};

/* inv_figures_line - the figures of line l of inv */
void inv_figures_line(const inv_invoice *inv, const inv_line *l, struct inv_fig_line *out);
/* inv_figures_totals - the INV_FIG_NTOTALS document totals of inv, into out */
void inv_figures_totals(const inv_invoice *inv, struct inv_fig_total out[INV_FIG_NTOTALS]);

#endif

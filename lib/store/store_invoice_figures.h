/*
 * store_invoice_figures.h - the invoice_lines and invoice_totals tables: the figures
 * of a flagged invoice (its lines and totals, stated and recomputed) that the finance
 * console's invoice page shows, and their removal after invoice-detail-retention.
 */
#ifndef PS_STORE_INVOICE_FIGURES_H
#define PS_STORE_INVOICE_FIGURES_H

#include <stddef.h>
#include <time.h>

#include "invoice/inv.h"
#include "store.h"

/*
 * store_invoice_record_figures - keep what the finance console's page of invoice id needs:
 * its lines and totals, stated and recomputed (store_invoice_figures.c). Called by
 * store_invoice_record() for flagged invoices, inside its transaction. a DB_* code (db.h).
 */
int store_invoice_record_figures(struct store *st, long long id, const inv_invoice *inv);
/* store_invoice_prune_figures - drop the figures of invoices sent before `before` (the
 * retention, invoice-detail-retention); the rows removed, or -1 with err */
int store_invoice_prune_figures(struct store *st, time_t before, char *err, size_t errlen);

#endif

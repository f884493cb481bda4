/*
 * store_invoice_figures.c - the figures of a flagged invoice in the journal: its lines
 * and totals as stated and as recomputed (lib/inv_figures.h), which the finance
 * console's invoice page shows, and their removal after invoice-detail-retention.
 *
 * The values come from untrusted invoices and reach the database as bound parameters only.
 */
#include "invoice/inv_figures.h"
#include "store_int.h"
#include "store_invoice_figures.h"

#define SQL_LINE \
	"INSERT INTO invoice_lines (invoice_id, pos, line_id, item, quantity, unit, price," \
	" base_quantity, net, computed, differs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define SQL_TOTAL \
	"INSERT INTO invoice_totals (invoice_id, pos, term, label, stated, computed, differs)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?)"

/* text - s, or NULL for "" (an absent figure) */
static const char *
text(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

int
store_invoice_record_figures(struct store *st, long long id, const inv_invoice *inv)
{
	struct inv_fig_total totals[INV_FIG_NTOTALS];
	struct db_stmt *ls, *ts;
	int rc;

	if ((ls = db_prepare(st->db, SQL_LINE)) == NULL ||
	    (ts = db_prepare(st->db, SQL_TOTAL)) == NULL)
		return store_failed(st, DB_ERROR);
	for (size_t i = 0; i < inv->n_lines; i++) {
		struct inv_fig_line l;

		inv_figures_line(inv, &inv->lines[i], &l);
		db_bind_int64(ls, 1, id);
		db_bind_int64(ls, 2, (long long) i);
		db_bind_text(ls, 3, l.id);
		db_bind_text(ls, 4, l.item);
		db_bind_text(ls, 5, text(l.quantity));
		db_bind_text(ls, 6, l.unit);
		db_bind_text(ls, 7, text(l.price));
		db_bind_text(ls, 8, text(l.base_quantity));
		db_bind_text(ls, 9, text(l.net));
		db_bind_text(ls, 10, text(l.computed));
		db_bind_int64(ls, 11, l.differs);
		if ((rc = store_step_done(st, ls)) != DB_DONE)
			return rc;
	}
	inv_figures_totals(inv, totals);
	for (int i = 0; i < INV_FIG_NTOTALS; i++) {
		db_bind_int64(ts, 1, id);
		db_bind_int64(ts, 2, i);
		db_bind_text(ts, 3, totals[i].term);
		db_bind_text(ts, 4, totals[i].label);
		db_bind_text(ts, 5, text(totals[i].stated));
		db_bind_text(ts, 6, text(totals[i].computed));
		db_bind_int64(ts, 7, totals[i].differs);
		if ((rc = store_step_done(st, ts)) != DB_DONE)
			return rc;
	}
	return DB_DONE;
}

int
store_invoice_prune_figures(struct store *st, time_t before, char *err, size_t errlen)
{
	static const char *const sql[] = {
		"DELETE FROM invoice_lines WHERE invoice_id IN"
		" (SELECT id FROM invoices WHERE sent_at < ?)",
		"DELETE FROM invoice_totals WHERE invoice_id IN"
		" (SELECT id FROM invoices WHERE sent_at < ?)",
	};
	int rc, n = 0;

	for (size_t i = 0; i < 2; i++) {
		struct db_stmt *s = db_prepare(st->db, sql[i]);
		if (s == NULL) {
			store_errmsg(st, DB_ERROR, "removing invoice figures past their retention", err, errlen);
			return -1;
		}
		db_bind_int64(s, 1, (long long) before);
		if ((rc = store_step_done(st, s)) != DB_DONE) {
			store_errmsg(st, rc, "removing invoice figures past their retention", err, errlen);
			return -1;
		}
		n += db_changes(st->db);
	}
	return n;
}

/*
 * store_invoice_figures.c - the figures of a flagged invoice in the journal: its lines
 * and totals as stated and as recomputed (lib/inv_figures.h), which the finance
 * console's invoice page shows, and their removal after invoice-detail-retention.
 *
 * The values come from untrusted invoices and reach SQLite as bound parameters only.
 */
#include "invoice/inv_figures.h"
#include "store_invoice.h"
#include "store_rows.h"

#define SQL_LINE \
	"INSERT INTO invoice_lines (invoice_id, pos, line_id, item, quantity, unit, price," \
	" base_quantity, net, computed, differs) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
#define SQL_TOTAL \
	"INSERT INTO invoice_totals (invoice_id, pos, term, label, stated, computed, differs)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"

/* text - s, or NULL for "" (an absent figure) */
static const char *
text(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

/* step - run and reset an insert; SQLite's code */
static int
step(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
journal_record_figures(struct store *st, long long id, const inv_invoice *inv)
{
	struct inv_fig_total totals[INV_FIG_NTOTALS];
	sqlite3_stmt *ls, *ts;
	int rc;

	if ((ls = store_prepare(st, SQL_LINE, &rc)) == NULL ||
	    (ts = store_prepare(st, SQL_TOTAL, &rc)) == NULL)
		return rc;
	for (size_t i = 0; i < inv->n_lines; i++) {
		struct inv_fig_line l;

		inv_figures_line(inv, &inv->lines[i], &l);
		sqlite3_bind_int64(ls, 1, id);
		sqlite3_bind_int64(ls, 2, (sqlite3_int64) i);
		store_bind_text(ls, 3, l.id);
		store_bind_text(ls, 4, l.item);
		store_bind_text(ls, 5, text(l.quantity));
		store_bind_text(ls, 6, l.unit);
		store_bind_text(ls, 7, text(l.price));
		store_bind_text(ls, 8, text(l.base_quantity));
		store_bind_text(ls, 9, text(l.net));
		store_bind_text(ls, 10, text(l.computed));
		sqlite3_bind_int(ls, 11, l.differs);
		if ((rc = step(ls)) != SQLITE_OK)
			return rc;
	}
	inv_figures_totals(inv, totals);
	for (int i = 0; i < INV_FIG_NTOTALS; i++) {
		sqlite3_bind_int64(ts, 1, id);
		sqlite3_bind_int(ts, 2, i);
		store_bind_text(ts, 3, totals[i].term);
		store_bind_text(ts, 4, totals[i].label);
		store_bind_text(ts, 5, text(totals[i].stated));
		store_bind_text(ts, 6, text(totals[i].computed));
		sqlite3_bind_int(ts, 7, totals[i].differs);
		if ((rc = step(ts)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

int
journal_prune_figures(struct store *st, time_t before, char *err, size_t errlen)
{
	static const char *const sql[] = {
		"DELETE FROM invoice_lines WHERE invoice_id IN"
		" (SELECT id FROM invoices WHERE sent_at < ?1)",
		"DELETE FROM invoice_totals WHERE invoice_id IN"
		" (SELECT id FROM invoices WHERE sent_at < ?1)",
	};
	int rc, n = 0;

	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *s = store_prepare(st, sql[i], &rc);
		if (s == NULL) {
			journal_errmsg(st, rc, "removing invoice figures past their retention", err, errlen);
			return -1;
		}
		sqlite3_bind_int64(s, 1, (sqlite3_int64) before);
		if ((rc = step(s)) != SQLITE_OK) {
			journal_errmsg(st, rc, "removing invoice figures past their retention", err, errlen);
			return -1;
		}
		n += sqlite3_changes(st->db);
	}
	return n;
}

/*
 * store_console.c - the finance console's queries (store_console.h).
 *
 * Filters and ids come from requests: they are bound, never spliced; the SQL text is
 * put together from the constant fragments below only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_audit.h"
#include "store_console.h"
#include "store_int.h"
#include "store_invoices.h"
#include "util/xalloc.h"

/* The list's rank: the same expression as the index invoices_list (store.c). */
#define RANK "(CASE WHEN action = 'hold' AND hold_state IS NULL" \
	" THEN 0 WHEN verdict = 'flagged' AND review_state = 'open' THEN 1 ELSE 2 END)"
/* The list's columns; the rules of the findings joined as the engine joins strings. */
#define LIST_COLUMNS(agg) \
	"SELECT id, number, coalesce(buyer, recipients), total, currency," \
	" (SELECT " agg " FROM findings f WHERE f.invoice_id = invoices.id)," \
	" action, hold_state, review_state, verdict, sent_at, queue_id"
#define AGG_SQLITE "group_concat(rule_id, ', ')"
#define AGG_PG "string_agg(rule_id, ', ' ORDER BY f.id)"
/* An invoice's page: the list's columns and the rest. */
#define INVOICE_SQL(agg) LIST_COLUMNS(agg) ", seller, syntax, profile, issue_date, due_date," \
	" payee_iban, sender, recipients, message_id, review_note, reviewed_at FROM invoices" \
	" WHERE id = ?"
static const char *const invoice_sql[] = {INVOICE_SQL(AGG_SQLITE), INVOICE_SQL(AGG_PG)};

static const char *const state_names[] = {
	"all", "held", "flagged", "reviewed", "released", "discarded"
};
/* The condition of each state. */
static const char *const state_where[] = {
	"", " AND " RANK " = 0", " AND verdict = 'flagged'", " AND review_state = 'reviewed'",
	" AND hold_state = 'released'", " AND hold_state = 'discarded'"
};

int
console_state_parse(const char *s, enum console_state *out)
{
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (s != NULL && strcmp(s, state_names[i]) == 0) {
			*out = (enum console_state) i;
			return 0;
		}
	return -1;
}

const char *
console_state_name(enum console_state s)
{
	return (size_t) s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s] : "all";
}

/* prepared - the cached statement for sql (a constant) into *s; 0, or -1 */
static int
prepared(struct store *st, const char *sql, struct db_stmt **s, const char *what, char *err,
    size_t errlen)
{
	return (*s = store_statement(st, sql, what, err, errlen)) != NULL ? 0 : -1;
}

/* fetch_into - step s into rows (it is reset after); 0, or -1 with err */
static int
fetch_into(struct store *st, struct db_stmt *s, struct store_rows *rows, const char *what,
    char *err, size_t errlen)
{
	int rc = store_rows_fetch(st, s, rows);

	if (rc != DB_DONE)
		store_errmsg(st, rc, what, err, errlen);
	return rc == DB_DONE ? 0 : -1;
}

/*
 * The list's texts: one for each engine, state and combination of filters (a number,
 * a from, a to: bits 1, 2, 4), made once, so that each is a constant the statement
 * cache keys by its address. The parameters in order: number, from, to, limit, offset.
 */
#define LIST_FILTERS 8
#define NSTATES (sizeof(state_names) / sizeof(state_names[0]))
static char *list_sql[2][NSTATES][LIST_FILTERS];
static pthread_once_t list_once = PTHREAD_ONCE_INIT;

/* list_sql_make - fill list_sql (once) */
static void
list_sql_make(void)
{
	static const char *const columns[] = {LIST_COLUMNS(AGG_SQLITE), LIST_COLUMNS(AGG_PG)};

	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < NSTATES; i++)
			for (int m = 0; m < LIST_FILTERS; m++) {
				int ranked = (i == CONSOLE_ALL || i == CONSOLE_HELD) && m == 0;
				list_sql[k][i][m] = xasprintf("%s FROM invoices WHERE 1 = 1%s%s%s%s"
				    " ORDER BY %s LIMIT ? OFFSET ?", columns[k], state_where[i],
				    m & 1 ? " AND number = ?" : "", m & 2 ? " AND sent_at >= ?" : "",
				    m & 4 ? " AND sent_at < ?" : "",
				    ranked ? RANK ", id DESC" : m & 6 ? "sent_at DESC, id DESC" : "id DESC");
			}
}

/* page_trim - drop the extra row a page query fetched beyond per; 1 if there was one */
static int
page_trim(struct store_rows *rows, int per)
{
	if (rows->n <= (size_t) per)
		return 0;
	for (size_t c = 0; c < rows->ncol; c++)
		free(rows->cell[(rows->n - 1) * rows->ncol + c]);
	rows->n--;
	return 1;
}

int
console_invoices(struct store *st, const struct console_filter *f, struct store_rows *rows,
    int *more, char *err, size_t errlen)
{
	const char *what = "listing the invoices";
	int per = f->per_page > 0 && f->per_page <= 500 ? f->per_page : 50;
	int m = (f->number ? 1 : 0) | (f->from ? 2 : 0) | (f->to ? 4 : 0), n = 0;
	struct db_stmt *s;

	pthread_once(&list_once, list_sql_make);
	if (prepared(st, list_sql[db_kind(st->db) == DB_SQLITE ? 0 : 1][f->state][m], &s, what,
	    err, errlen) != 0)
		return -1;
	if (f->number)
		db_bind_text(s, ++n, f->number);
	if (f->from)
		db_bind_int64(s, ++n, (long long) f->from);
	if (f->to)
		db_bind_int64(s, ++n, (long long) f->to);
	db_bind_int64(s, ++n, per + 1);
	db_bind_int64(s, ++n, (long long) (f->page > 0 ? f->page : 0) * per);
	if (fetch_into(st, s, rows, what, err, errlen) != 0)
		return -1;
	*more = page_trim(rows, per);
	return 0;
}

/* part - run sql bound to id into rows; 0, or -1 */
static int
part(struct store *st, const char *sql, long long id, struct store_rows *rows, const char *what,
    char *err, size_t errlen)
{
	struct db_stmt *s;

	if (prepared(st, sql, &s, what, err, errlen) != 0)
		return -1;
	db_bind_int64(s, 1, id);
	return fetch_into(st, s, rows, what, err, errlen);
}

int
console_invoice(struct store *st, long long id, struct console_invoice *ci,
    char *err, size_t errlen)
{
	int k = db_kind(st->db) == DB_SQLITE ? 0 : 1;

	memset(ci, 0, sizeof(*ci));
	if (part(st, invoice_sql[k], id, &ci->invoice, "reading an invoice", err, errlen) != 0)
		return -1;
	if (ci->invoice.n == 0)
		return 0;
	if (store_invoices_findings(st, id, &ci->findings, err, errlen) != 0 ||
	    part(st, "SELECT line_id, item, quantity, unit, price, base_quantity, net, computed,"
	    " differs FROM invoice_lines WHERE invoice_id = ? ORDER BY pos", id, &ci->lines,
	    "reading the invoice lines", err, errlen) != 0 ||
	    part(st, "SELECT term, label, stated, computed, differs FROM invoice_totals"
	    " WHERE invoice_id = ? ORDER BY pos", id, &ci->totals, "reading the totals", err,
	    errlen) != 0 ||
	    audit_list(st, id, &ci->audit, err, errlen) != 0)
		return -1;
	return 1;
}

void
console_invoice_clear(struct console_invoice *ci)
{
	store_rows_clear(&ci->invoice);
	store_rows_clear(&ci->findings);
	store_rows_clear(&ci->lines);
	store_rows_clear(&ci->totals);
	store_rows_clear(&ci->audit);
}

int
console_held_invoice(struct store *st, const char *qid, long long *id, char *err, size_t errlen)
{
	struct store_rows r = { 0 };
	struct db_stmt *s;
	int found;

	if (prepared(st, "SELECT id FROM invoices WHERE queue_id = ? AND action = 'hold'"
	    " AND hold_state IS NULL ORDER BY id DESC LIMIT 1", &s, "looking up a held invoice",
	    err, errlen) != 0)
		return -1;
	db_bind_text(s, 1, qid);
	if (fetch_into(st, s, &r, "looking up a held invoice", err, errlen) != 0)
		return -1;
	if ((found = r.n == 1) != 0)
		*id = store_rows_int(&r, 0, 0);
	store_rows_clear(&r);
	return found;
}

int
console_set_hold_state(struct store *st, long long id, const char *state,
    char *err, size_t errlen)
{
	struct db_stmt *s;
	int rc;

	if (prepared(st, "UPDATE invoices SET hold_state = ? WHERE id = ? AND action = 'hold'"
	    " AND hold_state IS NULL", &s, "recording the hold queue's outcome", err, errlen) != 0)
		return -1;
	db_bind_text(s, 1, state);
	db_bind_int64(s, 2, id);
	rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE) {
		store_errmsg(st, rc, "recording the hold queue's outcome", err, errlen);
		return -1;
	}
	return db_changes(st->db) > 0;
}

#define CUSTOMER_COLUMNS \
	"SELECT id, address, display_name, manager, first_seen, onboarded_at, offboarded_at," \
	" invoice_count, last_invoice_at, renewal_date FROM customers"

int
console_customers(struct store *st, long page, int per_page, struct store_rows *rows,
    int *more, char *err, size_t errlen)
{
	struct db_stmt *s;
	int per = per_page > 0 && per_page <= 500 ? per_page : 50;

	if (prepared(st, CUSTOMER_COLUMNS " ORDER BY id DESC LIMIT ? OFFSET ?", &s,
	    "listing the customers", err, errlen) != 0)
		return -1;
	db_bind_int64(s, 1, per + 1);
	db_bind_int64(s, 2, (long long) (page > 0 ? page : 0) * per);
	if (fetch_into(st, s, rows, "listing the customers", err, errlen) != 0)
		return -1;
	*more = page_trim(rows, per);
	return 0;
}

int
console_customer(struct store *st, long long id, struct store_rows *customer,
    struct store_rows *checkins, char *err, size_t errlen)
{
	if (part(st, CUSTOMER_COLUMNS " WHERE id = ?", id, customer, "reading a customer",
	    err, errlen) != 0)
		return -1;
	if (customer->n == 0)
		return 0;
	if (part(st, "SELECT kind, ordinal, due_at, tzid, state, manager, attempts, last_error"
	    " FROM checkins WHERE customer_id = ? ORDER BY due_at", id, checkins,
	    "reading the check-ins", err, errlen) != 0)
		return -1;
	return 1;
}

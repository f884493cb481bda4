/*
 * store_console.c - the finance console's queries (store_console.h).
 *
 * Filters and ids come from requests: they are bound, never spliced; the SQL text is
 * put together from the constant fragments below only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_audit.h"
#include "store_console.h"
#include "store_invoice.h"
#include "util/xalloc.h"

/* The list's rank: the same expression as the index invoices_list (store.c). */
#define RANK "(CASE WHEN action = 'hold' AND hold_state IS NULL" \
	" THEN 0 WHEN verdict = 'flagged' AND review_state = 'open' THEN 1 ELSE 2 END)"
#define LIST_COLUMNS \
	"SELECT id, number, coalesce(buyer, recipients), total, currency," \
	" (SELECT group_concat(rule_id, ', ') FROM findings f WHERE f.invoice_id = invoices.id)," \
	" action, hold_state, review_state, verdict, sent_at, queue_id"

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

/* prepared - sql prepared into *s (not cached: the list's text varies); 0, or -1 */
static int
prepared(struct store *st, const char *sql, sqlite3_stmt **s, const char *what, char *err,
    size_t errlen)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);

	if (rc != SQLITE_OK) {
		journal_errmsg(st, rc, what, err, errlen);
		return -1;
	}
	return 0;
}

/* fetch_into - step s into rows and finalize it; 0, or -1 with err */
static int
fetch_into(struct store *st, sqlite3_stmt *s, struct store_rows *rows, const char *what,
    char *err, size_t errlen)
{
	int rc = store_rows_fetch(s, rows);

	if (rc != SQLITE_DONE)
		journal_errmsg(st, rc, what, err, errlen);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
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
	int ranked = (f->state == CONSOLE_ALL || f->state == CONSOLE_HELD) && f->from == 0 &&
	    f->to == 0 && f->number == NULL;
	sqlite3_stmt *s;
	char *sql;
	int rc;

	sql = xasprintf("%s FROM invoices WHERE 1%s%s%s%s ORDER BY %s LIMIT ?4 OFFSET ?5",
	    LIST_COLUMNS, state_where[f->state], f->number ? " AND number = ?1" : "",
	    f->from ? " AND sent_at >= ?2" : "", f->to ? " AND sent_at < ?3" : "",
	    ranked ? RANK ", id DESC" : f->from || f->to ? "sent_at DESC, id DESC" : "id DESC");
	rc = prepared(st, sql, &s, what, err, errlen);
	free(sql);
	if (rc != 0)
		return -1;
	if (f->number)
		store_bind_text(s, 1, f->number);
	if (f->from)
		sqlite3_bind_int64(s, 2, (sqlite3_int64) f->from);
	if (f->to)
		sqlite3_bind_int64(s, 3, (sqlite3_int64) f->to);
	sqlite3_bind_int(s, 4, per + 1);
	sqlite3_bind_int64(s, 5, (sqlite3_int64) (f->page > 0 ? f->page : 0) * per);
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
	sqlite3_stmt *s;

	if (prepared(st, sql, &s, what, err, errlen) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return fetch_into(st, s, rows, what, err, errlen);
}

int
console_invoice(struct store *st, long long id, struct console_invoice *ci,
    char *err, size_t errlen)
{
	memset(ci, 0, sizeof(*ci));
	if (part(st, LIST_COLUMNS ", seller, syntax, profile, issue_date, due_date, payee_iban,"
	    " sender, recipients, message_id, review_note, reviewed_at FROM invoices WHERE id = ?1",
	    id, &ci->invoice, "reading an invoice", err, errlen) != 0)
		return -1;
	if (ci->invoice.n == 0)
		return 0;
	if (part(st, "SELECT rule_id, severity, message FROM findings WHERE invoice_id = ?1"
	    " ORDER BY rowid", id, &ci->findings, "reading the findings", err, errlen) != 0 ||
	    part(st, "SELECT line_id, item, quantity, unit, price, base_quantity, net, computed,"
	    " differs FROM invoice_lines WHERE invoice_id = ?1 ORDER BY pos", id, &ci->lines,
	    "reading the invoice lines", err, errlen) != 0 ||
	    part(st, "SELECT term, label, stated, computed, differs FROM invoice_totals"
	    " WHERE invoice_id = ?1 ORDER BY pos", id, &ci->totals, "reading the totals", err,
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
	sqlite3_stmt *s;
	int found;

	if (prepared(st, "SELECT id FROM invoices WHERE queue_id = ?1 AND action = 'hold'"
	    " AND hold_state IS NULL ORDER BY id DESC LIMIT 1", &s, "looking up a held invoice",
	    err, errlen) != 0)
		return -1;
	store_bind_text(s, 1, qid);
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
	sqlite3_stmt *s;
	int rc;

	if (prepared(st, "UPDATE invoices SET hold_state = ?2 WHERE id = ?1 AND action = 'hold'"
	    " AND hold_state IS NULL", &s, "recording the hold queue's outcome", err, errlen) != 0)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	store_bind_text(s, 2, state);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		journal_errmsg(st, rc, "recording the hold queue's outcome", err, errlen);
		return -1;
	}
	return sqlite3_changes(st->db) > 0;
}

#define CUSTOMER_COLUMNS \
	"SELECT id, address, display_name, manager, first_seen, onboarded_at, offboarded_at," \
	" invoice_count, last_invoice_at, renewal_date FROM customers"

int
console_customers(struct store *st, long page, int per_page, struct store_rows *rows,
    int *more, char *err, size_t errlen)
{
	sqlite3_stmt *s;
	int per = per_page > 0 && per_page <= 500 ? per_page : 50;

	if (prepared(st, CUSTOMER_COLUMNS " ORDER BY id DESC LIMIT ?1 OFFSET ?2", &s,
	    "listing the customers", err, errlen) != 0)
		return -1;
	sqlite3_bind_int(s, 1, per + 1);
	sqlite3_bind_int64(s, 2, (sqlite3_int64) (page > 0 ? page : 0) * per);
	if (fetch_into(st, s, rows, "listing the customers", err, errlen) != 0)
		return -1;
	*more = page_trim(rows, per);
	return 0;
}

int
console_customer(struct store *st, long long id, struct store_rows *customer,
    struct store_rows *checkins, char *err, size_t errlen)
{
	if (part(st, CUSTOMER_COLUMNS " WHERE id = ?1", id, customer, "reading a customer",
	    err, errlen) != 0)
		return -1;
	if (customer->n == 0)
		return 0;
	if (part(st, "SELECT kind, ordinal, due_at, tzid, state, manager, attempts, last_error"
	    " FROM checkins WHERE customer_id = ?1 ORDER BY due_at", id, checkins,
	    "reading the check-ins", err, errlen) != 0)
		return -1;
	return 1;
}

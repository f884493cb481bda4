/*
 * store_journey.c - the customers and checkins tables: onboarding, check-in changes,
 * and the mailer's claim / record protocol (see store_journey.h).
 *
 * Trust: every string is bound as a parameter, never pasted into SQL. Rows read back
 * are our own; text columns may still be NULL and are copied with care.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "store_journey.h"
#include "util/xalloc.h"
#include "util/ident.h"
#include "util/timetext.h"

#define CHECKIN_COLUMNS \
	"c.id, c.customer_id, cu.address, cu.display_name, c.manager, c.kind, c.ordinal," \
	" c.due_at, c.end_at, c.tzid, c.uid, c.sequence, c.sent_sequence, c.state," \
	" c.pending, c.attempts, c.next_attempt_at, c.last_error, c.planned_for" \
	" FROM checkins c JOIN customers cu ON cu.id = c.customer_id"

#define CUSTOMER_COLUMNS \
	"id, address, domain, display_name, manager, first_seen, onboarded_at," \
	" offboarded_at, invoice_count, last_invoice_at, renewal_date FROM customers"

/* The work predicate of store_checkin_due and store_checkin_claim; its parameters
 * (bind_has_work()): now, ahead, now. */
#define CHECKIN_HAS_WORK \
	"(c.pending IS NOT NULL OR ((c.next_attempt_at IS NULL OR c.next_attempt_at <= ?) AND (" \
	" (c.state = 'planned' AND (c.sent_sequence IS NULL OR c.sent_sequence < c.sequence)" \
	"  AND (c.sent_sequence IS NOT NULL OR c.due_at - ? <= ?))" \
	" OR (c.state = 'cancelled' AND c.sent_sequence IS NOT NULL AND c.sent_sequence < c.sequence))))"

/* bind_has_work - bind CHECKIN_HAS_WORK's parameters from i on */
static void
bind_has_work(struct db_stmt *stmt, int i, time_t now, long ahead)
{
	db_bind_int64(stmt, i, (long long) now);
	db_bind_int64(stmt, i + 1, (long long) ahead);
	db_bind_int64(stmt, i + 2, (long long) now);
}

/* sj_fail - one line into err: what failed (rc, a DB_* code), the database and the
 * engine's reason; -1 */
static int
sj_fail(struct store *st, int rc, const char *what, char *err, size_t errlen)
{
	store_failed(st, rc);
	snprintf(err, errlen, "%s: %s: %s%s", st->path, what, db_errmsg(st->db),
	    rc == DB_BUSY && db_kind(st->db) == DB_SQLITE ?
	    " (another process holds the database; nothing was changed)" : "");
	return -1;
}

/* sj_prepare - the cached statement for sql (a constant), or NULL with err */
static struct db_stmt *
sj_prepare(struct store *st, const char *sql, char *err, size_t errlen)
{
	struct db_stmt *stmt = db_prepare(st->db, sql);

	if (stmt == NULL)
		sj_fail(st, DB_ERROR, "preparing a query", err, errlen);
	return stmt;
}

/* sj_exec_done - step a statement that returns no row, reset it; 0 or -1 */
static int
sj_exec_done(struct store *st, struct db_stmt *stmt, const char *what, char *err, size_t errlen)
{
	int rc = db_step(stmt);

	db_reset(stmt);
	if (rc != DB_DONE)
		return sj_fail(st, rc, what, err, errlen);
	return 0;
}

/* bind_text_or_null - s, or NULL for NULL (db_bind_text() binds NULL as NULL) */
#define bind_text_or_null db_bind_text

/* col_dup - a copy of a text column, or NULL */
static char *
col_dup(struct db_stmt *stmt, int i)
{
	const char *s = db_column_text(stmt, i);
	return s != NULL ? xstrdup(s) : NULL;
}

/* col_copy - a text column into a fixed buffer ("" when NULL) */
static void
col_copy(struct db_stmt *stmt, int i, char *buf, size_t len)
{
	const char *s = db_column_text(stmt, i);
	snprintf(buf, len, "%s", s != NULL ? s : "");
}

void
store_customer_clear(struct store_customer *c)
{
	free(c->address);
	free(c->domain);
	free(c->display_name);
	free(c->manager);
	memset(c, 0, sizeof(*c));
}

void
store_checkin_clear(struct store_checkin *c)
{
	free(c->customer);
	free(c->customer_name);
	free(c->manager);
	free(c->tzid);
	free(c->uid);
	free(c->last_error);
	memset(c, 0, sizeof(*c));
}

void
store_customers_free(struct store_customer *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_customer_clear(&v[i]);
	free(v);
}

void
store_checkins_free(struct store_checkin *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_checkin_clear(&v[i]);
	free(v);
}

int
store_journey_begin(struct store *st, char *err, size_t errlen)
{
	int rc;

	if ((rc = db_begin(st->db, 1)) != DB_DONE)
		return sj_fail(st, rc, "starting a transaction", err, errlen);
	return 0;
}

int
store_journey_commit(struct store *st, char *err, size_t errlen)
{
	int rc;

	if ((rc = db_commit(st->db)) != DB_DONE) {
		sj_fail(st, rc, "committing", err, errlen);
		store_journey_rollback(st);
		return -1;
	}
	return 0;
}

void
store_journey_rollback(struct store *st)
{
	if (db_in_transaction(st->db))
		db_rollback(st->db);
}

/* customer_row - fill c from a row of CUSTOMER_COLUMNS */
static void
customer_row(struct db_stmt *stmt, struct store_customer *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_column_int64(stmt, 0);
	c->address = col_dup(stmt, 1);
	c->domain = col_dup(stmt, 2);
	c->display_name = col_dup(stmt, 3);
	c->manager = col_dup(stmt, 4);
	c->first_seen = (time_t) db_column_int64(stmt, 5);
	c->onboarded_at = (time_t) db_column_int64(stmt, 6);
	c->offboarded_at = (time_t) db_column_int64(stmt, 7);
	c->invoice_count = (long) db_column_int64(stmt, 8);
	c->last_invoice_at = (time_t) db_column_int64(stmt, 9);
	col_copy(stmt, 10, c->renewal_date, sizeof(c->renewal_date));
}

/* checkin_row - fill c from a row of CHECKIN_COLUMNS */
static void
checkin_row(struct db_stmt *stmt, struct store_checkin *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_column_int64(stmt, 0);
	c->customer_id = db_column_int64(stmt, 1);
	c->customer = col_dup(stmt, 2);
	c->customer_name = col_dup(stmt, 3);
	c->manager = col_dup(stmt, 4);
	col_copy(stmt, 5, c->kind, sizeof(c->kind));
	c->ordinal = (int) db_column_int64(stmt, 6);
	c->due_at = (time_t) db_column_int64(stmt, 7);
	c->end_at = (time_t) db_column_int64(stmt, 8);
	c->tzid = col_dup(stmt, 9);
	c->uid = col_dup(stmt, 10);
	c->sequence = (int) db_column_int64(stmt, 11);
	c->sent_sequence = db_column_is_null(stmt, 12) ? -1 :
	    (int) db_column_int64(stmt, 12);
	col_copy(stmt, 13, c->state, sizeof(c->state));
	col_copy(stmt, 14, c->pending, sizeof(c->pending));
	c->attempts = (int) db_column_int64(stmt, 15);
	c->next_attempt_at = (time_t) db_column_int64(stmt, 16);
	c->last_error = col_dup(stmt, 17);
	col_copy(stmt, 18, c->planned_for, sizeof(c->planned_for));
}

int
store_customer_get(struct store *st, const char *address, struct store_customer *out,
		   char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	if ((stmt = sj_prepare(st, "SELECT " CUSTOMER_COLUMNS " WHERE address = ?", err, errlen)) == NULL)
		return -1;
	db_bind_text(stmt, 1, address);
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		customer_row(stmt, out);
		db_reset(stmt);
		return 0;
	}
	db_reset(stmt);
	if (rc == DB_DONE)
		return 1;
	return sj_fail(st, rc, "reading a customer", err, errlen);
}

int
store_customer_list(struct store *st, struct store_customer **v, size_t *n,
		    char *err, size_t errlen)
{
	struct db_stmt *stmt;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if ((stmt = sj_prepare(st, "SELECT " CUSTOMER_COLUMNS " ORDER BY address", err, errlen)) == NULL)
		return -1;
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? cap * 2 : 16, sizeof(**v));
		customer_row(stmt, &(*v)[(*n)++]);
	}
	db_reset(stmt);
	if (rc != DB_DONE) {
		store_customers_free(*v, *n);
		*v = NULL;
		*n = 0;
		return sj_fail(st, rc, "listing customers", err, errlen);
	}
	return 0;
}

int
store_customer_onboard(struct store *st, const char *address, const char *name,
		       const char *manager, time_t now, struct store_customer *out,
		       int *again, char *err, size_t errlen)
{
	return store_customer_onboard_at(st, address, name, manager, now, now, out, again, err,
	    errlen);
}

int
store_customer_onboard_at(struct store *st, const char *address, const char *name,
			  const char *manager, time_t since, time_t now,
			  struct store_customer *out, int *again, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	struct store_customer cur;
	const char *at = strrchr(address, '@');
	int rc;

	*again = 0;
	rc = store_customer_get(st, address, &cur, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		stmt = sj_prepare(st, "INSERT INTO customers (address, domain, display_name, manager,"
		    " first_seen, onboarded_at) VALUES (?, ?, ?, ?, ?, ?)", err, errlen);
		if (stmt == NULL)
			return -1;
		db_bind_text(stmt, 1, address);
		db_bind_text(stmt, 2, at != NULL ? at + 1 : "");
		bind_text_or_null(stmt, 3, name);
		bind_text_or_null(stmt, 4, manager);
		db_bind_int64(stmt, 5, (long long) (now < since ? now : since));	/* first seen */
		db_bind_int64(stmt, 6, (long long) since);
	} else {
		*again = cur.onboarded_at != 0 && cur.offboarded_at == 0;
		if (*again)
			stmt = sj_prepare(st, "UPDATE customers SET display_name ="
			    " COALESCE(?, display_name), manager = COALESCE(manager, ?)"
			    " WHERE id = ?", err, errlen);
		else
			stmt = sj_prepare(st, "UPDATE customers SET display_name ="
			    " COALESCE(?, display_name), manager = ?, onboarded_at = ?,"
			    " offboarded_at = NULL WHERE id = ?", err, errlen);
		if (stmt == NULL) {
			store_customer_clear(&cur);
			return -1;
		}
		bind_text_or_null(stmt, 1, name);
		bind_text_or_null(stmt, 2, manager);
		if (!*again)
			db_bind_int64(stmt, 3, (long long) since);
		db_bind_int64(stmt, *again ? 3 : 4, cur.id);
		store_customer_clear(&cur);
	}
	if (sj_exec_done(st, stmt, "recording a customer", err, errlen) != 0)
		return -1;
	rc = store_customer_get(st, address, out, err, errlen);
	if (rc == 1) {
		snprintf(err, errlen, "%s: customer %s vanished after it was recorded", st->path, address);
		return -1;
	}
	return rc;
}

int
store_customer_set_renewal(struct store *st, long long customer_id, const char *date,
			   char *err, size_t errlen)
{
	struct db_stmt *stmt;

	if ((stmt = sj_prepare(st, "UPDATE customers SET renewal_date = ? WHERE id = ?", err, errlen)) == NULL)
		return -1;
	bind_text_or_null(stmt, 1, date);
	db_bind_int64(stmt, 2, customer_id);
	return sj_exec_done(st, stmt, "setting the renewal date", err, errlen);
}

int
store_customer_offboard(struct store *st, long long customer_id, time_t now,
			char *err, size_t errlen)
{
	struct db_stmt *stmt;

	if ((stmt = sj_prepare(st, "UPDATE customers SET offboarded_at = ? WHERE id = ?", err, errlen)) == NULL)
		return -1;
	db_bind_int64(stmt, 1, (long long) now);
	db_bind_int64(stmt, 2, customer_id);
	return sj_exec_done(st, stmt, "off-boarding a customer", err, errlen);
}

/*
 * The invoices to an address: addressed to it as the buyer, or with it among the
 * recipients (a substring, as the engine finds one). [engine][what]: what 0 counts the
 * flagged ones, 1 all but resends.
 */
#define COUNT_SQL(where, find) "SELECT count(*) FROM invoices WHERE " where \
	" AND (buyer_address = ? COLLATE NOCASE OR " find "(lower(recipients), lower(?)) > 0)"
static const char *const count_sql[2][2] = {
	{COUNT_SQL("verdict = 'flagged'", "instr"), COUNT_SQL("verdict <> 'resend'", "instr")},
	{COUNT_SQL("verdict = 'flagged'", "strpos"), COUNT_SQL("verdict <> 'resend'", "strpos")},
};

/* customer_count - count(*) of the invoices to address of count_sql[][what]; -1 on error */
static long
customer_count(struct store *st, const char *address, int what, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	long count = -1;
	int rc;

	stmt = sj_prepare(st, count_sql[db_kind(st->db) == DB_SQLITE ? 0 : 1][what], err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, address);
	db_bind_text(stmt, 2, address);
	if ((rc = db_step(stmt)) == DB_ROW)
		count = (long) db_column_int64(stmt, 0);
	else
		sj_fail(st, rc, "counting invoices", err, errlen);
	db_reset(stmt);
	return count;
}

long
store_customer_flagged(struct store *st, const char *address, char *err, size_t errlen)
{
	return customer_count(st, address, 0, err, errlen);
}

long
store_customer_invoices(struct store *st, const char *address, char *err, size_t errlen)
{
	return customer_count(st, address, 1, err, errlen);
}

/* checkin_find - the id of the customer's check-in of kind and ordinal: 0, 1 none, -1 */
static int
checkin_find(struct store *st, long long customer_id, const char *kind, int ordinal,
	     long long *id, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	stmt = sj_prepare(st, "SELECT id FROM checkins WHERE customer_id = ? AND kind = ?"
	    " AND ordinal = ?", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, customer_id);
	db_bind_text(stmt, 2, kind);
	db_bind_int64(stmt, 3, ordinal);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		*id = db_column_int64(stmt, 0);
	db_reset(stmt);
	if (rc == DB_ROW)
		return 0;
	if (rc == DB_DONE)
		return 1;
	return sj_fail(st, rc, "finding a check-in", err, errlen);
}

int
store_checkin_insert(struct store *st, long long customer_id, const char *customer,
		     const char *manager, const char *kind, int ordinal, time_t due,
		     time_t end, const char *tzid, const char *uid_domain, const char *planned_for,
		     const char *state, long long *id, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	char *placeholder, *uid;
	int rc;

	if ((rc = checkin_find(st, customer_id, kind, ordinal, id, err, errlen)) <= 0)
		return rc < 0 ? -1 : 1;
	/* The UID needs the row id: insert with a unique placeholder, then set it. */
	placeholder = xasprintf("new-%lld-%s-%d", customer_id, kind, ordinal);
	stmt = sj_prepare(st, "INSERT INTO checkins (customer_id, manager, kind, ordinal, due_at,"
	    " end_at, tzid, uid, planned_for, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " COALESCE(?, 'planned')) RETURNING id", err, errlen);
	if (stmt == NULL) {
		free(placeholder);
		return -1;
	}
	db_bind_int64(stmt, 1, customer_id);
	db_bind_text(stmt, 2, manager);
	db_bind_text(stmt, 3, kind);
	db_bind_int64(stmt, 4, ordinal);
	db_bind_int64(stmt, 5, (long long) due);
	db_bind_int64(stmt, 6, (long long) end);
	db_bind_text(stmt, 7, tzid);
	db_bind_text(stmt, 8, placeholder);
	bind_text_or_null(stmt, 9, planned_for);
	bind_text_or_null(stmt, 10, state);
	free(placeholder);
	if ((rc = db_step(stmt)) == DB_ROW)
		*id = db_column_int64(stmt, 0);
	db_reset(stmt);
	if (rc != DB_ROW)
		return sj_fail(st, rc == DB_DONE ? DB_ERROR : rc, "inserting a check-in", err, errlen);
	uid = ident_checkin_uid(*id, customer, uid_domain);
	if ((stmt = sj_prepare(st, "UPDATE checkins SET uid = ? WHERE id = ?", err, errlen)) == NULL) {
		free(uid);
		return -1;
	}
	db_bind_text(stmt, 1, uid);
	db_bind_int64(stmt, 2, *id);
	free(uid);
	return sj_exec_done(st, stmt, "setting a check-in's UID", err, errlen);
}

int
store_checkin_get(struct store *st, long long id, struct store_checkin *out,
		  char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	if ((stmt = sj_prepare(st, "SELECT " CHECKIN_COLUMNS " WHERE c.id = ?", err, errlen)) == NULL)
		return -1;
	db_bind_int64(stmt, 1, id);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		checkin_row(stmt, out);
	db_reset(stmt);
	if (rc == DB_ROW)
		return 0;
	if (rc == DB_DONE)
		return 1;
	return sj_fail(st, rc, "reading a check-in", err, errlen);
}

/* checkin_select - run a prepared CHECKIN_COLUMNS query into *v, *n; finalizes */
static int
checkin_select(struct store *st, struct db_stmt *stmt, struct store_checkin **v, size_t *n,
	       char *err, size_t errlen)
{
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? cap * 2 : 16, sizeof(**v));
		checkin_row(stmt, &(*v)[(*n)++]);
	}
	db_reset(stmt);
	if (rc != DB_DONE) {
		store_checkins_free(*v, *n);
		*v = NULL;
		*n = 0;
		return sj_fail(st, rc, "listing check-ins", err, errlen);
	}
	return 0;
}

int
store_checkin_list(struct store *st, const char *customer, struct store_checkin **v,
		   size_t *n, char *err, size_t errlen)
{
	struct db_stmt *stmt;

	stmt = sj_prepare(st, "SELECT " CHECKIN_COLUMNS " WHERE CAST(? AS TEXT) IS NULL OR cu.address = ?"
	    " ORDER BY c.due_at, c.id", err, errlen);
	if (stmt == NULL)
		return -1;
	bind_text_or_null(stmt, 1, customer);
	bind_text_or_null(stmt, 2, customer);
	return checkin_select(st, stmt, v, n, err, errlen);
}

/* The changes of a check-in: a new time (due, end, id) or a cancellation (id). */
#define CHANGE_SQL(set) "UPDATE checkins SET " set ", sequence = sequence + 1, attempts = 0," \
	" next_attempt_at = NULL, last_error = NULL WHERE id = ?"
static const char SQL_CHECKIN_RETIME[] = CHANGE_SQL("due_at = ?, end_at = ?, state = 'planned'");
static const char SQL_CHECKIN_CANCEL[] = CHANGE_SQL("state = 'cancelled'");

/* checkin_change - UPDATE a check-in that is not cancelled (or, with only_cancelled,
 * one that is) by sql (with times: SQL_CHECKIN_RETIME); 0, STORE_CHECKIN_UNKNOWN,
 * STORE_CHECKIN_CANCELLED or -1 */
static int
checkin_change(struct store *st, long long id, const char *sql, int only_cancelled,
	       time_t due, time_t end, const char *what, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	struct store_checkin cur;
	int rc, i = 1;

	if ((rc = store_checkin_get(st, id, &cur, err, errlen)) != 0)
		return rc < 0 ? -1 : STORE_CHECKIN_UNKNOWN;
	rc = strcmp(cur.state, "cancelled") == 0;
	store_checkin_clear(&cur);
	if (rc != only_cancelled)
		return only_cancelled ? 1 : STORE_CHECKIN_CANCELLED;
	if ((stmt = sj_prepare(st, sql, err, errlen)) == NULL)
		return -1;
	if (sql == SQL_CHECKIN_RETIME) {
		db_bind_int64(stmt, i++, (long long) due);
		db_bind_int64(stmt, i++, (long long) end);
	}
	db_bind_int64(stmt, i, id);
	return sj_exec_done(st, stmt, what, err, errlen);
}

int
store_checkin_move(struct store *st, long long id, time_t due, time_t end,
		   char *err, size_t errlen)
{
	return checkin_change(st, id, SQL_CHECKIN_RETIME, 0, due, end, "moving a check-in",
	    err, errlen);
}

int
store_checkin_cancel(struct store *st, long long id, char *err, size_t errlen)
{
	return checkin_change(st, id, SQL_CHECKIN_CANCEL, 0, 0, 0, "cancelling a check-in",
	    err, errlen);
}

int
store_checkin_revive(struct store *st, long long id, time_t due, time_t end,
		     char *err, size_t errlen)
{
	return checkin_change(st, id, SQL_CHECKIN_RETIME, 1, due, end,
	    "planning a check-in again", err, errlen);
}

long
store_checkin_cancel_future(struct store *st, long long customer_id, time_t now,
			    char *err, size_t errlen)
{
	struct db_stmt *stmt;

	stmt = sj_prepare(st, "UPDATE checkins SET state = 'cancelled', sequence = sequence + 1,"
	    " attempts = 0, next_attempt_at = NULL, last_error = NULL"
	    " WHERE customer_id = ? AND due_at > ? AND state <> 'cancelled'", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, customer_id);
	db_bind_int64(stmt, 2, (long long) now);
	if (sj_exec_done(st, stmt, "cancelling future check-ins", err, errlen) != 0)
		return -1;
	return (long) db_changes(st->db);
}

int
store_checkin_last_before(struct store *st, long long customer_id, time_t t, time_t *out,
			  char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	*out = 0;
	stmt = sj_prepare(st, "SELECT max(due_at) FROM checkins WHERE customer_id = ?"
	    " AND due_at < ? AND sent_sequence IS NOT NULL AND state <> 'cancelled'", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, customer_id);
	db_bind_int64(stmt, 2, (long long) t);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		*out = (time_t) db_column_int64(stmt, 0);
	db_reset(stmt);
	if (rc != DB_ROW)
		return sj_fail(st, rc, "reading the last check-in", err, errlen);
	return 0;
}

int
store_checkin_due(struct store *st, time_t now, long ahead, size_t limit,
		  struct store_checkin **v, size_t *n, char *err, size_t errlen)
{
	struct db_stmt *stmt;

	stmt = sj_prepare(st, "SELECT " CHECKIN_COLUMNS " WHERE " CHECKIN_HAS_WORK
	    " ORDER BY c.due_at, c.id LIMIT ?", err, errlen);
	if (stmt == NULL)
		return -1;
	bind_has_work(stmt, 1, now, ahead);
	/* no limit: the largest (PostgreSQL refuses SQLite's -1) */
	db_bind_int64(stmt, 4, limit > 0 ? (long long) limit : LLONG_MAX);
	return checkin_select(st, stmt, v, n, err, errlen);
}

/* The claim's read: the row if it still has work and no other mailer's lease runs
 * (parameters: id, CHECKIN_HAS_WORK's, the clock); PostgreSQL locks it, skipping a row
 * another mailer's claim holds at this instant. */
#define CHECKIN_CLAIMABLE \
	"SELECT " CHECKIN_COLUMNS " WHERE c.id = ? AND " CHECKIN_HAS_WORK \
	" AND (c.claimed_until IS NULL OR c.claimed_until <= ?)"
static const char SQL_CLAIM_SQLITE[] = CHECKIN_CLAIMABLE;
static const char SQL_CLAIM_PG[] = CHECKIN_CLAIMABLE " FOR UPDATE OF c SKIP LOCKED";

/* claim_begin - the claim's transaction: SQLite takes the write lock (one mailer a
 * host, the flock); PostgreSQL only the row's lock, so that mailers on several hosts
 * claim side by side; 0 or -1 */
static int
claim_begin(struct store *st, char *err, size_t errlen)
{
	int rc = db_begin(st->db, db_kind(st->db) == DB_SQLITE);

	if (rc != DB_DONE)
		return sj_fail(st, rc, "starting a transaction", err, errlen);
	return 0;
}

/* claim_read - step the claim's read of id into *out: DB_ROW, DB_DONE or an error */
static int
claim_read(struct store *st, long long id, time_t now, long ahead, time_t clock,
	   struct store_checkin *out, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	stmt = sj_prepare(st, db_kind(st->db) == DB_SQLITE ? SQL_CLAIM_SQLITE : SQL_CLAIM_PG,
	    err, errlen);
	if (stmt == NULL)
		return DB_ERROR;
	db_bind_int64(stmt, 1, id);
	bind_has_work(stmt, 2, now, ahead);
	db_bind_int64(stmt, 5, (long long) clock);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		checkin_row(stmt, out);
	db_reset(stmt);
	if (rc != DB_ROW && rc != DB_DONE)
		sj_fail(st, rc, "claiming a check-in", err, errlen);
	return rc;
}

int
store_checkin_claim(struct store *st, long long id, time_t now, long ahead, time_t clock,
		    long lease, struct store_checkin *out, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	if (claim_begin(st, err, errlen) != 0)
		return -1;
	if ((rc = claim_read(st, id, now, ahead, clock, out, err, errlen)) == DB_DONE) {
		store_journey_rollback(st);
		return 1;
	}
	if (rc != DB_ROW)
		goto fail;
	snprintf(out->pending, sizeof(out->pending), "%s",
	    strcmp(out->state, "cancelled") == 0 ? "cancel" : "request");
	out->attempts++;
	stmt = sj_prepare(st, "UPDATE checkins SET pending = ?, attempts = attempts + 1,"
	    " claimed_until = ? WHERE id = ?", err, errlen);
	if (stmt == NULL)
		goto fail_row;
	db_bind_text(stmt, 1, out->pending);
	if (db_kind(st->db) == DB_SQLITE)	/* today's protocol: the next run takes it */
		db_bind_null(stmt, 2);
	else
		db_bind_int64(stmt, 2, (long long) clock + lease);
	db_bind_int64(stmt, 3, id);
	if (sj_exec_done(st, stmt, "claiming a check-in", err, errlen) != 0 ||
	    store_journey_commit(st, err, errlen) != 0)
		goto fail_row;
	return 0;
fail_row:
	store_checkin_clear(out);
fail:
	store_journey_rollback(st);
	return -1;
}

int
store_checkin_sent(struct store *st, long long id, int sequence, char *err, size_t errlen)
{
	struct db_stmt *stmt;

	stmt = sj_prepare(st, "UPDATE checkins SET sent_sequence = ?, pending = NULL, claimed_until = NULL,"
	    " attempts = 0, next_attempt_at = NULL, last_error = NULL,"
	    " state = CASE WHEN state = 'planned' AND sequence = ? THEN 'sent' ELSE state END"
	    " WHERE id = ?", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, sequence);
	db_bind_int64(stmt, 2, sequence);
	db_bind_int64(stmt, 3, id);
	return sj_exec_done(st, stmt, "recording a sent invitation", err, errlen);
}

int
store_checkin_failed(struct store *st, long long id, int permanent, const char *why,
		     time_t retry_at, long max_attempts, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int failed;
	struct store_checkin cur;

	if (store_checkin_get(st, id, &cur, err, errlen) != 0) {
		snprintf(err, errlen, "%s: check-in %lld vanished", st->path, id);
		return -1;
	}
	failed = permanent || cur.attempts >= max_attempts;
	store_checkin_clear(&cur);
	stmt = sj_prepare(st, "UPDATE checkins SET pending = NULL, claimed_until = NULL, last_error = ?,"
	    " next_attempt_at = ?, state = CASE WHEN ? <> 0 THEN 'failed' ELSE state END"
	    " WHERE id = ?", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, why);
	if (failed)
		db_bind_null(stmt, 2);
	else
		db_bind_int64(stmt, 2, (long long) retry_at);
	db_bind_int64(stmt, 3, failed);
	db_bind_int64(stmt, 4, id);
	if (sj_exec_done(st, stmt, "recording a failed attempt", err, errlen) != 0)
		return -1;
	return failed;
}

int
store_checkin_set_planned_for(struct store *st, long long id, const char *date, char *err,
			      size_t errlen)
{
	struct db_stmt *stmt;

	if ((stmt = sj_prepare(st, "UPDATE checkins SET planned_for = ? WHERE id = ?", err,
	    errlen)) == NULL)
		return -1;
	bind_text_or_null(stmt, 1, date);
	db_bind_int64(stmt, 2, id);
	return sj_exec_done(st, stmt, "recording a check-in's date", err, errlen);
}

int
store_checkin_busy(struct store *st, const char *manager, time_t from, long long exclude_id,
		   struct store_busy **v, size_t *n, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	/* A check-in lasts a day at most (a slot, kept by every move): the due_at range
	 * lets the manager index bound the scan. */
	stmt = sj_prepare(st, "SELECT id, customer_id, due_at, end_at FROM checkins"
	    " WHERE manager = ? COLLATE NOCASE AND due_at > ? - 86400 AND end_at > ?"
	    " AND id <> ?"
	    " AND state NOT IN ('cancelled', 'skipped') ORDER BY due_at", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, manager);
	db_bind_int64(stmt, 2, (long long) from);
	db_bind_int64(stmt, 3, (long long) from);
	db_bind_int64(stmt, 4, exclude_id);
	while ((rc = db_step(stmt)) == DB_ROW) {
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? cap * 2 : 64, sizeof(**v));
		(*v)[*n].id = db_column_int64(stmt, 0);
		(*v)[*n].customer_id = db_column_int64(stmt, 1);
		(*v)[*n].start = (time_t) db_column_int64(stmt, 2);
		(*v)[*n].end = (time_t) db_column_int64(stmt, 3);
		(*n)++;
	}
	db_reset(stmt);
	if (rc != DB_DONE) {
		free(*v);
		*v = NULL;
		*n = 0;
		return sj_fail(st, rc, "reading a manager's check-ins", err, errlen);
	}
	return 0;
}

int
store_manager_put(struct store *st, const struct manager *m, time_t now, char *err,
		  size_t errlen)
{
	struct db_stmt *stmt;
	char hours[16];

	stmt = sj_prepare(st, "INSERT INTO managers (address, name, tzid, workdays, hours,"
	    " slot_min, configured, updated_at, busy_file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT(address) DO UPDATE SET name = excluded.name, tzid = excluded.tzid,"
	    " workdays = excluded.workdays, hours = excluded.hours, slot_min = excluded.slot_min,"
	    " configured = excluded.configured, updated_at = excluded.updated_at,"
	    " busy_file = excluded.busy_file", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, m->address);
	bind_text_or_null(stmt, 2, m->name[0] ? m->name : NULL);
	db_bind_text(stmt, 3, m->tz);
	db_bind_text(stmt, 4, m->days);
	db_bind_text(stmt, 5, manager_hours_text(m, hours, sizeof(hours)));
	db_bind_int64(stmt, 6, m->slot_min);
	db_bind_int64(stmt, 7, m->configured);
	db_bind_int64(stmt, 8, (long long) now);
	bind_text_or_null(stmt, 9, m->busy[0] ? m->busy : NULL);
	return sj_exec_done(st, stmt, "recording a manager", err, errlen);
}

int
store_manager_reset(struct store *st, char *err, size_t errlen)
{
	struct db_stmt *stmt = sj_prepare(st, "UPDATE managers SET configured = 0", err, errlen);

	return stmt == NULL ? -1 : sj_exec_done(st, stmt, "updating managers", err, errlen);
}

int
store_manager_name(struct store *st, const char *address, char *buf, size_t len, char *err,
		   size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	buf[0] = '\0';
	stmt = sj_prepare(st, "SELECT name FROM managers WHERE address = ?", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_text(stmt, 1, address);
	rc = db_step(stmt);
	if (rc == DB_ROW)
		col_copy(stmt, 0, buf, len);
	db_reset(stmt);
	if (rc != DB_ROW && rc != DB_DONE)
		return sj_fail(st, rc, "reading a manager", err, errlen);
	return buf[0] != '\0' ? 0 : 1;
}

int
store_manager_seen(struct store *st, char ***v, size_t *n, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	*v = NULL;
	*n = 0;
	stmt = sj_prepare(st, "SELECT manager FROM customers WHERE manager IS NOT NULL"
	    " UNION SELECT manager FROM checkins ORDER BY 1", err, errlen);
	if (stmt == NULL)
		return -1;
	while ((rc = db_step(stmt)) == DB_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = col_dup(stmt, 0);
	}
	db_reset(stmt);
	if (rc != DB_DONE)
		return sj_fail(st, rc, "listing managers", err, errlen);
	return 0;
}

int
store_manager_list(struct store *st, time_t now, struct store_manager **v, size_t *n,
		   char *err, size_t errlen)
{
	struct db_stmt *stmt;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	stmt = sj_prepare(st, "SELECT m.address, m.name, m.tzid, m.workdays, m.hours, m.slot_min,"
	    " m.configured, m.updated_at,"
	    " (SELECT min(due_at) FROM checkins c WHERE c.manager = m.address COLLATE NOCASE"
	    "  AND c.due_at > ? AND c.state IN ('planned', 'sent')),"
	    " (SELECT count(*) FROM checkins c WHERE c.manager = m.address COLLATE NOCASE"
	    "  AND c.due_at > ? AND c.state IN ('planned', 'sent')), m.busy_file"
	    " FROM managers m ORDER BY m.address", err, errlen);
	if (stmt == NULL)
		return -1;
	db_bind_int64(stmt, 1, (long long) now);
	db_bind_int64(stmt, 2, (long long) now);
	while ((rc = db_step(stmt)) == DB_ROW) {
		struct store_manager *r;
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? cap * 2 : 16, sizeof(**v));
		r = &(*v)[(*n)++];
		memset(r, 0, sizeof(*r));
		col_copy(stmt, 0, r->m.address, sizeof(r->m.address));
		col_copy(stmt, 1, r->m.name, sizeof(r->m.name));
		col_copy(stmt, 2, r->m.tz, sizeof(r->m.tz));
		col_copy(stmt, 3, r->m.days, sizeof(r->m.days));
		if (timetext_parse_workdays(r->m.days, &r->m.workdays) != 0)
			r->m.workdays = 0;
		if (timetext_parse_hours(db_column_text(stmt, 4),
		    &r->m.day_start_min, &r->m.day_end_min) != 0)
			r->m.day_start_min = r->m.day_end_min = 0;
		r->m.slot_min = (int) db_column_int64(stmt, 5);
		r->m.configured = (int) db_column_int64(stmt, 6);
		r->updated_at = (time_t) db_column_int64(stmt, 7);
		r->next_checkin = (time_t) db_column_int64(stmt, 8);
		r->upcoming = (long) db_column_int64(stmt, 9);
		col_copy(stmt, 10, r->m.busy, sizeof(r->m.busy));
	}
	db_reset(stmt);
	if (rc != DB_DONE) {
		free(*v);
		*v = NULL;
		*n = 0;
		return sj_fail(st, rc, "listing managers", err, errlen);
	}
	return 0;
}

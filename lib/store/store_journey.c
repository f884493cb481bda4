/*
 * store_journey.c - the customers and checkins tables: onboarding, check-in changes,
 * and the mailer's claim / record protocol (see store_journey.h).
 *
 * Trust: every string is bound as a parameter, never pasted into SQL. Rows read back
 * are our own; text columns may still be NULL and are copied with care.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The work predicate of store_checkin_due and store_checkin_claim (?1 now, ?2 ahead). */
#define CHECKIN_HAS_WORK \
	"(c.pending IS NOT NULL OR ((c.next_attempt_at IS NULL OR c.next_attempt_at <= ?1) AND (" \
	" (c.state = 'planned' AND (c.sent_sequence IS NULL OR c.sent_sequence < c.sequence)" \
	"  AND (c.sent_sequence IS NOT NULL OR c.due_at - ?2 <= ?1))" \
	" OR (c.state = 'cancelled' AND c.sent_sequence IS NOT NULL AND c.sent_sequence < c.sequence))))"

/* sj_fail - one line into err: what failed, the database and SQLite's reason; -1 */
static int
sj_fail(struct store *st, const char *what, char *err, size_t errlen)
{
	int code = sqlite3_extended_errcode(st->db);

	snprintf(err, errlen, "%s: %s: %s%s", st->path, what, sqlite3_errmsg(st->db),
	    (code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED ?
	    " (another process holds the database; nothing was changed)" : "");
	return -1;
}

/* sj_prepare - prepare sql or fail with err */
static sqlite3_stmt *
sj_prepare(struct store *st, const char *sql, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;

	if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		sj_fail(st, "preparing a query", err, errlen);
		return NULL;
	}
	return stmt;
}

/* sj_exec_done - step a statement that returns no row, finalize it; 0 or -1 */
static int
sj_exec_done(struct store *st, sqlite3_stmt *stmt, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_step(stmt);

	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sj_fail(st, what, err, errlen);
	return 0;
}

static void
bind_text_or_null(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

/* col_dup - a copy of a text column, or NULL */
static char *
col_dup(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s != NULL ? xstrdup((const char *) s) : NULL;
}

/* col_copy - a text column into a fixed buffer ("" when NULL) */
static void
col_copy(sqlite3_stmt *stmt, int i, char *buf, size_t len)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	snprintf(buf, len, "%s", s != NULL ? (const char *) s : "");
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
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return sj_fail(st, "starting a transaction", err, errlen);
	return 0;
}

int
store_journey_commit(struct store *st, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sj_fail(st, "committing", err, errlen);
		store_journey_rollback(st);
		return -1;
	}
	return 0;
}

void
store_journey_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* customer_row - fill c from a row of CUSTOMER_COLUMNS */
static void
customer_row(sqlite3_stmt *stmt, struct store_customer *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(stmt, 0);
	c->address = col_dup(stmt, 1);
	c->domain = col_dup(stmt, 2);
	c->display_name = col_dup(stmt, 3);
	c->manager = col_dup(stmt, 4);
	c->first_seen = (time_t) sqlite3_column_int64(stmt, 5);
	c->onboarded_at = (time_t) sqlite3_column_int64(stmt, 6);
	c->offboarded_at = (time_t) sqlite3_column_int64(stmt, 7);
	c->invoice_count = (long) sqlite3_column_int64(stmt, 8);
	c->last_invoice_at = (time_t) sqlite3_column_int64(stmt, 9);
	col_copy(stmt, 10, c->renewal_date, sizeof(c->renewal_date));
}

/* checkin_row - fill c from a row of CHECKIN_COLUMNS */
static void
checkin_row(sqlite3_stmt *stmt, struct store_checkin *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(stmt, 0);
	c->customer_id = sqlite3_column_int64(stmt, 1);
	c->customer = col_dup(stmt, 2);
	c->customer_name = col_dup(stmt, 3);
	c->manager = col_dup(stmt, 4);
	col_copy(stmt, 5, c->kind, sizeof(c->kind));
	c->ordinal = sqlite3_column_int(stmt, 6);
	c->due_at = (time_t) sqlite3_column_int64(stmt, 7);
	c->end_at = (time_t) sqlite3_column_int64(stmt, 8);
	c->tzid = col_dup(stmt, 9);
	c->uid = col_dup(stmt, 10);
	c->sequence = sqlite3_column_int(stmt, 11);
	c->sent_sequence = sqlite3_column_type(stmt, 12) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(stmt, 12);
	col_copy(stmt, 13, c->state, sizeof(c->state));
	col_copy(stmt, 14, c->pending, sizeof(c->pending));
	c->attempts = sqlite3_column_int(stmt, 15);
	c->next_attempt_at = (time_t) sqlite3_column_int64(stmt, 16);
	c->last_error = col_dup(stmt, 17);
	col_copy(stmt, 18, c->planned_for, sizeof(c->planned_for));
}

int
store_customer_get(struct store *st, const char *address, struct store_customer *out,
		   char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = sj_prepare(st, "SELECT " CUSTOMER_COLUMNS " WHERE address = ?1", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, address, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		customer_row(stmt, out);
		sqlite3_finalize(stmt);
		return 0;
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 1;
	return sj_fail(st, "reading a customer", err, errlen);
}

int
store_customer_list(struct store *st, struct store_customer **v, size_t *n,
		    char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if ((stmt = sj_prepare(st, "SELECT " CUSTOMER_COLUMNS " ORDER BY address", err, errlen)) == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? cap * 2 : 16, sizeof(**v));
		customer_row(stmt, &(*v)[(*n)++]);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_customers_free(*v, *n);
		*v = NULL;
		*n = 0;
		return sj_fail(st, "listing customers", err, errlen);
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
	sqlite3_stmt *stmt;
	struct store_customer cur;
	const char *at = strrchr(address, '@');
	int rc;

	*again = 0;
	rc = store_customer_get(st, address, &cur, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		stmt = sj_prepare(st, "INSERT INTO customers (address, domain, display_name, manager,"
		    " first_seen, onboarded_at) VALUES (?1, ?2, ?3, ?4, min(?5, ?6), ?6)", err, errlen);
		if (stmt == NULL)
			return -1;
		sqlite3_bind_text(stmt, 1, address, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, at != NULL ? at + 1 : "", -1, SQLITE_TRANSIENT);
		bind_text_or_null(stmt, 3, name);
		bind_text_or_null(stmt, 4, manager);
		sqlite3_bind_int64(stmt, 5, (sqlite3_int64) now);
		sqlite3_bind_int64(stmt, 6, (sqlite3_int64) since);
	} else {
		*again = cur.onboarded_at != 0 && cur.offboarded_at == 0;
		if (*again)
			stmt = sj_prepare(st, "UPDATE customers SET display_name ="
			    " COALESCE(?2, display_name), manager = COALESCE(manager, ?3)"
			    " WHERE id = ?1", err, errlen);
		else
			stmt = sj_prepare(st, "UPDATE customers SET display_name ="
			    " COALESCE(?2, display_name), manager = ?3, onboarded_at = ?4,"
			    " offboarded_at = NULL WHERE id = ?1", err, errlen);
		if (stmt == NULL) {
			store_customer_clear(&cur);
			return -1;
		}
		sqlite3_bind_int64(stmt, 1, cur.id);
		bind_text_or_null(stmt, 2, name);
		bind_text_or_null(stmt, 3, manager);
		if (!*again)
			sqlite3_bind_int64(stmt, 4, (sqlite3_int64) since);
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
	sqlite3_stmt *stmt;

	if ((stmt = sj_prepare(st, "UPDATE customers SET renewal_date = ?2 WHERE id = ?1", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, customer_id);
	bind_text_or_null(stmt, 2, date);
	return sj_exec_done(st, stmt, "setting the renewal date", err, errlen);
}

int
store_customer_offboard(struct store *st, long long customer_id, time_t now,
			char *err, size_t errlen)
{
	sqlite3_stmt *stmt;

	if ((stmt = sj_prepare(st, "UPDATE customers SET offboarded_at = ?2 WHERE id = ?1", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, customer_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) now);
	return sj_exec_done(st, stmt, "off-boarding a customer", err, errlen);
}

/* customer_count - count(*) of the invoices to address that match extra_sql; -1 on error */
static long
customer_count(struct store *st, const char *address, const char *extra_sql, char *err,
	       size_t errlen)
{
	sqlite3_stmt *stmt;
	char *sql;
	long count = -1;

	sql = xasprintf("SELECT count(*) FROM invoices WHERE %s AND (buyer_address = ?1"
	    " COLLATE NOCASE OR instr(lower(recipients), lower(?1)) > 0)", extra_sql);
	stmt = sj_prepare(st, sql, err, errlen);
	free(sql);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, address, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		count = (long) sqlite3_column_int64(stmt, 0);
	else
		sj_fail(st, "counting invoices", err, errlen);
	sqlite3_finalize(stmt);
	return count;
}

long
store_customer_flagged(struct store *st, const char *address, char *err, size_t errlen)
{
	return customer_count(st, address, "verdict = 'flagged'", err, errlen);
}

long
store_customer_invoices(struct store *st, const char *address, char *err, size_t errlen)
{
	return customer_count(st, address, "verdict <> 'resend'", err, errlen);
}

/* checkin_find - the id of the customer's check-in of kind and ordinal: 0, 1 none, -1 */
static int
checkin_find(struct store *st, long long customer_id, const char *kind, int ordinal,
	     long long *id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = sj_prepare(st, "SELECT id FROM checkins WHERE customer_id = ?1 AND kind = ?2"
	    " AND ordinal = ?3", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, customer_id);
	sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 3, ordinal);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return sj_fail(st, "finding a check-in", err, errlen);
}

int
store_checkin_insert(struct store *st, long long customer_id, const char *customer,
		     const char *manager, const char *kind, int ordinal, time_t due,
		     time_t end, const char *tzid, const char *uid_domain, const char *planned_for,
		     const char *state, long long *id, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	char *placeholder, *uid;
	int rc;

	if ((rc = checkin_find(st, customer_id, kind, ordinal, id, err, errlen)) <= 0)
		return rc < 0 ? -1 : 1;
	/* The UID needs the row id: insert with a unique placeholder, then set it. */
	placeholder = xasprintf("new-%lld-%s-%d", customer_id, kind, ordinal);
	stmt = sj_prepare(st, "INSERT INTO checkins (customer_id, manager, kind, ordinal, due_at,"
	    " end_at, tzid, uid, planned_for, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " COALESCE(?10, 'planned'))", err, errlen);
	if (stmt == NULL) {
		free(placeholder);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, customer_id);
	sqlite3_bind_text(stmt, 2, manager, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 4, ordinal);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64) due);
	sqlite3_bind_int64(stmt, 6, (sqlite3_int64) end);
	sqlite3_bind_text(stmt, 7, tzid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 8, placeholder, -1, SQLITE_TRANSIENT);
	bind_text_or_null(stmt, 9, planned_for);
	bind_text_or_null(stmt, 10, state);
	free(placeholder);
	if (sj_exec_done(st, stmt, "inserting a check-in", err, errlen) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	uid = ident_checkin_uid(*id, customer, uid_domain);
	if ((stmt = sj_prepare(st, "UPDATE checkins SET uid = ?2 WHERE id = ?1", err, errlen)) == NULL) {
		free(uid);
		return -1;
	}
	sqlite3_bind_int64(stmt, 1, *id);
	sqlite3_bind_text(stmt, 2, uid, -1, SQLITE_TRANSIENT);
	free(uid);
	return sj_exec_done(st, stmt, "setting a check-in's UID", err, errlen);
}

int
store_checkin_get(struct store *st, long long id, struct store_checkin *out,
		  char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = sj_prepare(st, "SELECT " CHECKIN_COLUMNS " WHERE c.id = ?1", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		checkin_row(stmt, out);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return sj_fail(st, "reading a check-in", err, errlen);
}

/* checkin_select - run a prepared CHECKIN_COLUMNS query into *v, *n; finalizes */
static int
checkin_select(struct store *st, sqlite3_stmt *stmt, struct store_checkin **v, size_t *n,
	       char *err, size_t errlen)
{
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? cap * 2 : 16, sizeof(**v));
		checkin_row(stmt, &(*v)[(*n)++]);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_checkins_free(*v, *n);
		*v = NULL;
		*n = 0;
		return sj_fail(st, "listing check-ins", err, errlen);
	}
	return 0;
}

int
store_checkin_list(struct store *st, const char *customer, struct store_checkin **v,
		   size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;

	stmt = sj_prepare(st, "SELECT " CHECKIN_COLUMNS " WHERE ?1 IS NULL OR cu.address = ?1"
	    " ORDER BY c.due_at, c.id", err, errlen);
	if (stmt == NULL)
		return -1;
	bind_text_or_null(stmt, 1, customer);
	return checkin_select(st, stmt, v, n, err, errlen);
}

/* checkin_change - UPDATE a check-in that is not cancelled (or, with only_cancelled,
 * one that is); 0, STORE_CHECKIN_UNKNOWN, STORE_CHECKIN_CANCELLED or -1 */
static int
checkin_change(struct store *st, long long id, const char *set, int only_cancelled,
	       time_t due, time_t end, const char *what, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	char *sql;
	struct store_checkin cur;
	int rc;

	if ((rc = store_checkin_get(st, id, &cur, err, errlen)) != 0)
		return rc < 0 ? -1 : STORE_CHECKIN_UNKNOWN;
	rc = strcmp(cur.state, "cancelled") == 0;
	store_checkin_clear(&cur);
	if (rc != only_cancelled)
		return only_cancelled ? 1 : STORE_CHECKIN_CANCELLED;
	sql = xasprintf("UPDATE checkins SET %s, sequence = sequence + 1, attempts = 0,"
	    " next_attempt_at = NULL, last_error = NULL WHERE id = ?1", set);
	stmt = sj_prepare(st, sql, err, errlen);
	free(sql);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_bind_parameter_count(stmt) >= 3) {
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64) due);
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64) end);
	}
	return sj_exec_done(st, stmt, what, err, errlen);
}

int
store_checkin_move(struct store *st, long long id, time_t due, time_t end,
		   char *err, size_t errlen)
{
	return checkin_change(st, id, "due_at = ?2, end_at = ?3, state = 'planned'", 0,
	    due, end, "moving a check-in", err, errlen);
}

int
store_checkin_cancel(struct store *st, long long id, char *err, size_t errlen)
{
	return checkin_change(st, id, "state = 'cancelled'", 0, 0, 0,
	    "cancelling a check-in", err, errlen);
}

int
store_checkin_revive(struct store *st, long long id, time_t due, time_t end,
		     char *err, size_t errlen)
{
	return checkin_change(st, id, "due_at = ?2, end_at = ?3, state = 'planned'", 1,
	    due, end, "planning a check-in again", err, errlen);
}

long
store_checkin_cancel_future(struct store *st, long long customer_id, time_t now,
			    char *err, size_t errlen)
{
	sqlite3_stmt *stmt;

	stmt = sj_prepare(st, "UPDATE checkins SET state = 'cancelled', sequence = sequence + 1,"
	    " attempts = 0, next_attempt_at = NULL, last_error = NULL"
	    " WHERE customer_id = ?1 AND due_at > ?2 AND state <> 'cancelled'", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, customer_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) now);
	if (sj_exec_done(st, stmt, "cancelling future check-ins", err, errlen) != 0)
		return -1;
	return (long) sqlite3_changes(st->db);
}

int
store_checkin_last_before(struct store *st, long long customer_id, time_t t, time_t *out,
			  char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	*out = 0;
	stmt = sj_prepare(st, "SELECT max(due_at) FROM checkins WHERE customer_id = ?1"
	    " AND due_at < ?2 AND sent_sequence IS NOT NULL AND state <> 'cancelled'", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, customer_id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) t);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = (time_t) sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return sj_fail(st, "reading the last check-in", err, errlen);
	return 0;
}

int
store_checkin_due(struct store *st, time_t now, long ahead, size_t limit,
		  struct store_checkin **v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;

	stmt = sj_prepare(st, "SELECT " CHECKIN_COLUMNS " WHERE " CHECKIN_HAS_WORK
	    " ORDER BY c.due_at, c.id LIMIT ?3", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64) now);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) ahead);
	sqlite3_bind_int64(stmt, 3, limit > 0 ? (sqlite3_int64) limit : -1);
	return checkin_select(st, stmt, v, n, err, errlen);
}

int
store_checkin_claim(struct store *st, long long id, time_t now, long ahead,
		    struct store_checkin *out, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_journey_begin(st, err, errlen) != 0)
		return -1;
	stmt = sj_prepare(st, "SELECT " CHECKIN_COLUMNS " WHERE c.id = ?3 AND " CHECKIN_HAS_WORK,
	    err, errlen);
	if (stmt == NULL)
		goto fail;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64) now);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) ahead);
	sqlite3_bind_int64(stmt, 3, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		checkin_row(stmt, out);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE) {
		store_journey_rollback(st);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sj_fail(st, "claiming a check-in", err, errlen);
		goto fail;
	}
	snprintf(out->pending, sizeof(out->pending), "%s",
	    strcmp(out->state, "cancelled") == 0 ? "cancel" : "request");
	out->attempts++;
	stmt = sj_prepare(st, "UPDATE checkins SET pending = ?2, attempts = attempts + 1"
	    " WHERE id = ?1", err, errlen);
	if (stmt == NULL)
		goto fail_row;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, out->pending, -1, SQLITE_TRANSIENT);
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
	sqlite3_stmt *stmt;

	stmt = sj_prepare(st, "UPDATE checkins SET sent_sequence = ?2, pending = NULL,"
	    " attempts = 0, next_attempt_at = NULL, last_error = NULL,"
	    " state = CASE WHEN state = 'planned' AND sequence = ?2 THEN 'sent' ELSE state END"
	    " WHERE id = ?1", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int(stmt, 2, sequence);
	return sj_exec_done(st, stmt, "recording a sent invitation", err, errlen);
}

int
store_checkin_failed(struct store *st, long long id, int permanent, const char *why,
		     time_t retry_at, long max_attempts, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int failed;
	struct store_checkin cur;

	if (store_checkin_get(st, id, &cur, err, errlen) != 0) {
		snprintf(err, errlen, "%s: check-in %lld vanished", st->path, id);
		return -1;
	}
	failed = permanent || cur.attempts >= max_attempts;
	store_checkin_clear(&cur);
	stmt = sj_prepare(st, "UPDATE checkins SET pending = NULL, last_error = ?2,"
	    " next_attempt_at = ?3, state = CASE WHEN ?4 THEN 'failed' ELSE state END"
	    " WHERE id = ?1", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, why, -1, SQLITE_TRANSIENT);
	if (failed)
		sqlite3_bind_null(stmt, 3);
	else
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64) retry_at);
	sqlite3_bind_int(stmt, 4, failed);
	if (sj_exec_done(st, stmt, "recording a failed attempt", err, errlen) != 0)
		return -1;
	return failed;
}

int
store_checkin_set_planned_for(struct store *st, long long id, const char *date, char *err,
			      size_t errlen)
{
	sqlite3_stmt *stmt;

	if ((stmt = sj_prepare(st, "UPDATE checkins SET planned_for = ?2 WHERE id = ?1", err,
	    errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	bind_text_or_null(stmt, 2, date);
	return sj_exec_done(st, stmt, "recording a check-in's date", err, errlen);
}

int
store_checkin_busy(struct store *st, const char *manager, time_t from, long long exclude_id,
		   struct store_busy **v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	/* A check-in lasts a day at most (a slot, kept by every move): the due_at range
	 * lets the manager index bound the scan. */
	stmt = sj_prepare(st, "SELECT id, customer_id, due_at, end_at FROM checkins"
	    " WHERE manager = ?1 COLLATE NOCASE AND due_at > ?2 - 86400 AND end_at > ?2"
	    " AND id <> ?3"
	    " AND state NOT IN ('cancelled', 'skipped') ORDER BY due_at", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, manager, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) from);
	sqlite3_bind_int64(stmt, 3, exclude_id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap)
			*v = xreallocarray(*v, cap = cap ? cap * 2 : 64, sizeof(**v));
		(*v)[*n].id = sqlite3_column_int64(stmt, 0);
		(*v)[*n].customer_id = sqlite3_column_int64(stmt, 1);
		(*v)[*n].start = (time_t) sqlite3_column_int64(stmt, 2);
		(*v)[*n].end = (time_t) sqlite3_column_int64(stmt, 3);
		(*n)++;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		free(*v);
		*v = NULL;
		*n = 0;
		return sj_fail(st, "reading a manager's check-ins", err, errlen);
	}
	return 0;
}

int
store_manager_put(struct store *st, const struct manager *m, time_t now, char *err,
		  size_t errlen)
{
	sqlite3_stmt *stmt;
	char hours[16];

	stmt = sj_prepare(st, "INSERT INTO managers (address, name, tzid, workdays, hours,"
	    " slot_min, configured, updated_at, busy_file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT(address) DO UPDATE SET name = excluded.name, tzid = excluded.tzid,"
	    " workdays = excluded.workdays, hours = excluded.hours, slot_min = excluded.slot_min,"
	    " configured = excluded.configured, updated_at = excluded.updated_at,"
	    " busy_file = excluded.busy_file", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, m->address, -1, SQLITE_TRANSIENT);
	bind_text_or_null(stmt, 2, m->name[0] ? m->name : NULL);
	sqlite3_bind_text(stmt, 3, m->tz, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, m->days, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, manager_hours_text(m, hours, sizeof(hours)), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 6, m->slot_min);
	sqlite3_bind_int(stmt, 7, m->configured);
	sqlite3_bind_int64(stmt, 8, (sqlite3_int64) now);
	bind_text_or_null(stmt, 9, m->busy[0] ? m->busy : NULL);
	return sj_exec_done(st, stmt, "recording a manager", err, errlen);
}

int
store_manager_reset(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *stmt = sj_prepare(st, "UPDATE managers SET configured = 0", err, errlen);

	return stmt == NULL ? -1 : sj_exec_done(st, stmt, "updating managers", err, errlen);
}

int
store_manager_name(struct store *st, const char *address, char *buf, size_t len, char *err,
		   size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	buf[0] = '\0';
	stmt = sj_prepare(st, "SELECT name FROM managers WHERE address = ?1", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, address, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		col_copy(stmt, 0, buf, len);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sj_fail(st, "reading a manager", err, errlen);
	return buf[0] != '\0' ? 0 : 1;
}

int
store_manager_seen(struct store *st, char ***v, size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	*v = NULL;
	*n = 0;
	stmt = sj_prepare(st, "SELECT manager FROM customers WHERE manager IS NOT NULL"
	    " UNION SELECT manager FROM checkins ORDER BY 1", err, errlen);
	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*v = xreallocarray(*v, *n + 1, sizeof(**v));
		(*v)[(*n)++] = col_dup(stmt, 0);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return sj_fail(st, "listing managers", err, errlen);
	return 0;
}

int
store_manager_list(struct store *st, time_t now, struct store_manager **v, size_t *n,
		   char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	stmt = sj_prepare(st, "SELECT m.address, m.name, m.tzid, m.workdays, m.hours, m.slot_min,"
	    " m.configured, m.updated_at,"
	    " (SELECT min(due_at) FROM checkins c WHERE c.manager = m.address COLLATE NOCASE"
	    "  AND c.due_at > ?1 AND c.state IN ('planned', 'sent')),"
	    " (SELECT count(*) FROM checkins c WHERE c.manager = m.address COLLATE NOCASE"
	    "  AND c.due_at > ?1 AND c.state IN ('planned', 'sent')), m.busy_file"
	    " FROM managers m ORDER BY m.address", err, errlen);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, (sqlite3_int64) now);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
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
		if (timetext_parse_hours((const char *) sqlite3_column_text(stmt, 4),
		    &r->m.day_start_min, &r->m.day_end_min) != 0)
			r->m.day_start_min = r->m.day_end_min = 0;
		r->m.slot_min = sqlite3_column_int(stmt, 5);
		r->m.configured = sqlite3_column_int(stmt, 6);
		r->updated_at = (time_t) sqlite3_column_int64(stmt, 7);
		r->next_checkin = (time_t) sqlite3_column_int64(stmt, 8);
		r->upcoming = (long) sqlite3_column_int64(stmt, 9);
		col_copy(stmt, 10, r->m.busy, sizeof(r->m.busy));
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		free(*v);
		*v = NULL;
		*n = 0;
		return sj_fail(st, "listing managers", err, errlen);
	}
	return 0;
}

/*
 * store_audit.c - the audit log (store_audit.h). Values are bound, never spliced.
 */
#include "store_audit.h"
#include "store_invoice.h"

#define SQL_AUDIT_ADD \
	"INSERT INTO audit (invoice_id, at, user, action, outcome, detail)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
#define SQL_AUDIT_LIST \
	"SELECT at, user, action, outcome, detail FROM audit WHERE invoice_id = ?1 ORDER BY id"

int
audit_add(struct store *st, long long invoice_id, time_t at, const char *user,
    const char *action, const char *outcome, const char *detail, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, SQL_AUDIT_ADD, "writing the audit log", err, errlen);
	int rc;

	if (s == NULL)
		return -1;
	if (invoice_id > 0)
		sqlite3_bind_int64(s, 1, invoice_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64) at);
	store_bind_text(s, 3, user);
	store_bind_text(s, 4, action);
	store_bind_text(s, 5, outcome);
	store_bind_text(s, 6, detail);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		journal_errmsg(st, rc, "writing the audit log", err, errlen);
		return -1;
	}
	return 0;
}

int
audit_list(struct store *st, long long invoice_id, struct store_rows *rows,
    char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, SQL_AUDIT_LIST, "reading the audit log", err, errlen);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, invoice_id);
	if ((rc = store_rows_fetch(s, rows)) != SQLITE_DONE) {
		journal_errmsg(st, rc, "reading the audit log", err, errlen);
		return -1;
	}
	return 0;
}

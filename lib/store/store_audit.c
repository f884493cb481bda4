/*
 * store_audit.c - the audit log (store_audit.h). Values are bound, never spliced.
 */
#include "store_audit.h"
#include "store_int.h"

#define SQL_AUDIT_ADD \
	"INSERT INTO audit (invoice_id, at, \"user\", action, outcome, detail)" \
	" VALUES (?, ?, ?, ?, ?, ?)"
#define SQL_AUDIT_LIST \
	"SELECT at, \"user\", action, outcome, detail FROM audit WHERE invoice_id = ? ORDER BY id"

int
audit_add(struct store *st, long long invoice_id, time_t at, const char *user,
    const char *action, const char *outcome, const char *detail, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, SQL_AUDIT_ADD, "writing the audit log", err, errlen);
	int rc;

	if (s == NULL)
		return -1;
	if (invoice_id > 0)
		db_bind_int64(s, 1, invoice_id);
	db_bind_int64(s, 2, (long long) at);
	db_bind_text(s, 3, user);
	db_bind_text(s, 4, action);
	db_bind_text(s, 5, outcome);
	db_bind_text(s, 6, detail);
	rc = db_step(s);
	db_reset(s);
	if (rc != DB_DONE) {
		store_errmsg(st, rc, "writing the audit log", err, errlen);
		return -1;
	}
	return 0;
}

int
audit_list(struct store *st, long long invoice_id, struct store_rows *rows,
    char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, SQL_AUDIT_LIST, "reading the audit log", err, errlen);
	int rc;

	if (s == NULL)
		return -1;
	db_bind_int64(s, 1, invoice_id);
	if ((rc = store_rows_fetch(st, s, rows)) != DB_DONE) {
		store_errmsg(st, rc, "reading the audit log", err, errlen);
		return -1;
	}
	return 0;
}

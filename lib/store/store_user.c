/*
 * store_user.c - users, sessions and failed logins of the finance console
 * (store_user.h).
 *
 * Names, addresses and hashes reach SQLite only as bound parameters.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store_invoice.h"
#include "store_user.h"
#include "util/xalloc.h"

/* run - step a statement that returns no rows; the rows it changed, or -1 with err */
static int
run(struct store *st, sqlite3_stmt *s, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		journal_errmsg(st, rc, what, err, errlen);
		return -1;
	}
	return sqlite3_changes(st->db);
}

int
user_add(struct store *st, const char *name, const char *role, const char *hash,
    time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "INSERT INTO web_users (name, role, hash, created_at, changed_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (name) DO NOTHING", "adding a user", err, errlen);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, role);
	store_bind_text(s, 3, hash);
	sqlite3_bind_int64(s, 4, (sqlite3_int64) now);
	return run(st, s, "adding a user", err, errlen);
}

int
user_del(struct store *st, const char *name, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "DELETE FROM web_users WHERE name = ?1", "removing a user", err, errlen);
	sqlite3_stmt *t = store_statement(st, "DELETE FROM web_sessions WHERE user = ?1", "removing a user", err, errlen);

	if (s == NULL || t == NULL)
		return -1;
	store_bind_text(t, 1, name);
	if (run(st, t, "ending the user's sessions", err, errlen) < 0)
		return -1;
	store_bind_text(s, 1, name);
	return run(st, s, "removing a user", err, errlen);
}

int
user_set_hash(struct store *st, const char *name, const char *hash, time_t now,
    char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "UPDATE web_users SET hash = ?2, changed_at = ?3 WHERE name = ?1",
	    "changing a password", err, errlen);
	sqlite3_stmt *t = store_statement(st, "DELETE FROM web_sessions WHERE user = ?1", "changing a password",
	    err, errlen);
	int n;

	if (s == NULL || t == NULL)
		return -1;
	store_bind_text(s, 1, name);
	store_bind_text(s, 2, hash);
	sqlite3_bind_int64(s, 3, (sqlite3_int64) now);
	if ((n = run(st, s, "changing a password", err, errlen)) <= 0)
		return n;
	store_bind_text(t, 1, name);
	return run(st, t, "ending the user's sessions", err, errlen) < 0 ? -1 : 1;
}

int
user_hash(struct store *st, const char *name, char **hash, char **role, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "SELECT hash, role FROM web_users WHERE name = ?1",
	    "looking up a user", err, errlen);
	struct store_rows r = { 0 };
	int rc;

	*hash = *role = NULL;
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, name);
	if ((rc = store_rows_fetch(s, &r)) != SQLITE_DONE) {
		journal_errmsg(st, rc, "looking up a user", err, errlen);
		store_rows_clear(&r);
		return -1;
	}
	if (r.n == 1) {
		*hash = xstrdup(store_rows_get(&r, 0, 0));
		*role = xstrdup(store_rows_get(&r, 0, 1));
	}
	rc = (int) r.n;
	store_rows_clear(&r);
	return rc == 1;
}

int
user_list(struct store *st, struct store_rows *rows, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "SELECT name, role, created_at, changed_at FROM web_users ORDER BY name",
	    "listing the users", err, errlen);
	int rc;

	if (s == NULL)
		return -1;
	if ((rc = store_rows_fetch(s, rows)) != SQLITE_DONE) {
		journal_errmsg(st, rc, "listing the users", err, errlen);
		return -1;
	}
	return 0;
}

int
session_create(struct store *st, const char *token_hash, const char *user,
    const char *csrf, time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "INSERT INTO web_sessions (token_hash, user, csrf, created_at, last_seen)"
	    " VALUES (?1, ?2, ?3, ?4, ?4)", "starting a session", err, errlen);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, token_hash);
	store_bind_text(s, 2, user);
	store_bind_text(s, 3, csrf);
	sqlite3_bind_int64(s, 4, (sqlite3_int64) now);
	return run(st, s, "starting a session", err, errlen) < 0 ? -1 : 0;
}

int
session_get(struct store *st, const char *token_hash, char **user, char **role,
    char **csrf, time_t *last_seen, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "SELECT s.user, u.role, s.csrf, s.last_seen FROM web_sessions s"
	    " JOIN web_users u ON u.name = s.user WHERE s.token_hash = ?1", "reading a session", err, errlen);
	struct store_rows r = { 0 };
	int rc;

	*user = *role = *csrf = NULL;
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, token_hash);
	if ((rc = store_rows_fetch(s, &r)) != SQLITE_DONE) {
		journal_errmsg(st, rc, "reading a session", err, errlen);
		store_rows_clear(&r);
		return -1;
	}
	if ((rc = r.n == 1) != 0) {
		*user = xstrdup(store_rows_get(&r, 0, 0));
		*role = xstrdup(store_rows_get(&r, 0, 1));
		*csrf = xstrdup(store_rows_get(&r, 0, 2));
		*last_seen = (time_t) store_rows_int(&r, 0, 3);
	}
	store_rows_clear(&r);
	return rc;
}

int
session_touch(struct store *st, const char *token_hash, time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "UPDATE web_sessions SET last_seen = ?2 WHERE token_hash = ?1",
	    "refreshing a session", err, errlen);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, token_hash);
	sqlite3_bind_int64(s, 2, (sqlite3_int64) now);
	return run(st, s, "refreshing a session", err, errlen) < 0 ? -1 : 0;
}

int
session_delete(struct store *st, const char *token_hash, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "DELETE FROM web_sessions WHERE token_hash = ?1",
	    "ending a session", err, errlen);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, token_hash);
	return run(st, s, "ending a session", err, errlen) < 0 ? -1 : 0;
}

int
session_prune(struct store *st, time_t before, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "DELETE FROM web_sessions WHERE last_seen < ?1",
	    "ending idle sessions", err, errlen);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, (sqlite3_int64) before);
	return run(st, s, "ending idle sessions", err, errlen) < 0 ? -1 : 0;
}

int
login_failures(struct store *st, const char *key, time_t since, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "SELECT count(*) FROM web_login_failures WHERE key = ?1 AND at >= ?2",
	    "counting failed logins", err, errlen);
	int rc, n = 0;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, (sqlite3_int64) since);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		journal_errmsg(st, rc, "counting failed logins", err, errlen);
		return -1;
	}
	return n;
}

int
login_failure_add(struct store *st, const char *key, time_t now, time_t forget,
    char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "INSERT INTO web_login_failures (key, at) VALUES (?1, ?2)",
	    "recording a failed login", err, errlen);
	sqlite3_stmt *t = store_statement(st, "DELETE FROM web_login_failures WHERE at < ?1",
	    "recording a failed login", err, errlen);

	if (s == NULL || t == NULL)
		return -1;
	sqlite3_bind_int64(t, 1, (sqlite3_int64) forget);
	if (run(st, t, "forgetting old failed logins", err, errlen) < 0)
		return -1;
	store_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, (sqlite3_int64) now);
	return run(st, s, "recording a failed login", err, errlen) < 0 ? -1 : 0;
}

int
login_failures_clear(struct store *st, const char *key, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_statement(st, "DELETE FROM web_login_failures WHERE key = ?1",
	    "clearing failed logins", err, errlen);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	return run(st, s, "clearing failed logins", err, errlen) < 0 ? -1 : 0;
}

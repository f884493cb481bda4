/*
 * store_user.c - users, sessions and failed logins of the finance console
 * (store_user.h).
 *
 * Names, addresses and hashes reach the database only as bound parameters.
 */
#include <stdio.h>
#include <stdlib.h>

#include "store_int.h"
#include "store_user.h"
#include "util/xalloc.h"

/* run - step a statement that returns no rows; the rows it changed, or -1 with err */
static int
run(struct store *st, struct db_stmt *s, const char *what, char *err, size_t errlen)
{
	int rc = db_step(s);

	db_reset(s);
	if (rc != DB_DONE) {
		store_errmsg(st, rc, what, err, errlen);
		return -1;
	}
	return db_changes(st->db);
}

int
user_add(struct store *st, const char *name, const char *role, const char *hash,
    time_t now, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "INSERT INTO web_users (name, role, hash, created_at, changed_at)"
	    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING", "adding a user", err, errlen);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, name);
	db_bind_text(s, 2, role);
	db_bind_text(s, 3, hash);
	db_bind_int64(s, 4, (long long) now);
	db_bind_int64(s, 5, (long long) now);
	return run(st, s, "adding a user", err, errlen);
}

int
user_del(struct store *st, const char *name, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "DELETE FROM web_users WHERE name = ?", "removing a user", err, errlen);
	struct db_stmt *t = store_statement(st, "DELETE FROM web_sessions WHERE \"user\" = ?", "removing a user", err, errlen);

	if (s == NULL || t == NULL)
		return -1;
	db_bind_text(t, 1, name);
	if (run(st, t, "ending the user's sessions", err, errlen) < 0)
		return -1;
	db_bind_text(s, 1, name);
	return run(st, s, "removing a user", err, errlen);
}

int
user_set_hash(struct store *st, const char *name, const char *hash, time_t now,
    char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "UPDATE web_users SET hash = ?, changed_at = ? WHERE name = ?",
	    "changing a password", err, errlen);
	struct db_stmt *t = store_statement(st, "DELETE FROM web_sessions WHERE \"user\" = ?", "changing a password",
	    err, errlen);
	int n;

	if (s == NULL || t == NULL)
		return -1;
	db_bind_text(s, 1, hash);
	db_bind_int64(s, 2, (long long) now);
	db_bind_text(s, 3, name);
	if ((n = run(st, s, "changing a password", err, errlen)) <= 0)
		return n;
	db_bind_text(t, 1, name);
	return run(st, t, "ending the user's sessions", err, errlen) < 0 ? -1 : 1;
}

int
user_hash(struct store *st, const char *name, char **hash, char **role, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "SELECT hash, role FROM web_users WHERE name = ?",
	    "looking up a user", err, errlen);
	struct store_rows r = { 0 };
	int rc;

	*hash = *role = NULL;
	if (s == NULL)
		return -1;
	db_bind_text(s, 1, name);
	if ((rc = store_rows_fetch(st, s, &r)) != DB_DONE) {
		store_errmsg(st, rc, "looking up a user", err, errlen);
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
	struct db_stmt *s = store_statement(st, "SELECT name, role, created_at, changed_at FROM web_users ORDER BY name",
	    "listing the users", err, errlen);
	int rc;

	if (s == NULL)
		return -1;
	if ((rc = store_rows_fetch(st, s, rows)) != DB_DONE) {
		store_errmsg(st, rc, "listing the users", err, errlen);
		return -1;
	}
	return 0;
}

int
session_create(struct store *st, const char *token_hash, const char *user,
    const char *csrf, time_t now, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "INSERT INTO web_sessions (token_hash, \"user\", csrf, created_at, last_seen)"
	    " VALUES (?, ?, ?, ?, ?)", "starting a session", err, errlen);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, token_hash);
	db_bind_text(s, 2, user);
	db_bind_text(s, 3, csrf);
	db_bind_int64(s, 4, (long long) now);
	db_bind_int64(s, 5, (long long) now);
	return run(st, s, "starting a session", err, errlen) < 0 ? -1 : 0;
}

int
session_get(struct store *st, const char *token_hash, char **user, char **role,
    char **csrf, time_t *last_seen, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "SELECT s.\"user\", u.role, s.csrf, s.last_seen FROM web_sessions s"
	    " JOIN web_users u ON u.name = s.\"user\" WHERE s.token_hash = ?", "reading a session", err, errlen);
	struct store_rows r = { 0 };
	int rc;

	*user = *role = *csrf = NULL;
	if (s == NULL)
		return -1;
	db_bind_text(s, 1, token_hash);
	if ((rc = store_rows_fetch(st, s, &r)) != DB_DONE) {
		store_errmsg(st, rc, "reading a session", err, errlen);
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
	struct db_stmt *s = store_statement(st, "UPDATE web_sessions SET last_seen = ? WHERE token_hash = ?",
	    "refreshing a session", err, errlen);

	if (s == NULL)
		return -1;
	db_bind_int64(s, 1, (long long) now);
	db_bind_text(s, 2, token_hash);
	return run(st, s, "refreshing a session", err, errlen) < 0 ? -1 : 0;
}

int
session_delete(struct store *st, const char *token_hash, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "DELETE FROM web_sessions WHERE token_hash = ?",
	    "ending a session", err, errlen);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, token_hash);
	return run(st, s, "ending a session", err, errlen) < 0 ? -1 : 0;
}

int
session_prune(struct store *st, time_t before, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "DELETE FROM web_sessions WHERE last_seen < ?",
	    "ending idle sessions", err, errlen);

	if (s == NULL)
		return -1;
	db_bind_int64(s, 1, (long long) before);
	return run(st, s, "ending idle sessions", err, errlen) < 0 ? -1 : 0;
}

int
login_failures(struct store *st, const char *key, time_t since, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "SELECT count(*) FROM web_login_failures WHERE key = ? AND at >= ?",
	    "counting failed logins", err, errlen);
	int rc, n = 0;

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, key);
	db_bind_int64(s, 2, (long long) since);
	if ((rc = db_step(s)) == DB_ROW)
		n = (int) db_column_int64(s, 0);
	db_reset(s);
	if (rc != DB_ROW) {
		store_errmsg(st, rc, "counting failed logins", err, errlen);
		return -1;
	}
	return n;
}

int
login_failure_add(struct store *st, const char *key, time_t now, time_t forget,
    char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "INSERT INTO web_login_failures (key, at) VALUES (?, ?)",
	    "recording a failed login", err, errlen);
	struct db_stmt *t = store_statement(st, "DELETE FROM web_login_failures WHERE at < ?",
	    "recording a failed login", err, errlen);

	if (s == NULL || t == NULL)
		return -1;
	db_bind_int64(t, 1, (long long) forget);
	if (run(st, t, "forgetting old failed logins", err, errlen) < 0)
		return -1;
	db_bind_text(s, 1, key);
	db_bind_int64(s, 2, (long long) now);
	return run(st, s, "recording a failed login", err, errlen) < 0 ? -1 : 0;
}

int
login_failures_clear(struct store *st, const char *key, char *err, size_t errlen)
{
	struct db_stmt *s = store_statement(st, "DELETE FROM web_login_failures WHERE key = ?",
	    "clearing failed logins", err, errlen);

	if (s == NULL)
		return -1;
	db_bind_text(s, 1, key);
	return run(st, s, "clearing failed logins", err, errlen) < 0 ? -1 : 0;
}

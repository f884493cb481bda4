/*
 * db.c - the public calls of db.h: pick the driver by the target, cache the statements
 * of a connection by the address of their SQL text, keep the deadline, and forward the
 * rest to the driver (db_ops.h).
 *
 * Trusts its callers (lib/store/) to pass string constants as SQL; trusts nothing of
 * the target but its scheme.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_ops.h"
#include "util/xalloc.h"

int
db_is_uri(const char *target)
{
	return target != NULL && (strncasecmp(target, "postgresql://", 13) == 0 ||
	    strncasecmp(target, "postgres://", 11) == 0);
}

struct db *
db_open(const char *target, long timeout_ms, int flags, char *err, size_t errlen)
{
	const struct db_ops *ops = &db_sqlite_ops;

	if (db_is_uri(target)) {
#ifdef PS_DB_PG
		ops = &db_pg_ops;
#else
		/* the PostgreSQL driver (db_pg.c) is not in this build; the URI may hold a
		 * password, so the message does not repeat it */
		snprintf(err, errlen, "a postgresql:// database: this postsale is built without"
		    " the PostgreSQL driver");
		return NULL;
#endif
	}
	return ops->open(target, timeout_ms, flags, err, errlen);
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->nstmts; i++)
		db->ops->finalize(db->stmts[i]);
	db->nstmts = 0;
	db->ops->close(db);
}

enum db_kind
db_kind(const struct db *db)
{
	return db->ops->kind;
}

const char *
db_name(const struct db *db)
{
	return db->name;
}

const char *
db_errmsg(struct db *db)
{
	return db->ops->errmsg(db);
}

int
db_exec(struct db *db, const char *sql)
{
	return db->ops->exec(db, sql);
}

int
db_begin(struct db *db, int write)
{
	return db->ops->begin(db, write);
}

int
db_commit(struct db *db)
{
	return db->ops->commit(db);
}

int
db_rollback(struct db *db)
{
	return db->ops->rollback(db);
}

int
db_in_transaction(struct db *db)
{
	return db->ops->in_transaction(db);
}

/* db_prepare - the cached statement for sql (by address, or the same text at another
 * address), or a new one added to the cache */
struct db_stmt *
db_prepare(struct db *db, const char *sql)
{
	struct db_stmt *s;

	for (size_t i = 0; i < db->nstmts; i++)
		if (db->stmts[i]->sql == sql || strcmp(db->stmts[i]->sql, sql) == 0) {
			db->ops->reset(db->stmts[i]);
			return db->stmts[i];
		}
	if ((s = db->ops->prepare(db, sql)) == NULL)
		return NULL;
	s->db = db;
	s->sql = sql;
	db->stmts = xreallocarray(db->stmts, db->nstmts + 1, sizeof(*db->stmts));
	db->stmts[db->nstmts++] = s;
	return s;
}

int
db_bind_int64(struct db_stmt *s, int i, long long v)
{
	return s->db->ops->bind_int64(s, i, v);
}

int
db_bind_text(struct db_stmt *s, int i, const char *text)
{
	return s->db->ops->bind_text(s, i, text);
}

int
db_bind_text_static(struct db_stmt *s, int i, const char *text)
{
	if (s->db->ops->bind_text_static != NULL)
		return s->db->ops->bind_text_static(s, i, text);
	return s->db->ops->bind_text(s, i, text);
}

int
db_bind_null(struct db_stmt *s, int i)
{
	return s->db->ops->bind_null(s, i);
}

int
db_step(struct db_stmt *s)
{
	return s->db->ops->step(s);
}

long long
db_column_int64(struct db_stmt *s, int i)
{
	return s->db->ops->column_int64(s, i);
}

const char *
db_column_text(struct db_stmt *s, int i)
{
	return s->db->ops->column_text(s, i);
}

int
db_column_is_null(struct db_stmt *s, int i)
{
	return s->db->ops->column_is_null(s, i);
}

int
db_column_count(struct db_stmt *s)
{
	return s->db->ops->column_count(s);
}

void
db_reset(struct db_stmt *s)
{
	if (s != NULL)
		s->db->ops->reset(s);
}

int
db_run(struct db_stmt *s)
{
	int rc;

	if (s->db->ops->run != NULL)
		return s->db->ops->run(s);
	rc = s->db->ops->step(s);
	s->db->ops->reset(s);
	return rc == DB_ROW ? DB_DONE : rc;
}

long
db_wal_pages(struct db *db)
{
	return db->ops->wal_pages != NULL ? db->ops->wal_pages(db) : 0;
}

int
db_checkpoint(struct db *db)
{
	return db->ops->checkpoint != NULL ? db->ops->checkpoint(db) : DB_DONE;
}

long long
db_changes(struct db *db)
{
	return db->ops->changes(db);
}

void
db_set_deadline(struct db *db, long long deadline)
{
	if (db != NULL)
		db->deadline = deadline;
}


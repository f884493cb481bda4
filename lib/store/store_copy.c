/*
 * store_copy.c - copy a whole store from one database into another, SQLite or
 * PostgreSQL either side: the tables and columns as the databases' own catalogs list
 * them, parents before children, every value bound as a parameter, in one transaction.
 *
 * Trusts the two stores' catalogs for table and column names (they are quoted as
 * identifiers all the same); trusts no value: a value that the destination's column
 * cannot hold (text in an integer column) stops the copy, naming table, column and row.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db.h"
#include "store_copy.h"
#include "util/xalloc.h"

struct copy_column {
	char *name;
	int integer;			/* an integer column in the destination */
};

struct copy_table {
	char *name;
	char **parents;			/* the tables its foreign keys name */
	size_t nparents;
	struct copy_column *cols;	/* the columns both sides have */
	size_t ncols;
	int done;
};

struct copy {
	struct db *from, *to;
	struct copy_table *tables;
	size_t ntables;
	char **sqls;			/* the statements built here: they outlive the connections */
	size_t nsqls;			/* (db_prepare() knows a statement by its text's address) */
	char *err;
	size_t errlen;
};

/* The catalogs, SQLite's and PostgreSQL's. PostgreSQL's schema_version is the store's
 * own bookkeeping (SQLite keeps it in PRAGMA user_version), not copied. */
static const char SQL_SQLITE_TABLES[] = "SELECT name FROM sqlite_master WHERE type = 'table'"
	" AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name";
static const char SQL_PG_TABLES[] = "SELECT table_name FROM information_schema.tables"
	" WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	" AND table_name <> 'schema_version' ORDER BY table_name";
static const char SQL_SQLITE_COLUMNS[] = "SELECT name, type FROM pragma_table_info(?) ORDER BY cid";
static const char SQL_PG_COLUMNS[] = "SELECT column_name, data_type FROM information_schema.columns"
	" WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position";
static const char SQL_SQLITE_PARENTS[] = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)";
static const char SQL_PG_PARENTS[] = "SELECT DISTINCT ccu.table_name"
	" FROM information_schema.table_constraints tc"
	" JOIN information_schema.constraint_column_usage ccu"
	"  ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema"
	" WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
	" AND tc.table_name = ?";
static const char SQL_PG_IDENTITY[] = "SELECT column_name FROM information_schema.columns"
	" WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'";

/* copy_fail - one line in the caller's err; -1 */
static int __attribute__((format(printf, 2, 3)))
copy_fail(struct copy *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* copy_sql - keep sql (allocated) until the connections are closed; returns it */
static const char *
copy_sql(struct copy *c, char *sql)
{
	c->sqls = xreallocarray(c->sqls, c->nsqls + 1, sizeof(*c->sqls));
	c->sqls[c->nsqls++] = sql;
	return sql;
}

/* copy_quote - name as an SQL identifier ("name", its quotes doubled); caller frees */
static char *
copy_quote(const char *name)
{
	char *out = xmalloc(strlen(name) * 2 + 3), *o = out;

	*o++ = '"';
	for (const char *p = name; *p != '\0'; p++) {
		if (*p == '"')
			*o++ = '"';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return out;
}

/*
 * copy_list - the rows of sql (arg bound to its parameter when not NULL) on db: the
 * first column in *first, the second (when second is not NULL) in *second; their count,
 * or -1 with err.
 */
static long
copy_list(struct copy *c, struct db *db, const char *sql, const char *arg, char ***first,
    char ***second)
{
	struct db_stmt *s = db_prepare(db, sql);
	size_t n = 0;
	int rc;

	*first = NULL;
	if (second != NULL)
		*second = NULL;
	if (s == NULL || (arg != NULL && db_bind_text(s, 1, arg) != 0))
		return copy_fail(c, "%s: reading the catalog: %s", db_name(db), db_errmsg(db));
	while ((rc = db_step(s)) == DB_ROW) {
		const char *a = db_column_text(s, 0), *b = second ? db_column_text(s, 1) : NULL;

		*first = xreallocarray(*first, n + 1, sizeof(**first));
		(*first)[n] = xstrdup(a != NULL ? a : "");
		if (second != NULL) {
			*second = xreallocarray(*second, n + 1, sizeof(**second));
			(*second)[n] = xstrdup(b != NULL ? b : "");
		}
		n++;
	}
	db_reset(s);
	if (rc != DB_DONE)
		return copy_fail(c, "%s: reading the catalog: %s", db_name(db), db_errmsg(db));
	return (long) n;
}

/* copy_free_list - free n strings and their array */
static void
copy_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* copy_is_integer - whether a column of this declared type holds integers */
static int
copy_is_integer(struct db *db, const char *type)
{
	if (db_kind(db) == DB_POSTGRESQL)
		return strcmp(type, "bigint") == 0 || strcmp(type, "integer") == 0 ||
		    strcmp(type, "smallint") == 0;
	return strcasestr(type, "INT") != NULL;		/* SQLite's integer affinity */
}

/* copy_columns - t's columns that both stores have, typed as the destination types them */
static int
copy_columns(struct copy *c, struct copy_table *t)
{
	char **fnames, **ftypes, **tnames, **ttypes;
	long nf, nt;

	nf = copy_list(c, c->from, db_kind(c->from) == DB_POSTGRESQL ? SQL_PG_COLUMNS :
	    SQL_SQLITE_COLUMNS, t->name, &fnames, &ftypes);
	if (nf < 0)
		return -1;
	nt = copy_list(c, c->to, db_kind(c->to) == DB_POSTGRESQL ? SQL_PG_COLUMNS :
	    SQL_SQLITE_COLUMNS, t->name, &tnames, &ttypes);
	if (nt == 0)
		copy_fail(c, "%s: no table %s (open it with this postsale first, to migrate it)",
		    db_name(c->to), t->name);
	for (long i = 0; nt > 0 && i < nf; i++)
		for (long j = 0; j < nt; j++)
			if (strcmp(fnames[i], tnames[j]) == 0) {
				t->cols = xreallocarray(t->cols, t->ncols + 1, sizeof(*t->cols));
				t->cols[t->ncols].name = xstrdup(fnames[i]);
				t->cols[t->ncols++].integer = copy_is_integer(c->to, ttypes[j]);
			}
	copy_free_list(fnames, (size_t) nf);
	copy_free_list(ftypes, (size_t) nf);
	if (nt >= 0) {
		copy_free_list(tnames, (size_t) nt);
		copy_free_list(ttypes, (size_t) nt);
	}
	return nt > 0 ? 0 : -1;
}

/* copy_catalog - the source's tables, their columns and parents */
static int
copy_catalog(struct copy *c)
{
	char **names;
	long n = copy_list(c, c->from, db_kind(c->from) == DB_POSTGRESQL ? SQL_PG_TABLES :
	    SQL_SQLITE_TABLES, NULL, &names, NULL);
	long np;

	if (n < 0)
		return -1;
	c->tables = xcalloc((size_t) n + 1, sizeof(*c->tables));
	for (long i = 0; i < n; i++)
		c->tables[i].name = names[i];
	free(names);
	c->ntables = (size_t) n;
	for (size_t i = 0; i < c->ntables; i++) {
		struct copy_table *t = &c->tables[i];

		np = copy_list(c, c->from, db_kind(c->from) == DB_POSTGRESQL ? SQL_PG_PARENTS :
		    SQL_SQLITE_PARENTS, t->name, &t->parents, NULL);
		if (np < 0)
			return -1;
		t->nparents = (size_t) np;
		if (copy_columns(c, t) != 0)
			return -1;
	}
	return 0;
}

/* copy_ready - whether every parent of t (but itself) that is copied is done */
static int
copy_ready(const struct copy *c, const struct copy_table *t)
{
	for (size_t p = 0; p < t->nparents; p++)
		for (size_t i = 0; i < c->ntables; i++)
			if (strcmp(c->tables[i].name, t->parents[p]) == 0 && &c->tables[i] != t &&
			    !c->tables[i].done)
				return 0;
	return 1;
}

/* copy_empty - the destination holds no row of any table */
static int
copy_empty(struct copy *c)
{
	for (size_t i = 0; i < c->ntables; i++) {
		char *q = copy_quote(c->tables[i].name);
		struct db_stmt *s = db_prepare(c->to, copy_sql(c, xasprintf("SELECT 1 FROM %s LIMIT 1", q)));
		int rc = s != NULL ? db_step(s) : DB_ERROR;

		db_reset(s);
		free(q);
		if (rc == DB_ROW)
			return copy_fail(c, "%s: table %s holds rows already: the copy goes into an empty"
			    " store", db_name(c->to), c->tables[i].name);
		if (rc != DB_DONE)
			return copy_fail(c, "%s: %s: %s", db_name(c->to), c->tables[i].name, db_errmsg(c->to));
	}
	return 0;
}

/* copy_statements - SELECT on the source and INSERT on the destination of t's columns */
static void
copy_statements(struct copy *c, const struct copy_table *t, const char **select,
    const char **insert)
{
	size_t len = 64;
	char *cols, *marks, *q = copy_quote(t->name);

	for (size_t i = 0; i < t->ncols; i++)
		len += strlen(t->cols[i].name) * 2 + 5;
	cols = xcalloc(1, len);
	marks = xcalloc(1, t->ncols * 3 + 1);
	for (size_t i = 0; i < t->ncols; i++) {
		char *col = copy_quote(t->cols[i].name);

		strcat(strcat(cols, i > 0 ? ", " : ""), col);
		strcat(marks, i > 0 ? ", ?" : "?");
		free(col);
	}
	*select = copy_sql(c, xasprintf("SELECT %s FROM %s", cols, q));
	*insert = copy_sql(c, xasprintf("INSERT INTO %s (%s) VALUES (%s)", q, cols, marks));
	free(cols);
	free(marks);
	free(q);
}

/* copy_bind - bind the source row's column i to the insert; 0 or -1 with err */
static int
copy_bind(struct copy *c, const struct copy_table *t, struct db_stmt *from,
    struct db_stmt *ins, size_t i, long long row)
{
	const char *v = db_column_text(from, (int) i);
	char *end;
	long long n;

	if (v == NULL)
		return db_bind_null(ins, (int) i + 1);
	if (!t->cols[i].integer)
		return db_bind_text(ins, (int) i + 1, v);
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0')
		return copy_fail(c, "%s: table %s, row %lld: column %s holds '%.40s', not an integer",
		    db_name(c->from), t->name, row, t->cols[i].name, v);
	return db_bind_int64(ins, (int) i + 1, n);
}

/* copy_rows - every row of t; their count, or -1 with err */
static long long
copy_rows(struct copy *c, const struct copy_table *t)
{
	const char *select, *insert;
	struct db_stmt *from, *ins;
	long long row = 0;
	int rc;

	copy_statements(c, t, &select, &insert);
	if ((from = db_prepare(c->from, select)) == NULL)
		return copy_fail(c, "%s: %s: %s", db_name(c->from), t->name, db_errmsg(c->from));
	while ((rc = db_step(from)) == DB_ROW) {
		row++;
		if ((ins = db_prepare(c->to, insert)) == NULL) {
			db_reset(from);
			return copy_fail(c, "%s: %s: %s", db_name(c->to), t->name, db_errmsg(c->to));
		}
		for (size_t i = 0; i < t->ncols; i++)
			if (copy_bind(c, t, from, ins, i, row) != 0) {
				db_reset(ins);
				db_reset(from);
				return -1;
			}
		rc = db_step(ins);
		db_reset(ins);
		if (rc != DB_DONE) {
			db_reset(from);
			return copy_fail(c, "%s: table %s, row %lld: %s", db_name(c->to), t->name, row,
			    db_errmsg(c->to));
		}
	}
	db_reset(from);
	if (rc != DB_DONE)
		return copy_fail(c, "%s: reading %s: %s", db_name(c->from), t->name, db_errmsg(c->from));
	return row;
}

/* copy_identities - PostgreSQL's identity counters of t continue after its highest id */
static int
copy_identities(struct copy *c, const struct copy_table *t)
{
	char **cols, *qt = copy_quote(t->name);
	long n = copy_list(c, c->to, SQL_PG_IDENTITY, t->name, &cols, NULL);
	int rc = n < 0 ? -1 : 0;

	for (long i = 0; rc == 0 && i < n; i++) {
		char *qc = copy_quote(cols[i]);
		struct db_stmt *s = db_prepare(c->to, copy_sql(c, xasprintf("SELECT setval("
		    "pg_get_serial_sequence(?, ?), COALESCE(MAX(%s), 1), MAX(%s) IS NOT NULL) FROM %s",
		    qc, qc, qt)));

		if (s == NULL || db_bind_text(s, 1, qt) != 0 || db_bind_text(s, 2, cols[i]) != 0 ||
		    db_step(s) != DB_ROW)
			rc = copy_fail(c, "%s: the counter of %s.%s: %s", db_name(c->to), t->name, cols[i],
			    db_errmsg(c->to));
		db_reset(s);
		free(qc);
	}
	if (n > 0)
		copy_free_list(cols, (size_t) n);
	free(qt);
	return rc;
}

/* copy_all - the tables, parents first, and the identity counters; the list of counts */
static int
copy_all(struct copy *c, struct store_copy_table *out)
{
	size_t ndone = 0;

	while (ndone < c->ntables) {
		size_t before = ndone;

		for (size_t i = 0; i < c->ntables; i++) {
			struct copy_table *t = &c->tables[i];
			long long rows;

			if (t->done || !copy_ready(c, t))
				continue;
			if ((rows = copy_rows(c, t)) < 0)
				return -1;
			if (db_kind(c->to) == DB_POSTGRESQL && copy_identities(c, t) != 0)
				return -1;
			out[ndone].name = xstrdup(t->name);
			out[ndone++].rows = rows;
			t->done = 1;
		}
		if (ndone == before)
			return copy_fail(c, "%s: the foreign keys of its tables make a cycle",
			    db_name(c->from));
	}
	return 0;
}

/* copy_free - the catalog and the statements' texts (after the connections are closed) */
static void
copy_free(struct copy *c)
{
	for (size_t i = 0; i < c->ntables; i++) {
		free(c->tables[i].name);
		copy_free_list(c->tables[i].parents, c->tables[i].nparents);
		for (size_t j = 0; j < c->tables[i].ncols; j++)
			free(c->tables[i].cols[j].name);
		free(c->tables[i].cols);
	}
	free(c->tables);
	copy_free_list(c->sqls, c->nsqls);
}

int
store_copy(const char *from, const char *to, long timeout_ms,
    struct store_copy_table **tables, size_t *ntables, char *err, size_t errlen)
{
	struct copy c = {.err = err, .errlen = errlen};
	struct store_copy_table *out = NULL;
	int rc = -1;

	*tables = NULL;
	*ntables = 0;
	if ((c.from = db_open(from, timeout_ms, DB_READONLY_OPEN, err, errlen)) == NULL ||
	    (c.to = db_open(to, timeout_ms, 0, err, errlen)) == NULL)
		goto done;
	if (copy_catalog(&c) != 0 || copy_empty(&c) != 0)
		goto done;
	if (db_begin(c.to, 1) != DB_DONE) {
		copy_fail(&c, "%s: %s", db_name(c.to), db_errmsg(c.to));
		goto done;
	}
	out = xcalloc(c.ntables + 1, sizeof(*out));
	if (copy_all(&c, out) != 0)
		db_rollback(c.to);
	else if (db_commit(c.to) != DB_DONE)
		copy_fail(&c, "%s: committing the copy: %s", db_name(c.to), db_errmsg(c.to));
	else {
		*tables = out;
		*ntables = c.ntables;
		out = NULL;
		rc = 0;
	}
done:
	db_close(c.from);
	db_close(c.to);
	store_copy_free(out, c.ntables);
	copy_free(&c);
	return rc;
}

int
store_copy_is_uri(const char *target)
{
	return db_is_uri(target);
}

struct store_copy_table *
store_copy_free(struct store_copy_table *tables, size_t ntables)
{
	for (size_t i = 0; tables != NULL && i < ntables; i++)
		free(tables[i].name);
	free(tables);
	return NULL;
}

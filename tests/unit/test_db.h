/*
 * test_db.h - where a unit test's store lives, so that the same suite runs against
 * SQLite and PostgreSQL: a file in the case's temporary directory, or, when
 * POSTGRESQL_URI is set (tests/pg/cluster.sh), that database with a schema of the
 * case's own first in its search_path, so that cases neither see nor wait for each
 * other's tables.
 *
 * Header-only (static functions) for the Check suites; links lib/store/db.c.
 */
#ifndef PS_TEST_DB_H
#define PS_TEST_DB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"

/* test_db_uri - POSTGRESQL_URI, or NULL when the suite runs against SQLite only */
static inline const char *
test_db_uri(void)
{
	const char *uri = getenv("POSTGRESQL_URI");

	return uri != NULL && uri[0] != '\0' ? uri : NULL;
}

/* test_db_schema - a schema name of name's letters and digits, unique to the process */
static inline void
test_db_schema(char *schema, size_t len, const char *name)
{
	size_t n = (size_t) snprintf(schema, len, "t_%ld_", (long) getpid());

	for (const char *p = name; *p != '\0' && n + 1 < len; p++)
		schema[n++] = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ? *p : '_';
	schema[n] = '\0';
}

/*
 * test_db_target - the case's database into buf: dir/name, or the PostgreSQL URI with
 * a new empty schema named after name and the process (Check forks a process a case)
 * first in its search_path. NULL with a message on stderr when the schema cannot be made.
 */
static inline const char *
test_db_target(char *buf, size_t len, const char *dir, const char *name)
{
	const char *uri = test_db_uri();
	char schema[64], sql[200], err[512];
	struct db *db;
	int rc;

	if (uri == NULL) {
		snprintf(buf, len, "%s/%s", dir, name);
		return buf;
	}
	test_db_schema(schema, sizeof(schema), name);
	if ((db = db_open(uri, 5000, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "test_db_target: %s\n", err);
		return NULL;
	}
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema);
	if ((rc = db_exec(db, sql)) != DB_DONE)
		fprintf(stderr, "test_db_target: %s: %s\n", sql, db_errmsg(db));
	db_close(db);
	if (rc != DB_DONE)
		return NULL;
	/* libpq decodes the URI's %XX: options=-c search_path=SCHEMA */
	snprintf(buf, len, "%s%soptions=-c%%20search_path%%3D%s", uri, strchr(uri, '?') ? "&" : "?",
	    schema);
	return buf;
}

#endif

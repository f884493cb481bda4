/*
 * db_sqlite.h - what the SQLite driver (db_sqlite.c) shows beyond db.h: its connection,
 * for the store's unit suites, which check SQLite's own view of the statements and
 * transactions the store leaves behind. Nothing in the programs includes it.
 */
#ifndef PS_DB_SQLITE_H
#define PS_DB_SQLITE_H

#include <sqlite3.h>

#include "db.h"

/* db_sqlite_handle - the SQLite connection of db, or NULL when db is not SQLite's */
sqlite3 *db_sqlite_handle(struct db *db);

#endif

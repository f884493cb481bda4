/*
 * db_pg.h - the text work of the PostgreSQL driver (db_pg_text.c), apart from libpq so
 * that it is tested on its own: placeholders, URIs without passwords, one-line messages.
 *
 * Only lib/store/db_pg*.c and the tests include this header.
 */
#ifndef PS_DB_PG_H
#define PS_DB_PG_H

#include <stddef.h>

/*
 * db_pg_placeholders - sql with each "?" outside quoted literals, quoted identifiers
 * and comments numbered $1, $2, ... as SQLite numbers them (?NNN is $NNN, a bare ? the
 * one after the highest so far); the highest in *nparams. The caller frees it.
 */
char *db_pg_placeholders(const char *sql, int *nparams);
/*
 * db_pg_redact - uri without its password (the user info's ":password" and any
 * password= parameter), for messages. The caller frees it.
 */
char *db_pg_redact(const char *uri);
/* db_pg_oneline - copy msg into buf on one line: newlines (and the indent after them)
 * become "; ", no trailing ones */
void db_pg_oneline(char *buf, size_t len, const char *msg);

#endif

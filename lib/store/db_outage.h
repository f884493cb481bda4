/*
 * db_outage.h - inside lib/store: one log line per outage of the database server, not
 * one per failed call. The PostgreSQL driver reports each failure to reach the server
 * (no connection, a connection lost, no answer within the wait) and each connection
 * made; the process keeps one count, shared by all its connections and threads.
 */
#ifndef PS_DB_OUTAGE_H
#define PS_DB_OUTAGE_H

/*
 * db_outage_failed - the server of name (a URI without password) could not be reached,
 * why (one line): the first failure of an outage is logged at warning with why, the
 * later ones at debug
 */
void db_outage_failed(const char *name, const char *why);
/* db_outage_reached - a connection to name was made: after failures, one notice
 * "reachable again after N failures", and the count starts anew */
void db_outage_reached(const char *name);
/* db_outage_failures - the failures of the outage under way (0: none) */
unsigned long db_outage_failures(void);
/* db_outage_quiet - from now on count, but log nothing: a one-shot command says its
 * own error, and the driver's "further failures are logged at debug" is noise there */
void db_outage_quiet(void);

#endif

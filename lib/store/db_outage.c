/*
 * db_outage.c - one log line per outage of the database server (db_outage.h): a count
 * of the failures since the server last answered, under a mutex since the milter's
 * worker threads each have a connection and report to the same count.
 *
 * Trusts name (the configured URI, its password removed) and why (the driver's one
 * line, libpq's or the server's text) as the driver's other messages do.
 */
#include <pthread.h>
#include <string.h>

#include "db_outage.h"
#include "util/log.h"

static pthread_mutex_t outage_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long outage_count;	/* failures since the server last answered */
static int outage_quiet;		/* db_outage_quiet(): count, log nothing */

void
db_outage_failed(const char *name, const char *why)
{
	char clean[600];
	unsigned long n;
	int quiet;

	pthread_mutex_lock(&outage_lock);
	n = ++outage_count;
	quiet = outage_quiet;
	pthread_mutex_unlock(&outage_lock);
	if (quiet)
		return;
	log_printable(clean, sizeof(clean), why, strlen(why));	/* the server's text */
	if (n == 1)
		log_msg(LOG_WARNING, NULL, "database %s unreachable: %s (until it answers again,"
		    " further failures are logged at debug)", name, clean);
	else
		log_msg(LOG_DEBUG, NULL, "database %s still unreachable (failure %lu): %s", name, n,
		    clean);
}

void
db_outage_reached(const char *name)
{
	unsigned long n;
	int quiet;

	pthread_mutex_lock(&outage_lock);
	n = outage_count;
	outage_count = 0;
	quiet = outage_quiet;
	pthread_mutex_unlock(&outage_lock);
	if (n > 0 && !quiet)
		log_msg(LOG_NOTICE, NULL, "database %s reachable again after %lu failure%s", name, n,
		    n == 1 ? "" : "s");
}

unsigned long
db_outage_failures(void)
{
	unsigned long n;

	pthread_mutex_lock(&outage_lock);
	n = outage_count;
	pthread_mutex_unlock(&outage_lock);
	return n;
}

void
db_outage_quiet(void)
{
	pthread_mutex_lock(&outage_lock);
	outage_quiet = 1;
	pthread_mutex_unlock(&outage_lock);
}

/*
 * db_base.c - what every driver's connection shares (db_ops.h): its common fields, the
 * clock and the wait that the timeout and the deadline leave. Apart from db.c, which
 * picks the drivers, so that a driver needs this file and not the dispatch.
 */
#include <stdlib.h>
#include <time.h>

#include "db_ops.h"
#include "util/xalloc.h"

void
db_base_init(struct db *db, const struct db_ops *ops, const char *name, long timeout_ms)
{
	db->ops = ops;
	db->name = xstrdup(name);
	db->timeout_ms = timeout_ms;
	db->deadline = 0;
	db->stmts = NULL;
	db->nstmts = 0;
}

void
db_base_free(struct db *db)
{
	free(db->stmts);
	db->stmts = NULL;
	db->nstmts = 0;
	free(db->name);
	db->name = NULL;
}

long long
db_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long
db_wait_ms(const struct db *db)
{
	long long left;

	if (db->deadline == 0)
		return db->timeout_ms > 0 ? db->timeout_ms : -1;
	left = db->deadline - db_clock_ms();
	if (left <= 0)
		return 0;
	return db->timeout_ms > 0 && db->timeout_ms < left ? db->timeout_ms : (long) left;
}

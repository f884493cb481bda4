/*
 * db_base.c - what the drivers of db.h share (db_ops.h): the common part of a
 * connection, the clock, and how long the next wait may last under the timeout and the
 * deadline. Below both db.c and the drivers, so that neither depends on the other's file.
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

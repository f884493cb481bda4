/*
 * storepool.c - a pool of store connections: a connection serves one message at a
 * time (SQLite connections are not shared between threads here); WAL lets them read
 * while another writes. A message reads on it when the writer's connection is busy
 * (record.c), and writes an iTIP answer on it; its invoices and journey go through the
 * writer's connection.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "storepool.h"
#include "util/xalloc.h"

static pthread_mutex_t storepool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct store **storepool_idle;
static size_t storepool_n, storepool_cap;

struct store *
storepool_take(const struct ps_conf *conf, char *err, size_t errlen)
{
	struct store *st = NULL;

	pthread_mutex_lock(&storepool_lock);
	if (storepool_n > 0)
		st = storepool_idle[--storepool_n];
	pthread_mutex_unlock(&storepool_lock);
	if (st != NULL && store_opened_on(st, conf->database))
		return st;
	store_close(st);
	/* The schema was created at start-up; here the file must already exist. */
	return store_open(conf->database, conf->database_timeout_ms, 0, err, errlen);
}

void
storepool_give(struct store *st)
{
	if (st == NULL)
		return;
	store_set_deadline(st, 0);
	pthread_mutex_lock(&storepool_lock);
	if (storepool_n == storepool_cap) {
		storepool_cap = storepool_cap ? storepool_cap * 2 : 16;
		storepool_idle = xreallocarray(storepool_idle, storepool_cap, sizeof(*storepool_idle));
	}
	storepool_idle[storepool_n++] = st;
	pthread_mutex_unlock(&storepool_lock);
}

void
storepool_close_all(void)
{
	pthread_mutex_lock(&storepool_lock);
	while (storepool_n > 0)
		store_close(storepool_idle[--storepool_n]);
	free(storepool_idle);
	storepool_idle = NULL;
	storepool_cap = 0;
	pthread_mutex_unlock(&storepool_lock);
}

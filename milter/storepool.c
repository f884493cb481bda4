/*
 * storepool.c - a store connection per thread (SQLite connections are not shared
 * between threads here: each opens its own, WAL lets them write concurrently).
 */
#include <pthread.h>
#include <string.h>

#include "storepool.h"

static pthread_key_t storepool_key;
static pthread_once_t storepool_once = PTHREAD_ONCE_INIT;

/* storepool_release - close a thread's connection when the thread ends */
static void
storepool_release(void *p)
{
	store_close(p);
}

/* storepool_init - the thread key, once */
static void
storepool_init(void)
{
	pthread_key_create(&storepool_key, storepool_release);
}

struct store *
storepool_get(const struct ps_conf *conf, char *err, size_t errlen)
{
	struct store *st;

	pthread_once(&storepool_once, storepool_init);
	st = pthread_getspecific(storepool_key);
	if (st != NULL && strcmp(st->path, conf->database) == 0)
		return st;
	st = store_close(st);
	pthread_setspecific(storepool_key, NULL);
	/* The schema was created at start-up; here the file must already exist. */
	if ((st = store_open(conf->database, conf->database_timeout_ms, 0, err, errlen)) == NULL)
		return NULL;
	pthread_setspecific(storepool_key, st);
	return st;
}

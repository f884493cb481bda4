/*
 * record.c - where the milter writes to the store: the message threads (record_run)
 * and the replay thread (record_replay) queue on one mutex, so that they do not poll
 * SQLite's lock against each other. The writing itself is lib/filter/filter_store.c's.
 */
#include <pthread.h>

#include "record.h"

static pthread_mutex_t record_lock = PTHREAD_MUTEX_INITIALIZER;

int
record_run(struct filter_ctx *fc, struct store *st, const struct ps_msg *m, time_t now,
    struct filter_result *res)
{
	return filter_store_run(fc, st, 1, &record_lock, m, now, res);
}

int
record_replay(struct store *st, const struct ps_conf *conf, size_t *done, size_t *left,
    char *err, size_t errlen)
{
	return filter_store_replay(st, conf, &record_lock, done, left, err, errlen);
}

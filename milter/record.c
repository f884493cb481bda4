/*
 * record.c - where the milter writes to the store: the message threads (record_run)
 * and the replay thread (record_replay) queue on one filter_writer, so that they do
 * not poll SQLite's lock against each other, and write on its one connection (its
 * page cache stays valid, where a pooled connection re-read every page it touched
 * after another had written). The writing itself is lib/filter/filter_store.c's.
 */
#include "record.h"
#include "replay.h"

/* Its commits leave the WAL's checkpoint to the replay thread (replay_checkpoint_due). */
static struct filter_writer record_writer = FILTER_WRITER_APART(replay_checkpoint_due);

int
record_run(struct filter_ctx *fc, struct store *st, const struct ps_msg *m, time_t now,
    struct filter_result *res)
{
	return filter_store_run(fc, st, 1, &record_writer, m, now, res);
}

int
record_replay(const struct ps_conf *conf, size_t *done, size_t *left, char *err,
    size_t errlen)
{
	return filter_store_replay(NULL, conf, &record_writer, done, left, err, errlen);
}

int
record_checkpoint(const struct ps_conf *conf, char *err, size_t errlen)
{
	return filter_writer_checkpoint(&record_writer, conf, err, errlen);
}

void
record_close(void)
{
	filter_writer_close(&record_writer);
}

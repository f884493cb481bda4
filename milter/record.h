/*
 * record.h - the milter's store writes, serialised: the message threads and the replay
 * thread write one at a time on one connection, queued on its lock
 * (lib/filter/filter_store.h says how long a message waits for it, and what becomes of
 * what the store cannot take).
 */
#ifndef PS_RECORD_H
#define PS_RECORD_H

#include <stddef.h>
#include <time.h>

#include "filter/filter_store.h"

/*
 * record_run - filter_run() on m reading st (NULL: the store could not be opened), and
 * its records written on the milter's writer connection; as filter_store_run().
 */
int record_run(struct filter_ctx *fc, struct store *st, const struct ps_msg *m, time_t now,
    struct filter_result *res);
/* record_replay - filter_store_replay() on the milter's writer connection */
int record_replay(const struct ps_conf *conf, size_t *done, size_t *left, char *err,
    size_t errlen);
/* record_checkpoint - the checkpoint the writer's commits left (the replay thread's
 * job); 0, or -1 with err */
int record_checkpoint(const struct ps_conf *conf, char *err, size_t errlen);
/* record_close - close the writer's connections (at exit) */
void record_close(void);

#endif

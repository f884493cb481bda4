/*
 * filter_store.h - the pipeline over the store: the lookup that reads it for
 * filter_run() and the writer of the records a message leaves (the journal, the
 * journey, an iTIP answer), with the spool of unrecorded records for what the store
 * cannot take in time. The deciding code (filter.h) knows nothing of the store; this
 * is the one file set of lib/filter/ that does.
 *
 * Writers that share a store serialise on a mutex the caller owns (the milter's, in
 * milter/record.c; NULL where one thread writes): a message waits for it only until
 * its store deadline, and what the store cannot take by then is kept in the spool.
 */
#ifndef PS_FILTER_STORE_H
#define PS_FILTER_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "filter.h"
#include "store/store.h"

/*
 * filter_store_lookup - *lk reads st (NULL: the store could not be opened: a message
 * that needs it is incomplete); recording: the caller writes the records.
 */
void filter_store_lookup(struct filter_lookup *lk, struct store *st, int recording);

/*
 * filter_store_write - write what res says to record (filter_run() returned 0): the
 * iTIP answer first (a DECLINED one re-planned), then the invoices and the journey,
 * taking lock (NULL: none) until st's deadline. A store error on the answer is the
 * message's: -1 with res->error, and nothing else is written. The invoices and the
 * journey never fail the message: what the store cannot take is kept in the spool and
 * logged in full (res->unrecorded: 1 kept, -1 neither recorded nor kept). The note on
 * the answer is logged. 0 or -1.
 */
int filter_store_write(struct store *st, const struct ps_conf *conf, pthread_mutex_t *lock,
    const struct ps_msg *m, struct filter_result *res, time_t now);

/*
 * filter_store_run - filter_run() reading st (NULL: not open) and, when recording,
 * filter_store_write() with lock: the milter's way, and the tests' and the benchmark's.
 * 0, or -1 with res->error (the caller follows on-error, unless the message is flagged
 * anyway: then 0 with res->error for the log).
 */
int filter_store_run(struct filter_ctx *fc, struct store *st, int recording,
    pthread_mutex_t *lock, const struct ps_msg *m, time_t now, struct filter_result *res);

/*
 * filter_store_reason - what a message's line (at the level a mail admin reads) says of
 * a failure of st (NULL: it could not be opened) whose full text is err: err itself; or,
 * while an outage of the database server is under way (the driver logged it once, with
 * the server's reason), a short word of it, err then going to the debug log under qid.
 * Returns err or a constant; the message's own line (its queue id, what became of it)
 * stays the caller's.
 */
const char *filter_store_reason(const struct store *st, const char *qid, const char *err);

/*
 * filter_store_replay - write the spool of conf's database into st, oldest record
 * first, up to the first one the store refuses (it stays, with what is left of it),
 * each record under lock (NULL: none). *done: the records written and removed; *left:
 * those still waiting. 0, or -1 with the reason in err.
 */
int filter_store_replay(struct store *st, const struct ps_conf *conf, pthread_mutex_t *lock,
    size_t *done, size_t *left, char *err, size_t errlen);

#endif

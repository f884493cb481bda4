/*
 * filter_store.h - the pipeline over the store: the lookup that reads it for
 * filter_run() and the writer of the records a message leaves (the journal, the
 * journey, an iTIP answer), with the spool of unrecorded records for what the store
 * cannot take in time. The deciding code (filter.h) knows nothing of the store; this
 * is the one file set of lib/filter/ that does.
 *
 * Writers that share a store serialise on a filter_writer the caller owns (the
 * milter's, in milter/record.c; NULL where one thread writes): a message waits for its
 * lock only until its store deadline, and what the store cannot take by then is kept
 * in the spool.
 */
#ifndef PS_FILTER_STORE_H
#define PS_FILTER_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "filter.h"
#include "store/store.h"

/*
 * struct filter_writer - the writers of one process: they queue on lock and write on
 * one connection of their own (st, opened on first need, reopened when the database
 * setting changes, closed when a failure leaves a transaction open on it). Being the
 * only connection of the process that writes, its page cache stays valid from one
 * write to the next: SQLite re-reads no page, where a connection of a pool re-read
 * every page it touched once another connection had written (issue 15).
 *
 * With wal_full set, its commits leave SQLite's checkpoint (copying the WAL into the
 * file and syncing both, which took one message in some 140 several milliseconds,
 * all writers queued behind it) to filter_writer_checkpoint() in another thread: they
 * call wal_full (under lock) once the WAL holds FILTER_WRITER_WAL_PAGES pages, the
 * threshold SQLite's own checkpoint has; past DB_WAL_BACKSTOP a commit checkpoints
 * after all.
 */
struct filter_writer {
	pthread_mutex_t lock;
	struct store *st;		/* under lock; NULL until the first write */
	void (*wal_full)(void);		/* NULL: the commits checkpoint the WAL */
	struct store *ckpt;		/* filter_writer_checkpoint()'s (its thread's) */
};
#define FILTER_WRITER_INIT {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, NULL}
#define FILTER_WRITER_APART(wal_full) {PTHREAD_MUTEX_INITIALIZER, NULL, (wal_full), NULL}
#define FILTER_WRITER_WAL_PAGES 1000

/* filter_writer_close - close w's connections (at exit, or to test a reopen) */
void filter_writer_close(struct filter_writer *w);
/*
 * filter_writer_checkpoint - the checkpoint w's commits left (SQLite; nothing for a
 * server), on a connection of its own: copies the WAL into the file as far as no
 * reader needs it, waiting for no lock and holding up no writer. One thread calls it.
 * 0, or -1 with err.
 */
int filter_writer_checkpoint(struct filter_writer *w, const struct ps_conf *conf, char *err,
    size_t errlen);

/*
 * filter_store_lookup - *lk reads st (NULL: the store could not be opened: a message
 * that needs it is incomplete); recording: the caller writes the records.
 */
void filter_store_lookup(struct filter_lookup *lk, struct store *st, int recording);

/*
 * filter_store_write - write what res says to record (filter_run() returned 0): the
 * iTIP answer first (a DECLINED one re-planned, on st), then the invoices and the
 * journey: on w's connection (NULL: on st), taking w's lock until st's deadline. A
 * store error on the answer is the message's: -1 with res->error, and nothing else is
 * written. The invoices and the
 * journey never fail the message: what the store cannot take is kept in the spool and
 * logged in full (res->unrecorded: 1 kept, -1 neither recorded nor kept). The note on
 * the answer is logged. 0 or -1.
 */
int filter_store_write(struct store *st, const struct ps_conf *conf,
    struct filter_writer *w, const struct ps_msg *m, struct filter_result *res, time_t now);

/*
 * filter_store_run - filter_run() reading st (NULL: not open) and, when recording,
 * filter_store_write() with w: the milter's way, and the tests' and the benchmark's.
 * 0, or -1 with res->error (the caller follows on-error, unless the message is flagged
 * anyway: then 0 with res->error for the log).
 */
int filter_store_run(struct filter_ctx *fc, struct store *st, int recording,
    struct filter_writer *w, const struct ps_msg *m, time_t now, struct filter_result *res);

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
 * filter_store_replay - write the spool of conf's database into st (with w: on w's
 * connection, each record under w's lock, st unused, and err said as
 * filter_store_reason() says it), oldest record first, up to the first one the store
 * refuses (it stays, with what is left of it). *done: the records written and removed;
 * *left: those still waiting. 0, or -1 with the reason in err.
 */
int filter_store_replay(struct store *st, const struct ps_conf *conf,
    struct filter_writer *w, size_t *done, size_t *left, char *err, size_t errlen);

#endif

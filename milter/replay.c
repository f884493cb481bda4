/*
 * replay.c - a thread that looks at the spool of unrecorded records every few seconds
 * and, while it holds records, writes them into the store (never on a message's path)
 * on the connection the messages write on, under its lock (record.c). It logs what it
 * wrote, and why the store still refuses when the reason changes, so a locked store
 * does not fill the log (in an outage of the database server: once, the driver's
 * warning giving the server's reason). When the writer's commits say that SQLite's
 * WAL is full, it checkpoints it (record_checkpoint()), so that no message waits for
 * that.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "filter/filter_store.h"
#include "util/log.h"
#include "record.h"
#include "replay.h"
#include "runtime.h"
#include "sessions.h"
#include "store/store.h"

#define REPLAY_INTERVAL_S 2

static pthread_t replay_tid;
static pthread_mutex_t replay_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t replay_wake = PTHREAD_COND_INITIALIZER;
static int replay_running, replay_quit, replay_ckpt_due;

/* replay_round - one look at the spool */
static void
replay_round(char *last_err, size_t last_len)
{
	struct conf_ref *ref = runtime_get_conf();
	const struct ps_conf *conf = ref->conf;
	char err[512] = "";
	const char *why;
	size_t done = 0, left = 0;
	int rc;

	rc = record_replay(conf, &done, &left, err, sizeof(err));
	if (done > 0)
		log_msg(LOG_NOTICE, NULL, "journal: %zu unrecorded record(s) written to the store,"
		    " %zu still waiting", done, left);
	/* in an outage the driver's warning says why, once (err says less then) */
	why = rc != 0 ? err : "";
	if (rc != 0 && left > 0 && strcmp(why, last_err) != 0)
		log_msg(LOG_WARNING, NULL, "journal: %zu unrecorded record(s) wait for the store: %s",
		    left, why);
	snprintf(last_err, last_len, "%s", why);
	runtime_put_conf(ref);
}

/* replay_checkpoint - the checkpoint the writer's commits asked for; a failure is only
 * a debug line (a store that refuses it refuses the records too, and that is logged) */
static void
replay_checkpoint(void)
{
	struct conf_ref *ref = runtime_get_conf();
	char err[512] = "";

	if (record_checkpoint(ref->conf, err, sizeof(err)) != 0)
		log_msg(LOG_DEBUG, NULL, "store: checkpoint: %s", err);
	runtime_put_conf(ref);
}

/* replay_main - the thread: a round, then sleep until the next or the stop, waking
 * for each checkpoint asked for */
static void *
replay_main(void *arg)
{
	char last_err[512] = "";
	struct timespec until;

	(void) arg;
	pthread_mutex_lock(&replay_lock);
	while (!replay_quit) {
		pthread_mutex_unlock(&replay_lock);
		replay_round(last_err, sizeof(last_err));
		pthread_mutex_lock(&replay_lock);
		sessions_time_after(CLOCK_REALTIME, REPLAY_INTERVAL_S * 1000L, &until);
		while (!replay_quit) {
			if (replay_ckpt_due) {
				replay_ckpt_due = 0;
				pthread_mutex_unlock(&replay_lock);
				replay_checkpoint();
				pthread_mutex_lock(&replay_lock);
			} else if (pthread_cond_timedwait(&replay_wake, &replay_lock, &until) != 0)
				break;		/* the next round is due */
		}
	}
	pthread_mutex_unlock(&replay_lock);
	return NULL;
}

void
replay_checkpoint_due(void)
{
	pthread_mutex_lock(&replay_lock);
	replay_ckpt_due = 1;
	pthread_cond_broadcast(&replay_wake);
	pthread_mutex_unlock(&replay_lock);
}

int
replay_start(void)
{
	if (pthread_create(&replay_tid, NULL, replay_main, NULL) != 0)
		return -1;
	replay_running = 1;
	return 0;
}

void
replay_stop(void)
{
	if (!replay_running)
		return;
	pthread_mutex_lock(&replay_lock);
	replay_quit = 1;
	pthread_cond_broadcast(&replay_wake);
	pthread_mutex_unlock(&replay_lock);
	pthread_join(replay_tid, NULL);
	replay_running = 0;
}

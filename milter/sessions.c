/*
 * sessions.c - count the MTA's connections in progress and let a stop wait for them.
 */
#include <pthread.h>
#include <time.h>

#include "sessions.h"

static pthread_mutex_t sessions_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sessions_done;
static pthread_once_t sessions_once = PTHREAD_ONCE_INIT;
static int sessions_open, sessions_stopping_flag;

/* sessions_init - the condition waits on the monotonic clock */
static void
sessions_init(void)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&sessions_done, &a);
	pthread_condattr_destroy(&a);
}

void
sessions_begin(void)
{
	pthread_once(&sessions_once, sessions_init);
	pthread_mutex_lock(&sessions_lock);
	sessions_open++;
	pthread_mutex_unlock(&sessions_lock);
}

void
sessions_end(void)
{
	pthread_once(&sessions_once, sessions_init);
	pthread_mutex_lock(&sessions_lock);
	if (--sessions_open == 0)
		pthread_cond_broadcast(&sessions_done);
	pthread_mutex_unlock(&sessions_lock);
}

void
sessions_stop(void)
{
	pthread_mutex_lock(&sessions_lock);
	sessions_stopping_flag = 1;
	pthread_mutex_unlock(&sessions_lock);
}

int
sessions_stopping(void)
{
	int s;

	pthread_mutex_lock(&sessions_lock);
	s = sessions_stopping_flag;
	pthread_mutex_unlock(&sessions_lock);
	return s;
}

int
sessions_count(void)
{
	int n;

	pthread_mutex_lock(&sessions_lock);
	n = sessions_open;
	pthread_mutex_unlock(&sessions_lock);
	return n;
}

void
sessions_time_after(clockid_t clock, long ms, struct timespec *ts)
{
	clock_gettime(clock, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int
sessions_wait(long timeout_ms)
{
	struct timespec until;
	int n;

	pthread_once(&sessions_once, sessions_init);
	sessions_time_after(CLOCK_MONOTONIC, timeout_ms, &until);
	pthread_mutex_lock(&sessions_lock);
	while (sessions_open > 0 &&
	    pthread_cond_timedwait(&sessions_done, &sessions_lock, &until) == 0)
		;
	n = sessions_open;
	pthread_mutex_unlock(&sessions_lock);
	return n;
}

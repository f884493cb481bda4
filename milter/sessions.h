/*
 * sessions.h - the MTA's connections in progress, counted from negotiation to close,
 * so that a stop can wait for them (postsale-milter(8): SIGTERM).
 */
#ifndef PS_SESSIONS_H
#define PS_SESSIONS_H

#include <time.h>

/* sessions_begin / sessions_end - a connection opened, closed */
void sessions_begin(void);
void sessions_end(void);
/* sessions_stop - from now on the filter is stopping (sessions_stopping() is 1) */
void sessions_stop(void);
int sessions_stopping(void);
/* sessions_wait - wait until no connection is open or timeout_ms have passed; returns
 * how many are still open */
int sessions_wait(long timeout_ms);
/* sessions_count - the connections open now */
int sessions_count(void);
/* sessions_time_after - the time ms from now on clock, for a timed wait */
void sessions_time_after(clockid_t clock, long ms, struct timespec *ts);

#endif

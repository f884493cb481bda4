/*
 * storepool.h - the milter's store connections, shared by its threads: a message takes
 * an idle connection (or opens one) and gives it back, so a connection is opened once
 * per concurrent message, not once per SMTP session (libmilter runs a thread for each).
 */
#ifndef PS_STOREPOOL_H
#define PS_STOREPOOL_H

#include <stddef.h>

#include "conf/conf.h"
#include "store/store.h"

/*
 * storepool_take - a connection to conf's database for this message (reopened when
 * the database setting changed on reload); NULL with the reason in err. The pool's
 * lock is held only to pick a connection, never while SQLite waits.
 */
struct store *storepool_take(const struct ps_conf *conf, char *err, size_t errlen);
/* storepool_give - hand st (NULL ok) back for the next message */
void storepool_give(struct store *st);
/* storepool_close_all - close the idle connections (at exit) */
void storepool_close_all(void);

#endif

/*
 * storepool.h - one store connection per libmilter worker thread, opened on first use
 * and kept, so a message pays for a connection once per thread, not once per message.
 */
#ifndef PS_STOREPOOL_H
#define PS_STOREPOOL_H

#include <stddef.h>

#include "conf.h"
#include "store.h"

/*
 * storepool_get - this thread's connection to conf's database (reopened when the
 * database setting changed on reload); NULL with the reason in err.
 */
struct store *storepool_get(const struct ps_conf *conf, char *err, size_t errlen);

#endif

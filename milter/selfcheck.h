/*
 * selfcheck.h - what `postsale-milter -n` checks beyond the config's syntax, like
 * `postfix check`: the keys that make a safe start, the user, the socket directory and
 * the store; and the store's permissions at start-up and on the first store failure.
 */
#ifndef PS_SELFCHECK_H
#define PS_SELFCHECK_H

#include "conf/conf.h"

/* selfcheck_say - where a check reports: level LOG_ERR (a problem) or LOG_WARNING */
typedef void selfcheck_say(int level, const char *line);

/* selfcheck_say_stderr - "postsale-milter: error: LINE" (or warning) on stderr */
void selfcheck_say_stderr(int level, const char *line);
/* selfcheck_say_log - LINE to the log at level */
void selfcheck_say_log(int level, const char *line);

/*
 * selfcheck_keys - local-domains must not be empty and postsale-address must be a
 * mailbox that replies can reach (not at localhost); each problem goes to say, naming
 * the key. Returns the number of problems.
 */
int selfcheck_keys(const struct ps_conf *conf, selfcheck_say *say);
/*
 * selfcheck_install - as the filter will run (user when started as root, else the
 * current user): the user exists and is not root, a unix socket's directory exists, the
 * store's directory exists and the user can write it, and the database and its -wal
 * and -shm files, where they exist, are the user's to read and write. Returns the
 * number of problems.
 */
int selfcheck_install(const struct ps_conf *conf, const char *user, const char *socket,
    selfcheck_say *say);
/*
 * selfcheck_store - the store's files against the current user (the filter after it
 * dropped root): each one it cannot write is said at LOG_ERR with its owner and mode
 * (an SQLite file and its -wal and -shm; with a database on a server, the directory of
 * what is kept beside it, state-directory). Returns the number of problems.
 */
int selfcheck_store(const struct ps_conf *conf, selfcheck_say *say);
/*
 * selfcheck_store_failed - a store operation failed: the first time the cause is a
 * file the filter cannot write, log it (LOG_ERR, owner and mode); later calls are
 * cheap and quiet once that was said. Thread-safe.
 */
void selfcheck_store_failed(const struct ps_conf *conf);

#endif

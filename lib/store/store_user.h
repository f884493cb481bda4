/*
 * store_user.h - the finance console's users, sessions and failed logins in the store.
 *
 * Users have a name, a role (finance, manager, admin) and a crypt(3) hash; sessions are
 * keyed by the SHA-256 of their token (web_session.h) and hold the session's CSRF token;
 * failed logins are counted per key ("user:NAME", "addr:ADDRESS") in a sliding window.
 * Every function returns -1 with one line in err on a store error (a locked database).
 */
#ifndef PS_STORE_USER_H
#define PS_STORE_USER_H

#include <stddef.h>
#include <time.h>

#include "store.h"
#include "store_rows.h"

/* user_add - a new user; 1 added, 0 the name exists, -1 */
int user_add(struct store *st, const char *name, const char *role, const char *hash,
    time_t now, char *err, size_t errlen);
/* user_del - remove a user and its sessions; 1 removed, 0 no such user, -1 */
int user_del(struct store *st, const char *name, char *err, size_t errlen);
/* user_set_hash - a new password hash; ends the user's sessions; 1, 0 no such user, -1 */
int user_set_hash(struct store *st, const char *name, const char *hash, time_t now,
    char *err, size_t errlen);
/* user_hash - the user's hash and role into new strings (caller frees); 1, 0 no such user, -1 */
int user_hash(struct store *st, const char *name, char **hash, char **role, char *err, size_t errlen);
/* Columns of user_list(). */
enum { USER_NAME, USER_ROLE, USER_CREATED, USER_CHANGED };
/* user_list - every user by name into rows; 0, or -1 */
int user_list(struct store *st, struct store_rows *rows, char *err, size_t errlen);

/* session_create - a session of user; 0, or -1 */
int session_create(struct store *st, const char *token_hash, const char *user,
    const char *csrf, time_t now, char *err, size_t errlen);
/*
 * session_get - the session with this token hash: new strings *user, *role, *csrf
 * (caller frees) and *last_seen; 1, 0 no such session, -1
 */
int session_get(struct store *st, const char *token_hash, char **user, char **role,
    char **csrf, time_t *last_seen, char *err, size_t errlen);
/* session_touch - last_seen = now; 0, or -1 */
int session_touch(struct store *st, const char *token_hash, time_t now, char *err, size_t errlen);
/* session_delete - end one session; 0, or -1 */
int session_delete(struct store *st, const char *token_hash, char *err, size_t errlen);
/* session_prune - end sessions last seen before `before`; 0, or -1 */
int session_prune(struct store *st, time_t before, char *err, size_t errlen);

/* login_failures - how many failures key had since `since`; >= 0, or -1 */
int login_failures(struct store *st, const char *key, time_t since, char *err, size_t errlen);
/* login_failure_add - one failure of key at now, and forget every failure (of any
 * key) before `forget`; 0, or -1 */
int login_failure_add(struct store *st, const char *key, time_t now, time_t forget,
    char *err, size_t errlen);
/* login_failures_clear - forget key's failures (after a good login); 0, or -1 */
int login_failures_clear(struct store *st, const char *key, char *err, size_t errlen);

#endif

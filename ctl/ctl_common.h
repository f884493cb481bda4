/*
 * ctl_common.h - what every postsalectl command shares: the config chosen with the
 * global -c option, the store, and JSON string output (times: lib/timetext.h).
 */
#ifndef PS_CTL_COMMON_H
#define PS_CTL_COMMON_H

#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "store.h"
#include "timetext.h"

/* Exit statuses of the commands that do not define their own. */
#define CTL_OK		0
#define CTL_FAIL	1	/* the command ran and the answer is "no" (not found ...) */
#define CTL_ERROR	2	/* bad usage, unreadable input, no config or store */

extern const char *ctl_config_path;	/* set by the dispatcher's -c */

/* ctl_conf - the config, loaded once; NULL after printing the reason (file:line: key) */
struct ps_conf *ctl_conf(void);
/*
 * ctl_store - the store of the config, opened once with flags (STORE_CREATE, or
 * STORE_READONLY for commands that only read); NULL after printing the reason. Run as
 * root, it first becomes the owner of the store's directory for good (privdrop.h).
 */
struct store *ctl_store(int flags);
/* ctl_close - close the store and free the config (at exit) */
void ctl_close(void);
/* ctl_json_string - write s as a JSON string to fp (null for NULL); invalid UTF-8
 * becomes U+FFFD */
void ctl_json_string(FILE *fp, const char *s);
/*
 * ctl_read_file - read path ("-": standard input) into a new buffer of at most max
 * bytes, with a NUL after them; 0, or -1 with the reason in err. The caller frees *buf.
 */
int ctl_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
    char *err, size_t errlen);

#endif

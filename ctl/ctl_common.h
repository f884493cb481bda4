/*
 * ctl_common.h - what every postsalectl command shares: the config chosen with the
 * global -c option, the store, JSON string output, and dates on the command line.
 */
#ifndef PS_CTL_COMMON_H
#define PS_CTL_COMMON_H

#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "store.h"

/* Exit statuses of the commands that do not define their own. */
#define CTL_OK		0
#define CTL_FAIL	1	/* the command ran and the answer is "no" (not found ...) */
#define CTL_ERROR	2	/* bad usage, unreadable input, no config or store */

extern const char *ctl_config_path;	/* set by the dispatcher's -c */

/* ctl_conf - the config, loaded once; NULL after printing the reason (file:line: key) */
struct ps_conf *ctl_conf(void);
/*
 * ctl_store - the store of the config, opened once with flags (STORE_CREATE, or
 * STORE_READONLY for commands that only read); NULL after printing the reason.
 */
struct store *ctl_store(int flags);
/* ctl_close - close the store and free the config (at exit) */
void ctl_close(void);
/* ctl_json_string - write s as a JSON string to fp (null for NULL); invalid UTF-8
 * becomes U+FFFD */
void ctl_json_string(FILE *fp, const char *s);
/*
 * ctl_parse_time - "2026-11-29", "2026-11-29 10:30", "2026-11-29T10:30:00Z" (UTC unless a
 * zone is given as Z) or "@UNIX" -> 0 and *out; -1 if it is none of these
 */
int ctl_parse_time(const char *s, time_t *out);
/* ctl_fmt_time - "2026-11-29 10:30 UTC" into buf; returns buf */
char *ctl_fmt_time(time_t t, char *buf, size_t len);

#endif

/*
 * log.h - one small logging module for the daemons and tools: syslog, or stderr in the
 * foreground. Lines about a message start with its queue id ("4Xb2Q1abc: ...").
 */
#ifndef PS_LOG_H
#define PS_LOG_H

#include <stddef.h>
#include <syslog.h>

/* log_open - log as ident to syslog (facility), or to stderr when to_stderr is set */
void log_open(const char *ident, int facility, int to_stderr);
/* log_set_level - drop messages less important than level (LOG_DEBUG shows all) */
void log_set_level(int level);
/* log_msg - log one line; qid may be NULL for lines about no message */
void log_msg(int level, const char *qid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* log_facility - map a name ("mail", "local0" ...) to a syslog facility, -1 if unknown */
int log_facility(const char *name);
/* log_level - map a name ("err", "warning", "info", "debug") to a level, -1 if unknown */
int log_level(const char *name);
/*
 * log_printable - copy at most len bytes of untrusted s into buf (size bufsize) with
 * every byte that is not printable ASCII replaced by '?'; longer input is cut and ends
 * in "...". Returns buf.
 */
char *log_printable(char *buf, size_t bufsize, const char *s, size_t len);

#endif

/*
 * timetext.h - times on the command line: parse what people type, print what they read.
 */
#ifndef PS_TIMETEXT_H
#define PS_TIMETEXT_H

#include <stddef.h>
#include <time.h>

/*
 * timetext_parse - "2026-11-29", "2026-11-29 10:30", "2026-11-29T10:30:00Z" (UTC) or
 * "@UNIX" -> 0 and *out; -1 if it is none of these
 */
int timetext_parse(const char *s, time_t *out);
/* timetext_fmt - "2026-11-29 10:30 UTC" into buf; returns buf */
char *timetext_fmt(time_t t, char *buf, size_t len);

#endif

/*
 * zone.h - the one checked and locked lookup of IANA time zones (libical's builtin
 * zones, the one tz source of postsale).
 *
 * Zone names come from the config, the store and the command line: libical turns a
 * name into a file path, so a name is checked before libical sees it (no leading '/',
 * no "..", only the characters zone names use, not empty, not over-long). Lookups are
 * remembered in a small cache behind a mutex: safe from the milter's worker threads.
 */
#ifndef PS_ZONE_H
#define PS_ZONE_H

#include <stddef.h>

#include <libical/ical.h>

/* The longest zone name accepted, NUL excluded (IANA's longest is about 32). */
#define ZONE_NAME_MAX 63

/* zone_name_ok - 1 if tz looks like a zone name and is safe to give libical, else 0:
 * 1 to ZONE_NAME_MAX of A-Z a-z 0-9 '/' '_' '-' '+', not starting with '/', no "..". */
int zone_name_ok(const char *tz);

/* zone_get - libical's builtin zone for the name tz ("UTC" and "Etc/UTC": its UTC
 * zone), or NULL for an unsafe or unknown name. The zone is libical's, never freed. */
icaltimezone *zone_get(const char *tz);

/* zone_check - 0 if tz is a zone zone_get knows, else -1 and a message naming it (made
 * printable) in err */
int zone_check(const char *tz, char *err, size_t errlen);

#endif

/*
 * zone.c - IANA zone names checked, then looked up in libical's builtin zones and
 * remembered.
 *
 * Trusts no name: a name is checked (zone_name_ok) before libical, which builds a file
 * path from it, sees it. libical finds a builtin zone by a linear search of its list,
 * so the answers (known zones only) are kept in a small round-robin cache; one mutex
 * guards the cache and libical's lookup, which loads zones lazily.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "zone.h"

#define ZONE_CACHE_SIZE 16

static struct {
	char name[ZONE_NAME_MAX + 1];
	icaltimezone *zone;
} zone_cache[ZONE_CACHE_SIZE];
static size_t zone_cache_next;
static pthread_mutex_t zone_cache_lock = PTHREAD_MUTEX_INITIALIZER;

int
zone_name_ok(const char *tz)
{
	size_t n;

	if (tz == NULL || tz[0] == '\0' || tz[0] == '/' || strstr(tz, "..") != NULL)
		return 0;
	n = strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_-+");
	return n == strlen(tz) && n <= ZONE_NAME_MAX;
}

icaltimezone *
zone_get(const char *tz)
{
	icaltimezone *zone = NULL;

	if (!zone_name_ok(tz))
		return NULL;
	if (strcmp(tz, "UTC") == 0 || strcmp(tz, "Etc/UTC") == 0)
		return icaltimezone_get_utc_timezone();
	pthread_mutex_lock(&zone_cache_lock);
	for (size_t i = 0; i < ZONE_CACHE_SIZE && zone == NULL; i++)
		if (zone_cache[i].zone != NULL && strcmp(zone_cache[i].name, tz) == 0)
			zone = zone_cache[i].zone;
	if (zone == NULL && (zone = icaltimezone_get_builtin_timezone(tz)) != NULL) {
		strcpy(zone_cache[zone_cache_next].name, tz);	/* checked: fits */
		zone_cache[zone_cache_next].zone = zone;
		zone_cache_next = (zone_cache_next + 1) % ZONE_CACHE_SIZE;
	}
	pthread_mutex_unlock(&zone_cache_lock);
	return zone;
}

int
zone_check(const char *tz, char *err, size_t errlen)
{
	char safe[ZONE_NAME_MAX + 5];

	if (zone_get(tz) != NULL)
		return 0;
	tz = tz ? tz : "";
	snprintf(err, errlen, "time zone \"%s\" is not known to libical",
		 text_printable(safe, sizeof(safe), tz, strlen(tz), 0));
	return -1;
}

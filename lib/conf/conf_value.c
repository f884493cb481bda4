/*
 * conf_value.c - the value syntaxes the config shares with the command lines: sizes
 * ("25M") and durations ("250ms", "2s", "5m").
 *
 * Trusts nothing: a value that is not exactly one of the forms, or that overflows, is
 * refused.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

/* leading_number - the digits s starts with (one at least) in *v, *end just after them;
 * 0, or -1 when s starts with no digit or the number overflows */
static int
leading_number(const char *s, unsigned long long *v, char **end)
{
	if (!isdigit((unsigned char) *s))
		return -1;
	errno = 0;
	*v = strtoull(s, end, 10);
	return errno != 0 ? -1 : 0;
}

int
conf_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v, mult = 1;

	if (leading_number(s, &v, &end) != 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		mult = 1024ULL, end++;
	else if (*end == 'm' || *end == 'M')
		mult = 1024ULL * 1024, end++;
	else if (*end == 'g' || *end == 'G')
		mult = 1024ULL * 1024 * 1024, end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end != '\0' || v > SIZE_MAX / mult)
		return -1;
	*out = (size_t) (v * mult);
	return 0;
}

int
conf_parse_duration(const char *s, long *out)
{
	char *end;
	unsigned long long v, mult;

	if (leading_number(s, &v, &end) != 0)
		return -1;
	if (strcmp(end, "ms") == 0)
		mult = 1;
	else if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1000;
	else if (strcmp(end, "m") == 0)
		mult = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		mult = 3600 * 1000;
	else if (strcmp(end, "d") == 0)
		mult = 86400ULL * 1000;
	else
		return -1;
	if (v > (unsigned long long) LONG_MAX / mult)
		return -1;
	*out = (long) (v * mult);
	return 0;
}

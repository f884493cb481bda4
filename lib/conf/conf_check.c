/*
 * conf_check.c - checks of config values beyond their type.
 *
 * The values are the administrator's; they are checked so that a typo is reported at
 * start-up with file:line and key, not found later in the middle of mail flow.
 */
#include <arpa/inet.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf_check.h"
#include "manager.h"
#include "util/xalloc.h"
#include "util/text.h"
#include "util/timetext.h"
#include "util/zone.h"

/* refuse - -1, with "'value' is not what" in why: the one wording of every check */
static int
refuse(const char *value, const char *what, char *why, size_t whylen)
{
	snprintf(why, whylen, "'%s' is not %s", value, what);
	return -1;
}

/* for_each_word - call fn on each comma- or space-separated word; first failure wins */
static int
for_each_word(const char *value, conf_check_fn *fn, char *why, size_t whylen)
{
	char *copy = xstrdup(value), *save = NULL, *w;
	int rc = 0;

	for (w = strtok_r(copy, ", \t", &save); w != NULL && rc == 0; w = strtok_r(NULL, ", \t", &save))
		rc = fn(w, why, whylen);
	free(copy);
	return rc;
}

/* EACH_WORD - the check name of a list: the check one on each of its words */
#define EACH_WORD(name, one) \
	int name(const char *value, char *why, size_t whylen) \
	{ \
		return for_each_word(value, one, why, whylen); \
	}

int
conf_check_regex(const char *value, char *why, size_t whylen)
{
	regex_t re;
	int rc;
	char msg[128];

	if (*value == '\0')
		return 0;
	if ((rc = regcomp(&re, value, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
		regerror(rc, &re, msg, sizeof(msg));
		snprintf(why, whylen, "'%s' is not a regular expression: %s", value, msg);
		return -1;
	}
	regfree(&re);
	return 0;
}

int
conf_check_hours(const char *value, char *why, size_t whylen)
{
	int start, end;

	if (timetext_parse_hours(value, &start, &end) != 0)
		return refuse(value, "business hours like 09:00-17:00", why, whylen);
	return 0;
}

int
conf_check_time(const char *value, char *why, size_t whylen)
{
	int min;

	if (*value != '\0' && timetext_parse_time(value, &min) != 0)
		return refuse(value, "a time of day like 08:00", why, whylen);
	return 0;
}

int
conf_check_workdays(const char *value, char *why, size_t whylen)
{
	unsigned days;

	if (timetext_parse_workdays(value, &days) != 0 || days == 0)
		return refuse(value, "a set of days like Mon-Fri or Mon,Wed", why, whylen);
	return 0;
}

int
conf_check_timezone(const char *value, char *why, size_t whylen)
{
	return zone_check(value, why, whylen);
}

/* check_date - one YYYY-MM-DD */
static int
check_date(const char *w, char *why, size_t whylen)
{
	int y, m, d;

	if (timetext_parse_date(w, &y, &m, &d) != 0)
		return refuse(w, "a date (YYYY-MM-DD)", why, whylen);
	return 0;
}

EACH_WORD(conf_check_dates, check_date)

/* check_day - one whole number of days from 1 to 3660 */
static int
check_day(const char *w, char *why, size_t whylen)
{
	char *end;
	long n = strtol(w, &end, 10);

	if (*end != '\0' || n < 1 || n > 3660)
		return refuse(w, "a number of days from 1 to 3660", why, whylen);
	return 0;
}

EACH_WORD(conf_check_days, check_day)

int
conf_check_address(const char *value, char *why, size_t whylen)
{
	if (*value != '\0' && !text_addr_valid(value))
		return refuse(value, "a mail address (local@domain)", why, whylen);
	return 0;
}

/* check_manager - one domain=address entry */
static int
check_manager(const char *w, char *why, size_t whylen)
{
	const char *eq = strchr(w, '=');

	if (eq == NULL || eq == w || !text_addr_valid(eq + 1))
		return refuse(w, "domain=manager@address", why, whylen);
	return 0;
}

EACH_WORD(conf_check_managers, check_manager)

/* check_manager_zone - one address=Zone/Name entry */
static int
check_manager_zone(const char *w, char *why, size_t whylen)
{
	const char *eq = strchr(w, '=');
	char addr[256];

	if (eq == NULL || (size_t) (eq - w) >= sizeof(addr))
		return refuse(w, "address=Zone/Name", why, whylen);
	memcpy(addr, w, eq - w);
	addr[eq - w] = '\0';
	if (!text_addr_valid(addr))
		return refuse(w, "address=Zone/Name", why, whylen);
	return zone_check(eq + 1, why, whylen);
}

EACH_WORD(conf_check_manager_zones, check_manager_zone)

int
conf_check_manager_line(const char *value, char *why, size_t whylen)
{
	struct manager m;

	return *value == '\0' ? 0 : manager_parse(value, NULL, &m, why, whylen);
}

int
conf_check_url(const char *value, char *why, size_t whylen)
{
	if (strncmp(value, "smtp://", 7) != 0 && strncmp(value, "smtps://", 8) != 0)
		return refuse(value, "smtp://HOST:PORT or smtps://HOST:PORT", why, whylen);
	return 0;
}

int
conf_check_secret_file(const struct ps_conf *conf, int fd, char *err, size_t errlen)
{
	struct stat sb;

	if (conf->submit_password == NULL || conf->submit_password[0] == '\0')
		return 0;
	if (fstat(fd, &sb) == 0 && (sb.st_mode & S_IROTH)) {
		snprintf(err, errlen, "%s: submit-password is set, but every user can read the file"
		    " (mode %04o): chmod o-r %s (the package installs it 0640 root:postsale)",
		    conf->path, (unsigned) (sb.st_mode & 07777), conf->path);
		return -1;
	}
	return 0;
}

/* conf_check_listen - ADDRESS:PORT or [IPV6]:PORT with a numeric address and port */
int
conf_check_listen(const char *value, char *why, size_t whylen)
{
	const char *colon = strrchr(value, ':');
	char host[64];
	unsigned char addr[16];
	size_t hl;
	long port;
	char *end;

	if (colon == NULL || colon == value)
		goto bad;
	hl = (size_t) (colon - value);
	if (value[0] == '[') {
		if (hl < 3 || value[hl - 1] != ']' || hl - 2 >= sizeof(host))
			goto bad;
		memcpy(host, value + 1, hl - 2);
		host[hl - 2] = '\0';
		if (inet_pton(AF_INET6, host, addr) != 1)
			goto bad;
	} else {
		if (hl >= sizeof(host))
			goto bad;
		memcpy(host, value, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET, host, addr) != 1)
			goto bad;
	}
	port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || port < 1 || port > 65535)
		goto bad;
	return 0;
bad:
	return refuse(value, "ADDRESS:PORT (127.0.0.1:8026, [::1]:8026)", why, whylen);
}

/* conf_check_web_url - empty, or an http:// or https:// address without spaces or quotes */
int
conf_check_web_url(const char *value, char *why, size_t whylen)
{
	if (value[0] == '\0')
		return 0;
	if ((strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0) ||
	    strcspn(value, " \t\"'<>") != strlen(value))
		return refuse(value, "an http:// or https:// address", why, whylen);
	return 0;
}

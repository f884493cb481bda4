/*
 * conf_check.h - checks of config values beyond their type: a regular expression that
 * compiles, business hours, time zones libical knows, dates, addresses, domain=address
 * pairs. Each returns 0, or -1 with the reason in why; conf.c adds file:line and key.
 */
#ifndef PS_CONF_CHECK_H
#define PS_CONF_CHECK_H

#include <stddef.h>

#include "conf.h"

int conf_check_regex(const char *value, char *why, size_t whylen);
int conf_check_hours(const char *value, char *why, size_t whylen);
int conf_check_workdays(const char *value, char *why, size_t whylen);
int conf_check_timezone(const char *value, char *why, size_t whylen);
int conf_check_dates(const char *value, char *why, size_t whylen);
int conf_check_days(const char *value, char *why, size_t whylen);
int conf_check_address(const char *value, char *why, size_t whylen);
int conf_check_managers(const char *value, char *why, size_t whylen);
int conf_check_manager_zones(const char *value, char *why, size_t whylen);
int conf_check_manager_line(const char *value, char *why, size_t whylen);
int conf_check_time(const char *value, char *why, size_t whylen);
int conf_check_url(const char *value, char *why, size_t whylen);
/*
 * conf_check_secret_file - a config that holds a secret (submit-password) must not be
 * readable by every user: 0, or -1 with "FILE: ..." in err naming the key, the mode and
 * the fix. fd is the open config file.
 */
int conf_check_secret_file(const struct ps_conf *conf, int fd, char *err, size_t errlen);
int conf_check_listen(const char *value, char *why, size_t whylen);
int conf_check_web_url(const char *value, char *why, size_t whylen);

#endif

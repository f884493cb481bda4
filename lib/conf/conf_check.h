/*
 * conf_check.h - checks of config values beyond their type: a regular expression that
 * compiles, business hours, time zones libical knows, dates, addresses, domain=address
 * pairs. Each returns 0, or -1 with the reason in why; conf.c adds file:line and key.
 */
#ifndef PS_CONF_CHECK_H
#define PS_CONF_CHECK_H

#include <stddef.h>

#include "conf.h"

/* each a conf_check_fn (conf.h): 0, or -1 with the reason in why */
conf_check_fn conf_check_regex, conf_check_hours, conf_check_workdays, conf_check_time;
conf_check_fn conf_check_timezone, conf_check_dates, conf_check_days;
conf_check_fn conf_check_address, conf_check_managers, conf_check_manager_zones;
conf_check_fn conf_check_manager_line, conf_check_url, conf_check_listen, conf_check_web_url;
/*
 * conf_check_secret_file - a config that holds a secret (submit-password) must not be
 * readable by every user: 0, or -1 with "FILE: ..." in err naming the key, the mode and
 * the fix. fd is the open config file.
 */
int conf_check_secret_file(const struct ps_conf *conf, int fd, char *err, size_t errlen);

#endif

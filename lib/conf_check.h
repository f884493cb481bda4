/*
 * conf_check.h - checks of config values beyond their type: a regular expression that
 * compiles, business hours, time zones libical knows, dates, addresses, domain=address
 * pairs. Each returns 0, or -1 with the reason in why; conf.c adds file:line and key.
 */
#ifndef PS_CONF_CHECK_H
#define PS_CONF_CHECK_H

#include <stddef.h>

int conf_check_regex(const char *value, char *why, size_t whylen);
int conf_check_hours(const char *value, char *why, size_t whylen);
int conf_check_workdays(const char *value, char *why, size_t whylen);
int conf_check_timezone(const char *value, char *why, size_t whylen);
int conf_check_dates(const char *value, char *why, size_t whylen);
int conf_check_days(const char *value, char *why, size_t whylen);
int conf_check_address(const char *value, char *why, size_t whylen);
int conf_check_managers(const char *value, char *why, size_t whylen);
int conf_check_manager_zones(const char *value, char *why, size_t whylen);
int conf_check_url(const char *value, char *why, size_t whylen);
int conf_check_listen(const char *value, char *why, size_t whylen);
int conf_check_web_url(const char *value, char *why, size_t whylen);

#endif

/*
 * conf_keys.c - the one table of postsale.conf keys: name, type, default and help.
 *
 * conf/postsale.conf (the commented sample) and man/postsale.conf.5 document every key
 * here with the same default; tests/unit/check_conf.c fails when they drift apart.
 */
#include <stddef.h>

#include "conf.h"

#define F(field) offsetof(struct ps_conf, field)

const struct conf_key conf_keys[] = {
	{"socket", CONF_STRING, "unix:/run/postsale/postsale.sock", NULL, F(socket), 0,
	 "where postsale-milter listens: unix:PATH, inet:PORT@HOST or inet6:PORT@HOST"},
	{"user", CONF_STRING, "postsale", NULL, F(user), 0,
	 "the account postsale-milter runs as after it starts as root"},
	{"pid-file", CONF_PATH, "", NULL, F(pid_file), 0,
	 "file to write the process id to; empty for none"},
	{"syslog-facility", CONF_FACILITY, "mail", NULL, F(syslog_facility), 0,
	 "syslog facility of the log lines"},
	{"log-level", CONF_LEVEL, "info", NULL, F(log_level), 0,
	 "least important level logged: err, warning, notice, info or debug"},
	{"internal-networks", CONF_NETWORKS, "127.0.0.0/8, ::1", NULL,
	 F(internal_networks), F(internal_networks_text),
	 "clients in these networks are the company's own (with SMTP AUTH, this is what makes mail outbound)"},
	{"local-domains", CONF_LIST, "", NULL, F(local_domains), 0,
	 "the company's own domains and their subdomains; mail to nothing else is not outbound"},
	{"on-error", CONF_ENUM, "accept", "accept|tempfail", F(on_error), 0,
	 "what an internal failure does to the message: accept it as it is, or tempfail it"},
	{"max-message-size", CONF_SIZE, "25M", NULL, F(max_message_size), 0,
	 "larger messages pass untouched, and the log says why"},
	{"database", CONF_PATH, "/var/lib/postsale/postsale.db", NULL, F(database), 0,
	 "the SQLite store: journal of invoices, customers, check-ins"},
	{"database-timeout", CONF_DURATION, "500ms", NULL, F(database_timeout_ms), 0,
	 "longest wait for a locked database before the on-error policy applies"},
};

const size_t conf_nkeys = sizeof(conf_keys) / sizeof(conf_keys[0]);

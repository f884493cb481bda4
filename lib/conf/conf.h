/*
 * conf.h - postsale.conf: one table of keys (conf_keys.c), a parser that checks every
 * value against it, and the struct the programs read their settings from.
 *
 * The file is "key = value" lines; '#' starts a comment; a line starting with white
 * space continues the previous value. Every key has a default, so an empty file is a
 * valid config.
 */
#ifndef PS_CONF_H
#define PS_CONF_H

#include <stddef.h>

#include "util/netmatch.h"

#define CONF_DEFAULT_PATH SYSCONFDIR "/postsale/postsale.conf"

enum conf_type {
	CONF_STRING,		/* any text */
	CONF_PATH,		/* a file name; "" means none */
	CONF_BOOL,		/* yes/no, true/false, on/off, 1/0 */
	CONF_SIZE,		/* bytes, with an optional k, M or G suffix */
	CONF_INT,		/* a whole number, 0 or more */
	CONF_DURATION,		/* milliseconds; ms, s, m, h or d suffix (default s) */
	CONF_ENUM,		/* one of the words in choices, stored as its index */
	CONF_LIST,		/* words separated by commas or white space */
	CONF_NETWORKS,		/* addresses and CIDR networks */
	CONF_FACILITY,		/* a syslog facility name */
	CONF_LEVEL,		/* a syslog level name */
	CONF_LINES,		/* a key that may be given once per entry: each line one entry */
};

struct conf_list {
	char **v;
	size_t n;
};

enum conf_on_error { CONF_ON_ERROR_ACCEPT, CONF_ON_ERROR_TEMPFAIL };
enum conf_action { CONF_ACTION_TAG, CONF_ACTION_HOLD, CONF_ACTION_REJECT, CONF_ACTION_TEMPFAIL };
enum conf_severity { CONF_SEVERITY_WARNING, CONF_SEVERITY_ERROR };
enum conf_position { CONF_POSITION_BOTTOM, CONF_POSITION_TOP };
enum conf_replies { CONF_REPLIES_SKIP, CONF_REPLIES_ADD };
enum conf_starttls { CONF_STARTTLS_NONE, CONF_STARTTLS_TRY, CONF_STARTTLS_REQUIRE };
enum conf_reply_mail { CONF_REPLY_MAIL_KEEP, CONF_REPLY_MAIL_DISCARD };
enum conf_mta { CONF_MTA_POSTFIX, CONF_MTA_SENDMAIL };

/* The settings. Field names follow the keys; everything is owned by the struct. */
struct ps_conf {
	char *path;			/* the file these settings came from */
	/* postsale-milter */
	char *socket;
	char *user;
	char *pid_file;
	int syslog_facility;
	int log_level;
	struct netmatch *internal_networks;
	char *internal_networks_text;
	struct conf_list local_domains;
	int on_error;			/* enum conf_on_error */
	size_t max_message_size;
	/* the store */
	char *database;
	long database_timeout_ms;
	long stop_timeout_ms;		/* stop-timeout: how long SIGTERM waits for sessions */
	/* invoices */
	char *company_name;
	struct conf_list company_ibans;
	int invoice_check_recipient;
	int invoice_action_error;
	int invoice_action_warning;
	int unreadable_invoice_severity;
	struct conf_list error_rules;	/* PS-* rule ids raised to errors */
	char *finance_address;
	int finance_copy;
	size_t invoice_max_pdf_size;
	size_t invoice_max_xml_size;
	/* thank-you notes */
	int note_invoices;
	int note_onboarding;
	int note_flagged_invoices;
	char *note_templates;
	int note_position;
	char *note_language;
	int note_replies;
	size_t note_max_part_size;
	/* onboarding and check-ins */
	char *onboarding_header;
	struct conf_list onboarding_senders;
	char *onboarding_subject;
	char *offboarding_header;
	char *renewal_header;
	char *onboarded_header;
	struct conf_list account_managers;
	struct conf_list manager_timezones;
	struct conf_list managers;	/* manager lines, see manager.h */
	char *checkin_timezone;
	char *checkin_hours;
	long checkin_length_ms;
	char *checkin_workdays;
	struct conf_list checkin_holidays;
	struct conf_list checkin_days;
	long checkin_quarterly_until;
	long checkin_anniversaries;
	long checkin_renewal_lead;
	/* invitations and the mailer */
	char *postsale_address;
	char *postsale_name;
	int invite_customer;
	long invite_alarm_ms;
	long invite_ahead_ms;
	char *submit_url;
	int submit_starttls;
	char *submit_user;
	char *submit_password;
	long submit_timeout_ms;
	char *submit_sendmail;
	long mailer_interval_ms;
	long mailer_retry_ms;
	long mailer_max_attempts;
	char *digest_time;		/* HH:MM, or empty: the daemon sends no digest */
	char *digest_days;
	/* the managers' answers (lib/filter_reply.c) and the weekly summary */
	int reply_mail;			/* enum conf_reply_mail */
	long checkin_unanswered;	/* days */
	long summary_interval_ms;
	/* the finance console (postsale-web) */
	char *web_listen;
	char *web_user;
	char *web_tls_cert;
	char *web_tls_key;
	long web_session_timeout_ms;
	char *web_url;
	int web_mta;			/* enum conf_mta */
	char *web_postfix_config_dir;
	char *web_postsuper;
	char *web_postconf;
	char *web_sendmail;
	char *web_sendmail_queue;
	long invoice_detail_retention_ms;
};

/* conf_check_fn - a further check of a value that has the right type: 0, or -1 with the
 * reason in why (conf_check.h holds them) */
typedef int conf_check_fn(const char *value, char *why, size_t whylen);

struct conf_key {
	const char *name;
	enum conf_type type;
	const char *def;		/* default, written as in the file */
	const char *choices;		/* CONF_ENUM: the words, separated by '|' */
	size_t offset;			/* of the field in struct ps_conf */
	size_t text_offset;		/* CONF_NETWORKS: of the text field, else 0 */
	const char *help;		/* one line for the sample config and the man page */
	conf_check_fn *check;		/* or NULL */
};

extern const struct conf_key conf_keys[];
extern const size_t conf_nkeys;

/*
 * conf_load - read and check a config file. Returns new settings the caller frees with
 * conf_free(), or NULL with one line in err: "FILE:LINE: key: reason".
 */
struct ps_conf *conf_load(const char *path, char *err, size_t errlen);
/* conf_defaults - the settings with every key at its default */
struct ps_conf *conf_defaults(void);
struct ps_conf *conf_free(struct ps_conf *conf);
/* conf_key_find - the table entry of a key, or NULL */
const struct conf_key *conf_key_find(const char *name);
/* conf_value.c: the value syntaxes */
/* conf_parse_size - "25M" -> bytes; 0 or -1 */
int conf_parse_size(const char *s, size_t *out);
/* conf_parse_duration - "250ms", "2s", "5m" -> milliseconds; 0 or -1 */
int conf_parse_duration(const char *s, long *out);
/* conf_pair_lookup - in a list of key=value entries, the value for key (compared without
 * case; an entry "*.domain" matches subdomains), or NULL */
const char *conf_pair_lookup(const struct conf_list *list, const char *key, size_t *len);
/* conf_list_has - 1 when list holds word, compared without case */
int conf_list_has(const struct conf_list *list, const char *word);

#endif

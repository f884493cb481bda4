/*
 * submit.h - hand a finished message to the mail system: SMTP through libcurl, or the
 * MTA's sendmail(1).
 *
 * An I/O module (sockets, fork/exec), kept apart from the store: the mailer decides
 * what to send and records the outcome. Results are classified so the mailer knows
 * whether to retry: SUBMIT_TEMP for 4xx replies, refused connections, timeouts and
 * sendmail's EX_TEMPFAIL; SUBMIT_PERM for 5xx replies and sendmail's permanent exit
 * codes. The error line carries the server's reply text (made printable).
 */
#ifndef PS_SUBMIT_H
#define PS_SUBMIT_H

#include <stddef.h>

enum submit_status {
	SUBMIT_OK = 0,
	SUBMIT_TEMP = 1,	/* try again later */
	SUBMIT_PERM = 2		/* will not succeed as is: record it */
};

enum submit_tls {
	SUBMIT_TLS_NONE = 0,	/* plain SMTP */
	SUBMIT_TLS_TRY,		/* STARTTLS when offered */
	SUBMIT_TLS_REQUIRE	/* STARTTLS or fail (SUBMIT_TEMP) */
};

struct submit_opts {
	const char *url;		/* "smtp://host:port" or "smtps://..."; NULL with sendmail */
	const char *helo;		/* EHLO name; NULL: libcurl's default */
	enum submit_tls tls;
	int tls_verify;			/* verify the server certificate (1) */
	const char *user;		/* AUTH user, NULL for none */
	const char *password;
	long timeout_sec;		/* per message, connect included (60) */
	const char *sendmail_path;	/* set: pipe to "PATH -i -f sender -- rcpts" instead */
};

struct submit;

/* submit_opts_init - defaults: no TLS, verify on, 60 s, no AUTH */
void submit_opts_init(struct submit_opts *opts);

/* submit_new - a submitter; keeps one libcurl handle (and its connection) across
 * messages. The strings in opts are copied. NULL with err if libcurl cannot start. */
struct submit *submit_new(const struct submit_opts *opts, char *err, size_t errlen);

/* submit_free - close the connection; returns NULL */
struct submit *submit_free(struct submit *s);

/*
 * submit_send - send len bytes of msg (CRLF line ends) from envelope sender to the
 * nrcpts addresses in rcpts. All recipients or none: a refused recipient fails the
 * message. Returns the classification; on TEMP/PERM err holds one line such as
 * "smtp://127.0.0.1:2525: RCPT TO: 550 5.1.1 <x@y>: Recipient address rejected".
 */
enum submit_status submit_send(struct submit *s, const char *sender,
			       const char *const *rcpts, size_t nrcpts,
			       const char *msg, size_t len, char *err, size_t errlen);

/* submit_status_name - "ok", "temporary", "permanent" */
const char *submit_status_name(enum submit_status st);

#endif

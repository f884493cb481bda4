/*
 * outbox.h - where postsale-mailer puts a finished message: submission through
 * lib/submit (SMTP through libcurl, one connection reused, or sendmail(1)), or, in a
 * dry run, a numbered .eml file in a directory, sending nothing.
 *
 * The messages are ours (built by invite_mime or the digest); the name hint and the
 * addresses come from the store and are only used after cleaning.
 */
#ifndef PS_OUTBOX_H
#define PS_OUTBOX_H

#include <stddef.h>

#include "conf/conf.h"
#include "compose/submit.h"

struct outbox;

/*
 * outbox_new - an outbox for the submission settings of conf (submit-url,
 * submit-starttls, submit-user, submit-password, submit-timeout, submit-sendmail), or,
 * when dry_run_dir is not NULL, one that writes DIR/NNN-<name_hint>.eml (the directory
 * is created when missing). NULL with one line in err when it cannot start.
 * The caller frees it with outbox_free().
 */
struct outbox *outbox_new(const struct ps_conf *conf, const char *dry_run_dir,
			  char *err, size_t errlen);

/*
 * outbox_send - send len bytes of msg (CRLF line ends) from the envelope sender to the
 * n addresses in rcpts. In a dry run the message is written as DIR/NNN-<hint>.eml (hint
 * cleaned to [A-Za-z0-9@._+-], NULL: "message"; NNN counts from 001 past any file
 * already there) and SUBMIT_OK is returned. Otherwise the classification of
 * submit_send(): SUBMIT_TEMP or SUBMIT_PERM with one line in err.
 */
enum submit_status outbox_send(struct outbox *ob, const char *sender,
			       const char *const *rcpts, size_t n,
			       const char *msg, size_t len, const char *name_hint,
			       char *err, size_t errlen);

/* outbox_is_dry_run - 1 when the outbox writes files and sends nothing: the caller
 * then records nothing as sent */
int outbox_is_dry_run(const struct outbox *ob);

/* outbox_sent - how many messages were handed over (or written) successfully */
unsigned long outbox_sent(const struct outbox *ob);

/* outbox_free - close the connection; accepts NULL, returns NULL */
struct outbox *outbox_free(struct outbox *ob);

#endif

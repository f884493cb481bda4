/*
 * priv.h - postsale-web's privileged side, in the style of OpenSMTPD's privilege
 * separation: a process that keeps root and answers exactly two requests over a
 * socketpair from the HTTP side, "release QUEUEID" and "discard QUEUEID". Anything
 * else is refused and logged.
 *
 * Before it runs the MTA's command (execve, no shell, an empty environment but PATH)
 * it checks that the id is well-formed for the MTA, that the message is in the hold
 * queue (a regular file QUEUE_DIRECTORY/hold/ID for Postfix, QUEUE/hfID for Sendmail),
 * and that the journal holds a held invoice with that queue id (read as the
 * unprivileged user, so that SQLite's files stay that user's).
 */
#ifndef PS_WEB_PRIV_H
#define PS_WEB_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#include "conf/conf.h"
#include "compose/mta.h"

#define PRIV_MSG_MAX 512

struct priv_conf {
	const struct ps_conf *conf;
	enum mta_kind kind;
	char *queue_dir;		/* Postfix's queue_directory, or Sendmail's queue */
	uid_t uid;			/* the unprivileged user, for reading the journal */
	gid_t gid;
};

/* priv_serve - answer requests on fd until the HTTP side closes it; returns 0 */
int priv_serve(int fd, const struct priv_conf *pc);
/*
 * priv_answer - the answer to one request (a line of at most PRIV_MSG_MAX bytes) into
 * reply: "ok: ...", "refused: ..." or "failed: ..."; exposed for the HTTP side's
 * tests of the refusals
 */
void priv_answer(const struct priv_conf *pc, const char *req, size_t len, char *reply, size_t replylen);
/*
 * priv_request - the HTTP side's call: send op and qid over fd and wait for the answer
 * (reply, NUL-terminated). 0 when the answer starts with "ok", 1 refused or failed, -1
 * when the privileged side cannot be reached (reply says so).
 */
int priv_request(int fd, enum mta_op op, const char *qid, char *reply, size_t replylen);

#endif

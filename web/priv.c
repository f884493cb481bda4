/*
 * priv.c - the privileged side of postsale-web and the HTTP side's client of it
 * (priv.h).
 *
 * SECURITY: the requests come from the HTTP side, which an attacker may control
 * completely. Nothing of a request reaches a shell; the id reaches an argv and a path
 * only after mta_queue_id_valid(); the journal is read with the unprivileged user's
 * effective ids; every request and every refusal is logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/log.h"
#include "priv.h"
#include "store/store_console.h"
#include "util/xalloc.h"

/* journal_holds - does the journal hold a held invoice with queue id qid? 1, 0, or -1
 * with why (the store cannot be read) */
static int
journal_holds(const struct priv_conf *pc, const char *qid, char *why, size_t whylen)
{
	int root = geteuid() == 0, found = -1;
	struct store *st;
	long long id;

	if (root && (setegid(pc->gid) != 0 || seteuid(pc->uid) != 0)) {
		snprintf(why, whylen, "cannot take the user's ids to read the journal: %s", strerror(errno));
		if (seteuid(0) != 0 || setegid(0) != 0)
			abort();
		return -1;
	}
	st = store_open(pc->conf->database, pc->conf->database_timeout_ms, STORE_READONLY, why, whylen);
	if (st != NULL)
		found = console_held_invoice(st, qid, &id, why, whylen);
	store_close(st);
	if (root && (seteuid(0) != 0 || setegid(0) != 0))
		abort();	/* cannot happen: the saved set-user-id is root */
	return found;
}

/* in_hold_queue - is qid's file in the hold queue (a regular file)? */
static int
in_hold_queue(const struct priv_conf *pc, const char *qid)
{
	char *path = mta_hold_path(pc->kind, pc->queue_dir, qid);
	struct stat sb;
	int ok = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode);

	free(path);
	return ok;
}

/* run - execve argv with stdin from /dev/null and stderr captured into out; its exit
 * status (0..255), or -1 with out saying why */
static int
run(const char **argv, char *out, size_t outlen)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int pipefd[2], status;
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		snprintf(out, outlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(out, outlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 ||
		    dup2(pipefd[1], 2) < 0)
			_exit(126);
		execve(argv[0], (char *const *) argv, envp);
		dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	while (got + 1 < outlen && (n = read(pipefd[0], out + got, outlen - got - 1)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		got += (size_t) n;
	}
	out[got] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(out, outlen, "waitpid: %s", strerror(errno));
			return -1;
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void
priv_answer(const struct priv_conf *pc, const char *req, size_t len, char *reply, size_t replylen)
{
	char qid[MTA_QID_MAX + 1], why[512], out[512], safe[600], argbuf[64];
	const char *argv[MTA_ARGV_MAX];
	enum mta_op op;
	const char *sp = memchr(req, ' ', len);
	size_t idlen;
	int rc;

	/* "release ID" or "discard ID", nothing else */
	if (sp == NULL || (size_t) (sp - req) != 7 ||
	    (strncmp(req, "release", 7) != 0 && strncmp(req, "discard", 7) != 0) ||
	    (idlen = len - 8) == 0 || idlen > MTA_QID_MAX || memchr(sp + 1, '\0', idlen) != NULL) {
		log_printable(safe, 80, req, len);
		log_msg(LOG_WARNING, NULL, "privileged side: refused a request that is not release or discard: %s", safe);
		snprintf(reply, replylen, "refused: not a request this side answers");
		return;
	}
	op = req[0] == 'r' ? MTA_RELEASE : MTA_DISCARD;
	memcpy(qid, sp + 1, idlen);
	qid[idlen] = '\0';
	if (!mta_queue_id_valid(pc->kind, qid)) {
		log_printable(safe, 80, qid, idlen);
		log_msg(LOG_WARNING, NULL, "privileged side: refused %s of '%s': not a queue id", mta_op_name(op), safe);
		snprintf(reply, replylen, "refused: not a queue id");
		return;
	}
	if (!in_hold_queue(pc, qid)) {
		log_msg(LOG_WARNING, qid, "privileged side: refused %s: the message is not in the hold queue", mta_op_name(op));
		snprintf(reply, replylen, "refused: %s is not in the hold queue", qid);
		return;
	}
	if ((rc = journal_holds(pc, qid, why, sizeof(why))) != 1) {
		if (rc < 0)
			log_msg(LOG_ERR, qid, "privileged side: refused %s: %s", mta_op_name(op), why);
		else
			log_msg(LOG_WARNING, qid, "privileged side: refused %s: the journal holds no held invoice with this queue id", mta_op_name(op));
		snprintf(reply, replylen, "refused: %s", rc < 0 ? "the journal cannot be read" :
		    "the journal holds no held invoice with this queue id");
		return;
	}
	if (mta_argv(pc->kind, &(struct mta_paths){ .postsuper = pc->conf->web_postsuper,
	    .config_dir = pc->conf->web_postfix_config_dir, .sendmail = pc->conf->web_sendmail },
	    op, qid, argv, argbuf, sizeof(argbuf), why, sizeof(why)) != 0) {
		log_msg(LOG_WARNING, qid, "privileged side: refused %s: %s", mta_op_name(op), why);
		snprintf(reply, replylen, "refused: %s", why);
		return;
	}
	rc = run(argv, out, sizeof(out));
	log_printable(safe, sizeof(safe), out, strcspn(out, "\n"));
	if (rc == 0) {
		log_msg(LOG_NOTICE, qid, "privileged side: %s done (%s)", mta_op_name(op), argv[0]);
		snprintf(reply, replylen, "ok: %s", mta_op_name(op) );
	} else {
		log_msg(LOG_ERR, qid, "privileged side: %s failed: %s exited with %d: %s", mta_op_name(op), argv[0], rc, safe);
		snprintf(reply, replylen, "failed: %s exited with %d: %s", argv[0], rc, safe);
	}
}

int
priv_serve(int fd, const struct priv_conf *pc)
{
	char req[PRIV_MSG_MAX], reply[PRIV_MSG_MAX];
	ssize_t n;

	for (;;) {
		n = recv(fd, req, sizeof(req), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* the HTTP side is gone */
		priv_answer(pc, req, (size_t) n, reply, sizeof(reply));
		if (send(fd, reply, strlen(reply), MSG_NOSIGNAL) < 0)
			break;
	}
	return 0;
}

int
priv_request(int fd, enum mta_op op, const char *qid, char *reply, size_t replylen)
{
	char req[PRIV_MSG_MAX];
	int len = snprintf(req, sizeof(req), "%s %s", mta_op_name(op), qid);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (len < 0 || (size_t) len >= sizeof(req) || send(fd, req, (size_t) len, MSG_NOSIGNAL) != len) {
		snprintf(reply, replylen, "failed: the privileged side cannot be reached");
		return -1;
	}
	/* postsuper takes milliseconds; a minute means the other side is stuck */
	if (poll(&pfd, 1, 60000) != 1 || (n = recv(fd, reply, replylen - 1, 0)) <= 0) {
		snprintf(reply, replylen, "failed: the privileged side did not answer");
		return -1;
	}
	reply[n] = '\0';
	return strncmp(reply, "ok", 2) == 0 ? 0 : 1;
}

/*
 * submit.c - hand a finished message to the mail system: SMTP through libcurl, or the
 * MTA's sendmail(1).
 *
 * Trust: the message bytes are ours (built by invite_mime); the envelope addresses come
 * from the store and are checked for characters that would break the SMTP command or
 * the sendmail argument list. The server's replies are untrusted: they are only copied,
 * made printable and bounded, into the error line.
 *
 * One libcurl easy handle lives in struct submit, so that consecutive messages reuse
 * the SMTP connection (libcurl keeps it open and sends RSET/MAIL on it). The server's
 * reply text is taken from libcurl's debug callback (the header-in lines), since
 * libcurl itself reports only the numeric code.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* pipe2, explicit_bzero */
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "submit.h"
#include "util/xalloc.h"
#include "util/text.h"

#define REPLY_MAX 400		/* bytes of server reply kept for the error line */

struct submit {
	struct submit_opts opts;	/* strings owned */
	char *url;			/* url with the HELO name as path */
	CURL *curl;
	char last_cmd[32];		/* the last SMTP verb sent: "RCPT TO" ... */
	char reply[REPLY_MAX];		/* the last reply, printable, lines joined */
	int reply_continues;		/* the last reply line was "250-..." */
	char fail_cmd[32];		/* the first command refused in this transaction */
	char fail_reply[REPLY_MAX];	/* and its reply: QUIT's 221 must not hide it */
	int fail_code;
	const char *data;		/* the message being uploaded */
	size_t data_len, data_off;
};

/* submit_opts_init - defaults: no TLS, verify on, 60 s, no AUTH */
void submit_opts_init(struct submit_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->tls = SUBMIT_TLS_NONE;
	opts->tls_verify = 1;
	opts->timeout_sec = 60;
}

/* submit_status_name - "ok", "temporary", "permanent" */
const char *submit_status_name(enum submit_status st)
{
	return st == SUBMIT_OK ? "ok" : st == SUBMIT_TEMP ? "temporary" : "permanent";
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* printable_copy - append n bytes of s to dst (size dstlen), printable, CR/LF dropped */
static void printable_copy(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t o = strlen(dst);

	if (o + 1 < dstlen)
		text_printable(dst + o, dstlen - o, s, n, TEXT_NOEOL);
}

/* debug_cb - keep the last command verb and the last server reply */
static int debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct submit *s = arg;

	(void) h;
	if (type == CURLINFO_HEADER_OUT) {
		/* the verb only: never the arguments of AUTH (credentials) */
		size_t n = 0;
		if (size >= 9 && strncmp(data, "MAIL FROM", 9) == 0)
			n = 9;
		else if (size >= 7 && strncmp(data, "RCPT TO", 7) == 0)
			n = 7;
		else
			while (n < size && n < 10 && isalpha((unsigned char) data[n]))
				n++;
		memcpy(s->last_cmd, data, n);
		s->last_cmd[n] = 0;
		s->reply[0] = 0;
		s->reply_continues = 0;
	} else if (type == CURLINFO_HEADER_IN) {
		if (!s->reply_continues)
			s->reply[0] = 0;
		else
			printable_copy(s->reply, sizeof(s->reply), " ", 1);
		printable_copy(s->reply, sizeof(s->reply), data, size);
		s->reply_continues = size > 3 && data[3] == '-';
		if (!s->reply_continues && s->fail_code == 0 && size >= 3 &&
		    (data[0] == '4' || data[0] == '5') && isdigit((unsigned char) data[1]) &&
		    isdigit((unsigned char) data[2])) {
			s->fail_code = (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
			memcpy(s->fail_cmd, s->last_cmd, sizeof(s->fail_cmd));
			memcpy(s->fail_reply, s->reply, sizeof(s->fail_reply));
		}
	}
	return 0;
}

/* read_cb - libcurl pulls the message from memory */
static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct submit *s = arg;
	size_t room = size * nitems, left = s->data_len - s->data_off;
	size_t n = left < room ? left : room;

	memcpy(buf, s->data + s->data_off, n);
	s->data_off += n;
	return n;
}

/* submit_new - see submit.h */
struct submit *submit_new(const struct submit_opts *opts, char *err, size_t errlen)
{
	struct submit *s;

	if (opts->sendmail_path == NULL && (opts->url == NULL || *opts->url == 0)) {
		snprintf(err, errlen, "submit: neither an SMTP URL nor a sendmail path");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->opts = *opts;
	s->opts.url = dup_or_null(opts->url);
	s->opts.helo = dup_or_null(opts->helo);
	s->opts.user = dup_or_null(opts->user);
	s->opts.password = dup_or_null(opts->password);
	s->opts.sendmail_path = dup_or_null(opts->sendmail_path);
	if (s->opts.sendmail_path)
		return s;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK || (s->curl = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "submit: libcurl cannot start: %s",
			 curl_easy_strerror(curl_init_rc));
		return submit_free(s);
	}
	/* libcurl takes the EHLO name from the URL's path: smtp://host:port/name */
	if (s->opts.helo && *s->opts.helo) {
		const char *p = strstr(s->opts.url, "://");
		p = p ? strchr(p + 3, '/') : NULL;
		s->url = p ? xstrdup(s->opts.url) : xasprintf("%s/%s", s->opts.url, s->opts.helo);
	} else
		s->url = xstrdup(s->opts.url);

	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_VERBOSE, 1L);	/* for the reply text, below */
	curl_easy_setopt(s->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, s->opts.timeout_sec);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT,
			 s->opts.timeout_sec < 30 ? s->opts.timeout_sec : 30L);
	curl_easy_setopt(s->curl, CURLOPT_USE_SSL,
			 s->opts.tls == SUBMIT_TLS_REQUIRE ? (long) CURLUSESSL_ALL :
			 s->opts.tls == SUBMIT_TLS_TRY ? (long) CURLUSESSL_TRY :
			 (long) CURLUSESSL_NONE);
	curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYPEER, s->opts.tls_verify ? 1L : 0L);
	curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYHOST, s->opts.tls_verify ? 2L : 0L);
	if (s->opts.user) {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, s->opts.user);
		curl_easy_setopt(s->curl, CURLOPT_PASSWORD, s->opts.password ? s->opts.password : "");
	}
	return s;
}

/* submit_free - close the connection; returns NULL */
struct submit *submit_free(struct submit *s)
{
	if (s == NULL)
		return NULL;
	if (s->curl)
		curl_easy_cleanup(s->curl);
	free(s->url);
	free((char *) s->opts.url);
	free((char *) s->opts.helo);
	free((char *) s->opts.user);
	if (s->opts.password) {
		explicit_bzero((char *) s->opts.password, strlen(s->opts.password));
		free((char *) s->opts.password);
	}
	free((char *) s->opts.sendmail_path);
	free(s);
	return NULL;
}

/* envelope_ok - an address fit for "MAIL FROM:<..>" and for argv: no controls,
 * spaces or angle brackets, no leading '-' */
static int envelope_ok(const char *a, int empty_ok)
{
	if (a == NULL || (*a == 0 && !empty_ok) || *a == '-' || strlen(a) > 320)
		return 0;
	for (; *a; a++)
		if ((unsigned char) *a <= ' ' || *a == 0x7f || *a == '<' || *a == '>')
			return 0;
	return 1;
}

/* smtp_send - one message through libcurl */
static enum submit_status smtp_send(struct submit *s, const char *sender,
				    const char *const *rcpts, size_t nrcpts,
				    const char *msg, size_t len, char *err, size_t errlen)
{
	struct curl_slist *list = NULL;
	char *from = xasprintf("<%s>", sender);
	enum submit_status st;
	long code = 0;
	CURLcode rc;

	for (size_t i = 0; i < nrcpts; i++) {
		char *r = xasprintf("<%s>", rcpts[i]);
		struct curl_slist *n = curl_slist_append(list, r);
		free(r);
		if (n == NULL) {
			curl_slist_free_all(list);
			free(from);
			snprintf(err, errlen, "submit: out of memory");
			return SUBMIT_TEMP;
		}
		list = n;
	}
	s->data = msg;
	s->data_len = len;
	s->data_off = 0;
	s->last_cmd[0] = 0;
	s->reply[0] = 0;
	s->reply_continues = 0;
	s->fail_cmd[0] = 0;
	s->fail_reply[0] = 0;
	s->fail_code = 0;
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) len);
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(list);
	free(from);
	s->data = NULL;

	if (rc == CURLE_OK)
		return SUBMIT_OK;
	if (s->fail_code == 0 && code >= 400 && code <= 599) {
		s->fail_code = (int) code;
		memcpy(s->fail_cmd, s->last_cmd, sizeof(s->fail_cmd));
		memcpy(s->fail_reply, s->reply, sizeof(s->fail_reply));
	}
	/* RFC 5321 4.2.1: 5yz is permanent, 4yz transient; no reply at all is transient */
	st = s->fail_code >= 500 ? SUBMIT_PERM : SUBMIT_TEMP;
	if (s->fail_code)
		snprintf(err, errlen, "%s: %s%s%s", s->opts.url, s->fail_cmd,
			 s->fail_cmd[0] ? ": " : "", s->fail_reply);
	else
		snprintf(err, errlen, "%s: %s", s->opts.url, curl_easy_strerror(rc));
	return st;
}

/* sendmail_status - the classification of sendmail's exit status (sysexits.h) */
static enum submit_status sendmail_status(int code)
{
	switch (code) {
	case 0:
		return SUBMIT_OK;
	case EX_USAGE:
	case EX_DATAERR:
	case EX_NOUSER:
	case EX_NOHOST:
	case EX_NOPERM:
		return SUBMIT_PERM;
	default:		/* EX_TEMPFAIL, EX_UNAVAILABLE, EX_OSERR, EX_IOERR, ... */
		return SUBMIT_TEMP;
	}
}

/* write_all_lf - write the message to fd with CRLF turned into LF; -1 on error */
static int write_all_lf(int fd, const char *msg, size_t len)
{
	char buf[8192];
	size_t i = 0;

	while (i < len) {
		size_t n = 0;
		while (i < len && n < sizeof(buf)) {
			if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n') {
				i++;
				continue;
			}
			buf[n++] = msg[i++];
		}
		for (size_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			off += (size_t) w;
		}
	}
	return 0;
}

/* sendmail_send - pipe the message into "PATH -i -f sender -- rcpts" */
static enum submit_status sendmail_send(struct submit *s, const char *sender,
					const char *const *rcpts, size_t nrcpts,
					const char *msg, size_t len, char *err, size_t errlen)
{
	const char *path = s->opts.sendmail_path;
	int in[2], errp[2], status, wrote;
	const char **argv = xcalloc(nrcpts + 6, sizeof(*argv));
	char text[REPLY_MAX] = "";
	sigset_t pipe_set, old_set;
	struct timespec zero = { 0, 0 };
	pid_t pid;
	size_t k = 0;

	argv[k++] = path;
	argv[k++] = "-i";
	argv[k++] = "-f";
	argv[k++] = sender;
	argv[k++] = "--";
	for (size_t i = 0; i < nrcpts; i++)
		argv[k++] = rcpts[i];
	argv[k] = NULL;

	if (pipe2(in, O_CLOEXEC) < 0) {
		free(argv);
		snprintf(err, errlen, "%s: pipe: %s", path, strerror(errno));
		return SUBMIT_TEMP;
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		free(argv);
		snprintf(err, errlen, "%s: pipe: %s", path, strerror(errno));
		return SUBMIT_TEMP;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "%s: fork: %s", path, strerror(errno));
		close(in[0]);
		close(in[1]);
		close(errp[0]);
		close(errp[1]);
		free(argv);
		return SUBMIT_TEMP;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(errp[1], 1);
		dup2(errp[1], 2);
		execv(path, (char *const *) argv);
		_exit(EX_UNAVAILABLE);	/* child of a fork: the only exit in lib/ */
	}
	free(argv);
	close(in[0]);
	close(errp[1]);

	/* A sendmail that dies early must not kill us with SIGPIPE. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
	wrote = write_all_lf(in[1], msg, len);
	close(in[1]);
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old_set, NULL);

	for (;;) {
		char buf[512];
		ssize_t n = read(errp[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (text[0])
			printable_copy(text, sizeof(text), " ", 1);
		printable_copy(text, sizeof(text), buf, (size_t) n);
	}
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errlen, "%s: waitpid: %s", path, strerror(errno));
			return SUBMIT_TEMP;
		}
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s: killed by signal %d%s%s", path, WTERMSIG(status),
			 text[0] ? ": " : "", text);
		return SUBMIT_TEMP;
	}
	if (WEXITSTATUS(status) == 0 && wrote == 0)
		return SUBMIT_OK;
	if (WEXITSTATUS(status) == 0) {
		snprintf(err, errlen, "%s: could not write the message", path);
		return SUBMIT_TEMP;
	}
	snprintf(err, errlen, "%s: exit status %d%s%s", path, WEXITSTATUS(status),
		 text[0] ? ": " : "", text);
	return sendmail_status(WEXITSTATUS(status));
}

/* submit_send - see submit.h */
enum submit_status submit_send(struct submit *s, const char *sender,
			       const char *const *rcpts, size_t nrcpts,
			       const char *msg, size_t len, char *err, size_t errlen)
{
	if (!envelope_ok(sender, 1)) {
		snprintf(err, errlen, "submit: envelope sender \"%.100s\" is not usable",
			 sender ? sender : "");
		return SUBMIT_PERM;
	}
	if (nrcpts == 0) {
		snprintf(err, errlen, "submit: no recipient");
		return SUBMIT_PERM;
	}
	for (size_t i = 0; i < nrcpts; i++)
		if (!envelope_ok(rcpts[i], 0)) {
			snprintf(err, errlen, "submit: recipient \"%.100s\" is not usable",
				 rcpts[i] ? rcpts[i] : "");
			return SUBMIT_PERM;
		}
	if (s->opts.sendmail_path)
		return sendmail_send(s, sender, rcpts, nrcpts, msg, len, err, errlen);
	return smtp_send(s, sender, rcpts, nrcpts, msg, len, err, errlen);
}

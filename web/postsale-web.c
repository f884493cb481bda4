/*
 * postsale-web - the finance console: review, release and discard held invoices in a
 * browser, without root on the mail server.
 *
 * It starts as root and splits in the style of OpenSMTPD: the child, the HTTP side,
 * drops to web-user at once (setgroups, setgid, setuid, and checks that root cannot be
 * regained) and serves HTTP(S) with libmicrohttpd; the parent, the privileged side
 * (priv.c), keeps root and answers only "release ID" and "discard ID" over a
 * socketpair. Postfix's queue_directory and maximal_queue_lifetime are asked of
 * postconf before the split.
 *
 * SECURITY: trusts its command line and the config file (root's); HTTP requests are
 * handled by the unprivileged side only (http.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "util/log.h"
#include "priv.h"
#include "store/store_invoice.h"
#include "store/store_user.h"
#include "web.h"
#include "util/xalloc.h"

#define PROG "postsale-web"

/* usage - the synopsis on fp */
static void
usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " [-c CONFIG] [-f] [-n] [-u USER]\n"
	    "       " PROG " -h | -V\n"
	    "  -c CONFIG  the config file (default " CONF_DEFAULT_PATH ")\n"
	    "  -f         log to stderr instead of syslog\n"
	    "  -n         check the config and the MTA's settings, then exit\n"
	    "  -u USER    the account of the HTTP side (default: web-user)\n"
	    "  -h         this usage; -V the version\n"
	    "See postsale-web(8).\n");
}

/* postconf - ask Postfix's postconf for queue_directory and maximal_queue_lifetime;
 * 0, or -1 with why */
static int
postconf(const struct ps_conf *conf, char **qdir, long *lifetime, char *why, size_t whylen)
{
	const char *argv[] = { conf->web_postconf, "-c", conf->web_postfix_config_dir, "-h",
		"queue_directory", "maximal_queue_lifetime", NULL };
	char out[2048], *nl;
	int pfd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	long ms;

	if (pipe(pfd) != 0 || (pid = fork()) < 0) {
		snprintf(why, whylen, "cannot run %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execve(argv[0], (char *const *) argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	while (got + 1 < sizeof(out) && (n = read(pfd[0], out + got, sizeof(out) - got - 1)) > 0)
		got += (size_t) n;
	out[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || (nl = strchr(out, '\n')) == NULL) {
		snprintf(why, whylen, "%s -c %s failed: is web-postfix-config-dir right?", argv[0], argv[2]);
		return -1;
	}
	*nl = '\0';
	*qdir = xstrdup(out);
	nl[1 + strcspn(nl + 1, "\n")] = '\0';
	/* "5d"; Postfix's bare number means days */
	if (strspn(nl + 1, "0123456789") == strlen(nl + 1)) {
		*lifetime = strtol(nl + 1, NULL, 10) * 86400;
	} else if (conf_parse_duration(nl + 1, &ms) == 0)
		*lifetime = ms / 1000;
	else
		*lifetime = 0;
	return 0;
}

/* read_file - a whole (PEM) file into a new string, or NULL with why */
static char *
read_file(const char *path, char *why, size_t whylen)
{
	FILE *fp = fopen(path, "r");
	struct buf b = { 0 };
	size_t n;
	char chunk[4096];

	if (fp == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && b.len < (1 << 20))
		buf_add(&b, chunk, n);
	fclose(fp);
	if (b.data == NULL) {
		snprintf(why, whylen, "%s: empty", path);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

/* parse_listen - web-listen into a socket address; 0, or -1 */
static int
parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, int *v6)
{
	const char *colon = strrchr(spec, ':');
	char host[64];
	size_t hl = colon ? (size_t) (colon - spec) : 0;
	int port = colon ? atoi(colon + 1) : 0;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL || hl == 0 || hl >= sizeof(host) || port <= 0 || port > 65535)
		return -1;
	if (spec[0] == '[') {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) ss;
		memcpy(host, spec + 1, hl - 2);
		host[hl - 2] = '\0';
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t) port);
		*len = sizeof(*s6);
		*v6 = 1;
		return inet_pton(AF_INET6, host, &s6->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *) ss;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t) port);
	*len = sizeof(*s4);
	*v6 = 0;
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1 ? 0 : -1;
}

/* drop_privileges - become pw for good; 0, or -1 with a message */
static int
drop_privileges(const struct passwd *pw)
{
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		log_msg(LOG_ERR, NULL, "cannot become %s: %s", pw->pw_name, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || seteuid(0) == 0 || getuid() != pw->pw_uid || getgid() != pw->pw_gid) {
		log_msg(LOG_ERR, NULL, "still able to regain root after dropping it; stopping");
		return -1;
	}
	/* and never again through a set-user-id program */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		log_msg(LOG_WARNING, NULL, "prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	return 0;
}

/* http_side - the unprivileged child: serve until SIGTERM; its exit status */
static int
http_side(struct web_ctx *ctx, const struct passwd *pw, char *cert, char *key)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_Daemon *d;
	sigset_t set;
	char err[1024];
	int v6, sig;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (pw != NULL && drop_privileges(pw) != 0)
		return EX_OSERR;
	if ((ctx->st = store_open(ctx->conf->database, ctx->conf->database_timeout_ms, STORE_CREATE,
	    err, sizeof(err))) == NULL) {
		log_msg(LOG_ERR, NULL, "%s", err);
		return EX_UNAVAILABLE;
	}
	if (parse_listen(ctx->conf->web_listen, &ss, &sslen, &v6) != 0) {
		log_msg(LOG_ERR, NULL, "web-listen %s: not ADDRESS:PORT", ctx->conf->web_listen);
		return EX_CONFIG;
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	if (cert != NULL)
		flags |= MHD_USE_TLS;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* MHD's thread inherits it */
	d = MHD_start_daemon(flags, 0, NULL, NULL, web_access, ctx,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &ss,
	    MHD_OPTION_NOTIFY_COMPLETED, web_completed, ctx,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned) 64,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned) 16,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned) 30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 64 * 1024,
	    cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
	    MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_END);
	if (key != NULL)
		explicit_bzero(key, strlen(key));
	if (d == NULL) {
		log_msg(LOG_ERR, NULL, "cannot listen on %s%s (in use? libmicrohttpd without TLS?)",
		    ctx->conf->web_listen, cert ? " with TLS" : "");
		return EX_UNAVAILABLE;
	}
	log_msg(LOG_INFO, NULL, "finance console listening on %s (%s) as %s", ctx->conf->web_listen,
	    cert ? "https" : "http", pw ? pw->pw_name : "the invoking user");
	/* at start, hourly and on SIGHUP: drop the figures past their retention, on a
	 * connection of this thread's own (ctx->st belongs to libmicrohttpd's thread) */
	for (;;) {
		struct store *own = store_open(ctx->conf->database, ctx->conf->database_timeout_ms, 0,
		    err, sizeof(err));
		if (own == NULL || journal_prune_figures(own, time(NULL) -
		    ctx->conf->invoice_detail_retention_ms / 1000, err, sizeof(err)) < 0)
			log_msg(LOG_WARNING, NULL, "%s", err);
		store_close(own);
		sig = sigtimedwait(&set, NULL, &(struct timespec){ .tv_sec = 3600 });
		if (sig > 0 && sig != SIGHUP)
			break;
	}
	MHD_stop_daemon(d);
	ctx->st = store_close(ctx->st);
	log_msg(LOG_INFO, NULL, "stopped");
	return EX_OK;
}

static volatile sig_atomic_t child_pid;

/* forward - pass SIGTERM and SIGINT on to the HTTP side */
static void
forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t) child_pid, sig);
}

int
main(int argc, char **argv)
{
	const char *path = CONF_DEFAULT_PATH, *user = NULL;
	struct web_ctx ctx = { 0 };
	struct priv_conf pc = { 0 };
	struct passwd *pw = NULL;
	char err[1024], *cert = NULL, *key = NULL;
	int opt, foreground = 0, check = 0, sv[2], status = 0;
	pid_t pid;

	while ((opt = getopt(argc, argv, "c:fhnu:V")) != -1)
		switch (opt) {
		case 'c': path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check = 1; break;
		case 'u': user = optarg; break;
		case 'h': usage(stdout); return EX_OK;
		case 'V': printf(PROG " " PACKAGE_VERSION "\n"); return EX_OK;
		default: usage(stderr); return EX_USAGE;
		}
	if (optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if ((ctx.conf = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, PROG ": %s\n", err);
		return EX_CONFIG;
	}
	log_open(PROG, ctx.conf->syslog_facility, foreground || check);
	log_set_level(ctx.conf->log_level);
	user = user ? user : ctx.conf->web_user;
	pc.conf = ctx.conf;
	pc.kind = ctx.conf->web_mta == CONF_MTA_SENDMAIL ? MTA_SENDMAIL : MTA_POSTFIX;
	if (pc.kind == MTA_POSTFIX) {
		if (postconf(ctx.conf, &pc.queue_dir, &ctx.hold_lifetime, err, sizeof(err)) != 0) {
			log_msg(LOG_ERR, NULL, "%s", err);
			return EX_CONFIG;
		}
	} else
		pc.queue_dir = xstrdup(ctx.conf->web_sendmail_queue);
	if (geteuid() == 0) {
		if ((pw = getpwnam(user)) == NULL || pw->pw_uid == 0) {
			log_msg(LOG_ERR, NULL, "web-user %s %s", user, pw ? "is root: set an unprivileged account" :
			    "does not exist (create it, or set web-user)");
			return EX_CONFIG;
		}
		pc.uid = pw->pw_uid;
		pc.gid = pw->pw_gid;
	} else
		log_msg(LOG_WARNING, NULL, "not started as root: no privilege separation, and the MTA's commands will likely fail");
	if ((ctx.conf->web_tls_cert[0] != '\0') != (ctx.conf->web_tls_key[0] != '\0')) {
		log_msg(LOG_ERR, NULL, "web-tls-cert and web-tls-key go together: set both or neither");
		return EX_CONFIG;
	}
	if (ctx.conf->web_tls_cert[0] != '\0' &&
	    ((cert = read_file(ctx.conf->web_tls_cert, err, sizeof(err))) == NULL ||
	    (key = read_file(ctx.conf->web_tls_key, err, sizeof(err))) == NULL)) {
		log_msg(LOG_ERR, NULL, "%s", err);
		return EX_CONFIG;
	}
	ctx.tls = cert != NULL;
	if (check) {
		printf("%s: ok; %s queue %s, hold lifetime %lds; listen %s%s\n", path,
		    pc.kind == MTA_POSTFIX ? "postfix" : "sendmail", pc.queue_dir, ctx.hold_lifetime,
		    ctx.conf->web_listen, ctx.tls ? " (https)" : "");
		return EX_OK;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
		log_msg(LOG_ERR, NULL, "socketpair: %s", strerror(errno));
		return EX_OSERR;
	}
	if ((pid = fork()) < 0) {
		log_msg(LOG_ERR, NULL, "fork: %s", strerror(errno));
		return EX_OSERR;
	}
	if (pid == 0) {
		close(sv[0]);
		ctx.priv_fd = sv[1];
		_exit(http_side(&ctx, pw, cert, key));
	}
	/* the privileged side: nothing of the HTTP side's secrets stays here */
	close(sv[1]);
	if (key != NULL)
		explicit_bzero(key, strlen(key));
	free(cert);
	free(key);
	child_pid = pid;
	struct sigaction sa = { .sa_handler = forward };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &(struct sigaction){ .sa_handler = forward }, NULL);
	priv_serve(sv[0], &pc);
	close(sv[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(pc.queue_dir);
	conf_free(ctx.conf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : EX_SOFTWARE;
}

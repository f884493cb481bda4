/*
 * postsale-milter - the libmilter filter on the outbound path of Postfix or Sendmail.
 *
 * Start-up: read and check the config, open the socket (as root when started as root),
 * drop to the configured user (root is refused), check the store, detach, and serve.
 * libmilter's own signal thread would stop the filter on SIGHUP, so smfi_main() runs in
 * a thread of its own while the main thread waits for signals: Linux hands a signal sent
 * to the process to the main thread when that thread is waiting for it. SIGHUP reloads
 * the config (a bad file keeps the old one running), SIGTERM and SIGINT stop cleanly:
 * the connections in progress are waited for (at most stop-timeout; while stopping, a
 * new outbound message is deferred), then the listener closes and the process exits.
 * A second thread writes the spool of unrecorded records into the store (replay.c).
 *
 * Trusts: its command line and config file (checked), nothing the MTA sends.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "callbacks.h"
#include "conf/conf.h"
#include "filter/filter.h"
#include "util/log.h"
#include "memkeep.h"
#include "nodelay.h"
#include "replay.h"
#include "runtime.h"
#include "selfcheck.h"
#include "sessions.h"
#include "store/store.h"
#include "record.h"
#include "storepool.h"
#include "util/xalloc.h"
#include "invoice/xmlsafe.h"

#define PROG "postsale-milter"

struct options {
	const char *config;
	const char *socket;		/* -p overrides the config */
	const char *user;		/* -u overrides the config */
	const char *pid_file;		/* -P overrides the config */
	int foreground;
	int debug;
	int check_only;
};

static pthread_t main_thread;
static volatile int milter_result;
static int milter_joined;		/* the milter thread ended before the exit */

/* usage - print the synopsis and exit with status */
static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: " PROG " [-fdnV] [-c config] [-p socket] [-u user] [-P pidfile]\n"
	    "  -c FILE    config file (default " CONF_DEFAULT_PATH ")\n"
	    "  -p SOCKET  listen on unix:PATH, inet:PORT@HOST or inet6:PORT@HOST\n"
	    "  -u USER    run as USER (started as root, it refuses to stay root)\n"
	    "  -P FILE    write the process id to FILE\n"
	    "  -f         stay in the foreground and log to stderr\n"
	    "  -d         debug: -f, and log every decision\n"
	    "  -n         check the config (and the store) and exit\n"
	    "  -V         print the version and exit\n");
	exit(status);
}

/* socket_spec_check - 0 when spec is a socket libmilter understands, else -1 + why */
static int
socket_spec_check(const char *spec, char *why, size_t whylen)
{
	const char *rest;
	char *end;
	long port;

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		rest = strchr(spec, ':') + 1;
		if (*rest != '/') {
			snprintf(why, whylen, "socket %s: the path must be absolute", spec);
			return -1;
		}
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0 || strncmp(spec, "inet6:", 6) == 0) {
		rest = strchr(spec, ':') + 1;
		port = strtol(rest, &end, 10);
		if (end == rest || port < 1 || port > 65535 || (*end != '\0' && *end != '@')) {
			snprintf(why, whylen, "socket %s: expected inet:PORT@HOST with a port from 1 to 65535", spec);
			return -1;
		}
		return 0;
	}
	if (spec[0] == '/')
		return 0;
	snprintf(why, whylen, "socket %s: expected unix:PATH, inet:PORT@HOST or inet6:PORT@HOST", spec);
	return -1;
}

/* drop_privileges - become user when running as root; 0, or -1 with a message */
static int
drop_privileges(const char *user, const char *sockpath)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		fprintf(stderr, PROG ": user %s does not exist (create it, or set user in the config)\n", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr, PROG ": refusing to run as root: set user to an unprivileged account\n");
		return -1;
	}
	if (sockpath != NULL && chown(sockpath, pw->pw_uid, pw->pw_gid) != 0)
		fprintf(stderr, PROG ": warning: chown %s: %s\n", sockpath, strerror(errno));
	if (setgroups(0, NULL) != 0 || initgroups(user, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, PROG ": cannot become %s: %s\n", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		fprintf(stderr, PROG ": still able to regain root after dropping it; stopping\n");
		return -1;
	}
	return 0;
}

/* check_store - open (creating if needed) the store; 0, or -1 with the reason in err */
static int
check_store(const struct ps_conf *conf, char *err, size_t errlen)
{
	struct store *st = store_open(conf->database, conf->database_timeout_ms, STORE_CREATE,
	    err, errlen);

	if (st == NULL)
		return -1;
	store_close(st);
	return 0;
}

/* write_pid_file - write our pid to path; 0 or -1 */
static int
write_pid_file(const char *path)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fprintf(fp, "%ld\n", (long) getpid()) < 0 || fclose(fp) != 0) {
		log_msg(LOG_ERR, NULL, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* milter_thread - run libmilter's loop; tell the main thread when it ends */
static void *
milter_thread(void *arg)
{
	(void) arg;
	milter_result = smfi_main();
	pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

/* stopper - close libmilter's listener; it can take a few seconds (libmilter notices
 * between two polls of its socket), so the stop does not wait for it */
static void *
stopper(void *arg)
{
	(void) arg;
	smfi_stop();
	return NULL;
}

/*
 * drain - stop: wait for the connections in progress, at most stop-timeout, then close
 * the listener and wait for the milter thread (tid) within what is left of it, plus a
 * second. The listener stays open while the sessions finish: Debian's libmilter hands
 * sessions to a pool of workers that smfi_stop() tears down, so it would cut them off.
 * Meanwhile a new connection is not waited for, and its outbound mail is deferred at
 * MAIL FROM (callbacks.c).
 */
static void
drain(pthread_t tid)
{
	struct conf_ref *ref = runtime_get_conf();
	long timeout = ref->conf->stop_timeout_ms;
	long long start = store_clock_ms();
	struct timespec until;
	pthread_t stop_tid;
	int left;

	runtime_put_conf(ref);
	sessions_stop();
	if ((left = sessions_count()) > 0)
		log_msg(LOG_INFO, NULL, "waiting up to %ld ms (stop-timeout) for %d session(s) in progress",
		    timeout, left);
	left = sessions_wait(timeout);
	if (left > 0)
		log_msg(LOG_WARNING, NULL, "stop-timeout ran out with %d session(s) still open;"
		    " the MTA treats what they still send as if the filter were down"
		    " (milter_default_action)", left);
	else
		log_msg(LOG_INFO, NULL, "no session in progress: stopping");
	if (pthread_create(&stop_tid, NULL, stopper, NULL) == 0)
		pthread_detach(stop_tid);
	/* Time for the listener to close, when it can (then main frees what it holds);
	 * otherwise the process leaves without it, within the stop-timeout or so. */
	timeout -= (long) (store_clock_ms() - start);
	timeout = timeout < 500 ? 500 : timeout > 2000 ? 2000 : timeout;
	sessions_time_after(CLOCK_REALTIME, timeout, &until);
	milter_joined = pthread_timedjoin_np(tid, NULL, &until) == 0;
}

/* serve - run the filter until a stop signal or the end of smfi_main(); exit status */
static int
serve(const char *config_path)
{
	sigset_t set;
	pthread_t tid;
	int sig, status;
	char err[1024], note[256];

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	main_thread = pthread_self();
	if (pthread_create(&tid, NULL, milter_thread, NULL) != 0) {
		log_msg(LOG_ERR, NULL, "cannot start the milter thread: %s", strerror(errno));
		return EX_OSERR;
	}
	if (replay_start() != 0)
		log_msg(LOG_ERR, NULL, "cannot start the replay thread: unrecorded records wait"
		    " for postsalectl unrecorded replay");
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			if (runtime_reload(config_path, err, sizeof(err), note, sizeof(note)) != 0)
				log_msg(LOG_ERR, NULL, "reload failed, the previous config stays in force: %s", err);
			else if (note[0] != '\0')
				log_msg(LOG_WARNING, NULL, "config %s reloaded; a change of %s takes a restart",
				    config_path, note);
			else
				log_msg(LOG_INFO, NULL, "config %s reloaded", config_path);
			continue;
		}
		if (sig == SIGUSR1) {		/* smfi_main() ended by itself */
			pthread_join(tid, NULL);
			milter_joined = 1;
			log_msg(milter_result == MI_SUCCESS ? LOG_INFO : LOG_ERR, NULL,
			    "milter loop ended (%s)", milter_result == MI_SUCCESS ? "ok" : "failure");
			status = milter_result == MI_SUCCESS ? EX_OK : EX_SOFTWARE;
		} else {
			log_msg(LOG_INFO, NULL, "stopping on signal %d: new outbound mail is deferred", sig);
			drain(tid);
			status = EX_OK;
		}
		replay_stop();
		storepool_close_all();
		record_close();
		return status;
	}
}

/* parse_options - the command line into *opt; -V, -h and a bad option exit here */
static void
parse_options(int argc, char **argv, struct options *opt)
{
	int ch;

	while ((ch = getopt(argc, argv, "c:p:u:P:fdnVh")) != -1) {
		switch (ch) {
		case 'c': opt->config = optarg; break;
		case 'p': opt->socket = optarg; break;
		case 'u': opt->user = optarg; break;
		case 'P': opt->pid_file = optarg; break;
		case 'f': opt->foreground = 1; break;
		case 'd': opt->debug = opt->foreground = 1; break;
		case 'n': opt->check_only = 1; break;
		case 'V': printf(PROG " " PACKAGE_VERSION "\n"); exit(EX_OK);
		case 'h': usage(EX_OK); break;
		default: usage(EX_USAGE);
		}
	}
	if (optind != argc)
		usage(EX_USAGE);
}

/* check_config - -n: the templates, the keys and the installation of conf, as user
 * on socket; the exit status */
static int
check_config(const char *path, const struct ps_conf *conf, const char *user, const char *socket)
{
	char err[1024];
	struct filter_ctx *fc = filter_ctx_new(conf, err, sizeof(err));
	int problems;

	if (fc == NULL) {
		fprintf(stderr, PROG ": %s\n", err);
		return EX_CONFIG;
	}
	filter_ctx_free(fc);
	/* Only look (selfcheck.c): opening the database as root would leave root's
	 * files in it. */
	problems = selfcheck_keys(conf, selfcheck_say_stderr) +
	    selfcheck_install(conf, user, socket, selfcheck_say_stderr);
	if (problems > 0) {
		fprintf(stderr, PROG ": %s: %d problem%s to fix before the filter runs\n",
		    path, problems, problems == 1 ? "" : "s");
		return EX_CONFIG;
	}
	printf(PROG ": %s: config is valid\n", path);
	return EX_OK;
}

/* listen_on - register the callbacks and open socket (as root when started so); 0 or
 * an exit status; *sockpath: the file of a unix socket (NULL for inet) */
static int
listen_on(const char *socket, const char **sockpath)
{
	*sockpath = NULL;
	if (memkeep_arenas() != 0)	/* no threads yet (memkeep.c) */
		log_msg(LOG_WARNING, NULL, "malloc refused its thresholds: freed memory goes back"
		    " to the kernel after each message");
	if (smfi_setconn((char *) socket) != MI_SUCCESS ||
	    smfi_register(*callbacks_desc()) != MI_SUCCESS) {
		fprintf(stderr, PROG ": cannot set up libmilter for %s\n", socket);
		return EX_SOFTWARE;
	}
	errno = 0;
	if (smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, PROG ": cannot listen on %s: %s\n", socket,
		    errno ? strerror(errno) : "the address is in use or not allowed");
		return EX_UNAVAILABLE;
	}
	nodelay_listeners();	/* a changed message's replies go out at once (nodelay.c) */
	if (strncmp(socket, "unix:", 5) == 0 || strncmp(socket, "local:", 6) == 0)
		*sockpath = strchr(socket, ':') + 1;
	else if (socket[0] == '/')
		*sockpath = socket;
	if (*sockpath != NULL)
		chmod(*sockpath, 0660);	/* the MTA's user joins our group to connect */
	return 0;
}

/* startup_store - open the store once (creating it) and check its files: a store we
 * cannot open does not stop mail (each message that needs it then follows on-error),
 * but the admin is told now, where they are looking */
static void
startup_store(const char *user, int foreground)
{
	struct conf_ref *ref = runtime_get_conf();
	char err[1024], *warning = NULL;

	if (check_store(ref->conf, err, sizeof(err)) != 0)
		warning = xstrdup(err);
	else if (selfcheck_store(ref->conf, selfcheck_say_log) > 0 && !foreground)
		fprintf(stderr, PROG ": error: the store is not writable by %s (the log says which file)\n", user);
	runtime_put_conf(ref);
	if (warning != NULL) {
		fprintf(stderr, PROG ": warning: store: %s; messages that need it follow on-error\n",
		    warning);
		log_msg(LOG_WARNING, NULL, "store: %s; messages that need it follow on-error", warning);
		free(warning);
	}
}

/* take_conf - start logging as conf says and hand conf to the runtime (which owns it
 * from here: a reload may free it); 0, or an exit status (conf freed) */
static int
take_conf(struct ps_conf *conf, const struct options *opt, int *local_domains_empty,
    int *on_error_tempfail)
{
	char err[1024];

	log_open(PROG, conf->syslog_facility, opt->foreground);
	log_set_level(opt->debug ? LOG_DEBUG : conf->log_level);
	*local_domains_empty = conf->local_domains.n == 0;
	*on_error_tempfail = conf->on_error == CONF_ON_ERROR_TEMPFAIL;
	if (runtime_set_conf(conf, err, sizeof(err)) != 0) {	/* it freed conf */
		fprintf(stderr, PROG ": %s\n", err);
		return EX_CONFIG;
	}
	return 0;
}

/* detach - into the background (unless in the foreground), with the pid file; 0 or
 * an exit status */
static int
detach(const struct options *opt, const char *pid_file)
{
	if (!opt->foreground && daemon(0, 0) != 0) {
		fprintf(stderr, PROG ": cannot detach: %s\n", strerror(errno));
		return EX_OSERR;
	}
	if (pid_file != NULL && *pid_file != '\0' && write_pid_file(pid_file) != 0 &&
	    !opt->foreground)
		return EX_CANTCREAT;
	return 0;
}

int
main(int argc, char **argv)
{
	struct options opt = {.config = CONF_DEFAULT_PATH};
	struct ps_conf *conf;
	char *socket, *user, *pid_file, err[1024];
	const char *sockpath = NULL;
	int status, local_domains_empty, on_error_tempfail;

	umask(007);	/* the store and the pid file are never others' to read */
	parse_options(argc, argv, &opt);
	if ((conf = conf_load(opt.config, err, sizeof(err))) == NULL) {
		fprintf(stderr, PROG ": %s\n", err);
		return EX_CONFIG;
	}
	/* Copies: a reload frees conf, and these are used until exit. */
	socket = xstrdup(opt.socket ? opt.socket : conf->socket);
	user = xstrdup(opt.user ? opt.user : conf->user);
	pid_file = xstrdup(opt.pid_file ? opt.pid_file : conf->pid_file);
	if (socket_spec_check(socket, err, sizeof(err)) != 0) {
		fprintf(stderr, PROG ": %s\n", err);
		status = EX_CONFIG;
		goto out;
	}
	xmlsafe_init();
	if (opt.check_only) {
		status = check_config(opt.config, conf, user, socket);
		goto out;
	}
	status = take_conf(conf, &opt, &local_domains_empty, &on_error_tempfail);
	conf = NULL;			/* the runtime's now (or freed) */
	if (status != 0 || (status = listen_on(socket, &sockpath)) != 0)
		goto out;
	if (drop_privileges(user, sockpath) != 0) {
		status = EX_NOPERM;
		goto out;
	}
	startup_store(user, opt.foreground);
	if ((status = detach(&opt, pid_file)) != 0)
		goto out;
	if (local_domains_empty)
		log_msg(LOG_WARNING, NULL, "local-domains is empty: every recipient counts as external");
	log_msg(LOG_INFO, NULL, "starting on %s with %s, on-error %s", socket, opt.config,
	    on_error_tempfail ? "tempfail" : "accept");

	status = serve(opt.config);
	if (pid_file != NULL && *pid_file != '\0')
		unlink(pid_file);
	if (sockpath != NULL)
		unlink(sockpath);
	if (!milter_joined)		/* libmilter still runs: free nothing under it */
		_exit(status);
out:
	conf_free(conf);
	runtime_put_conf(runtime_release());
	free(socket);
	free(user);
	free(pid_file);
	return status;
}

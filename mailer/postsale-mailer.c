/*
 * postsale-mailer - the companion of postsale-milter: sends the check-in invitations
 * the journeys schedule, finance's digest of flagged invoices, and the managers' weekly
 * summary of unanswered check-ins.
 *
 *   postsale-mailer [-c CONFIG] [-s] run [--now TIME] [--ahead DURATION] [--dry-run --out DIR]
 *   postsale-mailer [-c CONFIG] [-s] daemon [--ahead DURATION]
 *   postsale-mailer [-c CONFIG] [-s] digest [--now TIME] [--dry-run --out DIR]
 *   postsale-mailer [-c CONFIG] [-s] summary [--now TIME] [--dry-run --out DIR]
 *
 * Trusts its command line and the config (checked at load); the store's rows are
 * handled as untrusted by the modules that build the mail. Exit statuses are sysexits,
 * as for postsalectl and postsale-milter: 0 all done, 69 (EX_UNAVAILABLE) some check-in
 * failed for good, 75 (EX_TEMPFAIL) work left for a later run (a server down, a locked
 * database), 64 usage, 78 a bad config, 77 a store this user cannot write, 66 no store
 * directory, 65 a store that is no database, 73 a dry-run directory it cannot create.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "util/timetext.h"
#include "digest.h"
#include "digest_schedule.h"
#include "util/log.h"
#include "outbox.h"
#include "util/privdrop.h"
#include "send_checkins.h"
#include "summary.h"
#include "store/store.h"
#include "store/store_exit.h"
#include "note/tmpl.h"
#include "util/xalloc.h"

static volatile sig_atomic_t got_term, got_hup;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
}

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: postsale-mailer [-c CONFIG] [-s] run [--now TIME] [--ahead DURATION] [--dry-run --out DIR]\n"
	    "       postsale-mailer [-c CONFIG] [-s] daemon [--ahead DURATION]\n"
	    "       postsale-mailer [-c CONFIG] [-s] digest [--now TIME] [--dry-run --out DIR]\n"
	    "       postsale-mailer [-c CONFIG] [-s] summary [--now TIME] [--dry-run --out DIR]\n"
	    "       postsale-mailer -h | --help | -V | --version\n"
	    "TIME: 2026-11-29, \"2026-11-29 10:30\" (UTC), 2026-11-29T10:30:00+01:00 or @UNIX.\n"
	    "See postsale-mailer(8).\n");
}

struct run_args {
	time_t now;			/* 0: the clock */
	long ahead;			/* seconds */
	const char *out;		/* dry-run directory */
	int dry_run;
	int digest_orphaned;		/* the digest: only what a lapsed claim left */
	time_t digest_slot;		/* the digest's scheduled time (0: none) */
};

/* lock_mailer - an exclusive lock beside the database, so that two mailers never work
 * the same store at once; the fd (kept open), or -1 after logging why */
static int
lock_mailer(const char *database)
{
	char *path = xasprintf("%s.mailer-lock", database);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		log_msg(LOG_ERR, NULL, "%s: %s", path, strerror(errno));
	} else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		log_msg(LOG_ERR, NULL, "%s: another postsale-mailer is working on this database; try later", path);
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/*
 * describe_load - the checkin template of the config's note-language (else English)
 * from note-templates: 0 with *set owning *describe, or both NULL after logging why
 * the invitations carry the built-in English description (no such template, or the
 * default directory is not installed); -1 after logging a template error (file:line)
 * or an unreadable configured directory.
 */
static int
describe_load(const struct ps_conf *conf, tmpl_set **set, const tmpl **describe)
{
	const char *dir = conf->note_templates[0] ? conf->note_templates : PKGDATADIR "/templates";
	const tmpl *html;
	struct stat sb;
	char err[1024];

	*set = NULL;
	*describe = NULL;
	if (conf->note_templates[0] == '\0' && stat(dir, &sb) != 0) {
		log_msg(LOG_NOTICE, NULL, "%s: %s: invitations carry the built-in English description",
		    dir, strerror(errno));
		return 0;
	}
	if ((*set = tmpl_set_load_kind(dir, TMPL_KIND_CHECKIN, tmpl_checkin_names, err,
	    sizeof(err))) == NULL) {
		log_msg(LOG_ERR, NULL, "note-templates: %s", err);
		return -1;
	}
	if (tmpl_set_pick(*set, TMPL_KIND_CHECKIN, conf->note_language, describe, &html) != 0 ||
	    *describe == NULL) {
		char want[128];
		snprintf(want, sizeof(want), "%s.%s.txt", TMPL_KIND_CHECKIN, conf->note_language);
		if (strcmp(conf->note_language, TMPL_LANG_FALLBACK) != 0)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), " nor %s.%s.txt",
			    TMPL_KIND_CHECKIN, TMPL_LANG_FALLBACK);
		log_msg(LOG_NOTICE, NULL, "%s holds no %s: invitations carry the built-in English description",
		    dir, want);
		*set = tmpl_set_free(*set);
		*describe = NULL;
	} else
		log_msg(LOG_INFO, NULL, "invitation descriptions from %s", tmpl_get_name(*describe));
	return 0;
}

/* store_trouble - the exit status of a pass that failed: what the store says (77 it
 * became read-only ...), else 75, work left for a later run (the server, a lock) */
static int
store_trouble(struct store *st)
{
	int status = store_exit_db(st);

	return status == EX_SOFTWARE ? EX_TEMPFAIL : status;
}

enum mailer_job { JOB_CHECKINS, JOB_DIGEST, JOB_SUMMARY };

/* run_summary - the managers' summaries; an exit status */
static int
run_summary(const struct ps_conf *conf, struct store *st, struct outbox *ob, time_t now,
	    int dry_run)
{
	struct summary_counts sc;
	char err[1024];

	if (mailer_summary(conf, st, ob, now, &sc, err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, NULL, "summary: %s", err);
		return EX_TEMPFAIL;
	}
	log_msg(sc.sent || sc.failed || sc.held ? LOG_NOTICE : LOG_INFO, NULL,
	    "summaries: %lu sent%s, %lu not yet due, %lu failed, %lu held by another mailer",
	    sc.sent, dry_run ? " (dry run: written to files, nothing marked)" : "", sc.recent,
	    sc.failed, sc.held);
	return sc.failed > 0 || sc.held > 0 ? EX_TEMPFAIL : EX_OK;
}

/* run_digest - finance's digest; an exit status, *held set when another mailer's claim
 * holds it (75 then) */
static int
run_digest(const struct ps_conf *conf, struct store *st, struct outbox *ob, time_t now,
	   const struct run_args *a, int *held)
{
	char err[1024];
	int rc = mailer_digest_mode(conf, st, ob, now, a->digest_orphaned, a->digest_slot, err,
	    sizeof(err));

	if (rc < 0) {
		log_msg(LOG_ERR, NULL, "digest: %s", err);
		return store_trouble(st);
	}
	log_msg(LOG_NOTICE, NULL, "%s", err);
	if (held != NULL)
		*held = rc > 0;
	return rc > 0 ? EX_TEMPFAIL : EX_OK;
}

/* run_once - one pass of the check-ins, the digest (*digest_held: another mailer's
 * claim held it) or the summaries; an exit status */
static int
run_once(const struct ps_conf *conf, const tmpl *describe, const struct run_args *a,
	 enum mailer_job job, int *digest_held)
{
	struct store *st;
	struct outbox *ob;
	struct mailer_counts counts = { 0, 0, 0 };
	char err[1024];
	time_t now = a->now ? a->now : time(NULL);
	int lockfd = -1, status = EX_OK;

	if (!a->dry_run && (lockfd = lock_mailer(conf_state_base(conf))) < 0)
		return EX_TEMPFAIL;
	st = store_open(conf->database, conf->database_timeout_ms, STORE_CREATE, err, sizeof(err));
	if (st == NULL) {
		log_msg(LOG_ERR, NULL, "%s", err);
		status = conf_database_is_uri(conf) ? EX_TEMPFAIL :
		    store_exit_open(conf->database, STORE_CREATE);
		goto out;
	}
	if ((ob = outbox_new(conf, a->dry_run ? a->out : NULL, err, sizeof(err))) == NULL) {
		log_msg(LOG_ERR, NULL, "%s", err);
		store_close(st);
		status = a->dry_run ? EX_CANTCREAT : EX_TEMPFAIL;
		goto out;
	}
	if (job == JOB_SUMMARY) {
		status = run_summary(conf, st, ob, now, a->dry_run);
	} else if (job == JOB_DIGEST) {
		status = run_digest(conf, st, ob, now, a, digest_held);
	} else {
		if (mailer_send_checkins(conf, describe, st, ob, now, a->ahead, &counts, err, sizeof(err)) != 0) {
			log_msg(LOG_ERR, NULL, "%s", err);
			status = store_trouble(st);
		}
		log_msg(counts.sent || counts.retry || counts.failed ? LOG_NOTICE : LOG_INFO, NULL,
		    "check-ins: %lu sent%s, %lu to retry, %lu failed", counts.sent,
		    a->dry_run ? " (dry run: written to files, nothing recorded)" : "",
		    counts.retry, counts.failed);
		if (status == EX_OK && counts.retry > 0)
			status = EX_TEMPFAIL;
		else if (status == EX_OK && counts.failed > 0)
			status = EX_UNAVAILABLE;
	}
	outbox_free(ob);
	store_close(st);
out:
	if (lockfd >= 0)
		close(lockfd);
	return status;
}

/* digest_when - when the daemon sends the next digest after one went out at `after`
 * (0: none yet, so today's counts even when its time has passed); -1 for never (and
 * an error logged when digest-time is set without a finance-address to send to) */
static time_t
digest_when(const struct ps_conf *conf, time_t after)
{
	struct digest_schedule s;

	if (digest_schedule_get(conf, &s) != 0)
		return (time_t) -1;
	if (conf->finance_address == NULL || conf->finance_address[0] == '\0') {
		log_msg(LOG_ERR, NULL, "%s: digest-time is set but finance-address is empty: no digest",
		    conf->path ? conf->path : "the config");
		return (time_t) -1;
	}
	return after == 0 ? digest_schedule_today(&s, time(NULL)) : digest_schedule_next(&s, after + 1);
}

/* daemon_loop - run every mailer-interval until SIGTERM/SIGINT, and the digest at
 * digest-time on digest-days; SIGHUP reloads the config and the templates (*setp owns
 * *describep) */
static int
daemon_loop(struct ps_conf **confp, tmpl_set **setp, const tmpl **describep, const char *path,
	    const struct run_args *a)
{
	struct sigaction sa;
	char err[1024];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	time_t digest_at = digest_when(*confp, 0), digest_sent = 0;
	int digest_orphaned = 0;

	log_msg(LOG_NOTICE, NULL, "started, every %ld s%s%s", (*confp)->mailer_interval_ms / 1000,
	    digest_at == (time_t) -1 ? ", no digest" : ", the digest at ",
	    digest_at == (time_t) -1 ? "" : (*confp)->digest_time);
	while (!got_term) {
		struct timespec ts;
		long ms = (*confp)->mailer_interval_ms > 1000 ? (*confp)->mailer_interval_ms : 1000;
		time_t now;

		run_once(*confp, *describep, a, JOB_CHECKINS, NULL);
		/* A digest that fails is tried again at the next turn; one sent is marked. One
		 * another mailer's claim held is that mailer's: the next turn takes only what
		 * its claim leaves if it lapses (that mailer died), not the invoices since;
		 * one another mailer sent for this digest-time is done. */
		if (digest_at != (time_t) -1 && time(NULL) >= digest_at) {
			struct run_args da = *a;
			int held = 0;
			da.digest_orphaned = digest_orphaned;
			da.digest_slot = digest_at;
			if (run_once(*confp, NULL, &da, JOB_DIGEST, &held) == EX_OK) {
				digest_sent = time(NULL);
				digest_at = digest_when(*confp, digest_sent);
			}
			digest_orphaned = held;
		}
		now = time(NULL);
		if (digest_at != (time_t) -1 && digest_at > now && (digest_at - now) * 1000 < ms)
			ms = (long) (digest_at - now) * 1000;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		while (!got_term && !got_hup && nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		if (got_hup) {
			struct ps_conf *fresh = conf_load(path, err, sizeof(err));
			tmpl_set *set = NULL;
			const tmpl *describe = NULL;
			got_hup = 0;
			if (fresh == NULL)
				log_msg(LOG_ERR, NULL, "reload: %s (keeping the old settings)", err);
			else if (describe_load(fresh, &set, &describe) != 0) {
				log_msg(LOG_ERR, NULL, "reload: keeping the old settings");
				conf_free(fresh);
			} else {
				conf_free(*confp);
				*confp = fresh;
				tmpl_set_free(*setp);
				*setp = set;
				*describep = describe;
				digest_at = digest_when(fresh, digest_sent);
				log_msg(LOG_NOTICE, NULL, "reloaded %s", path);
			}
		}
	}
	log_msg(LOG_NOTICE, NULL, "stopped");
	return EX_OK;
}

int
main(int argc, char **argv)
{
	const char *path = CONF_DEFAULT_PATH, *cmd;
	struct ps_conf *conf;
	tmpl_set *templates = NULL;
	const tmpl *describe = NULL;
	struct run_args a = { 0, -1, NULL, 0, 0, 0 };	/* ahead -1: the config's invite-ahead */
	char err[1024], who[64];
	int use_syslog = 0, i, status;

	umask(007);	/* what it creates (the store, its lock) is never others' to read */

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "-s") == 0)
			use_syslog = 1;
		else if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
			printf("postsale-mailer " PACKAGE_VERSION "\n");
			return EX_OK;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return EX_OK;
		} else {
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	cmd = argv[i++];
	for (; i < argc; i++) {
		long ms;
		if (strcmp(argv[i], "--now") == 0 && i + 1 < argc) {
			if (timetext_parse(argv[++i], &a.now) != 0) {
				fprintf(stderr, "postsale-mailer: --now %s: not a time\n", argv[i]);
				return EX_USAGE;
			}
		} else if (strcmp(argv[i], "--ahead") == 0 && i + 1 < argc) {
			if (conf_parse_duration(argv[++i], &ms) != 0) {
				fprintf(stderr, "postsale-mailer: --ahead %s: not a duration (14d, 36h ...)\n", argv[i]);
				return EX_USAGE;
			}
			a.ahead = ms / 1000;
		} else if (strcmp(argv[i], "--dry-run") == 0)
			a.dry_run = 1;
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			a.out = argv[++i];
		else {
			fprintf(stderr, "postsale-mailer: %s: unknown option\n", argv[i]);
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (a.dry_run != (a.out != NULL)) {
		fprintf(stderr, "postsale-mailer: --dry-run and --out DIR go together\n");
		return EX_USAGE;
	}
	if ((conf = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "postsale-mailer: %s\n", err);
		return EX_CONFIG;
	}
	if (a.ahead < 0)
		a.ahead = conf->invite_ahead_ms / 1000;
	log_open("postsale-mailer", conf->syslog_facility, !use_syslog);
	log_set_level(conf->log_level);
	/* As root, become the store's owner before the store (and the lock beside it) is
	 * touched: root-owned files there would lock the filter out of its store. */
	if (privdrop_to_store_owner(conf_state_base(conf), who, sizeof(who), err, sizeof(err)) != 0) {
		log_msg(LOG_ERR, NULL, "%s", err);
		conf_free(conf);
		return EX_NOPERM;
	}
	if (who[0] != '\0')
		log_msg(LOG_DEBUG, NULL, "running as %s, the owner of the store's directory", who);
	if ((strcmp(cmd, "run") == 0 || strcmp(cmd, "daemon") == 0) &&
	    describe_load(conf, &templates, &describe) != 0)
		status = EX_CONFIG;
	else if (strcmp(cmd, "run") == 0)
		status = run_once(conf, describe, &a, JOB_CHECKINS, NULL);
	else if (strcmp(cmd, "digest") == 0)
		status = run_once(conf, NULL, &a, JOB_DIGEST, NULL);
	else if (strcmp(cmd, "summary") == 0)
		status = run_once(conf, NULL, &a, JOB_SUMMARY, NULL);
	else if (strcmp(cmd, "daemon") == 0 && !a.dry_run && a.now == 0)
		status = daemon_loop(&conf, &templates, &describe, path, &a);
	else {
		fprintf(stderr, "postsale-mailer: %s: unknown command (or an option it does not take)\n", cmd);
		usage(stderr);
		status = EX_USAGE;
	}
	tmpl_set_free(templates);
	conf_free(conf);
	return status;
}

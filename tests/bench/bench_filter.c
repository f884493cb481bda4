/*
 * bench_filter.c - the CPU of the milter's pipeline per outbound message.
 *
 * usage: bench_filter [-tx] [-c KB] [-n RUNS] [-w WARMUP] CONF FILE.eml
 * (-x: XML through libxml2 only, the fast reader of lib/invoice/xmlfast.c turned off;
 * -c KB: KB kilobytes of memory written before each run, so that each starts from cold
 * caches, as the filter does between the MTA's processes: 65536, beyond this machine's
 * 32 MB L3, makes the code and data come from memory; -t: each run in a new thread,
 * its start and end counted, as libmilter's worker pool runs most messages under load)
 * Loads CONF, builds the filter context, opens a fresh store in a temporary directory
 * (recording, as postsale-milter does), and runs filter_store_run() (filter_run() and
 * the writing of its records under a lock, as the milter's record_run()) on the message from
 * FILE.eml (envelope alice@example.com -> john@buyercompany.no, internal origin):
 * WARMUP times first (lazy set-up, the first journal entry), then RUNS times inside
 * bench_filter_runs(), the only function to count, with
 *   valgrind --tool=callgrind --toggle-collect=bench_filter_runs
 * (`make bench-filter` does that; with -t the runs are in other threads, so count
 * bench_once instead). Prints what the last run decided and the CPU time per run. Not
 * a pass/fail test. The config and the message are trusted.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "filter/filter_store.h"
#include "mime/msg.h"
#include "mime/outbound.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "invoice/xmlsafe.h"

#define BENCH_SENDER "<alice@example.com>"
#define BENCH_RCPT "<john@buyercompany.no>"

/* bench_read - the whole file at path; caller frees; NULL with a message on stderr */
static char *
bench_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL) {
		perror(path);
		return NULL;
	}
	do {
		if (n == cap)
			buf = xrealloc(buf, cap = cap ? cap * 2 : 65536);
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

/* The milter's writer (milter/record.c), uncontended here. */
static struct filter_writer bench_writer = FILTER_WRITER_INIT;

/* bench_once - one filter_run as the milter does it; 0, or -1 with the reason on stderr */
static int
bench_once(struct filter_ctx *fc, struct store *st, const struct ps_msg *m,
    struct filter_result *res)
{
	memset(res, 0, sizeof(*res));
	if (filter_store_run(fc, st, 1, &bench_writer, m, time(NULL), res) != 0) {
		fprintf(stderr, "bench_filter: filter_run: %s\n", res->error);
		return -1;
	}
	return 0;
}

/* bench_clock - the seconds of clock (CLOCK_PROCESS_CPUTIME_ID: this process's CPU; CLOCK_THREAD_CPUTIME_ID: this thread's) */
static double
bench_clock(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t bench_evict_bytes;	/* -c: octets written between two runs (0: none) */
static int bench_fresh_thread;		/* -t: each run in a thread of its own */
static unsigned char *bench_evict_buf;
static double bench_cpu;		/* the CPU of the runs alone, in seconds */

/* bench_evict - write bench_evict_bytes of memory, one octet a cache line, as the MTA's
 * processes and the kernel do between two messages on a busy server: the next run
 * starts with less of its code and data in the caches */
static void
bench_evict(void)
{
	for (size_t i = 0; i < bench_evict_bytes; i += 64)
		bench_evict_buf[i]++;
}

/* One run's arguments and outcome, for a run in a thread of its own. */
struct bench_job {
	struct filter_ctx *fc;
	struct store *st;
	const struct ps_msg *m;
	struct filter_result *res;
	int rc;
};

static void *
bench_job_run(void *arg)
{
	struct bench_job *j = arg;

	j->rc = bench_once(j->fc, j->st, j->m, j->res);
	return NULL;
}

/* bench_in_thread - bench_once in a new thread, as libmilter's pool runs most messages
 * under load (its workers quit when more than one is idle); its CPU is the process's,
 * thread start and end included */
static int
bench_in_thread(struct filter_ctx *fc, struct store *st, const struct ps_msg *m,
    struct filter_result *res)
{
	struct bench_job j = {fc, st, m, res, -1};
	pthread_t t;

	if (pthread_create(&t, NULL, bench_job_run, &j) != 0) {
		fprintf(stderr, "bench_filter: pthread_create failed\n");
		return -1;
	}
	pthread_join(t, NULL);
	return j.rc;
}

/* bench_filter_runs - runs times filter_run, keeping the last result in *last; with -c
 * the caches are made cold before each run, and bench_cpu sums the runs' own CPU (with
 * -t, each in a new thread) */
__attribute__((noinline)) static int
bench_filter_runs(struct filter_ctx *fc, struct store *st, const struct ps_msg *m, long runs,
    struct filter_result *last)
{
	for (long i = 0; i < runs; i++) {
		double t0;

		filter_result_clear(last);
		if (bench_evict_bytes > 0)
			bench_evict();
		t0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
		if ((bench_fresh_thread ? bench_in_thread(fc, st, m, last) : bench_once(fc, st, m,
		    last)) != 0)
			return -1;
		bench_cpu += bench_clock(CLOCK_PROCESS_CPUTIME_ID) - t0;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	long runs = 200, warmup = 2;
	struct ps_conf *conf;
	struct filter_ctx *fc;
	struct store *st;
	struct ps_msg *m;
	struct filter_result res = {0};
	char err[512], dir[] = "/tmp/bench_filter.XXXXXX", *db, *data;
	size_t len;
	double t0, t1, w0, w1;
	int ch, ok = 1, rc = 1, server;

	while ((ch = getopt(argc, argv, "c:n:tw:x")) != -1) {
		switch (ch) {
		case 'c': bench_evict_bytes = (size_t) atol(optarg) << 10; break;
		case 'n': runs = atol(optarg); break;
		case 't': bench_fresh_thread = 1; break;
		case 'w': warmup = atol(optarg); break;
		case 'x': xmlsafe_set_fast(0); break;
		default: goto usage;
		}
	}
	if (optind != argc - 2 || runs < 1 || warmup < 0)
		goto usage;
	if (bench_evict_bytes > 0)
		bench_evict_buf = xcalloc(1, bench_evict_bytes);
	if ((conf = conf_load(argv[optind], err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_filter: %s\n", err);
		return 1;
	}
	if ((data = bench_read(argv[optind + 1], &len)) == NULL) {
		conf_free(conf);
		return 1;
	}
	xmlsafe_init();
	if ((fc = filter_ctx_new(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_filter: %s\n", err);
		free(data);
		conf_free(conf);
		return 1;
	}
	if (mkdtemp(dir) == NULL) {
		perror("bench_filter: mkdtemp");
		goto out_ctx;
	}
	server = conf_database_is_uri(conf);
	db = server ? xstrdup(conf->database) : xasprintf("%s/postsale.db", dir);
	if (!server) {		/* the writer records where the lookups read, not in the default */
		free(conf->database);
		conf->database = xstrdup(db);
	}
	if ((st = store_open(db, conf->database_timeout_ms, STORE_CREATE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_filter: %s\n", err);
		goto out_dir;
	}
	m = msg_new(conf->max_message_size);
	if (msg_load_bytes(m, data, len) != 0)
		fprintf(stderr, "bench_filter: %s is over max-message-size\n", argv[optind + 1]);
	msg_set_sender(m, BENCH_SENDER);
	msg_add_rcpt(m, BENCH_RCPT, outbound_rcpt_external(&conf->local_domains, BENCH_RCPT));
	m->origin_internal = 1;

	for (long i = 0; i < warmup && ok; i++) {
		filter_result_clear(&res);
		ok = bench_once(fc, st, m, &res) == 0;
	}
	t0 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
	w0 = bench_clock(CLOCK_MONOTONIC);
	if (ok && bench_filter_runs(fc, st, m, runs, &res) == 0) {
		t1 = bench_clock(CLOCK_PROCESS_CPUTIME_ID);
		w1 = bench_clock(CLOCK_MONOTONIC);
		printf("invoice=%d invoices=%zu verdict=%s action=%s note=%s%s%s\n",
		    res.is_invoice, res.ninv, res.ninv ? res.inv[0].verdict : "-",
		    filter_action_name(res.action), res.note_added ? "added" : "no",
		    res.note_reason[0] ? ": " : "", res.note_reason);
		if (bench_evict_bytes > 0)
			printf("%ld runs, %.1f us CPU per filter_run from cold caches (%zu KB written"
			    " before each)\n", runs, bench_cpu * 1e6 / runs, bench_evict_bytes >> 10);
		else
			printf("%ld runs, %.1f us CPU per filter_run (%.1f us wall)%s\n", runs,
			    (t1 - t0) * 1e6 / runs, (w1 - w0) * 1e6 / runs,
			    bench_fresh_thread ? ", each in a new thread" : "");
		rc = 0;
	}
	filter_result_clear(&res);
	msg_free(m);
	filter_writer_close(&bench_writer);
	store_close(st);
out_dir:
	for (const char *const *s = (const char *const[]) {"", "-wal", "-shm", NULL}; !server && *s; s++) {
		char *f = xasprintf("%s%s", db, *s);
		unlink(f);
		free(f);
	}
	free(db);
	rmdir(dir);
out_ctx:
	filter_ctx_free(fc);
	free(data);
	conf_free(conf);
	return rc;
usage:
	fprintf(stderr, "usage: bench_filter [-tx] [-c KB] [-n RUNS] [-w WARMUP] CONF FILE.eml\n");
	return 1;
}

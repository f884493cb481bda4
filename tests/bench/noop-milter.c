/*
 * noop-milter - the benchmark's baseline: a libmilter filter that asks for the same
 * protocol steps as postsale-milter, receives the whole message and does nothing with
 * it. The ratio postsale-milter / noop-milter is the cost of postsale's own work.
 *
 * With -H it adds one header at end of message, and with -B it replaces the body with
 * the same bytes: the edits postsale-milter makes to an invoice (its X-Postsale-Invoice
 * header) and to a message with a note (the new body). Postfix's cleanup pays for
 * applying a filter's edits; this baseline pays it too, so that the ratio against it is
 * postsale's own work alone. Like postsale-milter it sets TCP_NODELAY on its listening
 * socket (milter/nodelay.c), so that its replies to an edited message are not held back
 * by Nagle's algorithm either.
 *
 * With -C USEC it spends that much CPU time at end of message, and with -W USEC it
 * waits that long without using the CPU: a filter's work and a filter's wait at the
 * point where postsale-milter does its own, to see what each costs the MTA's
 * throughput (BENCH_CALIBRATE in bench-mta.sh).
 *
 * usage: noop-milter [-H] [-B] [-C USEC] [-W USEC] inet:PORT@127.0.0.1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "nodelay.h"

#define PROTO_WANT (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NR_CONN | SMFIP_NR_RCPT | \
	SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_HDR_LEADSPC | SMFIP_SKIP)

static int add_header, replace_body;
static long spend_usec, wait_usec;

struct body {			/* the body so far, with -B */
	unsigned char *bytes;
	size_t len, cap;
};

static sfsistat
noop_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	(void) ctx, (void) f2, (void) f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE);
	*pf1 = f1 & PROTO_WANT;
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat noop_noreply_conn(SMFICTX *c, char *h, _SOCK_ADDR *a) { (void) c, (void) h, (void) a; return SMFIS_NOREPLY; }
static sfsistat noop_argv(SMFICTX *c, char **v) { (void) c, (void) v; return SMFIS_CONTINUE; }
static sfsistat noop_rcpt(SMFICTX *c, char **v) { (void) c, (void) v; return SMFIS_NOREPLY; }
static sfsistat noop_header(SMFICTX *c, char *n, char *v) { (void) c, (void) n, (void) v; return SMFIS_NOREPLY; }
static sfsistat noop_eoh(SMFICTX *c) { (void) c; return SMFIS_NOREPLY; }
static sfsistat noop_step(SMFICTX *c) { (void) c; return SMFIS_CONTINUE; }

/* noop_body - keep the body with -B, else drop it */
static sfsistat
noop_body(SMFICTX *c, unsigned char *chunk, size_t len)
{
	struct body *b = smfi_getpriv(c);

	if (!replace_body)
		return SMFIS_CONTINUE;
	if (b == NULL) {
		b = calloc(1, sizeof(*b));
		smfi_setpriv(c, b);
	}
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2;
		b->bytes = realloc(b->bytes, b->cap);
	}
	memcpy(b->bytes + b->len, chunk, len);
	b->len += len;
	return SMFIS_CONTINUE;
}

/* noop_done - forget the body */
static void
noop_done(SMFICTX *c)
{
	struct body *b = smfi_getpriv(c);

	if (b != NULL) {
		smfi_setpriv(c, NULL);
		free(b->bytes);
		free(b);
	}
}

/* usec_of - the microseconds of ts */
static long long
usec_of(const struct timespec *ts)
{
	return (long long) ts->tv_sec * 1000000 + ts->tv_nsec / 1000;
}

/* spend - use usec of this thread's CPU time */
static void
spend(long usec)
{
	struct timespec ts;
	long long until;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	until = usec_of(&ts) + usec;
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	while (usec_of(&ts) < until);
}

/* wait_for - sleep usec without using the CPU */
static void
wait_for(long usec)
{
	struct timespec ts = {.tv_sec = usec / 1000000, .tv_nsec = usec % 1000000 * 1000};

	while (nanosleep(&ts, &ts) != 0)
		;
}

static sfsistat
noop_eom(SMFICTX *c)
{
	struct body *b = smfi_getpriv(c);

	if (spend_usec > 0)
		spend(spend_usec);
	if (wait_usec > 0)
		wait_for(wait_usec);
	if (add_header)
		smfi_addheader(c, "X-Noop", " ok; number=TOSL108");
	if (replace_body && b != NULL)
		smfi_replacebody(c, b->bytes, (int) b->len);
	noop_done(c);
	return SMFIS_CONTINUE;
}

static sfsistat noop_abort(SMFICTX *c) { noop_done(c); return SMFIS_CONTINUE; }

/* usec_arg - the microseconds s names (0 to 1,000,000), or -1 */
static long
usec_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return end != s && *end == '\0' && v >= 0 && v <= 1000000 ? v : -1;
}

int
main(int argc, char **argv)
{
	struct smfiDesc desc = {
		.xxfi_name = "noop", .xxfi_version = SMFI_VERSION,
		.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | SMFIF_QUARANTINE,
		.xxfi_connect = noop_noreply_conn, .xxfi_envfrom = noop_argv,
		.xxfi_envrcpt = noop_rcpt, .xxfi_header = noop_header, .xxfi_eoh = noop_eoh,
		.xxfi_body = noop_body, .xxfi_eom = noop_eom, .xxfi_abort = noop_abort,
		.xxfi_close = noop_step, .xxfi_data = noop_step, .xxfi_negotiate = noop_negotiate,
	};
	int ch;

	while ((ch = getopt(argc, argv, "HBC:W:")) != -1) {
		if (ch == 'H')
			add_header = 1;
		else if (ch == 'B')
			replace_body = 1;
		else if (ch == 'C' && (spend_usec = usec_arg(optarg)) >= 0)
			continue;
		else if (ch == 'W' && (wait_usec = usec_arg(optarg)) >= 0)
			continue;
		else
			break;
	}
	if (ch != -1 || optind != argc - 1) {	/* a bad option or value, or no socket */
		fprintf(stderr, "usage: noop-milter [-H] [-B] [-C USEC] [-W USEC] SOCKET"
		    " (USEC 0 to 1000000)\n");
		return 64;
	}
	if (smfi_setconn(argv[optind]) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
	    smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "noop-milter: cannot listen on %s\n", argv[optind]);
		return 69;
	}
	nodelay_listeners();
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}

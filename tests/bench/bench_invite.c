/*
 * bench_invite.c - invitations against plain mail, down the same submission path.
 *
 * usage: bench_invite [-n COUNT] [-u smtp://host:port]
 * Without -u it starts Postfix's smtp-sink on a random loopback port (discarding what
 * it receives). Then, in one run, with one libcurl handle (one reused connection) per
 * side through lib/submit, alternating chunks of 100 messages between the sides:
 *   invites: for each of COUNT due check-ins, build the VCALENDAR (lib/invite) and the
 *            MIME message (lib/invite_mime) and submit it;
 *   plain:   build and submit COUNT plain text messages of the same mean size.
 * It prints both rates and their ratio (goal: >= 0.8). Not a pass/fail test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compose/invite.h"
#include "compose/invite_mime.h"
#include "compose/submit.h"
#include "util/xalloc.h"
#include "util/ident.h"
#include "../unit/test_net.h"

#define SMTP_SINK "/usr/sbin/smtp-sink"

static const char *zones[] = { "Europe/Berlin", "America/New_York", "Asia/Kolkata",
			       "Australia/Sydney" };
static const char *kinds[] = { "day-7", "day-30", "day-90", "quarterly", "anniversary" };

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/* invite_make - the i-th due invitation as a mail; caller frees */
static char *invite_make(long i, size_t *len)
{
	struct invite_opts o;
	struct invite_context ctx = { 0 };
	struct invite_mail m = { 0 };
	char err[256], customer[64], *ics, *eml, *uid, *desc, *subject;
	const char *to[1] = { "anna.manager@seller.example" };
	time_t start = 1767600000 + (time_t) (i % 500) * 86400 + 3600 * (i % 8);

	snprintf(customer, sizeof(customer), "customer%ld@example.com", i);
	ctx.customer = customer;
	ctx.customer_name = "Example Customer Ltd";
	ctx.customer_since = start - 30 * 86400;
	ctx.invoices_sent = i % 40;
	ctx.invoices_flagged = i % 3;
	ctx.checkin_kind = kinds[i % 5];
	desc = invite_describe(&ctx, start);
	subject = xasprintf("Check-in: Example Customer Ltd (%s)", kinds[i % 5]);
	uid = ident_checkin_uid(i, customer, "seller.example");
	invite_opts_init(&o);
	o.uid = uid;
	o.tz = zones[i % 4];
	o.start = start;
	o.end = start + 1800;
	o.stamp = start - 7 * 86400;
	o.organizer = "postsale@seller.example";
	o.manager = to[0];
	o.manager_name = "Anna Manager";
	o.summary = subject;
	o.description = desc;
	if (invite_build(&o, &ics, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_invite: %s\n", err);
		exit(1);
	}
	m.from = o.organizer;
	m.to = to;
	m.n_to = 1;
	m.subject = subject;
	m.text = desc;
	m.ics = ics;
	m.date = o.stamp;
	m.uid = uid;
	if (invite_mime_build(&m, &eml, len, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_invite: %s\n", err);
		exit(1);
	}
	free(ics);
	free(uid);
	free(desc);
	free(subject);
	return eml;
}

/* plain_make - the i-th plain message of about `size` bytes; caller frees */
static char *plain_make(long i, size_t size, size_t *len)
{
	char *head = xasprintf("Date: Mon, 5 Jan 2026 08:00:00 +0000\r\n"
			       "Message-ID: <plain-%ld@seller.example>\r\n"
			       "From: <postsale@seller.example>\r\n"
			       "To: \"Anna Manager\" <anna.manager@seller.example>\r\n"
			       "Subject: Plain message %ld\r\nMIME-Version: 1.0\r\n"
			       "Content-Type: text/plain; charset=UTF-8\r\n\r\n", i, i);
	size_t hl = strlen(head), body = size > hl + 80 ? size - hl : 80;
	char *msg = xmalloc(hl + body + 1), *p = msg + hl;

	memcpy(msg, head, hl);
	free(head);
	while ((size_t) (p - msg) + 72 <= hl + body) {
		memset(p, 'a' + (int) (i % 26), 70);
		memcpy(p + 70, "\r\n", 2);
		p += 72;
	}
	*p = 0;
	*len = (size_t) (p - msg);
	return msg;
}

/* A side of the comparison: its own submitter (connection) and its counters. */
struct side {
	struct submit *s;
	int invites;
	double seconds;
	size_t bytes;
	long sent;
};

static void side_open(struct side *sd, const char *url, int invites)
{
	struct submit_opts so;
	char err[512];

	memset(sd, 0, sizeof(*sd));
	sd->invites = invites;
	submit_opts_init(&so);
	so.url = url;
	so.helo = "bench.postsale.test";
	if ((sd->s = submit_new(&so, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_invite: %s\n", err);
		exit(1);
	}
}

/* side_run - build and send messages [from, to) of this side, timing them */
static void side_run(struct side *sd, long from, long to, size_t plain_size)
{
	const char *rcpt[1] = { "anna.manager@seller.example" };
	char err[512];
	double t0 = now_sec();

	for (long i = from; i < to; i++) {
		size_t len;
		char *msg = sd->invites ? invite_make(i, &len) : plain_make(i, plain_size, &len);
		enum submit_status st = submit_send(sd->s, "postsale@seller.example", rcpt, 1,
						    msg, len, err, sizeof(err));
		if (st != SUBMIT_OK) {
			fprintf(stderr, "bench_invite: message %ld: %s\n", i, err);
			exit(1);
		}
		sd->bytes += len;
		sd->sent++;
		free(msg);
	}
	sd->seconds += now_sec() - t0;
}

int main(int argc, char **argv)
{
	long count = 10000;
	const char *url = NULL;
	char urlbuf[64];
	pid_t sink = 0;
	int c;

	while ((c = getopt(argc, argv, "n:u:")) != -1) {
		if (c == 'n' && (count = atol(optarg)) > 0)
			continue;
		if (c == 'u') {
			url = optarg;
			continue;
		}
		fprintf(stderr, "usage: bench_invite [-n COUNT] [-u smtp://host:port]\n");
		return 2;
	}
	if (url == NULL) {
		int port = test_free_port();
		if (port < 0 || access(SMTP_SINK, X_OK) != 0) {
			fprintf(stderr, "bench_invite: needs %s (postfix) or -u URL\n", SMTP_SINK);
			return 77;
		}
		snprintf(urlbuf, sizeof(urlbuf), "127.0.0.1:%d", port);
		if ((sink = fork()) == 0) {
			if (geteuid() == 0)
				execl(SMTP_SINK, SMTP_SINK, "-u", "nobody", urlbuf, "100", (char *) NULL);
			else
				execl(SMTP_SINK, SMTP_SINK, urlbuf, "100", (char *) NULL);
			_exit(127);
		}
		for (int i = 0; i < 100 && !test_port_open(port); i++)
			usleep(20000);
		snprintf(urlbuf, sizeof(urlbuf), "smtp://127.0.0.1:%d", port);
		url = urlbuf;
	}
	/* Warm up both paths (zone cache, connection), then measure in alternating
	 * chunks, so that the load of a shared machine falls on both sides alike. */
	struct side inv, plain;
	size_t inv_size;
	side_open(&inv, url, 1);
	side_open(&plain, url, 0);
	side_run(&inv, 0, 50, 0);
	inv_size = inv.bytes / 50;
	side_run(&plain, 0, 50, inv_size);
	inv.seconds = plain.seconds = 0;
	inv.bytes = plain.bytes = 0;
	inv.sent = plain.sent = 0;
	for (long i = 0; i < count; i += 100) {
		long to = i + 100 < count ? i + 100 : count;
		side_run(&inv, i, to, 0);
		side_run(&plain, i, to, inv_size);
	}
	double inv_rate = inv.sent / inv.seconds, plain_rate = plain.sent / plain.seconds;
	printf("bench_invite: %ld messages each to %s, alternating in chunks of 100\n", count,
	       url);
	printf("  invites: %8.0f msg/s  (mean %zu bytes: built with libical + MIME, submitted)\n",
	       inv_rate, inv.bytes / (size_t) inv.sent);
	printf("  plain:   %8.0f msg/s  (mean %zu bytes: built, submitted)\n", plain_rate,
	       plain.bytes / (size_t) plain.sent);
	printf("  ratio invites/plain: %.2f (goal >= 0.80)\n", inv_rate / plain_rate);
	submit_free(inv.s);
	submit_free(plain.s);
	if (sink > 0) {
		kill(sink, SIGTERM);
		waitpid(sink, NULL, 0);
	}
	return 0;
}

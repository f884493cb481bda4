/*
 * check_submit.c - SMTP and sendmail(1) submission (lib/submit.c) against real peers.
 *
 * The SMTP peer is Postfix's smtp-sink on a loopback port picked at random; its
 * options force the replies (-r CMD: 4xx, -f CMD: 5xx, -B: the 5xx text, -Q CMD: 421,
 * -W CMD:delay: a slow server), so the expected classification follows from RFC 5321
 * reply classes, not from our code. Delivered messages are read back from smtp-sink's
 * dump files. The sendmail peer is a small shell script that records its arguments
 * and standard input and exits with a sysexits.h code. Skips (77) without smtp-sink.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "compose/submit.h"
#include "test_files.h"
#include "test_net.h"
#include "test_run.h"

#define SMTP_SINK "/usr/sbin/smtp-sink"

static char tmpdir[256];
static pid_t sink_pid;
static int sink_port;

static const char message[] =
	"From: <postsale@seller.example>\r\nTo: <anna@seller.example>\r\n"
	"Subject: test\r\nMessage-ID: <t1@seller.example>\r\n\r\n"
	"Hello.\r\n.leading dot\r\nBye.\r\n";

/* free_port - a loopback port nobody listens on right now */
static int free_port(void)
{
	int port = test_free_port();

	ck_assert_int_gt(port, 0);
	return port;
}

/* sink_start - run smtp-sink with extra options (NULL-terminated), dumping to tmpdir */
static void sink_start(const char *opt1, const char *opt2, const char *opt3)
{
	char listen[64], dump[400];
	const char *argv[16];
	int k = 0;

	sink_port = free_port();
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", sink_port);
	snprintf(dump, sizeof(dump), "%s/%%M.", tmpdir);
	/* under timeout(1): no smtp-sink outlives a test that failed before sink_stop() */
	argv[k++] = "/usr/bin/timeout";
	argv[k++] = "60";
	argv[k++] = SMTP_SINK;
	if (geteuid() == 0) {		/* smtp-sink refuses to run as root */
		argv[k++] = "-u";
		argv[k++] = "nobody";
	}
	argv[k++] = "-d";
	argv[k++] = dump;
	if (opt1)
		argv[k++] = opt1;
	if (opt2)
		argv[k++] = opt2;
	if (opt3)
		argv[k++] = opt3;
	argv[k++] = listen;
	argv[k++] = "10";
	argv[k] = NULL;
	sink_pid = fork();
	ck_assert(sink_pid >= 0);
	if (sink_pid == 0) {
		execv(argv[0], (char *const *) argv);
		_exit(127);
	}
	for (int i = 0; i < 100 && !test_port_open(sink_port); i++)
		usleep(20000);
	ck_assert_msg(test_port_open(sink_port), "smtp-sink did not start on port %d", sink_port);
}

static void sink_stop(void)
{
	if (sink_pid > 0) {
		kill(sink_pid, SIGTERM);
		waitpid(sink_pid, NULL, 0);
		sink_pid = 0;
	}
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/ps-submit.XXXXXX", getenv("TMPDIR") ?
		 getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	chmod(tmpdir, 0777);		/* smtp-sink writes as nobody when we are root */
}

static void teardown(void)
{
	sink_stop();
	ck_assert_int_eq(test_rmtree(tmpdir), 0);
}

static struct submit *smtp_new(long timeout)
{
	struct submit_opts o;
	char url[64], err[256] = "";
	struct submit *s;

	submit_opts_init(&o);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", sink_port);
	o.url = url;
	o.helo = "postsale.test";
	o.timeout_sec = timeout;
	s = submit_new(&o, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

/* dumps - how many dump files, and whether one holds `needle` */
static int dumps(const char *needle, int *found)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	*found = 0;
	while ((e = readdir(d)) != NULL) {
		char path[600], buf[8192];
		if (e->d_name[0] == '.' && (e->d_name[1] == 0 || e->d_name[1] == '.'))
			continue;
		if (strncmp(e->d_name, "sm", 2) == 0)	/* the sendmail script's files */
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
		FILE *f = fopen(path, "rb");
		size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[len] = 0;
		n++;
		if (needle && strstr(buf, needle))
			*found = 1;
	}
	closedir(d);
	return n;
}

static const char *rcpt1[] = { "anna@seller.example" };

START_TEST(test_smtp_ok)
{
	struct submit *s;
	char err[512] = "";
	int found;

	sink_start(NULL, NULL, NULL);
	s = smtp_new(10);
	for (int i = 0; i < 3; i++) {	/* one handle, one connection, three messages */
		enum submit_status st = submit_send(s, "postsale@seller.example", rcpt1, 1,
						    message, strlen(message), err, sizeof(err));
		ck_assert_msg(st == SUBMIT_OK, "%s: %s", submit_status_name(st), err);
	}
	s = submit_free(s);
	for (int i = 0; i < 50 && dumps(NULL, &found) < 3; i++)
		usleep(20000);
	/* smtp-sink dumps with LF line ends; the line that starts with '.' arrives as
	 * sent, so the transparency dot (RFC 5321 4.5.2) was added and removed */
	ck_assert_int_eq(dumps("Subject: test\nMessage-ID: <t1@seller.example>\n\n"
			       "Hello.\n.leading dot\nBye.\n", &found), 3);
	ck_assert_msg(found, "message not found as sent in the dump");
}
END_TEST

struct reply_case {
	const char *opt1, *opt2;
	enum submit_status want;
	const char *want_in_err;
};

static const struct reply_case reply_cases[] = {
	/* -r: a soft (4xx) reject; smtp-sink's default text "450 4.3.0 Error: command failed" */
	{ "-r", "RCPT", SUBMIT_TEMP, "RCPT TO: 450 4.3.0" },
	{ "-r", "MAIL", SUBMIT_TEMP, "MAIL FROM: 450" },
	/* -f: a hard (5xx) reject, -B sets its text */
	{ "-f", "RCPT", SUBMIT_PERM, "RCPT TO: 500 5.3.0 Error: command failed" },
	{ "-f", "DATA", SUBMIT_PERM, "DATA: 500" },
	{ "-f", ".", SUBMIT_PERM, "500 5.3.0" },
	/* -Q: 421 and disconnect */
	{ "-Q", "MAIL", SUBMIT_TEMP, "421" },
};

START_TEST(test_smtp_replies)
{
	const struct reply_case *c = &reply_cases[_i];
	struct submit *s;
	char err[512] = "";
	enum submit_status st;
	int found;

	sink_start(c->opt1, c->opt2, NULL);
	s = smtp_new(10);
	st = submit_send(s, "postsale@seller.example", rcpt1, 1, message, strlen(message),
			 err, sizeof(err));
	ck_assert_msg(st == c->want, "%s %s: %s, want %s: %s", c->opt1, c->opt2,
		      submit_status_name(st), submit_status_name(c->want), err);
	ck_assert_msg(strstr(err, c->want_in_err) != NULL, "err \"%s\" lacks \"%s\"", err,
		      c->want_in_err);
	ck_assert_msg(strstr(err, "smtp://127.0.0.1:") == err, "err: %s", err);
	s = submit_free(s);
	/* Nothing was delivered: smtp-sink removes the dump of an aborted transaction
	 * (after the session ends, hence the wait); it keeps one refused at ".". */
	if (strcmp(c->opt2, ".") != 0) {
		for (int i = 0; i < 100 && dumps(NULL, &found) > 0; i++)
			usleep(10000);
		ck_assert_int_eq(dumps(NULL, &found), 0);
	}
}
END_TEST

START_TEST(test_smtp_reply_text)
{
	struct submit *s;
	char err[512] = "";

	sink_start("-f", "RCPT", "-B550 5.1.1 <anna@seller.example>: no such user here");
	s = smtp_new(10);
	ck_assert_int_eq(submit_send(s, "postsale@seller.example", rcpt1, 1, message,
				     strlen(message), err, sizeof(err)), SUBMIT_PERM);
	ck_assert_msg(strstr(err, "RCPT TO: 550 5.1.1 <anna@seller.example>: no such user here"),
		      "err: %s", err);
	submit_free(s);
}
END_TEST

START_TEST(test_smtp_down)
{
	struct submit *s;
	char err[512] = "";

	sink_port = free_port();	/* nobody listens there */
	s = smtp_new(5);
	ck_assert_int_eq(submit_send(s, "postsale@seller.example", rcpt1, 1, message,
				     strlen(message), err, sizeof(err)), SUBMIT_TEMP);
	ck_assert_msg(strstr(err, "onnect") != NULL, "err: %s", err);
	submit_free(s);
}
END_TEST

START_TEST(test_smtp_timeout)
{
	struct submit *s;
	char err[512] = "";
	time_t t0 = time(NULL);

	sink_start("-W", "MAIL:5", NULL);	/* wait 5 s before answering MAIL */
	s = smtp_new(1);
	ck_assert_int_eq(submit_send(s, "postsale@seller.example", rcpt1, 1, message,
				     strlen(message), err, sizeof(err)), SUBMIT_TEMP);
	ck_assert_msg(strstr(err, "imeout") != NULL || strstr(err, "timed out") != NULL,
		      "err: %s", err);
	ck_assert(time(NULL) - t0 < 5);
	submit_free(s);
}
END_TEST

START_TEST(test_bad_envelope)
{
	struct submit *s;
	char err[512] = "";
	const char *bad[] = { "anna@seller.example>\r\nRCPT TO:<x@y.example" };

	sink_port = free_port();
	s = smtp_new(5);
	ck_assert_int_eq(submit_send(s, "postsale@seller.example", bad, 1, message,
				     strlen(message), err, sizeof(err)), SUBMIT_PERM);
	ck_assert_int_eq(submit_send(s, "-oQ/tmp", rcpt1, 1, message, strlen(message), err,
				     sizeof(err)), SUBMIT_PERM);
	ck_assert_int_eq(submit_send(s, "postsale@seller.example", rcpt1, 0, message,
				     strlen(message), err, sizeof(err)), SUBMIT_PERM);
	submit_free(s);
}
END_TEST

/* fake_sendmail - a script that records argv and stdin, prints text, exits code */
static void fake_sendmail(char *path, size_t len, int code, const char *text)
{
	FILE *f;

	snprintf(path, len, "%s/sm-fake", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\nprintf '%%s\\n' \"$@\" > '%s/sm-args'\ncat > '%s/sm-in'\n"
		"%s%s%s\nexit %d\n", tmpdir, tmpdir, text ? "echo '" : "", text ? text : "",
		text ? "' >&2" : "", code);
	fclose(f);
	chmod(path, 0755);
}

static char *slurp(const char *name)
{
	char path[600], *buf = calloc(1, 8192);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fread(buf, 1, 8191, f);
	fclose(f);
	return buf;
}

struct sendmail_case {
	int code;
	const char *text;
	enum submit_status want;
};

static const struct sendmail_case sendmail_cases[] = {
	{ 0, NULL, SUBMIT_OK },
	{ 75, "queue file write error", SUBMIT_TEMP },	/* EX_TEMPFAIL */
	{ 67, "no such user", SUBMIT_PERM },		/* EX_NOUSER */
	{ 69, "service unavailable", SUBMIT_TEMP },	/* EX_UNAVAILABLE */
};

START_TEST(test_sendmail)
{
	const struct sendmail_case *c = &sendmail_cases[_i];
	const char *rcpts[] = { "anna@seller.example", "bob@acme.example" };
	struct submit_opts o;
	struct submit *s;
	char path[400], err[512] = "", *args, *in;
	enum submit_status st;

	fake_sendmail(path, sizeof(path), c->code, c->text);
	submit_opts_init(&o);
	o.sendmail_path = path;
	s = submit_new(&o, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	st = submit_send(s, "postsale@seller.example", rcpts, 2, message, strlen(message),
			 err, sizeof(err));
	ck_assert_msg(st == c->want, "exit %d: %s: %s", c->code, submit_status_name(st), err);
	if (c->text)
		ck_assert_msg(strstr(err, c->text) != NULL, "err: %s", err);
	args = slurp("sm-args");
	ck_assert_str_eq(args, "-i\n-f\npostsale@seller.example\n--\nanna@seller.example\n"
			 "bob@acme.example\n");
	in = slurp("sm-in");	/* sendmail(1) reads local line ends: LF */
	ck_assert_ptr_null(strchr(in, '\r'));
	ck_assert_ptr_nonnull(strstr(in, "Subject: test\n"));
	ck_assert_ptr_nonnull(strstr(in, "\n.leading dot\nBye.\n"));
	free(args);
	free(in);
	submit_free(s);
}
END_TEST

START_TEST(test_sendmail_missing)
{
	struct submit_opts o;
	struct submit *s;
	char err[512] = "";

	submit_opts_init(&o);
	o.sendmail_path = "/nonexistent/sendmail";
	s = submit_new(&o, err, sizeof(err));
	ck_assert_int_eq(submit_send(s, "postsale@seller.example", rcpt1, 1, message,
				     strlen(message), err, sizeof(err)), SUBMIT_TEMP);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/sendmail"));
	submit_free(s);
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;

	if (access(SMTP_SINK, X_OK) != 0) {
		fprintf(stderr, "check_submit: SKIP: %s is not installed (apt-get install "
			"postfix)\n", SMTP_SINK);
		return 77;
	}
	tc = test_tcase(&s, "submit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_smtp_ok);
	tcase_add_loop_test(tc, test_smtp_replies, 0,
			    (int) (sizeof(reply_cases) / sizeof(reply_cases[0])));
	tcase_add_test(tc, test_smtp_reply_text);
	tcase_add_test(tc, test_smtp_down);
	tcase_add_test(tc, test_smtp_timeout);
	tcase_add_test(tc, test_bad_envelope);
	tcase_add_loop_test(tc, test_sendmail, 0,
			    (int) (sizeof(sendmail_cases) / sizeof(sendmail_cases[0])));
	tcase_add_test(tc, test_sendmail_missing);
	return test_run(s);
}

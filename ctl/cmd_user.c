/*
 * cmd_user.c - postsalectl user add|del|list|passwd: the finance console's users.
 *
 * Passwords come from the terminal (asked twice, without echo) or, with
 * --password-stdin, from the first line of standard input; they are hashed with
 * yescrypt (lib/passwd.c) and never stored, printed or logged in clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "ctl_common.h"
#include "util/passwd.h"
#include "store/store_user.h"
#include "console/web_session.h"
#include "util/xalloc.h"

#define PW_BUF (PASSWD_MAX_LEN + 2)

/* read_line - one line of fp into buf without its newline; 0, or -1 at EOF or when
 * longer than the buffer */
static int
read_line(FILE *fp, char *buf, size_t len)
{
	size_t n;

	if (fgets(buf, (int) len, fp) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(fp))
		return -1;
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* ask - prompt on the terminal and read a line without echo; 0, or -1 */
static int
ask(FILE *tty, const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	int rc, fd = fileno(tty);

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(fd, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	rc = read_line(tty, buf, len);
	tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', stderr);
	return rc;
}

/* get_password - the new password into buf (from stdin or the terminal, checked);
 * 0, or the exit status after saying why */
static int
get_password(int from_stdin, char *buf, size_t len)
{
	char again[PW_BUF], why[128];
	FILE *tty;
	int rc = 0;

	if (from_stdin) {
		if (read_line(stdin, buf, len) != 0) {
			fprintf(stderr, "postsalectl user: no password on standard input (or longer than %d bytes)\n",
			    PASSWD_MAX_LEN);
			return CTL_DATAERR;
		}
	} else {
		if ((tty = fopen("/dev/tty", "r+")) == NULL) {
			fprintf(stderr, "postsalectl user: no terminal to ask the password on: use --password-stdin\n");
			return CTL_USAGE;
		}
		if (ask(tty, "Password: ", buf, len) != 0 || ask(tty, "Again: ", again, sizeof(again)) != 0) {
			fprintf(stderr, "postsalectl user: no password given\n");
			rc = CTL_DATAERR;
		} else if (strcmp(buf, again) != 0) {
			fprintf(stderr, "postsalectl user: the two passwords differ\n");
			rc = CTL_DATAERR;
		}
		explicit_bzero(again, sizeof(again));
		fclose(tty);
		if (rc != 0)
			return rc;
	}
	if (passwd_acceptable(buf, why, sizeof(why)) != 0) {
		fprintf(stderr, "postsalectl user: %s\n", why);
		return CTL_DATAERR;
	}
	return 0;
}

/* user_usage - the synopsis */
static int
user_usage(void)
{
	fprintf(stderr, "usage: postsalectl user add NAME --role finance|manager|admin [--password-stdin]\n"
	    "       postsalectl user passwd NAME [--password-stdin]\n"
	    "       postsalectl user del NAME\n"
	    "       postsalectl user list\n");
	return CTL_USAGE;
}

/* set_password - user add (role set) or passwd (role NULL) */
static int
set_password(const char *name, const char *role, int from_stdin)
{
	struct store *st;
	char pw[PW_BUF], err[512], *hash;
	int rc;

	if ((rc = get_password(from_stdin, pw, sizeof(pw))) != 0)
		return rc;
	hash = passwd_hash(pw, err, sizeof(err));
	explicit_bzero(pw, sizeof(pw));
	if (hash == NULL) {
		fprintf(stderr, "postsalectl user: %s\n", err);
		return CTL_ERROR;
	}
	if ((st = ctl_store(STORE_CREATE)) == NULL) {
		free(hash);
		return ctl_status();
	}
	rc = role ? user_add(st, name, role, hash, time(NULL), err, sizeof(err)) :
	    user_set_hash(st, name, hash, time(NULL), err, sizeof(err));
	free(hash);
	if (rc < 0)
		return ctl_store_failed(st, "user", err);
	if (rc == 0) {
		fprintf(stderr, role ? "postsalectl user: %s exists (postsalectl user passwd changes its password)\n" :
		    "postsalectl user: no user %s\n", name);
		return role ? CTL_DATAERR : CTL_NOTFOUND;
	}
	printf(role ? "added %s (%s)\n" : "changed the password of %s; its sessions are ended\n", name, role);
	return CTL_OK;
}

int
cmd_user(int argc, char **argv)
{
	const char *role = NULL;
	int from_stdin = 0;
	char err[512];

	if (argc < 2)
		return user_usage();
	if (strcmp(argv[1], "list") == 0 && argc == 2) {
		struct store *st = ctl_store(STORE_CREATE);
		struct store_rows r = { 0 };
		char a[32], b[32];
		if (st == NULL)
			return ctl_status();
		if (user_list(st, &r, err, sizeof(err)) != 0)
			return ctl_store_failed(st, "user", err);
		for (size_t i = 0; i < r.n; i++)
			printf("%-24s %-8s created %s, password changed %s\n", store_rows_get(&r, i, USER_NAME),
			    store_rows_get(&r, i, USER_ROLE),
			    timetext_fmt((time_t) store_rows_int(&r, i, USER_CREATED), a, sizeof(a)),
			    timetext_fmt((time_t) store_rows_int(&r, i, USER_CHANGED), b, sizeof(b)));
		store_rows_clear(&r);
		return CTL_OK;
	}
	if (argc < 3)
		return user_usage();
	if (!passwd_name_valid(argv[2])) {
		fprintf(stderr, "postsalectl user: '%s' is not a user name (1 to %d of a-z 0-9 . _ @ -,"
		    " starting with a letter or digit)\n", argv[2], PASSWD_NAME_MAX);
		return CTL_DATAERR;
	}
	for (int i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--password-stdin") == 0)
			from_stdin = 1;
		else if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role = argv[++i];
		else
			return user_usage();
	}
	if (strcmp(argv[1], "add") == 0) {
		if (role == NULL || web_role_parse(role) == WEB_ROLE_NONE) {
			fprintf(stderr, "postsalectl user add: --role finance, manager or admin\n");
			return CTL_USAGE;
		}
		return set_password(argv[2], role, from_stdin);
	}
	if (strcmp(argv[1], "passwd") == 0 && role == NULL)
		return set_password(argv[2], NULL, from_stdin);
	if (strcmp(argv[1], "del") == 0 && role == NULL && !from_stdin) {
		struct store *st = ctl_store(STORE_CREATE);
		int rc;
		if (st == NULL)
			return ctl_status();
		if ((rc = user_del(st, argv[2], err, sizeof(err))) < 0)
			return ctl_store_failed(st, "user", err);
		if (rc == 0) {
			fprintf(stderr, "postsalectl user: no user %s\n", argv[2]);
			return CTL_NOTFOUND;
		}
		printf("removed %s and its sessions\n", argv[2]);
		return CTL_OK;
	}
	return user_usage();
}

/*
 * outbox.c - submit a finished message, or in a dry run write it to a numbered .eml file.
 *
 * Trust: the message bytes are ours; the name hint comes from the store (a UID) and is
 * cleaned before it becomes part of a file name; the envelope is checked by lib/submit.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox.h"
#include "util/xalloc.h"

struct outbox {
	struct submit *submit;		/* NULL in a dry run */
	char *dir;			/* the dry-run directory, or NULL */
	unsigned next_number;		/* the NNN of the next dry-run file */
	unsigned long sent;
};

/* outbox_highest - the highest NNN of the NNN-*.eml files already in dir (0 if none) */
static unsigned
outbox_highest(const char *dir)
{
	DIR *d;
	struct dirent *de;
	unsigned high = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char *end;
		unsigned long v = strtoul(de->d_name, &end, 10);
		if (end != de->d_name && *end == '-' && v > high && v < 1000000)
			high = (unsigned) v;
	}
	closedir(d);
	return high;
}

struct outbox *
outbox_new(const struct ps_conf *conf, const char *dry_run_dir, char *err, size_t errlen)
{
	struct outbox *ob;
	struct submit_opts so;

	ob = xcalloc(1, sizeof(*ob));
	if (dry_run_dir != NULL) {
		struct stat sb;
		if (mkdir(dry_run_dir, 0777) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: cannot create the dry-run directory: %s",
			    dry_run_dir, strerror(errno));
			return outbox_free(ob);
		}
		if (stat(dry_run_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
			snprintf(err, errlen, "%s: not a directory", dry_run_dir);
			return outbox_free(ob);
		}
		ob->dir = xstrdup(dry_run_dir);
		ob->next_number = outbox_highest(dry_run_dir) + 1;
		return ob;
	}
	submit_opts_init(&so);
	if (conf->submit_sendmail != NULL && conf->submit_sendmail[0] != '\0')
		so.sendmail_path = conf->submit_sendmail;
	else
		so.url = conf->submit_url;
	so.tls = conf->submit_starttls == CONF_STARTTLS_REQUIRE ? SUBMIT_TLS_REQUIRE :
	    conf->submit_starttls == CONF_STARTTLS_TRY ? SUBMIT_TLS_TRY : SUBMIT_TLS_NONE;
	if (conf->submit_user != NULL && conf->submit_user[0] != '\0') {
		so.user = conf->submit_user;
		so.password = conf->submit_password;
	}
	so.timeout_sec = conf->submit_timeout_ms > 0 ? (conf->submit_timeout_ms + 999) / 1000 : 60;
	if ((ob->submit = submit_new(&so, err, errlen)) == NULL)
		return outbox_free(ob);
	return ob;
}

/* outbox_write - write the message to the next free DIR/NNN-hint.eml */
static enum submit_status
outbox_write(struct outbox *ob, const char *msg, size_t len, const char *hint,
	     char *err, size_t errlen)
{
	char clean[128], *path;
	size_t i;
	int fd;

	if (hint == NULL || hint[0] == '\0')
		hint = "message";
	for (i = 0; hint[i] != '\0' && i < sizeof(clean) - 1; i++) {
		unsigned char c = (unsigned char) hint[i];
		clean[i] = (isalnum(c) || strchr("@._+-", c)) && c < 0x80 ? (char) c : '_';
	}
	clean[i] = '\0';
	for (;;) {
		path = xasprintf("%s/%03u-%s.eml", ob->dir, ob->next_number++, clean);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
		free(path);
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(path);
		return SUBMIT_TEMP;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, msg + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			free(path);
			return SUBMIT_TEMP;
		}
		off += (size_t) w;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		free(path);
		return SUBMIT_TEMP;
	}
	free(path);
	return SUBMIT_OK;
}

enum submit_status
outbox_send(struct outbox *ob, const char *sender, const char *const *rcpts, size_t n,
	    const char *msg, size_t len, const char *name_hint, char *err, size_t errlen)
{
	enum submit_status st;

	if (ob->dir != NULL)
		st = outbox_write(ob, msg, len, name_hint, err, errlen);
	else
		st = submit_send(ob->submit, sender, rcpts, n, msg, len, err, errlen);
	if (st == SUBMIT_OK)
		ob->sent++;
	return st;
}

int
outbox_is_dry_run(const struct outbox *ob)
{
	return ob->dir != NULL;
}

unsigned long
outbox_sent(const struct outbox *ob)
{
	return ob->sent;
}

struct outbox *
outbox_free(struct outbox *ob)
{
	if (ob != NULL) {
		ob->submit = submit_free(ob->submit);
		free(ob->dir);
		free(ob);
	}
	return NULL;
}

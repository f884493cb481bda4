/*
 * ctl_common.c - config, store, exit status, table cell and file helpers shared by the
 * postsalectl commands.
 *
 * Trusts the command line only as far as it parses it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_common.h"
#include "util/privdrop.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "util/log.h"

const char *ctl_config_path = CONF_DEFAULT_PATH;
static struct ps_conf *ctl_the_conf;
static struct store *ctl_the_store;
static int ctl_last_status = CTL_SOFTWARE;

struct ps_conf *
ctl_conf(void)
{
	char err[1024];

	if (ctl_the_conf == NULL &&
	    (ctl_the_conf = conf_load(ctl_config_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "postsalectl: %s\n", err);
		ctl_last_status = CTL_CONFIG;
	}
	return ctl_the_conf;
}

struct store *
ctl_store(int flags)
{
	struct ps_conf *conf;
	char err[1024], who[64];

	if (ctl_the_store != NULL)
		return ctl_the_store;
	if ((conf = ctl_conf()) == NULL)
		return NULL;
	/* As root, become the store's owner first: a root-owned file would lock the
	 * filter out of its own store. */
	if (privdrop_to_store_owner(conf->database, who, sizeof(who), err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl: %s\n", err);
		ctl_last_status = EX_NOPERM;
		return NULL;
	}
	ctl_the_store = store_open(conf->database, conf->database_timeout_ms < 5000 ? 5000 :
	    conf->database_timeout_ms, flags, err, sizeof(err));
	if (ctl_the_store == NULL) {
		fprintf(stderr, "postsalectl: %s\n", err);
		ctl_last_status = store_exit_open(conf->database, flags);
	}
	return ctl_the_store;
}

int
ctl_status(void)
{
	return ctl_last_status;
}

int
ctl_store_failed(struct store *st, const char *cmd, const char *message)
{
	fprintf(stderr, "postsalectl %s: %s\n", cmd, message);
	return store_exit_db(st);
}

void
ctl_close(void)
{
	ctl_the_store = store_close(ctl_the_store);
	ctl_the_conf = conf_free(ctl_the_conf);
}

int
ctl_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
		    char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	struct buf b = { 0 };
	size_t got;
	int status = EX_IOERR;

	if (f == NULL) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return errno == EACCES || errno == EPERM ? EX_NOPERM : CTL_NOTFOUND;
	}
	buf_reserve(&b, 65536);
	/* read into the reserved room; one byte over max is enough to refuse the file */
	while ((got = fread(b.data + b.len, 1, b.cap - 1 - b.len, f)) > 0) {
		b.len += got;
		if (b.len > max)
			break;
		if (b.len + 1 == b.cap)
			buf_reserve(&b, b.len > max / 2 ? max + 1 - b.len : b.len);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (b.len > max) {
		snprintf(err, errlen, "file is over the limit of %zu bytes", max);
		status = CTL_DATAERR;
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	*buf = (unsigned char *) buf_steal(&b, len);
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	buf_free(&b);
	return status;
}

const char *
ctl_cell(const char *s, char *buf, size_t len)
{
	return s == NULL ? "-" : log_printable(buf, len, s, strlen(s));
}

void
ctl_list_begin(struct json_out *j, int json, const char *header, ...)
{
	va_list ap;

	json_init(j, stdout);
	if (json) {
		json_array_begin(j);
		return;
	}
	va_start(ap, header);
	vprintf(header, ap);
	va_end(ap);
}

void
ctl_list_end(struct json_out *j, int json)
{
	if (json)
		json_array_end(j);
}

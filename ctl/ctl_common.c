/*
 * ctl_common.c - config, store and JSON helpers shared by the postsalectl commands.
 *
 * Trusts the command line only as far as it parses it; all text printed as JSON is
 * escaped here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_common.h"
#include "privdrop.h"
#include "xalloc.h"

const char *ctl_config_path = CONF_DEFAULT_PATH;
static struct ps_conf *ctl_the_conf;
static struct store *ctl_the_store;

struct ps_conf *
ctl_conf(void)
{
	char err[1024];

	if (ctl_the_conf == NULL &&
	    (ctl_the_conf = conf_load(ctl_config_path, err, sizeof(err))) == NULL)
		fprintf(stderr, "postsalectl: %s\n", err);
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
		return NULL;
	}
	ctl_the_store = store_open(conf->database, conf->database_timeout_ms < 5000 ? 5000 :
	    conf->database_timeout_ms, flags, err, sizeof(err));
	if (ctl_the_store == NULL)
		fprintf(stderr, "postsalectl: %s\n", err);
	return ctl_the_store;
}

void
ctl_close(void)
{
	ctl_the_store = store_close(ctl_the_store);
	ctl_the_conf = conf_free(ctl_the_conf);
}

/* utf8_len - length of the valid UTF-8 sequence at s (1..4), or 0 if invalid */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	int n;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void
ctl_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	while (*p) {
		int n = utf8_len(p);

		if (n == 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fputc('\\', out);
			fputc(*p++, out);
		} else if (*p == '\n') {
			fputs("\\n", out), p++;
		} else if (*p == '\t') {
			fputs("\\t", out), p++;
		} else if (*p == '\r') {
			fputs("\\r", out), p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(out, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, (size_t)n, out);
			p += n;
		}
	}
	fputc('"', out);
}

int
ctl_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
		    char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, used = 0, got;
	unsigned char *b;

	if (f == NULL) {
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	b = xmalloc(cap + 1);
	while ((got = fread(b + used, 1, cap - used, f)) > 0) {
		used += got;
		if (used > max)
			break;
		if (used == cap) {
			cap = cap > max / 2 ? max + 1 : cap * 2;
			b = xrealloc(b, cap + 1);
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		goto fail;
	}
	if (used > max) {
		snprintf(err, errlen, "file is over the limit of %zu bytes", max);
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	b[used] = '\0';
	*buf = b;
	*len = used;
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	free(b);
	return -1;
}

/*
 * store_spool.c - the spool of unrecorded records: write, read and list the record
 * files beside the store (store_spool.h).
 *
 * The values come from untrusted invoices and messages: they are escaped on the way
 * out, and a file is parsed strictly on the way back in (unknown keys, bad escapes and
 * values outside an item are refused with file:line).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_spool.h"
#include "util/xalloc.h"

#define SPOOL_MAGIC "postsale-unrecorded 1"

/* The string fields of a journal row, by their key in a record file. */
static const struct spool_field {
	const char *key;
	size_t offset;
} spool_row_fields[] = {
	{"number", offsetof(struct journal_row, number)},
	{"syntax", offsetof(struct journal_row, syntax)},
	{"profile", offsetof(struct journal_row, profile)},
	{"seller", offsetof(struct journal_row, seller)},
	{"buyer", offsetof(struct journal_row, buyer)},
	{"buyer-address", offsetof(struct journal_row, buyer_address)},
	{"issue-date", offsetof(struct journal_row, issue_date)},
	{"due-date", offsetof(struct journal_row, due_date)},
	{"currency", offsetof(struct journal_row, currency)},
	{"total", offsetof(struct journal_row, total)},
	{"payee-ibans", offsetof(struct journal_row, payee_ibans)},
	{"sender", offsetof(struct journal_row, sender)},
	{"message-id", offsetof(struct journal_row, message_id)},
	{"queue-id", offsetof(struct journal_row, queue_id)},
	{"fingerprint", offsetof(struct journal_row, fingerprint)},
	{"verdict", offsetof(struct journal_row, verdict)},
	{"action", offsetof(struct journal_row, action)},
};
#define NFIELDS (sizeof(spool_row_fields) / sizeof(spool_row_fields[0]))

static const char *const spool_kinds[] = {"invoice", "journey-start", "journey-stop",
	"journey-renewal"};

const char *
spool_kind_name(enum spool_kind k)
{
	return (size_t) k < sizeof(spool_kinds) / sizeof(spool_kinds[0]) ? spool_kinds[k] : "?";
}

char *
spool_dir(const char *database)
{
	return xasprintf("%s-unrecorded", database);
}

struct spool_item *
spool_record_add(struct spool_record *r, enum spool_kind kind)
{
	struct spool_item *it;

	r->items = xreallocarray(r->items, r->nitems + 1, sizeof(*r->items));
	it = &r->items[r->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	return it;
}

/* spool_item_clear - free what an item holds */
static void
spool_item_clear(struct spool_item *it)
{
	journal_row_clear(&it->row);
	free(it->customer);
	free(it->name);
	free(it->sender);
	free(it->renewal);
	free(it->since);
}

void
spool_record_drop(struct spool_record *r, size_t n)
{
	if (n > r->nitems)
		n = r->nitems;
	for (size_t i = 0; i < n; i++)
		spool_item_clear(&r->items[i]);
	memmove(r->items, r->items + n, (r->nitems - n) * sizeof(*r->items));
	r->nitems -= n;
}

void
spool_record_clear(struct spool_record *r)
{
	for (size_t i = 0; i < r->nitems; i++)
		spool_item_clear(&r->items[i]);
	free(r->items);
	free(r->queue_id);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

/* put - write "key=value\n" with value escaped; NULL values are left out */
static void
put(FILE *fp, const char *key, const char *value)
{
	if (value == NULL)
		return;
	fprintf(fp, "%s=", key);
	for (const unsigned char *p = (const unsigned char *) value; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", fp);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
	fputc('\n', fp);
}

/* put_item - the lines of one item */
static void
put_item(FILE *fp, const struct spool_item *it)
{
	char num[32], *f;

	put(fp, "item", spool_kind_name(it->kind));
	if (it->kind != SPOOL_INVOICE) {
		put(fp, "customer", it->customer);
		put(fp, "name", it->name);
		put(fp, "sender", it->sender);
		put(fp, "renewal", it->renewal);
		put(fp, "since", it->since);
		return;
	}
	for (size_t i = 0; i < NFIELDS; i++)
		put(fp, spool_row_fields[i].key,
		    *(char **) ((char *) &it->row + spool_row_fields[i].offset));
	snprintf(num, sizeof(num), "%lld", it->row.sent_at);
	put(fp, "sent-at", num);
	for (size_t i = 0; i < it->row.nrcpts; i++)
		put(fp, "rcpt", it->row.rcpts[i]);
	for (size_t i = 0; i < it->row.nfindings; i++) {
		const struct journal_finding *jf = &it->row.findings[i];

		/* rule and severity hold no tab (they are ids); the message may */
		f = xasprintf("%s %s %s", jf->rule_id, jf->severity, jf->message);
		put(fp, "finding", f);
		free(f);
	}
}

/* spool_mkdir - create the spool directory when missing; 0 or -1 + err */
static int
spool_mkdir(const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create the spool of unrecorded records: %s",
		    dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
spool_save(const char *database, const struct spool_record *r, const char *path,
	   char *out, size_t outlen, char *err, size_t errlen)
{
	static pthread_mutex_t seq_lock = PTHREAD_MUTEX_INITIALIZER;
	static unsigned long seq;
	char *dir = spool_dir(database), *final, *tmp, num[32];
	struct timespec ts;
	unsigned long n;
	FILE *fp;
	int fd, rc = -1;

	if (spool_mkdir(dir, err, errlen) != 0) {
		free(dir);
		return -1;
	}
	pthread_mutex_lock(&seq_lock);
	n = ++seq;
	pthread_mutex_unlock(&seq_lock);
	clock_gettime(CLOCK_REALTIME, &ts);
	final = path != NULL ? xstrdup(path) : xasprintf("%s/%lld.%09ld-%ld-%lu.rec", dir,
	    (long long) ts.tv_sec, ts.tv_nsec, (long) getpid(), n);
	tmp = xasprintf("%s/.tmp-%ld-%lu", dir, (long) getpid(), n);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0 ||
	    (fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fprintf(fp, SPOOL_MAGIC "\n");
	put(fp, "queue-id", r->queue_id);
	snprintf(num, sizeof(num), "%lld", r->at);
	put(fp, "at", num);
	put(fp, "reason", r->reason);
	for (size_t i = 0; i < r->nitems; i++)
		put_item(fp, &r->items[i]);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0 || ferror(fp)) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(fp);
		unlink(tmp);
		goto out;
	}
	if (fclose(fp) != 0 || rename(tmp, final) != 0) {
		snprintf(err, errlen, "%s: %s", final, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (out != NULL && outlen > 0)
		snprintf(out, outlen, "%s", final);
	rc = 0;
out:
	free(tmp);
	free(final);
	free(dir);
	return rc;
}

/* unescape - undo put()'s escapes in place; 0, or -1 on a bad escape */
static int
unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (*p != '\\') {
			*w++ = *p;
			continue;
		}
		switch (*++p) {
		case '\\': *w++ = '\\'; break;
		case 'n': *w++ = '\n'; break;
		case 't': *w++ = '\t'; break;
		case 'x': {
			char hex[3] = {0};
			char *end;
			long v;

			if (p[1] == '\0' || p[2] == '\0')
				return -1;
			hex[0] = p[1];
			hex[1] = p[2];
			v = strtol(hex, &end, 16);
			if (*end != '\0' || v <= 0)
				return -1;
			*w++ = (char) v;
			p += 2;
			break;
		}
		default:
			return -1;
		}
	}
	*w = '\0';
	return 0;
}

/* set_item_value - one KEY=VALUE line of an item; 0 or -1 (unknown key) */
static int
set_item_value(struct spool_item *it, const char *key, const char *value)
{
	char **slot = NULL;

	if (it->kind != SPOOL_INVOICE) {
		if (strcmp(key, "customer") == 0)
			slot = &it->customer;
		else if (strcmp(key, "name") == 0)
			slot = &it->name;
		else if (strcmp(key, "sender") == 0)
			slot = &it->sender;
		else if (strcmp(key, "renewal") == 0)
			slot = &it->renewal;
		else if (strcmp(key, "since") == 0)
			slot = &it->since;
	} else if (strcmp(key, "sent-at") == 0) {
		it->row.sent_at = strtoll(value, NULL, 10);
		return 0;
	} else if (strcmp(key, "rcpt") == 0) {
		it->row.rcpts = xreallocarray(it->row.rcpts, it->row.nrcpts + 2, sizeof(char *));
		it->row.rcpts[it->row.nrcpts++] = xstrdup(value);
		it->row.rcpts[it->row.nrcpts] = NULL;
		return 0;
	} else if (strcmp(key, "finding") == 0) {
		const char *sp1 = strchr(value, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		char *rule, *sev;

		if (sp2 == NULL)
			return -1;
		rule = xstrndup(value, (size_t) (sp1 - value));
		sev = xstrndup(sp1 + 1, (size_t) (sp2 - sp1 - 1));
		journal_row_add_finding(&it->row, rule, sev, sp2 + 1);
		free(rule);
		free(sev);
		return 0;
	} else
		for (size_t i = 0; i < NFIELDS; i++)
			if (strcmp(key, spool_row_fields[i].key) == 0)
				slot = (char **) ((char *) &it->row + spool_row_fields[i].offset);
	if (slot == NULL)
		return -1;
	free(*slot);
	*slot = xstrdup(value);
	return 0;
}

int
spool_load(const char *path, struct spool_record *r, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *eq;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	struct spool_item *it = NULL;
	const char *why = NULL;

	if (fp == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (why == NULL && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (lineno == 1) {
			if (strcmp(line, SPOOL_MAGIC) != 0)
				why = "not a record of unrecorded mail (first line)";
			continue;
		}
		if ((eq = strchr(line, '=')) == NULL) {
			why = "expected KEY=VALUE";
			break;
		}
		*eq++ = '\0';
		if (unescape(eq) != 0)
			why = "bad escape in the value";
		else if (strcmp(line, "item") == 0) {
			size_t k;

			for (k = 0; k < sizeof(spool_kinds) / sizeof(spool_kinds[0]); k++)
				if (strcmp(eq, spool_kinds[k]) == 0)
					break;
			if (k == sizeof(spool_kinds) / sizeof(spool_kinds[0]))
				why = "unknown item kind";
			else
				it = spool_record_add(r, (enum spool_kind) k);
		} else if (it == NULL && strcmp(line, "queue-id") == 0) {
			free(r->queue_id);
			r->queue_id = xstrdup(eq);
		} else if (it == NULL && strcmp(line, "reason") == 0) {
			free(r->reason);
			r->reason = xstrdup(eq);
		} else if (it == NULL && strcmp(line, "at") == 0)
			r->at = strtoll(eq, NULL, 10);
		else if (it == NULL || set_item_value(it, line, eq) != 0)
			why = "unknown key";
	}
	if (why == NULL && lineno == 0)
		why = "empty file";
	if (why == NULL && ferror(fp))
		why = strerror(errno);
	free(line);
	fclose(fp);
	if (why != NULL) {
		snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
		spool_record_clear(r);
		return -1;
	}
	return 0;
}

/* by_name - qsort order of two paths */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

int
spool_list(const char *database, char ***paths, size_t *n, char *err, size_t errlen)
{
	char *dir = spool_dir(database);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t len;

	*paths = xcalloc(1, sizeof(**paths));
	*n = 0;
	if (d == NULL) {
		int missing = errno == ENOENT;

		if (!missing)
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(dir);
		return missing ? 0 : -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 5 || strcmp(de->d_name + len - 4, ".rec") != 0)
			continue;
		*paths = xreallocarray(*paths, *n + 2, sizeof(**paths));
		(*paths)[(*n)++] = xasprintf("%s/%s", dir, de->d_name);
		(*paths)[*n] = NULL;
	}
	closedir(d);
	free(dir);
	qsort(*paths, *n, sizeof(**paths), by_name);
	return 0;
}

void
spool_list_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

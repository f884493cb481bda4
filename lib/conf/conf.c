/*
 * conf.c - read postsale.conf and check every value against the table in conf_keys.c.
 *
 * The file is the administrator's, but is still checked as untrusted text: an unknown
 * key, a malformed value or a key given twice is an error naming file:line and the key,
 * and nothing of a bad file is used.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_check.h"
#include "util/log.h"
#include "util/xalloc.h"

#define FIELD(conf, key, type) ((type *) ((char *) (conf) + (key)->offset))

const struct conf_key *
conf_key_find(const char *name)
{
	for (size_t i = 0; i < conf_nkeys; i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

const char *
conf_pair_lookup(const struct conf_list *list, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < list->n; i++) {
		const char *e = list->v[i], *eq = strchr(e, '=');
		size_t n;

		if (eq == NULL)
			continue;
		n = (size_t) (eq - e);
		if ((n == klen && strncasecmp(e, key, n) == 0) ||
		    (n > 2 && e[0] == '*' && e[1] == '.' && klen > n - 1 &&
		     strncasecmp(key + klen - (n - 1), e + 1, n - 1) == 0)) {
			*len = strlen(eq + 1);
			return eq + 1;
		}
	}
	return NULL;
}

int
conf_list_has(const struct conf_list *list, const char *word)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcasecmp(list->v[i], word) == 0)
			return 1;
	return 0;
}

/* conf_list_clear - free the words of a list */
static void
conf_list_clear(struct conf_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

/* conf_list_parse - split value at commas and white space into list */
static void
conf_list_parse(const char *value, struct conf_list *list)
{
	char *copy = xstrdup(value), *save = NULL, *word;

	for (word = strtok_r(copy, ", \t", &save); word != NULL;
	     word = strtok_r(NULL, ", \t", &save)) {
		list->v = xreallocarray(list->v, list->n + 1, sizeof(*list->v));
		list->v[list->n++] = xstrdup(word);
	}
	free(copy);
}

/* conf_lines_add - one more entry of a repeatable key; its first field (up to ';' or
 * white space) must not repeat an earlier entry's; an empty value adds nothing */
static int
conf_lines_add(struct conf_list *list, const char *value, char *why, size_t whylen)
{
	size_t n = strcspn(value, "; \t");

	if (*value == '\0')
		return 0;
	for (size_t i = 0; i < list->n; i++)
		if (strcspn(list->v[i], "; \t") == n && strncasecmp(list->v[i], value, n) == 0) {
			snprintf(why, whylen, "'%.*s' is given twice", (int) (n > 80 ? 80 : n), value);
			return -1;
		}
	list->v = xreallocarray(list->v, list->n + 1, sizeof(*list->v));
	list->v[list->n++] = xstrdup(value);
	return 0;
}

/* conf_enum_index - index of word among the '|'-separated choices, or -1 */
static int
conf_enum_index(const char *choices, const char *word)
{
	size_t wlen = strlen(word);
	int i = 0;

	for (const char *p = choices; *p != '\0'; i++) {
		size_t n = strcspn(p, "|");
		if (n == wlen && strncasecmp(p, word, n) == 0)
			return i;
		p += n;
		if (*p == '|')
			p++;
	}
	return -1;
}

/* conf_clear_field - release what a field holds before it is set again */
static void
conf_clear_field(struct ps_conf *conf, const struct conf_key *key)
{
	switch (key->type) {
	case CONF_STRING:
	case CONF_PATH:
		free(*FIELD(conf, key, char *));
		*FIELD(conf, key, char *) = NULL;
		break;
	case CONF_LIST:
	case CONF_LINES:
		conf_list_clear(FIELD(conf, key, struct conf_list));
		break;
	case CONF_NETWORKS:
		*FIELD(conf, key, struct netmatch *) =
		    netmatch_free(*FIELD(conf, key, struct netmatch *));
		free(*(char **) ((char *) conf + key->text_offset));
		*(char **) ((char *) conf + key->text_offset) = NULL;
		break;
	default:
		break;
	}
}

/* conf_set - check value against key's type and store it; 0, or -1 with a reason */
static int
conf_set(struct ps_conf *conf, const struct conf_key *key, const char *value,
    char *why, size_t whylen)
{
	int n;
	size_t size;
	long ms;
	struct netmatch *nm;

	if (key->check != NULL && key->check(value, why, whylen) != 0)
		return -1;

	switch (key->type) {
	case CONF_STRING:
	case CONF_PATH:
		if (key->type == CONF_PATH && *value != '\0' && *value != '/') {
			snprintf(why, whylen, "'%s' is not an absolute path", value);
			return -1;
		}
		conf_clear_field(conf, key);
		*FIELD(conf, key, char *) = xstrdup(value);
		return 0;
	case CONF_BOOL:
		if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
		    strcasecmp(value, "on") == 0 || strcmp(value, "1") == 0)
			n = 1;
		else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0 ||
		    strcasecmp(value, "off") == 0 || strcmp(value, "0") == 0)
			n = 0;
		else {
			snprintf(why, whylen, "'%s' is not yes or no", value);
			return -1;
		}
		*FIELD(conf, key, int) = n;
		return 0;
	case CONF_INT: {
		char *end;
		long long v = strtoll(value, &end, 10);
		if (*value == '\0' || *end != '\0' || v < 0 || v > LONG_MAX) {
			snprintf(why, whylen, "'%s' is not a whole number", value);
			return -1;
		}
		*FIELD(conf, key, long) = (long) v;
		return 0;
	}
	case CONF_SIZE:
		if (conf_parse_size(value, &size) != 0) {
			snprintf(why, whylen, "'%s' is not a size (like 512k or 25M)", value);
			return -1;
		}
		*FIELD(conf, key, size_t) = size;
		return 0;
	case CONF_DURATION:
		if (conf_parse_duration(value, &ms) != 0) {
			snprintf(why, whylen, "'%s' is not a duration (like 250ms, 30s or 5m)", value);
			return -1;
		}
		*FIELD(conf, key, long) = ms;
		return 0;
	case CONF_ENUM:
		if ((n = conf_enum_index(key->choices, value)) < 0) {
			snprintf(why, whylen, "'%s' is not one of %s", value, key->choices);
			return -1;
		}
		*FIELD(conf, key, int) = n;
		return 0;
	case CONF_LIST:
		conf_clear_field(conf, key);
		conf_list_parse(value, FIELD(conf, key, struct conf_list));
		return 0;
	case CONF_LINES:
		return conf_lines_add(FIELD(conf, key, struct conf_list), value, why, whylen);
	case CONF_NETWORKS:
		if ((nm = netmatch_parse(value, why, whylen)) == NULL)
			return -1;
		conf_clear_field(conf, key);
		*FIELD(conf, key, struct netmatch *) = nm;
		*(char **) ((char *) conf + key->text_offset) = xstrdup(value);
		return 0;
	case CONF_FACILITY:
		if ((n = log_facility(value)) < 0) {
			snprintf(why, whylen, "'%s' is not a syslog facility (mail, daemon, local0 ... local7)", value);
			return -1;
		}
		*FIELD(conf, key, int) = n;
		return 0;
	case CONF_LEVEL:
		if ((n = log_level(value)) < 0) {
			snprintf(why, whylen, "'%s' is not a level (err, warning, notice, info, debug)", value);
			return -1;
		}
		*FIELD(conf, key, int) = n;
		return 0;
	}
	snprintf(why, whylen, "internal error: unknown type");
	return -1;
}

struct ps_conf *
conf_defaults(void)
{
	struct ps_conf *conf = xcalloc(1, sizeof(*conf));
	char why[256];

	for (size_t i = 0; i < conf_nkeys; i++)
		if (conf_set(conf, &conf_keys[i], conf_keys[i].def, why, sizeof(why)) != 0) {
			/* The table is the program's own: a bad default is a bug. */
			fprintf(stderr, "postsale: default of %s: %s\n", conf_keys[i].name, why);
			abort();
		}
	return conf;
}

struct ps_conf *
conf_free(struct ps_conf *conf)
{
	if (conf == NULL)
		return NULL;
	for (size_t i = 0; i < conf_nkeys; i++)
		conf_clear_field(conf, &conf_keys[i]);
	free(conf->path);
	free(conf);
	return NULL;
}

/* conf_trim - strip white space at both ends, in place */
static char *
conf_trim(char *s)
{
	char *end;

	while (isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

/* conf_apply - check and store one "key = value" from path:lineno */
static int
conf_apply(struct ps_conf *conf, unsigned char *seen, const char *path, int lineno,
    char *line, char *err, size_t errlen)
{
	char *eq = strchr(line, '='), *name, *value, why[512];
	const struct conf_key *key;

	if (eq == NULL) {
		snprintf(err, errlen, "%s:%d: expected 'key = value', got '%.60s'", path, lineno, line);
		return -1;
	}
	*eq = '\0';
	name = conf_trim(line);
	value = conf_trim(eq + 1);
	if ((key = conf_key_find(name)) == NULL) {
		snprintf(err, errlen, "%s:%d: %.60s: unknown key", path, lineno, name);
		return -1;
	}
	if (seen[key - conf_keys] && key->type != CONF_LINES) {
		snprintf(err, errlen, "%s:%d: %s: given twice", path, lineno, name);
		return -1;
	}
	seen[key - conf_keys] = 1;
	if (conf_set(conf, key, value, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s:%d: %s: %s", path, lineno, name, why);
		return -1;
	}
	return 0;
}

struct ps_conf *
conf_load(const char *path, char *err, size_t errlen)
{
	FILE *fp;
	struct ps_conf *conf;
	unsigned char *seen;
	char *line = NULL, *pending = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, pending_line = 0, rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	conf = conf_defaults();
	conf->path = xstrdup(path);
	seen = xcalloc(conf_nkeys, 1);
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		char *hash, *text;

		lineno++;
		if (memchr(line, '\0', (size_t) len) != NULL) {
			snprintf(err, errlen, "%s:%d: NUL byte in the file", path, lineno);
			rc = -1;
			break;
		}
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (isspace((unsigned char) line[0]) && pending != NULL) {
			text = conf_trim(line);	/* continuation of the previous value */
			if (*text != '\0') {
				char *joined = xasprintf("%s %s", pending, text);
				free(pending);
				pending = joined;
			}
			continue;
		}
		if (pending != NULL) {
			rc = conf_apply(conf, seen, path, pending_line, pending, err, errlen);
			pending = (free(pending), NULL);
		}
		text = conf_trim(line);
		if (*text != '\0') {
			pending = xstrdup(text);
			pending_line = lineno;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && pending != NULL)
		rc = conf_apply(conf, seen, path, pending_line, pending, err, errlen);
	if (rc == 0)
		rc = conf_check_secret_file(conf, fileno(fp), err, errlen);
	free(pending);
	free(line);
	free(seen);
	fclose(fp);
	if (rc != 0)
		return conf_free(conf);
	return conf;
}

/*
 * runtime.c - hold the config in force and swap it on reload.
 *
 * The config file is read here only on reload; conf_load() checks it completely before
 * anything of it is used, so a bad file leaves the running config alone.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "runtime.h"
#include "util/xalloc.h"

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf_ref *runtime_conf;

int
runtime_set_conf(struct ps_conf *conf, char *err, size_t errlen)
{
	struct conf_ref *ref, *old;
	struct filter_ctx *fc = filter_ctx_new(conf, err, errlen);

	if (fc == NULL) {
		conf_free(conf);
		return -1;
	}
	ref = xcalloc(1, sizeof(*ref));
	ref->conf = conf;
	ref->filter = fc;
	ref->refs = 1;			/* the runtime's own reference */
	pthread_mutex_lock(&runtime_lock);
	old = runtime_conf;
	runtime_conf = ref;
	pthread_mutex_unlock(&runtime_lock);
	runtime_put_conf(old);
	return 0;
}

struct conf_ref *
runtime_get_conf(void)
{
	struct conf_ref *ref;

	pthread_mutex_lock(&runtime_lock);
	ref = runtime_conf;
	ref->refs++;
	pthread_mutex_unlock(&runtime_lock);
	return ref;
}

struct conf_ref *
runtime_put_conf(struct conf_ref *ref)
{
	int last;

	if (ref == NULL)
		return NULL;
	pthread_mutex_lock(&runtime_lock);
	last = --ref->refs == 0;
	pthread_mutex_unlock(&runtime_lock);
	if (last) {
		filter_ctx_free(ref->filter);
		conf_free(ref->conf);
		free(ref);
	}
	return NULL;
}

struct conf_ref *
runtime_release(void)
{
	struct conf_ref *ref;

	pthread_mutex_lock(&runtime_lock);
	ref = runtime_conf;
	runtime_conf = NULL;
	pthread_mutex_unlock(&runtime_lock);
	return ref;
}

int
runtime_reload(const char *path, char *err, size_t errlen, char *note, size_t notelen)
{
	struct ps_conf *fresh = conf_load(path, err, errlen);
	struct conf_ref *cur;
	int level;
	static const char *const restart_keys[] = {"socket", "user", "pid-file", "syslog-facility"};

	note[0] = '\0';
	if (fresh == NULL)
		return -1;
	cur = runtime_get_conf();
	for (size_t i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++) {
		const struct conf_key *k = conf_key_find(restart_keys[i]);
		int same;

		if (k->type == CONF_FACILITY)
			same = *(int *) ((char *) fresh + k->offset) ==
			    *(int *) ((char *) cur->conf + k->offset);
		else
			same = strcmp(*(char **) ((char *) fresh + k->offset),
			    *(char **) ((char *) cur->conf + k->offset)) == 0;
		if (!same) {
			size_t used = strlen(note);
			snprintf(note + used, notelen - used, "%s%s", used ? ", " : "", k->name);
		}
	}
	runtime_put_conf(cur);
	level = fresh->log_level;
	if (runtime_set_conf(fresh, err, errlen) != 0)
		return -1;
	log_set_level(level);
	return 0;
}

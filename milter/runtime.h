/*
 * runtime.h - the filter's shared state: the config in force, swapped whole on SIGHUP.
 * Each connection holds a reference to the config it started with, so a reload never
 * changes the rules in the middle of a message.
 */
#ifndef PS_RUNTIME_H
#define PS_RUNTIME_H

#include "conf/conf.h"
#include "filter/filter.h"

struct conf_ref {
	struct ps_conf *conf;
	struct filter_ctx *filter;	/* compiled from conf: templates, onboarding rules */
	int refs;
};

/*
 * runtime_set_conf - make conf (now owned here) the config in force, with its compiled
 * filter context; 0, or -1 with the reason in err (conf is then freed).
 */
int runtime_set_conf(struct ps_conf *conf, char *err, size_t errlen);
/* runtime_get_conf - a counted reference to the config in force; release it with _put */
struct conf_ref *runtime_get_conf(void);
struct conf_ref *runtime_put_conf(struct conf_ref *ref);
/* runtime_release - the runtime's own reference (the caller puts it), or NULL; at exit */
struct conf_ref *runtime_release(void);
/*
 * runtime_reload - read path again; on success swap it in and return 0, else keep the
 * config in force and return -1 with the reason in err. Settings that only a restart
 * can change are named in note (empty when none).
 */
int runtime_reload(const char *path, char *err, size_t errlen, char *note, size_t notelen);

#endif

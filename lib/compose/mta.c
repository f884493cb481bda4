/*
 * mta.c - queue ids, held files and release/discard commands (mta.h).
 *
 * The queue id comes from the web side of postsale-web (which a client drives) and is
 * checked here before it reaches a path or an argv; no shell ever sees it.
 */
#include <stdio.h>
#include <string.h>

#include "mta.h"
#include "util/xalloc.h"

/* Postfix's long queue ids: digits and the consonants (base 52). */
#define PF_BASE52 "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz"

int
mta_queue_id_valid(enum mta_kind kind, const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n == 0 || n > MTA_QID_MAX)
		return 0;
	if (kind == MTA_SENDMAIL)
		return n >= 8 && n <= 20 && strspn(id,
		    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == n;
	if (strspn(id, "0123456789ABCDEF") == n)
		return n >= 6 && n <= 16;
	if (n < 12 || strspn(id, PF_BASE52) != n)
		return 0;
	/* the 'z' between the time and the inode number: not first, not last */
	const char *z = strrchr(id, 'z');
	return z != NULL && z != id && z[1] != '\0' && strchr(id, 'z') >= id + 10;
}

char *
mta_hold_path(enum mta_kind kind, const char *queue_dir, const char *id)
{
	if (kind == MTA_SENDMAIL)
		return xasprintf("%s/hf%s", queue_dir, id);
	return xasprintf("%s/hold/%s", queue_dir, id);
}

const char *
mta_op_name(enum mta_op op)
{
	return op == MTA_RELEASE ? "release" : "discard";
}

int
mta_argv(enum mta_kind kind, const struct mta_paths *p, enum mta_op op, const char *id,
    const char **argv, char *buf, size_t buflen, char *why, size_t whylen)
{
	size_t i = 0;

	if (!mta_queue_id_valid(kind, id)) {
		snprintf(why, whylen, "not a %s queue id", kind == MTA_POSTFIX ? "Postfix" : "Sendmail");
		return -1;
	}
	if (kind == MTA_POSTFIX) {
		argv[i++] = p->postsuper;
		if (p->config_dir != NULL && p->config_dir[0] != '\0') {
			argv[i++] = "-c";
			argv[i++] = p->config_dir;
		}
		argv[i++] = op == MTA_RELEASE ? "-H" : "-d";
		argv[i++] = id;
	} else {
		if (op == MTA_DISCARD) {
			snprintf(why, whylen, "discard is not offered for Sendmail (it has no command that deletes one message)");
			return -1;
		}
		snprintf(buf, buflen, "-qI%s", id);
		argv[i++] = p->sendmail;
		argv[i++] = "-qQ";
		argv[i++] = "-Q";
		argv[i++] = buf;
	}
	argv[i] = NULL;
	return 0;
}

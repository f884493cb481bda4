/*
 * send_checkins.h - postsale-mailer's check-in work: find the invitations that are due,
 * build each (lib/invite, lib/invite_mime) and hand it to the outbox, recording the
 * outcome in the store with the claim / record protocol of store_journey.h.
 */
#ifndef PS_SEND_CHECKINS_H
#define PS_SEND_CHECKINS_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "outbox.h"
#include "store/store.h"
#include "store/store_journey.h"
#include "note/tmpl.h"

struct mailer_counts {
	unsigned long sent;		/* handed over (or written, in a dry run) */
	unsigned long retry;		/* temporary failures, retried later */
	unsigned long failed;		/* now in state failed */
};

/*
 * The descriptions: describe is the checkin template of the config's note-language
 * (tmpl_set_load_kind, TMPL_KIND_CHECKIN), or NULL for invite_describe()'s built-in
 * English text.
 *
 * mailer_send_checkins - send every due check-in invitation at now (a first invitation
 * once the check-in starts within ahead seconds; updates and CANCELs at once). In a dry
 * run (outbox_is_dry_run) nothing is claimed or recorded. Stops early after three
 * temporary failures in a row (the server is down: the rest waits for the next run).
 * Returns 0, or -1 with err when the store failed (what was sent is recorded, or left
 * pending to be resent with the same UID and SEQUENCE).
 */
int mailer_send_checkins(const struct ps_conf *conf, const tmpl *describe, struct store *st,
			 struct outbox *ob, time_t now, long ahead, struct mailer_counts *counts,
			 char *err, size_t errlen);

/*
 * mailer_checkin_message - the mail of one check-in as it is now (REQUEST, or CANCEL
 * when cancelled) made at now: *msg (*len bytes) and the envelope recipients in rcpts
 * (pointers into ci, at most 2, count in *nrcpts). The caller frees *msg. 0, or -1
 * with err (an address that is not one, an unknown zone: a permanent failure).
 */
int mailer_checkin_message(const struct ps_conf *conf, const tmpl *describe, struct store *st,
			   const struct store_checkin *ci, time_t now, char **msg, size_t *len,
			   const char *rcpts[2], size_t *nrcpts, char *err, size_t errlen);

#endif

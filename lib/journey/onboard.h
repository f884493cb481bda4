/*
 * onboard.h - is an outbound message an onboarding or an off-boarding signal?
 *
 * Pure code over a parsed message: the rules come from the config (onboarding-header,
 * onboarding-senders, onboarding-subject, offboarding-header, renewal-header,
 * onboarded-header) and are compiled once by onboard_rules_new(); the message, its headers and the sender are
 * untrusted and only compared, never stored here.
 */
#ifndef PS_ONBOARD_H
#define PS_ONBOARD_H

#include <stddef.h>

#include <gmime/gmime.h>

#include "conf/conf.h"
#include "mime/mime_head.h"

enum onboard_kind { ONBOARD_NONE, ONBOARD_START, ONBOARD_STOP };

struct onboard_info {
	enum onboard_kind kind;
	int has_renewal;		/* the renewal header held a valid date */
	char renewal[11];		/* YYYY-MM-DD */
	int has_since;			/* the onboarded header held a valid date */
	char since[11];			/* YYYY-MM-DD: onboarded on that day (manager's zone) */
};

struct onboard_rules;

/*
 * onboard_rules_new - compile the onboarding rules of conf (the subject pattern is a
 * case-insensitive POSIX extended regex). Returns rules the caller frees with
 * onboard_rules_free(), or NULL with one line in err naming the key and the value.
 */
struct onboard_rules *onboard_rules_new(const struct ps_conf *conf, char *err, size_t errlen);
struct onboard_rules *onboard_rules_free(struct onboard_rules *r);

/*
 * onboard_classify - fill *out for msg sent by the envelope sender (may be NULL).
 * ONBOARD_STOP when the off-boarding header is set; else ONBOARD_START when the
 * onboarding header is set, the sender is one of onboarding-senders (without case),
 * or the decoded Subject matches onboarding-subject; else ONBOARD_NONE. A header
 * counts when its value is not empty and not "no", "0", "false" or "off". The renewal
 * header is read in every case (has_renewal 0 when absent or not a valid date), and so
 * is the onboarded header (has_since; 30 February is no date).
 */
void onboard_classify(const struct onboard_rules *r, const struct mime_head *msg, const char *sender,
		      struct onboard_info *out);

/* onboard_header_set - 1 if a header value counts as set (see onboard_classify) */
int onboard_header_set(const char *value);

/* onboard_bare_address - an address as a sender, a header or a config gives it (white
 * space and <> around it) without them, in buf of len bytes; NULL for NULL s and for an
 * address that does not fit. Returns buf. */
const char *onboard_bare_address(const char *s, char *buf, size_t len);

#endif

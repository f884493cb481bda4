/*
 * invite_summary.h - the weekly mail to an account manager that lists the check-ins
 * whose invitation has no answer yet (postsale-mailer summary sends it).
 *
 * The rows come from the store (store_reply_unanswered); customer names and addresses
 * came from mail and are untrusted: header texts are encoded (invite_header_encode),
 * the body is plain UTF-8 text without control characters.
 */
#ifndef PS_INVITE_SUMMARY_H
#define PS_INVITE_SUMMARY_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "store/store_journey.h"

/*
 * invite_summary_build - the summary for manager (display name manager_name, may be
 * NULL) of the n check-ins v (all of that manager), made at now: an RFC 5322 message
 * with CRLF line ends into *out (*len bytes; the caller frees), From postsale-address,
 * To the manager, a Message-ID derived from the manager and the day. 0, or -1 with
 * err (an address that is not one, nothing to list).
 */
int invite_summary_build(const struct ps_conf *conf, const char *manager,
			 const char *manager_name, const struct store_checkin *v, size_t n,
			 time_t now, char **out, size_t *len, char *err, size_t errlen);

#endif

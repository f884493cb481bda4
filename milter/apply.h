/*
 * apply.h - carry out a filter_result through libmilter, and log what was done.
 */
#ifndef PS_APPLY_H
#define PS_APPLY_H

#include <libmilter/mfapi.h>

#include "filter/filter.h"
#include "mime/msg.h"

enum apply_outcome {
	APPLY_ACCEPT,		/* deliver (with whatever was changed) */
	APPLY_REJECT,		/* the reply is set: 5xx */
	APPLY_TEMPFAIL,		/* the reply is set: 4xx */
	APPLY_FAILED,		/* libmilter refused an edit: follow on-error */
};

/*
 * apply_result - every edit of res on the message of ctx; logs one line per decision.
 * leadspc: SMFIP_HDR_LEADSPC was agreed (header values carry their leading space).
 */
enum apply_outcome apply_result(SMFICTX *ctx, const struct ps_msg *m,
    const struct filter_result *res, int leadspc);

#endif

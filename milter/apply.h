/*
 * apply.h - carry out a filter_result through an edit sink, and log what was done.
 */
#ifndef PS_APPLY_H
#define PS_APPLY_H

#include "filter/filter.h"
#include "mime/msg.h"

/*
 * apply_result - log one line per decision of res, then give sink every edit of res
 * (filter_edit()): FILTER_ACCEPT, FILTER_REJECT or FILTER_TEMPFAIL (the reply is
 * set), or FILTER_FAILED (the sink refused an edit: follow on-error).
 */
enum filter_outcome apply_result(const struct filter_sink *sink, const struct ps_msg *m,
    const struct filter_result *res);

#endif

/*
 * apply.c - carry out a filter_result: log one line per decision, and give every edit
 * to an edit sink (filter_edit()): in the milter the sink of libmilter (sink.c), in
 * the tests one that records (tests/unit/check_apply.c). A refused edit is reported
 * to the caller, which follows the on-error policy.
 *
 * The values logged are made printable here; those edited were made safe by the
 * pipeline (printable ASCII, no '%').
 */
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "util/log.h"

/* apply_log - one line per invoice, and one for the note and the journey */
static void
apply_log(const struct ps_msg *m, const struct filter_result *res)
{
	char num[80], ids[512];

	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];
		size_t off = 0;

		ids[0] = '\0';
		for (size_t j = 0; j < fi->findings->n && off < sizeof(ids) - 40; j++)
			off += (size_t) snprintf(ids + off, sizeof(ids) - off, "%s%s", j ? " " : "",
			    fi->findings->v[j].id);
		log_msg(fi->has_error ? LOG_NOTICE : LOG_INFO, m->qid,
		    "invoice %s (%s %s, part %s): %s%s%s",
		    fi->found.inv ? log_printable(num, sizeof(num), fi->found.inv->number ?
		    fi->found.inv->number : "?", strlen(fi->found.inv->number ? fi->found.inv->number : "?")) : "unreadable",
		    fi->found.inv ? inv_syntax_name(fi->found.inv->syntax) : "-", fi->found.container,
		    fi->found.part, fi->verdict, *ids ? ": " : "", ids);
	}
	if (res->flagged || res->warned)
		log_msg(LOG_NOTICE, m->qid, "action: %s%s", filter_action_name(res->action),
		    res->nadd_rcpts ? ", copy to finance" : "");
	if (res->note_added)
		log_msg(LOG_INFO, m->qid, "thank-you note added");
	else if (res->note_reason[0] != '\0')
		log_msg(LOG_INFO, m->qid, "no thank-you note: %s", res->note_reason);
	if (res->onboard.kind == ONBOARD_START)
		log_msg(LOG_INFO, m->qid, "onboarding: journey %s for the external recipients",
		    res->unrecorded ? "not yet recorded (see above)" : "started");
	else if (res->onboard.kind == ONBOARD_STOP)
		log_msg(LOG_INFO, m->qid, "off-boarding: %s",
		    res->unrecorded ? "not yet recorded (see above)" : "future check-ins cancelled");
}

enum filter_outcome
apply_result(const struct filter_sink *sink, const struct ps_msg *m,
    const struct filter_result *res)
{
	apply_log(m, res);
	return filter_edit(res, sink);
}

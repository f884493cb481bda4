/*
 * apply.c - the one place that changes messages through libmilter: header edits, the
 * new body, quarantine, finance's copy, and the reply of a rejected or deferred
 * invoice. Each smfi_* call is checked; a refused edit is reported to the caller, which
 * follows the on-error policy.
 *
 * The values passed on were made safe by lib/filter.c (printable ASCII, no '%').
 */
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "util/log.h"

/*
 * apply_headers - the header edits, in order. With SMFIP_HDR_LEADSPC agreed, header
 * values travel with their leading white space both ways, so ours get the usual space.
 */
static int
apply_headers(SMFICTX *ctx, const struct filter_result *res, int leadspc)
{
	char value[2048];

	for (size_t i = 0; i < res->nhdrs; i++) {
		const struct filter_hdr *h = &res->hdrs[i];
		int rc;

		if (h->value != NULL)
			snprintf(value, sizeof(value), "%s%s", leadspc ? " " : "", h->value);
		switch (h->op) {
		case FILTER_HDR_DELETE:
			rc = smfi_chgheader(ctx, h->name, h->index, NULL);
			break;
		case FILTER_HDR_CHANGE:
			rc = smfi_chgheader(ctx, h->name, h->index, value);
			break;
		default:
			rc = smfi_addheader(ctx, h->name, value);
			break;
		}
		if (rc != MI_SUCCESS)
			return -1;
	}
	return 0;
}

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

enum apply_outcome
apply_result(SMFICTX *ctx, const struct ps_msg *m, const struct filter_result *res, int leadspc)
{
	apply_log(m, res);
	if (res->action == CONF_ACTION_REJECT) {
		smfi_setreply(ctx, "550", "5.7.1", res->reason);
		return APPLY_REJECT;
	}
	if (res->action == CONF_ACTION_TEMPFAIL) {
		smfi_setreply(ctx, "451", "4.7.1", res->reason);
		return APPLY_TEMPFAIL;
	}
	if (apply_headers(ctx, res, leadspc) != 0)
		return APPLY_FAILED;
	if (res->body != NULL &&
	    smfi_replacebody(ctx, (unsigned char *) res->body, (int) res->body_len) != MI_SUCCESS)
		return APPLY_FAILED;
	for (size_t i = 0; i < res->nadd_rcpts; i++)
		if (smfi_addrcpt(ctx, res->add_rcpts[i]) != MI_SUCCESS)
			return APPLY_FAILED;
	if (res->action == CONF_ACTION_HOLD && res->reason != NULL &&
	    smfi_quarantine(ctx, res->reason) != MI_SUCCESS)
		return APPLY_FAILED;
	return APPLY_ACCEPT;
}

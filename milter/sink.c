/*
 * sink.c - the milter's edit sink: the one place that changes messages through
 * libmilter (header edits, the new body, finance's copy, quarantine, the reply of a
 * rejected or deferred invoice). Each smfi_* call is checked; a refused edit is
 * reported to lib/filter's filter_edit(), whose caller follows the on-error policy.
 * The values passed on were made safe by the pipeline (printable ASCII, no '%').
 */
#include <stdio.h>

#include <libmilter/mfdef.h>

#include "sink.h"

/* sink_header - smfi_addheader or smfi_chgheader (a NULL value deletes) */
static int
sink_header(void *ctx, const struct hdr_edit *h)
{
	struct milter_sink *ms = ctx;
	char value[2048];
	int rc;

	if (h->value != NULL)
		snprintf(value, sizeof(value), "%s%s", ms->leadspc ? " " : "", h->value);
	switch (h->op) {
	case HDR_EDIT_DELETE:
		rc = smfi_chgheader(ms->ctx, h->name, h->index, NULL);
		break;
	case HDR_EDIT_CHANGE:
		rc = smfi_chgheader(ms->ctx, h->name, h->index, value);
		break;
	default:
		rc = smfi_addheader(ms->ctx, h->name, value);
		break;
	}
	return rc == MI_SUCCESS ? 0 : -1;
}

/* sink_body - smfi_replacebody: at most MILTER_CHUNK_SIZE octets, one message to the MTA */
static int
sink_body(void *ctx, const char *body, size_t len)
{
	struct milter_sink *ms = ctx;

	return smfi_replacebody(ms->ctx, (unsigned char *) body, (int) len) == MI_SUCCESS ? 0 : -1;
}

/* sink_add_rcpt - smfi_addrcpt */
static int
sink_add_rcpt(void *ctx, const char *rcpt)
{
	struct milter_sink *ms = ctx;

	return smfi_addrcpt(ms->ctx, (char *) rcpt) == MI_SUCCESS ? 0 : -1;
}

/* sink_quarantine - smfi_quarantine */
static int
sink_quarantine(void *ctx, const char *reason)
{
	struct milter_sink *ms = ctx;

	return smfi_quarantine(ms->ctx, (char *) reason) == MI_SUCCESS ? 0 : -1;
}

/* sink_reply - smfi_setreply */
static int
sink_reply(void *ctx, const char *rcode, const char *xcode, const char *text)
{
	struct milter_sink *ms = ctx;

	return smfi_setreply(ms->ctx, (char *) rcode, (char *) xcode, (char *) text) == MI_SUCCESS ?
	    0 : -1;
}

void
milter_sink(struct milter_sink *ms, SMFICTX *ctx, int leadspc, struct filter_sink *sink)
{
	ms->ctx = ctx;
	ms->leadspc = leadspc;
	sink->ctx = ms;
	sink->header = sink_header;
	sink->body = sink_body;
	sink->body_max = MILTER_CHUNK_SIZE;
	sink->add_rcpt = sink_add_rcpt;
	sink->quarantine = sink_quarantine;
	sink->reply = sink_reply;
}

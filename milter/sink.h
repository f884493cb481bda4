/*
 * sink.h - the edit sink of a message in libmilter: each edit one checked smfi_* call.
 */
#ifndef PS_SINK_H
#define PS_SINK_H

#include <libmilter/mfapi.h>

#include "filter/filter.h"

struct milter_sink {
	SMFICTX *ctx;
	int leadspc;		/* SMFIP_HDR_LEADSPC was agreed */
};

/*
 * milter_sink - *sink makes its edits on the message of ctx (ms, which the caller
 * keeps while sink is used, holds the context). leadspc: SMFIP_HDR_LEADSPC was agreed
 * (header values travel with their leading white space both ways, so ours get the
 * usual space).
 */
void milter_sink(struct milter_sink *ms, SMFICTX *ctx, int leadspc, struct filter_sink *sink);

#endif

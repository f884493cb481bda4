/*
 * filter_records.c - what a message leaves for the store to remember, decided without
 * it: a journal entry per invoice that was read, and for onboarding, off-boarding or a
 * renewal date, a journey record per external recipient. The caller writes them
 * (filter_store_write(), in the milter). Addresses and names come from the message
 * (untrusted): they are stored as data, never interpreted.
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "filter.h"
#include "mime/mime_head.h"
#include "mime/outbound.h"
#include "util/xalloc.h"

/* records_add - a new zeroed record of kind at the end of r */
static struct filter_record *
records_add(struct filter_records *r, enum filter_record_kind kind)
{
	struct filter_record *rec;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	rec = &r->v[r->n++];
	memset(rec, 0, sizeof(*rec));
	rec->kind = kind;
	return rec;
}

/* records_journey - the journey record of each external recipient, if any is due */
static void
records_journey(const struct mime_head *head, struct filter_result *res)
{
	struct filter_records *r = &res->records;
	enum filter_record_kind kind = res->onboard.kind == ONBOARD_START ?
	    FILTER_RECORD_JOURNEY_START : res->onboard.kind == ONBOARD_STOP ?
	    FILTER_RECORD_JOURNEY_STOP : FILTER_RECORD_RENEWAL;
	char addr[320], name[256];

	/* Onboarding starts the journey, off-boarding ends it, a renewal date on any
	 * other outbound mail moves the pre-renewal check-in. */
	if (res->onboard.kind == ONBOARD_NONE && !res->onboard.has_renewal)
		return;
	for (size_t i = 0; i < r->nrcpts; i++) {
		struct filter_record *rec;

		outbound_bare_address(r->rcpts[i], addr, sizeof(addr));
		rec = records_add(r, kind);
		rec->customer = xstrdup(addr);
		if (filter_rcpt_name(head, addr, name, sizeof(name)))
			rec->name = xstrdup(name);
	}
}

void
filter_records_list(const struct ps_conf *conf, const struct ps_msg *m,
    const struct mime_head *head, struct filter_result *res)
{
	struct filter_records *r = &res->records;
	char *mid;

	if (res->ninv == 0 && res->onboard.kind == ONBOARD_NONE && !res->onboard.has_renewal)
		return;
	/* The journal counts invoices per customer: the external recipients only. */
	r->rcpts = xcalloc(m->nrcpts + 1, sizeof(*r->rcpts));
	for (size_t i = 0; i < m->nrcpts; i++)
		if (outbound_rcpt_external(&conf->local_domains, m->rcpts[i]))
			r->rcpts[r->nrcpts++] = m->rcpts[i];
	if ((mid = mime_head_message_id(head)) != NULL) {
		r->message_id = xstrdup(mid);
		g_free(mid);
	}
	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];
		struct filter_record *rec;

		if (fi->found.inv == NULL)	/* unreadable: nothing to journal but the log */
			continue;
		rec = records_add(r, FILTER_RECORD_INVOICE);
		rec->inv = i;
		rec->action = fi->has_error || fi->has_warning ? filter_action_name(res->action) : "none";
	}
	records_journey(head, res);
}

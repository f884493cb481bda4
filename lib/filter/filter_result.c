/*
 * filter_result.c - the pipeline's result: the names of its actions, the note on an
 * iTIP answer, and freeing what it holds. Values noted here may come from the message
 * (untrusted): they are made printable.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "util/log.h"

const char *
filter_action_name(enum conf_action a)
{
	switch (a) {
	case CONF_ACTION_HOLD: return "hold";
	case CONF_ACTION_REJECT: return "reject";
	case CONF_ACTION_TEMPFAIL: return "tempfail";
	default: return "tag";
	}
}

void
filter_reply_note(struct filter_result *res, int level, const char *fmt, ...)
{
	char raw[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_printable(res->reply_note, sizeof(res->reply_note), raw, strlen(raw));
	res->reply_level = level;
}

void
filter_checkin_clear(struct filter_checkin *ci)
{
	free(ci->manager);
	free(ci->tzid);
	memset(ci, 0, sizeof(*ci));
}

void
filter_answer_clear(struct filter_answer *a)
{
	free(a->cn);
	free(a->who);
	free(a->uid);
	free(a->tzid);
	free(a->when);
	memset(a, 0, sizeof(*a));
}

void
filter_records_clear(struct filter_records *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].customer);
		free(r->v[i].name);
	}
	free(r->v);
	free(r->rcpts);
	free(r->message_id);
	memset(r, 0, sizeof(*r));
}

void
filter_result_clear(struct filter_result *res)
{
	for (size_t i = 0; i < res->ninv; i++) {
		inv_findings_free(res->inv[i].findings);
		inv_found_clear(&res->inv[i].found);
	}
	free(res->inv);
	hdr_edit_free(res->hdrs, res->nhdrs);
	for (size_t i = 0; i < res->nadd_rcpts; i++)
		free(res->add_rcpts[i]);
	free(res->add_rcpts);
	free(res->reason);
	if (res->note != NULL) {
		note_result_clear(res->note);
		free(res->note);
	}
	filter_records_clear(&res->records);
	filter_answer_clear(&res->answer);
	free(res->error);
	memset(res, 0, sizeof(*res));
}

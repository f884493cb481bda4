/*
 * invite_summary.c - the managers' summary of unanswered check-ins, as a plain-text
 * mail built with GMime (see invite_summary.h).
 *
 * Trust: names, addresses and kinds come from the store (first from mail): addresses
 * are validated with text_addr_valid, texts cleaned by invite_text_clean (valid
 * UTF-8, no controls) before they enter the body, the display name passes GMime's header encoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "invite.h"
#include "invite_summary.h"
#include "journey/plan.h"
#include "mime/mime_text.h"
#include "util/xalloc.h"
#include "util/ident.h"
#include "util/text.h"

/* summary_text - the body: one line per check-in, in the manager's zone */
static char *
summary_text(const struct ps_conf *conf, const char *manager_name,
	     const struct store_checkin *v, size_t n)
{
	char *s = NULL, when[96], *name = invite_text_clean(manager_name, 0, 0);

	invite_append(&s, "Hello%s%s,\n", name[0] ? " " : "", name);
	free(name);
	invite_append(&s, "\n");
	invite_append(&s, "%zu check-in%s coming up %s no answer yet. Please accept, decline or\n",
	    n, n == 1 ? "" : "s", n == 1 ? "has" : "have");
	invite_append(&s, "propose a new time in your calendar (a declined one is planned again):\n");
	invite_append(&s, "\n");
	for (size_t i = 0; i < n; i++) {
		const struct store_checkin *c = &v[i];
		char *who = invite_text_clean(c->customer_name, 0, 0);
		char *addr = invite_text_clean(c->customer, 0, 0);
		invite_append(&s, "- %s  %s%s%s%s  (%s)%s\n",
		    invite_local_time(c->due_at, c->tzid, when, sizeof(when)),
		    who, who[0] ? " <" : "", addr, who[0] ? ">" : "", c->kind,
		    c->sent_sequence < 0 ? "  invitation not sent yet" :
		    strcmp(c->state, "failed") == 0 ? "  invitation failed" : "");
		free(who);
		free(addr);
	}
	invite_append(&s, "\n");
	invite_append(&s, "-- \n");
	invite_append(&s, "%s for %s\n", conf->postsale_name && *conf->postsale_name ?
	    conf->postsale_name : "postsale", conf->company_name && *conf->company_name ?
	    conf->company_name : "your company");
	return s;
}

int
invite_summary_build(const struct ps_conf *conf, const char *manager,
		     const char *manager_name, const struct store_checkin *v, size_t n,
		     time_t now, char **out, size_t *len, char *err, size_t errlen)
{
	GMimeMessage *m;
	GMimeTextPart *tp;
	GDateTime *date;
	struct tm tm;
	char *text, *subject, *key, *mid, day[16];
	const char *domain;

	*out = NULL;
	if (!text_addr_valid(manager) || !text_addr_valid(conf->postsale_address)) {
		snprintf(err, errlen, "summary: \"%.100s\" or postsale-address \"%.100s\" is not a mail address",
		    manager ? manager : "", conf->postsale_address ? conf->postsale_address : "");
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "summary for %s: no check-ins to list", manager);
		return -1;
	}
	g_mime_init();
	text = summary_text(conf, manager_name, v, n);
	subject = xasprintf("postsale: %zu check-in%s without an answer", n, n == 1 ? "" : "s");
	m = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM,
	    conf->postsale_name && *conf->postsale_name ? conf->postsale_name : NULL,
	    conf->postsale_address);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, manager_name, manager);
	g_mime_message_set_subject(m, subject, "utf-8");
	date = g_date_time_new_from_unix_utc((gint64) now);
	g_mime_message_set_date(m, date);
	g_date_time_unref(date);
	/* one Message-ID per manager and day: a summary sent again the same day after a
	 * crash before it was marked is recognisably the same one */
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	key = xasprintf("%s/%s", manager, day);
	domain = strrchr(conf->postsale_address, '@') + 1;
	mid = xasprintf("postsale-summary.%s.%016llx@%s", day, ident_hash(key), domain);
	g_mime_message_set_message_id(m, mid);
	g_mime_object_set_header(GMIME_OBJECT(m), "Auto-Submitted", "auto-generated", NULL);
	tp = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(tp, text);
	g_mime_part_set_content_encoding(GMIME_PART(tp), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_message_set_mime_part(m, GMIME_OBJECT(tp));
	g_object_unref(tp);

	*out = mime_text_message_bytes(m, len);
	free(mid);
	free(key);
	free(subject);
	free(text);
	return 0;
}

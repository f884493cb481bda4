/*
 * filter_reply.c - the pipeline's step for internal mail to postsale-address: a
 * manager's answer to a check-in invitation (iTIP REPLY or COUNTER, RFC 5546) is read
 * (journey/itip_reply), its check-in looked up through the caller's lookup, and, when
 * it is to be believed, returned as res->answer for the caller to record
 * (filter_store_write(): a DECLINED one is then re-planned to the next free slot,
 * whose REQUEST, same UID and SEQUENCE+1, the mailer sends). What became of it goes
 * to res->reply_note, which the milter logs.
 *
 * Trust: everything in the message is untrusted, also from an internal client. An
 * answer is believed only when its UID is one of our check-ins, it answers the current
 * SEQUENCE, its ATTENDEE is the invited manager, and the envelope sender and the From
 * address are that manager too; anything else is ignored and logged (with the queue
 * id, values made printable). Calendar parts inside attached messages (a forwarded
 * invitation) are not read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "filter.h"
#include "compose/invite.h"
#include "journey/itip_reply.h"
#include "mime/mime_head.h"
#include "mime/outbound.h"
#include "util/log.h"
#include "util/xalloc.h"

#define REPLY_MAX_ICS (1024 * 1024)	/* a larger calendar part is not read */

/* is_postsale - 1 when the envelope address rcpt is postsale-address */
static int
is_postsale(const struct ps_conf *conf, const char *rcpt)
{
	char addr[320];

	outbound_bare_address(rcpt, addr, sizeof(addr));
	return conf->postsale_address != NULL && strcasecmp(addr, conf->postsale_address) == 0;
}

int
filter_reply_wanted(const struct ps_conf *conf, const struct ps_msg *m)
{
	if (!m->origin_internal)
		return 0;
	for (size_t i = 0; i < m->nrcpts; i++)
		if (is_postsale(conf, m->rcpts[i]))
			return 1;
	return 0;
}

/* calendar_part - the first text/calendar part of the message (else the first
 * application/ics), not looking into attached messages; NULL when none */
static GMimePart *
calendar_part(GMimeObject *obj, int want_ics)
{
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n; i++) {
			GMimePart *p = calendar_part(g_mime_multipart_get_part(mp, i), want_ics);
			if (p != NULL)
				return p;
		}
		return NULL;
	}
	if (!GMIME_IS_PART(obj))
		return NULL;		/* message/rfc822: a forward is not an answer */
	if (want_ics ? g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
	    "application", "ics") : g_mime_content_type_is_type(
	    g_mime_object_get_content_type(obj), "text", "calendar"))
		return GMIME_PART(obj);
	return NULL;
}

/* calendar_text - the decoded calendar of the message into *out (g_free), or NULL */
static char *
calendar_text(GMimeObject *top, size_t *len)
{
	GMimePart *part;
	GMimeDataWrapper *w;
	GMimeStream *mem;
	GByteArray *ba;
	char *text = NULL;

	if (top == NULL)
		return NULL;
	if ((part = calendar_part(top, 0)) == NULL && (part = calendar_part(top, 1)) == NULL)
		return NULL;
	if ((w = g_mime_part_get_content(part)) == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, mem) >= 0) {
		ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		if (ba->len > 0 && ba->len <= REPLY_MAX_ICS) {
			text = g_malloc(ba->len + 1);
			memcpy(text, ba->data, ba->len);
			text[ba->len] = '\0';
			*len = ba->len;
		}
	}
	g_object_unref(mem);
	return text;
}

/* from_address - the first mailbox of the From header, lower-case into buf ("" none) */
static const char *
from_address(const struct mime_head *head, char *buf, size_t len)
{
	InternetAddressList *list = mime_head_addresses(head, GMIME_ADDRESS_TYPE_FROM);

	buf[0] = '\0';
	for (int i = 0; i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			snprintf(buf, len, "%s", internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
			break;
		}
	}
	g_object_unref(list);
	return buf;
}

/* only_postsale - 1 when every envelope recipient is postsale-address */
static int
only_postsale(const struct ps_conf *conf, const struct ps_msg *m)
{
	for (size_t i = 0; i < m->nrcpts; i++)
		if (!is_postsale(conf, m->rcpts[i]))
			return 0;
	return m->nrcpts > 0;
}

/* trusted_answer - 0 when r answers check-in ci by its invited manager and was mailed
 * by that manager (envelope and From); else 1 after noting why it is ignored */
static int
trusted_answer(const struct ps_msg *m, const struct mime_head *head, const struct itip_reply *r,
	       const struct filter_checkin *ci, struct filter_result *res,
	       const struct itip_attendee **who)
{
	char sender[320], from[320];

	outbound_bare_address(m->sender ? m->sender : "", sender, sizeof(sender));
	from_address(head, from, sizeof(from));
	if ((*who = itip_reply_attendee(r, ci->manager)) == NULL) {
		filter_reply_note(res, LOG_WARNING, "reply: %s for check-in %lld (UID %s) names ATTENDEE %s,"
		    " not the invited %s: ignored (forged or misdirected)", itip_method_name(r->method),
		    ci->id, r->uid, r->attendees[0].address, ci->manager);
		return 1;
	}
	if (strcasecmp(sender, ci->manager) != 0 || strcasecmp(from, ci->manager) != 0) {
		filter_reply_note(res, LOG_WARNING, "reply: %s for check-in %lld (UID %s) as %s was sent by"
		    " <%s> (From: <%s>), not by the attendee: ignored (forged)",
		    itip_method_name(r->method), ci->id, r->uid, ci->manager, sender, from);
		return 1;
	}
	if (r->sequence != ci->sequence) {
		filter_reply_note(res, LOG_NOTICE, "reply: %s for check-in %lld answers SEQUENCE %d, the"
		    " check-in is at SEQUENCE %d: ignored (%s invitation)", itip_method_name(r->method),
		    ci->id, r->sequence, ci->sequence, r->sequence < ci->sequence ? "an older" :
		    "no such");
		return 1;
	}
	if (strcmp(ci->state, "cancelled") == 0) {
		filter_reply_note(res, LOG_NOTICE, "reply: %s for check-in %lld, which is cancelled: ignored",
		    itip_method_name(r->method), ci->id);
		return 1;
	}
	return 0;
}

/* answer_take - res->answer: the trusted answer r of who on check-in ci, to record */
static struct filter_answer *
answer_take(const struct ps_conf *conf, const struct ps_msg *m, enum filter_answer_kind kind,
	    const struct itip_reply *r, const struct itip_attendee *who,
	    const struct filter_checkin *ci, struct filter_result *res)
{
	struct filter_answer *a = &res->answer;

	a->kind = kind;
	a->checkin = ci->id;
	a->sequence = r->sequence;
	a->dtstamp = r->dtstamp;
	a->cn = who->cn != NULL ? xstrdup(who->cn) : NULL;
	a->who = xstrdup(who->address);
	a->uid = xstrdup(r->uid);
	a->tzid = ci->tzid != NULL ? xstrdup(ci->tzid) : NULL;
	a->checkin_sequence = ci->sequence;
	a->due_at = ci->due_at;
	a->discard = conf->reply_mail == CONF_REPLY_MAIL_DISCARD && only_postsale(conf, m);
	return a;
}

/* decide_reply - a trusted REPLY: its PARTSTAT to record (a DECLINED one re-planned
 * once recorded), or why not */
static void
decide_reply(const struct ps_conf *conf, const struct filter_lookup *lk, const struct ps_msg *m,
	     const struct itip_reply *r, const struct itip_attendee *who,
	     const struct filter_checkin *ci, struct filter_result *res)
{
	const char *ps = itip_partstat_name(who->partstat);
	struct filter_answer *a;

	if (who->partstat != ITIP_PARTSTAT_ACCEPTED && who->partstat != ITIP_PARTSTAT_DECLINED &&
	    who->partstat != ITIP_PARTSTAT_TENTATIVE) {
		filter_reply_note(res, LOG_NOTICE, "reply: check-in %lld: PARTSTAT %s from %s is not an"
		    " answer postsale records: ignored", ci->id, *ps ? ps : "(none)", who->address);
		return;
	}
	if (!lk->recording) {
		filter_reply_note(res, LOG_INFO, "reply: check-in %lld: %s would record %s for SEQUENCE %d",
		    ci->id, who->address, ps, r->sequence);
		return;
	}
	a = answer_take(conf, m, FILTER_ANSWER_PARTSTAT, r, who, ci, res);
	a->partstat = ps;
	a->declined = who->partstat == ITIP_PARTSTAT_DECLINED;
}

/* decide_counter - a trusted COUNTER: its proposal to record, or why not */
static void
decide_counter(const struct ps_conf *conf, const struct filter_lookup *lk,
	       const struct ps_msg *m, struct itip_reply *r, const struct itip_attendee *who,
	       const struct filter_checkin *ci, struct filter_result *res)
{
	struct filter_answer *a;
	char when[96];
	time_t end;

	if (itip_reply_floating(r, ci->tzid) != 0) {
		filter_reply_note(res, LOG_NOTICE, "reply: COUNTER for check-in %lld proposes a floating"
		    " time and the zone %s is unknown: ignored", ci->id, ci->tzid);
		return;
	}
	end = r->end > r->start ? r->end : r->start + (ci->end_at - ci->due_at);
	invite_local_time(r->start, ci->tzid, when, sizeof(when));
	if (!lk->recording) {
		filter_reply_note(res, LOG_INFO, "reply: check-in %lld: %s proposes %s (would record)",
		    ci->id, who->address, when);
		return;
	}
	a = answer_take(conf, m, FILTER_ANSWER_COUNTER, r, who, ci, res);
	a->start = r->start;
	a->end = end;
	a->when = xstrdup(when);
}

/* reply_read - the answer in msg into *r (0), or 1 after noting why there is none */
static int
reply_read(GMimeObject *msg, struct itip_reply *r, struct filter_result *res)
{
	char err[512], *ics;
	size_t len = 0;
	int rc;

	if ((ics = calendar_text(msg, &len)) == NULL)
		return 1;		/* plain mail to the postsale mailbox */
	res->reply = 1;
	rc = itip_reply_parse(ics, len, r, err, sizeof(err));
	g_free(ics);
	if (rc < 0)
		filter_reply_note(res, LOG_NOTICE, "reply: the calendar cannot be read: %s: ignored", err);
	else if (rc > 0)
		filter_reply_note(res, LOG_INFO, "reply: a calendar that is no REPLY or COUNTER: ignored");
	return rc != 0;
}

int
filter_reply(struct filter_ctx *fc, const struct filter_lookup *lk, const struct ps_msg *m,
	     struct filter_view *v, struct filter_result *res)
{
	struct itip_reply r;
	struct filter_checkin ci = {0};
	const struct itip_attendee *who;
	char err[512];
	int rc;

	if (reply_read(filter_view_gmime(v), &r, res) != 0)
		return 0;
	if (lk == NULL || !lk->available) {
		rc = 0;
		if (lk != NULL) {
			snprintf(err, sizeof(err), "no store to record the %s for UID %.200s",
			    itip_method_name(r.method), r.uid);
			res->error = xstrdup(err);
			rc = -1;
		} else
			filter_reply_note(res, LOG_INFO, "reply: %s for UID %s (no store consulted)",
			    itip_method_name(r.method), r.uid);
		itip_reply_clear(&r);
		return rc;
	}
	if ((rc = lk->checkin(lk->ctx, r.uid, &ci, err, sizeof(err))) != 0) {
		if (rc > 0)
			filter_reply_note(res, LOG_NOTICE, "reply: %s for UID %s from %s: no check-in has this"
			    " UID: ignored", itip_method_name(r.method), r.uid, r.attendees[0].address);
		else
			res->error = xstrdup(err);
		itip_reply_clear(&r);
		return rc < 0 ? -1 : 0;
	}
	if (trusted_answer(m, &v->head, &r, &ci, res, &who) == 0) {
		if (r.method == ITIP_METHOD_REPLY)
			decide_reply(fc->conf, lk, m, &r, who, &ci, res);
		else
			decide_counter(fc->conf, lk, m, &r, who, &ci, res);
	}
	filter_checkin_clear(&ci);
	itip_reply_clear(&r);
	return 0;
}

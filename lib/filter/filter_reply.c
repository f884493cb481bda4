/*
 * filter_reply.c - the pipeline's step for internal mail to postsale-address: a
 * manager's answer to a check-in invitation (iTIP REPLY or COUNTER, RFC 5546) is read
 * (lib/itip_reply) and recorded on the check-in (lib/store_reply); a DECLINED one is
 * re-planned to the next free slot, whose REQUEST (same UID, SEQUENCE+1) the mailer
 * sends.
 *
 * Trust: everything in the message is untrusted, also from an internal client. An
 * answer is believed only when its UID is one of our check-ins, it answers the current
 * SEQUENCE, its ATTENDEE is the invited manager, and the envelope sender and the From
 * address are that manager too; anything else is ignored and logged (with the queue
 * id, values made printable). Calendar parts inside attached messages (a forwarded
 * invitation) are not read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "filter.h"
#include "journey/itip_reply.h"
#include "journey/journey.h"
#include "util/log.h"
#include "mime/outbound.h"
#include "store/store_journey.h"
#include "store/store_reply.h"
#include "compose/invite.h"
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
calendar_text(GMimeMessage *msg, size_t *len)
{
	GMimeObject *top = g_mime_message_get_mime_part(msg);
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
from_address(GMimeMessage *msg, char *buf, size_t len)
{
	InternetAddressList *list = g_mime_message_get_from(msg);

	buf[0] = '\0';
	for (int i = 0; list != NULL && i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			snprintf(buf, len, "%s", internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
			break;
		}
	}
	return buf;
}

/* note - the outcome into res->reply_note (printable) and, when the store is written,
 * the log at level */
static void
note(const struct ps_msg *m, struct filter_result *res, enum filter_store_mode mode,
     int level, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void
note(const struct ps_msg *m, struct filter_result *res, enum filter_store_mode mode,
     int level, const char *fmt, ...)
{
	char raw[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	log_printable(res->reply_note, sizeof(res->reply_note), raw, strlen(raw));
	if (mode == FILTER_STORE_WRITE)
		log_msg(level, m->qid, "%s", res->reply_note);
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
trusted_answer(const struct ps_msg *m, GMimeMessage *msg, const struct itip_reply *r,
	       const struct store_checkin *ci, enum filter_store_mode mode,
	       struct filter_result *res, const struct itip_attendee **who)
{
	char sender[320], from[320];

	outbound_bare_address(m->sender ? m->sender : "", sender, sizeof(sender));
	from_address(msg, from, sizeof(from));
	if ((*who = itip_reply_attendee(r, ci->manager)) == NULL) {
		note(m, res, mode, LOG_WARNING, "reply: %s for check-in %lld (UID %s) names ATTENDEE %s,"
		    " not the invited %s: ignored (forged or misdirected)", itip_method_name(r->method),
		    ci->id, r->uid, r->attendees[0].address, ci->manager);
		return 1;
	}
	if (strcasecmp(sender, ci->manager) != 0 || strcasecmp(from, ci->manager) != 0) {
		note(m, res, mode, LOG_WARNING, "reply: %s for check-in %lld (UID %s) as %s was sent by"
		    " <%s> (From: <%s>), not by the attendee: ignored (forged)",
		    itip_method_name(r->method), ci->id, r->uid, ci->manager, sender, from);
		return 1;
	}
	if (r->sequence != ci->sequence) {
		note(m, res, mode, LOG_NOTICE, "reply: %s for check-in %lld answers SEQUENCE %d, the"
		    " check-in is at SEQUENCE %d: ignored (%s invitation)", itip_method_name(r->method),
		    ci->id, r->sequence, ci->sequence, r->sequence < ci->sequence ? "an older" :
		    "no such");
		return 1;
	}
	if (strcmp(ci->state, "cancelled") == 0) {
		note(m, res, mode, LOG_NOTICE, "reply: %s for check-in %lld, which is cancelled: ignored",
		    itip_method_name(r->method), ci->id);
		return 1;
	}
	return 0;
}

/* record_reply - record a trusted REPLY; a DECLINED one is re-planned. 0 or -1 (store) */
static int
record_reply(struct filter_ctx *fc, struct store *st, enum filter_store_mode mode,
	     const struct ps_msg *m, const struct itip_reply *r, const struct itip_attendee *who,
	     const struct store_checkin *ci, time_t now, struct filter_result *res, char *err,
	     size_t errlen)
{
	const char *ps = itip_partstat_name(who->partstat);
	time_t moved = 0;
	char when[96];
	int rc;

	if (who->partstat != ITIP_PARTSTAT_ACCEPTED && who->partstat != ITIP_PARTSTAT_DECLINED &&
	    who->partstat != ITIP_PARTSTAT_TENTATIVE) {
		note(m, res, mode, LOG_NOTICE, "reply: check-in %lld: PARTSTAT %s from %s is not an"
		    " answer postsale records: ignored", ci->id, *ps ? ps : "(none)", who->address);
		return 0;
	}
	if (mode != FILTER_STORE_WRITE) {
		note(m, res, mode, LOG_INFO, "reply: check-in %lld: %s would record %s for SEQUENCE %d",
		    ci->id, who->address, ps, r->sequence);
		return 0;
	}
	rc = store_reply_record(st, ci->id, r->sequence, ps, r->dtstamp, who->cn, now, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		note(m, res, mode, LOG_NOTICE, "reply: check-in %lld: %s from %s is older than the"
		    " answer already recorded: ignored", ci->id, ps, who->address);
		return 0;
	}
	res->reply_recorded = 1;
	if (who->partstat != ITIP_PARTSTAT_DECLINED) {
		note(m, res, mode, LOG_INFO, "reply: check-in %lld (UID %s SEQUENCE %d): %s by %s",
		    ci->id, r->uid, r->sequence, ps, who->address);
		return 0;
	}
	rc = journey_replan_checkin(st, fc->conf, ci->id, ci->due_at > now ? ci->due_at : now,
	    &moved, err, errlen);
	if (rc != 0) {
		/* recorded; the check-in stays declined and the log says why */
		note(m, res, mode, LOG_ERR, "reply: check-in %lld DECLINED by %s, but it could not be"
		    " re-planned: %s", ci->id, who->address, rc > 0 ? "it is gone or cancelled" : err);
		return 0;
	}
	note(m, res, mode, LOG_NOTICE, "reply: check-in %lld (UID %s SEQUENCE %d) DECLINED by %s:"
	    " re-planned to %s, SEQUENCE %d; the mailer sends the new REQUEST", ci->id, r->uid,
	    r->sequence, who->address, invite_local_time(moved, ci->tzid, when, sizeof(when)),
	    ci->sequence + 1);
	return 0;
}

/* record_counter - record a trusted COUNTER's proposal; 0 or -1 (store) */
static int
record_counter(struct store *st, enum filter_store_mode mode, const struct ps_msg *m,
	       struct itip_reply *r, const struct itip_attendee *who,
	       const struct store_checkin *ci, time_t now, struct filter_result *res, char *err,
	       size_t errlen)
{
	char when[96];
	time_t end;

	if (itip_reply_floating(r, ci->tzid) != 0) {
		note(m, res, mode, LOG_NOTICE, "reply: COUNTER for check-in %lld proposes a floating"
		    " time and the zone %s is unknown: ignored", ci->id, ci->tzid);
		return 0;
	}
	end = r->end > r->start ? r->end : r->start + (ci->end_at - ci->due_at);
	invite_local_time(r->start, ci->tzid, when, sizeof(when));
	if (mode != FILTER_STORE_WRITE) {
		note(m, res, mode, LOG_INFO, "reply: check-in %lld: %s proposes %s (would record)",
		    ci->id, who->address, when);
		return 0;
	}
	if (store_reply_counter(st, ci->id, r->sequence, r->start, end, who->cn, now, err, errlen) != 0)
		return -1;
	res->reply_recorded = 1;
	note(m, res, mode, LOG_NOTICE, "reply: check-in %lld (UID %s SEQUENCE %d): %s proposes %s;"
	    " postsalectl checkin accept-counter %lld moves it", ci->id, r->uid, r->sequence,
	    who->address, when, ci->id);
	return 0;
}

int
filter_reply(struct filter_ctx *fc, struct store *st, enum filter_store_mode mode,
	     const struct ps_msg *m, GMimeMessage *msg, time_t now, struct filter_result *res)
{
	struct itip_reply r;
	struct store_checkin ci;
	const struct itip_attendee *who;
	char err[512], *ics;
	size_t len = 0;
	long long id;
	int rc;

	if ((ics = calendar_text(msg, &len)) == NULL)
		return 0;		/* plain mail to the postsale mailbox */
	res->reply = 1;
	rc = itip_reply_parse(ics, len, &r, err, sizeof(err));
	g_free(ics);
	if (rc != 0) {
		if (rc < 0)
			note(m, res, mode, LOG_NOTICE, "reply: the calendar cannot be read: %s: ignored", err);
		else
			note(m, res, mode, LOG_INFO, "reply: a calendar that is no REPLY or COUNTER: ignored");
		return 0;
	}
	if (st == NULL || mode == FILTER_STORE_NONE) {
		if (mode != FILTER_STORE_NONE) {
			snprintf(err, sizeof(err), "no store to record the %s for UID %.200s",
			    itip_method_name(r.method), r.uid);
			res->error = xstrdup(err);
			itip_reply_clear(&r);
			return -1;
		}
		note(m, res, mode, LOG_INFO, "reply: %s for UID %s (no store consulted)",
		    itip_method_name(r.method), r.uid);
		itip_reply_clear(&r);
		return 0;
	}
	if ((rc = store_reply_find_uid(st, r.uid, &id, err, sizeof(err))) != 0 ||
	    (rc = store_checkin_get(st, id, &ci, err, sizeof(err))) != 0) {
		if (rc > 0)
			note(m, res, mode, LOG_NOTICE, "reply: %s for UID %s from %s: no check-in has this"
			    " UID: ignored", itip_method_name(r.method), r.uid, r.attendees[0].address);
		itip_reply_clear(&r);
		if (rc < 0) {
			res->error = xstrdup(err);
			return -1;
		}
		return 0;
	}
	rc = 0;
	if (trusted_answer(m, msg, &r, &ci, mode, res, &who) == 0) {
		if (r.method == ITIP_METHOD_REPLY)
			rc = record_reply(fc, st, mode, m, &r, who, &ci, now, res, err, sizeof(err));
		else
			rc = record_counter(st, mode, m, &r, who, &ci, now, res, err, sizeof(err));
	}
	if (rc != 0)
		res->error = xstrdup(err);
	else if (res->reply_recorded && fc->conf->reply_mail == CONF_REPLY_MAIL_DISCARD &&
	    only_postsale(fc->conf, m))
		res->discard = 1;
	store_checkin_clear(&ci);
	itip_reply_clear(&r);
	return rc;
}

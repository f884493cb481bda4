/*
 * callbacks.c - the libmilter callbacks: thin shells that copy what the MTA passes into
 * a struct ps_msg and leave every decision to lib/.
 *
 * Everything the MTA passes (addresses, macros, headers, body) comes from the SMTP client
 * and is untrusted: it is stored as bytes, compared, and made printable before it is
 * logged. Inbound and internal mail is accepted at the earliest callback that can tell
 * (MAIL FROM for the origin, DATA for the recipients), so it costs almost nothing.
 * Every status returned to libmilter is chosen in one place, milter_status().
 *
 * Each connection is counted (sessions.h) so that a stop waits for it. While the filter
 * stops, a new outbound message is deferred (4xx): what has begun is filtered in full,
 * and nothing starts that the stop could cut off. Other mail passes as always.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "callbacks.h"
#include "filter/filter.h"
#include "filter/filter_store.h"
#include "util/log.h"
#include "mime/msg.h"
#include "mime/outbound.h"
#include "record.h"
#include "runtime.h"
#include "selfcheck.h"
#include "sessions.h"
#include "sink.h"
#include "storepool.h"
#include "util/xalloc.h"

/* The protocol steps we skip, and the ones whose reply the MTA need not wait for. */
#define PS_PROTO_WANT (SMFIP_NOHELO | SMFIP_NOUNKNOWN | SMFIP_NR_CONN | SMFIP_NR_RCPT | \
	SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_HDR_LEADSPC | SMFIP_SKIP)
/* The actions later stages of the filter take on a message. */
#define PS_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_ADDRCPT | \
	SMFIF_QUARANTINE)

/* What a callback decided, mapped to a libmilter status by milter_status(). */
enum verdict {
	V_NEXT,			/* go on with the next step (no reply where negotiated) */
	V_STEP_ASIDE,		/* not our business: accept, no more callbacks */
	V_SKIP_BODY,		/* keep the rest of the body to yourself */
	V_TEMPFAIL,		/* the on-error policy says tempfail */
	V_REJECT,		/* a flagged invoice the policy rejects (reply set) */
	V_DISCARD,		/* a recorded iTIP answer, with reply-mail = discard */
};

/* The reply of the on-error policy tempfail, and of a message begun while stopping. */
#define PS_REPLY_ERROR "postsale: internal error checking this message, please try again later"
#define PS_REPLY_STOPPING "postsale: the filter is restarting, please try again later"

/* Per-connection state, from negotiation to close. */
struct conn {
	struct conf_ref *cfg;		/* the config this connection started with */
	unsigned long proto;		/* protocol flags agreed with the MTA */
	struct sockaddr_storage sa;
	int have_sa;
	char addr[INET6_ADDRSTRLEN];	/* printable client address */
	struct ps_msg *msg;
	int counted;			/* sessions_begin() was called for it */
};

/* The MTA sends no queue id: said once per process, whichever thread sees it first. */
static atomic_int warned_no_qid;

/* milter_status - map a verdict of step (an SMFIP_NR_* flag or 0) to a status */
static sfsistat
milter_status(struct conn *c, unsigned long nr_flag, enum verdict v)
{
	switch (v) {
	case V_STEP_ASIDE:
		return SMFIS_ACCEPT;
	case V_TEMPFAIL:
		return SMFIS_TEMPFAIL;
	case V_REJECT:
		return SMFIS_REJECT;
	case V_DISCARD:
		return SMFIS_DISCARD;
	case V_SKIP_BODY:
		if (c != NULL && (c->proto & SMFIP_SKIP))
			return SMFIS_SKIP;
		return SMFIS_CONTINUE;
	case V_NEXT:
	default:
		if (c != NULL && nr_flag != 0 && (c->proto & nr_flag))
			return SMFIS_NOREPLY;
		return SMFIS_CONTINUE;
	}
}

/* on_error - log why, and follow the on-error policy (a tempfail says why to the sender) */
static enum verdict
on_error(SMFICTX *ctx, struct conn *c, const char *why)
{
	int tempfail = c->cfg->conf->on_error == CONF_ON_ERROR_TEMPFAIL;

	log_msg(LOG_ERR, c->msg->qid, "%s; on-error policy: %s", why,
	    tempfail ? "tempfail" : "accept unchanged");
	if (tempfail)
		smfi_setreply(ctx, "451", "4.3.0", PS_REPLY_ERROR);
	return tempfail ? V_TEMPFAIL : V_STEP_ASIDE;
}

/* conn_of - the connection state of ctx */
static struct conn *
conn_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

/* note_qid - copy the {i} macro into the message, where the MTA sent it */
static void
note_qid(SMFICTX *ctx, struct conn *c)
{
	const char *qid;

	if (c->msg->qid[0] != '\0')
		return;
	if ((qid = smfi_getsymval(ctx, "i")) != NULL)
		log_printable(c->msg->qid, sizeof(c->msg->qid), qid, strlen(qid));
}

static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1, unsigned long *pf2,
    unsigned long *pf3)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	(void) f2, (void) f3;
	c->cfg = runtime_get_conf();
	c->msg = msg_new(c->cfg->conf->max_message_size);
	c->proto = f1 & PS_PROTO_WANT;
	if (!sessions_stopping()) {	/* one that comes while stopping is not waited for */
		c->counted = 1;
		sessions_begin();
	}
	smfi_setpriv(ctx, c);
	if ((f0 & PS_ACTIONS) != PS_ACTIONS)
		log_msg(LOG_WARNING, NULL, "the MTA offers milter actions 0x%lx, postsale needs 0x%lx;"
		    " it will not be able to change messages", f0, (unsigned long) PS_ACTIONS);
	*pf0 = f0 & PS_ACTIONS;
	*pf1 = c->proto;
	*pf2 = *pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct conn *c = conn_of(ctx);

	(void) hostname;
	if (c == NULL)			/* an MTA that does not negotiate (milter v2) */
		return SMFIS_ACCEPT;
	if (hostaddr != NULL && (hostaddr->sa_family == AF_INET || hostaddr->sa_family == AF_INET6)) {
		size_t len = hostaddr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
		    : sizeof(struct sockaddr_in6);
		memcpy(&c->sa, hostaddr, len);
		c->have_sa = 1;
		inet_ntop(hostaddr->sa_family, hostaddr->sa_family == AF_INET ?
		    (void *) &((struct sockaddr_in *) hostaddr)->sin_addr :
		    (void *) &((struct sockaddr_in6 *) hostaddr)->sin6_addr, c->addr, sizeof(c->addr));
	} else
		strcpy(c->addr, "unknown");
	return milter_status(c, SMFIP_NR_CONN, V_NEXT);
}

static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_of(ctx);
	const char *auth = smfi_getsymval(ctx, "{auth_authen}");
	char who[256];

	msg_reset(c->msg);
	note_qid(ctx, c);
	c->msg->origin_internal = outbound_origin_internal(c->cfg->conf->internal_networks, auth,
	    c->have_sa ? (struct sockaddr *) &c->sa : NULL, c->addr);
	if (!c->msg->origin_internal) {
		log_msg(LOG_DEBUG, c->msg->qid, "client %s is not internal and not authenticated:"
		    " not outbound", c->addr);
		return milter_status(c, 0, V_STEP_ASIDE);
	}
	if (sessions_stopping()) {	/* the stop would not wait for it: the sender retries */
		log_msg(LOG_INFO, c->msg->qid, "stopping: new outbound message deferred");
		smfi_setreply(ctx, "451", "4.3.2", PS_REPLY_STOPPING);
		return milter_status(c, 0, V_TEMPFAIL);
	}
	msg_set_sender(c->msg, argv[0] ? argv[0] : "");
	log_msg(LOG_DEBUG, c->msg->qid, "from=%s client=%s auth=%s",
	    log_printable(who, sizeof(who), c->msg->sender, strlen(c->msg->sender)),
	    c->addr, auth && *auth ? "yes" : "no");
	return milter_status(c, 0, V_NEXT);
}

static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = conn_of(ctx);

	if (argv[0] != NULL)
		msg_add_rcpt(c->msg, argv[0],
		    outbound_rcpt_external(&c->cfg->conf->local_domains, argv[0]));
	return milter_status(c, SMFIP_NR_RCPT, V_NEXT);
}

static sfsistat
cb_data(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	note_qid(ctx, c);
	if (c->msg->nexternal == 0 && !filter_reply_wanted(c->cfg->conf, c->msg)) {
		log_msg(LOG_DEBUG, c->msg->qid, "no external recipient: not outbound");
		return milter_status(c, 0, V_STEP_ASIDE);
	}
	return milter_status(c, 0, V_NEXT);
}

static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = conn_of(ctx);

	msg_add_header(c->msg, name, value);
	return milter_status(c, SMFIP_NR_HDR, V_NEXT);
}

static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	msg_end_headers(c->msg);
	return milter_status(c, SMFIP_NR_EOH, V_NEXT);
}

static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn *c = conn_of(ctx);

	if (msg_add_body(c->msg, chunk, len) != 0) {
		note_qid(ctx, c);
		log_msg(LOG_NOTICE, c->msg->qid, "message larger than max-message-size (%zu bytes):"
		    " passing it untouched", c->msg->limit);
		return milter_status(c, 0, V_SKIP_BODY);
	}
	return milter_status(c, 0, V_NEXT);
}

/* filter_message - run the pipeline on a collected outbound message and apply it;
 * all its store work shares one deadline, database-timeout from now */
static enum verdict
filter_message(SMFICTX *ctx, struct conn *c)
{
	struct ps_msg *m = c->msg;
	struct filter_result res = {0};
	struct milter_sink ms;
	struct filter_sink sink;
	struct store *st;
	char store_err[512] = "", why[1024];
	enum verdict v = V_NEXT;

	st = storepool_take(c->cfg->conf, store_err, sizeof(store_err));
	store_set_deadline(st, store_clock_ms() + c->cfg->conf->database_timeout_ms);
	if (record_run(c->cfg->filter, st, m, time(NULL), &res) != 0) {
		snprintf(why, sizeof(why), "store: %s", filter_store_reason(st, m->qid,
		    st == NULL ? store_err : res.error));
		selfcheck_store_failed(c->cfg->conf);
		v = on_error(ctx, c, why);
	} else {
		if (res.error != NULL)
			log_msg(LOG_WARNING, m->qid, "store: %s; the invoice is flagged on its own"
			    " findings, so its verdict applies", filter_store_reason(st, m->qid,
			    st == NULL ? store_err : res.error));
		if (res.error != NULL || res.unrecorded != 0)
			selfcheck_store_failed(c->cfg->conf);
		milter_sink(&ms, ctx, (c->proto & SMFIP_HDR_LEADSPC) != 0, &sink);
		switch (apply_result(&sink, m, &res)) {
		case FILTER_REJECT: v = V_REJECT; break;
		case FILTER_TEMPFAIL: v = V_TEMPFAIL; break;
		case FILTER_FAILED: v = on_error(ctx, c, "the MTA refused a change to the message"); break;
		default: break;
		}
		if (res.discard && v == V_NEXT)
			v = V_DISCARD;
		if (!res.is_invoice && res.onboard.kind == ONBOARD_NONE && !res.reply)
			log_msg(LOG_INFO, m->qid, "outbound: %zu recipient(s), %zu external, %zu bytes: no action",
			    m->nrcpts, m->nexternal, m->len);
	}
	storepool_give(st);
	filter_result_clear(&res);
	return v;
}

static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);
	struct ps_msg *m = c->msg;

	note_qid(ctx, c);
	if (m->qid[0] == '\0' && atomic_exchange(&warned_no_qid, 1) == 0)
		log_msg(LOG_WARNING, NULL, "the MTA sends no {i} macro (queue id) at end of message;"
		    " Postfix sends it by default (milter_end_of_data_macros), Sendmail needs"
		    " confMILTER_MACROS_EOM to include {i}");
	if (m->oversized)
		return milter_status(c, 0, V_STEP_ASIDE);
	if (m->raw == NULL)
		return milter_status(c, 0, on_error(ctx, c, "no message bytes were collected"));
	return milter_status(c, 0, filter_message(ctx, c));
}

static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	if (c != NULL)
		msg_reset(c->msg);
	return SMFIS_CONTINUE;
}

static sfsistat
cb_close(SMFICTX *ctx)
{
	struct conn *c = conn_of(ctx);

	if (c != NULL) {
		smfi_setpriv(ctx, NULL);
		msg_free(c->msg);
		runtime_put_conf(c->cfg);
		if (c->counted)
			sessions_end();
		free(c);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc callbacks = {
	.xxfi_name = "postsale",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = PS_ACTIONS,
	.xxfi_connect = cb_connect,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_data = cb_data,
	.xxfi_negotiate = cb_negotiate,
};

struct smfiDesc *
callbacks_desc(void)
{
	return &callbacks;
}

/*
 * filter.h - what postsale does with one outbound message, decided over its bytes.
 *
 * The milter (at end of message) and `postsalectl simulate` run the same pipeline:
 * parse the MIME once, find and check the invoices, classify onboarding mail, consult
 * the store (resends, customer facts), decide the actions, write the note, and (for the
 * milter) record the journal and the journey. The result is a list of plain edits that
 * the caller applies: through libmilter, or to the bytes for simulate.
 */
#ifndef PS_FILTER_H
#define PS_FILTER_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "invoice/inv_find.h"
#include "mime/msg.h"
#include "journey/onboard.h"
#include "store/store.h"
#include "note/tmpl.h"

#define FILTER_INVOICE_HEADER "X-Postsale-Invoice"

/* What lives as long as a config: compiled templates and onboarding rules. */
struct filter_ctx {
	const struct ps_conf *conf;
	tmpl_set *templates;
	struct onboard_rules *onboard;
};

/*
 * filter_ctx_new - compile what conf names (templates, onboarding rules); NULL with a
 * reason in err (a template error names file:line). conf must outlive the context.
 */
struct filter_ctx *filter_ctx_new(const struct ps_conf *conf, char *err, size_t errlen);
struct filter_ctx *filter_ctx_free(struct filter_ctx *fc);

/* One invoice found in the message, with its findings and verdict. */
struct filter_invoice {
	inv_found found;		/* part, filename, container, inv, status, error */
	inv_findings *findings;
	const char *verdict;		/* "ok", "flagged" or "resend" (static) */
	int has_error;			/* an error-severity finding */
	int has_warning;
};

enum filter_hdr_op { FILTER_HDR_ADD, FILTER_HDR_CHANGE, FILTER_HDR_DELETE };

/* A header edit, in libmilter's terms (index counts occurrences of name from 1). */
struct filter_hdr {
	enum filter_hdr_op op;
	char *name;
	int index;
	char *value;			/* NULL for DELETE; no leading space */
};

enum filter_store_mode {
	FILTER_STORE_NONE,		/* no store: no resend check, no facts, no records */
	FILTER_STORE_READ,		/* consult only (simulate) */
	FILTER_STORE_WRITE,		/* consult and record (the milter) */
};

struct filter_result {
	int is_invoice;
	struct onboard_info onboard;
	struct filter_invoice *inv;
	size_t ninv;
	int flagged;			/* some invoice has an error finding */
	int warned;			/* some invoice has warnings only */
	enum conf_action action;	/* what the message gets: tag, hold, reject, tempfail */
	char *reason;			/* hold: the quarantine reason; reject/tempfail: reply text */
	struct filter_hdr *hdrs;
	size_t nhdrs;
	char *body;			/* a new body (the note), or NULL */
	size_t body_len;
	char **add_rcpts;		/* recipients to add (finance's copy) */
	size_t nadd_rcpts;
	int note_added;
	char note_reason[256];		/* why no note, when one was due */
	/* internal mail to postsale-address: an iTIP answer (filter_reply.c) */
	int reply;			/* it carries a calendar */
	int reply_recorded;		/* the answer was recorded on its check-in */
	int discard;			/* reply-mail = discard: drop the message */
	char reply_note[512];		/* what became of it (printable), for simulate */
	char *error;			/* an internal failure: the caller follows on-error,
					   unless the message is flagged anyway */
	int unrecorded;			/* filter_store_record(): 1 kept in the spool, -1 lost */
};

/*
 * filter_run - decide what to do with the outbound message m. st may be NULL (as with
 * FILTER_STORE_NONE, or FILTER_STORE_WRITE when the store cannot be opened). Fills
 * *res (which the caller zeroes) and returns 0. When the store could not be read for a
 * message that needs it, the check is incomplete: -1 with res->error set, and the
 * caller follows the on-error policy; but an invoice flagged on its own findings keeps
 * its verdict (0, res->error set for the log). Recording never fails the run: what
 * the store cannot take is kept in the spool (res->unrecorded).
 */
int filter_run(struct filter_ctx *fc, struct store *st, enum filter_store_mode mode,
    const struct ps_msg *m, time_t now, struct filter_result *res);
void filter_result_clear(struct filter_result *res);
/* filter_action_name - "tag", "hold", "reject" or "tempfail" */
const char *filter_action_name(enum conf_action a);
/*
 * filter_apply_bytes - the message m as it leaves the filter: header edits and the new
 * body applied to its bytes (for simulate). The caller frees the result.
 */
char *filter_apply_bytes(const struct ps_msg *m, const struct filter_result *res, size_t *len);

/* filter_rcpt_name - the display name the To or Cc header gives rcpt; 1 if found */
int filter_rcpt_name(GMimeMessage *msg, const char *rcpt, char *buf, size_t len);

/* Internal steps, one file each (filter_store.c, filter_note.c). */
int filter_store_consult(struct store *st, const struct ps_msg *m, struct filter_result *res,
    char *err, size_t errlen);
/*
 * filter_store_record - record the invoices and the journey of the message in st (NULL:
 * the store is not open). What the store cannot take before st's deadline is kept in
 * the spool of unrecorded records and logged in full. 0 all recorded, 1 kept in the
 * spool, -1 neither recorded nor kept (the log lines are then the only record).
 */
int filter_store_record(struct store *st, const struct ps_conf *conf, const struct ps_msg *m,
    GMimeMessage *msg, const struct filter_result *res, time_t now);
/*
 * filter_store_replay - write the spool of conf's database into st, oldest record
 * first, up to the first one the store refuses (it stays, with what is left of it).
 * *done: the records written and removed; *left: those still waiting. 0, or -1 with
 * the reason in err.
 */
int filter_store_replay(struct store *st, const struct ps_conf *conf, size_t *done,
    size_t *left, char *err, size_t errlen);
void filter_note(struct filter_ctx *fc, struct store *st, const struct ps_msg *m,
    GMimeMessage *msg, struct filter_result *res, time_t now);
/* filter_reply_wanted - 1 when m comes from inside and is addressed to postsale-address */
int filter_reply_wanted(const struct ps_conf *conf, const struct ps_msg *m);
/* filter_reply - read and record the iTIP answer in msg (filter_reply.c); 0, or -1
 * with res->error (the store failed: on-error applies) */
int filter_reply(struct filter_ctx *fc, struct store *st, enum filter_store_mode mode,
    const struct ps_msg *m, GMimeMessage *msg, time_t now, struct filter_result *res);

#endif

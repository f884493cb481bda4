/*
 * filter.h - what postsale does with one outbound message, decided over its bytes.
 *
 * The milter (at end of message) and `postsalectl simulate` run the same pipeline:
 * read the MIME structure once (struct filter_view), find and check the invoices, classify onboarding mail, decide
 * the actions and write the note. The pipeline decides without I/O: what it needs to
 * know of the world (an invoice's resend history, a customer's facts, a check-in) it
 * asks a lookup its caller supplies (struct filter_lookup: the store, for the milter
 * and simulate, filter_store.h; a fake in the tests), and what is to be remembered it
 * returns as records that the caller writes (the milter: filter_store_write()). The
 * edits the message gets are given to an edit sink (struct filter_sink) by
 * filter_edit(): the milter's calls libmilter, simulate's prints them and applies
 * them to the bytes.
 */
#ifndef PS_FILTER_H
#define PS_FILTER_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "invoice/inv_find.h"
#include "journey/onboard.h"
#include "mime/hdr_edit.h"
#include "mime/mime_head.h"
#include "mime/mime_scan.h"
#include "mime/msg.h"
#include "note/note.h"
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

/* What the store says of an invoice number (same seller) sent before. */
enum filter_seen { FILTER_SEEN_NEW, FILTER_SEEN_RESEND, FILTER_SEEN_CHANGED };

/* A customer as the store knows it, for the values of the note. */
struct filter_customer {
	time_t since;			/* onboarded, else first seen */
	long invoice_count;		/* invoices sent to it so far */
	char name[256];			/* display name, "" when unknown */
	char manager[256];		/* "" when unknown */
};

/* A check-in an iTIP answer names (by UID). */
struct filter_checkin {
	long long id;
	char *manager;			/* the invited manager's address */
	int sequence;			/* the SEQUENCE of the invitation */
	char state[12];			/* planned sent cancelled failed skipped */
	time_t due_at, end_at;
	char *tzid;
};
/* filter_checkin_clear - free what ci holds and zero it */
void filter_checkin_clear(struct filter_checkin *ci);

/*
 * What the pipeline reads, supplied by its caller (NULL: nothing to read, nothing to
 * record). Each function returns 0, or -1 with one line in err when the source
 * failed; customer and checkin return 1 for an unknown address or UID.
 */
struct filter_lookup {
	void *ctx;			/* the functions' first argument */
	int available;			/* 0: the store could not be opened (why: the
					   caller's); a message that needs it is incomplete */
	int recording;			/* the caller writes res->records and res->answer
					   (else: look only, and say what would be recorded) */
	int (*resend)(void *ctx, const inv_invoice *inv, enum filter_seen *seen,
	    long long *prev_id, char *prev_desc, size_t desclen, char *err, size_t errlen);
	int (*customer)(void *ctx, const char *address, struct filter_customer *out,
	    char *err, size_t errlen);
	int (*checkin)(void *ctx, const char *uid, struct filter_checkin *out, char *err,
	    size_t errlen);
};

/* One record the message leaves for the store. */
enum filter_record_kind {
	FILTER_RECORD_INVOICE,		/* the journal entry of res->inv[inv] */
	FILTER_RECORD_JOURNEY_START,	/* onboarding: a journey starts for customer */
	FILTER_RECORD_JOURNEY_STOP,	/* off-boarding: its future check-ins go */
	FILTER_RECORD_RENEWAL,		/* a renewal date moves the pre-renewal check-in */
};

struct filter_record {
	enum filter_record_kind kind;
	size_t inv;			/* INVOICE: the index in res->inv */
	const char *action;		/* INVOICE: what it got: "tag", "hold" ... or "none" */
	char *customer;			/* JOURNEY, RENEWAL: the bare address */
	char *name;			/* its display name in To or Cc, or NULL */
};

/* The records of a message, in the order they are written. */
struct filter_records {
	struct filter_record *v;
	size_t n;
	const char **rcpts;		/* the external recipients (the journal counts
					   invoices per customer): m's strings */
	size_t nrcpts;
	char *message_id;		/* the Message-ID, or NULL */
};

/* A trusted iTIP answer to record on its check-in (filter_reply.c). */
enum filter_answer_kind { FILTER_ANSWER_NONE, FILTER_ANSWER_PARTSTAT, FILTER_ANSWER_COUNTER };

struct filter_answer {
	enum filter_answer_kind kind;
	long long checkin;		/* the check-in's id */
	int sequence;			/* the SEQUENCE answered */
	const char *partstat;		/* PARTSTAT: "ACCEPTED", "DECLINED" or "TENTATIVE" */
	int declined;			/* re-plan the check-in once recorded */
	time_t dtstamp;			/* the answer's DTSTAMP (0 none) */
	time_t start, end;		/* COUNTER: the proposed time */
	char *cn;			/* the attendee's CN, or NULL */
	char *who;			/* the attendee's address */
	char *uid;			/* the check-in's UID */
	char *tzid;			/* the check-in's zone */
	char *when;			/* COUNTER: start in that zone, for the log */
	int checkin_sequence;		/* the check-in's SEQUENCE */
	time_t due_at;			/* the check-in's start */
	int discard;			/* reply-mail = discard and the mail is only for
					   postsale-address: dropped once recorded */
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
	struct hdr_edit *hdrs;		/* the header edits, in order */
	size_t nhdrs;
	note_result *note;		/* the note written in: its new body (in pieces, some
					   in the message's bytes, which must outlive it), or NULL */
	char **add_rcpts;		/* recipients to add (finance's copy) */
	size_t nadd_rcpts;
	int note_added;
	char note_reason[256];		/* why no note, when one was due */
	struct filter_records records;	/* what the store is to remember (recording only) */
	/* internal mail to postsale-address: an iTIP answer (filter_reply.c) */
	int reply;			/* it carries a calendar */
	struct filter_answer answer;	/* a trusted answer to record (recording only) */
	int reply_recorded;		/* the answer was recorded on its check-in */
	int discard;			/* reply-mail = discard: drop the message */
	char reply_note[512];		/* what became of it (printable), for the log */
	int reply_level;		/* its log level */
	char *error;			/* an internal failure: the caller follows on-error,
					   unless the message is flagged anyway */
	int unrecorded;			/* filter_store_write(): 1 kept in the spool, -1 lost */
};

/*
 * filter_run - decide what to do with the outbound message m, reading through lk
 * (NULL: no store: no resend check, no facts, no records). Fills *res (which the
 * caller zeroes) and returns 0. When the lookup failed (or the store is not available)
 * for a message that needs it, the check is incomplete: -1 with res->error set, and
 * the caller follows the on-error policy; but an invoice flagged on its own findings
 * keeps its verdict (0, res->error set for the log). With lk->recording, res->records
 * and res->answer say what the caller is to write.
 */
int filter_run(struct filter_ctx *fc, const struct filter_lookup *lk, const struct ps_msg *m,
    time_t now, struct filter_result *res);
void filter_result_clear(struct filter_result *res);
/* filter_action_name - "tag", "hold", "reject" or "tempfail" */
const char *filter_action_name(enum conf_action a);
/* filter_reply_note - what became of an iTIP answer, made printable, into
 * res->reply_note, with the level the milter logs it at */
void filter_reply_note(struct filter_result *res, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * An edit sink: what can be done to a message in the MTA. The milter's calls libmilter
 * (milter/sink.c), simulate's records the edits and applies them to the bytes
 * (filter_edits_sink()), the tests' records the calls. Each function returns 0, or -1
 * when the edit was refused. The strings are the filter's (printable, no '%').
 * A new body comes in one call to body(), or in several when body_max is set: each call
 * then carries at most body_max octets and appends them to the new body, as
 * smfi_replacebody() does.
 */
struct filter_sink {
	void *ctx;			/* the functions' first argument */
	int (*header)(void *ctx, const struct hdr_edit *h);
	int (*body)(void *ctx, const char *body, size_t len);
	size_t body_max;		/* the most octets one body() call carries; 0: no limit */
	int (*add_rcpt)(void *ctx, const char *rcpt);
	int (*quarantine)(void *ctx, const char *reason);
	int (*reply)(void *ctx, const char *rcode, const char *xcode, const char *text);
};

enum filter_outcome {
	FILTER_ACCEPT,			/* deliver (with whatever was changed) */
	FILTER_REJECT,			/* the reply is set: 5xx */
	FILTER_TEMPFAIL,		/* the reply is set: 4xx */
	FILTER_FAILED,			/* the sink refused an edit: follow on-error */
};

/*
 * filter_edit - give the sink every edit res makes, in the order the milter makes
 * them: a rejected or deferred message gets its reply and nothing else; else the
 * header edits, the new body, the added recipients, the quarantine. Stops at the
 * first refused edit (FILTER_FAILED).
 */
enum filter_outcome filter_edit(const struct filter_result *res, const struct filter_sink *sink);

/* The edits a sink was given, to print them and apply them to the bytes. */
struct filter_edits {
	struct hdr_edit *hdrs;
	size_t nhdrs;
	char *body;			/* the new body (a copy), or NULL */
	size_t body_len;
	char **rcpts;
	size_t nrcpts;
	char *quarantine;		/* the reason, or NULL */
	char reply_code[8], reply_xcode[16];	/* "" unless a reply was set */
	char *reply_text;
};
/* filter_edits_sink - a sink that records into *e (zeroed by the caller) */
void filter_edits_sink(struct filter_edits *e, struct filter_sink *sink);
/* filter_edits_message - m as it leaves the MTA that made the edits e; the caller
 * frees (*len bytes) */
char *filter_edits_message(const struct ps_msg *m, const struct filter_edits *e, size_t *len);
void filter_edits_clear(struct filter_edits *e);

/*
 * struct filter_view - a message as the pipeline reads it (filter_msg.c): its own
 * header fields (mime/mime_head.h), and its parts from its skeleton (mime/mime_scan.h,
 * mime/mime_find.h) where the scan takes the message and its header block is plain,
 * else from GMime's parse. GMime's parse is made only for a step that needs its
 * objects (filter_view_gmime): an invitation's answer, the note's check that GMime
 * reads the structure the scan read, a message the skeleton does not serve. What the
 * pipeline finds is the same either way (check_inv_find, check_mime_text,
 * check_mime_head hold the two readings equal).
 */
struct filter_view {
	const struct ps_msg *m;
	struct mime_head head;		/* the message's own header fields */
	mime_tree tree;			/* its parts, when scanned */
	int scanned;			/* 1: the scan took the message */
	char why[160];			/* else why it did not */
	int skeleton;			/* 1: tree serves the pipeline (mime_find_usable, a
					   plain header block) */
	GMimeObject *gm;		/* GMime's top part, once parsed */
	GByteArray *bytes;		/* wraps m->raw while gm lives */
	int parsed;			/* GMime was asked (gm NULL: not MIME it reads) */
};

/* filter_view_open - v for m (m->raw unchanged while v lives); 0, or -1 when the
 * message is not MIME the pipeline can read (v is then closed) */
int filter_view_open(struct filter_view *v, const struct ps_msg *m);
/* filter_view_gmime - GMime's reading of m->raw in place as the message's top part
 * (mime_parse), made on the first call; NULL when it is not MIME GMime reads */
GMimeObject *filter_view_gmime(struct filter_view *v);
void filter_view_close(struct filter_view *v);

/* filter_rcpt_name - the display name the To or Cc header of the message gives rcpt;
 * 1 if found */
int filter_rcpt_name(const struct mime_head *head, const char *rcpt, char *buf, size_t len);
/* filter_header_count - occurrences of header name in m's header block */
int filter_header_count(const struct ps_msg *m, const char *name);

/* The steps of filter_run, one file each: the note (filter_note.c), the records
 * (filter_records.c), the iTIP answers (filter_reply.c). */
void filter_note(struct filter_ctx *fc, const struct filter_lookup *lk, const struct ps_msg *m,
    struct filter_view *v, struct filter_result *res, time_t now);
void filter_records_list(const struct ps_conf *conf, const struct ps_msg *m,
    const struct mime_head *head, struct filter_result *res);
void filter_records_clear(struct filter_records *r);
/* filter_reply_wanted - 1 when m comes from inside and is addressed to postsale-address */
int filter_reply_wanted(const struct ps_conf *conf, const struct ps_msg *m);
/* filter_reply - read the iTIP answer in msg and decide what to record; 0, or -1 with
 * res->error (the lookup failed: on-error applies) */
int filter_reply(struct filter_ctx *fc, const struct filter_lookup *lk, const struct ps_msg *m,
    struct filter_view *v, struct filter_result *res);
void filter_answer_clear(struct filter_answer *a);

#endif

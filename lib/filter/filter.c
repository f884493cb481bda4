/*
 * filter.c - the per-message pipeline: read the structure once (filter_msg.c), find and
 * check the invoices, classify onboarding mail, decide the actions, and list the edits
 * for the caller to apply.
 *
 * Everything in the message is untrusted: values that end up in a header or a reply
 * (invoice numbers, finding ids) are reduced to printable ASCII without ';' and cut.
 * It decides without I/O: the resend history comes through the caller's lookup, the
 * records to write go back in the result. The note lives in filter_note.c, the
 * records in filter_records.c, the iTIP answers in filter_reply.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "filter.h"
#include "invoice/inv_severity.h"
#include "mailcheck.h"
#include "mime/mime_head.h"
#include "mime/mime_find.h"
#include "mime/mime_text.h"
#include "mime/outbound.h"
#include "util/xalloc.h"

static pthread_once_t filter_gmime_once = PTHREAD_ONCE_INIT;

/* filter_gmime_init - GMime's global set-up, once per process */
static void
filter_gmime_init(void)
{
	g_mime_init();
}

struct filter_ctx *
filter_ctx_new(const struct ps_conf *conf, char *err, size_t errlen)
{
	struct filter_ctx *fc = xcalloc(1, sizeof(*fc));
	const char *dir = conf->note_templates[0] ? conf->note_templates : PKGDATADIR "/templates";

	pthread_once(&filter_gmime_once, filter_gmime_init);
	fc->conf = conf;
	if (conf->note_invoices || conf->note_onboarding) {
		fc->templates = tmpl_set_load(dir, tmpl_note_names, err, errlen);
		if (fc->templates == NULL)
			return filter_ctx_free(fc);
		if (tmpl_set_count(fc->templates) == 0) {
			snprintf(err, errlen, "note-templates %s holds no templates (KIND.LANG.txt or .html)", dir);
			return filter_ctx_free(fc);
		}
	}
	if ((fc->onboard = onboard_rules_new(conf, err, errlen)) == NULL)
		return filter_ctx_free(fc);
	return fc;
}

struct filter_ctx *
filter_ctx_free(struct filter_ctx *fc)
{
	if (fc != NULL) {
		tmpl_set_free(fc->templates);
		onboard_rules_free(fc->onboard);
		free(fc);
	}
	return NULL;
}

/* filter_safe - copy untrusted s into buf as printable ASCII without ; " \\ or % */
static char *
filter_safe(char *buf, size_t len, const char *s)
{
	size_t i = 0;

	for (; s != NULL && *s != '\0' && i + 1 < len; s++) {
		unsigned char c = (unsigned char) *s;
		buf[i++] = (c > 0x20 && c < 0x7f && !strchr(";\"\\%", c)) ? (char) c : '_';
	}
	buf[i] = '\0';
	return buf;
}

/* filter_check_invoices - find the invoices and run every check on each */
static void
filter_check_invoices(struct filter_ctx *fc, const struct ps_msg *m, struct filter_view *v,
    struct filter_result *res)
{
	const struct ps_conf *conf = fc->conf;
	struct inv_find_limits lim;
	inv_found_list found = {0};
	struct mailcheck_input in = {0};
	char *text = NULL;

	inv_find_limits_default(&lim);
	lim.max_pdf = conf->invoice_max_pdf_size;
	lim.max_xml = conf->invoice_max_xml_size;
	if ((v->skeleton ? mime_find_invoices(m->raw, &v->tree, &lim, &found) :
	    inv_find_in_message(v->gm, &lim, &found)) == 0) {
		inv_found_list_clear(&found);
		return;
	}
	res->is_invoice = 1;
	in.subject = mime_head_subject(&v->head);
	in.text = text = v->skeleton ? mime_text_body_scan(m->raw, &v->tree, conf->note_max_part_size) :
	    mime_text_body(v->gm, conf->note_max_part_size);
	in.rcpts = (const char *const *) m->rcpts;
	in.nrcpts = m->nrcpts;
	res->inv = xcalloc(found.n, sizeof(*res->inv));
	for (size_t i = 0; i < found.n; i++) {
		struct filter_invoice *fi = &res->inv[res->ninv++];

		fi->found = found.v[i];		/* moved: the list gives up its entries */
		fi->findings = inv_findings_new();
		if (fi->found.status != INV_OK)
			inv_findings_add(fi->findings, "PS-UNREADABLE", INV_SEV_WARNING,
			    "part %s (%s, %s) cannot be read: %s",
			    fi->found.part, fi->found.filename ? fi->found.filename : "no name",
			    fi->found.container, fi->found.error ? fi->found.error : "unknown reason");
		else {
			inv_check(fi->found.inv, fi->findings);
			mailcheck_run(conf, fi->found.inv, &in, fi->findings);
		}
	}
	free(found.v);		/* the entries now belong to res */
	free(text);
}

/* filter_verdicts - each invoice's verdict, and the message's action */
static void
filter_verdicts(const struct ps_conf *conf, struct filter_result *res)
{
	for (size_t i = 0; i < res->ninv; i++) {
		struct filter_invoice *fi = &res->inv[i];

		/* postsale's own rules: warnings unless error-rules names them */
		inv_findings_apply_severity(fi->findings, conf->error_rules.v, conf->error_rules.n);
		if (conf->unreadable_invoice_severity == CONF_SEVERITY_ERROR)
			for (size_t j = 0; j < fi->findings->n; j++)
				if (strcmp(fi->findings->v[j].id, "PS-UNREADABLE") == 0)
					fi->findings->v[j].severity = INV_SEV_ERROR;
		for (size_t j = 0; j < fi->findings->n; j++) {
			if (fi->findings->v[j].severity == INV_SEV_ERROR)
				fi->has_error = 1;
			else
				fi->has_warning = 1;
		}
		if (fi->has_error) {
			fi->verdict = "flagged";
			res->flagged = 1;
		} else if (fi->verdict == NULL)	/* filter_consult may say "resend" */
			fi->verdict = "ok";
		if (!fi->has_error && fi->has_warning)
			res->warned = 1;
	}
	res->action = CONF_ACTION_TAG;
	if (res->flagged)
		res->action = conf->invoice_action_error;
	else if (res->warned)
		res->action = conf->invoice_action_warning;
}

/* filter_describe - "invoice 2026-17 (BR-CO-10, PS-IBAN-UNKNOWN)" for the reply */
static char *
filter_describe(const struct filter_result *res)
{
	char *out = xstrdup(""), *next, num[80], id[40];

	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];
		char *ids = xstrdup("");

		if (!fi->has_error && !fi->has_warning)
			continue;
		for (size_t j = 0; j < fi->findings->n; j++) {
			char *more = xasprintf("%s%s%s", ids, *ids ? ", " : "",
			    filter_safe(id, sizeof(id), fi->findings->v[j].id));
			free(ids);
			ids = more;
		}
		next = xasprintf("%s%sinvoice %s (%s)", out, *out ? "; " : "",
		    fi->found.inv ? filter_safe(num, 64, fi->found.inv->number) : "unreadable", ids);
		free(ids);
		free(out);
		out = next;
	}
	return out;
}

/* filter_tag - the X-Postsale-Invoice headers; any the sender wrote go first */
static void
filter_tag(const struct ps_msg *m, struct filter_result *res)
{
	char num[80], id[40];

	for (int n = filter_header_count(m, FILTER_INVOICE_HEADER); n > 0; n--)
		hdr_edit_push(&res->hdrs, &res->nhdrs, HDR_EDIT_DELETE, FILTER_INVOICE_HEADER, n, NULL);
	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];
		char *v = xasprintf("%s; number=%s", fi->verdict,
		    fi->found.inv ? filter_safe(num, 64, fi->found.inv->number) : "unreadable");

		for (size_t j = 0; j < fi->findings->n; j++) {
			char *more = xasprintf("%s%s%s", v, j ? "," : "; findings=",
			    filter_safe(id, sizeof(id), fi->findings->v[j].id));
			free(v);
			v = more;
		}
		hdr_edit_push(&res->hdrs, &res->nhdrs, HDR_EDIT_ADD, FILTER_INVOICE_HEADER, 0, v);
		free(v);
	}
}

/* filter_act - the reason text, and finance's copy, of a flagged or warned message */
static void
filter_act(const struct ps_conf *conf, struct filter_result *res)
{
	char *what;

	if (!res->flagged && !res->warned)
		return;
	what = filter_describe(res);
	switch (res->action) {
	case CONF_ACTION_HOLD:
		res->reason = xasprintf("postsale: held for finance review: %s", what);
		break;
	case CONF_ACTION_REJECT:
		res->reason = xasprintf("postsale: not sent, finance must review %s", what);
		break;
	case CONF_ACTION_TEMPFAIL:
		res->reason = xasprintf("postsale: deferred for finance review: %s", what);
		break;
	default:
		break;
	}
	free(what);
	if (res->flagged && conf->finance_copy && conf->finance_address[0] != '\0') {
		res->add_rcpts = xcalloc(1, sizeof(*res->add_rcpts));
		res->add_rcpts[res->nadd_rcpts++] = xasprintf("<%s>", conf->finance_address);
	}
}

/* filter_consult - each readable invoice's resend history through lk: a resend is
 * its verdict, a changed one gets an error finding; 0, or -1 with err */
static int
filter_consult(const struct filter_lookup *lk, struct filter_result *res, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < res->ninv; i++) {
		struct filter_invoice *fi = &res->inv[i];
		enum filter_seen seen;
		long long prev;
		char desc[256] = "";

		if (fi->found.inv == NULL)
			continue;
		if (lk->resend(lk->ctx, fi->found.inv, &seen, &prev, desc, sizeof(desc), err, errlen) != 0)
			return -1;
		if (seen == FILTER_SEEN_CHANGED)
			inv_findings_add(fi->findings, "PS-RESEND-CHANGED", INV_SEV_ERROR,
			    "invoice %s was sent before (journal #%lld) with %s",
			    fi->found.inv->number ? fi->found.inv->number : "?", prev, desc);
		else if (seen == FILTER_SEEN_RESEND)
			fi->verdict = "resend";
	}
	return 0;
}

/* filter_decide - an outbound message's invoices and onboarding: checks, resends,
 * verdicts, tags, actions, the note and the records; 0, or -1 (incomplete: on-error) */
static int
filter_decide(struct filter_ctx *fc, const struct filter_lookup *lk, const struct ps_msg *m,
    struct filter_view *v, time_t now, struct filter_result *res)
{
	char err[512];

	onboard_classify(fc->onboard, &v->head, m->sender, &res->onboard);
	filter_check_invoices(fc, m, v, res);
	if (lk != NULL && !lk->available &&
	    (res->is_invoice || res->onboard.kind != ONBOARD_NONE))
		res->error = xstrdup("the store is not open");
	else if (lk != NULL && lk->available && res->is_invoice &&
	    filter_consult(lk, res, err, sizeof(err)) != 0)
		res->error = xstrdup(err);
	filter_verdicts(fc->conf, res);
	if (res->error != NULL && !res->flagged)	/* incomplete: the on-error policy */
		return -1;
	filter_tag(m, res);
	filter_act(fc->conf, res);
	if (res->action == CONF_ACTION_TAG || res->action == CONF_ACTION_HOLD)
		filter_note(fc, lk, m, v, res, now);
	if (lk != NULL && lk->recording)
		filter_records_list(fc->conf, m, &v->head, res);
	return 0;
}

int
filter_run(struct filter_ctx *fc, const struct filter_lookup *lk, const struct ps_msg *m,
    time_t now, struct filter_result *res)
{
	struct filter_view v;
	int rc;

	if (filter_view_open(&v, m) != 0) {
		/* Not MIME we can read: nothing to find, nothing to note; only the
		 * spoofing defence applies. */
		filter_tag(m, res);
		return 0;
	}
	/* A manager's answer to an invitation: internal mail to postsale-address. */
	if (filter_reply_wanted(fc->conf, m) &&
	    (filter_reply(fc, lk, m, &v, res) != 0 || m->nexternal == 0)) {
		filter_view_close(&v);
		return res->error != NULL ? -1 : 0;
	}
	rc = filter_decide(fc, lk, m, &v, now, res);
	filter_view_close(&v);
	return rc;
}

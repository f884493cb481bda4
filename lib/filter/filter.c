/*
 * filter.c - the per-message pipeline: parse once, find and check the invoices, classify
 * onboarding mail, decide the actions, and list the edits for the caller to apply.
 *
 * Everything in the message is untrusted: values that end up in a header or a reply
 * (invoice numbers, finding ids) are reduced to printable ASCII without ';' and cut.
 * The store steps live in filter_store.c, the note in filter_note.c.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "filter.h"
#include "invoice/inv_severity.h"
#include "mailcheck.h"
#include "mime/mime_text.h"
#include "mime/outbound.h"
#include "util/xalloc.h"
#include "mime/hdr.h"

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

/* filter_add_hdr - append a header edit */
static void
filter_add_hdr(struct filter_result *res, enum filter_hdr_op op, const char *name, int index,
    const char *value)
{
	struct filter_hdr *h;

	res->hdrs = xreallocarray(res->hdrs, res->nhdrs + 1, sizeof(*res->hdrs));
	h = &res->hdrs[res->nhdrs++];
	h->op = op;
	h->name = xstrdup(name);
	h->index = index;
	h->value = value ? xstrdup(value) : NULL;
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

/* filter_header_count - occurrences of header name in the raw header block */
static int
filter_header_count(const struct ps_msg *m, const char *name)
{
	return hdr_count(m->raw, m->header_len ? m->header_len : m->len, name);
}

/*
 * filter_parse - the message as GMime sees it; NULL when it cannot be parsed. GMime
 * reads m->raw in place, without a copy of its own: *view wraps those bytes (the
 * stream does not own them) and must outlive every GMime object of the message;
 * filter_unparse() drops both. The pipeline never changes m->raw meanwhile.
 */
static GMimeMessage *
filter_parse(const struct ps_msg *m, GByteArray **view)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;

	*view = g_byte_array_new_take((guint8 *) m->raw, m->len);
	stream = g_mime_stream_mem_new_with_byte_array(*view);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	return msg;
}

/* filter_unparse - drop the parsed message, then the view of m->raw (not the bytes) */
static void
filter_unparse(GMimeMessage *msg, GByteArray *view)
{
	if (msg != NULL)
		g_object_unref(msg);
	g_byte_array_free(view, FALSE);		/* the bytes stay m->raw's */
}

int
filter_rcpt_name(GMimeMessage *msg, const char *rcpt, char *buf, size_t len)
{
	static const GMimeAddressType types[] = {GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC};
	char addr[320];
	size_t alen;

	outbound_bare_address(rcpt, addr, sizeof(addr));
	alen = strlen(addr);
	buf[0] = '\0';
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		InternetAddressList *list = g_mime_message_get_addresses(msg, types[t]);
		int n = list ? internet_address_list_length(list) : 0;

		for (int i = 0; i < n; i++) {
			InternetAddress *ia = internet_address_list_get_address(list, i);
			const char *name;

			if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
				continue;
			if (strlen(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia))) != alen ||
			    strcasecmp(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)), addr) != 0)
				continue;
			if ((name = internet_address_get_name(ia)) != NULL && *name != '\0') {
				snprintf(buf, len, "%s", name);
				return 1;
			}
		}
	}
	return 0;
}

/* filter_check_invoices - find the invoices and run every check on each */
static void
filter_check_invoices(struct filter_ctx *fc, const struct ps_msg *m, GMimeMessage *msg,
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
	if (inv_find_in_message(msg, &lim, &found) == 0) {
		inv_found_list_clear(&found);
		return;
	}
	res->is_invoice = 1;
	in.subject = g_mime_message_get_subject(msg);
	in.text = text = mime_text_body(msg, conf->note_max_part_size);
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
		} else if (fi->verdict == NULL)	/* filter_store_consult may say "resend" */
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
		filter_add_hdr(res, FILTER_HDR_DELETE, FILTER_INVOICE_HEADER, n, NULL);
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
		filter_add_hdr(res, FILTER_HDR_ADD, FILTER_INVOICE_HEADER, 0, v);
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

int
filter_run(struct filter_ctx *fc, struct store *st, enum filter_store_mode mode,
    const struct ps_msg *m, time_t now, struct filter_result *res)
{
	GMimeMessage *msg;
	GByteArray *view;
	char err[512];

	if ((msg = filter_parse(m, &view)) == NULL) {
		/* Not MIME we can read: nothing to find, nothing to note; only the
		 * spoofing defence applies. */
		filter_unparse(NULL, view);
		filter_tag(m, res);
		return 0;
	}
	/* A manager's answer to an invitation: internal mail to postsale-address. */
	if (filter_reply_wanted(fc->conf, m) &&
	    (filter_reply(fc, st, mode, m, msg, now, res) != 0 || m->nexternal == 0)) {
		filter_unparse(msg, view);
		return res->error != NULL ? -1 : 0;
	}
	onboard_classify(fc->onboard, msg, m->sender, &res->onboard);
	filter_check_invoices(fc, m, msg, res);
	if (mode == FILTER_STORE_WRITE && st == NULL &&
	    (res->is_invoice || res->onboard.kind != ONBOARD_NONE))
		res->error = xstrdup("the store is not open");
	else if (mode != FILTER_STORE_NONE && st != NULL && res->is_invoice &&
	    filter_store_consult(st, m, res, err, sizeof(err)) != 0)
		res->error = xstrdup(err);
	filter_verdicts(fc->conf, res);
	if (res->error != NULL && !res->flagged) {	/* incomplete: the on-error policy */
		filter_unparse(msg, view);
		return -1;
	}
	filter_tag(m, res);
	filter_act(fc->conf, res);
	if (res->action == CONF_ACTION_TAG || res->action == CONF_ACTION_HOLD)
		filter_note(fc, mode != FILTER_STORE_NONE ? st : NULL, m, msg, res, now);
	if (mode == FILTER_STORE_WRITE)
		res->unrecorded = filter_store_record(st, fc->conf, m, msg, res, now);
	filter_unparse(msg, view);
	return 0;
}

void
filter_result_clear(struct filter_result *res)
{
	for (size_t i = 0; i < res->ninv; i++) {
		inv_findings_free(res->inv[i].findings);
		inv_found_clear(&res->inv[i].found);
	}
	free(res->inv);
	for (size_t i = 0; i < res->nhdrs; i++) {
		free(res->hdrs[i].name);
		free(res->hdrs[i].value);
	}
	free(res->hdrs);
	for (size_t i = 0; i < res->nadd_rcpts; i++)
		free(res->add_rcpts[i]);
	free(res->add_rcpts);
	free(res->reason);
	free(res->body);
	free(res->error);
	memset(res, 0, sizeof(*res));
}

/*
 * filter_note.c - the pipeline's thank-you note: is one due, with which template and
 * values, and the byte-exact injection (lib/note.c) that writes it.
 *
 * The values come from the message (display names, invoice numbers: untrusted, escaped
 * by the template engine) and from the caller's lookup (the customer's tenure and
 * invoice count, as the store knows them).
 * A note that cannot be written correctly is skipped with the reason, never forced.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "filter.h"
#include "note/note.h"
#include "mime/outbound.h"
#include "util/xalloc.h"

/* filter_read_invoice - 1 if at least one invoice of the message was read */
static int
filter_read_invoice(const struct filter_result *res)
{
	for (size_t i = 0; i < res->ninv; i++)
		if (res->inv[i].found.inv != NULL)
			return 1;
	return 0;
}

/* filter_note_due - which template kind the message gets, or NULL for none; never
 * an invoice note in a message in which no invoice was read */
static const char *
filter_note_due(const struct ps_conf *conf, const struct filter_result *res)
{
	if (res->is_invoice && filter_read_invoice(res) && conf->note_invoices &&
	    (!res->flagged || conf->note_flagged_invoices))
		return "invoice";
	if (res->onboard.kind == ONBOARD_START && conf->note_onboarding)
		return "onboarding";
	return NULL;
}

/* filter_note_facts - the values of the note for the customer rcpt */
static void
filter_note_facts(struct filter_ctx *fc, const struct filter_lookup *lk, const struct mime_head *head,
    const struct filter_result *res, const char *rcpt, time_t now, tmpl_facts *f,
    char *name, size_t namelen, char *manager, size_t mlen)
{
	struct filter_customer jf;
	struct tm since, today;
	char err[256];
	time_t start = now;
	long count = 0;

	memset(f, 0, sizeof(*f));
	if (lk != NULL && lk->available && lk->customer(lk->ctx, rcpt, &jf, err, sizeof(err)) == 0) {
		start = jf.since;
		count = jf.invoice_count;
		snprintf(manager, mlen, "%s", jf.manager);
		if (jf.name[0] != '\0')
			snprintf(name, namelen, "%s", jf.name);
	}
	if (!filter_rcpt_name(head, rcpt, name, namelen) && name[0] == '\0' && res->ninv > 0 &&
	    res->inv[0].found.inv != NULL && res->inv[0].found.inv->buyer.name != NULL)
		snprintf(name, namelen, "%s", res->inv[0].found.inv->buyer.name);
	f->customer_name = name[0] ? name : NULL;
	f->company = fc->conf->company_name[0] ? fc->conf->company_name : NULL;
	f->manager = manager[0] ? manager : NULL;
	if (res->is_invoice && res->ninv > 0 && res->inv[0].found.inv != NULL)
		f->invoice_number = res->inv[0].found.inv->number;
	gmtime_r(&start, &since);
	gmtime_r(&now, &today);
	f->since_year = since.tm_year + 1900;
	f->since_month = since.tm_mon + 1;
	f->since_day = since.tm_mday;
	f->invoice_count = (unsigned) (count + (res->is_invoice ? 1 : 0));
	f->today_year = today.tm_year + 1900;
	f->today_month = today.tm_mon + 1;
	f->today_day = today.tm_mday;
}

void
filter_note(struct filter_ctx *fc, const struct filter_lookup *lk, const struct ps_msg *m,
    struct filter_view *v, struct filter_result *res, time_t now)
{
	const struct ps_conf *conf = fc->conf;
	const char *kind = filter_note_due(conf, res), *rcpt = NULL, *clang;
	const tmpl *txt = NULL, *html = NULL;
	char lang[32], name[256] = "", manager[256] = "", addr[320];
	tmpl_facts facts;
	tmpl_vars *vars;
	char *text_note = NULL, *html_note = NULL;
	note_opts opts = {0};
	note_result r = {0};

	if (kind == NULL || fc->templates == NULL)
		return;
	for (size_t i = 0; i < m->nrcpts && rcpt == NULL; i++)
		if (outbound_rcpt_external(&conf->local_domains, m->rcpts[i]))
			rcpt = outbound_bare_address(m->rcpts[i], addr, sizeof(addr));
	if (rcpt == NULL)
		return;
	clang = mime_head_content(&v->head, "Content-Language");
	if (clang == NULL || tmpl_lang_norm(clang, lang, sizeof(lang)) == NULL || lang[0] == '\0')
		snprintf(lang, sizeof(lang), "%s", conf->note_language);
	if (tmpl_set_pick(fc->templates, kind, lang, &txt, &html) != 0) {
		snprintf(res->note_reason, sizeof(res->note_reason), "no %s template for language %s", kind, lang);
		return;
	}
	filter_note_facts(fc, lk, &v->head, res, rcpt, now, &facts, name, sizeof(name), manager, sizeof(manager));
	vars = tmpl_vars_new();
	tmpl_vars_facts(vars, &facts, lang);
	if (txt != NULL)
		text_note = tmpl_render(txt, vars, NULL);
	if (html != NULL)
		html_note = tmpl_render(html, vars, NULL);
	tmpl_vars_free(vars);

	opts.position = conf->note_position == CONF_POSITION_TOP ? NOTE_TOP : NOTE_BOTTOM;
	opts.skip_replies = conf->note_replies == CONF_REPLIES_SKIP;
	opts.max_part = conf->note_max_part_size;
	if (!v->scanned)	/* no parts to write into: the scan refused the message */
		snprintf(res->note_reason, sizeof(res->note_reason), "MIME: %s", v->why);
	else if (note_inject_scanned(&opts, m->raw, m->len, &v->tree, v->gm, text_note, html_note,
	    &r) == NOTE_INJECTED) {
		for (size_t i = 0; i < r.nheaders; i++)
			hdr_edit_push(&res->hdrs, &res->nhdrs, r.headers[i].op, r.headers[i].name,
			    r.headers[i].index, r.headers[i].value);
		res->note = xmalloc(sizeof(*res->note));	/* the body taken over */
		*res->note = r;
		memset(&r, 0, sizeof(r));
		res->note_added = 1;
	} else
		snprintf(res->note_reason, sizeof(res->note_reason), "%s", r.reason);
	note_result_clear(&r);
	free(text_note);
	free(html_note);
}

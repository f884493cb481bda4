/*
 * cmd_simulate.c - `postsalectl simulate [--from ADDR] [--rcpt ADDR]... [--client ADDR]
 * [--auth USER] [--now TIME] [--json] FILE.eml`: what postsale-milter would do.
 *
 * It runs the filter's own pipeline (lib/filter/) on the message, reading the store
 * read-only (resends, customer facts: filter_store_lookup()) and writing nothing, and
 * gives the edits to a sink that records them (filter_edit(), as the milter gives
 * them to libmilter). Standard output gets the message with those edits applied,
 * exactly as it would leave the filter (nothing when it would be rejected or
 * deferred); standard error gets the decisions and the edits, as text or, with --json,
 * as a JSON array of one object. The exit status is 0, or 1 when an invoice is flagged (the
 * verdict, as for check), or a sysexits status. The message file is untrusted input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "filter/filter_store.h"
#include "mime/outbound.h"
#include "util/xalloc.h"
#include "invoice/xmlsafe.h"

/*
 * simulate_envelope - an envelope from the headers, as a mail client would make it:
 * with want_rcpts the To and Cc addresses, with want_sender the From address
 */
static void
simulate_envelope(const struct ps_conf *conf, struct ps_msg *m, int want_rcpts, int want_sender)
{
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(m->raw, m->len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	GMimeAddressType types[] = {GMIME_ADDRESS_TYPE_TO, GMIME_ADDRESS_TYPE_CC};

	g_object_unref(stream);
	g_object_unref(parser);
	if (msg == NULL)
		return;
	for (size_t t = 0; want_rcpts && t < 2; t++) {
		InternetAddressList *l = g_mime_message_get_addresses(msg, types[t]);
		for (int i = 0; l != NULL && i < internet_address_list_length(l); i++) {
			InternetAddress *ia = internet_address_list_get_address(l, i);
			char *a;

			if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
				continue;
			a = xasprintf("<%s>", internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
			msg_add_rcpt(m, a, outbound_rcpt_external(&conf->local_domains, a));
			free(a);
		}
	}
	if (want_sender) {
		InternetAddressList *l = g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_FROM);
		if (l != NULL && internet_address_list_length(l) > 0 &&
		    INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(l, 0))) {
			char *a = xasprintf("<%s>", internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(l, 0))));
			msg_set_sender(m, a);
			free(a);
		}
	}
	g_object_unref(msg);
}

/* simulate_text - the decisions for people */
static void
simulate_text(FILE *fp, const struct ps_msg *m, const struct filter_result *res,
    const struct filter_edits *e, int outbound)
{
	fprintf(fp, "outbound: %s (origin %s, %zu of %zu recipients external)\n", outbound ? "yes" : "no",
	    m->origin_internal ? "internal" : "outside", m->nexternal, m->nrcpts);
	if (!outbound)
		return;
	fprintf(fp, "classification: %s%s%s\n", res->is_invoice ? "invoice" : "",
	    res->is_invoice && res->onboard.kind != ONBOARD_NONE ? ", " : "",
	    res->onboard.kind == ONBOARD_START ? "onboarding" : res->onboard.kind == ONBOARD_STOP ?
	    "off-boarding" : res->is_invoice ? "" : "plain");
	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];

		fprintf(fp, "invoice: part %s (%s), number %s: %s\n", fi->found.part, fi->found.container,
		    fi->found.inv && fi->found.inv->number ? fi->found.inv->number : "-", fi->verdict);
		for (size_t j = 0; j < fi->findings->n; j++)
			fprintf(fp, "  %s %s\n", fi->findings->v[j].severity == INV_SEV_ERROR ? "error  " :
			    "warning", fi->findings->v[j].message);
	}
	if (res->is_invoice)
		fprintf(fp, "action: %s%s%s\n", filter_action_name(res->action),
		    res->reason ? ": " : "", res->reason ? res->reason : "");
	for (size_t i = 0; i < e->nrcpts; i++)
		fprintf(fp, "add recipient: %s\n", e->rcpts[i]);
	for (size_t i = 0; i < e->nhdrs; i++)
		fprintf(fp, "header: %s %s%s%s\n", hdr_edit_op_name(e->hdrs[i].op), e->hdrs[i].name,
		    e->hdrs[i].value ? ": " : "", e->hdrs[i].value ? e->hdrs[i].value : "");
	fprintf(fp, "note: %s%s\n", res->note_added ? "added" : "none",
	    !res->note_added && res->note_reason[0] ? res->note_reason : "");
	if (res->onboard.kind == ONBOARD_START)
		fprintf(fp, "journey: would start for the external recipients%s%s\n",
		    res->onboard.has_renewal ? ", renewal " : "", res->onboard.has_renewal ? res->onboard.renewal : "");
	else if (res->onboard.kind == ONBOARD_STOP)
		fprintf(fp, "journey: would cancel the future check-ins\n");
}

/* simulate_json_invoices - the invoices of res as a JSON array, with their findings */
static void
simulate_json_invoices(struct json_out *j, const struct filter_result *res)
{
	json_array_begin(j);
	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];

		json_object_begin(j);
		json_key(j, "part");
		json_str(j, fi->found.part);
		json_key(j, "container");
		json_str(j, fi->found.container);
		json_key(j, "number");
		json_str(j, fi->found.inv ? fi->found.inv->number : NULL);
		json_key(j, "verdict");
		json_str(j, fi->verdict);
		json_key(j, "findings");
		json_array_begin(j);
		for (size_t k = 0; k < fi->findings->n; k++) {
			json_object_begin(j);
			json_key(j, "id");
			json_str(j, fi->findings->v[k].id);
			json_key(j, "severity");
			json_str(j, fi->findings->v[k].severity == INV_SEV_ERROR ? "error" : "warning");
			json_key(j, "message");
			json_str(j, fi->findings->v[k].message);
			json_object_end(j);
		}
		json_array_end(j);
		json_object_end(j);
	}
	json_array_end(j);
}

/* simulate_json - the decisions as an array of one object (the shape of every --json) */
static void
simulate_json(FILE *fp, const struct ps_msg *m, const struct filter_result *res,
    const struct filter_edits *e, int outbound)
{
	struct json_out j;

	json_init(&j, fp);
	json_array_begin(&j);
	json_object_begin(&j);
	json_key(&j, "outbound");
	json_bool(&j, outbound);
	json_key(&j, "origin");
	json_str(&j, m->origin_internal ? "internal" : "outside");
	json_key(&j, "recipients");
	json_int(&j, (long long) m->nrcpts);
	json_key(&j, "external");
	json_int(&j, (long long) m->nexternal);
	json_key(&j, "invoice");
	json_bool(&j, res->is_invoice);
	json_key(&j, "onboarding");
	json_str(&j, res->onboard.kind == ONBOARD_START ? "start" :
	    res->onboard.kind == ONBOARD_STOP ? "stop" : "none");
	json_key(&j, "invoices");
	simulate_json_invoices(&j, res);
	json_key(&j, "action");
	json_str(&j, outbound && res->is_invoice ? filter_action_name(res->action) : "none");
	json_key(&j, "reason");
	json_str(&j, res->reason);
	json_key(&j, "add_recipients");
	json_array_begin(&j);
	for (size_t i = 0; i < e->nrcpts; i++)
		json_str(&j, e->rcpts[i]);
	json_array_end(&j);
	json_key(&j, "headers");
	json_array_begin(&j);
	for (size_t i = 0; i < e->nhdrs; i++) {
		json_object_begin(&j);
		json_key(&j, "op");
		json_str(&j, hdr_edit_op_name(e->hdrs[i].op));
		json_key(&j, "name");
		json_str(&j, e->hdrs[i].name);
		json_key(&j, "index");
		json_int(&j, e->hdrs[i].index);
		json_key(&j, "value");
		json_str(&j, e->hdrs[i].value);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "note");
	json_bool(&j, res->note_added);
	json_key(&j, "note_reason");
	json_str(&j, res->note_reason[0] ? res->note_reason : NULL);
	json_object_end(&j);
	json_array_end(&j);
}

/* What the command line asks. */
struct simulate_opts {
	const char *from, *client, *auth, *file;
	char **rcpts;
	size_t nrcpts;
	time_t now;
	int json;
};

/* simulate_args - the options into *o (o->rcpts the caller frees); 0, or CTL_USAGE */
static int
simulate_args(int argc, char **argv, struct simulate_opts *o)
{
	static const struct option longopts[] = {
		{"from", required_argument, NULL, 'f'}, {"rcpt", required_argument, NULL, 'r'},
		{"client", required_argument, NULL, 'c'}, {"auth", required_argument, NULL, 'a'},
		{"now", required_argument, NULL, 'n'}, {"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': o->from = optarg; break;
		case 'r':
			o->rcpts = xreallocarray(o->rcpts, o->nrcpts + 1, sizeof(*o->rcpts));
			o->rcpts[o->nrcpts++] = optarg;
			break;
		case 'c': o->client = optarg; break;
		case 'a': o->auth = optarg; break;
		case 'n':
			if (timetext_parse(optarg, &o->now) != 0) {
				fprintf(stderr, "postsalectl simulate: --now %s: not a time (YYYY-MM-DD[ HH:MM[:SS]][+HH:MM], @UNIX)\n",
				    optarg);
				return CTL_USAGE;
			}
			break;
		case 'j': o->json = 1; break;
		default:
			return CTL_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: postsalectl simulate [--from ADDR] [--rcpt ADDR]... [--client ADDR]"
		    " [--auth USER] [--now TIME] [--json] FILE.eml\n");
		return CTL_USAGE;
	}
	o->file = argv[optind];
	return 0;
}

/* simulate_message - the message of data[0..len) with the envelope o gives (or the
 * headers, as a mail client would make it) and the origin of o's client */
static struct ps_msg *
simulate_message(const struct ps_conf *conf, const struct simulate_opts *o, const char *data,
    size_t len)
{
	struct ps_msg *m = msg_new(conf->max_message_size);

	if (msg_load_bytes(m, data, len) != 0)
		fprintf(stderr, "postsalectl simulate: %s: %zu bytes, over max-message-size: the filter passes it untouched\n",
		    o->file, len);
	if (o->from != NULL)
		msg_set_sender(m, o->from);
	for (size_t i = 0; i < o->nrcpts; i++)
		msg_add_rcpt(m, o->rcpts[i], outbound_rcpt_external(&conf->local_domains, o->rcpts[i]));
	if (o->nrcpts == 0 || o->from == NULL)
		simulate_envelope(conf, m, o->nrcpts == 0, o->from == NULL);
	if (m->sender == NULL)
		msg_set_sender(m, "<>");
	m->origin_internal = outbound_origin_internal(conf->internal_networks, o->auth, NULL,
	    o->client);
	return m;
}

/* simulate_run - the filter's decisions on the outbound message m, reading the store
 * (when it opens) and writing nothing, into *res; CTL_OK, or the status of the
 * on-error case (res is then empty: the message passes unchanged) */
static int
simulate_run(const struct ps_conf *conf, struct filter_ctx *fc, const struct ps_msg *m,
    time_t now, struct filter_result *res)
{
	struct store *st = ctl_store(STORE_READONLY);
	struct filter_lookup lk;
	int status = CTL_OK;

	if (st == NULL)
		fprintf(stderr, "postsalectl simulate: without the store: no resend check, no customer facts\n");
	else
		filter_store_lookup(&lk, st, 0);
	if (filter_run(fc, st != NULL ? &lk : NULL, m, now, res) != 0) {
		fprintf(stderr, "postsalectl simulate: the filter would follow on-error (%s): %s\n",
		    conf->on_error == CONF_ON_ERROR_TEMPFAIL ? "tempfail" : "accept unchanged", res->error);
		filter_result_clear(res);
		status = st ? store_exit_db(st) : CTL_SOFTWARE;
	}
	return status;
}

int
cmd_simulate(int argc, char **argv)
{
	struct simulate_opts o = {.client = "127.0.0.1", .now = time(NULL)};
	struct ps_conf *conf;
	struct ps_msg *m;
	struct filter_ctx *fc;
	struct filter_result res = {0};
	struct filter_edits edits = {0};
	struct filter_sink sink;
	enum filter_outcome outcome;
	char err[1024], *data = NULL, *out;
	size_t len, out_len;
	int outbound, status;

	if ((status = simulate_args(argc, argv, &o)) != 0 || (conf = ctl_conf()) == NULL) {
		free(o.rcpts);
		return status != 0 ? status : ctl_status();
	}
	/* A file past max-message-size is read whole all the same, to show that the
	 * filter would pass it untouched; the limit here only guards memory. */
	if ((status = ctl_read_file(o.file, conf->max_message_size * 2 + 65536,
	    (unsigned char **) &data, &len, err, sizeof(err))) != 0) {
		fprintf(stderr, "postsalectl simulate: %s: %s\n", o.file, err);
		free(o.rcpts);
		return status;
	}
	xmlsafe_init();
	if ((fc = filter_ctx_new(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "postsalectl simulate: %s\n", err);
		free(o.rcpts);
		free(data);
		return CTL_CONFIG;
	}
	m = simulate_message(conf, &o, data, len);
	outbound = msg_outbound(m) && !m->oversized;
	if (outbound)
		status = simulate_run(conf, fc, m, o.now, &res);
	/* the edits as the milter makes them: none for a rejected or deferred message */
	filter_edits_sink(&edits, &sink);
	outcome = filter_edit(&res, &sink);
	if (o.json)
		simulate_json(stderr, m, &res, &edits, outbound);
	else
		simulate_text(stderr, m, &res, &edits, outbound);
	if (outcome == FILTER_ACCEPT) {
		out = filter_edits_message(m, &edits, &out_len);
		fwrite(out, 1, out_len, stdout);
		free(out);
	}
	if (status == CTL_OK && res.flagged)
		status = CTL_FLAGGED;
	filter_edits_clear(&edits);
	filter_result_clear(&res);
	filter_ctx_free(fc);
	msg_free(m);
	free(data);
	free(o.rcpts);
	return status;
}

/*
 * cmd_simulate.c - `postsalectl simulate [--from ADDR] [--rcpt ADDR]... [--client ADDR]
 * [--auth USER] [--now TIME] [--json] FILE.eml`: what postsale-milter would do.
 *
 * It runs the filter's own pipeline (lib/filter.c) on the message, consulting the store
 * read-only (resends, customer facts) and writing nothing. Standard output gets the
 * message exactly as it would leave the filter (nothing when it would be rejected or
 * deferred); standard error gets the decisions, as text or, with --json, as a JSON
 * array of one object. The exit status is 0, or 1 when an invoice is flagged (the
 * verdict, as for check), or a sysexits status. The message file is untrusted input.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "filter/filter.h"
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

/* hdr_op - the name of a header change */
static const char *
hdr_op(int op)
{
	return op == FILTER_HDR_DELETE ? "delete" : op == FILTER_HDR_CHANGE ? "change" : "add";
}

/* simulate_text - the decisions for people */
static void
simulate_text(FILE *fp, const struct ps_msg *m, const struct filter_result *res, int outbound)
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
	for (size_t i = 0; i < res->nadd_rcpts; i++)
		fprintf(fp, "add recipient: %s\n", res->add_rcpts[i]);
	for (size_t i = 0; i < res->nhdrs; i++)
		fprintf(fp, "header: %s %s%s%s\n", hdr_op(res->hdrs[i].op), res->hdrs[i].name,
		    res->hdrs[i].value ? ": " : "", res->hdrs[i].value ? res->hdrs[i].value : "");
	fprintf(fp, "note: %s%s\n", res->note_added ? "added" : "none",
	    !res->note_added && res->note_reason[0] ? res->note_reason : "");
	if (res->onboard.kind == ONBOARD_START)
		fprintf(fp, "journey: would start for the external recipients%s%s\n",
		    res->onboard.has_renewal ? ", renewal " : "", res->onboard.has_renewal ? res->onboard.renewal : "");
	else if (res->onboard.kind == ONBOARD_STOP)
		fprintf(fp, "journey: would cancel the future check-ins\n");
}

/* simulate_json - the decisions as an array of one object (the shape of every --json) */
static void
simulate_json(FILE *fp, const struct ps_msg *m, const struct filter_result *res, int outbound)
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
	json_array_begin(&j);
	for (size_t i = 0; i < res->ninv; i++) {
		const struct filter_invoice *fi = &res->inv[i];

		json_object_begin(&j);
		json_key(&j, "part");
		json_str(&j, fi->found.part);
		json_key(&j, "container");
		json_str(&j, fi->found.container);
		json_key(&j, "number");
		json_str(&j, fi->found.inv ? fi->found.inv->number : NULL);
		json_key(&j, "verdict");
		json_str(&j, fi->verdict);
		json_key(&j, "findings");
		json_array_begin(&j);
		for (size_t k = 0; k < fi->findings->n; k++) {
			json_object_begin(&j);
			json_key(&j, "id");
			json_str(&j, fi->findings->v[k].id);
			json_key(&j, "severity");
			json_str(&j, fi->findings->v[k].severity == INV_SEV_ERROR ? "error" : "warning");
			json_key(&j, "message");
			json_str(&j, fi->findings->v[k].message);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "action");
	json_str(&j, outbound && res->is_invoice ? filter_action_name(res->action) : "none");
	json_key(&j, "reason");
	json_str(&j, res->reason);
	json_key(&j, "add_recipients");
	json_array_begin(&j);
	for (size_t i = 0; i < res->nadd_rcpts; i++)
		json_str(&j, res->add_rcpts[i]);
	json_array_end(&j);
	json_key(&j, "headers");
	json_array_begin(&j);
	for (size_t i = 0; i < res->nhdrs; i++) {
		json_object_begin(&j);
		json_key(&j, "op");
		json_str(&j, hdr_op(res->hdrs[i].op));
		json_key(&j, "name");
		json_str(&j, res->hdrs[i].name);
		json_key(&j, "index");
		json_int(&j, res->hdrs[i].index);
		json_key(&j, "value");
		json_str(&j, res->hdrs[i].value);
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

int
cmd_simulate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"from", required_argument, NULL, 'f'}, {"rcpt", required_argument, NULL, 'r'},
		{"client", required_argument, NULL, 'c'}, {"auth", required_argument, NULL, 'a'},
		{"now", required_argument, NULL, 'n'}, {"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct ps_conf *conf;
	struct ps_msg *m;
	struct store *st;
	struct filter_ctx *fc;
	struct filter_result res = {0};
	const char *from = NULL, *client = "127.0.0.1", *auth = NULL;
	char **rcpts = NULL, err[1024], *data = NULL, *out;
	size_t nrcpts = 0, len, out_len;
	time_t now = time(NULL);
	int json = 0, ch, outbound, status = CTL_OK;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': from = optarg; break;
		case 'r':
			rcpts = xreallocarray(rcpts, nrcpts + 1, sizeof(*rcpts));
			rcpts[nrcpts++] = optarg;
			break;
		case 'c': client = optarg; break;
		case 'a': auth = optarg; break;
		case 'n':
			if (timetext_parse(optarg, &now) != 0) {
				fprintf(stderr, "postsalectl simulate: --now %s: not a time (YYYY-MM-DD[ HH:MM[:SS]][+HH:MM], @UNIX)\n",
				    optarg);
				free(rcpts);
				return CTL_USAGE;
			}
			break;
		case 'j': json = 1; break;
		default:
			free(rcpts);
			return CTL_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: postsalectl simulate [--from ADDR] [--rcpt ADDR]... [--client ADDR]"
		    " [--auth USER] [--now TIME] [--json] FILE.eml\n");
		free(rcpts);
		return CTL_USAGE;
	}
	if ((conf = ctl_conf()) == NULL) {
		free(rcpts);
		return ctl_status();
	}
	/* A file past max-message-size is read whole all the same, to show that the
	 * filter would pass it untouched; the limit here only guards memory. */
	if ((status = ctl_read_file(argv[optind], conf->max_message_size * 2 + 65536,
	    (unsigned char **) &data, &len, err, sizeof(err))) != 0) {
		fprintf(stderr, "postsalectl simulate: %s: %s\n", argv[optind], err);
		free(rcpts);
		return status;
	}
	xmlsafe_init();
	if ((fc = filter_ctx_new(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "postsalectl simulate: %s\n", err);
		free(rcpts);
		free(data);
		return CTL_CONFIG;
	}
	m = msg_new(conf->max_message_size);
	if (msg_load_bytes(m, data, len) != 0)
		fprintf(stderr, "postsalectl simulate: %s: %zu bytes, over max-message-size: the filter passes it untouched\n",
		    argv[optind], len);
	if (from != NULL)
		msg_set_sender(m, from);
	for (size_t i = 0; i < nrcpts; i++)
		msg_add_rcpt(m, rcpts[i], outbound_rcpt_external(&conf->local_domains, rcpts[i]));
	if (nrcpts == 0 || from == NULL)
		simulate_envelope(conf, m, nrcpts == 0, from == NULL);
	if (m->sender == NULL)
		msg_set_sender(m, "<>");
	m->origin_internal = outbound_origin_internal(conf->internal_networks, auth, NULL, client);
	outbound = msg_outbound(m) && !m->oversized;

	st = outbound ? ctl_store(STORE_READONLY) : NULL;
	if (outbound && st == NULL)
		fprintf(stderr, "postsalectl simulate: without the store: no resend check, no customer facts\n");
	if (outbound && filter_run(fc, st, st ? FILTER_STORE_READ : FILTER_STORE_NONE, m, now, &res) != 0) {
		fprintf(stderr, "postsalectl simulate: the filter would follow on-error (%s): %s\n",
		    conf->on_error == CONF_ON_ERROR_TEMPFAIL ? "tempfail" : "accept unchanged", res.error);
		filter_result_clear(&res);
		status = st ? store_exit_db(st) : CTL_SOFTWARE;
	}
	if (json)
		simulate_json(stderr, m, &res, outbound);
	else
		simulate_text(stderr, m, &res, outbound);
	if (!outbound || res.action == CONF_ACTION_TAG || res.action == CONF_ACTION_HOLD) {
		out = filter_apply_bytes(m, &res, &out_len);
		fwrite(out, 1, out_len, stdout);
		free(out);
	}
	if (status == CTL_OK && (res.flagged || res.warned))
		status = res.flagged ? CTL_FLAGGED : CTL_OK;
	filter_result_clear(&res);
	filter_ctx_free(fc);
	msg_free(m);
	free(data);
	free(rcpts);
	return status;
}

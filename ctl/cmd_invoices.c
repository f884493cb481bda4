/*
 * cmd_invoices.c - postsalectl invoices, show and review: the invoice journal as the
 * filter recorded it (lib/store/store_invoices.h, store_invoice.h).
 *
 * The command line is trusted as far as it parses; every value read from the store
 * came from an untrusted invoice or message and is made printable before it reaches
 * the terminal (JSON output escapes it instead).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "ctl_common.h"
#include "store/store_audit.h"
#include "store/store_invoice.h"
#include "store/store_invoices.h"
#include "util/text.h"

/* safe - s made printable into buf; "-" for NULL or empty */
static const char *
safe(const char *s, char *buf, size_t len)
{
	if (s == NULL || *s == '\0')
		return "-";
	return text_printable(buf, len, s, strlen(s), 0);
}

/* col - cell c of row i, printable, in one of a few rotating buffers */
static const char *
col(const struct store_rows *r, size_t i, size_t c)
{
	static char bufs[8][1024];
	static int next;
	char *b = bufs[next++ % 8];

	return safe(store_rows_get(r, i, c), b, sizeof(bufs[0]));
}

/* json_findings - the rule ids of invoice id as a JSON array; 0, or -1 with err */
static int
json_findings(struct store *st, long long id, struct json_out *j, char *err, size_t errlen)
{
	struct store_rows r = { 0 };

	if (store_invoices_findings(st, id, &r, err, errlen) != 0)
		return -1;
	json_array_begin(j);
	for (size_t i = 0; i < r.n; i++)
		json_str(j, store_rows_get(&r, i, FINDING_RULE_ID));
	json_array_end(j);
	store_rows_clear(&r);
	return 0;
}

/* parse_id - a positive journal id; 0 and *id, or -1 */
static int
parse_id(const char *s, long long *id)
{
	char *end;

	*id = strtoll(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && *id > 0 ? 0 : -1;
}

/* list_text - the invoices' table */
static void
list_text(const struct store_rows *r)
{
	char when[32];

	for (size_t i = 0; i < r->n; i++)
		printf("%-5lld  %s  %-16s  %-28s  %12s %-3s  %-7s  %-8s  %s\n",
		    store_rows_int(r, i, INVOICES_ID),
		    timetext_fmt((time_t) store_rows_int(r, i, INVOICES_SENT_AT), when, sizeof(when)),
		    col(r, i, INVOICES_NUMBER), col(r, i, INVOICES_BUYER), col(r, i, INVOICES_TOTAL),
		    store_rows_get(r, i, INVOICES_CURRENCY) == NULL ? "" : col(r, i, INVOICES_CURRENCY),
		    col(r, i, INVOICES_VERDICT), col(r, i, INVOICES_ACTION),
		    col(r, i, INVOICES_REVIEW_STATE));
}

/* list_json - the invoices as a JSON array, each with its findings; CTL_OK, or the
 * store's status after a failed read */
static int
list_json(struct store *st, const struct store_rows *r)
{
	static const char *const keys[] = { "number", "buyer", "total", "currency",
		"verdict", "action", "review_state" };
	struct json_out j;
	char err[1024];

	json_init(&j, stdout);
	json_array_begin(&j);
	for (size_t i = 0; i < r->n; i++) {
		long long id = store_rows_int(r, i, INVOICES_ID);

		json_object_begin(&j);
		json_key(&j, "id");
		json_int(&j, id);
		json_key(&j, "sent_at");
		json_time(&j, (time_t) store_rows_int(r, i, INVOICES_SENT_AT));
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			json_key(&j, keys[k]);
			json_str(&j, store_rows_get(r, i, INVOICES_NUMBER + k));
		}
		json_key(&j, "findings");
		if (json_findings(st, id, &j, err, sizeof(err)) != 0) {
			putchar('\n');
			fprintf(stderr, "postsalectl invoices: %s\n", err);
			return store_exit_db(st);
		}
		json_object_end(&j);
	}
	json_array_end(&j);
	return CTL_OK;
}

int
cmd_invoices(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"flagged", no_argument, NULL, 'f'},
		{"findings", no_argument, NULL, 'F'},
		{"since", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	int flagged = 0, json = 0, c, rc;
	time_t since = 0;
	struct store_rows rows = { 0 };
	struct store *st;
	char err[1024];

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': flagged = 1; break;
		case 'F': flagged = 2; break;	/* flagged, or with warnings (issue 9) */
		case 'j': json = 1; break;
		case 's':
			if (timetext_parse(optarg, &since) != 0) {
				fprintf(stderr, "postsalectl invoices: --since %s: not a date (YYYY-MM-DD, YYYY-MM-DD HH:MM,"
				    " YYYY-MM-DDTHH:MM:SS+HH:MM, @UNIX)\n", optarg);
				return CTL_USAGE;
			}
			break;
		case 'h':
			printf("usage: postsalectl invoices [--flagged|--findings] [--since DATE] [--json]\n");
			return CTL_OK;
		default:
			fprintf(stderr, "usage: postsalectl invoices [--flagged|--findings] [--since DATE] [--json]\n");
			return CTL_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "postsalectl invoices: unexpected argument '%s'\n", argv[optind]);
		return CTL_USAGE;
	}
	if ((st = ctl_store(STORE_READONLY)) == NULL)
		return ctl_status();
	if (store_invoices_list(st, (enum store_invoices_which) flagged, since, &rows, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl invoices: %s\n", err);
		return store_exit_db(st);
	}
	rc = json ? list_json(st, &rows) : (list_text(&rows), CTL_OK);
	store_rows_clear(&rows);
	return rc;
}

/* show_audit - the invoice's audit log (the finance console's actions) */
static int
show_audit(struct store *st, long long id)
{
	struct store_rows r = { 0 };
	char err[512], when[32];

	if (audit_list(st, id, &r, err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl show: %s\n", err);
		return CTL_ERROR;
	}
	printf(r.n ? "Audit log:\n" : "Audit log:   empty\n");
	for (size_t i = 0; i < r.n; i++) {
		const char *d = store_rows_get(&r, i, AUDIT_DETAIL);
		printf("  %s  %-8s %s  by %s%s%s%s\n",
		    timetext_fmt((time_t) store_rows_int(&r, i, AUDIT_AT), when, sizeof(when)),
		    store_rows_get(&r, i, AUDIT_ACTION), store_rows_get(&r, i, AUDIT_OUTCOME),
		    store_rows_get(&r, i, AUDIT_USER), d ? " (" : "", d ? d : "", d ? ")" : "");
	}
	store_rows_clear(&r);
	return CTL_OK;
}

/* show_invoice - the invoice's fields (row 0 of r: store_invoices_get()) */
static void
show_invoice(const struct store_rows *r, long long id)
{
	char when[32];

	printf("Invoice #%lld\n", id);
	printf("  number:      %s\n", col(r, 0, INVOICE_NUMBER));
	printf("  syntax:      %s, profile %s\n", col(r, 0, INVOICE_SYNTAX), col(r, 0, INVOICE_PROFILE));
	printf("  seller:      %s\n", col(r, 0, INVOICE_SELLER));
	printf("  buyer:       %s", col(r, 0, INVOICE_BUYER));
	if (store_rows_get(r, 0, INVOICE_BUYER_ADDRESS) != NULL)
		printf(" <%s>", col(r, 0, INVOICE_BUYER_ADDRESS));
	printf("\n  issue date:  %s\n", col(r, 0, INVOICE_ISSUE_DATE));
	printf("  due date:    %s\n", col(r, 0, INVOICE_DUE_DATE));
	printf("  total:       %s %s\n", col(r, 0, INVOICE_TOTAL),
	    store_rows_get(r, 0, INVOICE_CURRENCY) == NULL ? "" : col(r, 0, INVOICE_CURRENCY));
	printf("  payee IBAN:  %s\n", col(r, 0, INVOICE_PAYEE_IBAN));
	printf("  sent:        %s\n", timetext_fmt((time_t) store_rows_int(r, 0, INVOICE_SENT_AT),
	    when, sizeof(when)));
	printf("  sender:      %s\n", col(r, 0, INVOICE_SENDER));
	printf("  recipients:  %s\n", col(r, 0, INVOICE_RECIPIENTS));
	printf("  message-id:  %s\n", col(r, 0, INVOICE_MESSAGE_ID));
	printf("  queue id:    %s\n", col(r, 0, INVOICE_QUEUE_ID));
	printf("  verdict:     %s\n", col(r, 0, INVOICE_VERDICT));
	printf("  action:      %s\n", col(r, 0, INVOICE_ACTION));
	if (store_rows_get(r, 0, INVOICE_REVIEWED_AT) != NULL)
		printf("  review:      %s on %s: %s\n", col(r, 0, INVOICE_REVIEW_STATE),
		    timetext_fmt((time_t) store_rows_int(r, 0, INVOICE_REVIEWED_AT), when, sizeof(when)),
		    col(r, 0, INVOICE_REVIEW_NOTE));
	else
		printf("  review:      %s\n", col(r, 0, INVOICE_REVIEW_STATE));
	if (store_rows_get(r, 0, INVOICE_DIGESTED_AT) != NULL)
		printf("  digest:      sent to finance %s\n",
		    timetext_fmt((time_t) store_rows_int(r, 0, INVOICE_DIGESTED_AT), when, sizeof(when)));
	if (store_rows_get(r, 0, INVOICE_HOLD_STATE) != NULL)
		printf("  hold queue:  %s\n", col(r, 0, INVOICE_HOLD_STATE));
}

/* show_held - how to release or discard a held invoice (row 0 of r) */
static void
show_held(const struct store_rows *r, long long id)
{
	const char *action = store_rows_get(r, 0, INVOICE_ACTION);
	const char *q = store_rows_get(r, 0, INVOICE_QUEUE_ID);
	int qid_ok = q != NULL && *q != '\0' && strspn(q,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == strlen(q);

	if (action == NULL || strcmp(action, "hold") != 0 ||
	    store_rows_get(r, 0, INVOICE_HOLD_STATE) != NULL)
		return;
	if (qid_ok) {
		printf("Held in the Postfix hold queue. To release it to its recipients:\n");
		printf("  postsuper -H %s\n", q);
		printf("To discard it:\n");
		printf("  postsuper -d %s\n", q);
	} else
		printf("Held, but its queue id was not recorded: find it with postqueue -j (message-id above)\n");
	if (ctl_conf()->web_url[0] != '\0')
		printf("Or in the finance console: %s/invoice/%lld\n", ctl_conf()->web_url, id);
}

int
cmd_show(int argc, char **argv)
{
	struct store_rows inv = { 0 }, fnd = { 0 };
	struct store *st;
	long long id;
	char err[1024];
	int rc;

	if (argc != 2 || parse_id(argv[1], &id) != 0) {
		fprintf(stderr, argc == 2 ? "postsalectl show: '%s' is not an invoice id (see postsalectl invoices)\n" :
		    "usage: postsalectl show ID\n", argc == 2 ? argv[1] : "");
		return CTL_USAGE;
	}
	if ((st = ctl_store(STORE_READONLY)) == NULL)
		return ctl_status();
	if (store_invoices_get(st, id, &inv, err, sizeof(err)) != 0 ||
	    (inv.n == 1 && store_invoices_findings(st, id, &fnd, err, sizeof(err)) != 0)) {
		fprintf(stderr, "postsalectl show: %s\n", err);
		rc = store_exit_db(st);
		goto done;
	}
	if (inv.n == 0) {
		fprintf(stderr, "postsalectl show: no invoice with id %lld\n", id);
		rc = CTL_NOTFOUND;
		goto done;
	}
	show_invoice(&inv, id);
	printf(fnd.n ? "Findings:\n" : "Findings:    none\n");
	for (size_t i = 0; i < fnd.n; i++)
		printf("  %-7s  %s\n", col(&fnd, i, FINDING_SEVERITY), col(&fnd, i, FINDING_MESSAGE));
	show_held(&inv, id);
	rc = show_audit(st, id);
done:
	store_rows_clear(&inv);
	store_rows_clear(&fnd);
	return rc;
}

int
cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"note", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0}
	};
	const char *note = NULL;
	struct store *st;
	long long id;
	char err[1024];
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c != 'n') {
			fprintf(stderr, "usage: postsalectl review ID --note TEXT\n");
			return CTL_USAGE;
		}
		note = optarg;
	}
	if (optind + 1 != argc || note == NULL) {
		fprintf(stderr, "usage: postsalectl review ID --note TEXT\n");
		return CTL_USAGE;
	}
	if (parse_id(argv[optind], &id) != 0) {
		fprintf(stderr, "postsalectl review: '%s' is not an invoice id (see postsalectl invoices)\n",
		    argv[optind]);
		return CTL_USAGE;
	}
	if ((st = ctl_store(0)) == NULL)
		return ctl_status();
	r = store_invoice_review(st, id, note, time(NULL), err, sizeof(err));
	if (r < 0)
		return ctl_store_failed(st, "review", err);
	if (r == 0) {
		fprintf(stderr, "postsalectl review: no invoice with id %lld\n", id);
		return CTL_NOTFOUND;
	}
	printf("invoice #%lld marked reviewed\n", id);
	return CTL_OK;
}

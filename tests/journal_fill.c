/*
 * journal_fill.c - put one invoice into a store through journal_record(), for the
 * postsalectl tests (tests/ctl_invoices.sh). Trusts its command line.
 *
 * usage: journal_fill DB NUMBER BUYER TOTAL VERDICT ACTION QUEUEID SENT_AT [ID:SEV:TEXT]...
 * Prints the new invoice's id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_invoice.h"

int
main(int argc, char **argv)
{
	char err[1024];
	struct store *st;
	inv_invoice *inv;
	inv_findings *f;
	const char *rcpts[] = { "<ap@acme.example>" };
	long long id;

	if (argc < 9) {
		fprintf(stderr, "usage: journal_fill DB NUMBER BUYER TOTAL VERDICT ACTION QUEUEID SENT_AT [ID:SEV:TEXT]...\n");
		return 2;
	}
	if ((st = store_open(argv[1], 5000, STORE_CREATE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "journal_fill: %s\n", err);
		return 2;
	}
	inv = calloc(1, sizeof(*inv));
	inv->number = strdup(argv[2]);
	inv->seller.name = strdup("Us GmbH");
	inv->buyer.name = strdup(argv[3]);
	inv->buyer.electronic_address = strdup("ap@acme.example");
	inv->currency = strdup("EUR");
	inv->profile = strdup("EN16931");
	if (dec_parse(argv[4], &inv->amount_due) != 0) {
		fprintf(stderr, "journal_fill: %s: not an amount\n", argv[4]);
		return 2;
	}
	inv->has_amount_due = 1;
	f = inv_findings_new();
	for (int i = 9; i < argc; i++) {
		char *a = strdup(argv[i]), *sev = strchr(a, ':'), *text;
		if (sev == NULL || (text = strchr(sev + 1, ':')) == NULL) {
			fprintf(stderr, "journal_fill: %s: not ID:SEV:TEXT\n", argv[i]);
			return 2;
		}
		*sev++ = '\0';
		*text++ = '\0';
		inv_findings_add(f, a, strcmp(sev, "error") == 0 ? INV_SEV_ERROR : INV_SEV_WARNING, "%s", text);
		free(a);
	}
	struct journal_entry e = {
		.inv = inv, .container = "xml", .part = "2", .sender = "billing@us.example",
		.rcpts = rcpts, .nrcpts = 1, .message_id = "<inv-test@us.example>",
		.queue_id = argv[7][0] ? argv[7] : NULL, .verdict = argv[5], .action = argv[6],
		.findings = f, .sent_at = (time_t) strtoll(argv[8], NULL, 10),
	};
	if (journal_record(st, &e, &id, err, sizeof(err)) != 0) {
		fprintf(stderr, "journal_fill: %s\n", err);
		return 1;
	}
	printf("%lld\n", id);
	inv_findings_free(f);
	inv_free(inv);
	store_close(st);
	return 0;
}

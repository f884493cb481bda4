/*
 * cmd_invoices.c - postsalectl invoices, show and review: the invoice journal as the
 * filter recorded it (lib/store_invoice.h).
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
#include "util/text.h"

/* safe - s made printable into buf; "-" for NULL or empty */
static const char *
safe(const unsigned char *s, char *buf, size_t len)
{
	if (s == NULL || *s == '\0')
		return "-";
	return text_printable(buf, len, (const char *) s, strlen((const char *) s), 0);
}

/* col - column i of the row, printable, in one of a few rotating buffers */
static const char *
col(sqlite3_stmt *stmt, int i)
{
	static char bufs[8][1024];
	static int next;
	char *b = bufs[next++ % 8];

	return safe(sqlite3_column_text(stmt, i), b, sizeof(bufs[0]));
}

/* json_findings - the rule ids of invoice id as a JSON array; 0, or -1 on a store error */
static int
json_findings(struct store *st, long long id, struct json_out *j)
{
	sqlite3_stmt *stmt;
	int rc;

	if (sqlite3_prepare_v2(st->db, "SELECT rule_id FROM findings WHERE invoice_id = ?1"
	    " ORDER BY rowid", -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	json_array_begin(j);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		json_str(j, (const char *) sqlite3_column_text(stmt, 0));
	json_array_end(j);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* parse_id - a positive journal id; 0 and *id, or -1 */
static int
parse_id(const char *s, long long *id)
{
	char *end;

	*id = strtoll(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && *id > 0 ? 0 : -1;
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
	static const char *const keys[] = { "number", "buyer", "total", "currency",
		"verdict", "action", "review_state" };
	int flagged = 0, json = 0, c, rc;
	time_t since = 0;
	struct json_out j;
	struct store *st;
	sqlite3_stmt *stmt;

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
	rc = sqlite3_prepare_v2(st->db,
	    "SELECT id, sent_at, number, buyer, total, currency, verdict, action, review_state"
	    " FROM invoices WHERE (?1 = 0 OR verdict = 'flagged' OR (?1 = 2 AND EXISTS"
	    " (SELECT 1 FROM findings f WHERE f.invoice_id = invoices.id))) AND sent_at >= ?2"
	    " ORDER BY id",
	    -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "postsalectl invoices: %s: %s\n", st->path, sqlite3_errmsg(st->db));
		return store_exit_db(st);
	}
	sqlite3_bind_int(stmt, 1, flagged);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64) since);
	json_init(&j, stdout);
	if (json)
		json_array_begin(&j);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(stmt, 0);
		time_t t = (time_t) sqlite3_column_int64(stmt, 1);
		char when[32];

		if (json) {
			json_object_begin(&j);
			json_key(&j, "id");
			json_int(&j, id);
			json_key(&j, "sent_at");
			json_time(&j, t);
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				json_key(&j, keys[k]);
				json_str(&j, (const char *) sqlite3_column_text(stmt, (int) k + 2));
			}
			json_key(&j, "findings");
			if (json_findings(st, id, &j) != 0) {
				putchar('\n');
				fprintf(stderr, "postsalectl invoices: %s: %s\n", st->path, sqlite3_errmsg(st->db));
				sqlite3_finalize(stmt);
				return store_exit_db(st);
			}
			json_object_end(&j);
		} else
			printf("%-5lld  %s  %-16s  %-28s  %12s %-3s  %-7s  %-8s  %s\n", id,
			    timetext_fmt(t, when, sizeof(when)), col(stmt, 2), col(stmt, 3),
			    col(stmt, 4), sqlite3_column_type(stmt, 5) == SQLITE_NULL ? "" : col(stmt, 5),
			    col(stmt, 6), col(stmt, 7), col(stmt, 8));
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "postsalectl invoices: %s: %s\n", st->path, sqlite3_errmsg(st->db));
		return store_exit_db(st);
	}
	if (json)
		json_array_end(&j);
	return CTL_OK;
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

int
cmd_show(int argc, char **argv)
{
	struct store *st;
	sqlite3_stmt *stmt;
	long long id;
	char when[32];
	int rc, n = 0;

	if (argc != 2 || parse_id(argv[1], &id) != 0) {
		fprintf(stderr, argc == 2 ? "postsalectl show: '%s' is not an invoice id (see postsalectl invoices)\n" :
		    "usage: postsalectl show ID\n", argc == 2 ? argv[1] : "");
		return CTL_USAGE;
	}
	if ((st = ctl_store(STORE_READONLY)) == NULL)
		return ctl_status();
	rc = sqlite3_prepare_v2(st->db,
	    "SELECT number, syntax, profile, seller, buyer, buyer_address, issue_date, due_date,"
	    " total, currency, payee_iban, sent_at, sender, recipients, message_id, queue_id,"
	    " verdict, action, review_state, review_note, reviewed_at, digested_at, hold_state"
	    " FROM invoices WHERE id = ?1", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "postsalectl show: %s: %s\n", st->path, sqlite3_errmsg(st->db));
		return store_exit_db(st);
	}
	sqlite3_bind_int64(stmt, 1, id);
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			fprintf(stderr, "postsalectl show: no invoice with id %lld\n", id);
		else
			fprintf(stderr, "postsalectl show: %s: %s\n", st->path, sqlite3_errmsg(st->db));
		rc = rc == SQLITE_DONE ? CTL_NOTFOUND : store_exit_db(st);
		sqlite3_finalize(stmt);
		return rc;
	}
	printf("Invoice #%lld\n", id);
	printf("  number:      %s\n", col(stmt, 0));
	printf("  syntax:      %s, profile %s\n", col(stmt, 1), col(stmt, 2));
	printf("  seller:      %s\n", col(stmt, 3));
	printf("  buyer:       %s", col(stmt, 4));
	if (sqlite3_column_type(stmt, 5) != SQLITE_NULL)
		printf(" <%s>", col(stmt, 5));
	printf("\n  issue date:  %s\n", col(stmt, 6));
	printf("  due date:    %s\n", col(stmt, 7));
	printf("  total:       %s %s\n", col(stmt, 8),
	    sqlite3_column_type(stmt, 9) == SQLITE_NULL ? "" : col(stmt, 9));
	printf("  payee IBAN:  %s\n", col(stmt, 10));
	printf("  sent:        %s\n", timetext_fmt((time_t) sqlite3_column_int64(stmt, 11), when, sizeof(when)));
	printf("  sender:      %s\n", col(stmt, 12));
	printf("  recipients:  %s\n", col(stmt, 13));
	printf("  message-id:  %s\n", col(stmt, 14));
	printf("  queue id:    %s\n", col(stmt, 15));
	printf("  verdict:     %s\n", col(stmt, 16));
	printf("  action:      %s\n", col(stmt, 17));
	if (sqlite3_column_type(stmt, 20) != SQLITE_NULL)
		printf("  review:      %s on %s: %s\n", col(stmt, 18),
		    timetext_fmt((time_t) sqlite3_column_int64(stmt, 20), when, sizeof(when)), col(stmt, 19));
	else
		printf("  review:      %s\n", col(stmt, 18));
	if (sqlite3_column_type(stmt, 21) != SQLITE_NULL)
		printf("  digest:      sent to finance %s\n",
		    timetext_fmt((time_t) sqlite3_column_int64(stmt, 21), when, sizeof(when)));

	if (sqlite3_column_type(stmt, 22) != SQLITE_NULL)
		printf("  hold queue:  %s\n", col(stmt, 22));
	int held = sqlite3_column_text(stmt, 17) != NULL &&
	    strcmp((const char *) sqlite3_column_text(stmt, 17), "hold") == 0 &&
	    sqlite3_column_type(stmt, 22) == SQLITE_NULL;
	char qid[128];
	const unsigned char *q = sqlite3_column_text(stmt, 15);
	int qid_ok = q != NULL && *q != '\0' && strspn((const char *) q,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == strlen((const char *) q);
	snprintf(qid, sizeof(qid), "%s", qid_ok ? (const char *) q : "");
	sqlite3_finalize(stmt);

	rc = sqlite3_prepare_v2(st->db, "SELECT severity, message FROM findings WHERE invoice_id = ?1"
	    " ORDER BY rowid", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "postsalectl show: %s: %s\n", st->path, sqlite3_errmsg(st->db));
		return store_exit_db(st);
	}
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n++ == 0)
			printf("Findings:\n");
		printf("  %-7s  %s\n", col(stmt, 0), col(stmt, 1));
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "postsalectl show: %s: %s\n", st->path, sqlite3_errmsg(st->db));
		rc = store_exit_db(st);
		sqlite3_finalize(stmt);
		return rc;
	}
	sqlite3_finalize(stmt);
	if (n == 0)
		printf("Findings:    none\n");
	if (held) {
		if (qid_ok) {
			printf("Held in the Postfix hold queue. To release it to its recipients:\n");
			printf("  postsuper -H %s\n", qid);
			printf("To discard it:\n");
			printf("  postsuper -d %s\n", qid);
		} else
			printf("Held, but its queue id was not recorded: find it with postqueue -j (message-id above)\n");
		if (ctl_conf()->web_url[0] != '\0')
			printf("Or in the finance console: %s/invoice/%lld\n", ctl_conf()->web_url, id);
	}
	return show_audit(st, id);
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
	r = journal_review(st, id, note, time(NULL), err, sizeof(err));
	if (r < 0)
		return ctl_store_failed(st, "review", err);
	if (r == 0) {
		fprintf(stderr, "postsalectl review: no invoice with id %lld\n", id);
		return CTL_NOTFOUND;
	}
	printf("invoice #%lld marked reviewed\n", id);
	return CTL_OK;
}

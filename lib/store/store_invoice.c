/*
 * store_invoice.c - the invoice journal: lookups of earlier sends, and the record of
 * each invoice with its findings and its customers (store_invoice.h).
 *
 * The values come from untrusted invoices and messages; they only ever reach the database
 * as bound parameters. The statements stay prepared in the connection's cache
 * (db_prepare(), finalized by store_close()); each is reset before the call returns,
 * so a connection holds no read or busy statement between calls. Their texts are
 * bound where they are (db_bind_text_static): each lives until that reset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_invoice.h"
#include "store_int.h"
#include "store_invoice_figures.h"
#include "util/xalloc.h"

#define SQL_LOOKUP \
	"SELECT id, sent_at, buyer, currency, total, fingerprint FROM invoices" \
	" WHERE number = ? AND seller = ? AND coalesce(action, '') NOT IN ('reject', 'tempfail')" \
	" ORDER BY id DESC LIMIT 1"
#define INSERT_INVOICE \
	"INSERT INTO invoices (number, syntax, profile, seller, buyer, buyer_address," \
	" issue_date, due_date, currency, total, payee_iban, sender, recipients, message_id," \
	" queue_id, fingerprint, verdict, action, sent_at)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
/*
 * The new invoice's id: PostgreSQL's RETURNING id; on SQLite the connection's last row
 * id, read right after the INSERT in the same write transaction, because SQLite's
 * RETURNING costs the filter ~0.8% per invoice (make bench-filter, an ephemeral table
 * per execution). [0] SQLite, [1] PostgreSQL; the second text NULL for none.
 */
static const char *const sql_insert_invoice[2][2] = {
	{INSERT_INVOICE, "SELECT last_insert_rowid()"},
	{INSERT_INVOICE " RETURNING id", NULL},
};
#define SQL_INSERT_FINDING \
	"INSERT INTO findings (invoice_id, rule_id, severity, message) VALUES (?, ?, ?, ?)"
#define SQL_CUSTOMER \
	"INSERT INTO customers (address, domain, display_name, first_seen, invoice_count," \
	" last_invoice_at) VALUES (?, ?, ?, ?, 1, ?)" \
	" ON CONFLICT (address) DO UPDATE SET invoice_count = customers.invoice_count + 1," \
	" last_invoice_at = CASE WHEN coalesce(customers.last_invoice_at, 0) >" \
	" excluded.last_invoice_at THEN customers.last_invoice_at ELSE excluded.last_invoice_at END," \
	" display_name = coalesce(customers.display_name, excluded.display_name)"
#define SQL_REVIEW \
	"UPDATE invoices SET review_state = 'reviewed', review_note = ?, reviewed_at = ?" \
	" WHERE id = ?"

const char *
store_invoice_seller_key(const inv_invoice *inv)
{
	if (inv->seller.name != NULL && inv->seller.name[0] != '\0')
		return inv->seller.name;
	if (inv->seller.vat_id != NULL)
		return inv->seller.vat_id;
	return "";
}

char *
store_invoice_amount(const inv_invoice *inv, char *buf, size_t len)
{
	if (inv->has_amount_due)
		return dec_fmt(inv->amount_due, buf, len);
	if (inv->has_total_with_vat)
		return dec_fmt(inv->total_with_vat, buf, len);
	return NULL;
}

/* put_lower - s (NULL: nothing) in lower case (ASCII) at p, then sep unless it is
 * '\0'; the end */
static char *
put_lower(char *p, const char *s, char sep)
{
	for (; s != NULL && *s; s++)
		*p++ = *s >= 'A' && *s <= 'Z' ? (char) (*s - 'A' + 'a') : *s;
	if (sep != '\0')
		*p++ = sep;
	return p;
}

/* fingerprint - what a resend must share: "currency|amount|name|vat id|address", the
 * amount scale-free, the rest in lower case; caller frees */
static char *
fingerprint(const inv_invoice *inv)
{
	char amount[DEC_FMT_LEN] = "", *fp, *p;
	const char *cur = inv->currency, *name = inv->buyer.name, *vat = inv->buyer.vat_id,
	    *addr = inv->buyer.electronic_address;
	dec_t v;

	if (inv->has_amount_due || inv->has_total_with_vat) {
		v = inv->has_amount_due ? inv->amount_due : inv->total_with_vat;
		/* 100.00 and 100.0 are the same amount: print without trailing zeros */
		v = dec_trim(v, 0);
		dec_fmt(v, amount, sizeof(amount));
	}
	fp = xmalloc((cur ? strlen(cur) : 0) + strlen(amount) + (name ? strlen(name) : 0) +
	    (vat ? strlen(vat) : 0) + (addr ? strlen(addr) : 0) + 5);
	p = put_lower(fp, cur, '|');
	p = put_lower(p, amount, '|');	/* digits, '-' and '.': no case */
	p = put_lower(p, name, '|');
	p = put_lower(p, vat, '|');
	p = put_lower(p, addr, '\0');
	*p = '\0';
	return fp;
}

int
store_invoice_lookup(struct store *st, const inv_invoice *inv, enum store_invoice_resend *out,
	       long long *prev_id, char *prev_desc, size_t desclen, char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc, ret = 0;

	*out = STORE_INVOICE_NEW;
	if (prev_id != NULL)
		*prev_id = 0;
	if (prev_desc != NULL && desclen > 0)
		prev_desc[0] = '\0';
	if (inv->number == NULL || inv->number[0] == '\0')
		return 0;
	if ((stmt = store_statement(st, SQL_LOOKUP, "looking up an earlier invoice", err, errlen)) == NULL)
		return -1;
	db_bind_text_static(stmt, 1, inv->number);
	db_bind_text_static(stmt, 2, store_invoice_seller_key(inv));
	rc = db_step(stmt);
	if (rc == DB_ROW) {
		char *fp = fingerprint(inv), when[32];
		const char *prev_fp = db_column_text(stmt, 5);
		const char *buyer = db_column_text(stmt, 2);
		const char *cur = db_column_text(stmt, 3);
		const char *total = db_column_text(stmt, 4);
		time_t t = (time_t) db_column_int64(stmt, 1);
		struct tm tm;

		*out = prev_fp != NULL && strcmp(prev_fp, fp) == 0 ? STORE_INVOICE_RESEND : STORE_INVOICE_CHANGED;
		if (prev_id != NULL)
			*prev_id = db_column_int64(stmt, 0);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		if (prev_desc != NULL)
			snprintf(prev_desc, desclen, "journal #%lld, sent %s to %s, %s %s",
			    (long long) db_column_int64(stmt, 0), when, buyer ? buyer : "-",
			    total ? total : "-", cur ? cur : "");
		free(fp);
	} else if (rc != DB_DONE) {
		store_errmsg(st, rc, "looking up an earlier invoice", err, errlen);
		ret = -1;
	}
	db_reset(stmt);
	return ret;
}

/* buyer_address - the buyer's e-mail as recorded: BT-49, else BT-58 */
static const char *
buyer_address(const inv_invoice *inv)
{
	if (inv->buyer.electronic_address != NULL && strchr(inv->buyer.electronic_address, '@'))
		return inv->buyer.electronic_address;
	if (inv->buyer.contact_email != NULL)
		return inv->buyer.contact_email;
	return inv->buyer.electronic_address;
}

/* bare - rcpt without <> and white space; caller frees */
static char *
bare(const char *rcpt)
{
	size_t n;

	while (*rcpt == ' ' || *rcpt == '\t' || *rcpt == '<')
		rcpt++;
	n = strcspn(rcpt, "> \t");
	return xstrndup(rcpt, n);
}

/* join - the strings of v (NULL as ""), separated by ", ", in one allocation; caller
 * frees */
static char *
join(const char *const *v, size_t n)
{
	size_t len = 1, k;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		len += (v[i] ? strlen(v[i]) : 0) + 2;
	p = out = xmalloc(len);
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			*p++ = ',';
			*p++ = ' ';
		}
		k = v[i] ? strlen(v[i]) : 0;
		memcpy(p, v[i] ? v[i] : "", k);
		p += k;
	}
	*p = '\0';
	return out;
}

#define SQL_EXISTING \
	"SELECT id FROM invoices WHERE number IS NOT DISTINCT FROM ?" \
	" AND seller IS NOT DISTINCT FROM ? AND queue_id IS NOT DISTINCT FROM ?" \
	" AND message_id IS NOT DISTINCT FROM ? AND sent_at = ?"

/* xdup - a copy of s, NULL for NULL */
static char *
xdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
store_invoice_row_add_finding(struct store_invoice_row *row, const char *rule_id, const char *severity,
			const char *message)
{
	struct store_invoice_finding *f;

	row->findings = xreallocarray(row->findings, row->nfindings + 1, sizeof(*row->findings));
	f = &row->findings[row->nfindings++];
	f->rule_id = xstrdup(rule_id ? rule_id : "");
	f->severity = xstrdup(severity ? severity : "error");
	f->message = xstrdup(message ? message : "");
}

void
store_invoice_row_from_entry(const struct store_invoice_entry *e, struct store_invoice_row *row)
{
	const inv_invoice *inv = e->inv;
	char amount[DEC_FMT_LEN];

	row->number = xdup(inv->number);
	row->syntax = xdup(inv_syntax_name(inv->syntax));
	row->profile = xdup(inv->profile);
	row->seller = xdup(store_invoice_seller_key(inv));
	row->buyer = xdup(inv->buyer.name);
	row->buyer_address = xdup(buyer_address(inv));
	row->issue_date = xdup(inv->issue_date);
	row->due_date = xdup(inv->due_date);
	row->currency = xdup(inv->currency);
	row->total = xdup(store_invoice_amount(inv, amount, sizeof(amount)));
	row->payee_ibans = inv->n_payee_ibans > 0 ?
	    join((const char *const *) inv->payee_ibans, inv->n_payee_ibans) : NULL;
	row->sender = xdup(e->sender);
	row->message_id = xdup(e->message_id);
	row->queue_id = xdup(e->queue_id);
	row->fingerprint = fingerprint(inv);
	row->verdict = xstrdup(e->verdict ? e->verdict : "ok");
	row->action = xdup(e->action);
	row->rcpts = xcalloc(e->nrcpts + 1, sizeof(*row->rcpts));
	for (size_t i = 0; i < e->nrcpts; i++)
		row->rcpts[row->nrcpts++] = bare(e->rcpts[i]);
	for (size_t i = 0; e->findings != NULL && i < e->findings->n; i++)
		store_invoice_row_add_finding(row, e->findings->v[i].id,
		    e->findings->v[i].severity == INV_SEV_ERROR ? "error" : "warning",
		    e->findings->v[i].message);
	row->sent_at = (long long) e->sent_at;
	row->inv = inv;
}

void
store_invoice_row_clear(struct store_invoice_row *row)
{
	char **strs[] = {&row->number, &row->syntax, &row->profile, &row->seller, &row->buyer,
	    &row->buyer_address, &row->issue_date, &row->due_date, &row->currency, &row->total,
	    &row->payee_ibans, &row->sender, &row->message_id, &row->queue_id,
	    &row->fingerprint, &row->verdict, &row->action};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free(*strs[i]);
	for (size_t i = 0; i < row->nrcpts; i++)
		free(row->rcpts[i]);
	free(row->rcpts);
	for (size_t i = 0; i < row->nfindings; i++) {
		free(row->findings[i].rule_id);
		free(row->findings[i].severity);
		free(row->findings[i].message);
	}
	free(row->findings);
	memset(row, 0, sizeof(*row));
}

/* existing - the id of a row already holding r (a replay), 0 when none, -1 on error */
static long long
existing(struct store *st, const struct store_invoice_row *r, int *rc)
{
	struct db_stmt *stmt = db_prepare(st->db, SQL_EXISTING);
	long long id = 0;

	if (stmt == NULL) {
		*rc = DB_ERROR;
		return -1;
	}
	db_bind_text_static(stmt, 1, r->number);
	db_bind_text_static(stmt, 2, r->seller);
	db_bind_text_static(stmt, 3, r->queue_id);
	db_bind_text_static(stmt, 4, r->message_id);
	db_bind_int64(stmt, 5, (long long) r->sent_at);
	*rc = db_step(stmt);
	if (*rc == DB_ROW)
		id = db_column_int64(stmt, 0);
	else if (*rc != DB_DONE)
		id = -1;
	db_reset(stmt);
	return id;
}

/* insert_invoice - the invoices row of r; its id in *rowid; a DB_* code */
static int
insert_invoice(struct store *st, const struct store_invoice_row *r, long long *rowid)
{
	const char *const *sql = sql_insert_invoice[db_kind(st->db) == DB_SQLITE ? 0 : 1];
	struct db_stmt *ins = db_prepare(st->db, sql[0]), *id = ins;
	char *rcpts = join((const char *const *) r->rcpts, r->nrcpts);
	const char *text[] = {r->number, r->syntax, r->profile, r->seller ? r->seller : "",
	    r->buyer, r->buyer_address, r->issue_date, r->due_date, r->currency, r->total,
	    r->payee_ibans, r->sender, rcpts, r->message_id, r->queue_id, r->fingerprint,
	    r->verdict ? r->verdict : "ok", r->action};
	const int ntext = (int) (sizeof(text) / sizeof(text[0]));
	int rc = DB_ERROR;

	if (ins == NULL || (sql[1] != NULL && (id = db_prepare(st->db, sql[1])) == NULL))
		goto done;
	for (int i = 0; i < ntext; i++)
		db_bind_text_static(ins, i + 1, text[i]);
	db_bind_int64(ins, ntext + 1, r->sent_at);
	if (id != ins && (rc = store_step_done(st, ins)) != DB_DONE)
		goto done;
	if ((rc = db_step(id)) == DB_ROW) {
		*rowid = db_column_int64(id, 0);
		rc = DB_DONE;
	} else if (rc == DB_DONE) {
		rc = DB_ERROR;		/* no id came back */
	}
	db_reset(id);
done:
	free(rcpts);
	return store_failed(st, rc);
}

/* insert_findings - the findings rows of invoice rowid; a DB_* code */
static int
insert_findings(struct store *st, struct db_stmt *fnd, const struct store_invoice_row *r,
		long long rowid)
{
	int rc;

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct store_invoice_finding *f = &r->findings[i];
		db_bind_int64(fnd, 1, rowid);
		db_bind_text_static(fnd, 2, f->rule_id);
		db_bind_text_static(fnd, 3, f->severity);
		db_bind_text_static(fnd, 4, f->message);
		if ((rc = store_failed(st, db_run(fnd))) != DB_DONE)
			return rc;
	}
	return DB_DONE;
}

/* count_customers - count the invoice on each recipient's customers row, unless it
 * did not leave (reject, tempfail); a DB_* code */
static int
count_customers(struct store *st, struct db_stmt *cus, const struct store_invoice_row *r)
{
	int rc;

	if (r->action != NULL && (strcmp(r->action, "reject") == 0 || strcmp(r->action, "tempfail") == 0))
		return DB_DONE;
	for (size_t i = 0; i < r->nrcpts; i++) {
		const char *a = r->rcpts[i], *at = strrchr(a, '@');
		if (a[0] == '\0')
			continue;
		db_bind_text_static(cus, 1, a);
		db_bind_text_static(cus, 2, at ? at + 1 : "");
		db_bind_text_static(cus, 3, r->buyer);
		db_bind_int64(cus, 4, r->sent_at);
		db_bind_int64(cus, 5, r->sent_at);
		if ((rc = store_failed(st, db_run(cus))) != DB_DONE)
			return rc;
	}
	return DB_DONE;
}

int
store_invoice_write_row(struct store *st, const struct store_invoice_row *r, int flags,
			long long *id, char *err, size_t errlen)
{
	struct db_stmt *fnd, *cus;
	const char *what = "recording an invoice";
	long long rowid = 0;
	int rc;

	/* on PostgreSQL two round trips: BEGIN, lock and the invoice; the rest with COMMIT */
	if ((rc = db_begin(st->db, DB_WRITE_PIPELINED)) != DB_DONE) {
		store_errmsg(st, rc, what, err, errlen);
		return -1;
	}
	if ((fnd = store_statement(st, SQL_INSERT_FINDING, what, err, errlen)) == NULL ||
	    (cus = store_statement(st, SQL_CUSTOMER, what, err, errlen)) == NULL)
		goto fail_reported;
	if (flags & STORE_INVOICE_REPLAY) {
		if ((rowid = existing(st, r, &rc)) < 0)
			goto fail;
		if (rowid > 0) {		/* recorded before: nothing to do */
			db_rollback(st->db);
			if (id != NULL)
				*id = rowid;
			return 0;
		}
	}
	if ((rc = insert_invoice(st, r, &rowid)) != DB_DONE ||
	    (rc = insert_findings(st, fnd, r, rowid)) != DB_DONE)
		goto fail;
	/* the finance console's figures, from the model (not kept in a replayed record) */
	if (r->inv != NULL && r->verdict != NULL && strcmp(r->verdict, "flagged") == 0 &&
	    (rc = store_invoice_record_figures(st, rowid, r->inv)) != DB_DONE)
		goto fail;
	if ((rc = count_customers(st, cus, r)) != DB_DONE || (rc = db_commit(st->db)) != DB_DONE)
		goto fail;
	if (id != NULL)
		*id = rowid;
	return 0;

fail:
	store_errmsg(st, rc, what, err, errlen);
fail_reported:
	db_rollback(st->db);
	return -1;
}

/* What a row borrowed from an entry (row_view) had to make itself. */
struct row_made {
	char amount[DEC_FMT_LEN];
	char *ibans, *fingerprint, *rcpts;	/* rcpts: the bare addresses, one block */
};

/*
 * row_view - *row as store_invoice_row_from_entry() would fill it, the same strings,
 * but borrowed from e and its model where they are there as they are, and made into
 * *made (freed by made_free) where not: no copy of each string per invoice. The row is
 * only read (store_invoice_write_row); never store_invoice_row_clear() it.
 */
static void
row_view(const struct store_invoice_entry *e, struct store_invoice_row *row,
    struct row_made *made)
{
	const inv_invoice *inv = e->inv;
	size_t i, len = 0, nf = e->findings != NULL ? e->findings->n : 0;
	char *p;

	memset(row, 0, sizeof(*row));
	memset(made, 0, sizeof(*made));
	row->number = (char *) inv->number;
	row->syntax = (char *) inv_syntax_name(inv->syntax);
	row->profile = (char *) inv->profile;
	row->seller = (char *) store_invoice_seller_key(inv);
	row->buyer = (char *) inv->buyer.name;
	row->buyer_address = (char *) buyer_address(inv);
	row->issue_date = (char *) inv->issue_date;
	row->due_date = (char *) inv->due_date;
	row->currency = (char *) inv->currency;
	row->total = store_invoice_amount(inv, made->amount, sizeof(made->amount));
	row->payee_ibans = made->ibans = inv->n_payee_ibans > 0 ?
	    join((const char *const *) inv->payee_ibans, inv->n_payee_ibans) : NULL;
	row->sender = (char *) e->sender;
	row->message_id = (char *) e->message_id;
	row->queue_id = (char *) e->queue_id;
	row->fingerprint = made->fingerprint = fingerprint(inv);
	row->verdict = (char *) (e->verdict ? e->verdict : "ok");
	row->action = (char *) e->action;
	/* the recipients as bare() makes them, after their pointers in one block */
	for (i = 0; i < e->nrcpts; i++)
		len += strlen(e->rcpts[i]) + 1;
	made->rcpts = xmalloc((e->nrcpts + 1) * sizeof(char *) + len +
	    nf * sizeof(struct store_invoice_finding));
	row->findings = (struct store_invoice_finding *) made->rcpts;
	row->rcpts = (char **) (row->findings + nf);
	p = (char *) (row->rcpts + e->nrcpts + 1);
	for (i = 0; i < e->nrcpts; i++) {
		const char *r = e->rcpts[i];
		size_t n;

		while (*r == ' ' || *r == '\t' || *r == '<')
			r++;
		n = strcspn(r, "> \t");
		memcpy(p, r, n);
		p[n] = '\0';
		row->rcpts[row->nrcpts++] = p;
		p += n + 1;
	}
	row->rcpts[row->nrcpts] = NULL;
	for (i = 0; i < nf; i++) {
		const inv_finding *f = &e->findings->v[i];

		row->findings[i].rule_id = (char *) f->id;
		row->findings[i].severity = (char *) (f->severity == INV_SEV_ERROR ?
		    "error" : "warning");
		row->findings[i].message = (char *) (f->message ? f->message : "");
	}
	row->nfindings = nf;
	row->sent_at = (long long) e->sent_at;
	row->inv = inv;
}

/* made_free - what row_view made */
static void
made_free(struct row_made *made)
{
	free(made->ibans);
	free(made->fingerprint);
	free(made->rcpts);
}

int
store_invoice_record(struct store *st, const struct store_invoice_entry *e, long long *id,
	       char *err, size_t errlen)
{
	struct store_invoice_row row;
	struct row_made made;
	int rc;

	row_view(e, &row, &made);
	rc = store_invoice_write_row(st, &row, 0, id, err, errlen);
	made_free(&made);
	return rc;
}

int
store_invoice_review(struct store *st, long long id, const char *note, time_t t,
	       char *err, size_t errlen)
{
	struct db_stmt *stmt;
	int rc;

	if ((stmt = store_statement(st, SQL_REVIEW, "marking an invoice reviewed", err, errlen)) == NULL)
		return -1;
	db_bind_text(stmt, 1, note);
	db_bind_int64(stmt, 2, (long long) t);
	db_bind_int64(stmt, 3, id);
	rc = db_step(stmt);
	db_reset(stmt);
	if (rc != DB_DONE) {
		store_errmsg(st, rc, "marking an invoice reviewed", err, errlen);
		return -1;
	}
	return db_changes(st->db) > 0 ? 1 : 0;
}

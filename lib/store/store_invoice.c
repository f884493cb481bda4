/*
 * store_invoice.c - the invoice journal: lookups of earlier sends, and the record of
 * each invoice with its findings and its customers (store_invoice.h).
 *
 * The values come from untrusted invoices and messages; they only ever reach SQLite
 * as bound parameters. The statements stay prepared in the connection's cache
 * (store_prepare, finalized by store_close()); each is reset before the call returns,
 * so a connection holds no read or busy statement between calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store_invoice.h"
#include "store_rows.h"
#include "util/xalloc.h"

#define SQL_LOOKUP \
	"SELECT id, sent_at, buyer, currency, total, fingerprint FROM invoices" \
	" WHERE number = ?1 AND seller = ?2 AND coalesce(action, '') NOT IN ('reject', 'tempfail')" \
	" ORDER BY id DESC LIMIT 1"
#define SQL_INSERT_INVOICE \
	"INSERT INTO invoices (number, syntax, profile, seller, buyer, buyer_address," \
	" issue_date, due_date, currency, total, payee_iban, sender, recipients, message_id," \
	" queue_id, fingerprint, verdict, action, sent_at)" \
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
#define SQL_INSERT_FINDING \
	"INSERT INTO findings (invoice_id, rule_id, severity, message) VALUES (?1, ?2, ?3, ?4)"
#define SQL_CUSTOMER \
	"INSERT INTO customers (address, domain, display_name, first_seen, invoice_count," \
	" last_invoice_at) VALUES (?1, ?2, ?3, ?4, 1, ?4)" \
	" ON CONFLICT (address) DO UPDATE SET invoice_count = invoice_count + 1," \
	" last_invoice_at = max(coalesce(last_invoice_at, 0), excluded.last_invoice_at)," \
	" display_name = coalesce(display_name, excluded.display_name)"
#define SQL_REVIEW \
	"UPDATE invoices SET review_state = 'reviewed', review_note = ?2, reviewed_at = ?3" \
	" WHERE id = ?1"

void
journal_errmsg(struct store *st, int rc, const char *what, char *err, size_t errlen)
{
	int prim = rc & 0xff;

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		snprintf(err, errlen, "%s: %s: the database is locked by another writer"
		    " (gave up after the busy timeout, database-timeout)", st->path, what);
	else
		snprintf(err, errlen, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

const char *
journal_seller_key(const inv_invoice *inv)
{
	if (inv->seller.name != NULL && inv->seller.name[0] != '\0')
		return inv->seller.name;
	if (inv->seller.vat_id != NULL)
		return inv->seller.vat_id;
	return "";
}

char *
journal_amount(const inv_invoice *inv, char *buf, size_t len)
{
	if (inv->has_amount_due)
		return dec_fmt(inv->amount_due, buf, len);
	if (inv->has_total_with_vat)
		return dec_fmt(inv->total_with_vat, buf, len);
	return NULL;
}

/* lower - a lower-case copy (ASCII) of s, "" for NULL; caller frees */
static char *
lower(const char *s)
{
	char *c = xstrdup(s ? s : "");

	for (char *p = c; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char) (*p - 'A' + 'a');
	return c;
}

/* fingerprint - what a resend must share: currency, amount (scale-free), buyer;
 * caller frees */
static char *
fingerprint(const inv_invoice *inv)
{
	char amount[DEC_FMT_LEN] = "";
	dec_t v;

	if (inv->has_amount_due || inv->has_total_with_vat) {
		v = inv->has_amount_due ? inv->amount_due : inv->total_with_vat;
		/* 100.00 and 100.0 are the same amount: print without trailing zeros */
		v = dec_trim(v, 0);
		dec_fmt(v, amount, sizeof(amount));
	}
	char *cur = lower(inv->currency), *name = lower(inv->buyer.name),
	    *vat = lower(inv->buyer.vat_id), *addr = lower(inv->buyer.electronic_address);
	char *fp = xasprintf("%s|%s|%s|%s|%s", cur, amount, name, vat, addr);
	free(cur);
	free(name);
	free(vat);
	free(addr);
	return fp;
}

int
journal_lookup(struct store *st, const inv_invoice *inv, enum journal_resend *out,
	       long long *prev_id, char *prev_desc, size_t desclen, char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc, ret = 0;

	*out = JOURNAL_NEW;
	if (prev_id != NULL)
		*prev_id = 0;
	if (prev_desc != NULL && desclen > 0)
		prev_desc[0] = '\0';
	if (inv->number == NULL || inv->number[0] == '\0')
		return 0;
	if ((stmt = store_statement(st, SQL_LOOKUP, "looking up an earlier invoice", err, errlen)) == NULL)
		return -1;
	store_bind_text(stmt, 1, inv->number);
	store_bind_text(stmt, 2, journal_seller_key(inv));
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		char *fp = fingerprint(inv), when[32];
		const char *prev_fp = (const char *) sqlite3_column_text(stmt, 5);
		const char *buyer = (const char *) sqlite3_column_text(stmt, 2);
		const char *cur = (const char *) sqlite3_column_text(stmt, 3);
		const char *total = (const char *) sqlite3_column_text(stmt, 4);
		time_t t = (time_t) sqlite3_column_int64(stmt, 1);
		struct tm tm;

		*out = prev_fp != NULL && strcmp(prev_fp, fp) == 0 ? JOURNAL_RESEND : JOURNAL_CHANGED;
		if (prev_id != NULL)
			*prev_id = sqlite3_column_int64(stmt, 0);
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		if (prev_desc != NULL)
			snprintf(prev_desc, desclen, "journal #%lld, sent %s to %s, %s %s",
			    (long long) sqlite3_column_int64(stmt, 0), when, buyer ? buyer : "-",
			    total ? total : "-", cur ? cur : "");
		free(fp);
	} else if (rc != SQLITE_DONE) {
		journal_errmsg(st, rc, "looking up an earlier invoice", err, errlen);
		ret = -1;
	}
	sqlite3_reset(stmt);
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

/* join - the strings of v, bare addresses when addr, separated by ", "; caller frees */
static char *
join(const char *const *v, size_t n, int addr)
{
	size_t len = 1;
	char *out, **parts = xcalloc(n + 1, sizeof(*parts));

	for (size_t i = 0; i < n; i++) {
		parts[i] = addr ? bare(v[i]) : xstrdup(v[i] ? v[i] : "");
		len += strlen(parts[i]) + 2;
	}
	out = xmalloc(len);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(out, ", ");
		strcat(out, parts[i]);
		free(parts[i]);
	}
	free(parts);
	return out;
}

/* step_done - run a statement that returns no rows; SQLite's code */
static int
step_done(sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

#define SQL_EXISTING \
	"SELECT id FROM invoices WHERE number IS ?1 AND seller IS ?2 AND queue_id IS ?3" \
	" AND message_id IS ?4 AND sent_at = ?5"

/* xdup - a copy of s, NULL for NULL */
static char *
xdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void
journal_row_add_finding(struct journal_row *row, const char *rule_id, const char *severity,
			const char *message)
{
	struct journal_finding *f;

	row->findings = xreallocarray(row->findings, row->nfindings + 1, sizeof(*row->findings));
	f = &row->findings[row->nfindings++];
	f->rule_id = xstrdup(rule_id ? rule_id : "");
	f->severity = xstrdup(severity ? severity : "error");
	f->message = xstrdup(message ? message : "");
}

void
journal_row_from_entry(const struct journal_entry *e, struct journal_row *row)
{
	const inv_invoice *inv = e->inv;
	char amount[DEC_FMT_LEN];

	row->number = xdup(inv->number);
	row->syntax = xdup(inv_syntax_name(inv->syntax));
	row->profile = xdup(inv->profile);
	row->seller = xdup(journal_seller_key(inv));
	row->buyer = xdup(inv->buyer.name);
	row->buyer_address = xdup(buyer_address(inv));
	row->issue_date = xdup(inv->issue_date);
	row->due_date = xdup(inv->due_date);
	row->currency = xdup(inv->currency);
	row->total = xdup(journal_amount(inv, amount, sizeof(amount)));
	row->payee_ibans = inv->n_payee_ibans > 0 ?
	    join((const char *const *) inv->payee_ibans, inv->n_payee_ibans, 0) : NULL;
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
		journal_row_add_finding(row, e->findings->v[i].id,
		    e->findings->v[i].severity == INV_SEV_ERROR ? "error" : "warning",
		    e->findings->v[i].message);
	row->sent_at = (long long) e->sent_at;
	row->inv = inv;
}

void
journal_row_clear(struct journal_row *row)
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
existing(struct store *st, const struct journal_row *r, int *rc)
{
	sqlite3_stmt *stmt = store_prepare(st, SQL_EXISTING, rc);
	long long id = 0;

	if (stmt == NULL)
		return -1;
	store_bind_text(stmt, 1, r->number);
	store_bind_text(stmt, 2, r->seller);
	store_bind_text(stmt, 3, r->queue_id);
	store_bind_text(stmt, 4, r->message_id);
	sqlite3_bind_int64(stmt, 5, (sqlite3_int64) r->sent_at);
	*rc = sqlite3_step(stmt);
	if (*rc == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	else if (*rc != SQLITE_DONE)
		id = -1;
	sqlite3_reset(stmt);
	return id;
}

int
journal_write_row(struct store *st, const struct journal_row *r, int flags, long long *id,
		  char *err, size_t errlen)
{
	sqlite3_stmt *ins, *fnd, *cus;
	char *rcpts = NULL;
	const char *what = "recording an invoice";
	const char *const *v = (const char *const *) r->rcpts;
	long long rowid;
	int rc;

	rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		journal_errmsg(st, rc, what, err, errlen);
		return -1;
	}
	if ((ins = store_statement(st, SQL_INSERT_INVOICE, what, err, errlen)) == NULL ||
	    (fnd = store_statement(st, SQL_INSERT_FINDING, what, err, errlen)) == NULL ||
	    (cus = store_statement(st, SQL_CUSTOMER, what, err, errlen)) == NULL)
		goto fail_reported;
	if (flags & JOURNAL_REPLAY) {
		if ((rowid = existing(st, r, &rc)) < 0)
			goto fail;
		if (rowid > 0) {		/* recorded before: nothing to do */
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			if (id != NULL)
				*id = rowid;
			return 0;
		}
	}

	rcpts = join(v, r->nrcpts, 0);
	store_bind_text(ins, 1, r->number);
	store_bind_text(ins, 2, r->syntax);
	store_bind_text(ins, 3, r->profile);
	store_bind_text(ins, 4, r->seller ? r->seller : "");
	store_bind_text(ins, 5, r->buyer);
	store_bind_text(ins, 6, r->buyer_address);
	store_bind_text(ins, 7, r->issue_date);
	store_bind_text(ins, 8, r->due_date);
	store_bind_text(ins, 9, r->currency);
	store_bind_text(ins, 10, r->total);
	store_bind_text(ins, 11, r->payee_ibans);
	store_bind_text(ins, 12, r->sender);
	store_bind_text(ins, 13, rcpts);
	store_bind_text(ins, 14, r->message_id);
	store_bind_text(ins, 15, r->queue_id);
	store_bind_text(ins, 16, r->fingerprint);
	store_bind_text(ins, 17, r->verdict ? r->verdict : "ok");
	store_bind_text(ins, 18, r->action);
	sqlite3_bind_int64(ins, 19, (sqlite3_int64) r->sent_at);
	if ((rc = step_done(ins)) != SQLITE_OK)
		goto fail;
	rowid = sqlite3_last_insert_rowid(st->db);

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct journal_finding *f = &r->findings[i];
		sqlite3_bind_int64(fnd, 1, rowid);
		store_bind_text(fnd, 2, f->rule_id);
		store_bind_text(fnd, 3, f->severity);
		store_bind_text(fnd, 4, f->message);
		if ((rc = step_done(fnd)) != SQLITE_OK)
			goto fail;
	}

	/* the finance console's figures, from the model (not kept in a replayed record) */
	if (r->inv != NULL && r->verdict != NULL && strcmp(r->verdict, "flagged") == 0 &&
	    (rc = journal_record_figures(st, rowid, r->inv)) != SQLITE_OK)
		goto fail;

	if (r->action == NULL || (strcmp(r->action, "reject") != 0 && strcmp(r->action, "tempfail") != 0))
		for (size_t i = 0; i < r->nrcpts; i++) {
			const char *a = r->rcpts[i], *at = strrchr(a, '@');
			if (a[0] == '\0')
				continue;
			store_bind_text(cus, 1, a);
			store_bind_text(cus, 2, at ? at + 1 : "");
			store_bind_text(cus, 3, r->buyer);
			sqlite3_bind_int64(cus, 4, (sqlite3_int64) r->sent_at);
			if ((rc = step_done(cus)) != SQLITE_OK)
				goto fail;
		}

	if ((rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
		goto fail;
	if (id != NULL)
		*id = rowid;
	free(rcpts);
	return 0;

fail:
	journal_errmsg(st, rc, what, err, errlen);
fail_reported:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	free(rcpts);
	return -1;
}

int
journal_record(struct store *st, const struct journal_entry *e, long long *id,
	       char *err, size_t errlen)
{
	struct journal_row row = {0};
	int rc;

	journal_row_from_entry(e, &row);
	rc = journal_write_row(st, &row, 0, id, err, errlen);
	journal_row_clear(&row);
	return rc;
}

int
journal_review(struct store *st, long long id, const char *note, time_t t,
	       char *err, size_t errlen)
{
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = store_statement(st, SQL_REVIEW, "marking an invoice reviewed", err, errlen)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	store_bind_text(stmt, 2, note);
	sqlite3_bind_int64(stmt, 3, (sqlite3_int64) t);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		journal_errmsg(st, rc, "marking an invoice reviewed", err, errlen);
		return -1;
	}
	return sqlite3_changes(st->db) > 0 ? 1 : 0;
}

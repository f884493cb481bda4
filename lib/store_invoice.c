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
#include "xalloc.h"

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

int
journal_record(struct store *st, const struct journal_entry *e, long long *id,
	       char *err, size_t errlen)
{
	const inv_invoice *inv = e->inv;
	sqlite3_stmt *ins, *fnd, *cus;
	char amount[DEC_FMT_LEN], *fp = NULL, *rcpts = NULL, *ibans = NULL;
	const char *what = "recording an invoice";
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

	fp = fingerprint(inv);
	rcpts = join(e->rcpts, e->nrcpts, 1);
	ibans = inv->n_payee_ibans > 0 ?
	    join((const char *const *) inv->payee_ibans, inv->n_payee_ibans, 0) : NULL;
	store_bind_text(ins, 1, inv->number);
	store_bind_text(ins, 2, inv_syntax_name(inv->syntax));
	store_bind_text(ins, 3, inv->profile);
	store_bind_text(ins, 4, journal_seller_key(inv));
	store_bind_text(ins, 5, inv->buyer.name);
	store_bind_text(ins, 6, buyer_address(inv));
	store_bind_text(ins, 7, inv->issue_date);
	store_bind_text(ins, 8, inv->due_date);
	store_bind_text(ins, 9, inv->currency);
	store_bind_text(ins, 10, journal_amount(inv, amount, sizeof(amount)));
	store_bind_text(ins, 11, ibans);
	store_bind_text(ins, 12, e->sender);
	store_bind_text(ins, 13, rcpts);
	store_bind_text(ins, 14, e->message_id);
	store_bind_text(ins, 15, e->queue_id);
	store_bind_text(ins, 16, fp);
	store_bind_text(ins, 17, e->verdict ? e->verdict : "ok");
	store_bind_text(ins, 18, e->action);
	sqlite3_bind_int64(ins, 19, (sqlite3_int64) e->sent_at);
	if ((rc = step_done(ins)) != SQLITE_OK)
		goto fail;
	rowid = sqlite3_last_insert_rowid(st->db);

	for (size_t i = 0; e->findings != NULL && i < e->findings->n; i++) {
		const inv_finding *f = &e->findings->v[i];
		sqlite3_bind_int64(fnd, 1, rowid);
		store_bind_text(fnd, 2, f->id);
		store_bind_text(fnd, 3, f->severity == INV_SEV_ERROR ? "error" : "warning");
		store_bind_text(fnd, 4, f->message ? f->message : "");
		if ((rc = step_done(fnd)) != SQLITE_OK)
			goto fail;
	}

	if (e->verdict != NULL && strcmp(e->verdict, "flagged") == 0 &&
	    (rc = journal_record_figures(st, rowid, inv)) != SQLITE_OK)
		goto fail;

	if (e->action == NULL || (strcmp(e->action, "reject") != 0 && strcmp(e->action, "tempfail") != 0))
		for (size_t i = 0; i < e->nrcpts; i++) {
			char *a = bare(e->rcpts[i]), *at = strrchr(a, '@');
			if (a[0] == '\0') {
				free(a);
				continue;
			}
			store_bind_text(cus, 1, a);
			store_bind_text(cus, 2, at ? at + 1 : "");
			store_bind_text(cus, 3, inv->buyer.name);
			sqlite3_bind_int64(cus, 4, (sqlite3_int64) e->sent_at);
			rc = step_done(cus);
			free(a);
			if (rc != SQLITE_OK)
				goto fail;
		}

	if ((rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL)) != SQLITE_OK)
		goto fail;
	if (id != NULL)
		*id = rowid;
	free(fp);
	free(rcpts);
	free(ibans);
	return 0;

fail:
	journal_errmsg(st, rc, what, err, errlen);
fail_reported:
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	free(fp);
	free(rcpts);
	free(ibans);
	return -1;
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

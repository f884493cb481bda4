/*
 * pages.c - the finance console's pages: plain server-rendered HTML and one small
 * style sheet; no JavaScript, so every page works with it off.
 *
 * SECURITY: every value from the store (invoice numbers, names, findings, notes: they
 * come from invoices and from users) reaches the page through html_text(), the one
 * escaper (lib/html.h); buf_adds() and buf_printf() write only the program's own markup
 * and numbers. The Content-Security-Policy (http.c) forbids scripts besides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "invoice/inv_explain.h"
#include "store/store_audit.h"
#include "store/store_user.h"
#include "util/timetext.h"
#include "web.h"
#include "console/web_csrf.h"
#include "console/web_form.h"
#include "util/xalloc.h"

static const char css[] =
	"body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}"
	"header{background:#1f3a5f;color:#fff;padding:.6em 1em;display:flex;gap:1.5em;align-items:center}"
	"header a{color:#fff}header nav{flex:1;display:flex;gap:1em}"
	"header form{margin:0}main{padding:1em 1.5em;max-width:80em}"
	"table{border-collapse:collapse;margin:.5em 0 1.5em;background:#fff}"
	"th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
	"th{background:#eef2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"tr.held td:first-child{border-left:4px solid #c0392b}"
	"tr.flagged td:first-child{border-left:4px solid #e67e22}"
	".diff{background:#fde2e1;font-weight:bold}.warn{color:#b03a2e;font-weight:bold}"
	".notice{background:#e8f4ea;border:1px solid #9c9;padding:.5em 1em}"
	".error{background:#fde2e1;border:1px solid #c99;padding:.5em 1em}"
	"form.inline{display:inline}button{padding:.3em .9em}"
	"button.danger{background:#c0392b;color:#fff;border:1px solid #922}"
	"dl{display:grid;grid-template-columns:12em auto;gap:.2em 1em}dt{font-weight:bold}"
	"dd{margin:0}.filters{display:flex;gap:1em;align-items:end;flex-wrap:wrap}"
	".filters label{display:flex;flex-direction:column;font-size:.9em}"
	"code{font-size:.95em}textarea{width:30em;height:4em}"
	"#findings td:first-child,#totals td:first-child{white-space:nowrap}";

const char *
page_css(void)
{
	return css;
}

/* when - a time from the store as "2026-03-01 08:00 UTC", "-" for none, into buf */
static const char *
when(const char *unix_time, char *buf, size_t len)
{
	if (unix_time == NULL)
		return "-";
	return timetext_fmt((time_t) strtoll(unix_time, NULL, 10), buf, len);
}

/* span - a duration as "3d 4h", "2h 5m" or "12m" into buf */
static const char *
span(long long s, char *buf, size_t len)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, len, "%lldd %lldh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldm", s / 60);
	return buf;
}

/* csrf_field - the hidden field every form carries */
static void
csrf_field(struct web_page *p, const struct web_user *u)
{
	buf_adds(&p->body, "<input type=\"hidden\" name=\"" WEB_CSRF_FIELD "\" value=\"");
	html_text(&p->body, u ? u->csrf : "");
	buf_adds(&p->body, "\">");
}

void
page_begin(struct web_page *p, const char *title, const struct web_user *u)
{
	buf_adds(&p->body, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	html_text(&p->body, title);
	buf_adds(&p->body, " - postsale</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
	    "<body><header><strong>postsale</strong><nav>");
	if (u != NULL) {
		if (web_role_may(u->role, WEB_RIGHT_INVOICES))
			buf_adds(&p->body, "<a href=\"/invoices\">Invoices</a>");
		if (web_role_may(u->role, WEB_RIGHT_CUSTOMERS))
			buf_adds(&p->body, "<a href=\"/customers\">Customers</a>");
		if (web_role_may(u->role, WEB_RIGHT_USERS))
			buf_adds(&p->body, "<a href=\"/users\">Users</a>");
		buf_adds(&p->body, "</nav><span>");
		html_text(&p->body, u->name);
		buf_adds(&p->body, " (");
		buf_adds(&p->body, web_role_name(u->role));
		buf_adds(&p->body, ")</span><form class=\"inline\" method=\"post\" action=\"/logout\">");
		csrf_field(p, u);
		buf_adds(&p->body, "<button>Log out</button></form>");
	} else
		buf_adds(&p->body, "</nav>");
	buf_adds(&p->body, "</header>\n<main>\n<h1>");
	html_text(&p->body, title);
	buf_adds(&p->body, "</h1>\n");
}

void
page_end(struct web_page *p)
{
	buf_adds(&p->body, "</main></body></html>\n");
}

void
page_message(struct web_page *p, int status, const char *title, const char *text,
    const struct web_user *u)
{
	p->status = status;
	page_begin(p, title, u);
	buf_adds(&p->body, "<p class=\"error\">");
	html_text(&p->body, text);
	buf_adds(&p->body, "</p>\n");
	page_end(p);
}

void
page_login(struct web_page *p, int status, const char *notice, const char *token)
{
	struct web_user form = { .csrf = (char *) token };

	p->status = status;
	page_begin(p, "Log in", NULL);
	if (notice != NULL) {
		buf_adds(&p->body, "<p class=\"error\" id=\"notice\">");
		html_text(&p->body, notice);
		buf_adds(&p->body, "</p>\n");
	}
	buf_adds(&p->body, "<form method=\"post\" action=\"/login\">");
	csrf_field(p, &form);
	buf_adds(&p->body, "<dl>"
	    "<dt><label for=\"user\">User</label></dt><dd><input id=\"user\" name=\"user\" required autofocus autocomplete=\"username\"></dd>"
	    "<dt><label for=\"password\">Password</label></dt><dd><input id=\"password\" type=\"password\" name=\"password\" required autocomplete=\"current-password\"></dd>"
	    "</dl><button id=\"login\">Log in</button></form>\n");
	page_end(p);
}

/* hold_cell - how long an invoice has been in the hold queue, with a warning as it
 * nears maximal_queue_lifetime (after which Postfix returns it to the sender) */
static void
hold_cell(struct web_page *p, const struct web_ctx *ctx, const struct store_rows *r, size_t i,
    time_t now)
{
	const char *action = store_rows_get(r, i, CI_ACTION), *hs = store_rows_get(r, i, CI_HOLD_STATE);
	long long age = (long long) now - store_rows_int(r, i, CI_SENT);
	char b[32], c[32];

	if (action == NULL || strcmp(action, "hold") != 0) {
		buf_adds(&p->body, "<td>-</td>");
		return;
	}
	if (hs != NULL) {
		buf_adds(&p->body, "<td>");
		html_text(&p->body, hs);
		buf_adds(&p->body, "</td>");
		return;
	}
	if (ctx->hold_lifetime > 0 && age >= ctx->hold_lifetime)
		buf_printf(&p->body, "<td class=\"warn\">%s: past maximal_queue_lifetime</td>", span(age, b, sizeof(b)));
	else if (ctx->hold_lifetime > 0 && age * 5 >= ctx->hold_lifetime * 4)
		buf_printf(&p->body, "<td class=\"warn\">%s: expires in %s</td>", span(age, b, sizeof(b)),
		    span(ctx->hold_lifetime - age, c, sizeof(c)));
	else
		buf_printf(&p->body, "<td>%s</td>", span(age, b, sizeof(b)));
}

/* day - t as "YYYY-MM-DD" into buf, "" for 0 */
static const char *
day(time_t t, char *buf, size_t len)
{
	struct tm tm;

	buf[0] = '\0';
	if (t != 0) {
		gmtime_r(&t, &tm);
		strftime(buf, len, "%Y-%m-%d", &tm);
	}
	return buf;
}

/* filter_query - the list's filters as a query string, without the page; the form's
 * "to" day is inclusive (f->to is the start of the day after). Caller frees. */
static char *
filter_query(const struct console_filter *f)
{
	char from[16], to[16];
	char *num = web_url_encode(f->number ? f->number : ""), *q;

	q = xasprintf("state=%s&from=%s&to=%s&number=%s", console_state_name(f->state),
	    day(f->from, from, sizeof(from)), day(f->to ? f->to - 86400 : 0, to, sizeof(to)), num);
	free(num);
	return q;
}

void
page_invoices(struct web_page *p, const struct web_ctx *ctx, const struct web_user *u,
    const struct console_filter *f, const struct store_rows *rows, int more, time_t now)
{
	static const char *const states[] = { "all", "held", "flagged", "reviewed", "released", "discarded" };
	char *q = filter_query(f), buf[32];

	p->status = 200;
	page_begin(p, "Invoices", u);
	buf_adds(&p->body, "<form class=\"filters\" method=\"get\" action=\"/invoices\">"
	    "<label>State<select name=\"state\">");
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		buf_printf(&p->body, "<option%s>%s</option>", f->state == (enum console_state) i ?
		    " selected" : "", states[i]);
	buf_adds(&p->body, "</select></label><label>From<input type=\"date\" name=\"from\" value=\"");
	html_text(&p->body, day(f->from, buf, sizeof(buf)));
	buf_adds(&p->body, "\"></label><label>To<input type=\"date\" name=\"to\" value=\"");
	html_text(&p->body, day(f->to ? f->to - 86400 : 0, buf, sizeof(buf)));
	buf_adds(&p->body, "\"></label>");
	buf_adds(&p->body, "<label>Number<input name=\"number\" value=\"");
	html_text(&p->body, f->number);
	buf_adds(&p->body, "\"></label><button>Show</button></form>\n");

	buf_adds(&p->body, "<table id=\"invoices\"><thead><tr><th>Number</th><th>Buyer</th>"
	    "<th>Amount due</th><th>Findings</th><th>Action taken</th><th>In the hold queue</th>"
	    "<th>Review</th><th>Sent</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < rows->n; i++) {
		const char *action = store_rows_get(rows, i, CI_ACTION);
		const char *hs = store_rows_get(rows, i, CI_HOLD_STATE);
		const char *verdict = store_rows_get(rows, i, CI_VERDICT);
		int held = action && strcmp(action, "hold") == 0 && hs == NULL;
		int flagged = verdict && strcmp(verdict, "flagged") == 0;

		buf_printf(&p->body, "<tr class=\"%s\"><td><a href=\"/invoice/%lld\">",
		    held ? "held" : flagged ? "flagged" : "", store_rows_int(rows, i, CI_ID));
		html_text(&p->body, store_rows_get(rows, i, CI_NUMBER) ? store_rows_get(rows, i, CI_NUMBER) : "(no number)");
		buf_adds(&p->body, "</a></td><td>");
		html_text(&p->body, store_rows_get(rows, i, CI_BUYER));
		buf_adds(&p->body, "</td><td class=\"num\">");
		html_text(&p->body, store_rows_get(rows, i, CI_TOTAL));
		buf_adds(&p->body, " ");
		html_text(&p->body, store_rows_get(rows, i, CI_CURRENCY));
		buf_adds(&p->body, "</td><td>");
		html_text(&p->body, store_rows_get(rows, i, CI_FINDINGS) ? store_rows_get(rows, i, CI_FINDINGS) : "-");
		buf_adds(&p->body, "</td><td>");
		html_text(&p->body, action ? action : "-");
		buf_adds(&p->body, "</td>");
		hold_cell(p, ctx, rows, i, now);
		buf_adds(&p->body, "<td>");
		html_text(&p->body, flagged ? store_rows_get(rows, i, CI_REVIEW) : "-");
		buf_adds(&p->body, "</td><td>");
		html_text(&p->body, when(store_rows_get(rows, i, CI_SENT), buf, sizeof(buf)));
		buf_adds(&p->body, "</td></tr>\n");
	}
	buf_adds(&p->body, "</tbody></table>\n");
	if (rows->n == 0)
		buf_adds(&p->body, "<p>No invoices match.</p>\n");
	buf_adds(&p->body, "<p>");
	if (f->page > 0) {
		buf_adds(&p->body, "<a rel=\"prev\" href=\"/invoices?");
		html_text(&p->body, q);
		buf_printf(&p->body, "&amp;page=%ld\">Newer</a> ", f->page - 1);
	}
	if (more) {
		buf_adds(&p->body, "<a rel=\"next\" href=\"/invoices?");
		html_text(&p->body, q);
		buf_printf(&p->body, "&amp;page=%ld\">Older</a>", f->page + 1);
	}
	buf_adds(&p->body, "</p>\n");
	free(q);
	page_end(p);
}

/* fact - one <dt>/<dd> pair of an invoice's facts */
static void
fact(struct web_page *p, const char *label, const char *value)
{
	buf_adds(&p->body, "<dt>");
	buf_adds(&p->body, label);
	buf_adds(&p->body, "</dt><dd>");
	html_text(&p->body, value ? value : "-");
	buf_adds(&p->body, "</dd>");
}

/* cell - a table cell with the value (numeric cells right-aligned, differing marked) */
static void
cell(struct web_page *p, const char *value, int num, int differs)
{
	buf_printf(&p->body, "<td class=\"%s%s\">", num ? "num" : "", differs ? " diff" : "");
	html_text(&p->body, value ? value : "");
	buf_adds(&p->body, "</td>");
}

/* A column of a table of store rows: its heading, its column, how it is shown. On a row
 * that differs (see table) the _DIFF kinds are marked, and COL_DIFFERS says "differs". */
struct column {
	const char *head;
	size_t c;
	enum { COL_TEXT, COL_NUM, COL_TIME, COL_NUM_DIFF, COL_DIFFERS } kind;
};

#define NO_DIFFERS ((size_t) -1)	/* a table whose rows never differ */

/* table_cell - the cell of row i in column col; d: the row differs */
static void
table_cell(struct web_page *p, const struct store_rows *r, size_t i, const struct column *col,
    int d)
{
	const char *v = store_rows_get(r, i, col->c);
	char b[32];

	switch (col->kind) {
	case COL_TIME:
		cell(p, when(v, b, sizeof(b)), 0, 0);
		break;
	case COL_NUM:
	case COL_NUM_DIFF:
		cell(p, v, 1, col->kind == COL_NUM_DIFF && d);
		break;
	case COL_DIFFERS:
		cell(p, d ? "differs" : "", 0, d);
		break;
	default:
		cell(p, v, 0, 0);
	}
}

/* table - rows as a table with the given columns (every value escaped); a row whose
 * column differs is not 0 is of class "differs" (NO_DIFFERS: none is) */
static void
table(struct web_page *p, const char *id, const struct store_rows *r, const struct column *cols,
    size_t ncols, size_t differs)
{
	buf_printf(&p->body, "<table id=\"%s\"><thead><tr>", id);
	for (size_t k = 0; k < ncols; k++)
		buf_printf(&p->body, "<th>%s</th>", cols[k].head);
	buf_adds(&p->body, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < r->n; i++) {
		int d = differs != NO_DIFFERS && store_rows_int(r, i, differs) != 0;

		buf_printf(&p->body, "<tr%s>", d ? " class=\"differs\"" : "");
		for (size_t k = 0; k < ncols; k++)
			table_cell(p, r, i, &cols[k], d);
		buf_adds(&p->body, "</tr>\n");
	}
	buf_adds(&p->body, "</tbody></table>\n");
}

/* figures - the lines and the totals, stated and recomputed, differing ones marked */
static void
figures(struct web_page *p, const struct web_ctx *ctx, const struct console_invoice *ci)
{
	static const struct column lines[] = {
		{"Line", CL_LINE_ID, COL_TEXT}, {"Item", CL_ITEM, COL_TEXT},
		{"Quantity", CL_QUANTITY, COL_NUM}, {"Unit", CL_UNIT, COL_TEXT},
		{"Price", CL_PRICE, COL_NUM}, {"Per", CL_BASE, COL_NUM},
		{"Net as stated", CL_NET, COL_NUM_DIFF}, {"Net recomputed", CL_COMPUTED, COL_NUM_DIFF},
	};
	static const struct column totals[] = {
		{"Term", CT_TERM, COL_TEXT}, {"What", CT_LABEL, COL_TEXT},
		{"As stated", CT_STATED, COL_NUM_DIFF}, {"Recomputed", CT_COMPUTED, COL_NUM_DIFF},
		{"", CT_DIFFERS, COL_DIFFERS},
	};

	if (ci->lines.n == 0 && ci->totals.n == 0) {
		buf_printf(&p->body, "<p>The journal keeps the lines and totals of flagged invoices for %ld days"
		    " (invoice-detail-retention); it has none for this one.</p>\n",
		    ctx->conf->invoice_detail_retention_ms / 86400000);
		return;
	}
	buf_adds(&p->body, "<h2>Lines</h2>\n");
	table(p, "lines", &ci->lines, lines, sizeof(lines) / sizeof(lines[0]), CL_DIFFERS);
	buf_adds(&p->body, "<h2>Totals</h2>\n");
	table(p, "totals", &ci->totals, totals, sizeof(totals) / sizeof(totals[0]), CT_DIFFERS);
}

/* audit - the invoice's audit log */
static void
audit(struct web_page *p, const struct store_rows *a)
{
	static const struct column cols[] = {
		{"When", AUDIT_AT, COL_TIME}, {"Who", AUDIT_USER, COL_TEXT},
		{"What", AUDIT_ACTION, COL_TEXT}, {"Outcome", AUDIT_OUTCOME, COL_TEXT},
		{"Note", AUDIT_DETAIL, COL_TEXT},
	};

	buf_adds(&p->body, "<h2>Audit log</h2>\n");
	if (a->n == 0)
		buf_adds(&p->body, "<p id=\"audit-empty\">No action taken in the console yet.</p>\n");
	else
		table(p, "audit", a, cols, sizeof(cols) / sizeof(cols[0]), NO_DIFFERS);
}

void
page_invoice(struct web_page *p, const struct web_ctx *ctx, const struct web_user *u,
    const struct console_invoice *ci, const char *notice, time_t now)
{
	const struct store_rows *r = &ci->invoice;
	long long id = store_rows_int(r, 0, CI_ID);
	const char *action = store_rows_get(r, 0, CI_ACTION), *hs = store_rows_get(r, 0, CI_HOLD_STATE);
	int held = action && strcmp(action, "hold") == 0 && hs == NULL;
	char title[128], b[32], amount[256];

	snprintf(title, sizeof(title), "Invoice %.100s", store_rows_get(r, 0, CI_NUMBER) ?
	    store_rows_get(r, 0, CI_NUMBER) : "(no number)");
	p->status = 200;
	page_begin(p, title, u);
	if (notice != NULL) {
		buf_adds(&p->body, "<p class=\"notice\" id=\"notice\">");
		html_text(&p->body, notice);
		buf_adds(&p->body, "</p>\n");
	}
	snprintf(amount, sizeof(amount), "%s %s", store_rows_get(r, 0, CI_TOTAL) ?
	    store_rows_get(r, 0, CI_TOTAL) : "-", store_rows_get(r, 0, CI_CURRENCY) ?
	    store_rows_get(r, 0, CI_CURRENCY) : "");
	buf_adds(&p->body, "<dl id=\"facts\">");
	fact(p, "Number", store_rows_get(r, 0, CI_NUMBER));
	fact(p, "Seller", store_rows_get(r, 0, CI_SELLER));
	fact(p, "Buyer", store_rows_get(r, 0, CI_BUYER));
	fact(p, "Amount due", amount);
	fact(p, "Issued", store_rows_get(r, 0, CI_ISSUE));
	fact(p, "Due", store_rows_get(r, 0, CI_DUE));
	fact(p, "Payee IBAN", store_rows_get(r, 0, CI_IBAN));
	fact(p, "Format", store_rows_get(r, 0, CI_SYNTAX));
	fact(p, "Profile", store_rows_get(r, 0, CI_PROFILE));
	fact(p, "Sent", when(store_rows_get(r, 0, CI_SENT), b, sizeof(b)));
	fact(p, "Sender", store_rows_get(r, 0, CI_SENDER));
	fact(p, "Recipients", store_rows_get(r, 0, CI_RCPTS));
	fact(p, "Message-ID", store_rows_get(r, 0, CI_MESSAGE_ID));
	fact(p, "Queue id", store_rows_get(r, 0, CI_QUEUE_ID));
	fact(p, "Verdict", store_rows_get(r, 0, CI_VERDICT));
	fact(p, "Action taken", action);
	fact(p, "Hold queue", held ? "held" : hs ? hs : "-");
	fact(p, "Review", store_rows_get(r, 0, CI_REVIEW));
	if (store_rows_get(r, 0, CI_REVIEW_NOTE) != NULL)
		fact(p, "Review note", store_rows_get(r, 0, CI_REVIEW_NOTE));
	buf_adds(&p->body, "</dl>\n");
	if (held) {
		buf_adds(&p->body, "<p>In the hold queue for ");
		buf_adds(&p->body, span((long long) now - store_rows_int(r, 0, CI_SENT), b, sizeof(b)));
		if (ctx->hold_lifetime > 0) {
			buf_adds(&p->body, " of at most ");
			buf_adds(&p->body, span(ctx->hold_lifetime, b, sizeof(b)));
			buf_adds(&p->body, " (maximal_queue_lifetime)");
		}
		buf_adds(&p->body, ".</p>\n");
	}

	buf_adds(&p->body, "<h2>Findings</h2>\n");
	if (ci->findings.n == 0)
		buf_adds(&p->body, "<p>None.</p>\n");
	else
		buf_adds(&p->body, "<table id=\"findings\"><thead><tr><th>Rule</th><th>Severity</th>"
		    "<th>What it means</th><th>Details</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < ci->findings.n; i++) {
		buf_adds(&p->body, "<tr>");
		cell(p, store_rows_get(&ci->findings, i, CF_RULE), 0, 0);
		cell(p, store_rows_get(&ci->findings, i, CF_SEVERITY), 0, 0);
		cell(p, inv_rule_explain(store_rows_get(&ci->findings, i, CF_RULE)), 0, 0);
		cell(p, store_rows_get(&ci->findings, i, CF_MESSAGE), 0, 0);
		buf_adds(&p->body, "</tr>\n");
	}
	if (ci->findings.n > 0)
		buf_adds(&p->body, "</tbody></table>\n");
	figures(p, ctx, ci);

	buf_adds(&p->body, "<h2>Actions</h2>\n");
	if (held) {
		buf_printf(&p->body, "<form class=\"inline\" method=\"post\" action=\"/invoice/%lld/release\">", id);
		csrf_field(p, u);
		buf_adds(&p->body, "<button id=\"release\">Release: send it to its recipients</button></form> ");
		buf_printf(&p->body, "<a id=\"discard\" href=\"/invoice/%lld/discard\">Discard...</a>\n", id);
	}
	buf_printf(&p->body, "<form method=\"post\" action=\"/invoice/%lld/review\"><p>", id);
	csrf_field(p, u);
	buf_adds(&p->body, "<label for=\"note\">Note</label><br><textarea id=\"note\" name=\"note\" maxlength=\"2000\">"
	    "</textarea><br><button id=\"review\">Mark reviewed</button></p></form>\n");
	audit(p, &ci->audit);
	page_end(p);
}

void
page_discard_confirm(struct web_page *p, const struct web_user *u, const struct console_invoice *ci)
{
	long long id = store_rows_int(&ci->invoice, 0, CI_ID);

	p->status = 200;
	page_begin(p, "Discard this invoice?", u);
	buf_adds(&p->body, "<p>The message with invoice <strong>");
	html_text(&p->body, store_rows_get(&ci->invoice, 0, CI_NUMBER));
	buf_adds(&p->body, "</strong> to <strong>");
	html_text(&p->body, store_rows_get(&ci->invoice, 0, CI_RCPTS));
	buf_adds(&p->body, "</strong> will be deleted from the mail server's queue. It cannot be undone.</p>\n");
	buf_printf(&p->body, "<form method=\"post\" action=\"/invoice/%lld/discard\">", id);
	csrf_field(p, u);
	buf_adds(&p->body, "<input type=\"hidden\" name=\"confirm\" value=\"yes\">"
	    "<button class=\"danger\" id=\"confirm-discard\">Discard it</button> ");
	buf_printf(&p->body, "<a href=\"/invoice/%lld\">Cancel</a></form>\n", id);
	page_end(p);
}

void
page_customers(struct web_page *p, const struct web_user *u, const struct store_rows *rows,
    long page, int more)
{
	char b[32];

	p->status = 200;
	page_begin(p, "Customers", u);
	buf_adds(&p->body, "<table id=\"customers\"><thead><tr><th>Address</th><th>Name</th>"
	    "<th>Account manager</th><th>First seen</th><th>Onboarded</th><th>Off-boarded</th>"
	    "<th>Invoices</th><th>Renewal</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < rows->n; i++) {
		buf_printf(&p->body, "<tr><td><a href=\"/customer/%lld\">", store_rows_int(rows, i, CC_ID));
		html_text(&p->body, store_rows_get(rows, i, CC_ADDRESS));
		buf_adds(&p->body, "</a></td>");
		cell(p, store_rows_get(rows, i, CC_NAME), 0, 0);
		cell(p, store_rows_get(rows, i, CC_MANAGER), 0, 0);
		cell(p, when(store_rows_get(rows, i, CC_FIRST_SEEN), b, sizeof(b)), 0, 0);
		cell(p, when(store_rows_get(rows, i, CC_ONBOARDED), b, sizeof(b)), 0, 0);
		cell(p, when(store_rows_get(rows, i, CC_OFFBOARDED), b, sizeof(b)), 0, 0);
		cell(p, store_rows_get(rows, i, CC_INVOICES), 1, 0);
		cell(p, store_rows_get(rows, i, CC_RENEWAL), 0, 0);
		buf_adds(&p->body, "</tr>\n");
	}
	buf_adds(&p->body, "</tbody></table>\n<p>");
	if (page > 0)
		buf_printf(&p->body, "<a rel=\"prev\" href=\"/customers?page=%ld\">Newer</a> ", page - 1);
	if (more)
		buf_printf(&p->body, "<a rel=\"next\" href=\"/customers?page=%ld\">Older</a>", page + 1);
	buf_adds(&p->body, "</p>\n");
	page_end(p);
}

void
page_customer(struct web_page *p, const struct web_user *u, const struct store_rows *cust,
    const struct store_rows *checkins)
{
	static const struct column cols[] = {
		{"Kind", CH_KIND, COL_TEXT}, {"When", CH_DUE, COL_TIME}, {"Time zone", CH_TZID, COL_TEXT},
		{"Manager", CH_MANAGER, COL_TEXT}, {"State", CH_STATE, COL_TEXT},
		{"Attempts", CH_ATTEMPTS, COL_NUM}, {"Last error", CH_ERROR, COL_TEXT},
	};
	char b[32];

	p->status = 200;
	page_begin(p, store_rows_get(cust, 0, CC_ADDRESS), u);
	buf_adds(&p->body, "<dl>");
	fact(p, "Name", store_rows_get(cust, 0, CC_NAME));
	fact(p, "Account manager", store_rows_get(cust, 0, CC_MANAGER));
	fact(p, "First seen", when(store_rows_get(cust, 0, CC_FIRST_SEEN), b, sizeof(b)));
	fact(p, "Onboarded", when(store_rows_get(cust, 0, CC_ONBOARDED), b, sizeof(b)));
	fact(p, "Off-boarded", when(store_rows_get(cust, 0, CC_OFFBOARDED), b, sizeof(b)));
	fact(p, "Invoices", store_rows_get(cust, 0, CC_INVOICES));
	fact(p, "Last invoice", when(store_rows_get(cust, 0, CC_LAST_INVOICE), b, sizeof(b)));
	fact(p, "Renewal", store_rows_get(cust, 0, CC_RENEWAL));
	buf_adds(&p->body, "</dl>\n<h2>Check-ins</h2>\n");
	table(p, "checkins", checkins, cols, sizeof(cols) / sizeof(cols[0]), NO_DIFFERS);
	page_end(p);
}

void
page_users(struct web_page *p, const struct web_user *u, const struct store_rows *rows)
{
	static const struct column cols[] = {
		{"Name", USER_NAME, COL_TEXT}, {"Role", USER_ROLE, COL_TEXT},
		{"Created", USER_CREATED, COL_TIME}, {"Password changed", USER_CHANGED, COL_TIME},
	};

	p->status = 200;
	page_begin(p, "Users", u);
	buf_adds(&p->body, "<p>Users are added, removed and given passwords on the server with "
	    "<code>postsalectl user add|del|passwd</code> (postsalectl(1)).</p>\n");
	table(p, "users", rows, cols, sizeof(cols) / sizeof(cols[0]), NO_DIFFERS);
	page_end(p);
}

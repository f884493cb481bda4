/*
 * digest.c - finance's digest of flagged invoices, and of those with warnings only
 * (digest.h): the rows from the store (store/store_digest.h), the message built with
 * GMime, and marking the rows digested.
 *
 * Row values are untrusted (they come from invoices): control characters are dropped
 * from the text table and every value is HTML-escaped in the HTML table; header values
 * are encoded by GMime (RFC 2047).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "digest.h"
#include "util/buf.h"
#include "util/html.h"
#include "invite_mime.h"
#include "mime/mime_text.h"
#include "util/xalloc.h"
#include "util/text.h"

#define DIGEST_CELL_MAX 60	/* code points of one cell in the text table */

struct digest *
digest_collect(struct store *st, char *err, size_t errlen)
{
	struct digest *d = xcalloc(1, sizeof(*d));

	if (store_digest_rows(st, &d->rows, &d->n, &d->since, err, errlen) != 0)
		return digest_free(d);
	for (size_t i = 0; i < d->n; i++)
		d->n_warned += !d->rows[i].flagged;
	return d;
}

struct digest *
digest_claim(struct store *st, time_t clock, long lease, int orphaned, time_t slot,
	     size_t *held, time_t *held_until, int *slot_sent, char *err, size_t errlen)
{
	struct store_digest_claim c;
	struct digest *d;

	if (store_digest_claim(st, clock, lease, orphaned, slot, &c, err, errlen) != 0)
		return NULL;
	*slot_sent = c.slot_sent;
	d = xcalloc(1, sizeof(*d));
	d->rows = c.rows;
	d->n = c.n;
	d->since = c.since;
	for (size_t i = 0; i < d->n; i++)
		d->n_warned += !d->rows[i].flagged;
	*held = c.held;
	*held_until = c.held_until;
	return d;
}

struct digest *
digest_free(struct digest *d)
{
	if (d == NULL)
		return NULL;
	store_digest_rows_free(d->rows, d->n);
	free(d);
	return NULL;
}

/* fmt_time - "2026-03-01 08:00 UTC" */
static void
fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm);
}

char *
digest_subject(const struct digest *d)
{
	char since[32];

	fmt_time(d->since, since, sizeof(since));
	if (d->n_warned > 0)
		return xasprintf("postsale: %zu flagged invoice%s, %zu with warnings, since %s",
		    d->n - d->n_warned, d->n - d->n_warned == 1 ? "" : "s", d->n_warned, since);
	return xasprintf("postsale: %zu flagged invoice%s since %s", d->n, d->n == 1 ? "" : "s",
	    since);
}

/* The table's columns. */
enum { C_ID, C_SENT, C_NUMBER, C_CUSTOMER, C_AMOUNT, C_FINDINGS, C_ACTION, C_STATE, C_N };
static const char *const col_names[C_N] = {
	"ID", "Sent", "Number", "Customer", "Amount", "Findings", "Action", "State"
};

/* cells - the row's values as strings (caller frees each) */
static void
cells(const struct store_digest_row *r, char *out[C_N])
{
	char t[32];

	fmt_time(r->sent_at, t, sizeof(t));
	out[C_ID] = xasprintf("%lld", r->id);
	out[C_SENT] = xstrdup(t);
	out[C_NUMBER] = xstrdup(r->number ? r->number : "-");
	out[C_CUSTOMER] = xstrdup(r->customer ? r->customer : "-");
	out[C_AMOUNT] = r->amount ? xasprintf("%s %s", r->amount, r->currency ? r->currency : "")
	    : xstrdup("-");
	out[C_FINDINGS] = xstrdup(r->findings ? r->findings : "-");
	out[C_ACTION] = xstrdup(r->action ? r->action : "-");
	out[C_STATE] = xstrdup(r->review_state ? r->review_state : "open");
}

/* text_cell - s without control characters, cut to DIGEST_CELL_MAX code points (never
 * inside a character); *width gets its width in code points. Caller frees. */
static char *
text_cell(const char *s, size_t *width)
{
	char *c = text_printable_dup(s, strlen(s), TEXT_SPACE);
	size_t o, w = 0;

	for (o = 0; c[o] != '\0'; o++)
		if (((unsigned char) c[o] & 0xc0) != 0x80) {
			if (w == DIGEST_CELL_MAX)
				break;
			w++;
		}
	c[o] = '\0';
	*width = w;
	return c;
}

/* console_link - the finance console's page of invoice id (web-url set); caller frees */
static char *
console_link(const struct ps_conf *conf, long long id)
{
	size_t n = strlen(conf->web_url);

	return xasprintf("%.*s/invoice/%lld", (int) (n > 0 && conf->web_url[n - 1] == '/' ? n - 1 : n),
	    conf->web_url, id);
}

/* console_links - "In the finance console:" and a line per row; caller frees */
static char *
console_links(const struct ps_conf *conf, const struct digest *d)
{
	char *out = xstrdup("\nIn the finance console (review, release, discard):\n");

	for (size_t i = 0; i < d->n; i++) {
		char *link = console_link(conf, d->rows[i].id);
		char *next = xasprintf("%s  #%lld  %s\n", out, d->rows[i].id, link);
		free(link);
		free(out);
		out = next;
	}
	return out;
}

/* build_text - the plain-text table; caller frees */
static char *
build_text(const struct ps_conf *conf, const struct digest *d, const char *subject)
{
	size_t width[C_N], total = 0, used = 0, cap;
	char ***cell = xcalloc(d->n, sizeof(*cell));
	size_t **cw = xcalloc(d->n, sizeof(*cw));
	char *out;

	for (int c = 0; c < C_N; c++)
		width[c] = strlen(col_names[c]);
	for (size_t i = 0; i < d->n; i++) {
		char *raw[C_N];
		cells(&d->rows[i], raw);
		cell[i] = xcalloc(C_N, sizeof(char *));
		cw[i] = xcalloc(C_N, sizeof(size_t));
		for (int c = 0; c < C_N; c++) {
			cell[i][c] = text_cell(raw[c], &cw[i][c]);
			free(raw[c]);
			if (cw[i][c] > width[c])
				width[c] = cw[i][c];
		}
	}
	for (int c = 0; c < C_N; c++)
		total += width[c] * 4 + 2;
	cap = 1024 + (d->n + 2) * (total + 2) + strlen(subject) +
	    (conf->company_name ? strlen(conf->company_name) : 0);
	out = xmalloc(cap);
	used += (size_t) snprintf(out + used, cap - used, "%s%s%s\n\n", subject,
	    conf->company_name && *conf->company_name ? " - " : "",
	    conf->company_name ? conf->company_name : "");
	for (size_t i = 0; i <= d->n + 1; i++) {
		for (int c = 0; c < C_N; c++) {
			const char *v = i == 0 ? col_names[c] : NULL;
			size_t w = 0;
			if (i == 1) {
				for (size_t k = 0; k < width[c]; k++)
					out[used++] = '-';
			} else {
				if (i > 1) {
					v = cell[i - 2][c];
					w = cw[i - 2][c];
				} else
					w = strlen(v);
				used += (size_t) snprintf(out + used, cap - used, "%s", v);
				if (c + 1 < C_N)
					for (; w < width[c]; w++)
						out[used++] = ' ';
			}
			if (c + 1 < C_N) {
				out[used++] = ' ';
				out[used++] = ' ';
			}
		}
		while (used > 0 && out[used - 1] == ' ')
			used--;
		out[used++] = '\n';
	}
	used += (size_t) snprintf(out + used, cap - used,
	    "\nDetails of one invoice: postsalectl show ID\n"
	    "Mark it reviewed: postsalectl review ID --note TEXT\n");
	out[used] = '\0';
	if (conf->web_url != NULL && conf->web_url[0] != '\0') {
		char *links = console_links(conf, d), *all = xasprintf("%s%s", out, links);
		free(out);
		free(links);
		out = all;
	}
	for (size_t i = 0; i < d->n; i++) {
		for (int c = 0; c < C_N; c++)
			free(cell[i][c]);
		free(cell[i]);
		free(cw[i]);
	}
	free(cell);
	free(cw);
	return out;
}

/* build_html - the HTML table, every value escaped; caller frees */
static char *
build_html(const struct ps_conf *conf, const struct digest *d, const char *subject)
{
	struct buf h = { 0 };

	buf_adds(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	html_text(&h, subject);
	buf_adds(&h, "</title></head>\n<body>\n<h1>");
	html_text(&h, subject);
	buf_adds(&h, "</h1>\n");
	if (conf->company_name && *conf->company_name) {
		buf_adds(&h, "<p>");
		html_text(&h, conf->company_name);
		buf_adds(&h, "</p>\n");
	}
	buf_adds(&h, "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">\n<tr>");
	for (int c = 0; c < C_N; c++) {
		buf_adds(&h, "<th>");
		buf_adds(&h, col_names[c]);
		buf_adds(&h, "</th>");
	}
	buf_adds(&h, "</tr>\n");
	for (size_t i = 0; i < d->n; i++) {
		char *v[C_N];
		cells(&d->rows[i], v);
		buf_adds(&h, "<tr>");
		for (int c = 0; c < C_N; c++) {
			buf_adds(&h, "<td>");
			if (c == C_ID && conf->web_url != NULL && conf->web_url[0] != '\0') {
				char *link = console_link(conf, d->rows[i].id);
				buf_adds(&h, "<a href=\"");
				html_text(&h, link);
				buf_adds(&h, "\">");
				html_text(&h, v[c]);
				buf_adds(&h, "</a>");
				free(link);
			} else
				html_text(&h, v[c]);
			buf_adds(&h, "</td>");
			free(v[c]);
		}
		buf_adds(&h, "</tr>\n");
	}
	buf_adds(&h, "</table>\n<p>Details of one invoice: <code>postsalectl show ID</code><br>\n"
	    "Mark it reviewed: <code>postsalectl review ID --note TEXT</code></p>\n</body></html>\n");
	return buf_steal(&h, NULL);
}

/* text_part - a text/SUBTYPE part of UTF-8 text, labelled so, quoted-printable
 * (g_mime_text_part_set_text would convert to a "best" charset such as Latin-1) */
static GMimeObject *
text_part(const char *subtype, const char *text)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(GMIME_PART(tp), content);
	g_object_unref(content);
	g_object_unref(mem);
	g_mime_text_part_set_charset(tp, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(tp), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	return GMIME_OBJECT(tp);
}

int
digest_build(const struct ps_conf *conf, const struct digest *d, time_t now,
	     char **msg, size_t *len, char *err, size_t errlen)
{
	GMimeMessage *m;
	GMimeMultipart *alt;
	GMimeObject *part;
	GDateTime *date;
	const char *domain;
	char *subject, *text, *html, *mid;
	unsigned long long h = 1469598103934665603ULL;

	if (conf->finance_address == NULL || conf->finance_address[0] == '\0') {
		snprintf(err, errlen, "finance-address is not set: the digest has no recipient (set it in %s)",
		    conf->path ? conf->path : "the config");
		return -1;
	}
	if (d->n == 0) {
		snprintf(err, errlen, "no flagged invoices to list");
		return -1;
	}
	g_mime_init();
	subject = digest_subject(d);
	text = build_text(conf, d, subject);
	html = build_html(conf, d, subject);

	m = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM,
	    conf->postsale_name && *conf->postsale_name ? conf->postsale_name : NULL,
	    conf->postsale_address);
	g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_TO, NULL, conf->finance_address);
	g_mime_message_set_subject(m, subject, "utf-8");
	date = g_date_time_new_from_unix_utc((gint64) now);
	g_mime_message_set_date(m, date);
	g_date_time_unref(date);
	/* the same rows give the same Message-ID: a digest sent again after a crash
	 * before digest_mark() is recognisable as the same one */
	for (size_t i = 0; i < d->n; i++) {
		h ^= (unsigned long long) d->rows[i].id;
		h *= 1099511628211ULL;
	}
	domain = strrchr(conf->postsale_address, '@');
	domain = domain != NULL && domain[1] != '\0' ? domain + 1 : "localhost";
	mid = xasprintf("postsale-digest.%lld-%lld.%zu.%016llx@%s", d->rows[0].id,
	    d->rows[d->n - 1].id, d->n, h, domain);
	g_mime_message_set_message_id(m, mid);
	g_mime_object_set_header(GMIME_OBJECT(m), "Auto-Submitted", "auto-generated", NULL);

	alt = g_mime_multipart_new_with_subtype("alternative");
	part = text_part("plain", text);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	part = text_part("html", html);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	g_mime_message_set_mime_part(m, GMIME_OBJECT(alt));
	g_object_unref(alt);

	*msg = mime_text_message_bytes(m, len);
	free(mid);
	free(subject);
	free(text);
	free(html);
	return 0;
}

/* digest_ids - the ids of d's rows (caller frees) */
static long long *
digest_ids(const struct digest *d)
{
	long long *ids = xcalloc(d->n + 1, sizeof(*ids));

	for (size_t i = 0; i < d->n; i++)
		ids[i] = d->rows[i].id;
	return ids;
}

int
digest_mark(struct store *st, const struct digest *d, time_t now, char *err, size_t errlen)
{
	long long *ids = digest_ids(d);
	int rc = store_digest_mark(st, ids, d->n, now, err, errlen);

	free(ids);
	return rc;
}

int
digest_release(struct store *st, const struct digest *d, char *err, size_t errlen)
{
	long long *ids = digest_ids(d);
	int rc = store_digest_release(st, ids, d->n, err, errlen);

	free(ids);
	return rc;
}

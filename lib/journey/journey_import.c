/*
 * journey_import.c - customers from a CSV file (see journey_import.h).
 *
 * Trust: the file is untrusted text. Fields are bounded, quoting is checked (an
 * unterminated quote is an error naming the line it opened on), and every value is
 * validated by journey_add() before anything is kept; the whole import is one
 * transaction, rolled back when any row fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "journey.h"
#include "journey_import.h"
#include "store/store_journey.h"
#include "util/xalloc.h"

#define CSV_MAX_FIELDS 32
#define CSV_MAX_FIELD 1024

enum { COL_ADDRESS, COL_NAME, COL_MANAGER, COL_SINCE, COL_RENEWAL, NCOLS };
static const char *const col_names[NCOLS] = { "address", "name", "manager", "since", "renewal" };

/* One row of the file: its fields (owned) and the line it starts on. */
struct csv_row {
	char *f[CSV_MAX_FIELDS];
	size_t n;
	int line;
};

/* csv_row_clear - free the fields of a row */
static void
csv_row_clear(struct csv_row *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->f[i]);
	r->n = 0;
}

/*
 * csv_next - read the row at *pos into r (*line counts lines); 1 a row, 0 the end,
 * -1 malformed with why. A row of one empty field (a blank line) comes back with n 0.
 */
static int
csv_next(const char *buf, size_t len, size_t *pos, int *line, struct csv_row *r, char *why,
	 size_t whylen)
{
	size_t p = *pos;
	char field[CSV_MAX_FIELD + 1];

	r->n = 0;
	r->line = *line;
	if (p >= len)
		return 0;
	for (;;) {
		size_t fl = 0;
		int quoted = 0;
		if (p < len && buf[p] == '"') {
			quoted = 1;
			p++;
			for (;;) {
				if (p >= len) {
					snprintf(why, whylen, "a quote opened on line %d is never closed", r->line);
					goto bad;
				}
				if (buf[p] == '"') {
					if (p + 1 < len && buf[p + 1] == '"') {
						p++;	/* "" is one quote */
					} else {
						p++;
						break;
					}
				}
				if (buf[p] == '\n')
					(*line)++;
				if (fl == CSV_MAX_FIELD) {
					snprintf(why, whylen, "a field longer than %d bytes", CSV_MAX_FIELD);
					goto bad;
				}
				field[fl++] = buf[p++];
			}
		}
		while (p < len && buf[p] != ',' && buf[p] != '\n' && buf[p] != '\r') {
			if (quoted || buf[p] == '"') {
				snprintf(why, whylen, "a stray quote in column %zu (quote the whole field,"
				    " and double a quote inside it)", r->n + 1);
				goto bad;
			}
			if (fl == CSV_MAX_FIELD) {
				snprintf(why, whylen, "a field longer than %d bytes", CSV_MAX_FIELD);
				goto bad;
			}
			field[fl++] = buf[p++];
		}
		if (memchr(field, '\0', fl) != NULL) {
			snprintf(why, whylen, "a NUL byte in column %zu", r->n + 1);
			goto bad;
		}
		if (r->n == CSV_MAX_FIELDS) {
			snprintf(why, whylen, "more than %d columns", CSV_MAX_FIELDS);
			goto bad;
		}
		field[fl] = '\0';
		r->f[r->n++] = xstrdup(field);
		if (p < len && buf[p] == ',') {
			p++;
			continue;
		}
		if (p < len && buf[p] == '\r')
			p++;
		if (p < len && buf[p] == '\n')
			p++;
		else if (p < len) {
			snprintf(why, whylen, "a carriage return inside a row");
			goto bad;
		}
		(*line)++;
		break;
	}
	*pos = p;
	if (r->n == 1 && r->f[0][0] == '\0')
		csv_row_clear(r);
	return 1;
bad:
	csv_row_clear(r);
	return -1;
}

/* trim - strip spaces and tabs at both ends, in place */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	return s;
}

/* header_map - column index of each known column from the header row; 0 or -1 + why */
static int
header_map(struct csv_row *h, int map[NCOLS], char *why, size_t whylen)
{
	for (int c = 0; c < NCOLS; c++)
		map[c] = -1;
	for (size_t i = 0; i < h->n; i++) {
		const char *name = trim(h->f[i]);
		int c;
		for (c = 0; c < NCOLS && strcasecmp(name, col_names[c]) != 0; c++)
			;
		if (c == NCOLS) {
			snprintf(why, whylen, "column %zu: '%.60s' is not one of address, name,"
			    " manager, since, renewal", i + 1, name);
			return -1;
		}
		if (map[c] >= 0) {
			snprintf(why, whylen, "column %zu: '%s' is given twice", i + 1, col_names[c]);
			return -1;
		}
		map[c] = (int) i;
	}
	if (map[COL_ADDRESS] < 0 || map[COL_SINCE] < 0) {
		snprintf(why, whylen, "the header row names no '%s' column",
		    map[COL_ADDRESS] < 0 ? "address" : "since");
		return -1;
	}
	return 0;
}

/* cell - the trimmed value of column c, or NULL when absent or empty */
static const char *
cell(struct csv_row *r, const int map[NCOLS], int c)
{
	const char *v;

	if (map[c] < 0 || (size_t) map[c] >= r->n)
		return NULL;
	v = trim(r->f[map[c]]);
	return *v != '\0' ? v : NULL;
}

/* report_line - "FILE:LINE: msg" through report */
static void
report_line(journey_import_report_fn report, void *arg, const char *fname, int line,
	    const char *msg)
{
	char buf[1600];

	snprintf(buf, sizeof(buf), "%.400s:%d: %s", fname, line, msg);
	report(arg, buf);
}

int
journey_import_csv(struct store *st, const struct ps_conf *conf, const char *fname,
		   const char *buf, size_t len, time_t now,
		   struct journey_import_result *res, journey_import_report_fn report,
		   void *arg, char *err, size_t errlen)
{
	struct csv_row row = { .n = 0 };
	char why[1024], **seen = NULL;
	size_t pos = 0, nseen = 0;
	int map[NCOLS], line = 1, rc;

	memset(res, 0, sizeof(*res));
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;	/* a UTF-8 byte order mark, as spreadsheets write */
	if ((rc = csv_next(buf, len, &pos, &line, &row, why, sizeof(why))) <= 0 || row.n == 0 ||
	    header_map(&row, map, why, sizeof(why)) != 0) {
		if (rc == 0 || (rc == 1 && row.n == 0))
			snprintf(why, sizeof(why), "no header row (address,name,manager,since,renewal)");
		report_line(report, arg, fname, 1, why);
		csv_row_clear(&row);
		res->bad = 1;
		return 1;
	}
	csv_row_clear(&row);
	if (store_journey_begin(st, err, errlen) != 0)
		return -1;
	while ((rc = csv_next(buf, len, &pos, &line, &row, why, sizeof(why))) != 0) {
		struct journey_new nc;
		struct journey_added added;
		const char *address;

		if (rc < 0) {	/* the rest of the file cannot be read into rows */
			report_line(report, arg, fname, row.line, why);
			res->bad++;
			break;
		}
		if (row.n == 0)
			continue;
		if (++res->rows > JOURNEY_IMPORT_MAX_ROWS) {
			snprintf(why, sizeof(why), "more than %d rows", JOURNEY_IMPORT_MAX_ROWS);
			report_line(report, arg, fname, row.line, why);
			res->bad++;
			csv_row_clear(&row);
			break;
		}
		memset(&nc, 0, sizeof(nc));
		address = cell(&row, map, COL_ADDRESS);
		nc.address = address;
		nc.name = cell(&row, map, COL_NAME);
		nc.manager = cell(&row, map, COL_MANAGER);
		nc.since = cell(&row, map, COL_SINCE);
		nc.renewal = cell(&row, map, COL_RENEWAL);
		rc = 0;
		for (size_t i = 0; address != NULL && i < nseen; i++)
			if (strcasecmp(seen[i], address) == 0) {
				snprintf(why, sizeof(why), "address: %s is on an earlier line too", address);
				rc = -1;
			}
		if (rc == 0 && address == NULL) {
			snprintf(why, sizeof(why), "address: empty");
			rc = -1;
		} else if (rc == 0 && nc.since == NULL) {
			snprintf(why, sizeof(why), "since: empty (the onboarding date, YYYY-MM-DD)");
			rc = -1;
		} else if (rc == 0 && journey_add(st, conf, &nc, now, &added, why, sizeof(why)) != 0)
			rc = -1;
		if (rc != 0) {
			report_line(report, arg, fname, row.line, why);
			res->bad++;
		} else {
			seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
			seen[nseen++] = xstrdup(address);
			if (added.existed)
				res->unchanged++;
			else
				res->added++;
			res->planned += (size_t) added.planned;
			res->skipped += (size_t) added.skipped;
		}
		csv_row_clear(&row);
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	if (res->bad > 0) {
		store_journey_rollback(st);
		return 1;
	}
	if (store_journey_commit(st, err, errlen) != 0)
		return -1;
	return 0;
}

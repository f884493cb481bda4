/*
 * json.c - the JSON writer of the --json outputs (RFC 8259).
 *
 * Trusts nothing it writes: strings from invoices, messages and the store are escaped
 * here (quotation mark, reverse solidus, U+0000 to U+001F, and DEL for terminals), and
 * bytes that are not UTF-8 are replaced, so that the output is always valid JSON.
 */
#include <stdio.h>

#include "json.h"
#include "text.h"
#include "timetext.h"

void
json_init(struct json_out *j, FILE *fp)
{
	j->fp = fp;
	j->depth = 0;
	j->after_key = 0;
	j->has_member[0] = 0;
}

/* value_start - the comma before a value where one is due */
static void
value_start(struct json_out *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->depth <= JSON_MAX_DEPTH) {
		if (j->has_member[j->depth - 1])
			fputc(',', j->fp);
		j->has_member[j->depth - 1] = 1;
	}
}

/* container_open - a bracket that starts a container */
static void
container_open(struct json_out *j, int c)
{
	value_start(j);
	fputc(c, j->fp);
	if (j->depth < JSON_MAX_DEPTH)
		j->has_member[j->depth] = 0;
	j->depth++;
}

/* container_close - the bracket that ends it; a newline after the outermost */
static void
container_close(struct json_out *j, int c)
{
	j->depth--;
	fputc(c, j->fp);
	if (j->depth == 0)
		fputc('\n', j->fp);
}

void json_array_begin(struct json_out *j) { container_open(j, '['); }
void json_array_end(struct json_out *j) { container_close(j, ']'); }
void json_object_begin(struct json_out *j) { container_open(j, '{'); }
void json_object_end(struct json_out *j) { container_close(j, '}'); }

void
json_key(struct json_out *j, const char *name)
{
	value_start(j);
	json_escape(j->fp, name);
	fputc(':', j->fp);
	j->after_key = 1;
}

void
json_str(struct json_out *j, const char *s)
{
	value_start(j);
	json_escape(j->fp, s);
}

void
json_int(struct json_out *j, long long v)
{
	value_start(j);
	fprintf(j->fp, "%lld", v);
}

void
json_bool(struct json_out *j, int v)
{
	value_start(j);
	fputs(v ? "true" : "false", j->fp);
}

void
json_null(struct json_out *j)
{
	value_start(j);
	fputs("null", j->fp);
}

void
json_time(struct json_out *j, time_t t)
{
	char buf[TIMETEXT_RFC3339_LEN];

	json_str(j, timetext_rfc3339(t, 0, buf, sizeof(buf)));
}

void
json_time_or_null(struct json_out *j, time_t t)
{
	if (t == 0)
		json_null(j);
	else
		json_time(j, t);
}

/* the members: a key, then its value */
void json_member_str(struct json_out *j, const char *k, const char *s) { json_key(j, k); json_str(j, s); }
void json_member_int(struct json_out *j, const char *k, long long v) { json_key(j, k); json_int(j, v); }
void json_member_bool(struct json_out *j, const char *k, int v) { json_key(j, k); json_bool(j, v); }
void json_member_time(struct json_out *j, const char *k, time_t t) { json_key(j, k); json_time(j, t); }
void json_member_time_or_null(struct json_out *j, const char *k, time_t t)
{
	json_key(j, k);
	json_time_or_null(j, t);
}

void
json_escape(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	while (*p) {
		int n = (int) text_utf8_len(p, 4);	/* a NUL ends any sequence */

		if (n == 0) {
			fputs("\\ufffd", fp);
			p++;
		} else if (*p == '"' || *p == '\\') {
			fputc('\\', fp);
			fputc(*p++, fp);
		} else if (*p == '\n') {
			fputs("\\n", fp), p++;
		} else if (*p == '\t') {
			fputs("\\t", fp), p++;
		} else if (*p == '\r') {
			fputs("\\r", fp), p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			fprintf(fp, "\\u%04x", *p++);
		} else {
			fwrite(p, 1, (size_t) n, fp);
			p += n;
		}
	}
	fputc('"', fp);
}

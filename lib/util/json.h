/*
 * json.h - JSON text (RFC 8259) for the --json outputs of the programs: one writer that
 * places the commas and escapes every string, so that each output is an array of
 * objects with times in RFC 3339 (lib/timetext.h).
 *
 *	struct json_out j;
 *	json_init(&j, stdout);
 *	json_array_begin(&j);
 *	json_object_begin(&j);
 *	json_member_int(&j, "id", 7);
 *	json_member_time(&j, "sent_at", t);
 *	json_object_end(&j);
 *	json_array_end(&j);		(at depth 0 it ends the line)
 */
#ifndef PS_JSON_H
#define PS_JSON_H

#include <stdio.h>
#include <time.h>

#define JSON_MAX_DEPTH 16

struct json_out {
	FILE *fp;
	int depth;			/* open arrays and objects */
	int after_key;			/* a key was written: the value follows without comma */
	unsigned char has_member[JSON_MAX_DEPTH];	/* the container at a depth is not empty */
};

/* json_init - a writer of one JSON text to fp */
void json_init(struct json_out *j, FILE *fp);
/* json_array_begin, json_array_end, json_object_begin, json_object_end - brackets;
 * closing the outermost one writes a newline */
void json_array_begin(struct json_out *j);
void json_array_end(struct json_out *j);
void json_object_begin(struct json_out *j);
void json_object_end(struct json_out *j);
/* json_key - a member name in the current object; its value comes next */
void json_key(struct json_out *j, const char *name);
/* json_str - a string value (null for NULL): '"', '\\' and every control character are
 * escaped, invalid UTF-8 becomes U+FFFD */
void json_str(struct json_out *j, const char *s);
/* json_int, json_bool, json_null - the other scalars */
void json_int(struct json_out *j, long long v);
void json_bool(struct json_out *j, int v);
void json_null(struct json_out *j);
/* json_time - t as an RFC 3339 string in UTC ("2026-11-29T10:30:00Z") */
void json_time(struct json_out *j, time_t t);
/* json_time_or_null - json_time, or null for 0 (a time not set) */
void json_time_or_null(struct json_out *j, time_t t);
/* json_member_str, json_member_int, json_member_bool, json_member_time,
 * json_member_time_or_null - one member of the current object: json_key(name) and
 * the value as the function of that type writes it */
void json_member_str(struct json_out *j, const char *name, const char *s);
void json_member_int(struct json_out *j, const char *name, long long v);
void json_member_bool(struct json_out *j, const char *name, int v);
void json_member_time(struct json_out *j, const char *name, time_t t);
void json_member_time_or_null(struct json_out *j, const char *name, time_t t);
/* json_escape - s as one JSON string literal on fp (the quoting of json_str) */
void json_escape(FILE *fp, const char *s);

#endif

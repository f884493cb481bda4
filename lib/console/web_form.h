/*
 * web_form.h - request parsing for the finance console: the body of a POST in
 * application/x-www-form-urlencoded, ids in paths, dates and page numbers in queries.
 *
 * Everything parsed here comes from any client: malformed percent escapes, NUL bytes,
 * invalid UTF-8, repeated or too many fields are refused, never guessed at.
 */
#ifndef PS_WEB_FORM_H
#define PS_WEB_FORM_H

#include <stddef.h>
#include <time.h>

#define WEB_FORM_MAX_FIELDS 32
#define WEB_FORM_MAX_BODY 16384		/* bytes of a POST body */

struct web_form {
	size_t n;
	char *key[WEB_FORM_MAX_FIELDS];
	char *val[WEB_FORM_MAX_FIELDS];
};

/*
 * web_form_parse - parse len bytes of body ("a=1&b=x%20y", '+' is a space) into f (which
 * the caller clears with web_form_clear()). 0, or -1 with the reason in err.
 */
int web_form_parse(const char *body, size_t len, struct web_form *f, char *err, size_t errlen);
/* web_form_get - the value of key, or NULL */
const char *web_form_get(const struct web_form *f, const char *key);
/* web_form_clear - free the fields; f is empty after */
void web_form_clear(struct web_form *f);
/* web_utf8_valid - 1 if the n bytes at s are valid UTF-8 without controls other
 * than tab, CR and LF */
int web_utf8_valid(const char *s, size_t n);
/* web_parse_id - a positive decimal id of at most 18 digits; 0, or -1 */
int web_parse_id(const char *s, long long *out);
/* web_parse_date - "YYYY-MM-DD" as the start of that day in UTC; 0, or -1 */
int web_parse_date(const char *s, time_t *out);
/*
 * web_path_id - for path "PREFIX" + ID + rest, the id and rest ("" or "/release" ...);
 * 0, or -1 when path does not start with prefix or the id is malformed
 */
int web_path_id(const char *path, const char *prefix, long long *id, const char **rest);
/* web_url_encode - s with every byte but letters, digits and -._~ as %XX, for a
 * query string; caller frees */
char *web_url_encode(const char *s);

#endif

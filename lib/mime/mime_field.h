/*
 * mime_field.h - a Content-Type or Content-Disposition value of the plain form, read
 * without GMime's objects, and read as GMime reads it.
 *
 * The plain form is what mail software writes: a value (type "/" subtype, or a
 * disposition token), then parameters, each an attribute token "=" a token or a
 * quoted string without backslashes, separated by ";", with spaces and tabs around
 * them. Anything else (comments, RFC 2231 or RFC 2047 encodings, "=?" anywhere,
 * backslashes, octets outside printable ASCII, an attribute given twice, a value GMime
 * would read past, more than MIME_FIELD_PARAMS parameters) is not the plain form: the
 * caller asks GMime, as before. tests/unit/check_mime_field.c holds every reading of
 * the plain form against GMime's.
 */
#ifndef PS_MIME_FIELD_H
#define PS_MIME_FIELD_H

#include <stddef.h>

#define MIME_FIELD_PARAMS 16

/* One parameter: its attribute and value, as spans of the field's value (a quoted
 * value without its quotes). */
struct mime_param {
	const char *name, *value;
	size_t name_len, value_len;
};

/*
 * struct mime_field - a plain value read: its value (for a Content-Type "type/subtype",
 * type and subtype apart; for a Content-Disposition the token) and its parameters, as
 * spans of the value read
 */
struct mime_field {
	const char *type, *subtype;	/* subtype NULL for a disposition */
	size_t type_len, subtype_len;
	struct mime_param params[MIME_FIELD_PARAMS];
	size_t nparams;
};

/* mime_field_type - read v, a Content-Type field's value (unfolded, NUL-terminated),
 * into *out; 0, or -1 when v is not of the plain form */
int mime_field_type(const char *v, struct mime_field *out);
/* mime_field_disposition - the same for a Content-Disposition field's value */
int mime_field_disposition(const char *v, struct mime_field *out);
/* mime_field_param - the value of f's parameter name (ASCII case ignored, as GMime
 * does), as a new string; NULL when f has none. Caller frees. */
char *mime_field_param(const struct mime_field *f, const char *name);

#endif

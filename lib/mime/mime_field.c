/*
 * mime_field.c - Content-Type and Content-Disposition values of the plain form, read
 * as GMime reads them (mime_field.h).
 *
 * The grammar (RFC 2045 section 5.1, RFC 2183 section 2, without what the plain form
 * leaves to GMime):
 *   field = OWS value OWS *( ";" OWS [ param OWS ] )
 *   value = token "/" token (a type) | token (a disposition)
 *   param = attribute "=" ( token | quoted )
 *   quoted = DQUOTE *( printable ASCII but DQUOTE and "\" ) DQUOTE
 * with OWS spaces and tabs, token RFC 2045's, and attribute a token without "*", "'"
 * and "%" (RFC 2231's attribute-char). The field's value is untrusted: nothing is read
 * past its NUL, and a span points into it.
 */
#include <string.h>
#include <strings.h>

#include "mime_field.h"
#include "util/xalloc.h"

enum { C_TOKEN = 1, C_ATTR = 2, C_QTEXT = 4, C_OWS = 8 };

/* cls - what each octet may be: RFC 2045's token octets (printable ASCII but the
 * tspecials "()<>@,;:\\"/[]?="), the attribute's (a token's but RFC 2231's "*", "'" and
 * "%"), a quoted value's (printable ASCII and space but DQUOTE and "\\"), and the spaces
 * between */
#define TAQ (C_TOKEN | C_ATTR | C_QTEXT)	/* a token's, an attribute's, a quoted value's */
#define TQ (C_TOKEN | C_QTEXT)			/* not an attribute's */
static const unsigned char cls[256] = {
	['\t'] = C_OWS, [' '] = C_OWS | C_QTEXT,
	['!'] = TAQ, ['#'] = TAQ, ['$'] = TAQ, ['%'] = TQ, ['&'] = TAQ, ['\''] = TQ,
	['('] = C_QTEXT, [')'] = C_QTEXT, ['*'] = TQ, ['+'] = TAQ, [','] = C_QTEXT,
	['-'] = TAQ, ['.'] = TAQ, ['/'] = C_QTEXT, ['0' ... '9'] = TAQ,
	[':' ... '@'] = C_QTEXT, ['A' ... 'Z'] = TAQ, ['['] = C_QTEXT, [']'] = C_QTEXT,
	['^' ... '~'] = TAQ,
};

/* ows - past the spaces and tabs at p */
static const char *
ows(const char *p)
{
	while (cls[(unsigned char)*p] & C_OWS)
		p++;
	return p;
}

/* span - past the octets of class c at p (none: p) */
static const char *
span(const char *p, int c)
{
	while (cls[(unsigned char)*p] & c)
		p++;
	return p;
}

/* same_name - whether a and b (of lengths) are one attribute, ASCII case ignored */
static int
same_name(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* read_params - the parameters from p (after the value and its spaces) to the NUL into
 * f; 0, or -1 when they are not of the plain form */
static int
read_params(const char *p, struct mime_field *f)
{
	struct mime_param *m;
	const char *q;

	f->nparams = 0;
	while (*p != '\0') {
		if (*p++ != ';')
			return -1;
		p = ows(p);
		if (*p == ';' || *p == '\0')
			continue;		/* an empty one, as GMime skips it */
		if (f->nparams == MIME_FIELD_PARAMS)
			return -1;
		m = &f->params[f->nparams];
		m->name = p;
		if ((q = span(p, C_ATTR)) == p || *q != '=')
			return -1;
		m->name_len = (size_t)(q - p);
		p = q + 1;
		if (*p == '"') {
			m->value = ++p;
			if (*(q = span(p, C_QTEXT)) != '"')
				return -1;
			m->value_len = (size_t)(q - p);
			p = q + 1;
		} else {
			m->value = p;
			if ((q = span(p, C_TOKEN)) == p)
				return -1;
			m->value_len = (size_t)(q - p);
			p = q;
		}
		for (size_t i = 0; i < f->nparams; i++)
			if (same_name(f->params[i].name, f->params[i].name_len, m->name, m->name_len))
				return -1;
		f->nparams++;
		p = ows(p);
	}
	return 0;
}

/* plain_octets - whether v has nothing that GMime would decode or read otherwise: no
 * "=?" (an encoded word, which GMime decodes even in a quoted value) */
static int
plain_octets(const char *v)
{
	return strstr(v, "=?") == NULL;
}

/* read_field - v's value (with_subtype: "type/subtype", else a disposition token) and
 * its parameters into *out; 0, or -1 when v is not of the plain form */
static int
read_field(const char *v, int with_subtype, struct mime_field *out)
{
	const char *p = ows(v), *q;

	out->subtype = NULL;
	out->subtype_len = 0;
	if (!plain_octets(v) || (q = span(p, C_TOKEN)) == p)
		return -1;
	out->type = p;
	out->type_len = (size_t)(q - p);
	if (with_subtype) {
		if (*q != '/')
			return -1;
		p = q + 1;
		if ((q = span(p, C_TOKEN)) == p)
			return -1;
		out->subtype = p;
		out->subtype_len = (size_t)(q - p);
	}
	return read_params(ows(q), out);
}

int
mime_field_type(const char *v, struct mime_field *out)
{
	return read_field(v, 1, out);
}

int
mime_field_disposition(const char *v, struct mime_field *out)
{
	return read_field(v, 0, out);
}

char *
mime_field_param(const struct mime_field *f, const char *name)
{
	for (size_t i = 0; i < f->nparams; i++)
		if (same_name(f->params[i].name, f->params[i].name_len, name, strlen(name)))
			return xstrndup(f->params[i].value, f->params[i].value_len);
	return NULL;
}

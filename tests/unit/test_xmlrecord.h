/*
 * test_xmlrecord.h - a xmlsafe_stream() sink that records what it is told as one
 * string, for the suites that compare two ways of reading a document (check_xmlskip,
 * check_xmlfast): elements with their namespace URI and their attributes (prefix,
 * local name, URI, value), text (told in pieces, recorded as one), comments and
 * processing instructions. Two sinks: reads_all (no reset: libxml2 reads every octet)
 * and may_skip (with reset: the fast reader and the base64 shortcut may be used).
 */
#ifndef PS_TEST_XMLRECORD_H
#define PS_TEST_XMLRECORD_H

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "invoice/xmlsafe.h"
#include "util/buf.h"

/* What a recording sink was told, as one string (free with rec_free). */
struct record {
	struct buf out;
	int in_text;		/* the last event was text: 1, under preserve: 2 */
	int resets;
};

static void
put(struct record *r, const char *s, size_t n)
{
	buf_add(&r->out, s, n);
}

/* put_str - a NUL-terminated string, or "-" for NULL */
static void
put_str(struct record *r, const xmlChar *s)
{
	if (s == NULL)
		put(r, "-", 1);
	else
		put(r, (const char *)s, strlen((const char *)s));
}

static void
rec_start(void *user, const xmlChar *localname, const xmlChar *uri, int nb_attributes,
    const xmlChar **attributes)
{
	struct record *r = user;

	r->in_text = 0;
	put(r, "<", 1);
	put_str(r, localname);
	if (uri != NULL) {
		put(r, "{", 1);
		put_str(r, uri);
		put(r, "}", 1);
	}
	for (int i = 0; i < nb_attributes; i++, attributes += 5) {
		put(r, " ", 1);
		put_str(r, attributes[1]);
		put(r, ":", 1);
		put_str(r, attributes[0]);
		put(r, "{", 1);
		put_str(r, attributes[2]);
		put(r, "}=", 2);
		put(r, (const char *)attributes[3], (size_t)(attributes[4] - attributes[3]));
	}
	put(r, ">", 1);
}

static void
rec_end(void *user)
{
	((struct record *)user)->in_text = 0;
	put(user, "</>", 3);
}

/* rec_text - a text told in pieces is recorded as one: only the characters count */
static void
rec_text(void *user, const xmlChar *s, int len, int preserve)
{
	struct record *r = user;

	ck_assert_int_gt(len, 0);
	if (r->in_text == (preserve ? 2 : 1))
		r->out.len--;	/* its "]" */
	else
		put(r, preserve ? "[p" : "[", preserve ? 2 : 1);
	r->in_text = preserve ? 2 : 1;
	put(r, (const char *)s, (size_t)len);
	put(r, "]", 1);
}

static void
rec_other(void *user)
{
	((struct record *)user)->in_text = 0;
	put(user, "<!>", 3);
}

static void
rec_reset(void *user)
{
	struct record *r = user;

	r->out.len = 0;
	r->in_text = 0;
	if (r->out.data != NULL)
		r->out.data[0] = '\0';
	r->resets++;
}

/* rec_str - what r recorded, "" for nothing */
static inline const char *
rec_str(const struct record *r)
{
	return r->out.data != NULL ? r->out.data : "";
}

/* rec_free - forget what r recorded */
static inline void
rec_free(struct record *r)
{
	buf_free(&r->out);
}

static const struct xmlsafe_sax reads_all = {
	.start = rec_start, .end = rec_end, .text = rec_text, .other = rec_other,
};
static const struct xmlsafe_sax may_skip = {
	.start = rec_start, .end = rec_end, .text = rec_text, .other = rec_other,
	.reset = rec_reset,
};

#endif

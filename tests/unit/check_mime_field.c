/*
 * check_mime_field.c - the plain Content-Type and Content-Disposition values that
 * lib/mime/mime_field.c reads without GMime's objects, against GMime's own reading of
 * the same value (g_mime_content_type_parse, g_mime_content_disposition_parse): the
 * type, the subtype, the "type/subtype" GMime gives, whether it is an attachment, and
 * every parameter, by name, with GMime's count of them. The values are a table of 54,
 * what mail software writes and what it should not, and 100,000 made of random pieces,
 * each read again with one octet changed, put in or taken out: whatever mime_field
 * reads it must read as GMime does, and it must read most of the plain ones.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "mime/mime_field.h"
#include "test_run.h"

static const char *const values[] = {
	"text/plain", "Text/PLAIN; Charset=UTF-8", "text/plain;charset=\"utf-8\"",
	"text/plain ; charset = utf-8 ", "text/plain; charset=utf-8; charset=latin1",
	"text/plain; charset=\"a b\"", "text/plain; charset=\"\"", "text/plain; charset=",
	"text/plain;", "text/plain; name=\"x\\\"y.xml\"", "text/plain; foo", "text / plain",
	"text/plain junk; charset=x", "multipart/mixed; boundary=\"----=_Part_1_2.3\"",
	"application/xml; name=invoice.xml", "text/plain; charset=utf-8;",
	"text/plain; charset=utf-8 ;", "text/plain;;charset=x", "text/plain; a=b c",
	"text/plain; charset=\"utf-8\" x", "text/plain; name*=utf-8''a%20b",
	"text/plain;\tcharset=x", "text/pl@in", "tex(t)/plain", "text/plain (comment); charset=x",
	"", " ", "text", "text/", "/plain", "text/plain; charset=\"=?utf-8?q?a?=\"",
	"text/plain; name=\"a=?utf-8?q?b?=\"", "text/plain; name=a%20b", "text/plain; name=a'b*c",
	"multipart/related; type=\"application/xml\"; start=\"<inv@x>\"; boundary=b1",
	"application/pdf; name=\"Factur-X invoice 2026-001.pdf\"",
	"text/plain; charset=utf-8; format=flowed; delsp=yes",
	"application/octet-stream; name=\"r\xc3\xa9sum\xc3\xa9.xml\"",
	"text/plain; charset=utf-8\r\n", "text/plain;\r\n charset=utf-8",
	"attachment; filename=x.xml", "Attachment", "inline", "attachment ;filename=\"a b.xml\"",
	"attachment junk", "attachment; FileName=y", "attachment; filename=\"=?utf-8?q?a?=\"",
	" attachment", "attachment;", "attach", "attachment2", "form-data; name=x",
	"attachment; filename=\"invoice.xml\"; size=1234; creation-date=\"Sun, 22 Nov 2026 09:00:00 +0000\"",
	"inline; filename*0=\"a\"; filename*1=\"b\"",
};

/* The pieces of the random values. */
static const char *const types[] = {
	"text", "Text", "APPLICATION", "application", "multipart", "x-y.z", "a+b", "message",
	"t~!#$&'^_`{|}%*-", "image", "t\xc3\xa9xt",
};
static const char *const subtypes[] = {
	"plain", "PLAIN", "xml", "pdf", "mixed", "related", "vnd.oasis.ubl+xml",
	"x-Foo_Bar", "s~!#$&'^_`{|}%*-", "octet-stream", "html",
};
static const char *const names[] = {
	"charset", "Charset", "CHARSET", "boundary", "name", "Name", "start", "filename",
	"FILENAME", "x-foo", "format", "a.b-c_d~!#$&^`{|}", "size", "type",
};
static const char *const vals[] = {
	"utf-8", "UTF-8", "\"utf-8\"", "\"\"", "\"a b\"", "\"(x)<y>@z,;:/[]?=\"",
	"invoice.xml", "\"Invoice 2026-001.xml\"", "----=_Part_1", "\"----=_Part_1_2.3\"",
	"a'b%c*d", "\"<start@x>\"", "\"tab\there\"", "b!#$&^`{|}~", "1234", "\"=?utf-8?q?x?=\"",
};
static const char *const seps[] = {";", "; ", " ;", ";\t", " ; ", ";;", "; ;"};
static const char *const disps[] = {
	"attachment", "Attachment", "inline", "INLINE", "form-data", "attachment2", "x!#$",
};

#define PICK(a) ((a)[rand() % (int)(sizeof(a) / sizeof((a)[0]))])

/* gmime_param_count - GMime's parameters of a list */
static int
gmime_param_count(GMimeParamList *pl)
{
	return pl != NULL ? g_mime_param_list_length(pl) : 0;
}

/* same_params - every parameter of f as GMime gives it by name, and as many of them;
 * 1 or 0 with what differs in why */
static int
same_params(const struct mime_field *f, GMimeParamList *pl, char *why, size_t whylen)
{
	if ((int)f->nparams != gmime_param_count(pl)) {
		snprintf(why, whylen, "%zu parameters, GMime %d", f->nparams, gmime_param_count(pl));
		return 0;
	}
	for (size_t i = 0; i < f->nparams; i++) {
		char name[256];
		char *mine;
		const char *its;

		snprintf(name, sizeof(name), "%.*s", (int)f->params[i].name_len, f->params[i].name);
		mine = mime_field_param(f, name);
		its = g_mime_param_list_get_parameter(pl, name) != NULL ?
		    g_mime_param_get_value(g_mime_param_list_get_parameter(pl, name)) : NULL;
		if (its == NULL || strcmp(mine, its) != 0) {
			snprintf(why, whylen, "%s: [%s], GMime [%s]", name, mine, its ? its : "(none)");
			free(mine);
			return 0;
		}
		free(mine);
	}
	return 1;
}

/* check_type - v as a Content-Type: whatever mime_field reads, GMime reads alike; 1
 * when mime_field read it */
static int
check_type(const char *v)
{
	struct mime_field f;
	GMimeContentType *ct;
	char *mt, mine[512], why[512] = "";
	int ok;

	if (mime_field_type(v, &f) != 0)
		return 0;
	ct = g_mime_content_type_parse(NULL, v);
	ck_assert_msg(ct != NULL, "[%s]: read, GMime did not", v);
	mt = g_mime_content_type_get_mime_type(ct);
	snprintf(mine, sizeof(mine), "%.*s/%.*s", (int)f.type_len, f.type, (int)f.subtype_len,
	    f.subtype);
	ok = strcmp(mine, mt) == 0 &&
	    strlen(g_mime_content_type_get_media_type(ct)) == f.type_len &&
	    strlen(g_mime_content_type_get_media_subtype(ct)) == f.subtype_len;
	if (!ok)
		snprintf(why, sizeof(why), "type [%s], GMime [%s]", mine, mt);
	else
		ok = same_params(&f, g_mime_content_type_get_parameters(ct), why, sizeof(why));
	g_free(mt);
	g_object_unref(ct);
	ck_assert_msg(ok, "[%s]: %s", v, why);
	return 1;
}

/* check_disposition - the same for v as a Content-Disposition */
static int
check_disposition(const char *v)
{
	struct mime_field f;
	GMimeContentDisposition *d;
	char why[512] = "";
	int ok, att;

	if (mime_field_disposition(v, &f) != 0)
		return 0;
	d = g_mime_content_disposition_parse(NULL, v);
	ck_assert_msg(d != NULL, "[%s]: read, GMime did not", v);
	att = f.type_len == 10 && strncasecmp(f.type, "attachment", 10) == 0;
	ok = strlen(g_mime_content_disposition_get_disposition(d)) == f.type_len &&
	    strncmp(g_mime_content_disposition_get_disposition(d), f.type, f.type_len) == 0 &&
	    att == g_mime_content_disposition_is_attachment(d);
	if (!ok)
		snprintf(why, sizeof(why), "disposition [%.*s] (attachment %d), GMime [%s] (%d)",
		    (int)f.type_len, f.type, att, g_mime_content_disposition_get_disposition(d),
		    g_mime_content_disposition_is_attachment(d));
	else
		ok = same_params(&f, g_mime_content_disposition_get_parameters(d), why, sizeof(why));
	g_object_unref(d);
	ck_assert_msg(ok, "[%s]: %s", v, why);
	return 1;
}

START_TEST(test_table)
{
	int read = 0;

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		read += check_type(values[i]) + check_disposition(values[i]);
	ck_assert_int_ge(read, 25);
	/* what mail software writes is read */
	ck_assert(check_type("multipart/mixed; boundary=\"----=_Part_1_2.3\""));
	ck_assert(check_type("text/plain; charset=utf-8; format=flowed; delsp=yes"));
	ck_assert(check_disposition("attachment; filename=\"invoice.xml\""));
	/* and what GMime reads otherwise is not */
	ck_assert(!check_type("text/plain; name*=utf-8''a%20b"));
	ck_assert(!check_type("text/plain; charset=\"=?utf-8?q?a?=\""));
	ck_assert(!check_type("text/plain; charset=utf-8; charset=latin1"));
	ck_assert(!check_type("text/plain (comment); charset=x"));
	ck_assert(!check_type("text/plain; a=b c"));
	ck_assert(!check_disposition("attachment junk"));
}
END_TEST

/* random_value - a random value of the pieces into buf: a Content-Type (type) or a
 * Content-Disposition */
static void
random_value(char *buf, size_t len, int type)
{
	size_t n;
	int params = rand() % 5;

	if (type)
		n = (size_t)snprintf(buf, len, "%s%s/%s", rand() % 4 ? "" : " ", PICK(types),
		    PICK(subtypes));
	else
		n = (size_t)snprintf(buf, len, "%s%s", rand() % 4 ? "" : "\t", PICK(disps));
	for (int i = 0; i < params && n < len - 200; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", PICK(seps), PICK(names),
		    PICK(vals));
	if (rand() % 5 == 0 && n < len - 4)
		snprintf(buf + n, len - n, "%s", PICK(seps));
}

/* mutate - one octet of buf changed, put in or taken out */
static void
mutate(char *buf, size_t len)
{
	size_t n = strlen(buf), at = n > 0 ? (size_t)rand() % n : 0;
	char c = (char)(rand() % 4 == 0 ? rand() % 256 : " \t;=\"\\/()<>@,:[]?*'%a-"[rand() % 22]);

	switch (rand() % 3) {
	case 0:
		if (n > 0)
			buf[at] = c != '\0' ? c : 'x';
		break;
	case 1:
		if (n + 1 < len) {
			memmove(buf + at + 1, buf + at, n - at + 1);
			buf[at] = c != '\0' ? c : 'x';
		}
		break;
	default:
		if (n > 0)
			memmove(buf + at, buf + at + 1, n - at);
		break;
	}
}

START_TEST(test_random)
{
	char buf[1024];
	int read = 0, tried = 0, mutated = 0;

	srand(20261203);
	for (int i = 0; i < 100000; i++) {
		int type = i % 2;

		random_value(buf, sizeof(buf), type);
		tried++;
		read += type ? check_type(buf) : check_disposition(buf);
		mutate(buf, sizeof(buf));
		mutated += type ? check_type(buf) : check_disposition(buf);
	}
	fprintf(stderr, "check_mime_field: %d values, %d read, %d of them mutated read\n", tried, read,
	    mutated);
	/* most of the values of the pieces are plain; some of the mutated ones are too */
	ck_assert_int_ge(read, tried / 3);
	ck_assert_int_ge(mutated, tried / 10);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {TEST_ONCE(test_table), TEST_ONCE(test_random)};

	g_mime_init();
	return test_main("mime_field", 120, tests, TEST_COUNT(tests));
}

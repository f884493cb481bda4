/*
 * check_json.c - the JSON writer (lib/json.c). The expected texts follow RFC 8259:
 * section 7 (strings: '"' and '\' escaped, U+0000..U+001F escaped, the rest as UTF-8)
 * and section 8.1 (the text must be UTF-8); times follow RFC 3339 section 5.6.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "test_run.h"

/* render - what fn writes through a writer, as a new string */
static char *
render(void (*fn)(struct json_out *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct json_out j;

	ck_assert_ptr_nonnull(fp);
	json_init(&j, fp);
	fn(&j);
	fclose(fp);
	return buf;
}

static const struct {
	const char *in;
	const char *want;
} strings[] = {
	{"plain", "\"plain\""},
	{"say \"hi\"", "\"say \\\"hi\\\"\""},
	{"C:\\dir", "\"C:\\\\dir\""},
	{"a\nb\tc\rd", "\"a\\nb\\tc\\rd\""},
	{"\x01\x1f", "\"\\u0001\\u001f\""},
	{"esc\x1b[31m", "\"esc\\u001b[31m\""},
	{"del\x7f", "\"del\\u007f\""},
	{"/ stays", "\"/ stays\""},
	{"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80\""},	/* ü € 😀 */
	{"bad \xff byte", "\"bad \\ufffd byte\""},
	{"overlong \xc0\xaf", "\"overlong \\ufffd\\ufffd\""},
	{"surrogate \xed\xa0\x80", "\"surrogate \\ufffd\\ufffd\\ufffd\""},
	{"cut \xe2\x82", "\"cut \\ufffd\\ufffd\""},
	{"", "\"\""},
};

START_TEST(test_escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	json_escape(fp, strings[_i].in);
	fclose(fp);
	ck_assert_msg(strcmp(buf, strings[_i].want) == 0, "%s: got %s, want %s", strings[_i].in, buf,
	    strings[_i].want);
	free(buf);
}
END_TEST

static void
write_rows(struct json_out *j)
{
	json_array_begin(j);
	json_object_begin(j);
	json_key(j, "id");
	json_int(j, 1);
	json_key(j, "sent_at");
	json_time(j, 1795948215);
	json_key(j, "name");
	json_str(j, NULL);
	json_key(j, "done_at");
	json_time_or_null(j, 0);
	json_key(j, "ok");
	json_bool(j, 1);
	json_key(j, "tags");
	json_array_begin(j);
	json_str(j, "a");
	json_str(j, "b");
	json_array_end(j);
	json_key(j, "empty");
	json_array_begin(j);
	json_array_end(j);
	json_object_end(j);
	json_object_begin(j);
	json_key(j, "id");
	json_int(j, -2);
	json_key(j, "nested");
	json_object_begin(j);
	json_key(j, "x");
	json_null(j);
	json_object_end(j);
	json_object_end(j);
	json_array_end(j);
}

/* write_members - the first object of write_rows again, each member in one call */
static void
write_members(struct json_out *j)
{
	json_array_begin(j);
	json_object_begin(j);
	json_member_int(j, "id", 1);
	json_member_time(j, "sent_at", 1795948215);
	json_member_str(j, "name", NULL);
	json_member_time_or_null(j, "done_at", 0);
	json_member_bool(j, "ok", 1);
	json_member_time_or_null(j, "seen_at", 1795948215);
	json_member_str(j, "quote", "a\"b");
	json_object_end(j);
	json_array_end(j);
}

static void
write_empty(struct json_out *j)
{
	json_array_begin(j);
	json_array_end(j);
}

static void
write_many(struct json_out *j)
{
	json_array_begin(j);
	for (int i = 0; i < 300; i++)
		json_int(j, i);
	json_array_end(j);
}

START_TEST(test_many_members)
{
	char *s = render(write_many);
	size_t commas = 0;

	/* regression: a member counter of one byte dropped the 257th comma */
	for (const char *p = s; *p; p++)
		commas += *p == ',';
	ck_assert_uint_eq(commas, 299);
	ck_assert(strstr(s, ",256,257,") != NULL);
	free(s);
}
END_TEST

START_TEST(test_members)
{
	char *s = render(write_members);

	ck_assert_str_eq(s, "[{\"id\":1,\"sent_at\":\"2026-11-29T10:30:15Z\",\"name\":null,"
	    "\"done_at\":null,\"ok\":true,\"seen_at\":\"2026-11-29T10:30:15Z\","
	    "\"quote\":\"a\\\"b\"}]\n");
	free(s);
}
END_TEST

START_TEST(test_structure)
{
	char *s = render(write_rows);

	ck_assert_str_eq(s, "[{\"id\":1,\"sent_at\":\"2026-11-29T10:30:15Z\",\"name\":null,"
	    "\"done_at\":null,\"ok\":true,\"tags\":[\"a\",\"b\"],\"empty\":[]},"
	    "{\"id\":-2,\"nested\":{\"x\":null}}]\n");
	free(s);
	s = render(write_empty);
	ck_assert_str_eq(s, "[]\n");
	free(s);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_escape, strings), TEST_ONCE(test_structure),
		TEST_ONCE(test_many_members), TEST_ONCE(test_members),
	};

	return test_main("json", 0, tests, TEST_COUNT(tests));
}

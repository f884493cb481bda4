/*
 * check_buf.c - the one growing byte buffer (lib/util/buf.c): appends of bytes (NULs
 * included), strings, characters and formatted text, growth past many doublings, and
 * who owns the bytes after buf_steal and buf_free.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "test_run.h"

START_TEST(test_append)
{
	struct buf b = { 0 };
	size_t len;
	char *s;

	ck_assert_ptr_null(b.data);
	buf_add(&b, "", 0);
	ck_assert_str_eq(b.data, "");
	buf_adds(&b, "ab");
	buf_addc(&b, 'c');
	buf_add(&b, "d\0e", 3);
	buf_printf(&b, "-%d-%s", 42, "x");
	ck_assert_uint_eq(b.len, 11);
	ck_assert_int_eq(memcmp(b.data, "abcd\0e-42-x", 11), 0);
	ck_assert_int_eq(b.data[b.len], '\0');
	s = buf_steal(&b, &len);
	ck_assert_uint_eq(len, 11);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	s = buf_steal(&b, NULL);		/* nothing written: "" */
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

START_TEST(test_grow)
{
	struct buf b = { 0 };
	char block[1000];

	memset(block, 'z', sizeof(block));
	for (int i = 0; i < 1000; i++)
		buf_add(&b, block, sizeof(block));
	buf_printf(&b, "%0*d", 5000, 7);
	ck_assert_uint_eq(b.len, 1000000 + 5000);
	ck_assert_int_eq(b.data[999999], 'z');
	ck_assert_int_eq(b.data[b.len - 1], '7');
	ck_assert_uint_ge(b.cap, b.len + 1);
	buf_reserve(&b, 10);
	ck_assert_uint_ge(b.cap, b.len + 11);
	buf_free(&b);
	ck_assert_ptr_null(b.data);
	buf_adds(&b, "again");			/* usable after free */
	ck_assert_str_eq(b.data, "again");
	buf_free(&b);
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_ONCE(test_append), TEST_ONCE(test_grow),
	};

	return test_main("buf", 0, tests, TEST_COUNT(tests));
}

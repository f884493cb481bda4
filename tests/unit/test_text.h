/*
 * test_text.h - the suites' one way to say what a produced text (a calendar, a mail, a
 * page) must hold and must not: a list of strings, each checked, the first one that is
 * wrong named in the failure.
 */
#ifndef PS_TEST_TEXT_H
#define PS_TEST_TEXT_H

#include <check.h>
#include <stdarg.h>
#include <string.h>

/* test_find_each - each string of ap (NULL ends it) stands in text (want 1) or not (0) */
static inline void test_find_each(const char *text, int want, va_list ap)
{
	const char *s;

	ck_assert_ptr_nonnull(text);
	while ((s = va_arg(ap, const char *)) != NULL)
		ck_assert_msg((strstr(text, s) != NULL) == want, "%s \"%s\"",
			      want ? "lacks" : "holds", s);
}

/* test_has - text holds every string after it (a NULL ends the list) */
static inline void test_has(const char *text, ...)
{
	va_list ap;

	va_start(ap, text);
	test_find_each(text, 1, ap);
	va_end(ap);
}

/* test_lacks - text holds none of the strings after it (a NULL ends the list) */
static inline void test_lacks(const char *text, ...)
{
	va_list ap;

	va_start(ap, text);
	test_find_each(text, 0, ap);
	va_end(ap);
}

#endif

/*
 * test_run.h - the one way a Check suite's main builds and runs it: one test case,
 * every test, the normal report, and the exit status automake's test driver reads.
 * A main lists its tests and calls test_main:
 *
 *	const struct test_case tests[] = {
 *		TEST_ONCE(test_parse), TEST_LOOP(test_cases, cases),
 *	};
 *	return test_main("name", 0, tests, TEST_COUNT(tests));
 */
#ifndef PS_TEST_RUN_H
#define PS_TEST_RUN_H

#include <check.h>
#include <stdlib.h>

/* test_tcase - a new suite *s named name with one test case of that name, returned */
static inline TCase *test_tcase(Suite **s, const char *name)
{
	TCase *tc = tcase_create(name);

	*s = suite_create(name);
	suite_add_tcase(*s, tc);
	return tc;
}

/* test_run - run the suite s (freed here); EXIT_SUCCESS when no test failed */
static inline int test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* One test of a suite's list: run once, or (a loop test) with _i from 0 to loops - 1. */
struct test_case {
	const TTest *test;
	int loop;
	int loops;
};
#define TEST_ONCE(t)		{ (t), 0, 0 }
#define TEST_LOOP_N(t, n)	{ (t), 1, (int) (n) }
/* TEST_LOOP - once for each row of the table of cases */
#define TEST_LOOP(t, table)	TEST_LOOP_N(t, sizeof(table) / sizeof((table)[0]))
#define TEST_COUNT(list)	(sizeof(list) / sizeof((list)[0]))

/* test_main - the suite name of the n tests of list, each with a timeout of timeout
 * seconds (0: Check's default), run: test_run's exit status */
static inline int test_main(const char *name, int timeout, const struct test_case *list,
			    size_t n)
{
	Suite *s;
	TCase *tc = test_tcase(&s, name);

	if (timeout > 0)
		tcase_set_timeout(tc, timeout);
	for (size_t k = 0; k < n; k++) {
		if (list[k].loop)
			tcase_add_loop_test(tc, list[k].test, 0, list[k].loops);
		else
			tcase_add_test(tc, list[k].test);
	}
	return test_run(s);
}

#endif

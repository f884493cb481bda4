/*
 * test_run.h - the one way a Check suite's main builds and runs it: one test case,
 * every test, the normal report, and the exit status automake's test driver reads.
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

#endif

/*
 * check_zone.c - the one checked and locked zone lookup (lib/util/zone.c): real IANA
 * names are found, names libical would turn into a path outside its zone data are
 * refused before libical sees them, and lookups from many threads at once agree.
 * The valid names are IANA tzdata's; the offsets are the published ones (Berlin +1 in
 * January, Kolkata +5:30 all year).
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/zone.h"
#include "test_run.h"

static const struct {
	const char *name;
	int ok;
} names[] = {
	{"Europe/Berlin", 1},
	{"America/New_York", 1},
	{"America/Argentina/Buenos_Aires", 1},
	{"America/Port-au-Prince", 1},
	{"Asia/Kolkata", 1},
	{"UTC", 1},
	{"Etc/UTC", 1},
	{"../etc/passwd", 0},
	{"../../../../etc/passwd", 0},
	{"Europe/../../etc/passwd", 0},
	{"Europe/..", 0},
	{"/etc/passwd", 0},
	{"/usr/share/zoneinfo/Europe/Berlin", 0},
	{"", 0},
	{"Mars/Olympus_Mons", 0},
	{"Europe/Berlin\n", 0},
	{"Europe/Berlin;rm", 0},
	{"Europe\\Berlin", 0},
	{"Europe/Berlin ", 0},
};

START_TEST(test_names)
{
	char err[160];
	int want = names[_i].ok;

	ck_assert_msg((zone_get(names[_i].name) != NULL) == want, "%s", names[_i].name);
	ck_assert_int_eq(zone_check(names[_i].name, err, sizeof(err)), want ? 0 : -1);
	if (!want) {
		ck_assert_ptr_nonnull(strstr(err, "is not known to libical"));
		ck_assert_ptr_null(strchr(err, '\n'));	/* the name is made printable */
	}
}
END_TEST

START_TEST(test_name_ok)
{
	char longname[ZONE_NAME_MAX + 2];

	ck_assert_int_eq(zone_name_ok(NULL), 0);
	ck_assert_int_eq(zone_name_ok(""), 0);
	ck_assert_int_eq(zone_name_ok("Etc/GMT+5"), 1);
	ck_assert_int_eq(zone_name_ok("a..b"), 0);
	ck_assert_int_eq(zone_name_ok("/UTC"), 0);
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';		/* ZONE_NAME_MAX + 1 characters */
	ck_assert_int_eq(zone_name_ok(longname), 0);
	ck_assert_ptr_null(zone_get(longname));
	longname[ZONE_NAME_MAX] = '\0';			/* exactly ZONE_NAME_MAX: a name */
	ck_assert_int_eq(zone_name_ok(longname), 1);
	ck_assert_ptr_null(zone_get(longname));		/* but not a zone */
}
END_TEST

/* The same zone twice is the same libical zone, and it converts as tzdata says. */
START_TEST(test_cached)
{
	icaltimezone *a = zone_get("Europe/Berlin"), *b = zone_get("Europe/Berlin");
	struct icaltimetype t = icaltime_from_timet_with_zone(1767268800, 0,
	    icaltimezone_get_utc_timezone());	/* 2026-01-01 12:00 UTC */
	int dst;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_eq(a, b);
	ck_assert_int_eq(icaltimezone_get_utc_offset_of_utc_time(a, &t, &dst), 3600);
	ck_assert_int_eq(icaltimezone_get_utc_offset_of_utc_time(zone_get("Asia/Kolkata"),
	    &t, &dst), 19800);
}
END_TEST

/* More names than the cache holds, from several threads at once. */
static const char *const thread_zones[] = {
	"Europe/Berlin", "Europe/Paris", "Europe/London", "Europe/Oslo", "Europe/Rome",
	"Europe/Vienna", "Europe/Madrid", "Europe/Lisbon", "Europe/Athens", "Europe/Helsinki",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
	"Asia/Tokyo", "Asia/Kolkata", "Asia/Shanghai", "Australia/Sydney", "Africa/Cairo",
	"Pacific/Auckland", "../etc/passwd", "/etc/passwd",
};
#define N_THREAD_ZONES (sizeof(thread_zones) / sizeof(thread_zones[0]))
#define N_THREADS 8
#define N_ROUNDS 200

static void *
lookup_many(void *arg)
{
	icaltimezone **first = arg;
	long bad = 0;

	for (int r = 0; r < N_ROUNDS; r++)
		for (size_t i = 0; i < N_THREAD_ZONES; i++) {
			size_t k = (i + (size_t) r) % N_THREAD_ZONES;
			icaltimezone *z = zone_get(thread_zones[k]);
			if (z != first[k])
				bad++;
		}
	return (void *) bad;
}

START_TEST(test_threads)
{
	icaltimezone *first[N_THREAD_ZONES];
	pthread_t th[N_THREADS];

	for (size_t i = 0; i < N_THREAD_ZONES; i++) {
		first[i] = zone_get(thread_zones[i]);
		ck_assert_msg((first[i] != NULL) == (thread_zones[i][0] != '.' &&
		    thread_zones[i][0] != '/'), "%s", thread_zones[i]);
	}
	for (int t = 0; t < N_THREADS; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, lookup_many, first), 0);
	for (int t = 0; t < N_THREADS; t++) {
		void *bad;
		ck_assert_int_eq(pthread_join(th[t], &bad), 0);
		ck_assert_int_eq((long) bad, 0);
	}
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_names, names), TEST_ONCE(test_name_ok), TEST_ONCE(test_cached),
		TEST_ONCE(test_threads),
	};

	/* 60 s: the threads' lookups under valgrind */
	return test_main("zone", 60, tests, TEST_COUNT(tests));
}

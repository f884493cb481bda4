/*
 * test_files.h - the suites' one way to reach files: a file of the source tree (under
 * $top_srcdir, "." without it) read whole, a small file written into a test's own
 * directory, and that directory removed afterwards; the test corpus of official
 * invoices ($POSTSALE_CORPUS) and a walk over its files. A file that cannot be read or
 * written fails the test that asked for it; an absent corpus skips, with a message.
 */
#ifndef PS_TEST_FILES_H
#define PS_TEST_FILES_H

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* test_srcpath - top_srcdir/rel in buf (size bytes); returns buf */
static inline const char *test_srcpath(char *buf, size_t size, const char *rel)
{
	const char *top = getenv("top_srcdir");

	snprintf(buf, size, "%s/%s", top && *top ? top : ".", rel);
	return buf;
}

/* test_slurp - the whole of top_srcdir/rel, NUL-terminated, its length in *len unless
 * len is NULL; the caller frees */
static inline char *test_slurp(const char *rel, size_t *len)
{
	char path[1024], *buf;
	FILE *fp;
	long n;

	fp = fopen(test_srcpath(path, sizeof(path), rel), "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	ck_assert_msg(fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0, "cannot size %s", path);
	rewind(fp);
	buf = malloc((size_t) n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_msg(fread(buf, 1, (size_t) n, fp) == (size_t) n, "cannot read %s", path);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t) n;
	return buf;
}

/* test_write - text written to dir/name (replacing it); the path, in a static buffer
 * that the next call overwrites */
static inline const char *test_write(const char *dir, const char *name, const char *text)
{
	static char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	ck_assert_msg(fp != NULL, "cannot write %s", path);
	fputs(text, fp);
	ck_assert_msg(fclose(fp) == 0, "cannot write %s", path);
	return path;
}

/* test_rmtree - dir and everything below it removed; 0 when that worked */
static inline int test_rmtree(const char *dir)
{
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* test_corpus_path - the corpus file rel ("" for the corpus itself) in buf: the corpus
 * is $POSTSALE_CORPUS, else ../shared/corpus as the developers' machines have it. NULL,
 * with "suite: the corpus is absent (path): what skipped" on stderr, when rel is not there */
static inline const char *test_corpus_path(char *buf, size_t size, const char *rel,
    const char *suite, const char *what)
{
	const char *c = getenv("POSTSALE_CORPUS");
	struct stat st;

	if (c == NULL || *c == '\0')
		c = "/work/shared/corpus";
	snprintf(buf, size, "%s%s%s", c, *rel ? "/" : "", rel);
	if (stat(buf, &st) != 0) {
		fprintf(stderr, "%s: the corpus is absent (%s): %s skipped\n", suite, buf, what);
		return NULL;
	}
	return buf;
}

/* test_each_file - fn(path, ctx) on every file below dir whose name ends in suffix
 * (hidden names left out); the sum of fn's results; *files counts the files */
static inline int test_each_file(const char *dir, const char *suffix,
    int (*fn)(const char *path, void *ctx), void *ctx, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t sl = strlen(suffix);
	int sum = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char p[4096];
		struct stat st;
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.' ||
		    snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= (int) sizeof(p) ||
		    stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			sum += test_each_file(p, suffix, fn, ctx, files);
		else if (l > sl && strcmp(e->d_name + l - sl, suffix) == 0) {
			sum += fn(p, ctx);
			(*files)++;
		}
	}
	closedir(d);
	return sum;
}

#endif

/*
 * check_corpus.c - agreement of the invoice checks with the official EN 16931
 * verdicts on the third-party corpus ($POSTSALE_CORPUS, default
 * /work/shared/corpus; skipped with exit 77 where it is absent).
 *
 *  1. ORACLE-xml.tsv: for every file, our error ids restricted to the official
 *     EN 16931 rules in scope (inv_rules() minus our own PS-* ids, on which the
 *     oracle has no verdict) equal the official fatal ids restricted to that scope.
 *     Factur-X MINIMUM, BASIC-WL and EXTENDED samples are genuine invoices of
 *     reduced or extended profiles (corpus README): they must give no flag at all.
 *  2. en16931/rule-tests/manifest.tsv: for every test with an id in scope, the
 *     expect_error ids in scope fire and the expect_success ids in scope do not.
 *
 * Prints both counts and each disagreement (file and id); exits 1 on any
 * disagreement. The expectations come from the corpus only, never from us.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inv.h"

#define MAX_FIELDS 10

static const char *corpus;

/* slurp - read a whole file (caller frees); NULL on error */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else if (buf != NULL) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(fp);
	return buf;
}

/* split_tabs - split a line in place at tabs; returns the field count */
static int
split_tabs(char *line, char **f)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < MAX_FIELDS) {
		f[n++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return n;
}

/* in_list - is id in the comma/space separated list? */
static int
in_list(const char *list, const char *id)
{
	size_t n = strlen(id);
	const char *p = list;

	while ((p = strstr(p, id)) != NULL) {
		if ((p == list || p[-1] == ',' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/* check_file - parse and check a corpus file; NULL findings on parse failure */
static inv_findings *
check_file(const char *rel, char *err, size_t errlen)
{
	char path[4096];
	inv_invoice *inv;
	inv_findings *f;
	size_t len = 0;
	char *buf;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", corpus, rel);
	if ((buf = slurp(path, &len)) == NULL) {
		snprintf(err, errlen, "cannot read %.300s: %s", path, strerror(errno));
		return NULL;
	}
	rc = inv_parse(buf, len, &inv, err, errlen);
	free(buf);
	if (rc != INV_OK)
		return NULL;
	f = inv_findings_new();
	inv_check(inv, f);
	inv_free(inv);
	return f;
}

/* oracle_xml - part 1; returns the number of disagreeing files */
static int
oracle_xml(void)
{
	char path[4096], line[8192], err[512], *f[MAX_FIELDS];
	int files = 0, agree = 0, bad, genuine_only, ps_hits = 0;
	const char *const *r;
	inv_findings *got;
	size_t i;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/ORACLE-xml.tsv", corpus);
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}
	if (fgets(line, sizeof(line), fp) == NULL) {	/* header */
		fclose(fp);
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (split_tabs(line, f) < 4)
			continue;
		files++;
		genuine_only = strstr(f[0], "/MINIMUM/") != NULL ||
		    strstr(f[0], "/BASIC-WL/") != NULL || strstr(f[0], "/EXTENDED/") != NULL;
		got = check_file(f[0], err, sizeof(err));
		if (got == NULL) {
			printf("DISAGREE %s: not parsed: %s\n", f[0], err);
			continue;
		}
		bad = 0;
		if (genuine_only) {
			for (i = 0; i < got->n; i++)
				if (got->v[i].severity == INV_SEV_ERROR) {
					printf("DISAGREE %s: genuine %s sample flagged: %s\n",
					    f[0], "reduced/extended profile", got->v[i].message);
					bad = 1;
				}
		} else {
			for (r = inv_rules(); *r != NULL; r++) {
				int want = in_list(f[3], *r), have = 0;

				if (strncmp(*r, "PS-", 3) == 0) {
					/* ours: no official verdict; counted apart */
					for (i = 0; i < got->n; i++)
						if (strcmp(got->v[i].id, *r) == 0) {
							printf("NOTE %s: %s\n", f[0],
							    got->v[i].message);
							ps_hits++;
						}
					continue;
				}

				for (i = 0; i < got->n; i++)
					if (strcmp(got->v[i].id, *r) == 0 &&
					    got->v[i].severity == INV_SEV_ERROR)
						have = 1;
				if (want && !have) {
					printf("DISAGREE %s: %s expected (official), not found\n",
					    f[0], *r);
					bad = 1;
				} else if (!want && have) {
					for (i = 0; i < got->n; i++)
						if (strcmp(got->v[i].id, *r) == 0)
							break;
					printf("DISAGREE %s: %s raised, official verdict has "
					    "not: %s\n", f[0], *r, got->v[i].message);
					bad = 1;
				}
			}
		}
		agree += !bad;
		inv_findings_free(got);
	}
	fclose(fp);
	printf("ORACLE-xml in scope: %d/%d\n", agree, files);
	printf("(our PS-* rules, which have no official verdict, raised %d findings on "
	    "EN 16931-profile files)\n", ps_hits);
	return files - agree;
}

/* rule_tests - part 2; returns the number of disagreeing tests */
static int
rule_tests(void)
{
	char path[4096], line[8192], err[512], rel[4096], *f[MAX_FIELDS], *id, *save;
	int tests = 0, agree = 0, bad, in_scope, fires;
	inv_findings *got;
	FILE *fp;
	int pass;

	snprintf(path, sizeof(path), "%s/en16931/rule-tests/manifest.tsv", corpus);
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return 1;
	}
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return 1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (split_tabs(line, f) < 6)
			continue;
		in_scope = 0;
		for (pass = 0; pass < 2; pass++) {
			char list[1024];

			snprintf(list, sizeof(list), "%s", f[4 + pass]);
			for (id = strtok_r(list, ", ", &save); id != NULL;
			    id = strtok_r(NULL, ", ", &save))
				in_scope |= inv_rule_in_scope(id);
		}
		if (!in_scope)
			continue;
		tests++;
		snprintf(rel, sizeof(rel), "en16931/rule-tests/%s", f[0]);
		got = check_file(rel, err, sizeof(err));
		bad = 0;
		for (pass = 0; pass < 2; pass++) {
			char list[1024];

			snprintf(list, sizeof(list), "%s", f[4 + pass]);
			for (id = strtok_r(list, ", ", &save); id != NULL;
			    id = strtok_r(NULL, ", ", &save)) {
				if (!inv_rule_in_scope(id))
					continue;
				fires = got != NULL && inv_findings_has(got, id);
				if (pass == 0 && !fires) {
					printf("DISAGREE %s: %s should fire, did not%s%s\n",
					    f[0], id, got ? "" : ": ", got ? "" : err);
					bad = 1;
				} else if (pass == 1 && fires) {
					size_t i;

					for (i = 0; i < got->n; i++)
						if (strcmp(got->v[i].id, id) == 0)
							break;
					printf("DISAGREE %s: %s should not fire: %s\n", f[0], id,
					    got->v[i].message);
					bad = 1;
				}
			}
		}
		agree += !bad;
		inv_findings_free(got);
	}
	fclose(fp);
	printf("rule tests in scope: %d/%d\n", agree, tests);
	return tests - agree;
}

int
main(void)
{
	struct stat st;
	int bad;

	corpus = getenv("POSTSALE_CORPUS");
	if (corpus == NULL || *corpus == '\0')
		corpus = "/work/shared/corpus";
	if (stat(corpus, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "check_corpus: corpus %s not found, skipping\n", corpus);
		return 77;
	}
	bad = oracle_xml();
	bad += rule_tests();
	return bad ? 1 : 0;
}

/*
 * check_corpus.c - agreement of the invoice checks with the official EN 16931
 * verdicts on the third-party corpus ($POSTSALE_CORPUS, default
 * /work/shared/corpus; skipped with exit 77 where it is absent).
 *
 *  1. ORACLE-xml.tsv: for every file, our error ids restricted to the official
 *     rules in scope (inv_rules() minus our own PS-* ids, on which the oracle has
 *     no verdict) equal the official fatal ids restricted to that scope. For a
 *     Factur-X MINIMUM, BASIC WL or EXTENDED invoice the verdict is the one of its
 *     own profile's schematron (ORACLE-profile.tsv), not the EN 16931 one.
 *  2. en16931/rule-tests/manifest.tsv: for every test with an id in scope, the
 *     expect_error ids in scope fire and the expect_success ids in scope do not.
 *  3. The whole corpus: every XML and every PDF under the corpus (the rule-test
 *     fragments aside, part 2) goes through the filter's own finder
 *     (inv_find_in_bytes, pdfx for PDFs) and the checks, with postsale's rules at
 *     their default severity. Where the official verdict (ORACLE-xml.tsv,
 *     ORACLE-pdf.tsv, or ORACLE-profile.tsv for MINIMUM/BASIC WL/EXTENDED) is clean,
 *     no finding may be an error; where it is not, the in-scope ids must equal the
 *     official ones. Warnings are listed per file.
 *
 * Prints the counts and each disagreement (file and id); exits 1 on any
 * disagreement. The expectations come from the corpus only, never from us.
 */
#define _XOPEN_SOURCE 700	/* nftw */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "invoice/inv.h"
#include "invoice/inv_find.h"
#include "invoice/inv_severity.h"
#include "test_files.h"

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

/* The profile verdicts: key (file, or "file#attachment"), profile, fatal ids. */
struct verdict {
	char *key, *profile, *fatal;
};
static struct verdict *profile_rows, *xml_rows, *pdf_rows;
static size_t n_profile_rows, n_xml_rows, n_pdf_rows;

/* load_table - read a verdict table: key column 0, fatal ids in column fatal_col,
 * profile in column profile_col (-1: none) */
static struct verdict *
load_table(const char *name, int profile_col, int fatal_col, size_t *n)
{
	char path[4096], line[8192], *f[MAX_FIELDS];
	struct verdict *v = NULL;
	FILE *fp;
	int nf;

	*n = 0;
	snprintf(path, sizeof(path), "%s/%s", corpus, name);
	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	if (fgets(line, sizeof(line), fp) != NULL)	/* header */
		while (fgets(line, sizeof(line), fp) != NULL) {
			if ((nf = split_tabs(line, f)) <= fatal_col)
				continue;
			v = realloc(v, (*n + 1) * sizeof(*v));
			v[*n].key = strdup(f[0]);
			v[*n].profile = strdup(profile_col >= 0 ? f[profile_col] : "");
			v[*n].fatal = strdup(f[fatal_col]);
			(*n)++;
		}
	fclose(fp);
	return v;
}

/* find_row - the row of key, or NULL */
static const struct verdict *
find_row(const struct verdict *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return &v[i];
	return NULL;
}

/* own_profile - the profile row of key when its profile has rules of its own
 * (MINIMUM, BASIC WL, EXTENDED: the EN 16931 verdict does not apply), else NULL */
static const struct verdict *
own_profile(const char *key)
{
	const struct verdict *r = find_row(profile_rows, n_profile_rows, key);

	if (r != NULL && (strcmp(r->profile, "minimum") == 0 ||
	    strcmp(r->profile, "basicwl") == 0 || strcmp(r->profile, "extended") == 0))
		return r;
	return NULL;
}

/* compare - our findings against the official fatal ids; prints each
 * disagreement, returns 1 if any */
static int
compare(const char *key, const inv_findings *got, const char *fatal)
{
	const char *const *r;
	int bad = 0, clean = strcmp(fatal, "CLEAN") == 0;
	size_t i;

	for (i = 0; clean && i < got->n; i++)
		if (got->v[i].severity == INV_SEV_ERROR) {
			printf("DISAGREE %s: officially clean, yet an error: %s\n", key,
			    got->v[i].message);
			bad = 1;
		}
	for (r = inv_rules(); *r != NULL; r++) {
		int want, have = 0;

		if (!inv_rule_is_official(*r))
			continue;	/* ours: no official verdict */
		want = in_list(fatal, *r);
		for (i = 0; i < got->n; i++)
			if (strcmp(got->v[i].id, *r) == 0 && got->v[i].severity == INV_SEV_ERROR)
				have = 1;
		if (want && !have) {
			printf("DISAGREE %s: %s expected (official), not found\n", key, *r);
			bad = 1;
		} else if (!want && have && !clean) {
			for (i = 0; i < got->n; i++)
				if (strcmp(got->v[i].id, *r) == 0)
					break;
			printf("DISAGREE %s: %s raised, official verdict has not: %s\n", key,
			    *r, got->v[i].message);
			bad = 1;
		}
	}
	return bad;
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
	int files = 0, agree = 0, bad, ps_hits = 0, n_profile = 0;
	const struct verdict *prof;
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
		got = check_file(f[0], err, sizeof(err));
		if (got == NULL) {
			printf("DISAGREE %s: not parsed: %s\n", f[0], err);
			continue;
		}
		for (i = 0; i < got->n; i++)
			if (!inv_rule_is_official(got->v[i].id)) {
				printf("NOTE %s: %s\n", f[0], got->v[i].message);
				ps_hits++;
			}
		prof = own_profile(f[0]);
		bad = compare(f[0], got, prof != NULL ? prof->fatal : f[3]);
		n_profile += prof != NULL;
		agree += !bad;
		inv_findings_free(got);
	}
	fclose(fp);
	printf("ORACLE-xml in scope: %d/%d (%d judged by their own profile's rules)\n",
	    agree, files, n_profile);
	printf("(our PS-* rules, which have no official verdict, raised %d findings)\n",
	    ps_hits);
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

/* Part 3's counts. */
static int whole_files, whole_agree, whole_unjudged, whole_errors, whole_warnings;

/* has_suffix - case-insensitive file name suffix */
static int
has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	return n >= m && strcasecmp(name + n - m, suffix) == 0;
}

/* whole_one - part 3 for one file (nftw callback) */
static int
whole_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + strlen(corpus) + 1;
	const struct verdict *row;
	inv_found_list found = {0};
	char key[4096], *buf;
	const char *fatal;
	inv_findings *got;
	size_t len = 0, i;
	int pdf, bad;

	(void)st;
	(void)ftw;
	if (type != FTW_F || strncmp(rel, "en16931/rule-tests/", 19) == 0)
		return 0;
	pdf = has_suffix(rel, ".pdf");
	if (!pdf && !has_suffix(rel, ".xml"))
		return 0;
	whole_files++;
	if ((buf = slurp(path, &len)) == NULL) {
		printf("DISAGREE %s: cannot read: %s\n", rel, strerror(errno));
		return 0;
	}
	inv_find_in_bytes((const unsigned char *)buf, len, "", rel, NULL, INV_FIND_REPORT_ALL,
	    NULL, &found);
	free(buf);
	if (found.n != 1 || found.v[0].status != INV_OK) {
		printf("DISAGREE %s: not read as an invoice: %s\n", rel,
		    found.n > 0 && found.v[0].error ? found.v[0].error : "nothing found");
		inv_found_list_clear(&found);
		return 0;
	}
	if (pdf)
		snprintf(key, sizeof(key), "%s#%s", rel, found.v[0].attachment ?
		    found.v[0].attachment : "");
	else
		snprintf(key, sizeof(key), "%s", rel);
	if ((row = own_profile(key)) != NULL)
		fatal = row->fatal;
	else if ((row = find_row(pdf ? pdf_rows : xml_rows, pdf ? n_pdf_rows : n_xml_rows,
	    rel)) != NULL)
		fatal = row->fatal;
	else {
		printf("UNJUDGED %s: no official verdict in the tables\n", rel);
		whole_unjudged++;
		inv_found_list_clear(&found);
		return 0;
	}
	got = inv_findings_new();
	inv_check(found.v[0].inv, got);
	inv_findings_apply_severity(got, NULL, 0);	/* the default config */
	bad = compare(key, got, fatal);
	for (i = 0; i < got->n; i++) {
		if (got->v[i].severity == INV_SEV_ERROR) {
			whole_errors++;
			continue;
		}
		whole_warnings++;
		printf("WARNING %s: %s\n", key, got->v[i].message);
	}
	whole_agree += !bad;
	inv_findings_free(got);
	inv_found_list_clear(&found);
	return 0;
}

/* whole_corpus - part 3; returns the number of disagreeing files */
static int
whole_corpus(void)
{
	xml_rows = load_table("ORACLE-xml.tsv", -1, 3, &n_xml_rows);
	pdf_rows = load_table("ORACLE-pdf.tsv", -1, 6, &n_pdf_rows);
	if (nftw(corpus, whole_one, 16, FTW_PHYS) != 0) {
		fprintf(stderr, "cannot walk %s: %s\n", corpus, strerror(errno));
		return 1;
	}
	printf("whole corpus: %d XML and PDF files, %d agree with the official verdict, "
	    "%d without one; %d error findings, %d warnings (listed above)\n",
	    whole_files, whole_agree, whole_unjudged, whole_errors, whole_warnings);
	return whole_files - whole_agree - whole_unjudged;
}

int
main(void)
{
	static char dir[4096];
	int bad;

	if ((corpus = test_corpus_path(dir, sizeof(dir), "", "check_corpus", "every case")) == NULL)
		return 77;
	profile_rows = load_table("ORACLE-profile.tsv", 1, 2, &n_profile_rows);
	bad = oracle_xml();
	bad += rule_tests();
	bad += whole_corpus();
	return bad ? 1 : 0;
}

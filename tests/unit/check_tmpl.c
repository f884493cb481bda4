/*
 * check_tmpl.c - unit tests of lib/tmpl: rendering (Mustache section semantics),
 * escaping (the HTML spec's five characters), syntax errors with file:line, language
 * tags (BCP 47 shape), that every shipped template compiles, and the check-in
 * descriptions (templates/checkin.*.txt): their values per kind, and the sections the
 * shipped templates show or leave out, with expectations written by hand from the
 * templates' own logic and the calendar (CET is UTC+1 in early March).
 */
#include <check.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compose/invite.h"
#include "note/tmpl.h"
#include "test_run.h"

static const char *
srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : ".";
}

static const struct {
	const char *src;
	tmpl_kind kind;
	const char *vars;	/* "name=value|name=value" */
	const char *want;
} render_cases[] = {
	{ "Hello {{customer_name}}!", TMPL_TEXT, "customer_name=Zoë", "Hello Zoë!" },
	{ "Hello {{customer_name}}!", TMPL_TEXT, "", "Hello !" },
	{ "{{#if company}}at {{company}}{{/if}}.", TMPL_TEXT, "company=ACME", "at ACME." },
	{ "{{#if company}}at {{company}}{{/if}}.", TMPL_TEXT, "", "." },
	{ "{{#unless company}}nobody{{/unless}}", TMPL_TEXT, "", "nobody" },
	{ "{{#unless company}}nobody{{/unless}}", TMPL_TEXT, "company=X", "" },
	{ "{{#if a}}A{{else}}B{{/if}}", TMPL_TEXT, "a=1", "A" },
	{ "{{#if a}}A{{else}}B{{/if}}", TMPL_TEXT, "", "B" },
	{ "{{#unless a}}A{{else}}B{{/unless}}", TMPL_TEXT, "a=1", "B" },
	{ "{{#if a}}{{#if b}}AB{{else}}A{{/if}}{{/if}}", TMPL_TEXT, "a=1", "A" },
	{ "{{#if a}}{{#if b}}AB{{else}}A{{/if}}{{/if}}", TMPL_TEXT, "a=1|b=1", "AB" },
	{ "{{#if a}}{{#if b}}AB{{else}}A{{/if}}{{/if}}", TMPL_TEXT, "b=1", "" },
	/* Standalone tag lines vanish with their newline. */
	{ "one\n{{#if a}}\ntwo\n{{/if}}\nthree\n", TMPL_TEXT, "", "one\nthree\n" },
	{ "one\n  {{#if a}}  \ntwo\n{{/if}}\nthree\n", TMPL_TEXT, "a=1", "one\ntwo\nthree\n" },
	{ "{{! a comment }}\nbody\n", TMPL_TEXT, "", "body\n" },
	{ "x {{! inline }} y", TMPL_TEXT, "", "x  y" },
	/* Values: CR/LF and controls become one space, trimmed. */
	{ "[{{a}}]", TMPL_TEXT, "a=evil\r\nBcc: x", "[evil Bcc: x]" },
	{ "[{{a}}]", TMPL_TEXT, "a=  padded\t ", "[padded]" },
	{ "[{{a}}]", TMPL_TEXT, "a=bad\xff byte", "[bad? byte]" },
	/* HTML escapes every value, and only values. */
	{ "<p>{{a}}</p>", TMPL_HTML, "a=<b>&\"'", "<p>&lt;b&gt;&amp;&quot;&#39;</p>" },
	{ "<p>{{a}}</p>", TMPL_TEXT, "a=<b>", "<p><b></p>" },
	/* Blank values count as absent. */
	{ "{{#if a}}yes{{else}}no{{/if}}", TMPL_TEXT, "a= \t", "no" },
};

static void
set_vars(tmpl_vars *v, const char *spec)
{
	char *s = strdup(spec), *save = NULL;
	for (char *kv = strtok_r(s, "|", &save); kv; kv = strtok_r(NULL, "|", &save)) {
		char *eq = strchr(kv, '=');
		*eq = '\0';
		tmpl_vars_set(v, kv, eq + 1);
	}
	free(s);
}

START_TEST(test_render)
{
	char err[256] = "";
	tmpl *t = tmpl_compile(render_cases[_i].src, strlen(render_cases[_i].src),
	    render_cases[_i].kind, "case", NULL, err, sizeof err);
	ck_assert_msg(t != NULL, "case %d: %s", _i, err);
	tmpl_vars *v = tmpl_vars_new();
	set_vars(v, render_cases[_i].vars);
	size_t len;
	char *out = tmpl_render(t, v, &len);
	ck_assert_str_eq(out, render_cases[_i].want);
	ck_assert_uint_eq(len, strlen(render_cases[_i].want));
	free(out);
	tmpl_vars_free(v);
	tmpl_free(t);
}
END_TEST

START_TEST(test_value_cap)
{
	char err[256];
	tmpl *t = tmpl_compile("{{a}}", 5, TMPL_TEXT, "cap", NULL, err, sizeof err);
	tmpl_vars *v = tmpl_vars_new();
	/* 200 two-byte characters: cut at TMPL_VALUE_MAX bytes, never inside one. */
	char big[401];
	for (int i = 0; i < 200; i++)
		memcpy(big + 2 * i, "\xc3\xab", 2);
	big[400] = '\0';
	tmpl_vars_set(v, "a", big);
	char *out = tmpl_render(t, v, NULL);
	ck_assert_uint_eq(strlen(out), TMPL_VALUE_MAX);
	ck_assert_int_eq(memcmp(out, big, TMPL_VALUE_MAX), 0);
	free(out);
	tmpl_vars_free(v);
	tmpl_free(t);
}
END_TEST

static const struct {
	const char *src;
	const char *want;	/* expected error text */
} error_cases[] = {
	{ "a\n{{#if tenure}}\nb\n", "t.html:2: unclosed {{#if tenure}}" },
	{ "{{/if}}", "t.html:1: {{/if}} without {{#if}}" },
	{ "x\ny\n{{#if company}}{{/unless}}", "t.html:3: {{/unless}} closes {{#if company}} of line 3" },
	{ "{{else}}", "t.html:1: {{else}} outside a section" },
	{ "{{#if company}}{{else}}{{else}}{{/if}}", "t.html:1: second {{else}} in one section" },
	{ "\n\n{{name", "t.html:3: unclosed \"{{\"" },
	{ "{{#each x}}", "t.html:1: unknown tag \"{{#each x}}\"" },
	{ "{{Bad-Name}}", "t.html:1: bad name \"Bad-Name\"" },
	{ "{{{raw}}}", "t.html:1: unknown tag" },
	{ "{{nosuchname}}", "t.html:1: unknown name \"nosuchname\"" },
};

START_TEST(test_errors)
{
	char err[256] = "";
	const char *src = error_cases[_i].src;
	tmpl *t = tmpl_compile(src, strlen(src), TMPL_HTML, "t.html", tmpl_note_names, err, sizeof err);
	ck_assert_msg(t == NULL, "case %d compiled", _i);
	ck_assert_msg(strncmp(err, error_cases[_i].want, strlen(error_cases[_i].want)) == 0,
	    "case %d: got \"%s\", want \"%s\"", _i, err, error_cases[_i].want);
}
END_TEST

START_TEST(test_depth)
{
	char src[2048] = "", err[256];
	for (int i = 0; i <= TMPL_DEPTH_MAX; i++)
		strcat(src, "{{#if a}}");
	tmpl *t = tmpl_compile(src, strlen(src), TMPL_TEXT, "d", NULL, err, sizeof err);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "nested deeper"));
}
END_TEST

static const struct {
	const char *in, *want;
} lang_cases[] = {
	{ "de-DE, en", "de-de" }, { "en", "en" }, { " DE ", "de" }, { "de_AT", "de-at" },
	{ "", "" }, { NULL, "" }, { "1de", "" }, { "de-", "" }, { "toolonglanguage", "" },
	{ "de;q=0.5", "de" }, { "../etc", "" },
};

START_TEST(test_lang)
{
	char out[32];
	ck_assert_str_eq(tmpl_lang_norm(lang_cases[_i].in, out, sizeof out), lang_cases[_i].want);
}
END_TEST

START_TEST(test_facts)
{
	static const struct {
		unsigned count;
		const char *lang, *nth;
	} ord[] = {
		{ 2, "en", "2nd" }, { 3, "en", "3rd" }, { 11, "en", "11th" }, { 12, "en", "12th" },
		{ 13, "en", "13th" }, { 21, "en", "21st" }, { 22, "en", "22nd" }, { 101, "en", "101st" },
		{ 111, "en", "111th" }, { 12, "de", "12." },
	};
	for (size_t i = 0; i < sizeof ord / sizeof ord[0]; i++) {
		tmpl_vars *v = tmpl_vars_new();
		tmpl_facts f = { .invoice_count = ord[i].count };
		tmpl_vars_facts(v, &f, ord[i].lang);
		ck_assert_str_eq(tmpl_vars_get(v, "nth_invoice"), ord[i].nth);
		ck_assert_ptr_null(tmpl_vars_get(v, "first_invoice"));
		tmpl_vars_free(v);
	}
	tmpl_vars *v = tmpl_vars_new();
	tmpl_facts f = { .customer_name = "Zoë", .since_year = 2023, .since_month = 3,
		.invoice_count = 1, .today_year = 2025, .today_month = 3, .today_day = 9 };
	tmpl_vars_facts(v, &f, "de");
	ck_assert_str_eq(tmpl_vars_get(v, "tenure"), "Kunde seit M\xc3\xa4rz 2023");
	ck_assert_str_eq(tmpl_vars_get(v, "first_invoice"), "yes");
	ck_assert_ptr_null(tmpl_vars_get(v, "nth_invoice"));
	ck_assert_str_eq(tmpl_vars_get(v, "anniversary"), "2");
	tmpl_vars_facts(v, &f, "en");
	ck_assert_str_eq(tmpl_vars_get(v, "tenure"), "customer since March 2023");
	ck_assert_str_eq(tmpl_vars_get(v, "anniversary_nth"), "2nd");
	tmpl_vars_free(v);
	v = tmpl_vars_new();
	tmpl_facts g = { .since_year = 2023, .since_month = 3, .today_year = 2025, .today_month = 4 };
	tmpl_vars_facts(v, &g, "en");
	ck_assert_ptr_null(tmpl_vars_get(v, "anniversary"));
	ck_assert_ptr_null(tmpl_vars_get(v, "invoice_count"));
	tmpl_vars_free(v);
}
END_TEST

/* Every shipped template compiles against the names postsale sets. */
START_TEST(test_shipped)
{
	char dir[1024], err[512] = "";
	snprintf(dir, sizeof dir, "%s/templates", srcdir());
	tmpl_set *s = tmpl_set_load(dir, tmpl_note_names, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_uint_eq(tmpl_set_count(s), 8);
	static const struct {
		const char *kind, *lang, *want_txt;
	} pick[] = {
		{ "invoice", "de-at", "invoice.de.txt" }, { "invoice", "fr", "invoice.en.txt" },
		{ "onboarding", "de", "onboarding.de.txt" }, { "onboarding", NULL, "onboarding.en.txt" },
	};
	for (size_t i = 0; i < sizeof pick / sizeof pick[0]; i++) {
		const tmpl *t, *h;
		ck_assert_int_eq(tmpl_set_pick(s, pick[i].kind, pick[i].lang, &t, &h), 0);
		ck_assert_ptr_nonnull(t);
		ck_assert_ptr_nonnull(h);
		ck_assert_ptr_nonnull(strstr(tmpl_get_name(t), pick[i].want_txt));
		ck_assert_int_eq(tmpl_get_kind(h), TMPL_HTML);
		char *txt, *html;
		ck_assert_int_eq(tmpl_paths(dir, pick[i].kind, pick[i].lang, &txt, &html), 0);
		ck_assert_ptr_nonnull(strstr(txt, pick[i].want_txt));
		free(txt);
		free(html);
	}
	const tmpl *t, *h;
	ck_assert_int_eq(tmpl_set_pick(s, "nosuchkind", "en", &t, &h), -1);
	/* The check-ins' templates share the directory but not the notes' set. */
	ck_assert_int_eq(tmpl_set_pick(s, TMPL_KIND_CHECKIN, "en", &t, &h), -1);
	ck_assert_int_eq(tmpl_set_pick(s, "../x", "en", &t, &h), -1);
	/* No section syntax leaks into output, whatever is set. */
	tmpl_vars *v = tmpl_vars_new();
	tmpl_set_pick(s, "invoice", "en", &t, &h);
	char *out = tmpl_render(h, v, NULL);
	ck_assert_ptr_null(strstr(out, "{{"));
	ck_assert_ptr_nonnull(strstr(out, "Thank you for your business."));
	free(out);
	tmpl_vars_free(v);
	tmpl_set_free(s);
}
END_TEST

/* A syntax error in a file names the file and line. */
START_TEST(test_file_error)
{
	char path[] = "/tmp/check_tmpl_XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	const char *src = "line one\nline two {{#if tenure}}\n";
	ck_assert_int_eq(write(fd, src, strlen(src)), (int)strlen(src));
	close(fd);
	char err[512], want[600];
	tmpl *t = tmpl_load(path, tmpl_note_names, err, sizeof err);
	unlink(path);
	ck_assert_ptr_null(t);
	snprintf(want, sizeof want, "%s:2: unclosed {{#if tenure}}", path);
	ck_assert_str_eq(err, want);
}
END_TEST

/* The values of each kind of check-in (plan.h's kinds). */
static const struct {
	const char *kind;
	int ordinal;
	const char *lang;
	const char *set;	/* "name=value|name=value" that must be set so */
	const char *unset;	/* "name|name" that must be absent */
} checkin_kind_cases[] = {
	{ "day-7", 1, "en", "kind_day=7|kind_day7=yes", "kind_day30|kind_other|kind_quarterly" },
	{ "day-30", 1, "en", "kind_day=30|kind_day30=yes", "kind_day7|kind_day90|kind_other" },
	{ "day-90", 1, "en", "kind_day=90|kind_day90=yes", "kind_day7|kind_other" },
	{ "day-14", 1, "en", "kind_day=14|kind_other=yes", "kind_day7|kind_day30|kind_day90" },
	{ "quarterly", 2, "en", "kind_quarterly=yes", "kind_day|kind_other|anniversary_years" },
	{ "pre-renewal", 1, "en", "kind_prerenewal=yes", "kind_day|kind_other|kind_quarterly" },
	{ "anniversary", 2, "en", "kind_anniversary=yes|anniversary_years=2|anniversary_nth=2nd",
	  "kind_other|kind_day" },
	{ "anniversary", 3, "de", "anniversary_years=3|anniversary_nth=3.", "kind_other" },
	{ "day-7x", 1, "en", "kind_other=yes", "kind_day|kind_day7" },
	{ NULL, 0, "en", "kind_other=yes", "kind_day|kind_anniversary" },
};

START_TEST(test_checkin_kinds)
{
	tmpl_checkin_facts f = { .kind = checkin_kind_cases[_i].kind,
		.ordinal = checkin_kind_cases[_i].ordinal };
	tmpl_vars *v = tmpl_vars_new();
	tmpl_vars_checkin(v, &f, checkin_kind_cases[_i].lang);
	char *spec = strdup(checkin_kind_cases[_i].set), *save = NULL;
	for (char *kv = strtok_r(spec, "|", &save); kv; kv = strtok_r(NULL, "|", &save)) {
		char *eq = strchr(kv, '=');
		*eq = '\0';
		const char *got = tmpl_vars_get(v, kv);
		ck_assert_msg(got && strcmp(got, eq + 1) == 0, "case %d: %s is \"%s\", want \"%s\"",
		    _i, kv, got ? got : "(absent)", eq + 1);
	}
	free(spec);
	spec = strdup(checkin_kind_cases[_i].unset);
	for (char *k = strtok_r(spec, "|", &save); k; k = strtok_r(NULL, "|", &save))
		ck_assert_msg(tmpl_vars_get(v, k) == NULL, "case %d: %s is set", _i, k);
	free(spec);
	/* Nothing about invoices, dates or the customer when none is known. */
	ck_assert_ptr_null(tmpl_vars_get(v, "invoice_count"));
	ck_assert_ptr_null(tmpl_vars_get(v, "flagged_count"));
	ck_assert_ptr_null(tmpl_vars_get(v, "since"));
	ck_assert_ptr_null(tmpl_vars_get(v, "last_checkin"));
	tmpl_vars_free(v);
}
END_TEST

/* load_checkin - the shipped checkin templates, with the check-in names; caller frees */
static tmpl_set *
load_checkin(void)
{
	char dir[1024], err[512] = "";
	snprintf(dir, sizeof dir, "%s/templates", srcdir());
	tmpl_set *s = tmpl_set_load_kind(dir, TMPL_KIND_CHECKIN, tmpl_checkin_names, err, sizeof err);
	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

/* render_checkin - the shipped checkin template of lang rendered for f; caller frees */
static char *
render_checkin(const char *lang, const tmpl_checkin_facts *f)
{
	const tmpl *t, *h;
	tmpl_set *s = load_checkin();
	ck_assert_int_eq(tmpl_set_pick(s, TMPL_KIND_CHECKIN, lang, &t, &h), 0);
	ck_assert_ptr_nonnull(t);
	tmpl_vars *v = tmpl_vars_new();
	tmpl_vars_checkin(v, f, lang);
	char *out = tmpl_render(t, v, NULL);
	tmpl_vars_free(v);
	tmpl_set_free(s);
	ck_assert_ptr_null(strstr(out, "{{"));
	ck_assert_ptr_null(strstr(out, "\n\n\n"));
	return out;
}

/* has - assert that text holds (want) or lacks each of the |-separated strings */
static void
has(const char *text, const char *list, int want)
{
	char *spec = strdup(list), *save = NULL;
	for (char *k = strtok_r(spec, "|", &save); k; k = strtok_r(NULL, "|", &save))
		ck_assert_msg((strstr(text, k) != NULL) == want, "%s \"%s\" in:\n%s",
		    want ? "no" : "unwanted", k, text);
	free(spec);
}

/* questions - how many "- " lines follow the heading */
static int
questions(const char *text, const char *heading)
{
	const char *p = strstr(text, heading);
	int n = 0;
	ck_assert_ptr_nonnull(p);
	for (p = strchr(p, '\n'); p && p[1] == '-' && p[2] == ' '; p = strchr(p + 1, '\n'))
		n++;
	return n;
}

/* A day-7 check-in of a customer with 2 invoices, 1 flagged, no check-in before. */
START_TEST(test_checkin_day7)
{
	tmpl_checkin_facts f = { .customer_name = "ACME GmbH", .customer = "a@acme.example",
		.manager = "anna@seller.example", .kind = "day-7", .ordinal = 1,
		.since_year = 2026, .since_month = 3, .since_day = 3, .since_days = 7,
		.invoice_count = 2, .flagged_count = 1 };
	char *d = render_checkin("en", &f);
	static const char head[] = "Check-in with ACME GmbH <a@acme.example>\n";
	ck_assert_msg(strncmp(d, head, strlen(head)) == 0, "begins \"%.60s\"", d);
	has(d, "One week since onboarding|- Customer since: 3 March 2026 (day 7)\n"
	    "|- Invoices sent: 2\n|- Flagged by our invoice checks: 1 (|- Account manager: anna@seller.example\n"
	    "|- How did the first week go?|- Did our invoices reach the right person"
	    "|- One of our invoices to you was flagged by our checks: did it cause any trouble on your side?\n", 1);
	/* no check-in before; the other kinds' and the no-invoice wording stay out */
	has(d, "Last check-in|none yet|Who on your side should receive|were flagged"
	    "|One month since|Now that the first month|Quarterly|renewal|anniversary", 0);
	ck_assert_int_eq(questions(d, "Questions to open the conversation"), 4);
	free(d);

	/* The same in German, with 3 flagged: the plural sentence. */
	f.flagged_count = 3;
	d = render_checkin("de", &f);
	has(d, "Check-in mit ACME GmbH <a@acme.example>\n|- Kunde seit: 3. M\xc3\xa4rz 2026 (Tag 7)\n"
	    "|- Versendete Rechnungen: 2\n|- Von unserer Rechnungspr\xc3\xbc""fung markiert: 3 ("
	    "|- Wie war die erste Woche?"
	    "|- 3 unserer Rechnungen an Sie sind in unserer Pr\xc3\xbc""fung aufgefallen: Haben sie bei Ihnen", 1);
	has(d, "Letzter Check-in|Eine unserer Rechnungen|Der erste Monat", 0);
	ck_assert_int_eq(questions(d, "Fragen f\xc3\xbcr den Gespr\xc3\xa4""chseinstieg"), 4);
	free(d);
}
END_TEST

/* A day-30 check-in: nothing flagged, no invoice yet, a check-in before. */
START_TEST(test_checkin_day30)
{
	tmpl_checkin_facts f = { .customer = "b@beta.example", .kind = "day-30", .ordinal = 1,
		.since_year = 2026, .since_month = 3, .since_day = 3, .since_days = 30,
		.last_year = 2026, .last_month = 3, .last_day = 10 };
	char *d = render_checkin("en", &f);
	has(d, "Check-in with b@beta.example\n|One month since onboarding|- Invoices sent: none yet\n"
	    "|- Last check-in: 10 March 2026\n|- Now that the first month is behind you", 1);
	has(d, "Flagged|flagged|How did the first week go?|One week since|<b@beta.example>|Account manager", 0);
	ck_assert_int_eq(questions(d, "Questions to open the conversation"), 3);
	free(d);
	/* A language without templates gets the English one. */
	d = render_checkin("fr", &f);
	has(d, "Check-in with b@beta.example\n", 1);
	free(d);
}
END_TEST

/* invite_describe_render writes dates in the manager's zone: 2026-03-02 23:30 UTC is
 * 3 March 00:30 in Berlin (CET, UTC+1), and the check-in of 10 March 09:00 UTC is the
 * 7th day after that in Berlin, the 8th after 2 March in UTC. */
START_TEST(test_checkin_zone)
{
	const tmpl *t, *h;
	tmpl_set *s = load_checkin();
	ck_assert_int_eq(tmpl_set_pick(s, TMPL_KIND_CHECKIN, "en", &t, &h), 0);
	struct invite_context c = { .customer = "a@acme.example", .customer_since = 1772494200,
		.invoices_sent = 2, .invoices_flagged = 1, .kind = "day-7", .ordinal = 1,
		.last_checkin = 1772532000, .tz = "Europe/Berlin" };
	char *d = invite_describe_render(t, &c, 1773133200, "en");
	has(d, "- Customer since: 3 March 2026 (day 7)\n|- Last check-in: 3 March 2026\n"
	    "|- How did the first week go?|- Flagged by our invoice checks: 1 (", 1);
	free(d);
	c.tz = NULL;
	d = invite_describe_render(t, &c, 1773133200, "en");
	has(d, "- Customer since: 2 March 2026 (day 8)\n", 1);
	free(d);
	tmpl_set_free(s);
}
END_TEST

/* The notes' names and the check-ins' differ: each set loads only its own kind, and a
 * check-in template is checked against the check-in names. */
START_TEST(test_checkin_names)
{
	char dir[1024], err[512] = "";
	snprintf(dir, sizeof dir, "%s/templates", srcdir());
	tmpl_set *s = load_checkin();
	ck_assert_uint_eq(tmpl_set_count(s), 2);
	const tmpl *t, *h;
	ck_assert_int_eq(tmpl_set_pick(s, "invoice", "en", &t, &h), -1);
	tmpl_set_free(s);
	s = tmpl_set_load_kind(dir, TMPL_KIND_CHECKIN, tmpl_note_names, err, sizeof err);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "checkin.") && strstr(err, "unknown name"), "%s", err);
	ck_assert_ptr_null(tmpl_set_load_kind(dir, "../x", tmpl_checkin_names, err, sizeof err));
}
END_TEST

int
main(void)
{
	const struct test_case tests[] = {
		TEST_LOOP(test_render, render_cases), TEST_ONCE(test_value_cap),
		TEST_LOOP(test_errors, error_cases), TEST_ONCE(test_depth),
		TEST_LOOP(test_lang, lang_cases), TEST_ONCE(test_facts),
		TEST_ONCE(test_shipped), TEST_ONCE(test_file_error),
		TEST_LOOP(test_checkin_kinds, checkin_kind_cases), TEST_ONCE(test_checkin_day7),
		TEST_ONCE(test_checkin_day30), TEST_ONCE(test_checkin_zone),
		TEST_ONCE(test_checkin_names),
	};

	return test_main("tmpl", 0, tests, TEST_COUNT(tests));
}

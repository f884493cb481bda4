/*
 * tmpl.h - the thank-you note and check-in description templates: a small logic-less
 * template language, compiled once at start-up and rendered per message.
 *
 * Syntax (a subset of Mustache):
 *   {{name}}                  the value of name; empty when it has none
 *   {{#if name}} ... {{/if}}  included only when name has a non-empty value
 *   {{#unless name}} ... {{/unless}}   included only when it has none
 *   {{else}}                  inside either section, the other branch
 *   {{! comment }}            dropped
 * A line that holds nothing but a section tag or a comment disappears entirely,
 * newline included, so that templates can put tags on lines of their own.
 *
 * Every value is made safe before it is written: control characters (CR and LF
 * included) become a space, runs of white space collapse, invalid UTF-8 becomes '?',
 * and it is cut at TMPL_VALUE_MAX bytes on a character boundary. In an HTML template
 * every value is also HTML-escaped (& < > " '). The template text is trusted (it is
 * the administrator's); values are not.
 *
 * Template files are named KIND.LANG.txt and KIND.LANG.html (invoice.en.txt,
 * onboarding.de.html ...): a .html file is an HTML template, anything else text.
 * The notes (invoice, onboarding) and the check-in invitations' descriptions
 * (checkin, TMPL_KIND_CHECKIN) share one directory but not their names: the notes'
 * set is loaded with tmpl_set_load(), the check-ins' with tmpl_set_load_kind().
 */
#ifndef PS_TMPL_H
#define PS_TMPL_H

#include <stddef.h>

/* Longest value, in bytes, after cleaning; longer ones are cut. */
#define TMPL_VALUE_MAX 256
/* Deepest nesting of sections. */
#define TMPL_DEPTH_MAX 16
/* Largest template file accepted. */
#define TMPL_FILE_MAX (64 * 1024)
/* The language every lookup falls back to. */
#define TMPL_LANG_FALLBACK "en"

typedef enum tmpl_kind {
	TMPL_TEXT = 0,		/* values written as they are (cleaned) */
	TMPL_HTML = 1		/* values HTML-escaped too */
} tmpl_kind;

typedef struct tmpl tmpl;
typedef struct tmpl_vars tmpl_vars;
typedef struct tmpl_set tmpl_set;

/* The kind of the check-in invitations' descriptions: checkin.LANG.txt. */
#define TMPL_KIND_CHECKIN "checkin"

/* The names the note templates may use (NULL-terminated); see tmpl_vars_facts(). */
extern const char *const tmpl_note_names[];
/* The names the checkin templates may use (NULL-terminated); see tmpl_vars_checkin(). */
extern const char *const tmpl_checkin_names[];

/*
 * tmpl_compile - compile src[0..len) named name (used in error messages, usually the
 * file path). known is a NULL-terminated list of the names a template may use, or
 * NULL to accept any. Returns the template (free with tmpl_free), or NULL with
 * "name:line: what" in err.
 */
tmpl *tmpl_compile(const char *src, size_t len, tmpl_kind kind, const char *name,
    const char *const *known, char *err, size_t errlen);
/* tmpl_load - read and compile a file; the kind follows its suffix (.html = HTML) */
tmpl *tmpl_load(const char *path, const char *const *known, char *err, size_t errlen);
tmpl *tmpl_free(tmpl *t);
tmpl_kind tmpl_get_kind(const tmpl *t);
/* tmpl_get_name - the name given at compile time; owned by t */
const char *tmpl_get_name(const tmpl *t);

/*
 * tmpl_render - render t with the values in v (v may be NULL: no values). Returns
 * a NUL-terminated UTF-8 string the caller frees; its length goes to *lenp if lenp
 * is not NULL. Rendering cannot fail.
 */
char *tmpl_render(const tmpl *t, const tmpl_vars *v, size_t *lenp);

tmpl_vars *tmpl_vars_new(void);
tmpl_vars *tmpl_vars_free(tmpl_vars *v);
/* tmpl_vars_set - set name to a copy of value; NULL or "" makes name absent */
void tmpl_vars_set(tmpl_vars *v, const char *name, const char *value);
/* tmpl_vars_get - the raw value of name, NULL if absent; owned by v */
const char *tmpl_vars_get(const tmpl_vars *v, const char *name);

/*
 * What the store knows about the customer and this message; the milter fills it,
 * tmpl_vars_facts() turns it into template values. Strings may be NULL; numbers 0
 * mean unknown.
 */
typedef struct tmpl_facts {
	const char *customer_name;	/* buyer contact, or the To display name (UTF-8) */
	const char *company;		/* the sending company */
	const char *manager;		/* the account manager */
	const char *invoice_number;	/* this invoice's number */
	int since_year;			/* customer since (first seen or onboarded) */
	int since_month;		/* 1..12 */
	int since_day;			/* 1..31 */
	unsigned invoice_count;		/* invoices sent to the customer, this one included */
	int today_year;			/* the message's date */
	int today_month;
	int today_day;
} tmpl_facts;

/*
 * tmpl_vars_facts - set the postsale values from f, in language lang ("de", "en";
 * others get English words):
 *   customer_name company manager invoice_number   as given
 *   since          "March 2023" / "März 2023"            (since_year and since_month)
 *   tenure         "customer since March 2023" / "Kunde seit März 2023"
 *   invoice_count  "12"                                   (invoice_count > 0)
 *   first_invoice  "yes"                                  (invoice_count == 1)
 *   nth_invoice    "12th" / "12."                         (invoice_count > 1)
 *   anniversary    "3"    years, in the anniversary month  (today is 1+ years after since,
 *                                                          same month)
 *   anniversary_nth "3rd" / "3."                          (with anniversary)
 */
void tmpl_vars_facts(tmpl_vars *v, const tmpl_facts *f, const char *lang);

/*
 * What a check-in invitation's description says about the customer; invite.c fills it
 * from the store (dates already in the manager's zone). Strings may be NULL.
 */
typedef struct tmpl_checkin_facts {
	const char *customer_name;	/* display name, NULL when unknown */
	const char *customer;		/* the customer's address */
	const char *company;		/* the sending company */
	const char *manager;		/* the account manager */
	const char *kind;		/* the planner's kind: "day-7", "quarterly", "pre-renewal",
					   "anniversary" (plan.h) */
	int ordinal;			/* the n-th year of an anniversary */
	int since_year, since_month, since_day;	/* customer since; year 0 = unknown */
	long since_days;		/* calendar days from then to the check-in */
	int last_year, last_month, last_day;	/* the last check-in before; year 0 = none */
	long invoice_count;		/* invoices sent to the customer */
	long flagged_count;		/* of which flagged by the checks */
} tmpl_checkin_facts;

/*
 * tmpl_vars_checkin - set the check-in values (tmpl_checkin_names) from f, in language
 * lang ("de": German words, others English); each is absent when it does not apply:
 *   customer_name customer company manager      as given
 *   since "7 March 2026" / "7. März 2026", since_days "7"      (since_year > 0)
 *   invoice_count "2"                                           (> 0)
 *   flagged_count "1" (> 0), flagged_plural "yes"               (> 1)
 *   last_checkin "3 March 2026"                                 (last_year > 0)
 *   kind_day "7"                                                (any day-N)
 *   kind_day7 kind_day30 kind_day90 kind_quarterly kind_prerenewal kind_anniversary
 *   kind_other                      "yes" for the kind (kind_other: another day-N, or
 *                                   a kind this list does not know)
 *   anniversary_years "2", anniversary_nth "2nd" / "2."         (anniversary, ordinal > 0)
 */
void tmpl_vars_checkin(tmpl_vars *v, const tmpl_checkin_facts *f, const char *lang);

/*
 * tmpl_lang_norm - the first language tag of a Content-Language value
 * ("de-DE, en" -> "de-de"), lowercased, into out; "" if there is none or it is
 * malformed. Returns out.
 */
char *tmpl_lang_norm(const char *content_language, char *out, size_t outlen);

/*
 * tmpl_paths - the template files for kind ("invoice", "onboarding") in language
 * lang in dir: DIR/KIND.LANG.txt and .html, trying lang ("de-at"), its primary tag
 * ("de"), then TMPL_LANG_FALLBACK. A language is taken when at least one of its two
 * files exists. On success returns 0 and sets *txt and *html to malloc'ed paths
 * (NULL for the variant that does not exist); returns -1 if none exists.
 */
int tmpl_paths(const char *dir, const char *kind, const char *lang, char **txt, char **html);

/*
 * tmpl_set_load - compile every template in dir (files named KIND.LANG.txt or
 * KIND.LANG.html) but the check-ins' (TMPL_KIND_CHECKIN), for start-up and reload.
 * The first syntax error fails the whole set with "file:line: what" in err. Free with
 * tmpl_set_free.
 */
tmpl_set *tmpl_set_load(const char *dir, const char *const *known, char *err, size_t errlen);
/* tmpl_set_load_kind - the same for the templates of one kind only (KIND.LANG.*) */
tmpl_set *tmpl_set_load_kind(const char *dir, const char *kind, const char *const *known,
    char *err, size_t errlen);
tmpl_set *tmpl_set_free(tmpl_set *s);
/*
 * tmpl_set_pick - the text and HTML templates for kind and lang, with the same
 * fallback as tmpl_paths. Returns 0 and sets *txt and *html (owned by s, NULL for a
 * missing variant), or -1 if the set has neither for any language tried.
 */
int tmpl_set_pick(const tmpl_set *s, const char *kind, const char *lang,
    const tmpl **txt, const tmpl **html);
/* tmpl_set_count - how many templates s holds */
size_t tmpl_set_count(const tmpl_set *s);

#endif

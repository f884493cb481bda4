/*
 * tmpl.c - compile and render the thank-you note and check-in templates (see tmpl.h).
 *
 * Template text is trusted (the administrator writes it) but still checked: any
 * syntax error is reported with file:line. Values are untrusted: they come from
 * invoices and mail headers, and are cleaned (and HTML-escaped in HTML templates)
 * every time they are written.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/html.h"
#include "tmpl.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/xalloc.h"

const char *const tmpl_note_names[] = {
	"customer_name", "company", "manager", "invoice_number", "since", "tenure",
	"invoice_count", "first_invoice", "nth_invoice", "anniversary", "anniversary_nth",
	NULL
};

const char *const tmpl_checkin_names[] = {
	"customer_name", "customer", "company", "manager", "since", "since_days",
	"invoice_count", "flagged_count", "flagged_plural", "last_checkin",
	"kind_day", "kind_day7", "kind_day30", "kind_day90", "kind_quarterly", "kind_prerenewal",
	"kind_anniversary", "kind_other", "anniversary_years", "anniversary_nth",
	NULL
};

typedef enum node_op {
	OP_TEXT,		/* literal text src[off..off+len) */
	OP_VAR,			/* a value */
	OP_IF,			/* section: skip to jump when the test fails */
	OP_ELSE,		/* end of the true branch: skip to jump */
	OP_END			/* end of a section: nothing to do */
} node_op;

typedef struct node {
	node_op op;
	size_t off, len;	/* OP_TEXT: bytes in the template text */
	char *name;		/* OP_VAR, OP_IF: the value's name */
	int negate;		/* OP_IF: {{#unless}} */
	size_t jump;		/* OP_IF, OP_ELSE: index of the node to continue at */
} node;

struct tmpl {
	char *name;
	tmpl_kind kind;
	char *text;		/* the template text */
	size_t text_len;
	node *nodes;
	size_t nnodes, cap;
};

typedef struct var {
	char *name;
	char *value;
} var;

struct tmpl_vars {
	var *vars;
	size_t nvars, cap;
};

typedef struct set_entry {
	char *kind;
	char *lang;
	tmpl *txt;
	tmpl *html;
} set_entry;

struct tmpl_set {
	set_entry *entries;
	size_t nentries, cap;
};

static node *
add_node(tmpl *t, node_op op)
{
	if (t->nnodes == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->nodes = xreallocarray(t->nodes, t->cap, sizeof *t->nodes);
	}
	node *n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof *n);
	n->op = op;
	return n;
}

static int
name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

static int
name_known(const char *const *known, const char *name)
{
	if (!known)
		return 1;
	for (; *known; known++)
		if (strcmp(*known, name) == 0)
			return 1;
	return 0;
}

static size_t
line_of(const char *src, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (src[i] == '\n')
			line++;
	return line;
}

/* standalone - if the tag at [ts, te) is alone on its line, widen it to the whole line */
static void
standalone(const char *src, size_t len, size_t *ts, size_t *te)
{
	size_t a = *ts, b = *te;
	while (a > 0 && (src[a - 1] == ' ' || src[a - 1] == '\t'))
		a--;
	if (a > 0 && src[a - 1] != '\n')
		return;
	while (b < len && (src[b] == ' ' || src[b] == '\t'))
		b++;
	if (b < len && src[b] == '\r' && b + 1 < len && src[b + 1] == '\n')
		b += 2;
	else if (b < len && src[b] == '\n')
		b++;
	else if (b != len)
		return;
	*ts = a;
	*te = b;
}

/* The tags of the template language. */
typedef enum { T_VAR, T_IF, T_UNLESS, T_ELSE, T_ENDIF, T_ENDUNLESS, T_COMMENT } tag_kind;

/* A compilation in progress: the template, its open sections, where errors go. */
typedef struct compiler {
	tmpl *t;
	const char *const *known;
	size_t stack[TMPL_DEPTH_MAX];	/* open OP_IF nodes */
	size_t else_at[TMPL_DEPTH_MAX];	/* their OP_ELSE node, or (size_t)-1 */
	size_t depth;
	char *err;
	size_t errlen;
} compiler;

/* tag_classify - the kind of the trimmed tag content c[0..clen) and its argument
 * (*arg, *alen, trimmed); -1 for an unknown tag */
static int
tag_classify(const char *c, size_t clen, const char **arg, size_t *alen, tag_kind *tk)
{
	*arg = c;
	*alen = clen;
	if (clen && c[0] == '!') {
		*tk = T_COMMENT;
	} else if (clen >= 4 && memcmp(c, "#if", 3) == 0 && isspace((unsigned char)c[3])) {
		*tk = T_IF, *arg = c + 4, *alen = clen - 4;
	} else if (clen >= 8 && memcmp(c, "#unless", 7) == 0 && isspace((unsigned char)c[7])) {
		*tk = T_UNLESS, *arg = c + 8, *alen = clen - 8;
	} else if (clen == 4 && memcmp(c, "else", 4) == 0) {
		*tk = T_ELSE;
	} else if (clen == 3 && memcmp(c, "/if", 3) == 0) {
		*tk = T_ENDIF;
	} else if (clen == 7 && memcmp(c, "/unless", 7) == 0) {
		*tk = T_ENDUNLESS;
	} else if (clen && (c[0] == '#' || c[0] == '/' || c[0] == '{' || c[0] == '&'
	    || c[0] == '^' || c[0] == '>')) {
		return -1;
	} else {
		*tk = T_VAR;
	}
	while (*alen && isspace((unsigned char)**arg))
		(*arg)++, (*alen)--;
	return 0;
}

/* add_text - an OP_TEXT node for the template text [from, to), if not empty */
static void
add_text(tmpl *t, size_t from, size_t to)
{
	if (to > from) {
		node *n = add_node(t, OP_TEXT);
		n->off = from;
		n->len = to - from;
	}
}

/* tag_name - a {{name}}, {{#if name}} or {{#unless name}}: an OP_VAR node, or an
 * OP_IF node opening a section at ts; 0 or -1 with the error */
static int
tag_name(compiler *cp, tag_kind tk, const char *arg, size_t alen, size_t ts, size_t line)
{
	tmpl *t = cp->t;

	if (!name_ok(arg, alen)) {
		snprintf(cp->err, cp->errlen, "%s:%zu: bad name \"%.*s\" (want [a-z0-9_]+)",
		    t->name, line, (int)(alen > 40 ? 40 : alen), arg);
		return -1;
	}
	char *nm = xstrndup(arg, alen);
	if (!name_known(cp->known, nm)) {
		snprintf(cp->err, cp->errlen, "%s:%zu: unknown name \"%s\"", t->name, line, nm);
		free(nm);
		return -1;
	}
	if (tk == T_VAR) {
		add_node(t, OP_VAR)->name = nm;
		return 0;
	}
	if (cp->depth == TMPL_DEPTH_MAX) {
		snprintf(cp->err, cp->errlen, "%s:%zu: sections nested deeper than %d",
		    t->name, line, TMPL_DEPTH_MAX);
		free(nm);
		return -1;
	}
	node *n = add_node(t, OP_IF);
	n->name = nm;
	n->negate = tk == T_UNLESS;
	n->off = ts;	/* for the "unclosed" message */
	cp->else_at[cp->depth] = (size_t)-1;
	cp->stack[cp->depth++] = t->nnodes - 1;
	return 0;
}

/* tag_else - {{else}} of the innermost open section; 0 or -1 with the error */
static int
tag_else(compiler *cp, size_t line)
{
	tmpl *t = cp->t;

	if (cp->depth == 0) {
		snprintf(cp->err, cp->errlen, "%s:%zu: {{else}} outside a section", t->name, line);
		return -1;
	}
	if (cp->else_at[cp->depth - 1] != (size_t)-1) {
		snprintf(cp->err, cp->errlen, "%s:%zu: second {{else}} in one section", t->name,
		    line);
		return -1;
	}
	add_node(t, OP_ELSE);
	cp->else_at[cp->depth - 1] = t->nnodes - 1;
	t->nodes[cp->stack[cp->depth - 1]].jump = t->nnodes;
	return 0;
}

/* tag_end - {{/if}} or {{/unless}} closing the innermost section; 0 or -1 */
static int
tag_end(compiler *cp, tag_kind tk, size_t line)
{
	tmpl *t = cp->t;
	const char *want = tk == T_ENDIF ? "if" : "unless";

	if (cp->depth == 0) {
		snprintf(cp->err, cp->errlen, "%s:%zu: {{/%s}} without {{#%s}}", t->name, line,
		    want, want);
		return -1;
	}
	node *o = &t->nodes[cp->stack[cp->depth - 1]];
	if (o->negate != (tk == T_ENDUNLESS)) {
		snprintf(cp->err, cp->errlen, "%s:%zu: {{/%s}} closes {{#%s %s}} of line %zu",
		    t->name, line, want, o->negate ? "unless" : "if", o->name,
		    line_of(t->text, o->off));
		return -1;
	}
	add_node(t, OP_END);
	size_t end = t->nnodes - 1;
	if (cp->else_at[cp->depth - 1] != (size_t)-1)
		t->nodes[cp->else_at[cp->depth - 1]].jump = end;
	else
		t->nodes[cp->stack[cp->depth - 1]].jump = end;
	cp->depth--;
	return 0;
}

/* compile_tag - the tag "{{...}}" at [ts, te) (close: its "}}"), after the text from
 * *pos; *pos moves past the tag (and its line when it stands alone); 0 or -1 */
static int
compile_tag(compiler *cp, size_t ts, size_t te, const char *close, size_t *pos)
{
	tmpl *t = cp->t;
	const char *src = t->text, *c = src + ts + 2, *arg;
	size_t clen = (size_t)(close - c), alen, line = line_of(src, ts);
	tag_kind tk;

	/* The tag's content, trimmed. */
	while (clen && isspace((unsigned char)*c))
		c++, clen--;
	while (clen && isspace((unsigned char)c[clen - 1]))
		clen--;
	if (tag_classify(c, clen, &arg, &alen, &tk) < 0) {
		snprintf(cp->err, cp->errlen, "%s:%zu: unknown tag \"{{%.*s}}\"", t->name, line,
		    (int)(clen > 40 ? 40 : clen), c);
		return -1;
	}
	if (tk != T_VAR)
		standalone(src, t->text_len, &ts, &te);
	add_text(t, *pos, ts);
	*pos = te;
	switch (tk) {
	case T_COMMENT:
		return 0;
	case T_ELSE:
		return tag_else(cp, line);
	case T_ENDIF:
	case T_ENDUNLESS:
		return tag_end(cp, tk, line);
	default:
		return tag_name(cp, tk, arg, alen, ts, line);
	}
}

tmpl *
tmpl_compile(const char *src, size_t len, tmpl_kind kind, const char *name,
    const char *const *known, char *err, size_t errlen)
{
	tmpl *t = xcalloc(1, sizeof *t);
	compiler cp = { .t = t, .known = known, .err = err, .errlen = errlen };
	size_t pos = 0;		/* start of text not yet emitted, and where tags are sought */

	t->name = xstrdup(name ? name : "template");
	t->kind = kind;
	t->text = xmemdup(src, len);
	t->text_len = len;
	src = t->text;
	for (;;) {
		const char *open = pos < len ? memmem(src + pos, len - pos, "{{", 2) : NULL;
		if (!open) {
			add_text(t, pos, len);
			break;
		}
		size_t ts = (size_t)(open - src);
		const char *close = memmem(src + ts + 2, len - ts - 2, "}}", 2);
		const char *nl = memchr(src + ts, '\n', len - ts);
		if (!close || (nl && nl < close)) {
			snprintf(err, errlen, "%s:%zu: unclosed \"{{\"", t->name, line_of(src, ts));
			return tmpl_free(t);
		}
		if (compile_tag(&cp, ts, (size_t)(close - src) + 2, close, &pos) < 0)
			return tmpl_free(t);
	}
	if (cp.depth) {
		node *o = &t->nodes[cp.stack[cp.depth - 1]];
		snprintf(err, errlen, "%s:%zu: unclosed {{#%s %s}}", t->name, line_of(src, o->off),
		    o->negate ? "unless" : "if", o->name);
		return tmpl_free(t);
	}
	return t;
}

tmpl *
tmpl_load(const char *path, const char *const *known, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = xmalloc(TMPL_FILE_MAX + 1);
	size_t n = fread(buf, 1, TMPL_FILE_MAX + 1, fp);
	int bad = ferror(fp);
	fclose(fp);
	if (bad || n > TMPL_FILE_MAX) {
		snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "larger than 64 KiB");
		free(buf);
		return NULL;
	}
	size_t pl = strlen(path);
	tmpl_kind kind = pl >= 5 && strcasecmp(path + pl - 5, ".html") == 0 ? TMPL_HTML : TMPL_TEXT;
	tmpl *t = tmpl_compile(buf, n, kind, path, known, err, errlen);
	free(buf);
	return t;
}

tmpl *
tmpl_free(tmpl *t)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->nnodes; i++)
		free(t->nodes[i].name);
	free(t->nodes);
	free(t->text);
	free(t->name);
	free(t);
	return NULL;
}

tmpl_kind
tmpl_get_kind(const tmpl *t)
{
	return t->kind;
}

const char *
tmpl_get_name(const tmpl *t)
{
	return t->name;
}

/* put_value - append the cleaned (and for HTML escaped) value s to b */
static void
put_value(struct buf *b, const char *s, tmpl_kind kind)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), used = 0, i = 0;
	int space = 1;		/* drop leading white space */
	size_t mark = b->len;	/* to trim a trailing space */
	while (i < n && used < TMPL_VALUE_MAX) {
		unsigned c = p[i];
		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (!space) {
				buf_add(b, " ", 1);
				used++;
				space = 1;
			}
			i++;
			continue;
		}
		size_t k = text_utf8_len(p + i, n - i);
		if (k == 0) {
			buf_add(b, "?", 1);
			used++, i++;
			space = 0;
			continue;
		}
		if (used + k > TMPL_VALUE_MAX)
			break;
		space = 0;
		used += k;
		const char *e = kind == TMPL_HTML && k == 1 ? html_entity((unsigned char) c) : NULL;
		if (e != NULL) {
			buf_add(b, e, strlen(e));
		} else {
			buf_add(b, s + i, k);
		}
		i += k;
		mark = b->len;
	}
	if (b->len > mark && b->data[b->len - 1] == ' ')
		b->len--, b->data[b->len] = '\0';
}

char *
tmpl_render(const tmpl *t, const tmpl_vars *v, size_t *lenp)
{
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	size_t i = 0;
	while (i < t->nnodes) {
		const node *n = &t->nodes[i];
		switch (n->op) {
		case OP_TEXT:
			buf_add(&b, t->text + n->off, n->len);
			break;
		case OP_VAR: {
			const char *val = v ? tmpl_vars_get(v, n->name) : NULL;
			if (val)
				put_value(&b, val, t->kind);
			break;
		}
		case OP_IF: {
			const char *val = v ? tmpl_vars_get(v, n->name) : NULL;
			int has = val != NULL;
			if (has == n->negate) {
				i = n->jump;	/* to the else's successor or the end */
				continue;
			}
			break;
		}
		case OP_ELSE:
			i = n->jump;
			continue;
		case OP_END:
			break;
		}
		i++;
	}
	if (lenp)
		*lenp = b.len;
	return b.data;
}

tmpl_vars *
tmpl_vars_new(void)
{
	return xcalloc(1, sizeof(tmpl_vars));
}

tmpl_vars *
tmpl_vars_free(tmpl_vars *v)
{
	if (!v)
		return NULL;
	for (size_t i = 0; i < v->nvars; i++) {
		free(v->vars[i].name);
		free(v->vars[i].value);
	}
	free(v->vars);
	free(v);
	return NULL;
}

void
tmpl_vars_set(tmpl_vars *v, const char *name, const char *value)
{
	/* A value of nothing but white space and controls counts as absent too. */
	int blank = 1;
	for (const char *p = value; p && *p; p++)
		if (!((unsigned char)*p <= 0x20 || *p == 0x7f))
			blank = 0;
	for (size_t i = 0; i < v->nvars; i++) {
		if (strcmp(v->vars[i].name, name) != 0)
			continue;
		free(v->vars[i].value);
		if (blank) {
			free(v->vars[i].name);
			v->vars[i] = v->vars[--v->nvars];
		} else {
			v->vars[i].value = xstrdup(value);
		}
		return;
	}
	if (blank)
		return;
	if (v->nvars == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->vars = xreallocarray(v->vars, v->cap, sizeof *v->vars);
	}
	v->vars[v->nvars].name = xstrdup(name);
	v->vars[v->nvars].value = xstrdup(value);
	v->nvars++;
}

const char *
tmpl_vars_get(const tmpl_vars *v, const char *name)
{
	for (size_t i = 0; i < v->nvars; i++)
		if (strcmp(v->vars[i].name, name) == 0)
			return v->vars[i].value;
	return NULL;
}

static const char *const months_en[] = {
	"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"
};
static const char *const months_de[] = {
	"Januar", "Februar", "M\xc3\xa4rz", "April", "Mai", "Juni", "Juli", "August",
	"September", "Oktober", "November", "Dezember"
};

/* ordinal - "12th" in English, "12." in German, into buf */
static void
ordinal(char *buf, size_t len, unsigned n, int german)
{
	if (german) {
		snprintf(buf, len, "%u.", n);
		return;
	}
	const char *suf = "th";
	if (n % 100 < 11 || n % 100 > 13)
		suf = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
	snprintf(buf, len, "%u%s", n, suf);
}

/* lang_german - 1 if lang is German ("de", "de-AT" ...) */
static int
lang_german(const char *lang)
{
	return lang && (lang[0] == 'd' || lang[0] == 'D') && (lang[1] == 'e' || lang[1] == 'E')
	    && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

void
tmpl_vars_facts(tmpl_vars *v, const tmpl_facts *f, const char *lang)
{
	int german = lang_german(lang);
	char buf[128];

	tmpl_vars_set(v, "customer_name", f->customer_name);
	tmpl_vars_set(v, "company", f->company);
	tmpl_vars_set(v, "manager", f->manager);
	tmpl_vars_set(v, "invoice_number", f->invoice_number);
	if (f->since_year > 0 && f->since_month >= 1 && f->since_month <= 12) {
		const char *const *months = german ? months_de : months_en;
		const char *m = months[f->since_month - 1];
		snprintf(buf, sizeof buf, "%s %d", m, f->since_year);
		tmpl_vars_set(v, "since", buf);
		snprintf(buf, sizeof buf, german ? "Kunde seit %s %d" : "customer since %s %d",
		    m, f->since_year);
		tmpl_vars_set(v, "tenure", buf);
		int years = f->today_year - f->since_year;
		if (years >= 1 && f->today_month == f->since_month) {
			snprintf(buf, sizeof buf, "%d", years);
			tmpl_vars_set(v, "anniversary", buf);
			ordinal(buf, sizeof buf, (unsigned)years, german);
			tmpl_vars_set(v, "anniversary_nth", buf);
		}
	}
	if (f->invoice_count > 0) {
		snprintf(buf, sizeof buf, "%u", f->invoice_count);
		tmpl_vars_set(v, "invoice_count", buf);
		if (f->invoice_count == 1) {
			tmpl_vars_set(v, "first_invoice", "yes");
		} else {
			ordinal(buf, sizeof buf, f->invoice_count, german);
			tmpl_vars_set(v, "nth_invoice", buf);
		}
	}
}

/* set_date - name = "7 March 2026" / "7. März 2026"; nothing when the date is unknown */
static void
set_date(tmpl_vars *v, const char *name, int year, int month, int day, int german)
{
	const char *const *months = german ? months_de : months_en;
	char buf[64];
	if (year > 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
		snprintf(buf, sizeof buf, german ? "%d. %s %d" : "%d %s %d", day, months[month - 1],
		    year);
		tmpl_vars_set(v, name, buf);
	}
}

/* set_long - name = the decimal n */
static void
set_long(tmpl_vars *v, const char *name, long n)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", n);
	tmpl_vars_set(v, name, buf);
}

void
tmpl_vars_checkin(tmpl_vars *v, const tmpl_checkin_facts *f, const char *lang)
{
	int german = lang_german(lang);
	const char *kind = f->kind ? f->kind : "";
	char buf[32];

	tmpl_vars_set(v, "customer_name", f->customer_name);
	tmpl_vars_set(v, "customer", f->customer);
	tmpl_vars_set(v, "company", f->company);
	tmpl_vars_set(v, "manager", f->manager);
	if (f->since_year > 0) {
		set_date(v, "since", f->since_year, f->since_month, f->since_day, german);
		set_long(v, "since_days", f->since_days);
	}
	if (f->invoice_count > 0)
		set_long(v, "invoice_count", f->invoice_count);
	if (f->flagged_count > 0)
		set_long(v, "flagged_count", f->flagged_count);
	if (f->flagged_count > 1)
		tmpl_vars_set(v, "flagged_plural", "yes");
	if (f->last_year > 0)
		set_date(v, "last_checkin", f->last_year, f->last_month, f->last_day, german);
	/* The planner's kinds (plan.h); any other day-N is kind_other with kind_day. */
	char *end;
	long day = strncmp(kind, "day-", 4) == 0 && isdigit((unsigned char)kind[4])
	    ? strtol(kind + 4, &end, 10) : -1;
	if (day >= 0 && *end == '\0') {
		set_long(v, "kind_day", day);
		tmpl_vars_set(v, day == 7 ? "kind_day7" : day == 30 ? "kind_day30"
		    : day == 90 ? "kind_day90" : "kind_other", "yes");
	} else if (strcmp(kind, "quarterly") == 0) {
		tmpl_vars_set(v, "kind_quarterly", "yes");
	} else if (strcmp(kind, "pre-renewal") == 0) {
		tmpl_vars_set(v, "kind_prerenewal", "yes");
	} else if (strcmp(kind, "anniversary") == 0) {
		tmpl_vars_set(v, "kind_anniversary", "yes");
		if (f->ordinal > 0) {
			set_long(v, "anniversary_years", f->ordinal);
			ordinal(buf, sizeof buf, (unsigned)f->ordinal, german);
			tmpl_vars_set(v, "anniversary_nth", buf);
		}
	} else {
		tmpl_vars_set(v, "kind_other", "yes");
	}
}

char *
tmpl_lang_norm(const char *cl, char *out, size_t outlen)
{
	size_t n = 0;
	if (outlen == 0)
		return out;
	out[0] = '\0';
	if (!cl)
		return out;
	while (*cl == ' ' || *cl == '\t' || *cl == '\r' || *cl == '\n')
		cl++;
	/* language-tag: 1*8ALPHA *("-" 1*8alphanum) */
	size_t seg = 0, segs = 0;
	for (; *cl && *cl != ',' && *cl != ';' && *cl != ' ' && *cl != '\t' && *cl != '\r'
	    && *cl != '\n'; cl++) {
		unsigned char c = (unsigned char)*cl;
		if (c == '-' || c == '_') {
			if (seg == 0)
				goto bad;
			seg = 0;
			c = '-';
		} else if (isalpha(c) || (segs > 0 && isdigit(c))) {
			if (++seg > 8)
				goto bad;
			c = (unsigned char)tolower(c);
		} else {
			goto bad;
		}
		if (c == '-')
			segs++;
		if (n + 1 >= outlen)
			goto bad;
		out[n++] = (char)c;
	}
	if (n == 0 || seg == 0)
		goto bad;
	out[n] = '\0';
	return out;
bad:
	out[0] = '\0';
	return out;
}

/* lang_try - the languages to try for lang, most specific first; returns how many */
static size_t
lang_try(const char *lang, char try[3][32])
{
	size_t k = 0;
	char norm[32];
	tmpl_lang_norm(lang, norm, sizeof norm);
	if (norm[0]) {
		snprintf(try[k++], 32, "%s", norm);
		char *dash = strchr(norm, '-');
		if (dash) {
			*dash = '\0';
			snprintf(try[k++], 32, "%s", norm);
		}
	}
	if (k == 0 || strcmp(try[k - 1], TMPL_LANG_FALLBACK) != 0)
		snprintf(try[k++], 32, "%s", TMPL_LANG_FALLBACK);
	return k;
}

static int
kind_ok(const char *kind)
{
	if (!kind || !*kind)
		return 0;
	for (; *kind; kind++)
		if (!(islower((unsigned char)*kind) || *kind == '-' || *kind == '_'))
			return 0;
	return 1;
}

int
tmpl_paths(const char *dir, const char *kind, const char *lang, char **txt, char **html)
{
	char try[3][32];
	*txt = *html = NULL;
	if (!kind_ok(kind))
		return -1;
	size_t k = lang_try(lang, try);
	for (size_t i = 0; i < k; i++) {
		char *t = xasprintf("%s/%s.%s.txt", dir, kind, try[i]);
		char *h = xasprintf("%s/%s.%s.html", dir, kind, try[i]);
		int ht = access(t, R_OK) == 0, hh = access(h, R_OK) == 0;
		if (ht || hh) {
			if (ht)
				*txt = t;
			else
				free(t);
			if (hh)
				*html = h;
			else
				free(h);
			return 0;
		}
		free(t);
		free(h);
	}
	return -1;
}

static set_entry *
set_find(const tmpl_set *s, const char *kind, const char *lang)
{
	for (size_t i = 0; i < s->nentries; i++)
		if (strcmp(s->entries[i].kind, kind) == 0 && strcmp(s->entries[i].lang, lang) == 0)
			return &s->entries[i];
	return NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* set_load - compile the templates of kind only (NULL: of every kind but the check-ins') */
static tmpl_set *
set_load(const char *dir, const char *only, const char *const *known, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	/* Sorted, so that the first error reported does not depend on readdir order. */
	char **names = NULL;
	size_t nnames = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (nnames == cap) {
			cap = cap ? 2 * cap : 16;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof *names, cmp_str);

	tmpl_set *s = xcalloc(1, sizeof *s);
	for (size_t i = 0; i < nnames; i++) {
		/* KIND.LANG.txt or KIND.LANG.html */
		char *nm = names[i];
		char *d1 = strchr(nm, '.');
		char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
		if (!d1 || !d2 || strchr(d2 + 1, '.'))
			continue;
		int is_html = strcmp(d2 + 1, "html") == 0;
		if (!is_html && strcmp(d2 + 1, "txt") != 0)
			continue;
		char *kind = xstrndup(nm, (size_t)(d1 - nm));
		char *lang = xstrndup(d1 + 1, (size_t)(d2 - d1 - 1));
		char norm[32];
		if (!kind_ok(kind) || strcmp(tmpl_lang_norm(lang, norm, sizeof norm), lang) != 0
		    || !(only ? strcmp(kind, only) == 0 : strcmp(kind, TMPL_KIND_CHECKIN) != 0)) {
			free(kind);
			free(lang);
			continue;
		}
		char *path = xasprintf("%s/%s", dir, nm);
		tmpl *t = tmpl_load(path, known, err, errlen);
		free(path);
		if (!t) {
			free(kind);
			free(lang);
			s = tmpl_set_free(s);
			break;
		}
		set_entry *e = set_find(s, kind, lang);
		if (!e) {
			if (s->nentries == s->cap) {
				s->cap = s->cap ? 2 * s->cap : 8;
				s->entries = xreallocarray(s->entries, s->cap, sizeof *s->entries);
			}
			e = &s->entries[s->nentries++];
			memset(e, 0, sizeof *e);
			e->kind = kind;
			e->lang = lang;
		} else {
			free(kind);
			free(lang);
		}
		if (is_html)
			e->html = t;
		else
			e->txt = t;
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	return s;
}

tmpl_set *
tmpl_set_load(const char *dir, const char *const *known, char *err, size_t errlen)
{
	return set_load(dir, NULL, known, err, errlen);
}

tmpl_set *
tmpl_set_load_kind(const char *dir, const char *kind, const char *const *known,
    char *err, size_t errlen)
{
	if (!kind_ok(kind)) {
		snprintf(err, errlen, "%s: bad template kind \"%s\"", dir, kind ? kind : "");
		return NULL;
	}
	return set_load(dir, kind, known, err, errlen);
}

tmpl_set *
tmpl_set_free(tmpl_set *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->nentries; i++) {
		free(s->entries[i].kind);
		free(s->entries[i].lang);
		tmpl_free(s->entries[i].txt);
		tmpl_free(s->entries[i].html);
	}
	free(s->entries);
	free(s);
	return NULL;
}

int
tmpl_set_pick(const tmpl_set *s, const char *kind, const char *lang,
    const tmpl **txt, const tmpl **html)
{
	char try[3][32];
	*txt = *html = NULL;
	if (!kind_ok(kind))
		return -1;
	size_t k = lang_try(lang, try);
	for (size_t i = 0; i < k; i++) {
		set_entry *e = set_find(s, kind, try[i]);
		if (e && (e->txt || e->html)) {
			*txt = e->txt;
			*html = e->html;
			return 0;
		}
	}
	return -1;
}

size_t
tmpl_set_count(const tmpl_set *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nentries; i++)
		n += (s->entries[i].txt != NULL) + (s->entries[i].html != NULL);
	return n;
}

/*
 * note-inject.c - test driver for lib/note: read a message, put a thank-you note into
 * it, write the whole new message to stdout.
 *
 *   note-inject [-p top|bottom] [-r] [-m max_part] [-o out]
 *               [-T text_note_file] [-H html_note_file]
 *               [-t template_dir -K kind [-l lang] [-k name=value ...]]
 *               [-n repeat] FILE
 *
 * The notes come from files (-T, -H, UTF-8) or from the templates in -t for kind -K
 * and language -l (default: the message's Content-Language, then English), rendered
 * with the -k values. -n runs the injection that many times and prints the time per
 * message on stderr (for tests/bench). Exit 0: note added; 1: unchanged (the reason on
 * stderr as "unchanged: ..."); 2: usage or I/O error. The message file is trusted
 * only as far as lib/note trusts a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "note/note.h"
#include "note/tmpl.h"
#include "util/xalloc.h"

static char *
slurp(const char *path, size_t *lenp)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		perror(path);
		exit(2);
	}
	size_t cap = 65536, len = 0;
	char *buf = xmalloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (fp != stdin)
		fclose(fp);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* header_value - the unfolded value of the first top-level header name, or NULL */
static char *
header_value(const char *msg, size_t len, const char *name)
{
	size_t nl = strlen(name);
	for (size_t pos = 0; pos < len;) {
		const char *e = memchr(msg + pos, '\n', len - pos);
		size_t next = e ? (size_t)(e - msg) + 1 : len;
		if (msg[pos] == '\n' || (msg[pos] == '\r' && pos + 1 < len && msg[pos + 1] == '\n'))
			break;
		if (pos + nl < len && strncasecmp(msg + pos, name, nl) == 0 && msg[pos + nl] == ':')
			return xstrndup(msg + pos + nl + 1, next - pos - nl - 1);
		pos = next;
	}
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: note-inject [-p top|bottom] [-r] [-m max] [-o out] [-T text] [-H html]\n"
	    "                   [-t dir -K kind [-l lang] [-k name=value ...]] [-n repeat] FILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	note_opts o = { 0 };
	const char *tdir = NULL, *kind = NULL, *lang = NULL, *tfile = NULL, *hfile = NULL;
	const char *outpath = NULL;
	long repeat = 0;
	tmpl_vars *v = tmpl_vars_new();
	int c;
	while ((c = getopt(argc, argv, "p:rm:o:T:H:t:K:l:k:n:")) != -1) {
		switch (c) {
		case 'p':
			if (strcmp(optarg, "top") == 0)
				o.position = NOTE_TOP;
			else if (strcmp(optarg, "bottom") == 0)
				o.position = NOTE_BOTTOM;
			else
				usage();
			break;
		case 'r':
			o.skip_replies = 1;
			break;
		case 'm':
			o.max_part = strtoul(optarg, NULL, 10);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'T':
			tfile = optarg;
			break;
		case 'H':
			hfile = optarg;
			break;
		case 't':
			tdir = optarg;
			break;
		case 'K':
			kind = optarg;
			break;
		case 'l':
			lang = optarg;
			break;
		case 'k': {
			char *eq = strchr(optarg, '=');
			if (!eq)
				usage();
			*eq = '\0';
			tmpl_vars_set(v, optarg, eq + 1);
			break;
		}
		case 'n':
			repeat = strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	size_t len;
	char *msg = slurp(argv[optind], &len);

	char *text = NULL, *html = NULL;
	size_t n;
	if (tfile)
		text = slurp(tfile, &n);
	if (hfile)
		html = slurp(hfile, &n);
	tmpl_set *set = NULL;
	if (tdir) {
		char err[512], norm[32];
		set = tmpl_set_load(tdir, tmpl_note_names, err, sizeof err);
		if (!set) {
			fprintf(stderr, "note-inject: %s\n", err);
			return 2;
		}
		char *cl = lang ? NULL : header_value(msg, len, "Content-Language");
		tmpl_lang_norm(lang ? lang : cl, norm, sizeof norm);
		free(cl);
		const tmpl *tt, *th;
		if (tmpl_set_pick(set, kind ? kind : "invoice", norm, &tt, &th) < 0) {
			fprintf(stderr, "note-inject: no template for %s\n", kind ? kind : "invoice");
			return 2;
		}
		if (tt && !text)
			text = tmpl_render(tt, v, NULL);
		if (th && !html)
			html = tmpl_render(th, v, NULL);
	}

	note_result r;
	if (repeat > 0) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (long i = 0; i < repeat; i++) {
			note_inject(&o, msg, len, text, html, &r);
			note_result_clear(&r);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec))
		    / 1e3 / (double)repeat;
		fprintf(stderr, "note-inject: %.1f us per message (%ld runs, %zu bytes)\n",
		    us, repeat, len);
	}
	int st = note_inject(&o, msg, len, text, html, &r);
	int rc = 0;
	if (st != NOTE_INJECTED) {
		fprintf(stderr, "unchanged: %s\n", r.reason);
		rc = 1;
	} else {
		size_t olen;
		char *out = note_result_message(msg, len, &r, &olen);
		FILE *fp = outpath ? fopen(outpath, "wb") : stdout;
		if (!fp || fwrite(out, 1, olen, fp) != olen || (outpath && fclose(fp) != 0)) {
			perror(outpath ? outpath : "stdout");
			rc = 2;
		}
		free(out);
		fprintf(stderr, "injected: text=%u html=%u", r.parts_text, r.parts_html);
		for (size_t i = 0; i < r.nheaders; i++)
			fprintf(stderr, " %s %s: %s", r.headers[i].index ? "chg" : "add",
			    r.headers[i].name, r.headers[i].value);
		fprintf(stderr, "\n");
	}
	note_result_clear(&r);
	tmpl_set_free(set);
	tmpl_vars_free(v);
	free(text);
	free(html);
	free(msg);
	return rc;
}

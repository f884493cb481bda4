/*
 * cmd_check.c - `postsalectl check [--json] FILE...`: find and check the invoices in
 * XML files, Factur-X/ZUGFeRD PDFs and whole mail messages (.eml).
 *
 * What a file is, is decided by its content (the %PDF- magic, XML, mail headers), not
 * by its extension. Every file is untrusted: it is read up to a size cap, and every
 * string taken from it is made printable (human output) or JSON-escaped (--json, one
 * array with an object per invoice) before it is written. Errors and warnings are
 * printed apart; postsale's own rules are warnings unless the config's error-rules
 * names them (the config is read when it exists or -c names it). The exit status is
 * the verdict, 0 when no invoice has an error (warnings allowed) and 1 when any has
 * one, or a sysexits status for trouble: 66 a file cannot be opened, 65 a file holds no
 * invoice or one that cannot be read (one line on stderr naming the file and the
 * reason), 64 usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <gmime/gmime.h>

#include "cmd_check.h"
#include "ctl_common.h"
#include "util/dec.h"
#include "invoice/inv.h"
#include "invoice/inv_find.h"
#include "invoice/inv_severity.h"
#include "invoice/pdfx.h"
#include "util/xalloc.h"
#include "util/text.h"

#define CHECK_MAX_FILE ((size_t)64 * 1024 * 1024)	/* largest file read */

#define EXIT_CLEAN CTL_OK
#define EXIT_FLAGGED CTL_FLAGGED

/* check_usage - the synopsis, on stream */
static void check_usage(FILE *stream)
{
	fputs("usage: postsalectl check [--json] FILE...\n"
	      "  Check the e-invoices in each FILE: UBL or CII XML, a Factur-X/ZUGFeRD PDF,\n"
	      "  or a mail message (every invoice attachment). FILE - reads stdin.\n"
	      "  --json  a JSON array with one object per invoice\n"
	      "  Errors and warnings are listed apart; postsale's own rules (PS-*) are\n"
	      "  warnings unless the config's error-rules names them.\n"
	      "  exit status: 0 no errors (warnings allowed), 1 any error, 64 usage,\n"
	      "  65 no invoice or an unreadable one, 66 a file that cannot be opened\n", stream);
}

/* print_safe - write s made printable (s may be NULL: "-") */
static void print_safe(FILE *out, const char *s)
{
	char *p;

	if (s == NULL) {
		fputc('-', out);
		return;
	}
	fputs(p = text_printable_dup(s, strlen(s), 0), out);
	free(p);
}

/* looks_like_mail - 1 if the bytes start with an RFC 5322 header field or an mbox
 * "From " line */
static int looks_like_mail(const unsigned char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 5 && memcmp(buf, "From ", 5) == 0)
		return 1;
	while (i < len && i < 998 && buf[i] > 0x20 && buf[i] < 0x7f && buf[i] != ':')
		i++;
	return i > 0 && i < len && buf[i] == ':';
}

/* print_findings - the findings of one severity, one line each, under a heading */
static void print_findings(FILE *out, const inv_findings *fs, enum inv_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++) {
		const char *msg = fs->v[i].message ? fs->v[i].message : "";
		size_t idlen = strlen(fs->v[i].id);

		if (fs->v[i].severity != sev)
			continue;
		if (n++ == 0)
			fputs(sev == INV_SEV_ERROR ? "errors:\n" : "warnings:\n", out);
		/* the message repeats the id ("BR-CO-10: ..."); say it once */
		if (strncmp(msg, fs->v[i].id, idlen) == 0 && msg[idlen] == ':')
			msg += idlen + 1 + (msg[idlen + 1] == ' ');
		fputs("  ", out);
		print_safe(out, fs->v[i].id);
		fputs(": ", out);
		print_safe(out, msg);
		fputc('\n', out);
	}
}

/* print_invoice - one invoice's block on out, or its object in the array of json (when
 * not NULL); returns 1 if it has an error finding */
static int print_invoice(FILE *out, const char *file, const inv_found *f, struct json_out *json,
			 const struct ps_conf *conf)
{
	inv_findings *fs = inv_findings_new();
	const inv_invoice *inv = f->inv;
	char total[DEC_FMT_LEN];
	const char *tot = inv->has_total_with_vat ? dec_fmt(inv->total_with_vat, total, sizeof(total)) : NULL;
	size_t nerr = 0, nwarn = 0;
	int flagged;

	inv_check(inv, fs);
	inv_findings_apply_severity(fs, conf->error_rules.v, conf->error_rules.n);
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].severity == INV_SEV_ERROR)
			nerr++;
		else
			nwarn++;
	}
	flagged = nerr > 0;
	if (json) {
		json_object_begin(json);
		json_member_str(json, "file", file);
		json_member_str(json, "part", *f->part ? f->part : NULL);
		json_member_str(json, "syntax", inv_syntax_name(inv->syntax));
		json_member_str(json, "container", f->container);
		json_member_str(json, "profile", inv->profile);
		json_member_str(json, "number", inv->number);
		json_member_str(json, "currency", inv->currency);
		json_member_str(json, "total", tot);
		json_member_str(json, "verdict", flagged ? "flagged" : "ok");
		json_member_int(json, "errors", (long long) nerr);
		json_member_int(json, "warnings", (long long) nwarn);
		json_key(json, "findings");
		json_array_begin(json);
		for (size_t i = 0; i < fs->n; i++) {
			json_object_begin(json);
			json_member_str(json, "id", fs->v[i].id);
			json_member_str(json, "severity", fs->v[i].severity == INV_SEV_ERROR ? "error" : "warning");
			json_member_str(json, "message", fs->v[i].message);
			json_object_end(json);
		}
		json_array_end(json);
		json_object_end(json);
	} else {
		fputs("file:      ", out);
		print_safe(out, file);
		if (*f->part) {
			fputs("\npart:      ", out);
			print_safe(out, f->part);
			if (f->filename) {
				fputs(" (", out);
				print_safe(out, f->filename);
				fputc(')', out);
			}
		}
		fprintf(out, "\ncontainer: %s", f->container);
		if (f->attachment) {
			fputs(" (", out);
			print_safe(out, f->attachment);
			fputc(')', out);
		}
		fprintf(out, "\nsyntax:    %s\nprofile:   ", inv_syntax_name(inv->syntax));
		print_safe(out, inv->profile);
		fputs("\nnumber:    ", out);
		print_safe(out, inv->number);
		fputs("\ncurrency:  ", out);
		print_safe(out, inv->currency);
		fputs("\ntotal:     ", out);
		print_safe(out, tot);
		fprintf(out, "\nverdict:   %s", flagged ? "flagged" : "ok");
		fprintf(out, " (%zu error%s, %zu warning%s)\n", nerr, nerr == 1 ? "" : "s",
			nwarn, nwarn == 1 ? "" : "s");
		print_findings(out, fs, INV_SEV_ERROR);
		print_findings(out, fs, INV_SEV_WARNING);
		fputc('\n', out);
	}
	inv_findings_free(fs);
	return flagged;
}

/* complain - the one stderr line about a file (and part) that could not be checked */
static void complain(const char *file, const char *part, const char *reason)
{
	fputs("postsalectl check: ", stderr);
	print_safe(stderr, file);
	if (part && *part) {
		fputs(": part ", stderr);
		print_safe(stderr, part);
	}
	fputs(": ", stderr);
	print_safe(stderr, reason);
	fputc('\n', stderr);
}

/* check_file - check one file; returns its exit status (0, 1, 65 or 66) */
static int check_file(const char *path, struct json_out *json, const struct ps_conf *conf)
{
	struct inv_find_limits lim;
	inv_found_list found;
	unsigned char *buf = NULL;
	size_t len = 0;
	char err[512];
	int rc = EXIT_CLEAN;

	memset(&found, 0, sizeof(found));
	inv_find_limits_default(&lim);
	if ((rc = ctl_read_file(path, CHECK_MAX_FILE, &buf, &len, err, sizeof(err))) != 0) {
		complain(path, NULL, err);
		return rc;
	}
	if (len == 0) {
		complain(path, NULL, "empty file (0 bytes)");
		free(buf);
		return CTL_DATAERR;
	}
	if (!pdfx_is_pdf(buf, len) && buf[0] != '<' && looks_like_mail(buf, len)) {
		GMimeStream *stream = g_mime_stream_mem_new_with_buffer((const char *)buf, len);
		GMimeParser *parser = g_mime_parser_new_with_stream(stream);
		GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

		if (msg == NULL) {
			complain(path, NULL, "not a mail message GMime can parse");
			rc = CTL_DATAERR;
		} else {
			inv_find_in_message(g_mime_message_get_mime_part(msg), &lim, &found);
			if (found.n == 0) {
				complain(path, NULL, "no invoice in the message");
				rc = CTL_DATAERR;
			}
			g_object_unref(msg);
		}
		g_object_unref(parser);
		g_object_unref(stream);
	} else {
		inv_find_in_bytes(buf, len, "", NULL, NULL, INV_FIND_REPORT_ALL, &lim, &found);
	}
	for (size_t i = 0; i < found.n; i++) {
		const inv_found *f = &found.v[i];

		if (f->status != INV_OK) {
			complain(path, f->part, f->error ? f->error : "unreadable invoice");
			rc = CTL_DATAERR;
		} else if (print_invoice(stdout, path, f, json, conf) && rc == EXIT_CLEAN) {
			rc = EXIT_FLAGGED;
		}
	}
	if (found.limited)
		complain(path, NULL, "warning: a limit stopped the search; some parts were not looked at");
	inv_found_list_clear(&found);
	free(buf);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	struct json_out out;
	int json = 0, first = 1, rc = EXIT_CLEAN;
	struct ps_conf *conf, *own = NULL;

	for (; first < argc; first++) {
		if (strcmp(argv[first], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
			check_usage(stdout);
			return EXIT_CLEAN;
		} else if (strcmp(argv[first], "--") == 0) {
			first++;
			break;
		} else if (argv[first][0] == '-' && argv[first][1] != '\0') {
			fprintf(stderr, "postsalectl check: unknown option %s\n", argv[first]);
			check_usage(stderr);
			return CTL_USAGE;
		} else {
			break;
		}
	}
	if (first >= argc) {
		check_usage(stderr);
		return CTL_USAGE;
	}
	/* the site's error-rules, when there is a config; the defaults otherwise */
	if (strcmp(ctl_config_path, CONF_DEFAULT_PATH) != 0 || access(ctl_config_path, F_OK) == 0) {
		if ((conf = ctl_conf()) == NULL)
			return ctl_status();
	} else
		conf = own = conf_defaults();
	g_mime_init();
	json_init(&out, stdout);
	if (json)
		json_array_begin(&out);
	for (int i = first; i < argc; i++) {
		int r = check_file(argv[i], json ? &out : NULL, conf);

		/* trouble (the first) beats a verdict; flagged beats clean */
		if ((r > EXIT_FLAGGED && rc <= EXIT_FLAGGED) || (r == EXIT_FLAGGED && rc == EXIT_CLEAN))
			rc = r;
		fflush(stdout);
	}
	if (json)
		json_array_end(&out);
	g_mime_shutdown();
	conf_free(own);
	return rc;
}

/*
 * cmd_unrecorded.c - postsalectl unrecorded: what the filter could not write to the
 * store (the spool of unrecorded records, lib/store_spool.h), and replay, which writes
 * it now. The milter replays by itself every few seconds while it runs.
 *
 * The command line is trusted as far as it parses; the record files hold values from
 * untrusted invoices and messages and are made printable (or JSON-escaped) on output.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "filter.h"
#include "log.h"
#include "store_spool.h"

/* pr - s printable, in one of a few rotating buffers; "-" for NULL */
static const char *
pr(const char *s)
{
	static char bufs[6][512];
	static int next;
	char *b = bufs[next++ % 6];

	return s != NULL ? log_printable(b, sizeof(bufs[0]), s, strlen(s)) : "-";
}

/* print_text - one record, a line for it and one per item */
static void
print_text(const char *path, const struct spool_record *r)
{
	char when[32];
	time_t t = (time_t) r->at;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
	printf("%s  queue id %s  %s\n  not recorded: %s\n", when, pr(r->queue_id),
	    pr(strrchr(path, '/') ? strrchr(path, '/') + 1 : path), pr(r->reason));
	for (size_t i = 0; i < r->nitems; i++) {
		const struct spool_item *it = &r->items[i];
		const struct journal_row *row = &it->row;

		if (it->kind != SPOOL_INVOICE) {
			printf("  %s %s%s%s\n", spool_kind_name(it->kind), pr(it->customer),
			    it->renewal ? " renewal " : "", it->renewal ? pr(it->renewal) : "");
			continue;
		}
		printf("  invoice %s  seller %s  total %s %s  verdict %s  action %s\n",
		    pr(row->number), pr(row->seller), pr(row->total), pr(row->currency),
		    pr(row->verdict), pr(row->action));
		for (size_t j = 0; j < row->nfindings; j++)
			printf("    %s %s: %s\n", pr(row->findings[j].severity),
			    pr(row->findings[j].rule_id), pr(row->findings[j].message));
	}
}

/* print_json - one record as a JSON object */
static void
print_json(const char *path, const struct spool_record *r)
{
	printf("{\"file\":");
	ctl_json_string(stdout, path);
	printf(",\"queue_id\":");
	ctl_json_string(stdout, r->queue_id);
	printf(",\"at\":%lld,\"reason\":", r->at);
	ctl_json_string(stdout, r->reason);
	printf(",\"items\":[");
	for (size_t i = 0; i < r->nitems; i++) {
		const struct spool_item *it = &r->items[i];

		printf("%s{\"kind\":", i ? "," : "");
		ctl_json_string(stdout, spool_kind_name(it->kind));
		if (it->kind == SPOOL_INVOICE) {
			printf(",\"number\":");
			ctl_json_string(stdout, it->row.number);
			printf(",\"verdict\":");
			ctl_json_string(stdout, it->row.verdict);
			printf(",\"action\":");
			ctl_json_string(stdout, it->row.action);
			printf(",\"findings\":[");
			for (size_t j = 0; j < it->row.nfindings; j++) {
				printf("%s", j ? "," : "");
				ctl_json_string(stdout, it->row.findings[j].rule_id);
			}
			printf("]");
		} else {
			printf(",\"customer\":");
			ctl_json_string(stdout, it->customer);
		}
		printf("}");
	}
	printf("]}");
}

/* list - every record of the spool; CTL_OK when empty, CTL_FAIL when some wait */
static int
list(const struct ps_conf *conf, int json)
{
	char **paths, err[1024];
	size_t n, shown = 0;
	int status;

	if (spool_list(conf->database, &paths, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl: %s\n", err);
		return CTL_ERROR;
	}
	status = n > 0 ? CTL_FAIL : CTL_OK;
	if (json)
		printf("[");
	for (size_t i = 0; i < n; i++) {
		struct spool_record r = {0};

		if (spool_load(paths[i], &r, err, sizeof(err)) != 0) {
			fprintf(stderr, "postsalectl: %s\n", err);
			status = CTL_ERROR;
			continue;
		}
		if (json) {
			printf("%s", shown ? ",\n" : "");
			print_json(paths[i], &r);
		} else
			print_text(paths[i], &r);
		shown++;
		spool_record_clear(&r);
	}
	if (json)
		printf("]\n");
	else if (n == 0)
		printf("nothing unrecorded: the journal holds every invoice the filter saw\n");
	spool_list_free(paths, n);
	return status;
}

/* replay - write the spool into the store now */
static int
replay(const struct ps_conf *conf)
{
	struct store *st = ctl_store(0);
	char err[1024] = "";
	size_t done = 0, left = 0;

	if (st == NULL)
		return CTL_ERROR;
	if (filter_store_replay(st, conf, &done, &left, err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl: %zu record(s) written, %zu still waiting: %s\n",
		    done, left, err);
		return CTL_FAIL;
	}
	printf("%zu record(s) written to the store, %zu waiting\n", done, left);
	return CTL_OK;
}

int
cmd_unrecorded(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct ps_conf *conf;
	int ch, json = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch != 'j') {
			fprintf(stderr, "usage: postsalectl unrecorded [--json] | unrecorded replay\n");
			return CTL_ERROR;
		}
		json = 1;
	}
	if (optind < argc && strcmp(argv[optind], "replay") != 0) {
		fprintf(stderr, "usage: postsalectl unrecorded [--json] | unrecorded replay\n");
		return CTL_ERROR;
	}
	if ((conf = ctl_conf()) == NULL)
		return CTL_ERROR;
	return optind < argc ? replay(conf) : list(conf, json);
}

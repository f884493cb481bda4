/*
 * cmd_unrecorded.c - postsalectl unrecorded: what the filter could not write to the
 * store (the spool of unrecorded records, lib/store_spool.h), and replay, which writes
 * it now. The milter replays by itself every few seconds while it runs.
 *
 * The command line is trusted as far as it parses; the record files hold values from
 * untrusted invoices and messages and are made printable (or JSON-escaped) on output.
 * Exit: 0 nothing is missing, 1 records wait (an answer, as a flagged invoice is for
 * check), else sysexits.h as the other commands.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "ctl_common.h"
#include "filter/filter_store.h"
#include "util/log.h"
#include "store/store_spool.h"

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
		const struct store_invoice_row *row = &it->row;

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
print_json(struct json_out *j, const char *path, const struct spool_record *r)
{
	json_object_begin(j);
	json_key(j, "file");
	json_str(j, path);
	json_key(j, "queue_id");
	json_str(j, r->queue_id);
	json_key(j, "at");
	json_time(j, (time_t) r->at);
	json_key(j, "reason");
	json_str(j, r->reason);
	json_key(j, "items");
	json_array_begin(j);
	for (size_t i = 0; i < r->nitems; i++) {
		const struct spool_item *it = &r->items[i];

		json_object_begin(j);
		json_key(j, "kind");
		json_str(j, spool_kind_name(it->kind));
		if (it->kind == SPOOL_INVOICE) {
			json_key(j, "number");
			json_str(j, it->row.number);
			json_key(j, "verdict");
			json_str(j, it->row.verdict);
			json_key(j, "action");
			json_str(j, it->row.action);
			json_key(j, "findings");
			json_array_begin(j);
			for (size_t k = 0; k < it->row.nfindings; k++)
				json_str(j, it->row.findings[k].rule_id);
			json_array_end(j);
		} else {
			json_key(j, "customer");
			json_str(j, it->customer);
		}
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

/* list - every record of the spool; 0 when empty, 1 when some wait */
static int
list(const struct ps_conf *conf, int json)
{
	struct json_out j;
	char **paths, err[1024];
	size_t n;
	int status;

	if (spool_list(conf_state_base(conf), &paths, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl unrecorded: %s\n", err);
		return EX_IOERR;
	}
	status = n > 0 ? CTL_FLAGGED : CTL_OK;
	json_init(&j, stdout);
	if (json)
		json_array_begin(&j);
	for (size_t i = 0; i < n; i++) {
		struct spool_record r = {0};

		if (spool_load(paths[i], &r, err, sizeof(err)) != 0) {
			fprintf(stderr, "postsalectl unrecorded: %s\n", err);
			status = CTL_DATAERR;
			continue;
		}
		if (json)
			print_json(&j, paths[i], &r);
		else
			print_text(paths[i], &r);
		spool_record_clear(&r);
	}
	if (json)
		json_array_end(&j);
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
		return ctl_status();
	if (filter_store_replay(st, conf, NULL, &done, &left, err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl unrecorded replay: %zu record(s) written, %zu still"
		    " waiting: %s\n", done, left, err);
		return CTL_FLAGGED;
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
			return CTL_USAGE;
		}
		json = 1;
	}
	if (optind < argc && strcmp(argv[optind], "replay") != 0) {
		fprintf(stderr, "usage: postsalectl unrecorded [--json] | unrecorded replay\n");
		return CTL_USAGE;
	}
	if ((conf = ctl_conf()) == NULL)
		return ctl_status();
	return optind < argc ? replay(conf) : list(conf, json);
}

/*
 * cmd_store.c - postsalectl store: migrate the configured store to this build's schema,
 * and copy a whole store into another (an SQLite file into PostgreSQL when a site
 * outgrows one mail server, and back): lib/store/store_copy.h.
 *
 * Trusts the command line as far as it parses; a database URI may hold a password,
 * which is never printed (the store's messages name a URI without it).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl_common.h"
#include "store/store_copy.h"
#include "util/privdrop.h"

/* store_migrate_cmd - open the configured store for writing, which migrates it */
static int
store_migrate_cmd(void)
{
	struct store *st = ctl_store(STORE_CREATE);

	if (st == NULL)
		return ctl_status();
	printf("the store is at schema version %d\n", store_user_version(st));
	return CTL_OK;
}

/* store_ready - open target as store_open() does (mode: STORE_READONLY to check its
 * version, STORE_CREATE to create or migrate it); 0, or the exit status */
static int
store_ready(const char *target, int mode, long timeout_ms)
{
	char err[1024];
	struct store *st = store_open(target, timeout_ms, mode, err, sizeof(err));

	if (st == NULL) {
		fprintf(stderr, "postsalectl store copy: %s\n", err);
		return store_exit_open(target, mode);
	}
	store_close(st);
	return 0;
}

/* store_copy_cmd - copy the store at from into the empty store at to */
static int
store_copy_cmd(const char *from, const char *to)
{
	struct store_copy_table *tables;
	size_t n;
	long long total = 0;
	char err[1024], who[64];
	const long timeout_ms = 10000;
	int rc;

	/* As root, become the owner of the file's directory: a root-owned file would lock
	 * the filter out of its store. The destination decides, when it is a file. */
	if (privdrop_to_store_owner(store_copy_is_uri(to) ? from : to, who, sizeof(who), err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl store copy: %s\n", err);
		return EX_NOPERM;
	}
	if ((rc = store_ready(from, STORE_READONLY, timeout_ms)) != 0 ||
	    (rc = store_ready(to, STORE_CREATE, timeout_ms)) != 0)
		return rc;
	if (store_copy(from, to, timeout_ms, &tables, &n, err, sizeof(err)) != 0) {
		fprintf(stderr, "postsalectl store copy: %s\n", err);
		return CTL_DATAERR;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%-22s %lld\n", tables[i].name, tables[i].rows);
		total += tables[i].rows;
	}
	printf("%zu tables, %lld rows copied\n", n, total);
	store_copy_free(tables, n);
	return CTL_OK;
}

int
cmd_store(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "migrate") == 0)
		return store_migrate_cmd();
	if (argc == 4 && strcmp(argv[1], "copy") == 0)
		return store_copy_cmd(argv[2], argv[3]);
	fprintf(stderr, "usage: postsalectl store migrate | store copy FROM TO\n");
	return CTL_USAGE;
}

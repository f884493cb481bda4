/*
 * store_spool.h - the spool of unrecorded records: what the filter could not write to
 * the store (the database locked past database-timeout, unwritable, full, missing) is
 * kept in full beside it, one file per message in DATABASE-unrecorded/ (mode 0640),
 * and written to the store later (filter_store_replay(), postsalectl unrecorded).
 *
 * A record file is text: a first line "postsale-unrecorded 1", then KEY=VALUE lines
 * whose values escape backslash, tab, newline and other control bytes (\\ \t \n \xHH).
 * "item=invoice" or "item=journey-start|journey-stop|journey-renewal" starts an item;
 * the lines after it belong to that item. Files are written under a temporary name
 * and renamed, so a reader never sees half a record. The files are written by the
 * filter itself, yet read as untrusted: a malformed file is refused with file:line.
 */
#ifndef PS_STORE_SPOOL_H
#define PS_STORE_SPOOL_H

#include <stddef.h>

#include "store_invoice.h"

enum spool_kind {
	SPOOL_INVOICE,			/* a journal row */
	SPOOL_JOURNEY_START,		/* onboarding: journey_start() */
	SPOOL_JOURNEY_STOP,		/* off-boarding: journey_stop() */
	SPOOL_JOURNEY_RENEWAL,		/* a renewal date: journey_renewal() */
};

struct spool_item {
	enum spool_kind kind;
	struct journal_row row;		/* SPOOL_INVOICE */
	char *customer;			/* the journey's customer (bare address) */
	char *name;			/* its display name, or NULL */
	char *sender;			/* the envelope sender (journey start) */
	char *renewal;			/* YYYY-MM-DD, or NULL */
	char *since;			/* journey start: onboarded on YYYY-MM-DD, or NULL */
};

struct spool_record {
	char *queue_id;
	char *reason;			/* why it was not recorded */
	long long at;			/* when the message was filtered (unix time) */
	struct spool_item *items;
	size_t nitems;
};

/* spool_kind_name - "invoice", "journey-start", "journey-stop", "journey-renewal" */
const char *spool_kind_name(enum spool_kind k);
/* spool_dir - the spool directory of database ("DATABASE-unrecorded"); caller frees */
char *spool_dir(const char *database);
/* spool_record_add - a new zeroed item of kind at the end of r */
struct spool_item *spool_record_add(struct spool_record *r, enum spool_kind kind);
/* spool_record_drop - remove the first n items of r (those recorded) */
void spool_record_drop(struct spool_record *r, size_t n);
/* spool_record_clear - free what r holds and zero it */
void spool_record_clear(struct spool_record *r);
/*
 * spool_save - write r to the spool of database: to path when not NULL (replacing
 * it), else to a new file (its path copied into out, outlen > 0). The directory is
 * created (0750) when missing, the file is 0640. 0, or -1 with one line in err.
 */
int spool_save(const char *database, const struct spool_record *r, const char *path,
	       char *out, size_t outlen, char *err, size_t errlen);
/* spool_load - read the record file path into *r (zeroed by the caller); 0, or -1
 * with "PATH:LINE: why" in err */
int spool_load(const char *path, struct spool_record *r, char *err, size_t errlen);
/*
 * spool_list - the record files of database's spool, oldest first (full paths, in a
 * NULL-terminated array the caller frees with spool_list_free()); a missing directory
 * is an empty spool. 0, or -1 with one line in err.
 */
int spool_list(const char *database, char ***paths, size_t *n, char *err, size_t errlen);
void spool_list_free(char **paths, size_t n);

#endif

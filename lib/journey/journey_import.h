/*
 * journey_import.h - customers from a CSV file (a CRM export): each row starts a journey
 * on its onboarding date, all rows in one transaction or none.
 *
 * The file is untrusted: every row is checked (address, manager, dates that exist) and
 * every bad one reported with its line; a file with any bad line imports nothing.
 */
#ifndef PS_JOURNEY_IMPORT_H
#define PS_JOURNEY_IMPORT_H

#include <stddef.h>
#include <time.h>

#include "conf/conf.h"
#include "store/store.h"

struct journey_import_result {
	size_t rows;			/* data rows read */
	size_t added;			/* customers onboarded */
	size_t unchanged;		/* already active since that day */
	size_t planned;			/* future check-ins planned */
	size_t skipped;			/* past check-ins recorded as skipped */
	size_t bad;			/* rows with an error */
};

/* Called once for each problem, with "FILE:LINE: column: reason". */
typedef void (*journey_import_report_fn)(void *arg, const char *msg);

#define JOURNEY_IMPORT_MAX_ROWS 100000

/*
 * journey_import_csv - import buf (len bytes of RFC 4180 CSV, UTF-8, an optional BOM,
 * CRLF or LF) named fname in messages. The first row names the columns, in any order
 * and case: address and since are required, name, manager and renewal optional; others
 * are an error. Returns 0 imported (res filled), 1 bad rows (each reported through
 * report; nothing imported), -1 a store failure (err; nothing imported).
 */
int journey_import_csv(struct store *st, const struct ps_conf *conf, const char *fname,
		       const char *buf, size_t len, time_t now,
		       struct journey_import_result *res, journey_import_report_fn report,
		       void *arg, char *err, size_t errlen);

#endif

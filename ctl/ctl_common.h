/*
 * ctl_common.h - what every postsalectl command shares: the config chosen with the
 * global -c option, the store, the exit statuses, and its listings: a table of
 * printable cells, or the JSON writer (util/json.h) with its one shape, an array of
 * objects, times in RFC 3339.
 */
#ifndef PS_CTL_COMMON_H
#define PS_CTL_COMMON_H

#include <stdio.h>
#include <sysexits.h>
#include <time.h>

#include "conf/conf.h"
#include "util/json.h"
#include "store/store.h"
#include "store/store_exit.h"
#include "util/timetext.h"

/*
 * Exit statuses (postsalectl(1), EXIT STATUS): sysexits.h for every failure, the same
 * as postsale-mailer and postsale-milter; 0 and 1 are the verdict of check and simulate.
 */
#define CTL_OK		EX_OK
#define CTL_FLAGGED	1		/* check, simulate: an invoice is flagged */
#define CTL_USAGE	EX_USAGE	/* 64: bad usage, a malformed argument or date */
#define CTL_DATAERR	EX_DATAERR	/* 65: input that is not what it must be */
#define CTL_NOTFOUND	EX_NOINPUT	/* 66: no such file, invoice, customer, check-in */
#define CTL_SOFTWARE	EX_SOFTWARE	/* 70: an internal failure */
#define CTL_CONFIG	EX_CONFIG	/* 78: the config is missing or wrong */
/* The older names, for commands written before the convention. */
#define CTL_FAIL	CTL_NOTFOUND
#define CTL_ERROR	CTL_SOFTWARE

extern const char *ctl_config_path;	/* set by the dispatcher's -c */

/* ctl_conf - the config, loaded once; NULL after printing the reason (file:line: key) */
struct ps_conf *ctl_conf(void);
/*
 * ctl_store - the store of the config, opened once with flags (STORE_CREATE, or
 * STORE_READONLY for commands that only read); NULL after printing the reason. Run as
 * root, it first becomes the owner of the store's directory for good (privdrop.h).
 */
struct store *ctl_store(int flags);
/* ctl_status - the exit status for the last failure of ctl_conf() or ctl_store() */
int ctl_status(void);
/* ctl_store_failed - print "postsalectl CMD: MESSAGE" and return the exit status of
 * the statement that just failed on st (75 locked, 77 read-only, ...) */
int ctl_store_failed(struct store *st, const char *cmd, const char *message);
/* ctl_close - close the store and free the config (at exit) */
void ctl_close(void);
/*
 * ctl_list_begin - a listing on stdout: with json the writer j starts the array of
 * objects, else the table's header line is printed (printf of header and the column
 * names); ctl_list_end closes the array
 */
void ctl_list_begin(struct json_out *j, int json, const char *header, ...)
    __attribute__((format(printf, 3, 4)));
void ctl_list_end(struct json_out *j, int json);
/* ctl_cell - s made printable (log_printable) in buf of len bytes for a table cell, or
 * "-" for NULL; returns the text to print */
const char *ctl_cell(const char *s, char *buf, size_t len);
/*
 * ctl_read_file - read path ("-": standard input) into a new buffer of at most max
 * bytes, with a NUL after them; 0, or the exit status (66 cannot open, 74 cannot read,
 * 65 too large) with the reason in err. The caller frees *buf.
 */
int ctl_read_file(const char *path, size_t max, unsigned char **buf, size_t *len,
    char *err, size_t errlen);

#endif

/*
 * store_exit.c - map a store that cannot be opened or used to one sysexits(3) status, so
 * that every program says the same for the same trouble, and cron or systemd can tell a
 * locked database (75, retry) from one that no retry will fix (77, 66, 65).
 *
 * Trusts the path it is given (from the config); only looks, never creates.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "store_exit.h"
#include "store_int.h"
#include "util/xalloc.h"

/* not_sqlite - 1 when path is a non-empty file without the SQLite header */
static int
not_sqlite(const char *path)
{
	static const char magic[16] = "SQLite format 3";	/* with its NUL: 16 bytes */
	char head[16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, head, sizeof(head));
	close(fd);
	return n > 0 && (n < (ssize_t) sizeof(head) || memcmp(head, magic, sizeof(head)) != 0);
}

int
store_exit_open(const char *path, int flags)
{
	int mode = (flags & STORE_READONLY) ? R_OK : R_OK | W_OK;
	char *copy, *dir, *side;
	int status = EX_TEMPFAIL;

	if (db_is_uri(path))		/* a server: nothing local explains it; retry */
		return EX_TEMPFAIL;
	copy = xstrdup(path);
	dir = dirname(copy);

	if (access(dir, X_OK) != 0)
		status = errno == ENOENT || errno == ENOTDIR ? EX_NOINPUT : EX_NOPERM;
	else if (access(path, F_OK) != 0)
		status = !(flags & STORE_CREATE) ? EX_NOINPUT :
		    access(dir, W_OK) != 0 ? EX_NOPERM : EX_CANTCREAT;
	else if (access(path, mode) != 0 || (!(flags & STORE_READONLY) && access(dir, W_OK) != 0))
		status = EX_NOPERM;
	else if (not_sqlite(path))
		status = EX_DATAERR;
	else {
		for (int i = 0; i < 2 && status == EX_TEMPFAIL; i++) {
			side = xasprintf("%s%s", path, i ? "-shm" : "-wal");
			if (access(side, F_OK) == 0 && access(side, (flags & STORE_READONLY) && i == 0 ?
			    R_OK : R_OK | W_OK) != 0)
				status = EX_NOPERM;
			free(side);
		}
	}
	free(copy);
	return status;
}

/*
 * The engine's messages for the failures that db.h reports as DB_ERROR but that a
 * program reports apart: the storage (EX_IOERR) and a damaged database (EX_DATAERR).
 * SQLite's texts (sqlite3_errstr()); a PostgreSQL failure is none of them.
 */
static const struct {
	const char *msg;
	int status;
} db_error_status[] = {
	{"disk I/O error", EX_IOERR},
	{"database or disk is full", EX_IOERR},
	{"unable to open database file", EX_IOERR},
	{"database disk image is malformed", EX_DATAERR},
	{"file is not a database", EX_DATAERR},
	{"authorization denied", EX_NOPERM},
	{"access permission denied", EX_NOPERM},
};

int
store_exit_db(struct store *st)
{
	const char *msg;

	switch (st != NULL ? st->last_rc : DB_ERROR) {
	case DB_BUSY:
		return EX_TEMPFAIL;
	case DB_READONLY:
		return EX_NOPERM;
	case DB_ERROR:
		msg = db_errmsg(st->db);
		for (size_t i = 0; i < sizeof(db_error_status) / sizeof(db_error_status[0]); i++)
			if (msg != NULL && strncmp(msg, db_error_status[i].msg,
			    strlen(db_error_status[i].msg)) == 0)
				return db_error_status[i].status;
		return EX_SOFTWARE;
	default:
		return EX_SOFTWARE;
	}
}

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
	char *copy = xstrdup(path), *dir = dirname(copy), *side;
	int status = EX_TEMPFAIL;

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

int
store_exit_db(struct store *st)
{
	switch (st ? sqlite3_errcode(st->db) & 0xff : SQLITE_ERROR) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EX_TEMPFAIL;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return EX_NOPERM;
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CANTOPEN:
		return EX_IOERR;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return EX_DATAERR;
	default:
		return EX_SOFTWARE;
	}
}

/*
 * db_sqlite.c - the SQLite driver of db.h: one file, WAL, a busy handler that keeps
 * every wait for a lock within the timeout and the deadline; a connection opened with
 * DB_CHECKPOINT_APART leaves the WAL's checkpoint to another (db_checkpoint()), so that
 * no commit of the milter's copies the WAL into the file and syncs both.
 *
 * Trusts the file only as far as SQLite does. A new file (and its -wal and -shm) is
 * created without access for others.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_ops.h"
#include "db_sqlite.h"
#include "util/xalloc.h"

/* The transaction statements, kept prepared (sqlite3_exec() would parse them for every
 * transaction: a few thousand instructions of each invoice the filter records). */
enum sq_tx { SQ_BEGIN, SQ_BEGIN_WRITE, SQ_COMMIT, SQ_ROLLBACK, SQ_NTX };
static const char *const sq_tx_sql[SQ_NTX] = {
	"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"
};

struct db_sqlite {
	struct db base;
	sqlite3 *conn;
	long long busy_since;		/* when the current wait for a lock began */
	long wal_pages;			/* the WAL's pages after the last commit (its hook) */
	sqlite3_stmt *tx[SQ_NTX];	/* sq_tx_sql, prepared on first use */
};

struct db_sqlite_stmt {
	struct db_stmt base;
	sqlite3_stmt *stmt;
};

#define SQ(db) ((struct db_sqlite *) (db))
#define SQS(s) (((struct db_sqlite_stmt *) (s))->stmt)

/* sq_code - a DB_* code for an SQLite result code */
static int
sq_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_READONLY:
		return DB_READONLY;
	default:
		return DB_ERROR;
	}
}

/*
 * sq_busy - SQLite's busy handler: sleep a little longer each time until the lock is
 * free, the timeout of this wait runs out or the deadline passes; 0 gives up.
 */
static int
sq_busy(void *arg, int count)
{
	static const int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
	const int ndelays = (int) (sizeof(delays) / sizeof(delays[0]));
	struct db_sqlite *sq = arg;
	long long now = db_clock_ms(), limit;
	int ms;

	if (count == 0)
		sq->busy_since = now;
	limit = sq->busy_since + sq->base.timeout_ms;
	if (sq->base.deadline != 0 && sq->base.deadline < limit)
		limit = sq->base.deadline;
	if (now >= limit)
		return 0;
	ms = delays[count < ndelays ? count : ndelays - 1];
	if (ms > limit - now)
		ms = (int) (limit - now);
	sqlite3_sleep(ms);
	return 1;
}

/*
 * sq_private_file - create path when missing with no access for others (0640, or 0660
 * under a umask that leaves the group write), and take that access away from an
 * existing file of ours. 0, or -1 with err.
 */
static int
sq_private_file(const char *path, int create, char *err, size_t errlen)
{
	struct stat sb;
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	if (create && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0660 & ~mask & ~(mode_t) 0007)) >= 0) {
		if (fchmod(fd, 0660 & ~mask & ~(mode_t) 0007) != 0) {
			snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid() &&
	    (sb.st_mode & 0007) != 0)
		chmod(path, sb.st_mode & 07770);
	return 0;
}

/* sq_check_path - the directory exists, and the file too unless it is to be created */
static int
sq_check_path(const char *path, int flags, char *err, size_t errlen)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	struct stat sb;
	char *copy = xstrdup(path), *dir = dirname(copy);
	int rc = 0;

	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: directory %s does not exist (create it, writable by the user postsale runs as)",
		    path, dir);
		rc = -1;
	} else if (!(flags & DB_CREATE) && stat(path, &sb) != 0) {
		snprintf(err, errlen, "%s: no such database: %s", path, strerror(errno));
		rc = -1;
	}
	free(copy);
	for (size_t i = 0; rc == 0 && !(flags & DB_READONLY_OPEN) &&
	    i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		char *file = xasprintf("%s%s", path, suffix[i]);
		rc = sq_private_file(file, i == 0 && (flags & DB_CREATE), err, errlen);
		free(file);
	}
	return rc;
}

/*
 * sq_wal_hook - after each commit of a DB_CHECKPOINT_APART connection: note the WAL's
 * pages for db_wal_pages(); past DB_WAL_BACKSTOP (the checkpointing connection fell
 * behind, or there is none) checkpoint here after all, as SQLite's own hook does past
 * 1,000 pages.
 */
static int
sq_wal_hook(void *arg, sqlite3 *conn, const char *name, int pages)
{
	struct db_sqlite *sq = arg;

	sq->wal_pages = pages;
	if (pages >= DB_WAL_BACKSTOP)
		sqlite3_wal_checkpoint_v2(conn, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

static void sq_close(struct db *db);

static pthread_once_t sq_once = PTHREAD_ONCE_INIT;

/*
 * sq_configure - SQLite's process-wide settings, before its first use: no memory
 * statistics (postsale reads none), so that an allocation of SQLite's takes no
 * process-wide mutex; the filter's threads allocate some 90 times a message in SQLite.
 * SQLite already in use (the process opened it otherwise) keeps what it has.
 */
static void
sq_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* sq_open - open the file at target; WAL and foreign keys when it is written */
static struct db *
sq_open(const char *target, long timeout_ms, int flags, char *err, size_t errlen)
{
	struct db_sqlite *sq;
	int oflags, rc;
	char *msg = NULL;

	if (sq_check_path(target, flags, err, errlen) != 0)
		return NULL;
	pthread_once(&sq_once, sq_configure);
	oflags = (flags & DB_READONLY_OPEN) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	sq = xcalloc(1, sizeof(*sq));
	db_base_init(&sq->base, &db_sqlite_ops, target, timeout_ms);
	rc = sqlite3_open_v2(target, &sq->conn, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", target,
		    sq->conn ? sqlite3_errmsg(sq->conn) : sqlite3_errstr(rc));
		sq_close(&sq->base);
		return NULL;
	}
	sqlite3_busy_handler(sq->conn, sq_busy, sq);
	sqlite3_extended_result_codes(sq->conn, 1);
	if (flags & DB_CHECKPOINT_APART)
		sqlite3_wal_hook(sq->conn, sq_wal_hook, sq);	/* in place of wal_autocheckpoint */
	if (!(flags & DB_READONLY_OPEN) && sqlite3_exec(sq->conn, "PRAGMA journal_mode = WAL;"
	    " PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", target, msg ? msg : sqlite3_errmsg(sq->conn));
		sqlite3_free(msg);
		sq_close(&sq->base);
		return NULL;
	}
	return &sq->base;
}

static void
sq_close(struct db *db)
{
	for (int i = 0; i < SQ_NTX; i++)
		sqlite3_finalize(SQ(db)->tx[i]);
	sqlite3_close_v2(SQ(db)->conn);
	db_base_free(db);
	free(db);
}

static const char *
sq_errmsg(struct db *db)
{
	return sqlite3_errmsg(SQ(db)->conn);
}

static int
sq_exec(struct db *db, const char *sql)
{
	return sq_code(sqlite3_exec(SQ(db)->conn, sql, NULL, NULL, NULL));
}

/* sq_tx - run transaction statement t (prepared once); a DB_* code */
static int
sq_tx(struct db *db, enum sq_tx t)
{
	sqlite3_stmt **stmt = &SQ(db)->tx[t];
	int rc;

	if (*stmt == NULL && (rc = sqlite3_prepare_v3(SQ(db)->conn, sq_tx_sql[t], -1,
	    SQLITE_PREPARE_PERSISTENT, stmt, NULL)) != SQLITE_OK)
		return sq_code(rc);
	rc = sqlite3_step(*stmt);
	sqlite3_reset(*stmt);
	return sq_code(rc);
}

static int
sq_begin(struct db *db, int write)
{
	return sq_tx(db, write ? SQ_BEGIN_WRITE : SQ_BEGIN);
}

static int
sq_commit(struct db *db)
{
	return sq_tx(db, SQ_COMMIT);
}

static int
sq_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(SQ(db)->conn);
}

static int
sq_rollback(struct db *db)
{
	return sq_in_transaction(db) ? sq_tx(db, SQ_ROLLBACK) : DB_DONE;
}

static long long
sq_changes(struct db *db)
{
	return sqlite3_changes(SQ(db)->conn);
}

static long
sq_wal_pages(struct db *db)
{
	return SQ(db)->wal_pages;
}

/* sq_checkpoint - a passive checkpoint; another connection's checkpoint under way
 * (SQLITE_BUSY) is as good as this one */
static int
sq_checkpoint(struct db *db)
{
	int rc = sqlite3_wal_checkpoint_v2(SQ(db)->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
	    NULL);

	return (rc & 0xff) == SQLITE_BUSY ? DB_DONE : sq_code(rc);
}

static struct db_stmt *
sq_prepare(struct db *db, const char *sql)
{
	struct db_sqlite_stmt *s;
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v3(SQ(db)->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
	    NULL) != SQLITE_OK || stmt == NULL) {	/* NULL: sql held no statement */
		sqlite3_finalize(stmt);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->stmt = stmt;
	return &s->base;
}

static void
sq_finalize(struct db_stmt *s)
{
	sqlite3_finalize(SQS(s));
	free(s);
}

static int
sq_bind_int64(struct db_stmt *s, int i, long long v)
{
	return sqlite3_bind_int64(SQS(s), i, v) == SQLITE_OK ? 0 : DB_ERROR;
}

static int
sq_bind_text(struct db_stmt *s, int i, const char *text)
{
	int rc = text == NULL ? sqlite3_bind_null(SQS(s), i) :
	    sqlite3_bind_text(SQS(s), i, text, -1, SQLITE_TRANSIENT);

	return rc == SQLITE_OK ? 0 : DB_ERROR;
}

/* sq_bind_text_static - the text read where it is (SQLITE_STATIC): the caller keeps it
 * until the reset, which clears the bindings (sq_reset) */
static int
sq_bind_text_static(struct db_stmt *s, int i, const char *text)
{
	int rc = text == NULL ? sqlite3_bind_null(SQS(s), i) :
	    sqlite3_bind_text(SQS(s), i, text, -1, SQLITE_STATIC);

	return rc == SQLITE_OK ? 0 : DB_ERROR;
}

static int
sq_bind_null(struct db_stmt *s, int i)
{
	return sqlite3_bind_null(SQS(s), i) == SQLITE_OK ? 0 : DB_ERROR;
}

static int
sq_step(struct db_stmt *s)
{
	return sq_code(sqlite3_step(SQS(s)));
}

static long long
sq_column_int64(struct db_stmt *s, int i)
{
	return sqlite3_column_int64(SQS(s), i);
}

static const char *
sq_column_text(struct db_stmt *s, int i)
{
	return (const char *) sqlite3_column_text(SQS(s), i);
}

static int
sq_column_is_null(struct db_stmt *s, int i)
{
	return sqlite3_column_type(SQS(s), i) == SQLITE_NULL;
}

static int
sq_column_count(struct db_stmt *s)
{
	return sqlite3_column_count(SQS(s));
}

static void
sq_reset(struct db_stmt *s)
{
	sqlite3_reset(SQS(s));
	sqlite3_clear_bindings(SQS(s));
}

const struct db_ops db_sqlite_ops = {
	.kind = DB_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_transaction = sq_in_transaction,
	.changes = sq_changes,
	.prepare = sq_prepare,
	.finalize = sq_finalize,
	.bind_int64 = sq_bind_int64,
	.bind_text = sq_bind_text,
	.bind_text_static = sq_bind_text_static,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.column_int64 = sq_column_int64,
	.column_text = sq_column_text,
	.column_is_null = sq_column_is_null,
	.column_count = sq_column_count,
	.reset = sq_reset,
	.wal_pages = sq_wal_pages,
	.checkpoint = sq_checkpoint,
};

sqlite3 *
db_sqlite_handle(struct db *db)
{
	return db != NULL && db->ops == &db_sqlite_ops ? SQ(db)->conn : NULL;
}

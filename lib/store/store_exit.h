/*
 * store_exit.h - the exit status (sysexits.h) a program reports for a store it cannot
 * open or use, the same in postsalectl and postsale-mailer: 66 no database, 77 no
 * permission, 65 not a database, 75 locked or busy (try later), 74 an I/O error, 70
 * anything else.
 */
#ifndef PS_STORE_EXIT_H
#define PS_STORE_EXIT_H

#include "store.h"

/*
 * store_exit_open - after store_open(path, ..., flags) failed: why, as an exit status,
 * from what the file system says (the directory or file missing or not ours to read or
 * write, including its -wal and -shm files; a file that is no SQLite database); 75 when
 * nothing there explains it (a lock held longer than the timeout)
 */
int store_exit_open(const char *path, int flags);
/* store_exit_db - after a statement on st failed: its exit status from SQLite's code */
int store_exit_db(struct store *st);

#endif

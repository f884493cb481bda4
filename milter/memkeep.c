/*
 * memkeep.c - keep the memory a message frees in malloc's arenas for the next message.
 *
 * libmilter runs each MTA connection (with Postfix: each message) in a thread of its
 * own. An invoice message takes a few hundred KB for a moment (its bytes, the decoded
 * XML, the XML tree, GMime's objects) and frees them at the end; with glibc's defaults
 * a thread's arena then gives the top of its heap back to the kernel as soon as 128 KB
 * are free there, and the next message faults the same pages in again, at a kernel
 * entry each. Here freed memory stays in the arena unless 16 MB are free at its top,
 * and only blocks of 4 MB or more are mapped on their own (and unmapped when freed).
 * What stays is bounded by the largest message-sized working set each arena has held.
 */
#include <malloc.h>

#include "memkeep.h"

#define MEMKEEP_TRIM_THRESHOLD (16 * 1024 * 1024)
#define MEMKEEP_MMAP_THRESHOLD (4 * 1024 * 1024)

int
memkeep_arenas(void)
{
	int ok = mallopt(M_MMAP_THRESHOLD, MEMKEEP_MMAP_THRESHOLD);

	ok &= mallopt(M_TRIM_THRESHOLD, MEMKEEP_TRIM_THRESHOLD);
	return ok ? 0 : -1;
}

/*
 * privdrop.c - switch from root to the owner of the store's directory (privdrop.h).
 *
 * Trusts the file system's idea of who owns the directory: the administrator (or the
 * package's tmpfiles.d) made it. Nothing here exits; the caller decides.
 */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privdrop.h"
#include "xalloc.h"

int
privdrop_to_store_owner(const char *database, char *who, size_t wholen, char *err, size_t errlen)
{
	struct passwd *pw;
	struct stat sb;
	char *copy;
	gid_t gid;
	int rc;

	if (wholen > 0)
		who[0] = '\0';
	if (geteuid() != 0)
		return 0;
	copy = xstrdup(database);
	rc = stat(dirname(copy), &sb);
	if (rc != 0 || sb.st_uid == 0) {
		free(copy);
		return 0;
	}
	pw = getpwuid(sb.st_uid);
	gid = pw != NULL ? pw->pw_gid : sb.st_gid;
	if (pw != NULL)
		snprintf(who, wholen, "%s", pw->pw_name);
	else
		snprintf(who, wholen, "uid %lu", (unsigned long) sb.st_uid);
	errno = 0;
	if ((pw != NULL ? initgroups(pw->pw_name, gid) : setgroups(1, &gid)) != 0 ||
	    setgid(gid) != 0 || setuid(sb.st_uid) != 0) {
		snprintf(err, errlen, "cannot become %s, the owner of %s: %s", who, copy,
		    strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	if (setuid(0) == 0) {
		snprintf(err, errlen, "still able to regain root after becoming %s", who);
		return -1;
	}
	return 0;
}

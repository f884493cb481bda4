/*
 * privdrop.h - become the owner of the store's directory before touching the store, so
 * that a tool run as root (postsalectl, postsale-mailer) never leaves root-owned files
 * that the filter, running as its own user, could then not write.
 */
#ifndef PS_PRIVDROP_H
#define PS_PRIVDROP_H

#include <stddef.h>

/*
 * privdrop_to_store_owner - when running as root, switch for good (supplementary groups,
 * group, user) to the owner of the directory that holds database, the group being that
 * user's primary group (the directory's group when the owner has no passwd entry).
 * Nothing to do (0, *who empty) when not root, when the directory is missing (store_open
 * says so) or belongs to root. 0 with the account's name in who ("postsale"), or -1
 * with one line in err: the switch failed, or root could be regained afterwards.
 */
int privdrop_to_store_owner(const char *database, char *who, size_t wholen,
    char *err, size_t errlen);

#endif

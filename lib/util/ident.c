/*
 * ident.c - stable identifiers made from keys (FNV-1a; not for secrets).
 *
 * The keys are untrusted; they are hashed, never copied into the identifier.
 */
#include <ctype.h>
#include <stdlib.h>

#include "ident.h"
#include "xalloc.h"

unsigned long long
ident_hash(const char *key)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *) (key ? key : ""); *p; p++) {
		h ^= (unsigned char) tolower(*p);
		h *= 0x100000001b3ULL;
	}
	return h;
}

char *
ident_checkin_uid(long long checkin_id, const char *customer, const char *domain)
{
	char *key = xasprintf("%s/%lld", customer ? customer : "", checkin_id);
	char *uid = xasprintf("ci%lld-%016llx@%s", checkin_id, ident_hash(key),
			      domain && *domain ? domain : "postsale.invalid");

	free(key);
	return uid;
}

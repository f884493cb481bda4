/*
 * ident.h - stable identifiers made from keys: the hash that spreads customers over
 * slots and names messages, and the UID of a check-in's invitation.
 *
 * The keys are untrusted (addresses, names); they are only hashed.
 */
#ifndef PS_IDENT_H
#define PS_IDENT_H

/* ident_hash - the 64-bit FNV-1a hash of the ASCII-lowercased key (NULL: "") */
unsigned long long ident_hash(const char *key);

/* ident_checkin_uid - "ci<id>-<16 hex>@<domain>": a function of the check-in's id and
 * the customer key only, so the same check-in always has the same UID (the store
 * records it, the invitations carry it); domain NULL or "": "postsale.invalid".
 * Caller frees. */
char *ident_checkin_uid(long long checkin_id, const char *customer, const char *domain);

#endif

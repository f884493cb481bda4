/*
 * iban.h - International Bank Account Numbers (ISO 13616).
 *
 * Input is untrusted text as found in invoices and mails: spaces are ignored
 * and letters may be in either case.
 */
#ifndef PS_IBAN_H
#define PS_IBAN_H

#include <stddef.h>

#define IBAN_MAX_LEN 34

/* iban_normalise - copy s without spaces, upper-cased, into buf (>= IBAN_MAX_LEN+1);
 * 0, or -1 when s holds anything but letters, digits and spaces or is too long */
int iban_normalise(const char *s, char *buf, size_t len);

/* iban_valid - 1 if s is a structurally valid IBAN: country letters, two check
 * digits, 11..30 alphanumeric BBAN characters, 15..34 in all, and the ISO 7064
 * mod-97 check gives 1; 0 otherwise */
int iban_valid(const char *s);

#endif

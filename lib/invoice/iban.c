/*
 * iban.c - International Bank Account Numbers (ISO 13616): normalisation and
 * the ISO 7064 MOD 97-10 check. Input is untrusted text.
 */
#include <string.h>

#include "iban.h"

int
iban_normalise(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	if (s == NULL || len == 0)
		return -1;
	for (; *s != '\0'; s++) {
		char c = *s;

		if (c == ' ' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return -1;
		if (o + 1 >= len || o >= IBAN_MAX_LEN)
			return -1;
		buf[o++] = c;
	}
	buf[o] = '\0';
	return 0;
}

int
iban_valid(const char *s)
{
	char b[IBAN_MAX_LEN + 2];
	size_t n, i, k;
	unsigned rem = 0;

	if (iban_normalise(s, b, sizeof(b)) < 0)
		return 0;
	n = strlen(b);
	if (n < 15 || n > IBAN_MAX_LEN)
		return 0;
	if (b[0] < 'A' || b[0] > 'Z' || b[1] < 'A' || b[1] > 'Z' ||
	    b[2] < '0' || b[2] > '9' || b[3] < '0' || b[3] > '9')
		return 0;
	/* move the first four characters to the end, letters become 10..35 */
	for (k = 0; k < n; k++) {
		char c = b[(k + 4) % n];

		if (c >= '0' && c <= '9')
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else {
			i = (size_t)(c - 'A') + 10;
			rem = (unsigned)((rem * 100 + i) % 97);
		}
	}
	return rem == 1;
}

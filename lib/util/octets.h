/*
 * octets.h - how far a buffer keeps to a set of octets, sixteen or thirty-two octets at
 * a time where the CPU can (SSSE3, AVX2; checked at run time), one at a time elsewhere.
 * The base64 shortcuts use it: xmlskip (base64 text in XML) and mimeskip (base64 lines
 * in mail).
 */
#ifndef PS_OCTETS_H
#define PS_OCTETS_H
#include <stddef.h>

/*
 * A set of octets, told twice: octet by octet, and by nibbles for the vector code. In
 * the second, each bit stands for a class of octets: hi[h] has the bits of the classes
 * whose octets have the high nibble h, lo[l] those of the classes that hold the octet
 * with low nibble l. An octet is in the set if lo[low nibble] & hi[high nibble] != 0;
 * the two forms must agree for all 256 octets (the users' suites check every octet).
 */
struct octet_set {
	unsigned char member[256];	/* 1 for an octet of the set */
	unsigned char lo[16], hi[16];
};

/* octet_span - how many octets from p on (at most n) are in set */
size_t octet_span(const struct octet_set *set, const char *p, size_t n);

/* octets_simd - what octet_span uses here: 2 AVX2, 1 SSSE3, 0 one octet at a time */
int octets_simd(void);

#endif

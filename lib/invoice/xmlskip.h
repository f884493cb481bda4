/*
 * xmlskip.h - find the long runs of base64 text in an XML document that libxml2 need
 * not read: each one starts right after a '>' and ends right before a '<', and holds
 * only the base64 alphabet ('A'-'Z' 'a'-'z' '0'-'9' '+' '/' '=') and white space
 * (space, tab, CR, LF). An invoice's embedded PDF rendering is such a run.
 *
 * The input is untrusted and nothing here decides what the bytes mean: a run is only
 * a candidate. xmlsafe_stream() cuts the runs out of a copy, parses the copy, and
 * proves each one the whole text of an element at the parser's own position (a '>'
 * that ends a start tag) before handing the original text on; otherwise it parses the
 * original. Inside element content such a run is character data that libxml2 passes
 * on unchanged (but for CR LF, told as LF), so the parse's verdict does not depend on
 * whether libxml2 read it.
 */
#ifndef PS_XMLSKIP_H
#define PS_XMLSKIP_H

#include <stddef.h>

/* XMLSKIP_MIN - the shortest run worth cutting out (at least 32; the fuzz target
 * builds with a small one, so that its inputs meet runs) */
#ifndef XMLSKIP_MIN
#define XMLSKIP_MIN 1024
#endif

/* One run cut out of the copy. */
struct xmlskip_run {
	size_t gt;			/* offset in the copy of the '>' the run followed */
	const char *text;		/* the run, in the original document */
	size_t len;
};

/* The document with its runs cut out. */
struct xmlskip {
	char *buf;			/* the copy (xmalloc'd), runs cut out */
	size_t len;
	struct xmlskip_run *runs;	/* in document order (xmalloc'd) */
	size_t nruns;
	size_t cut;			/* octets cut out, the runs' lengths summed */
};

/* xmlskip_find - the runs of at least XMLSKIP_MIN octets in buf[0..len), as a copy
 * without them in *out (release it with xmlskip_release); 1 if there are any, 0 (and
 * *out empty) if none */
int xmlskip_find(const char *buf, size_t len, struct xmlskip *out);
/* xmlskip_release - free what xmlskip_find allocated in s, leaving s empty */
void xmlskip_release(struct xmlskip *s);
/* xmlskip_span - how many octets from p on (at most n) are base64 alphabet or white
 * space */
size_t xmlskip_span(const char *p, size_t n);

#endif

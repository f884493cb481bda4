/*
 * mimeskip.h - find the long runs of base64 lines in a raw message that GMime's parser
 * need not read, and copy the message without their inner lines.
 *
 * A base64 line is a whole line of 1 to MIMESKIP_LINE_MAX octets of the base64
 * alphabet ('A'-'Z' 'a'-'z' '0'-'9' '+' '/' '=') ended by LF or CR LF, starting at the
 * start of the bytes or after an LF. A run is a maximal sequence of such lines; one of
 * at least MIMESKIP_MIN_LINES lines and MIMESKIP_MIN_BYTES octets is cut: its first and
 * its last line stay in the copy, the lines between them go.
 *
 * The message's own header fields go from the copy too, all but its Content-* fields
 * and MIME-Version, when its header block is plain: every line a field ("name:", the
 * name printable ASCII without blanks) or a continuation (starting with a blank), each
 * ended by LF or CR LF, no other CR and no NUL, and an empty line ending the block.
 * GMime reads a header block field by field, so the fields left, the end of the block
 * and all that follows read the same; the filter reads the cut fields from the bytes
 * (mime_head.h).
 *
 * The input is untrusted and nothing here decides what the bytes mean: a cut is only a
 * candidate. GMime's parser tells structure only by lines that start with "--"
 * (boundaries, OpenPGP armour) and by header blocks; mime_parse() (mime_parse.c) has
 * GMime parse the copy and keeps the result only when every cut lay inside one part's
 * content, where a base64 line is content and nothing else; otherwise GMime parses the
 * original.
 */
#ifndef PS_MIMESKIP_H
#define PS_MIMESKIP_H

#include <stddef.h>

#define MIMESKIP_LINE_MAX 998		/* octets of a line before its LF or CR LF */
/* the shortest run cut (the fuzz target builds with small ones, so that its inputs
 * meet runs; at least 3 lines, so that one is cut, and 2 octets) */
#ifndef MIMESKIP_MIN_LINES
#define MIMESKIP_MIN_LINES 16
#endif
#ifndef MIMESKIP_MIN_BYTES
#define MIMESKIP_MIN_BYTES 1024
#endif

/* One cut: the whole lines orig[from..from+len) are not in the copy. */
struct mimeskip_cut {
	size_t at;			/* offset in the copy where they were (the start
					   of the run's last line there) */
	size_t from;			/* offset of the first cut octet in the original */
	size_t len;
	int head;			/* 1: header fields of the message's own block */
};

/* The message with its runs' inner lines cut out. */
struct mimeskip {
	char *buf;			/* the copy (xmalloc'd) */
	size_t len;
	struct mimeskip_cut *cuts;	/* in message order (xmalloc'd) */
	size_t ncuts;
	size_t cut;			/* octets cut, the cuts' lengths summed */
	size_t head_len;		/* with head cuts, the length of the message's own
					   header block in the original (its empty line too) */
};

/* mimeskip_find - the cuts of buf[0..len) and a copy without them in *out (release it
 * with mimeskip_release); 1 if there are any, 0 (and *out empty) if none */
int mimeskip_find(const char *buf, size_t len, struct mimeskip *out);
/* mimeskip_plain_head - the length of buf's own header block (its empty line too) when
 * it is plain (above), else 0 */
size_t mimeskip_plain_head(const char *buf, size_t len);
/* mimeskip_release - free what mimeskip_find allocated in s, leaving s empty */
void mimeskip_release(struct mimeskip *s);
/* mimeskip_map - the original's offset of the copy's offset off: an offset at or after
 * a cut's 'at' moves past the cut's octets */
size_t mimeskip_map(const struct mimeskip *s, size_t off);
/* mimeskip_span - how many octets from p on (at most n) are of the base64 alphabet */
size_t mimeskip_span(const char *p, size_t n);

#endif

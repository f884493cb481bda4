/*
 * mime_addr.c - a plain address list read without GMime's objects (mime_addr.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE		/* memmem */
#endif
#include <string.h>

#include "mime_addr.h"

enum {
	A_TEXT = 1,		/* RFC 5322 atext */
	A_DOMAIN = 2,		/* a domain label's: letters, digits, hyphen */
	A_BLANK = 4,		/* space, tab and the line end's CR and LF */
	A_QTEXT = 8,		/* a quoted name's: printable ASCII but '"' and '\' */
};

/* The classes of the octets, printable ASCII and the blanks; any other is in none. */
static const unsigned char cls[256] = {
	['\t'] = A_BLANK, ['\r'] = A_BLANK, ['\n'] = A_BLANK, [' '] = A_BLANK | A_QTEXT,
	['!'] = A_TEXT | A_QTEXT, ['#'] = A_TEXT | A_QTEXT, ['$'] = A_TEXT | A_QTEXT,
	['%'] = A_TEXT | A_QTEXT, ['&'] = A_TEXT | A_QTEXT, ['\''] = A_TEXT | A_QTEXT,
	['*'] = A_TEXT | A_QTEXT, ['+'] = A_TEXT | A_QTEXT, ['-'] = A_TEXT | A_DOMAIN | A_QTEXT,
	['/'] = A_TEXT | A_QTEXT, ['='] = A_TEXT | A_QTEXT, ['?'] = A_TEXT | A_QTEXT,
	['^'] = A_TEXT | A_QTEXT, ['_'] = A_TEXT | A_QTEXT, ['`'] = A_TEXT | A_QTEXT,
	['{'] = A_TEXT | A_QTEXT, ['|'] = A_TEXT | A_QTEXT, ['}'] = A_TEXT | A_QTEXT,
	['~'] = A_TEXT | A_QTEXT, ['('] = A_QTEXT, [')'] = A_QTEXT, [','] = A_QTEXT,
	['.'] = A_QTEXT, [':'] = A_QTEXT, [';'] = A_QTEXT, ['<'] = A_QTEXT, ['>'] = A_QTEXT,
	['@'] = A_QTEXT, ['['] = A_QTEXT, [']'] = A_QTEXT,
#define R(c) [c] = A_TEXT | A_DOMAIN | A_QTEXT
	R('0'), R('1'), R('2'), R('3'), R('4'), R('5'), R('6'), R('7'), R('8'), R('9'),
	R('A'), R('B'), R('C'), R('D'), R('E'), R('F'), R('G'), R('H'), R('I'), R('J'), R('K'),
	R('L'), R('M'), R('N'), R('O'), R('P'), R('Q'), R('R'), R('S'), R('T'), R('U'), R('V'),
	R('W'), R('X'), R('Y'), R('Z'),
	R('a'), R('b'), R('c'), R('d'), R('e'), R('f'), R('g'), R('h'), R('i'), R('j'), R('k'),
	R('l'), R('m'), R('n'), R('o'), R('p'), R('q'), R('r'), R('s'), R('t'), R('u'), R('v'),
	R('w'), R('x'), R('y'), R('z'),
#undef R
};

/* A value being read: the octets and the place. */
struct rd {
	const char *v;
	size_t n, at;
};

static void
blanks(struct rd *r)
{
	while (r->at < r->n && (cls[(unsigned char)r->v[r->at]] & A_BLANK))
		r->at++;
}

/* run - the octets of class c from the place on; how many */
static size_t
run(struct rd *r, unsigned char c)
{
	size_t s = r->at;

	while (r->at < r->n && (cls[(unsigned char)r->v[r->at]] & c))
		r->at++;
	return r->at - s;
}

/* dotted - one or more runs of class c separated by single dots; 0 if none */
static int
dotted(struct rd *r, unsigned char c)
{
	for (;;) {
		if (run(r, c) == 0)
			return 0;
		if (r->at >= r->n || r->v[r->at] != '.')
			return 1;
		r->at++;
	}
}

/* addr_spec - local@domain at the place, into *mb; 0 if there is none */
static int
addr_spec(struct rd *r, struct mime_mailbox *mb)
{
	size_t s = r->at;

	if (!dotted(r, A_TEXT) || r->at >= r->n || r->v[r->at] != '@')
		return 0;
	r->at++;
	if (!dotted(r, A_DOMAIN) || (r->at < r->n && r->v[r->at] == '.'))
		return 0;
	mb->addr = r->v + s;
	mb->addr_len = r->at - s;
	return 1;
}

/* quoted_name - a quoted display name at the place (at its '"'), into *mb */
static int
quoted_name(struct rd *r, struct mime_mailbox *mb)
{
	size_t s = ++r->at;

	run(r, A_QTEXT);
	if (r->at >= r->n || r->v[r->at] != '"')
		return 0;
	mb->name = r->v + s;
	mb->name_len = r->at - s;
	r->at++;
	return mb->name_len == 0 ||
	    (mb->name[0] != ' ' && mb->name[mb->name_len - 1] != ' ');
}

/* phrase_name - words of atext (each maybe ended by one dot) separated by single
 * spaces at the place, into *mb */
static int
phrase_name(struct rd *r, struct mime_mailbox *mb)
{
	size_t s = r->at;

	for (;;) {
		if (run(r, A_TEXT) == 0)
			return 0;
		if (r->at < r->n && r->v[r->at] == '.')
			r->at++;
		mb->name = r->v + s;
		mb->name_len = r->at - s;
		if (r->at + 1 < r->n && r->v[r->at] == ' ' && (cls[(unsigned char)r->v[r->at + 1]] & A_TEXT))
			r->at++;
		else
			return 1;
	}
}

/* mailbox - one mailbox at the place into *mb; 0 if it is not of the plain form */
static int
mailbox(struct rd *r, struct mime_mailbox *mb)
{
	size_t s = r->at;

	memset(mb, 0, sizeof(*mb));
	mb->name = r->v + s;
	if (addr_spec(r, mb)) {			/* an address alone, if the mailbox ends here */
		size_t end = r->at;

		blanks(r);
		if (r->at >= r->n || r->v[r->at] == ',') {
			r->at = end;
			return 1;
		}
		memset(mb, 0, sizeof(*mb));
		mb->name = r->v + s;
	}
	r->at = s;				/* a name and an address in brackets */
	if (r->at < r->n && r->v[r->at] == '"') {
		if (!quoted_name(r, mb))
			return 0;
	} else if (r->at < r->n && r->v[r->at] != '<' && !phrase_name(r, mb))
		return 0;
	blanks(r);
	if (r->at >= r->n || r->v[r->at] != '<')
		return 0;
	r->at++;
	if (!addr_spec(r, mb) || r->at >= r->n || r->v[r->at] != '>')
		return 0;
	r->at++;
	return 1;
}

int
mime_addr_list(const char *v, size_t n, struct mime_mailbox *out)
{
	struct rd r = { v, n, 0 };
	int count = 0;

	if (memmem(v, n, "=?", 2) != NULL)	/* an encoded word, which GMime decodes */
		return -1;
	blanks(&r);
	for (;;) {
		if (count == MIME_ADDR_MAX || !mailbox(&r, &out[count]))
			return -1;
		count++;
		blanks(&r);
		if (r.at >= n)
			return count;
		if (v[r.at] != ',')
			return -1;
		r.at++;
		blanks(&r);
	}
}

/*
 * mime_diff.c - mime_diff FILE... : each message read the two ways the filter can read
 * it (tests/mime_diff.sh): GMime's parse, and the skeleton (mime/mime_scan.h) where
 * the scan takes the message. Where the skeleton serves, everything the pipeline reads
 * must be the same: the invoices found (every field of every entry, mime_find_invoices
 * against inv_find_in_message), the body text (mime_text_body_scan against
 * mime_text_body), and the message's own header fields (mime_head_of_bytes against
 * the top part GMime parsed). Where the scan's structure is plain (mime/mime_plain.h:
 * the note then writes without GMime's check), GMime's parse must have the same tree
 * of content types and every leaf's window to the octet. Prints one line per
 * disagreement and a summary; exits 1 on any disagreement, 2 on a file it cannot read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "invoice/inv_find.h"
#include "mime/mime_find.h"
#include "mime/mime_head.h"
#include "mime/mime_plain.h"
#include "mime/mime_scan.h"
#include "mime/mime_text.h"
#include "test_windows.h"

static int differ, plain;

/* same_str - a and b both NULL or equal */
static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* complain - one disagreement */
static void
complain(const char *file, const char *what)
{
	printf("mime_diff: %s: %s differs\n", file, what);
	differ = 1;
}

/* same_found - the entries of a (GMime's walk) and b (the skeleton's) */
static void
same_found(const char *file, const inv_found_list *a, const inv_found_list *b)
{
	if (a->n != b->n || a->limited != b->limited) {
		complain(file, "the number of invoices found");
		return;
	}
	for (size_t i = 0; i < a->n; i++) {
		const inv_found *x = &a->v[i], *y = &b->v[i];

		if (!same_str(x->part, y->part) || !same_str(x->filename, y->filename) ||
		    !same_str(x->container, y->container) || !same_str(x->attachment, y->attachment) ||
		    x->status != y->status || !same_str(x->error, y->error) || x->xml_len != y->xml_len ||
		    (x->xml_len > 0 && memcmp(x->xml, y->xml, x->xml_len) != 0) ||
		    (x->inv == NULL) != (y->inv == NULL) ||
		    (x->inv != NULL && !same_str(x->inv->number, y->inv->number)))
			complain(file, "an invoice found");
	}
}

/* same_head - what the message's own header says, read from the two heads */
static void
same_head(const char *file, const struct mime_head *a, const struct mime_head *b)
{
	static const char *const names[] = {
		"From", "To", "Subject", "Date", "X-Postsale-Onboarding", "X-Postsale-Renewal",
	};
	char *x = mime_head_message_id(a), *y = mime_head_message_id(b);

	if (!same_str(x, y) || !same_str(mime_head_subject(a), mime_head_subject(b)) ||
	    !same_str(mime_head_content(a, "Content-Language"), mime_head_content(b, "Content-Language")))
		complain(file, "the Subject, Message-Id or Content-Language");
	g_free(x);
	g_free(y);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!same_str(mime_head_get(a, names[i]), mime_head_get(b, names[i])))
			complain(file, names[i]);
	for (int t = GMIME_ADDRESS_TYPE_SENDER; t <= GMIME_ADDRESS_TYPE_BCC; t++) {
		InternetAddressList *la = mime_head_addresses(a, t), *lb = mime_head_addresses(b, t);

		x = internet_address_list_to_string(la, NULL, FALSE);
		y = internet_address_list_to_string(lb, NULL, FALSE);
		if (!same_str(x, y))
			complain(file, "an address list");
		g_free(x);
		g_free(y);
		g_object_unref(la);
		g_object_unref(lb);
	}
}

/* one - read the message in file both ways; 1 if the skeleton served it, 0 if not, -1
 * if the file cannot be read */
static int
one(const char *file)
{
	gchar *text;
	gsize len;
	GMimeStream *st;
	GMimeParser *p;
	GMimeObject *top;
	mime_tree t;
	struct mime_head ha, hb;
	inv_found_list a = {0}, b = {0};
	char why[200], *ta, *tb;
	int served = 0;

	if (!g_file_get_contents(file, &text, &len, NULL))
		return -1;
	st = g_mime_stream_mem_new_with_buffer(text, len);
	p = g_mime_parser_new_with_stream(st);
	top = g_mime_parser_construct_part(p, NULL);
	g_object_unref(p);
	g_object_unref(st);
	if (top != NULL && mime_scan(text, len, &t, why, sizeof(why)) == 0) {
		if (mime_plain_upto(text, len, &t, (int)t.nparts - 1)) {
			size_t bad;

			plain++;	/* the note trusts the scan here without GMime's check */
			if (!mime_scan_agrees_with(top, &t) || !test_same_windows(top, &t, &bad))
				complain(file, "the plain structure (mime_plain.h)");
		}
		if (mime_find_usable(&t)) {
			served = 1;
			inv_find_in_message(top, NULL, &a);
			mime_find_invoices(text, &t, NULL, &b);
			same_found(file, &a, &b);
			ta = mime_text_body(top, 0);
			tb = mime_text_body_scan(text, &t, 0);
			if (!same_str(ta, tb))
				complain(file, "the body text");
			free(ta);
			free(tb);
			mime_head_of_top(&ha, top);
			if (mime_head_of_bytes(&hb, text, len)) {
				same_head(file, &ha, &hb);
				mime_head_done(&hb);
			}
			inv_found_list_clear(&a);
			inv_found_list_clear(&b);
		}
		mime_tree_clear(&t);
	}
	if (top != NULL)
		g_object_unref(top);
	g_free(text);
	return served;
}

int
main(int argc, char **argv)
{
	int served = 0, rc;

	g_mime_init();
	for (int i = 1; i < argc; i++) {
		if ((rc = one(argv[i])) < 0) {
			fprintf(stderr, "mime_diff: cannot read %s\n", argv[i]);
			return 2;
		}
		served += rc;
	}
	printf("mime_diff: %d messages, %d read through the skeleton too, %d of a plain "
	    "structure, %s\n", argc - 1, served, plain,
	    differ ? "DISAGREEING" : "every reading the same");
	g_mime_shutdown();
	return differ ? 1 : 0;
}

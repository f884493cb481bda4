/*
 * test_invoice_mail.h - the invoice mail of the pipeline's suites (check_filter,
 * check_apply): the official EN 16931 example ubl-tc434-example2.xml from the corpus
 * (POSTSALE_CORPUS), whose official verdict is CLEAN, attached to a mail from
 * alice@example.com to john@buyercompany.no; altering BT-115 by 0.01 fires BR-CO-16.
 */
#ifndef PS_TEST_INVOICE_MAIL_H
#define PS_TEST_INVOICE_MAIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_files.h"
#include "util/xalloc.h"

static char *invoice_xml;		/* the corpus file, or NULL */

/* load_invoice - the corpus invoice into invoice_xml; NULL (the suite named in a
 * message on stderr) where the corpus is absent; called before the tests run, so an
 * unreadable file ends the suite here */
static void
load_invoice(const char *suite)
{
	char path[4096];
	size_t len;
	FILE *fp;

	if (test_corpus_path(path, sizeof(path), "en16931/ubl-examples/ubl-tc434-example2.xml",
	    suite, "invoice cases") == NULL)
		return;
	invoice_xml = xmalloc(128 * 1024 + 1);
	if ((fp = fopen(path, "rb")) == NULL ||
	    (len = fread(invoice_xml, 1, 128 * 1024, fp), !feof(fp) || ferror(fp))) {
		fprintf(stderr, "%s: cannot read %s whole\n", suite, path);
		exit(EXIT_FAILURE);
	}
	invoice_xml[len] = '\0';
	fclose(fp);
}

/* invoice_mail - a message carrying the corpus invoice (BT-115 replaced by payable);
 * caller frees */
static char *
invoice_mail(const char *payable)
{
	char *xml = xstrdup(invoice_xml), *p, *mail;

	if (payable != NULL) {
		p = strstr(xml, ">801.78</cbc:PayableAmount>");
		ck_assert_ptr_nonnull(p);
		memcpy(p + 1, payable, 6);
	}
	mail = xasprintf("From: Alice <alice@example.com>\r\nTo: John <john@buyercompany.no>\r\n"
	    "Subject: Your invoice\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nPlease find it attached.\r\n"
	    "--b\r\nContent-Type: application/xml\r\nContent-Disposition: attachment; filename=\"i.xml\"\r\n\r\n"
	    "%s\r\n--b--\r\n", xml);
	free(xml);
	return mail;
}

#endif

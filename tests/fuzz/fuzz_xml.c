/*
 * fuzz_xml.c - libFuzzer target for the XML path: inv_parse() then inv_check(), and
 * the exact decimals on their own.
 *
 * Also differential: xmlsafe_stream() must tell a sink that can be reset (and so may
 * be spared base64 runs, xmlskip.h; built with a small XMLSKIP_MIN here; the fast
 * reader turned off) the same events, verdict and reason as one that cannot (abort
 * otherwise). And one-sided: whenever the fast reader (xmlfast.h) takes the input,
 * libxml2's full parse must accept it and tell the same events (abort otherwise).
 *
 * The input is untrusted XML of any shape; the engine must return a status (never
 * crash, hang or grow without bound) and, for an invoice, run every check. A short
 * input is also read as a decimal: if dec_parse() takes it, formatting and parsing
 * again must give the same value, and x + y - y, x * 1 and x / 1 must be x exactly
 * (abort otherwise, so that the fuzzer reports it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/dec.h"
#include "invoice/inv.h"
#include "invoice/inv_severity.h"
#include "invoice/xmlfast.h"
#include "invoice/xmlsafe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A digest of what a sink was told: texts told in pieces count as one. */
struct told {
	uint64_t h;
	int in_text;		/* the last event was text: 1, under preserve: 2 */
};

static void mix(struct told *t, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t->h = (t->h ^ ((const unsigned char *)p)[i]) * 1099511628211u;
}

static void told_start(void *user, const xmlChar *localname, const xmlChar *uri,
		       int nb_attributes, const xmlChar **attributes)
{
	struct told *t = user;

	t->in_text = 0;
	mix(t, "<", 1);
	mix(t, localname, strlen((const char *)localname) + 1);
	if (uri != NULL)
		mix(t, uri, strlen((const char *)uri) + 1);
	for (int i = 0; i < nb_attributes; i++, attributes += 5) {
		mix(t, attributes[0], strlen((const char *)attributes[0]) + 1);
		if (attributes[1] != NULL)
			mix(t, attributes[1], strlen((const char *)attributes[1]) + 1);
		if (attributes[2] != NULL)
			mix(t, attributes[2], strlen((const char *)attributes[2]) + 1);
		mix(t, "=", 1);
		mix(t, attributes[3], (size_t)(attributes[4] - attributes[3]));
	}
}

static void told_end(void *user)
{
	((struct told *)user)->in_text = 0;
	mix(user, ">", 1);
}

static void told_text(void *user, const xmlChar *s, int len, int preserve)
{
	struct told *t = user;

	if (t->in_text != (preserve ? 2 : 1))
		mix(t, preserve ? "[p" : "[", preserve ? 2 : 1);
	t->in_text = preserve ? 2 : 1;
	mix(t, s, (size_t)len);
}

static void told_other(void *user)
{
	((struct told *)user)->in_text = 0;
	mix(user, "!", 1);
}

static void told_reset(void *user)
{
	struct told *t = user;

	t->h = 14695981039346656037u;
	t->in_text = 0;
}

/* same_told - the two sinks are told the same; abort otherwise */
static void same_told(const uint8_t *data, size_t size)
{
	static const struct xmlsafe_sax reads_all = {
		.start = told_start, .end = told_end, .text = told_text, .other = told_other,
	};
	static const struct xmlsafe_sax may_skip = {
		.start = told_start, .end = told_end, .text = told_text, .other = told_other,
		.reset = told_reset,
	};
	struct told a = { 14695981039346656037u, 0 }, b = { 14695981039346656037u, 0 },
		    c = { 14695981039346656037u, 0 };
	char err_a[256] = "", err_b[256] = "";
	xmlDictPtr da = NULL, db = NULL, dc = NULL;
	int rc_a, rc_b, fast;

	rc_a = xmlsafe_stream((const char *)data, size, 0, 0, &reads_all, &a, &da, NULL,
			      err_a, sizeof(err_a));
	xmlsafe_set_fast(0);
	rc_b = xmlsafe_stream((const char *)data, size, 0, 0, &may_skip, &b, &db, NULL,
			      err_b, sizeof(err_b));
	xmlsafe_set_fast(1);
	xmlsafe_init();
	fast = size > 0 && xmlfast_read((const char *)data, size, 0, &may_skip, &c, &dc) ==
		XMLFAST_OK;
	if (da != NULL)
		xmlDictFree(da);
	if (db != NULL)
		xmlDictFree(db);
	if (dc != NULL)
		xmlDictFree(dc);
	if (rc_a != rc_b || strcmp(err_a, err_b) != 0 || (rc_a == XMLSAFE_OK && a.h != b.h))
		abort();
	if (fast && (rc_a != XMLSAFE_OK || a.h != c.h))
		abort();	/* the fast reader took what libxml2 refuses or tells otherwise */
	if (fast != (dc != NULL))
		abort();
}

/* dec_identities - the round trip and identities of one decimal; abort on a breach */
static void dec_identities(const uint8_t *data, size_t size)
{
	char text[512], buf[DEC_FMT_LEN];
	dec_t x, y, r, back;

	if (size >= sizeof(text))
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (dec_parse(text, &x) != 0)
		return;
	dec_fmt(x, buf, sizeof(buf));
	if (dec_parse(buf, &back) != 0 || dec_cmp(back, x) != 0 || back.scale != x.scale)
		abort();
	y = dec_from_scaled(-123456789, 4);
	if (dec_add_ok(x, y, &r) == 0 && dec_sub_ok(r, y, &r) == 0 && dec_cmp(r, x) != 0)
		abort();
	if (dec_mul(x, dec_from_int(1), &r) == 0 && dec_cmp(r, x) != 0)
		abort();
	if (dec_div(x, dec_from_int(1), x.scale, &r) == 0 && dec_cmp(r, x) != 0)
		abort();
	if (dec_cmp(dec_round(x, x.scale), x) != 0 || dec_sign(dec_neg(x)) != -dec_sign(x))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inv_invoice *inv = NULL;
	char err[256];
	char *raise[] = { "PS-LINE-NET" };

	dec_identities(data, size);
	same_told(data, size);
	if (inv_parse((const char *)data, size, &inv, err, sizeof(err)) == INV_OK) {
		inv_findings *f = inv_findings_new();

		inv_check(inv, f);
		inv_findings_apply_severity(f, raise, 1);
		(void)inv_findings_flagged(f);
		inv_findings_free(f);
	}
	inv_free(inv);
	return 0;
}

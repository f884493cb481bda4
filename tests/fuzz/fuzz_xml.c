/*
 * fuzz_xml.c - libFuzzer target for the XML path: inv_parse() then inv_check(), and
 * the exact decimals on their own.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

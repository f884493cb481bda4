/*
 * fuzz_xml.c - libFuzzer target for the XML path: inv_parse() then inv_check().
 *
 * The input is untrusted XML of any shape; the engine must return a status (never
 * crash, hang or grow without bound) and, for an invoice, run every check.
 */
#include <stddef.h>
#include <stdint.h>

#include "inv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inv_invoice *inv = NULL;
	char err[256];

	if (inv_parse((const char *)data, size, &inv, err, sizeof(err)) == INV_OK) {
		inv_findings *f = inv_findings_new();

		inv_check(inv, f);
		(void)inv_findings_flagged(f);
		inv_findings_free(f);
	}
	inv_free(inv);
	return 0;
}

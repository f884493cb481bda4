/*
 * fuzz_pdf.c - libFuzzer target for the PDF path: pdfx_extract(), then inv_parse()
 * and inv_check() on the attachment it returns.
 *
 * The input is an untrusted PDF; limits are smaller than the defaults so that the
 * fuzzer explores instead of allocating.
 */
#include <stddef.h>
#include <stdint.h>

#include "invoice/inv.h"
#include "invoice/pdfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pdfx_attachment a;
	inv_invoice *inv = NULL;
	char err[256];

	if (pdfx_extract(data, size, 4 * 1024 * 1024, 1024 * 1024, &a, err, sizeof(err)) != PDFX_OK)
		return 0;
	if (inv_parse((const char *)a.data, a.len, &inv, err, sizeof(err)) == INV_OK) {
		inv_findings *f = inv_findings_new();

		inv_check(inv, f);
		inv_findings_free(f);
	}
	inv_free(inv);
	pdfx_attachment_clear(&a);
	return 0;
}

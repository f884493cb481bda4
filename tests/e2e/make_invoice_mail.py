#!/usr/bin/env python3
"""make_invoice_mail.py - an outbound invoice mail built from a corpus invoice, with one
controlled change, written with Python's email package (an independent MIME writer).

usage: make_invoice_mail.py XML OUT [--number N] [--payable AMOUNT] [--iban IBAN]
       [--to ADDR] [--spoof VALUE] [--body TEXT] [--message-id ID] [--embed-bytes N]

The changes are textual edits of the official UBL example: the first cbc:ID (BT-1),
cbc:PayableAmount (BT-115) and the PayeeFinancialAccount's cbc:ID (BT-84). Nothing else
in the XML changes, so every other check sees the official, clean invoice.
--embed-bytes N embeds a document of N bytes (base64) the way invoices carry their PDF
rendering (cac:AdditionalDocumentReference, BG-24), to make a larger, realistic invoice.
"""
import argparse
import base64
import re
from email.message import EmailMessage
from email.policy import SMTP


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("xml")
    ap.add_argument("out")
    ap.add_argument("--number")
    ap.add_argument("--payable")
    ap.add_argument("--iban")
    ap.add_argument("--to", default="John <john@buyercompany.no>")
    ap.add_argument("--spoof")
    ap.add_argument("--body")
    ap.add_argument("--message-id", default="invoice@example.com")
    ap.add_argument("--embed-bytes", type=int, default=0)
    a = ap.parse_args()

    xml = open(a.xml, "rb").read().decode("utf-8")
    number = re.search(r"<cbc:ID>([^<]*)</cbc:ID>", xml).group(1)
    if a.number:
        xml = xml.replace("<cbc:ID>%s</cbc:ID>" % number, "<cbc:ID>%s</cbc:ID>" % a.number, 1)
        number = a.number
    payable = re.search(r"<cbc:PayableAmount currencyID=\"(\w+)\">([^<]*)<", xml)
    currency, amount = payable.group(1), payable.group(2)
    if a.payable:
        xml = xml.replace(payable.group(0), payable.group(0).replace(">%s<" % amount, ">%s<" % a.payable))
        amount = a.payable
    if a.iban:
        xml = re.sub(r"(<cac:PayeeFinancialAccount>\s*<cbc:ID>)[^<]*(</cbc:ID>)",
                     lambda m: m.group(1) + a.iban + m.group(2), xml, count=1)

    if a.embed_bytes:
        blob = base64.b64encode(bytes((i * 7919) % 251 for i in range(a.embed_bytes))).decode()
        doc = ("<cac:AdditionalDocumentReference><cbc:ID>rendering</cbc:ID>"
               "<cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" "
               "filename=\"invoice.pdf\">%s</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>"
               "</cac:AdditionalDocumentReference>\n    " % blob)
        xml = xml.replace("<cac:AccountingSupplierParty>", doc + "<cac:AccountingSupplierParty>", 1)

    m = EmailMessage(policy=SMTP)
    m["From"] = "Alice Accounts <alice@example.com>"
    m["To"] = a.to
    m["Subject"] = "Invoice %s" % number
    m["Message-ID"] = "<%s>" % a.message_id
    m["Date"] = "Sun, 22 Nov 2026 09:00:00 +0000"
    if a.spoof:
        m["X-Postsale-Invoice"] = a.spoof
    m.set_content(a.body if a.body is not None else
                  "Dear John,\n\nplease find attached invoice %s.\n"
                  "Amount due: %s %s\n\nKind regards,\nAlice\n" % (number, amount, currency))
    m.add_attachment(xml.encode("utf-8"), maintype="application", subtype="xml",
                     filename="invoice-%s.xml" % number)
    open(a.out, "wb").write(m.as_bytes())


if __name__ == "__main__":
    main()

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


def build(xml, number=None, payable=None, iban=None, to="John <john@buyercompany.no>",
          spoof=None, body=None, message_id="invoice@example.com", embed_bytes=0):
    """The invoice mail (bytes) of the UBL text xml with the changes asked for."""
    orig = re.search(r"<cbc:ID>([^<]*)</cbc:ID>", xml).group(1)
    if number:
        xml = xml.replace("<cbc:ID>%s</cbc:ID>" % orig, "<cbc:ID>%s</cbc:ID>" % number, 1)
    else:
        number = orig
    found = re.search(r"<cbc:PayableAmount currencyID=\"(\w+)\">([^<]*)<", xml)
    currency, amount = found.group(1), found.group(2)
    if payable:
        xml = xml.replace(found.group(0), found.group(0).replace(">%s<" % amount, ">%s<" % payable))
        amount = payable
    if iban:
        xml = re.sub(r"(<cac:PayeeFinancialAccount>\s*<cbc:ID>)[^<]*(</cbc:ID>)",
                     lambda m: m.group(1) + iban + m.group(2), xml, count=1)

    if embed_bytes:
        blob = base64.b64encode(bytes((i * 7919) % 251 for i in range(embed_bytes))).decode()
        doc = ("<cac:AdditionalDocumentReference><cbc:ID>rendering</cbc:ID>"
               "<cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode=\"application/pdf\" "
               "filename=\"invoice.pdf\">%s</cbc:EmbeddedDocumentBinaryObject></cac:Attachment>"
               "</cac:AdditionalDocumentReference>\n    " % blob)
        xml = xml.replace("<cac:AccountingSupplierParty>", doc + "<cac:AccountingSupplierParty>", 1)

    m = EmailMessage(policy=SMTP)
    m["From"] = "Alice Accounts <alice@example.com>"
    m["To"] = to
    m["Subject"] = "Invoice %s" % number
    m["Message-ID"] = "<%s>" % message_id
    m["Date"] = "Sun, 22 Nov 2026 09:00:00 +0000"
    if spoof:
        m["X-Postsale-Invoice"] = spoof
    m.set_content(body if body is not None else
                  "Dear John,\n\nplease find attached invoice %s.\n"
                  "Amount due: %s %s\n\nKind regards,\nAlice\n" % (number, amount, currency))
    m.add_attachment(xml.encode("utf-8"), maintype="application", subtype="xml",
                     filename="invoice-%s.xml" % number)
    return m.as_bytes()


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
    out = build(xml, number=a.number, payable=a.payable, iban=a.iban, to=a.to, spoof=a.spoof,
                body=a.body, message_id=a.message_id, embed_bytes=a.embed_bytes)
    open(a.out, "wb").write(out)


if __name__ == "__main__":
    main()

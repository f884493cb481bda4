#!/usr/bin/env python3
"""make_messages.py DIR - write the test messages of the transparency scenario into DIR.

Each is built with Python's email package (an independent MIME writer), so the milter
is tested on shapes it did not produce itself: plain ASCII, 8-bit UTF-8, long lines,
a multipart with a base64 attachment, quoted-printable, and folded headers.
"""
import os
import sys
from email.message import EmailMessage
from email.policy import SMTP


def base(subject, to="Bob <bob@customer.example>"):
    m = EmailMessage(policy=SMTP)
    m["From"] = "Alice <alice@example.com>"
    m["To"] = to
    m["Subject"] = subject
    m["Message-ID"] = "<%s@example.com>" % subject.replace(" ", "-")
    m["Date"] = "Sun, 22 Nov 2026 09:00:00 +0000"
    return m


def main():
    out = sys.argv[1]
    msgs = {}
    m = base("plain")
    m.set_content("Hello Bob,\n\nthe quarterly report is attached.\n\n-- \nAlice\n")
    msgs["plain"] = m
    m = base("utf8 body")
    m.set_content("Grüße aus Köln – 10 € pro Stück.\n", cte="8bit")
    msgs["utf8"] = m
    m = base("long lines")
    m.set_content(("x" * 900 + "\n") * 3, cte="7bit")
    msgs["long"] = m
    m = base("attachment")
    m.set_content("See the attachment.\n")
    m.add_attachment(bytes(range(256)) * 40, maintype="application",
                     subtype="octet-stream", filename="data.bin")
    msgs["attachment"] = m
    m = base("quoted printable")
    m.set_content("Ein Satz mit Umlauten: äöü, und eine sehr lange Zeile " * 4 + "\n",
                  cte="quoted-printable")
    msgs["qp"] = m
    m = base("folded header " + "word " * 30)
    m.set_content("Folded subject.\n")
    msgs["folded"] = m
    for name, m in msgs.items():
        with open(os.path.join(out, name + ".eml"), "wb") as f:
            f.write(m.as_bytes())


if __name__ == "__main__":
    main()

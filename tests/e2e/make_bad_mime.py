#!/usr/bin/env python3
"""make_bad_mime.py DIR - hostile and broken messages for tests/e2e/badmime.sh.

Each is outbound onboarding mail (X-Postsale-Onboarding), so the filter tries to write
a note into it, except garbage-pdf, plain mail with an attachment named invoice.pdf that
is not a PDF (an ordinary attachment: it must pass untouched); the name says what is
wrong. Written byte by byte: no MIME library
would produce most of them.
"""
import os
import sys

HEAD = ("From: Alice <alice@example.com>\r\nTo: Dan <dan@customer.example>\r\n"
        "Subject: {name}\r\nMessage-ID: <{name}@example.com>\r\n"
        "Date: Sun, 22 Nov 2026 09:00:00 +0000\r\nX-Postsale-Onboarding: yes\r\nMIME-Version: 1.0\r\n")


def write(d, name, ctype, body, onboarding=True):
    head = HEAD.format(name=name)
    if not onboarding:
        head = head.replace("X-Postsale-Onboarding: yes\r\n", "")
    data = (head + "Content-Type: " + ctype + "\r\n\r\n").encode() + body
    open(os.path.join(d, name + ".eml"), "wb").write(data)


def main():
    d = sys.argv[1]
    part = b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Dan.\r\n"
    write(d, "truncated", 'multipart/mixed; boundary="b1"',
          part + b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
          b"Content-Transfer-Encoding: quoted-printable\r\n\r\nThe second part breaks off in the mid=")
    write(d, "wrong-boundary", 'multipart/mixed; boundary="nothere"',
          part + b"--b1--\r\n")
    write(d, "garbage-pdf", 'multipart/mixed; boundary="b1"',
          part + b"--b1\r\nContent-Type: application/pdf; name=invoice.pdf\r\n"
          b"Content-Disposition: attachment; filename=invoice.pdf\r\n"
          b"Content-Transfer-Encoding: base64\r\n\r\n%%%% not base64 at all !!!! ****\r\n--b1--\r\n",
          onboarding=False)
    write(d, "unknown-charset", "text/plain; charset=x-no-such-charset",
          b"Hello Dan, in a charset nobody knows: \xe9\xe8.\r\n")
    write(d, "html-no-body-end", "text/html; charset=utf-8",
          b"<html><body><p>Hello Dan.</p>\r\n")
    write(d, "big-text-part", "text/plain; charset=utf-8",
          (b"A line of a very long welcome letter, repeated to make ten megabytes.\r\n" * 150000))


if __name__ == "__main__":
    main()

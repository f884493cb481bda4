#!/usr/bin/env python3
"""same_message.py ORIGINAL DELIVERED - exit 0 when DELIVERED carries ORIGINAL unchanged.

Compares bytes, not parsed structure: the original's header lines stand in the same
order in the delivered header block (Postfix may only add its own trace lines in front:
Return-Path, X-Original-To, Delivered-To, Received), and the body is byte-identical. Line ends are
compared after the CRLF -> LF that SMTP delivery into a Maildir does (RFC 5321 2.3.8).
"""
import sys


def split(data):
    data = data.replace(b"\r\n", b"\n")
    head, sep, body = data.partition(b"\n\n")
    if not sep:
        return data, b""
    return head + b"\n", body


def main():
    orig = open(sys.argv[1], "rb").read()
    got = open(sys.argv[2], "rb").read()
    ohead, obody = split(orig)
    ghead, gbody = split(got)
    if not ghead.endswith(ohead):
        print("header block differs:\n--- original\n%r\n--- delivered\n%r" % (ohead, ghead))
        return 1
    added = ghead[: len(ghead) - len(ohead)].decode("ascii", "replace")
    # what Postfix adds in front must be trace lines only
    for line in added.splitlines():
        if line[:1] in (" ", "\t"):
            continue
        name = line.split(":", 1)[0].lower()
        if name not in ("return-path", "x-original-to", "delivered-to", "received"):
            print("unexpected header added in front: %r" % line)
            return 1
    # SMTP needs the data to end in CRLF: a body without a final newline gains one
    if gbody != obody and gbody != obody + b"\n":
        print("body differs: %d bytes sent, %d delivered" % (len(obody), len(gbody)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""dkim_verify.py MESSAGE DNS_TXT_FILE - exit 0 when MESSAGE's DKIM signature verifies.

The verifier is Debian's python3-dkim (dkimpy), independent of OpenDKIM that signed.
There is no DNS here: the public key record that opendkim-genkey wrote (selector.txt)
is served to the verifier through its dnsfunc hook.
"""
import re
import sys

import dkim


def main():
    msg = open(sys.argv[1], "rb").read()
    # Maildir delivery stores LF; the signature covers the CRLF form SMTP carried.
    msg = re.sub(rb"\r?\n", b"\r\n", msg)
    txt = open(sys.argv[2]).read()
    record = "".join(re.findall(r'"([^"]*)"', txt)).encode()

    def dnsfunc(name, timeout=5):
        return record

    ok = dkim.verify(msg, dnsfunc=dnsfunc)
    print("DKIM signature %s" % ("verifies" if ok else "does NOT verify"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

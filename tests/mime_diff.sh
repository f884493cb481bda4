#!/bin/sh
# mime_diff.sh - the filter's two readings of a message held equal on mail it never
# wrote (tests/unit/mime_diff.c): GMime's parse, and the skeleton the filter reads
# parts from where its scan takes the message (filter.h: struct filter_view).
#
# The messages: the hostile and broken ones of tests/e2e/make_bad_mime.py, the
# transparency scenario's (make_messages.py), and, when the corpus is present, each of
# its invoices (XML and Factur-X PDF) attached by Python's email package in several
# shapes: a plain mixed message, text and HTML alternatives with an RFC 2231 file
# name, the XML as a quoted-printable or 7bit text part, a name only on the type, CR LF
# and LF line ends, and an attached message holding the invoice (the skeleton must
# leave that one to GMime). Exit status: 0 pass, 1 a reading differs, 99 hard error.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${PYTHON:=python3}"
diff="$top_builddir/tests/unit/mime_diff"
if [ ! -x "$diff" ]; then
  echo "mime_diff: $diff is not built" >&2
  exit 99
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mime_diff.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
"$PYTHON" "$top_srcdir/tests/e2e/make_bad_mime.py" "$tmp" || exit 99
"$PYTHON" "$top_srcdir/tests/e2e/make_messages.py" "$tmp" || exit 99
corpus="${POSTSALE_CORPUS:-}"
if [ -z "$corpus" ] || [ ! -d "$corpus" ]; then
  echo "mime_diff: corpus ${corpus:-(not set)} absent: only the hostile and scenario messages"
else
  "$PYTHON" - "$corpus" "$tmp" <<'PY' || exit 99
import os, sys
from email.message import EmailMessage
from email.policy import SMTP, default

corpus, out = sys.argv[1], sys.argv[2]
files = []
for root, _, names in os.walk(corpus):
    for n in sorted(names):
        if n.endswith((".xml", ".pdf")):
            files.append(os.path.join(root, n))
files.sort()


def base(i):
    m = EmailMessage(policy=SMTP)
    m["From"] = "Alice <alice@example.com>"
    m["To"] = "Bob <bob@customer.example>, =?utf-8?q?J=C3=B6rg?= <j@customer.example>"
    m["Subject"] = "Rechnung %d f\u00fcr M\u00e4rz" % i
    m["Message-ID"] = "<diff-%d@example.com>" % i
    m["Content-Language"] = "de"
    return m


def write(name, m, lf=False):
    data = m.as_bytes()
    if lf:
        data = data.replace(b"\r\n", b"\n")
    with open(os.path.join(out, name + ".eml"), "wb") as f:
        f.write(data)


for i, path in enumerate(files):
    data = open(path, "rb").read()
    pdf = path.endswith(".pdf")
    sub = ("application", "pdf") if pdf else ("application", "xml")
    name = os.path.basename(path)
    # 1: text and the invoice in base64
    m = base(i)
    m.set_content("Dear Bob,\n\nplease find the invoice attached.\n")
    m.add_attachment(data, maintype=sub[0], subtype=sub[1], filename=name)
    write("c%d-mixed" % i, m, lf=(i % 3 == 0))
    # 2: text and HTML alternatives, an RFC 2231 name
    m = base(i)
    m.set_content("Guten Tag,\n\nanbei die Rechnung \u00fcber 10 \u20ac.\n")
    m.add_alternative("<p>Guten Tag,</p><p>anbei die Rechnung &uuml;ber 10&nbsp;&euro;.</p>",
                      subtype="html")
    m.add_attachment(data, maintype=sub[0], subtype=sub[1], filename="Rechnung \u00fc %d%s" %
                     (i, ".pdf" if pdf else ".xml"))
    write("c%d-alt" % i, m)
    if not pdf and i % 4 == 0:
        # 3: the XML as text, quoted-printable or 7bit, a name on the type only
        m = base(i)
        m.set_content("Invoice below.\n")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            m.add_attachment(text, subtype="xml", cte="quoted-printable", filename=name)
            write("c%d-qp" % i, m)
            raw = (b"From: a@example.com\r\nMIME-Version: 1.0\r\n"
                   b"Content-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n--xx\r\n"
                   b"Content-Type: text/plain\r\n\r\nhi\r\n--xx\r\n"
                   b"Content-Type: text/xml; name=\"" + name.encode() + b"\"\r\n\r\n" +
                   data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n") + b"\r\n--xx--\r\n")
            open(os.path.join(out, "c%d-7bit.eml" % i), "wb").write(raw)
    if i % 10 == 0:
        # 4: forwarded: the invoice inside an attached message
        inner = base(i)
        inner.set_content("original\n")
        inner.add_attachment(data, maintype=sub[0], subtype=sub[1], filename=name)
        m = base(i)
        m.set_content("Forwarded.\n")
        m.add_attachment(inner)
        write("c%d-fwd" % i, m)
PY
fi
n=$(ls "$tmp" | wc -l)
# shellcheck disable=SC2046
"$diff" "$tmp"/*.eml
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "mime_diff: FAIL ($n messages)"
  exit 1
fi

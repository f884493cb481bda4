#!/usr/bin/env python3
# verify.py - check lib/note's thank-you note injection with an independent MIME parser
# (Python's email package, nothing else).
#
# For every message shape below (each in LF and CRLF form, the note at the bottom and at
# the top) it runs tests/note/note-inject and checks, reading input and output with
# Python's email package:
#   - the note is in each body part that must take it exactly once, and in no other part
#     (decoded content); the body's original text is still all there;
#   - every other part has the same headers and the same raw payload, byte for byte, and
#     its decoded bytes are the same; multipart preambles and epilogues are the same;
#   - outside the changed parts the message is byte-identical (raw bytes compared);
#   - the content-type tree is unchanged; every line is <= 998 octets, and the lines of
#     quoted-printable parts <= 76;
#   - HTML: the note sits inside <body>, never after </html>;
#   - shapes that must not be touched (signed, encrypted, broken MIME ...) come back
#     unchanged with a reason.
# Expectations come from the rules in issue 5 and RFC 2045/2046, not from our output.
# Prints one line per case and "verify.py: N cases, M failed"; exit 1 if any failed.
import email
import email.policy
import html as htmlmod
import os
import re
import subprocess
import sys
import tempfile

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
TOP_SRCDIR = os.environ.get("top_srcdir", os.path.join(os.path.dirname(__file__), "..", ".."))
DRIVER = os.environ.get("NOTE_INJECT", os.path.join(TOP_BUILDDIR, "tests", "note", "note-inject"))

TEXT_NOTE = "Vielen Dank, Zo\u00eb! NOTE-SENTINEL-T\nWe value your business.\n"
HTML_NOTE = ('<div class="ps-note"><p>Danke, Zo\u00eb &amp; Co \u2014 NOTE-SENTINEL-H</p>\n'
             '<p>We value your business.</p></div>\n')
T_SENT = "NOTE-SENTINEL-T"
H_SENT = "NOTE-SENTINEL-H"

B64_PDF = ("JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcgo8"
           "PC9Sb290IDEgMCBSPj4KJSVFT0YK")
B64_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def b64_lines(data):
    import base64
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


HDR = "From: Billing <billing@example.com>\nTo: Zoe <zoe@customer.example>\nSubject: Invoice R-1\nMessage-ID: <m1@example.com>\nDate: Mon, 3 Mar 2025 10:00:00 +0100\nMIME-Version: 1.0\n"

SHAPES = {}

SHAPES["text_ascii"] = (HDR + "Content-Type: text/plain\n\nHello Zoe,\n\nplease find the invoice attached.\n\nRegards\nBilling\n",
                        {"targets": [""]})
SHAPES["text_utf8_8bit"] = (HDR + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                            "Gr\u00fc\u00dfe, Zo\u00eb,\n\nanbei die Rechnung.\n", {"targets": [""]})
SHAPES["text_no_headers"] = ("From: a@example.com\nTo: b@example.org\nSubject: plain\n\nJust text.\n", {"targets": [""]})
SHAPES["html_only"] = (HDR + "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                       "<!DOCTYPE html>\n<html><head><title>x</title></head>\n<BODY style=\"x\">\n<p>Gr\u00fc\u00dfe</p>\n</Body>\n</html>\n",
                       {"targets": [""]})
SHAPES["html_fragment"] = (HDR + "Content-Type: text/html; charset=utf-8\n\n<p>Hello</p>\n", {"targets": [""]})
SHAPES["alternative"] = (HDR + 'Content-Type: multipart/alternative; boundary="alt-1"\n\n'
                         "This is a multi-part message in MIME format.\n"
                         "--alt-1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                         "Gr=C3=BC=C3=9Fe Zo=C3=AB,=20\nthe invoice is attached. A soft=\n break here.\n"
                         "--alt-1\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                         "<html><body><p>Gr=C3=BC=C3=9Fe Zo=C3=AB</p></body></html>\n"
                         "--alt-1--\n", {"targets": ["1", "2"]})
SHAPES["mixed_attachments"] = (HDR + 'Content-Type: multipart/mixed; boundary="mix"\n\n'
                               "--mix\nContent-Type: multipart/alternative; boundary=\"alt\"\n\n"
                               "--alt\nContent-Type: text/plain; charset=us-ascii\n\nHello,\ninvoice attached.\n"
                               "--alt\nContent-Type: text/html; charset=us-ascii\n\n<html><body><p>Hello</p></body></html>\n"
                               "--alt--\n"
                               "--mix\nContent-Type: application/pdf; name=\"R-1.pdf\"\nContent-Disposition: attachment; filename=\"R-1.pdf\"\nContent-Transfer-Encoding: base64\n\n"
                               + B64_PDF + "\n"
                               "--mix\nContent-Type: text/plain; charset=utf-8\nContent-Disposition: attachment; filename=\"notes.txt\"\n\nnot the body\n"
                               "--mix\nContent-Type: image/png\nContent-Disposition: inline\nContent-Transfer-Encoding: base64\n\n"
                               + B64_PNG + "\n--mix--\n", {"targets": ["1.1", "1.2"]})
SHAPES["nested"] = (HDR + 'Content-Type: multipart/mixed; boundary="o"\n\npreamble text\n'
                    "--o\nContent-Type: multipart/alternative; boundary=\"a\"\n\n"
                    "--a\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                    + b64_lines("Hallo Zo\u00eb,\r\nanbei die Rechnung.\r\n".encode()) + "\n"
                    "--a\nContent-Type: multipart/related; boundary=\"r\"; type=\"text/html\"\n\n"
                    "--r\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                    + b64_lines("<html><body><img src=\"cid:logo\"><p>Hallo</p></body></html>\r\n".encode()) + "\n"
                    "--r\nContent-Type: image/png\nContent-ID: <logo>\nContent-Transfer-Encoding: base64\n\n" + B64_PNG + "\n"
                    "--r--\n--a--\n"
                    "--o\nContent-Type: message/rfc822\n\nFrom: x@y\nSubject: fwd\n\nforwarded body\n"
                    "--o\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
                    + b64_lines(bytes(range(256)) * 4) + "\n--o--\nepilogue\n", {"targets": ["1.1", "1.2.1"]})
SHAPES["base64_text"] = (HDR + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                         + b64_lines(("Sehr geehrte Frau Zo\u00eb,\r\n" + "anbei die Rechnung. " * 20 + "\r\n").encode()) + "\n",
                         {"targets": [""]})
SHAPES["qp_text"] = (HDR + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                     "Sehr geehrte Frau Zo=C3=AB,\nanbei die Rechnung =3D R-1.\nFrom here on a line.\n", {"targets": [""]})
SHAPES["latin1"] = (HDR + 'Content-Type: multipart/alternative; boundary="l1"\n\n'
                    "--l1\nContent-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe, Zo=EB\n"
                    "--l1\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n".encode().decode()
                    + "<html><body><p>Gr\u00fc\u00dfe</p></body></html>\n--l1--\n", {"targets": ["1", "2"], "charset": "latin-1"})
SHAPES["no_final_newline"] = (HDR + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nNo newline at the end", {"targets": [""]})
SHAPES["no_final_newline_mp"] = (HDR + 'Content-Type: multipart/mixed; boundary="n"\n\n--n\nContent-Type: text/plain\n\nshort\n--n--', {"targets": ["1"]})
SHAPES["long_lines"] = (HDR + 'Content-Type: multipart/alternative; boundary="ll"\n\n'
                        "--ll\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                        + "=\n".join(["word " * 15] * 40) + "\n"
                        "--ll\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                        + b64_lines(("<html><body>" + "<span>x</span>" * 500 + "</body></html>").encode()) + "\n--ll--\n",
                        {"targets": ["1", "2"]})
SHAPES["long_line_7bit"] = (HDR + "Content-Type: text/plain; charset=us-ascii\n\n" + "y" * 990 + "\n", {"targets": [""], "cte_change": True})
SHAPES["signed"] = (HDR + 'Content-Type: multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; boundary="s"\n\n'
                    "--s\nContent-Type: text/plain\n\nsigned text\n--s\nContent-Type: application/pgp-signature\n\n"
                    "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n--s--\n", {"unchanged": "signed"})
SHAPES["encrypted"] = (HDR + 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="e"\n\n'
                       "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--e\nContent-Type: application/octet-stream\n\n"
                       "-----BEGIN PGP MESSAGE-----\nabc\n-----END PGP MESSAGE-----\n--e--\n", {"unchanged": "encrypted"})
SHAPES["smime"] = (HDR + 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n',
                   {"unchanged": "pkcs7"})
SHAPES["inline_pgp"] = (HDR + "Content-Type: text/plain\n\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhi\n", {"unchanged": "PGP"})
SHAPES["calendar"] = (HDR + 'Content-Type: multipart/alternative; boundary="c"\n\n'
                      "--c\nContent-Type: text/plain; charset=utf-8\n\nMeeting invite\n"
                      "--c\nContent-Type: text/html; charset=utf-8\n\n<html><body>Meeting</body></html>\n"
                      "--c\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\n\nBEGIN:VCALENDAR\nVERSION:2.0\nMETHOD:REQUEST\nEND:VCALENDAR\n--c--\n",
                      {"targets": ["1", "2"]})
SHAPES["calendar_only"] = (HDR + "Content-Type: text/calendar; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n", {"unchanged": "no text/plain"})
SHAPES["attachment_first"] = (HDR + 'Content-Type: multipart/mixed; boundary="af"\n\n--af\nContent-Type: text/plain\nContent-Disposition: attachment; filename="a.txt"\n\nfile\n--af--\n',
                              {"unchanged": "no text/plain"})
SHAPES["bad_boundary"] = (HDR + 'Content-Type: multipart/mixed; boundary="bb"\n\n--bb\nContent-Type: text/plain\n\ntext\n--bbX\nmore\n--bb--\n', {"unchanged": "boundary"})
SHAPES["missing_close"] = (HDR + 'Content-Type: multipart/mixed; boundary="mc"\n\n--mc\nContent-Type: text/plain\n\ntext\n', {"unchanged": "closing boundary"})
SHAPES["unknown_charset"] = (HDR + "Content-Type: text/plain; charset=x-nobody-knows\n\ntext\n", {"unchanged": "unknown charset"})
SHAPES["garbage_base64"] = (HDR + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nSGVsbG8*&^%$\n", {"unchanged": "base64"})
SHAPES["html_no_body"] = (HDR + "Content-Type: text/html\n\n<html><p>unterminated\n", {"unchanged": "<html> but"})
SHAPES["marker_present"] = ("X-Postsale-Note: added\n" + HDR + "Content-Type: text/plain\n\nx\n", {"unchanged": "X-Postsale-Note"})
SHAPES["euro_in_latin1"] = (HDR + "Content-Type: text/plain; charset=iso-8859-1\n\nx\n", {"unchanged": "cannot hold", "text_note": "Danke: 5 \u20ac\n"})
SHAPES["reply_skipped"] = ("In-Reply-To: <a@b>\n" + HDR + "Content-Type: text/plain\n\nx\n", {"unchanged": "reply", "args": ["-r"]})
SHAPES["reply_allowed"] = ("In-Reply-To: <a@b>\n" + HDR + "Content-Type: text/plain\n\nx\n", {"targets": [""]})


def walk(msg, path=""):
    """(path, part) in pre-order; children of a multipart are path.1, path.2 ..."""
    yield path, msg
    if msg.is_multipart():
        for i, sub in enumerate(msg.get_payload(), 1):
            yield from walk(sub, (path + "." if path else "") + str(i))


def raw_bytes(s):
    return s.encode("ascii", "surrogateescape")


def raw_payload(part):
    """The part's payload bytes exactly as they were in the message (compat32 keeps
    them in _payload; get_payload() would decode 8-bit text by its charset)."""
    return raw_bytes(part._payload)


def decoded_text(part):
    data = part.get_payload(decode=True) or b""
    cs = part.get_content_charset() or "us-ascii"
    return data.decode(cs).replace("\r\n", "\n")


def squash(s):
    return [ln.rstrip() for ln in s.replace("\r\n", "\n").split("\n") if ln.strip()]


class Case:
    def __init__(self, name):
        self.name = name
        self.errors = []

    def check(self, cond, what):
        if not cond:
            self.errors.append(what)


def run_case(name, raw, exp, crlf, position, tmp):
    c = Case("%s %s %s" % (name, "crlf" if crlf else "lf", position))
    data = raw_bytes(raw) if all(ord(ch) < 128 for ch in raw) else None
    if data is None:
        cs = exp.get("charset", "utf-8")
        # Headers are ASCII; the body may carry 8-bit text in the part's charset.
        data = raw.encode(cs)
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    src = os.path.join(tmp, "in.eml")
    with open(src, "wb") as f:
        f.write(data)
    tn = os.path.join(tmp, "t.txt")
    hn = os.path.join(tmp, "h.html")
    with open(tn, "w", encoding="utf-8") as f:
        f.write(exp.get("text_note", TEXT_NOTE))
    with open(hn, "w", encoding="utf-8") as f:
        f.write(HTML_NOTE)
    args = [DRIVER, "-p", position, "-T", tn, "-H", hn] + exp.get("args", []) + [src]
    p = subprocess.run(args, capture_output=True)
    err = p.stderr.decode(errors="replace").strip()
    if "unchanged" in exp:
        c.check(p.returncode == 1, "want unchanged, got rc %d (%s)" % (p.returncode, err))
        c.check(exp["unchanged"] in err, "reason %r lacks %r" % (err, exp["unchanged"]))
        c.check(p.stdout == b"", "output on unchanged")
        return c
    c.check(p.returncode == 0, "want injected, got rc %d (%s)" % (p.returncode, err))
    if p.returncode != 0:
        return c
    out = p.stdout
    check_injected(c, data, out, exp, position, crlf)
    return c


def check_injected(c, data, out, exp, position, crlf):
    targets = set(exp["targets"])
    pin = email.message_from_bytes(data, policy=email.policy.compat32)
    pout = email.message_from_bytes(out, policy=email.policy.compat32)
    c.check(not pout.defects, "output defects %r" % pout.defects)
    tin = list(walk(pin))
    tout = list(walk(pout))
    c.check([(p, m.get_content_type()) for p, m in tin] == [(p, m.get_content_type()) for p, m in tout],
            "content-type tree changed")
    if len(tin) != len(tout):
        return
    # Top-level headers: the input's plus the marker; a top-level target may change
    # its Content-Transfer-Encoding / Content-Type (and gain MIME-Version).
    may_change = {"content-transfer-encoding", "content-type", "mime-version"} if "" in targets else set()
    hin = [(k.lower(), v) for k, v in pin.items() if k.lower() not in may_change]
    hout = [(k.lower(), v) for k, v in pout.items() if k.lower() not in may_change]
    c.check(hout == hin + [("x-postsale-note", "added")], "top-level headers: %r vs %r" % (hout, hin))
    c.check(pout.get_all("X-Postsale-Note") == ["added"], "marker header not once")
    replaced_in, replaced_out = data, out
    # Take the marker line out of the output so that the rest can be compared.
    eol = b"\r\n" if crlf else b"\n"
    replaced_out = replaced_out.replace(b"X-Postsale-Note: added" + eol, b"", 1)
    for (path, a), (_, b) in zip(tin, tout):
        if a.is_multipart():
            c.check(a.preamble == b.preamble, "%s: preamble changed" % path)
            c.check(a.epilogue == b.epilogue, "%s: epilogue changed" % path)
            if path:
                c.check(a.items() == b.items(), "%s: headers changed" % path)
            continue
        if path in targets:
            sent = H_SENT if a.get_content_type() == "text/html" else T_SENT
            tin_s, tout_s = decoded_text(a), decoded_text(b)
            if a.get_content_type() == "text/html":
                tout_u = htmlmod.unescape(tout_s)
                c.check(tout_u.count(sent) == 1, "%s: HTML note %d times" % (path, tout_u.count(sent)))
                at = tout_s.find("NOTE-SENTINEL")
                lo = tout_s.lower()
                if "<body" in lo:
                    c.check(lo.find("<body") < at, "%s: note before <body>" % path)
                if "</body" in lo:
                    c.check(at < lo.rfind("</body"), "%s: note after </body>" % path)
                if "</html" in lo:
                    c.check(at < lo.rfind("</html"), "%s: note after </html>" % path)
                note_dec = HTML_NOTE
            else:
                c.check(tout_s.count(sent) == 1, "%s: text note %d times" % (path, tout_s.count(sent)))
                note_dec = exp.get("text_note", TEXT_NOTE)
                lines = [ln for ln in tout_s.split("\n") if ln.strip()]
                first = squash(note_dec)[0]
                if position == "top":
                    c.check(lines and lines[0] == first, "%s: text note not at the top" % path)
                else:
                    c.check(lines and lines[-len(squash(note_dec))] == first, "%s: text note not at the bottom" % path)
            # The original content is all still there: take the note out and compare.
            if a.get_content_type() == "text/html":
                flat = lambda x: re.sub(r"\s+", "", htmlmod.unescape(x))
                c.check(flat(tout_s).replace(flat(note_dec), "", 1) == flat(tin_s),
                        "%s: original HTML changed" % path)
            else:
                rest = squash(tout_s)
                for ln in squash(note_dec):
                    if ln in rest:
                        rest.remove(ln)
                c.check(rest == squash(tin_s), "%s: original content changed: %r vs %r"
                        % (path, rest[:5], squash(tin_s)[:5]))
            if (b.get("Content-Transfer-Encoding", "") or "").lower() == "quoted-printable":
                for ln in raw_payload(b).split(b"\n"):
                    c.check(len(ln.rstrip(b"\r")) <= 76, "%s: QP line over 76" % path)
            cte_same = a.get("Content-Transfer-Encoding") == b.get("Content-Transfer-Encoding")
            c.check(cte_same or exp.get("cte_change") or a.get_content_charset() in ("iso-8859-1", "us-ascii", None)
                    or (a.get("Content-Transfer-Encoding") in (None, "7bit")),
                    "%s: Content-Transfer-Encoding changed" % path)
            if path and a.items() == b.items() and replaced_in is not None:
                ia, ib = raw_payload(a), raw_payload(b)
                c.check(replaced_in.count(ia) >= 1 and replaced_out.count(ib) >= 1, "%s: payload not found raw" % path)
                replaced_in = replaced_in.replace(ia, b"@@TARGET" + path.encode() + b"@@", 1)
                replaced_out = replaced_out.replace(ib, b"@@TARGET" + path.encode() + b"@@", 1)
            elif path:
                replaced_in = replaced_out = None
        else:
            c.check(a.items() == b.items(), "%s: headers changed" % path)
            c.check(raw_payload(a) == raw_payload(b), "%s: raw payload changed" % path)
            c.check(a.get_payload(decode=True) == b.get_payload(decode=True), "%s: decoded bytes changed" % path)
            c.check("NOTE-SENTINEL" not in raw_payload(b).decode("latin-1") and
                    "NOTE-SENTINEL" not in (b.get_payload(decode=True) or b"").decode("latin-1"),
                    "%s: note in a part that must not have it" % path)
    # Outside the changed parts the bytes are the same.
    if "" not in targets and replaced_in is not None:
        c.check(replaced_in == replaced_out, "bytes outside the changed parts differ")
    for ln in out.split(b"\n"):
        c.check(len(ln.rstrip(b"\r")) <= 998, "line over 998 octets")
    if crlf:
        c.check(out.count(b"\n") == out.count(b"\r\n"), "bare LF in a CRLF message")


def run_big(tmp):
    """A 10 MB text part: over the default limit, passes unchanged."""
    c = Case("big_part lf bottom")
    src = os.path.join(tmp, "big.eml")
    with open(src, "wb") as f:
        f.write(raw_bytes(HDR + "Content-Type: text/plain\n\n"))
        line = b"0123456789" * 7 + b"\n"
        f.write(line * (10 * 1024 * 1024 // len(line)))
    tn = os.path.join(tmp, "t.txt")
    p = subprocess.run([DRIVER, "-T", tn, src], capture_output=True)
    c.check(p.returncode == 1 and b"over the limit" in p.stderr, "10 MB part: rc %d %r" % (p.returncode, p.stderr))
    return c


def run_templates(tmp):
    """The shipped templates: values escaped in HTML, chosen by Content-Language."""
    c = Case("templates de html-escaped")
    raw = (HDR + "Content-Language: de-DE\n" + 'Content-Type: multipart/alternative; boundary="t"\n\n'
           "--t\nContent-Type: text/plain; charset=utf-8\n\nHallo\n--t\nContent-Type: text/html; charset=utf-8\n\n"
           "<html><body><p>Hallo</p></body></html>\n--t--\n")
    src = os.path.join(tmp, "tp.eml")
    with open(src, "wb") as f:
        f.write(raw_bytes(raw))
    name = "Zo\u00eb <b>&\"Co\"</b>"
    p = subprocess.run([DRIVER, "-t", os.path.join(TOP_SRCDIR, "templates"), "-K", "invoice",
                        "-k", "customer_name=" + name + "\r\nBcc: evil@x", "-k", "company=ACME",
                        "-k", "manager=Jo", "-k", "invoice_number=R-7", "-k", "first_invoice=yes", src],
                       capture_output=True)
    c.check(p.returncode == 0, "rc %d %r" % (p.returncode, p.stderr))
    if p.returncode:
        return c
    m = email.message_from_bytes(p.stdout, policy=email.policy.default)
    plain = m.get_body(("plain",)).get_content()
    h = m.get_body(("html",)).get_content()
    c.check("vielen Dank" in plain and "Rechnung R-7" in plain, "German text template not used")
    c.check(name + " Bcc: evil@x" in plain, "value with CR/LF not flattened in text")
    c.check("<b>" not in h.split("postsale-note")[1], "HTML value not escaped")
    c.check(name + " Bcc: evil@x" in htmlmod.unescape(h), "escaped HTML value does not read back")
    c.check("erste Rechnung" in plain, "first_invoice section missing")
    c.check(m.get("X-Postsale-Note") == "added", "marker missing")
    return c


def main():
    if not os.access(DRIVER, os.X_OK):
        print("verify.py: %s not built" % DRIVER, file=sys.stderr)
        return 77
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (raw, exp) in SHAPES.items():
            for crlf in (False, True):
                for position in ("bottom", "top"):
                    cases.append(run_case(name, raw, exp, crlf, position, tmp))
        cases.append(run_big(tmp))
        cases.append(run_templates(tmp))
    failed = 0
    for c in cases:
        if c.errors:
            failed += 1
            print("FAIL %s: %s" % (c.name, "; ".join(e[:300] for e in c.errors[:4])))
        else:
            print("ok   %s" % c.name)
    print("verify.py: %d cases, %d failed" % (len(cases), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

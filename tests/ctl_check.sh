#!/bin/sh
# ctl_check.sh - drive the built `postsalectl check` end to end.
#
# Expectations come from outside our code: the corpus's official verdicts
# (ORACLE-pdf.tsv, ORACLE-xml.tsv, en16931/rule-tests/manifest.tsv), Python's json
# module (every --json line must parse), Python's email package (the .eml fixtures and
# the MIME part numbers it implies, counted by RFC 3501's rules), and hostile inputs
# generated in a temp dir (0-byte file, not well-formed XML, entity bomb, external
# entity, 10,000-deep nesting, wrong namespace, truncated PDF, lying /Length ...).
# Exit status: 0 pass, 1 fail, 77 skip (nothing to run), 99 hard error.
set -u
: "${top_builddir:=.}" "${PYTHON:=python3}"
ctl="$top_builddir/ctl/postsalectl"
if [ ! -x "$ctl" ]; then
  echo "ctl_check: $ctl is not built" >&2
  exit 99
fi
corpus="${POSTSALE_CORPUS:-}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctl_check.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
"$PYTHON" - "$ctl" "$corpus" "$tmp" <<'EOF'
import csv, json, os, shutil, subprocess, sys
from email.message import EmailMessage

ctl, corpus, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
fails = 0
counts = {}

# a config of our own (empty: every default), never the machine's
empty_conf = os.path.join(tmp, "empty.conf")
open(empty_conf, "w").close()

def run(*args, stdin=None, conf=None):
    p = subprocess.run([ctl, "-c", conf or empty_conf, "check", *args], capture_output=True,
                       timeout=60, input=stdin,
                       stdin=None if stdin is not None else subprocess.DEVNULL)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")

def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg)

def count(key, ok):
    a, b = counts.get(key, (0, 0))
    counts[key] = (a + bool(ok), b + 1)
    return ok

def json_lines(out, what):
    """the objects of the JSON array on stdout (every --json is an array of objects)"""
    objs = []
    try:
        arr = json.loads(out)
    except ValueError as e:
        fail("%s: not JSON (%s): %r" % (what, e, out[:200]))
        return objs
    if not isinstance(arr, list):
        fail("%s: not an array: %r" % (what, out[:200]))
        return objs
    for o in arr:
        if not isinstance(o, dict):
            fail("%s: not an object: %r" % (what, o))
            continue
        for k in ("file", "part", "syntax", "container", "profile", "number", "currency",
                  "total", "verdict", "errors", "warnings", "findings"):
            if k not in o:
                fail("%s: key %s missing" % (what, k))
        if o.get("syntax") not in ("ubl", "cii") or o.get("container") not in ("xml", "pdf") \
           or o.get("verdict") not in ("ok", "flagged"):
            fail("%s: bad enum values %r" % (what, o))
        for f in o.get("findings", []):
            if set(f) != {"id", "severity", "message"} or f["severity"] not in ("error", "warning"):
                fail("%s: bad finding %r" % (what, f))
        sev = [f.get("severity") for f in o.get("findings", [])]
        if o.get("errors") != sev.count("error") or o.get("warnings") != sev.count("warning") \
           or (o.get("verdict") == "flagged") != (sev.count("error") > 0):
            fail("%s: counts or verdict disagree with the findings: %r" % (what, o))
        objs.append(o)
    return objs

def exit_for(objs):
    """the exit status the verdicts call for: 1 if any is flagged, else 0"""
    return 1 if any(o["verdict"] == "flagged" for o in objs) else 0

def expect_trouble(path, what, want=65):
    """exit 65 (EX_DATAERR; 66 EX_NOINPUT for a file that cannot be opened; 2 before the
    sysexits convention of issue 16), one stderr line naming the file, no invoice on
    stdout (an empty JSON array)"""
    rc, out, err = run("--json", path)
    lines = err.splitlines()
    ok = rc == want and out == "[]\n" and len(lines) == 1 and path in lines[0]
    if not count("bad input rejected (exit 65/66, one line)", ok):
        fail("%s: rc %d, stdout %r, stderr %r" % (what, rc, out[:200], err[:300]))

# --- usage -------------------------------------------------------------------------
for args, want in ((["--help"], 0), ([], 64), (["--bogus", "x"], 64)):
    rc, out, err = run(*args)
    if not count("usage", rc == want):
        fail("check %s: rc %d, want %d" % (" ".join(args), rc, want))

# --- a small UBL invoice of our own, and PDFs made from it with the qpdf CLI --------
ubl = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
 <cbc:ID>%s</cbc:ID><cbc:IssueDate>2024-01-31</cbc:IssueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
 <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
</Invoice>
"""
def write(name, data):
    p = os.path.join(tmp, name)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p

# JSON escaping: quotes, backslash, markup, non-ASCII in the invoice number
tricky = 'R"1\\2<&>\u00fc\u20ac'
p = write("tricky.xml", ubl % 'R&quot;1\\2&lt;&amp;&gt;\u00fc\u20ac')
rc, out, err = run("--json", p)
objs = json_lines(out, "tricky.xml")
if not count("JSON escaping", len(objs) == 1 and objs[0]["number"] == tricky and objs[0]["part"] is None):
    fail("tricky.xml: %r %r" % (objs, err))
rc, out, err = run(p)
if not count("human output", "number:    " in out and "verdict:" in out):
    fail("human output: %r" % out)

qpdf = shutil.which("qpdf")
base_pdf = None
if qpdf:
    x = write("factur-x.xml", ubl % "PDF-1")
    base_pdf = os.path.join(tmp, "made.pdf")
    subprocess.run([qpdf, "--empty", "--add-attachment", x, "--key=factur-x.xml",
                    "--filename=factur-x.xml", "--mimetype=text/xml", "--", base_pdf], check=True)
    rc, out, err = run("--json", base_pdf)
    objs = json_lines(out, "made.pdf")
    if not count("qpdf-made PDF", len(objs) == 1 and objs[0]["container"] == "pdf"
                 and objs[0]["number"] == "PDF-1"):
        fail("made.pdf: rc %d %r %r" % (rc, out, err))
    plain = os.path.join(tmp, "plain.pdf")
    subprocess.run([qpdf, "--empty", plain], check=True)
    expect_trouble(plain, "PDF without attachments")
else:
    print("ctl_check: qpdf CLI absent, PDF fixtures of our own skipped")

# --- hostile inputs ----------------------------------------------------------------
expect_trouble(write("empty.xml", b""), "0-byte file")
expect_trouble(write("broken.xml", "<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'><a></Invoice>"), "not well-formed")
expect_trouble(write("bomb.xml", '<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa">'
    + "".join('<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(8))
    + ']><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&i;</Invoice>'), "entity bomb")
expect_trouble(write("xxe.xml", '<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&x;</ID></Invoice>'), "external entity")
# A declared encoding the bytes do not follow: libxml2 reports it on stderr by itself
# unless postsale silences it (regression: tests/fuzz/regress/, found by fuzz_xml).
expect_trouble(write("encoding.xml", b'<?xml version="1.0" encoding="EUC-JP"?>\n'
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>\x8e\xff\xff</ID></Invoice>\n'),
    "encoding that does not match the bytes")
expect_trouble(write("deep.xml", '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">'
    + "<a>" * 10000 + "</a>" * 10000 + "</Invoice>"), "10,000-deep nesting")
expect_trouble(write("wrongns.xml", '<Invoice xmlns="urn:example:not-an-invoice"><ID>1</ID></Invoice>'), "wrong namespace")
expect_trouble(write("garbage.bin", os.urandom(4096).replace(b"%", b"_").replace(b"<", b"_")), "random bytes")
expect_trouble(write("notpdf.pdf", b"%PDF-1.7\nthis is no PDF at all\n"), "PDF header, no PDF")
expect_trouble(os.path.join(tmp, "does-not-exist.xml"), "missing file", 66)
expect_trouble(write("noinvoice.eml", "From: a@example.com\nSubject: hi\n\nno invoice here\n"), "mail without invoice")

def pdf_variants(src, tag):
    data = open(src, "rb").read()
    expect_trouble(write(tag + "-trunc-half.pdf", data[:len(data) // 2]), tag + " truncated to half")
    expect_trouble(write(tag + "-trunc-1k.pdf", data[:1024]), tag + " truncated to 1 KiB")
    # the embedded file's /Length made to lie (same width: the xref stays right)
    import re
    ef = data.find(b"/EmbeddedFile")
    for m in re.finditer(rb"/Length (\d{2,})", data):
        start = max(data.rfind(b"obj", 0, m.start()), 0)
        if data.find(b"/EmbeddedFile", start, m.start() + 200) < 0:
            continue
        v = m.group(1)
        for nv in (b"1" + v[1:] if v[:1] != b"1" else b"2" + v[1:],
                   b"9" + v[1:] if v[:1] != b"9" else b"8" + v[1:]):
            lied = data[:m.start(1)] + nv + data[m.end(1):]
            expect_trouble(write(tag + "-length-%s.pdf" % nv.decode(), lied), tag + " /Length lies")
        break
    else:
        if ef >= 0:
            fail(tag + ": no /Length of the embedded file found to falsify")

if base_pdf:
    pdf_variants(base_pdf, "made")

# --- a mail built with Python's email package --------------------------------------
def imap_parts(msg):
    """(part number, filename) of every leaf, numbered as RFC 3501 numbers body parts"""
    res = []
    def walk(m, path):
        if m.get_content_type() == "message/rfc822":   # Python counts it multipart too
            inner = m.get_payload()[0]
            walk(inner, path) if inner.is_multipart() else walk(inner, path + ".1")
        elif m.is_multipart():
            for i, sub in enumerate(m.get_payload(), 1):
                walk(sub, "%s.%d" % (path, i) if path else str(i))
        else:
            res.append((path or "1", m.get_filename()))
    walk(msg, "")
    return res

m = EmailMessage()
m["From"], m["To"], m["Subject"] = "billing@example.com", "customer@example.net", "Invoice"
m.set_content("Dear customer,\nplease find the invoice attached.\n")
m.add_alternative("<html><body><p>Please find the invoice attached.</p></body></html>", subtype="html")
m.add_attachment((ubl % "MAIL-1").encode(), maintype="application", subtype="octet-stream",
                 filename="scan-0001.dat")
if base_pdf:
    m.add_attachment(open(base_pdf, "rb").read(), maintype="application", subtype="pdf", filename="invoice.pdf")
fwd = EmailMessage()
fwd["From"], fwd["Subject"] = "other@example.org", "Fwd"
fwd.set_content("forwarded")
fwd.add_attachment((ubl % "MAIL-2").encode(), maintype="text", subtype="xml", filename="r\u00e9sum\u00e9.xml")
m.add_attachment(fwd)
eml = write("mail.eml", bytes(m))
want = {}
for part, fn in imap_parts(m):
    if fn in ("scan-0001.dat", "invoice.pdf", "r\u00e9sum\u00e9.xml"):
        want[part] = fn
rc, out, err = run("--json", eml)
objs = json_lines(out, "mail.eml")
got = {o["part"]: o for o in objs}
ok = rc == exit_for(objs) and set(got) == set(want) and all(o["file"] == eml for o in objs)
ok = ok and {o["number"] for o in objs} == ({"MAIL-1", "MAIL-2", "PDF-1"} if base_pdf else {"MAIL-1", "MAIL-2"})
if not count("mail parts found (by content, RFC 3501 numbering)", ok):
    fail("mail.eml: rc %d, want parts %r, got %r; %s" % (rc, want, sorted(got), err))
# the same mail with a broken PDF: the readable invoices are printed, the broken one named, exit 65
if base_pdf:
    m2 = EmailMessage()
    m2["From"], m2["Subject"] = "billing@example.com", "Invoice"
    m2.set_content("see attachments")
    m2.add_attachment((ubl % "MAIL-3").encode(), maintype="application", subtype="xml", filename="a.xml")
    m2.add_attachment(open(base_pdf, "rb").read()[:300], maintype="application", subtype="pdf", filename="cut.pdf")
    rc, out, err = run("--json", write("broken.eml", bytes(m2)))
    objs = json_lines(out, "broken.eml")
    if not count("mail with a broken PDF", rc == 65 and len(objs) == 1 and "part 3" in err):
        fail("broken.eml: rc %d, %r, %r" % (rc, out, err))
# stdin
rc, out, err = run("--json", "-", stdin=(ubl % "STDIN-1").encode())
objs = json_lines(out, "stdin")
if not count("stdin", len(objs) == 1 and rc == exit_for(objs) and objs[0]["number"] == "STDIN-1"):
    fail("stdin: rc %d %r %r" % (rc, out, err))

# --- the corpus with official verdicts ---------------------------------------------
if not corpus or not os.path.isfile(os.path.join(corpus, "ORACLE-pdf.tsv")):
    print("ctl_check: corpus %r absent, corpus checks skipped" % corpus)
else:
    arith = {"BR-CO-%d" % i for i in range(10, 18)}
    def official_ids(cell):
        return set() if cell in ("CLEAN", "") else set(cell.split(","))
    # MINIMUM, BASIC WL and EXTENDED invoices: their own profile's verdict
    own = {}
    for r in csv.DictReader(open(os.path.join(corpus, "ORACLE-profile.tsv")), delimiter="\t"):
        if r["profile"] in ("minimum", "basicwl", "extended"):
            own[r["file"]] = {i for i in official_ids(r["fatal_ids"]) if i.startswith("BR-")}
    rows = list(csv.DictReader(open(os.path.join(corpus, "ORACLE-pdf.tsv")), delimiter="\t"))
    paths = [os.path.join(corpus, r["pdf"]) for r in rows]
    rc, out, err = run("--json", *paths)
    objs = {o["file"]: o for o in json_lines(out, "corpus PDFs")}
    for r, p in zip(rows, paths):
        o = objs.get(p)
        br = {f["id"] for f in (o or {}).get("findings", []) if f["severity"] == "error" and f["id"].startswith("BR-")}
        want = own.get("%s#%s" % (r["pdf"], r["attachment"]))
        if want is None:
            want = {i for i in official_ids(r["fatal_ids"]) if i.startswith("BR-")}
        ok = o is not None and o["syntax"] == "cii" and br == want and \
            (o["verdict"] == "flagged") == bool(want)
        ok = ok and o["container"] == "pdf"
        if not count("corpus PDFs: verdict as official", ok):
            fail("%s: official %s, ours %r" % (r["pdf"], r["fatal_ids"], o and [o["verdict"], sorted(br)]))
    anyflag = any(o["verdict"] == "flagged" for o in objs.values())
    if not count("exit status follows the verdicts", rc == (1 if anyflag else 0)):
        fail("corpus PDFs: rc %d, flagged %s" % (rc, anyflag))
    # XML twins: the same invoices as plain XML, syntax as the oracle says
    rows = list(csv.DictReader(open(os.path.join(corpus, "ORACLE-xml.tsv")), delimiter="\t"))
    for r in rows:
        p = os.path.join(corpus, r["file"])
        rc, out, err = run("--json", p)
        objs = json_lines(out, r["file"])
        ok = len(objs) == 1 and objs[0]["syntax"] == r["syntax"] and objs[0]["container"] == "xml" \
            and rc == (1 if objs[0]["verdict"] == "flagged" else 0)
        if ok and r["file"] in own:
            br = {f["id"] for f in objs[0]["findings"] if f["severity"] == "error" and f["id"].startswith("BR-")}
            ok = br == own[r["file"]] and (objs[0]["verdict"] == "flagged") == bool(own[r["file"]])
        if not count("corpus XML: syntax, exit status", ok):
            fail("%s: rc %d %r %s" % (r["file"], rc, out[:300], err))
    # official arithmetic failures must be flagged (rule tests expecting BR-CO-10..17)
    man = os.path.join(corpus, "en16931", "rule-tests", "manifest.tsv")
    for r in csv.DictReader(open(man), delimiter="\t"):
        ids = set(filter(None, r["expect_error"].split(",")))
        if not ids & arith:
            continue
        p = os.path.join(corpus, "en16931", "rule-tests", r["file"])
        rc, out, err = run("--json", p)
        objs = json_lines(out, r["file"])
        ok = rc == 1 and len(objs) == 1 and objs[0]["verdict"] == "flagged" and \
            (ids & arith) <= {f["id"] for f in objs[0]["findings"] if f["severity"] == "error"}
        if not count("rule tests BR-CO-10..17 flagged (exit 1)", ok):
            fail("%s: expect %s, rc %d, %r" % (r["file"], r["expect_error"], rc,
                 objs and [f["id"] for f in objs[0]["findings"]]))
    # human output of a flagged file: errors under their heading, one a line, "  ID: ..."
    for r in csv.DictReader(open(man), delimiter="\t"):
        if "BR-CO-10" in r["expect_error"].split(","):
            rc, out, err = run(os.path.join(corpus, "en16931", "rule-tests", r["file"]))
            errs = out.split("\nerrors:\n", 1)[-1].split("\nwarnings:\n")[0]
            if not count("human findings lines", rc == 1 and "\nerrors:\n" in out and
                         "\n  BR-CO-10: " in "\n" + errs and "verdict:   flagged" in out):
                fail("human output of %s: %r" % (r["file"], out))
            break
    # postsale's own rules: warnings apart, exit 0; error-rules makes them errors, exit 1.
    # CII_example8's lines state the price in the base quantity (officially clean).
    p = os.path.join(corpus, "en16931", "cii-examples", "CII_example8.xml")
    if os.path.isfile(p):
        rc, out, err = run(p)
        ok = rc == 0 and "verdict:   ok" in out and "\nwarnings:\n  PS-LINE-NET: " in out \
            and "\nerrors:\n" not in out and "base quantity equals the price" in out
        if not count("own rules are warnings (exit 0)", ok):
            fail("CII_example8 default: rc %d %r" % (rc, out[:600]))
        raise_conf = write("raise.conf", "# raise one of ours\nerror-rules = PS-DUE-DATE, PS-LINE-NET\n")
        rc, out, err = run("--json", p, conf=raise_conf)
        objs = json_lines(out, "CII_example8 raised")
        ok = rc == 1 and len(objs) == 1 and objs[0]["verdict"] == "flagged" and \
            {f["id"] for f in objs[0]["findings"] if f["severity"] == "error"} == {"PS-LINE-NET"}
        if not count("error-rules raises own rules (exit 1)", ok):
            fail("CII_example8 raised: rc %d %r %r" % (rc, out[:300], err))
        for bad in ("BR-CO-10", "PS-NO-SUCH-RULE"):
            bad_conf = write("bad.conf", "\n\nerror-rules = PS-LINE-NET %s\n" % bad)
            rc, out, err = run(p, conf=bad_conf)
            ok = rc == 78 and out == "" and "bad.conf:3" in err and "error-rules" in err and bad in err
            if not count("bad error-rules: file:line and key", ok):
                fail("error-rules = %s: rc %d %r %r" % (bad, rc, out[:200], err))
    # corpus PDFs made hostile
    src = os.path.join(corpus, "facturx/ferd-zugferd-2.4/EN16931/EN16931_Einfach_fx.pdf")
    if os.path.isfile(src):
        pdf_variants(src, "corpus")

for k, (a, b) in counts.items():
    print("%s: %d/%d" % (k, a, b))
print("ctl_check: %s" % ("FAIL (%d)" % fails if fails else "all passed"))
sys.exit(1 if fails else 0)
EOF

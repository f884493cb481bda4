#!/usr/bin/env python3
"""ctl_json.py - every --json output of postsalectl has one shape: a JSON array of
objects, whose times are RFC 3339 strings with an offset (never epoch seconds).

The commands come from `postsalectl --help` (its dispatch table): every command whose
synopsis offers --json is run, on a store of its own filled through the library
(tests/journal_fill: invoices; tests/mailer/journey-fill: customers and check-ins, the
call the filter makes) and on an invoice and a message written here. The judges are
independent of postsale: `python3 -m json.tool` and Python's json module (RFC 8259),
and RFC 3339 section 5.6's grammar with datetime.fromisoformat for the times.
Exit status: 0 pass, 1 fail, 99 hard error.
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

top_builddir = os.environ.get("top_builddir", ".")
top_srcdir = os.environ.get("top_srcdir", ".")
ctl = os.path.join(top_builddir, "ctl/postsalectl")
jfill = os.path.join(top_builddir, "tests/journal_fill")
cfill = os.path.join(top_builddir, "tests/mailer/journey-fill")
for p in (ctl, jfill, cfill):
    if not os.access(p, os.X_OK):
        print("ctl_json: %s is not built" % p)
        sys.exit(99)

RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")
fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg)


def is_time_key(k):
    return k.endswith("_at") or k in ("first_seen", "due_local")


def check_times(what, v, path=""):
    """every time-like member is an RFC 3339 string with an offset; returns how many"""
    n = 0
    if isinstance(v, dict):
        for k, x in v.items():
            if is_time_key(k):
                if x is None:
                    continue
                if not isinstance(x, str) or not RFC3339.match(x):
                    fail("%s: %s%s = %r is not an RFC 3339 time with an offset" % (what, path, k, x))
                    continue
                t = datetime.datetime.fromisoformat(x.replace("Z", "+00:00"))
                if t.tzinfo is None:
                    fail("%s: %s%s = %r has no offset" % (what, path, k, x))
                n += 1
            else:
                n += check_times(what, x, path + k + ".")
    elif isinstance(v, list):
        for x in v:
            n += check_times(what, x, path)
    elif isinstance(v, str) and re.match(r"\d{4}-\d\d-\d\dT", v) and not RFC3339.match(v):
        fail("%s: %r looks like a time but is not RFC 3339" % (what, v))
    return n


def check_shape(what, text, want_rows, want_times):
    p = subprocess.run([sys.executable, "-m", "json.tool"], input=text, capture_output=True,
                       text=True)
    if p.returncode != 0:
        fail("%s: python3 -m json.tool refuses it: %s %r" % (what, p.stderr.strip(), text[:200]))
        return
    v = json.loads(text)
    if not isinstance(v, list):
        fail("%s: not an array but %s" % (what, type(v).__name__))
        return
    if any(not isinstance(o, dict) for o in v):
        fail("%s: not every element is an object: %r" % (what, v[:3]))
    if len(v) < want_rows:
        fail("%s: %d objects, want at least %d (the test data)" % (what, len(v), want_rows))
    n = check_times(what, v)
    if n < want_times:
        fail("%s: %d times checked, want at least %d" % (what, n, want_times))
    print("ok: %s: %d objects, %d times" % (what, len(v), n))


with tempfile.TemporaryDirectory() as tmp:
    conf = os.path.join(tmp, "postsale.conf")
    db = os.path.join(tmp, "postsale.db")
    with open(conf, "w") as f:
        f.write("database = %s\nlocal-domains = seller.example\n"
                "postsale-address = postsale@seller.example\n"
                "manager-timezones = anna@seller.example=Europe/Berlin\n"
                "note-templates = %s\n" % (db, os.path.join(os.path.abspath(top_srcdir), "templates")))
    # invoices: one clean, one flagged with a control character in the buyer
    for args in (["RE-1", "Acme Ltd", "100.00", "ok", "none", "4A1B2C", "1767225600"],
                 ["RE-2", "Evil\x1b[31m \"Corp\"", "5.00", "flagged", "hold", "4D5E6F", "1767312000",
                  "PS-IBAN-UNKNOWN:error:not ours"]):
        subprocess.run([jfill, db, *args], check=True, capture_output=True)
    # customers and their check-ins, onboarded by anna (Europe/Berlin) on 2026-03-02
    subprocess.run([cfill, conf, "1772438400", "anna@seller.example", "-r", "2027-03-01",
                    "a@acme.example=Acme", "b@beta.example"], check=True, capture_output=True)
    ubl = open(os.path.join(tmp, "inv.xml"), "w")
    ubl.write('<?xml version="1.0" encoding="UTF-8"?>\n'
              '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'
              ' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
              '<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>'
              '<cbc:ID>J-1</cbc:ID><cbc:IssueDate>2024-01-31</cbc:IssueDate>'
              '<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>'
              '<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode></Invoice>\n')
    ubl.close()
    eml = os.path.join(tmp, "m.eml")
    with open(eml, "w") as f:
        f.write("From: alice@seller.example\nTo: bob@customer.example\nSubject: hello\n"
                "Message-ID: <j1@seller.example>\n\nhello\n")

    # how to feed each command, and what it must show at least (objects, times);
    # JSON on standard error for simulate (its standard output is the message)
    feed = {
        "check": ([ubl.name], 1, 0, "stdout"),
        "simulate": (["--from", "<alice@seller.example>", "--now", "2026-03-02T10:00:00+01:00",
                      eml], 1, 0, "stderr"),
        "invoices": ([], 2, 2, "stdout"),
        "customers": ([], 2, 4, "stdout"),
        "checkins": ([], 6, 18, "stdout"),
        "managers": ([], 1, 1, "stdout"),
    }
    usage = subprocess.run([ctl, "--help"], capture_output=True, text=True).stdout
    cmds = []
    cur = None
    for line in usage.splitlines():
        m = re.match(r"  postsalectl (\S+)(.*)", line)
        if m:
            cur = m.group(1)
            if "--json" in m.group(2).split("  ")[0]:
                cmds.append(cur)
        elif cur and re.match(r"\s+[\[-]", line) and "--json" in line:
            cmds.append(cur)
    if len(cmds) < 5:
        fail("postsalectl --help offers --json on %d commands: %s" % (len(cmds), cmds))
    for cmd in cmds:
        args, rows, times, stream = feed.get(cmd, ([], 0, 0, "stdout"))
        p = subprocess.run([ctl, "-c", conf, cmd, "--json", *args], capture_output=True, text=True)
        if p.returncode not in (0, 1):
            fail("postsalectl %s --json: exit %d (%s); if it needs arguments, add them to feed"
                 " in tests/ctl_json.py" % (cmd, p.returncode, p.stderr.strip()[:200]))
            continue
        check_shape("postsalectl %s --json" % cmd, p.stdout if stream == "stdout" else p.stderr,
                    rows, times)
    # an empty answer is an empty array, not nothing
    p = subprocess.run([ctl, "-c", conf, "checkins", "--customer", "nobody@x.example", "--json"],
                       capture_output=True, text=True)
    if p.stdout != "[]\n":
        fail("checkins of nobody: %r, want []" % p.stdout)
    # the local time of a Berlin manager carries Berlin's offset (+01:00 or +02:00)
    rows = json.loads(subprocess.run([ctl, "-c", conf, "checkins", "--json"], capture_output=True,
                                     text=True).stdout)
    for r in rows:
        loc = datetime.datetime.fromisoformat(r["due_local"])
        utc = datetime.datetime.fromisoformat(r["due_at"].replace("Z", "+00:00"))
        if loc != utc or loc.utcoffset() not in (datetime.timedelta(hours=1), datetime.timedelta(hours=2)):
            fail("check-in %s: due_local %s is not due_at %s in Europe/Berlin" % (r["id"], r["due_local"],
                                                                                  r["due_at"]))

print("ctl_json: %s" % ("FAIL (%d)" % fails if fails else "all passed"))
sys.exit(1 if fails else 0)

#!/usr/bin/env python3
"""check_eml.py - read postsale-mailer's messages back with Python's email package.

usage: check_eml.py FILE_OR_DIR...
Every file must be an invitation mail of exactly this structure (issue 6):
  multipart/mixed
    multipart/alternative
      text/plain; charset=UTF-8
      text/html; charset=UTF-8
      text/calendar; method=REQUEST|CANCEL; charset=UTF-8
    an attachment named invite.ics holding the same calendar
with Date, Message-ID, From and To. smtp-sink dumps carry envelope lines first
(X-Client-Addr ...), which are plain headers to the parser. The calendar is read with
an RFC 5545 unfolding of our own (and python3-icalendar when it is installed).
Prints one line per file: name, UID, SEQUENCE, METHOD, STATUS, DTSTART, the
SHA-256 of the VEVENT without DTSTAMP, and the To addresses; exits 1 on the first
message that is not as it must be.
"""
import email
import email.policy
import hashlib
import os
import sys


def fail(name, why):
    print(f"{name}: {why}", file=sys.stderr)
    sys.exit(1)


def unfold(text):
    """RFC 5545 3.1: a CRLF followed by one space or tab continues the line."""
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


def event_props(lines):
    props, in_event = {}, False
    for line in lines:
        if line == "BEGIN:VEVENT":
            in_event = True
            continue
        if line == "END:VEVENT":
            in_event = False
            continue
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        if line.startswith("METHOD:"):
            props["METHOD"] = line.split(":", 1)[1]
        if in_event and name not in props:
            props[name] = line
    return props


def check(path):
    name = os.path.basename(path)
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    for h in ("Date", "Message-ID", "From", "To"):
        if msg[h] is None:
            fail(name, f"no {h} header")
    if msg.get_content_type() != "multipart/mixed":
        fail(name, f"top is {msg.get_content_type()}, not multipart/mixed")
    parts = msg.get_payload()
    if len(parts) != 2:
        fail(name, f"multipart/mixed holds {len(parts)} parts, not 2")
    alt, att = parts
    if alt.get_content_type() != "multipart/alternative":
        fail(name, f"first part is {alt.get_content_type()}")
    inner = alt.get_payload()
    types = [p.get_content_type() for p in inner]
    if types != ["text/plain", "text/html", "text/calendar"]:
        fail(name, f"multipart/alternative holds {types}")
    for p in inner:
        if (p.get_content_charset() or "").lower() != "utf-8":
            fail(name, f"{p.get_content_type()} charset is {p.get_content_charset()}")
    cal_part = inner[2]
    method = cal_part.get_param("method")
    if method not in ("REQUEST", "CANCEL"):
        fail(name, f"text/calendar method= is {method}")
    if att.get_filename() != "invite.ics" or att.get_content_disposition() != "attachment":
        fail(name, f"second part is {att.get_content_type()} named {att.get_filename()}")
    cal = cal_part.get_content()
    if isinstance(cal, bytes):
        cal = cal.decode("utf-8")
    attached = att.get_payload(decode=True).decode("utf-8")
    if attached.replace("\r\n", "\n") != cal.replace("\r\n", "\n"):
        fail(name, "invite.ics differs from the text/calendar part")
    lines = unfold(cal)
    p = event_props(lines)
    if p.get("METHOD") != method:
        fail(name, f"METHOD:{p.get('METHOD')} but method={method}")
    for key in ("UID", "SEQUENCE", "DTSTART", "DTEND", "DTSTAMP", "ORGANIZER", "ATTENDEE"):
        if key not in p:
            fail(name, f"VEVENT without {key}")
    status = p.get("STATUS", "STATUS:").split(":", 1)[1]
    if method == "CANCEL" and status != "CANCELLED":
        fail(name, f"a CANCEL with STATUS:{status}")
    try:
        import icalendar  # noqa: F401  (an independent parser, when installed)
        icalendar.Calendar.from_ical(cal)
    except ImportError:
        pass
    body = [l for l in lines if not l.startswith("DTSTAMP")]
    digest = hashlib.sha256("\n".join(body).encode()).hexdigest()[:16]
    to = ",".join(sorted(a.addr_spec for a in msg["To"].addresses))
    print("\t".join([name, p["UID"].split(":", 1)[1], p["SEQUENCE"].split(":", 1)[1], method,
                     status, p["DTSTART"], digest, to]))


def main():
    files = []
    for a in sys.argv[1:]:
        if os.path.isdir(a):
            files += sorted(os.path.join(a, f) for f in os.listdir(a)
                            if not f.startswith("."))
        else:
            files.append(a)
    for f in files:
        check(f)


main()

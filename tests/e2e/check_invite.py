#!/usr/bin/env python3
"""check_invite.py MESSAGE METHOD SEQUENCE ATTENDEE ORGANIZER TZ - check a delivered
invitation with independent parsers: Python's email package for the MIME structure
(mixed[alternative[text/plain, text/html, text/calendar; method=M], invite.ics]) and
Debian's python3-icalendar for the calendar; the start, read through Python's zoneinfo,
must fall on a weekday inside 09:00-17:00 in the manager's zone. A CANCEL asks nobody to
answer (no RSVP=TRUE, RFC 5546 3.2.5). Where node and tests/node_modules/ical.js are
installed, ical.js reads the same calendar too (check_invite_js.mjs). Prints the UID and
the start."""
import os
import shutil
import subprocess
import sys
import tempfile
from email import policy
from email.parser import BytesParser
from zoneinfo import ZoneInfo

import icalendar


def fail(msg):
    print("check_invite: " + msg)
    sys.exit(1)


def main():
    path, method, seq, attendee, organizer, tz = sys.argv[1:7]
    msg = BytesParser(policy=policy.default).parse(open(path, "rb"))
    if msg.get_content_type() != "multipart/mixed":
        fail("top is %s" % msg.get_content_type())
    parts = list(msg.iter_parts())
    if [p.get_content_type() for p in parts][:1] != ["multipart/alternative"] or len(parts) != 2:
        fail("mixed holds %s" % [p.get_content_type() for p in parts])
    alt = [p.get_content_type() for p in parts[0].iter_parts()]
    if alt != ["text/plain", "text/html", "text/calendar"]:
        fail("alternative holds %s" % alt)
    cal_part = list(parts[0].iter_parts())[2]
    if cal_part.get_param("method") != method:
        fail("text/calendar method=%s" % cal_part.get_param("method"))
    if parts[1].get_filename() != "invite.ics":
        fail("attachment %r" % parts[1].get_filename())
    cal = icalendar.Calendar.from_ical(cal_part.get_content())
    if str(cal.get("METHOD")) != method:
        fail("METHOD %s" % cal.get("METHOD"))
    ev = [c for c in cal.walk("VEVENT")][0]
    if str(ev.get("SEQUENCE")) != seq:
        fail("SEQUENCE %s, want %s" % (ev.get("SEQUENCE"), seq))
    if str(ev.get("ORGANIZER")).lower() != "mailto:" + organizer.lower():
        fail("ORGANIZER %s" % ev.get("ORGANIZER"))
    atts = ev.get("ATTENDEE")
    atts = atts if isinstance(atts, list) else [atts]
    if "mailto:" + attendee.lower() not in [str(a).lower() for a in atts]:
        fail("ATTENDEE %s" % atts)
    if not [c for c in cal.walk("VTIMEZONE") if str(c.get("TZID")) == tz]:
        fail("no VTIMEZONE %s" % tz)
    start = ev.decoded("DTSTART")
    local = start.astimezone(ZoneInfo(tz))
    if method == "REQUEST" and (local.weekday() >= 5 or not 9 <= local.hour < 17):
        fail("start %s is outside Mon-Fri 09:00-17:00 %s" % (local, tz))
    if method == "CANCEL" and [a for a in atts if str(a.params.get("RSVP", "")).upper() == "TRUE"]:
        fail("a CANCEL asks for an answer (RSVP=TRUE)")
    check_js(cal_part.get_content(), method, str(ev.get("UID")), seq, int(start.timestamp()))
    print("%s %s SEQUENCE %s starts %s" % (method, ev.get("UID"), seq, local.isoformat()))


def check_js(text, method, uid, seq, start):
    """the same calendar read by ical.js, where node and the npm module are installed"""
    here = os.path.dirname(os.path.abspath(__file__))
    if not shutil.which("node") or not os.path.isdir(os.path.join(here, "..", "node_modules", "ical.js")):
        print("check_invite: ical.js skipped (node or tests/node_modules/ical.js missing)")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".ics", delete=False) as f:
        f.write(text if isinstance(text, str) else text.decode("utf-8"))
    try:
        r = subprocess.run(["node", os.path.join(here, "check_invite_js.mjs"), f.name, method,
                            uid, seq, str(start)], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if r.returncode != 0:
        fail("ical.js: " + (r.stdout + r.stderr).strip())


if __name__ == "__main__":
    main()

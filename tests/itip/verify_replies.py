#!/usr/bin/env python3
"""verify_replies.py - the REPLY and COUNTER fixtures read by Debian's python3-icalendar,
not by our code: each must say what tests/itip/expected.tsv (written by hand from RFC
5546) says, the table tests/unit/check_itip_reply holds lib/itip_reply to as well.
A COUNTER's proposed DTSTART/DTEND are resolved through the VTIMEZONE the text carries
(Outlook's Windows zone names) and compared in UTC. Exit 77 without python3-icalendar."""
import os
import sys
from datetime import timezone

try:
    import icalendar
except ImportError:
    print("verify_replies: SKIP: python3-icalendar is not installed")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def classify(text):
    """(result, fields) as expected.tsv writes them, read with python3-icalendar"""
    try:
        cal = icalendar.Calendar.from_ical(text)
    except Exception:  # not iCalendar at all
        return "error", None
    method = str(cal.get("METHOD", ""))
    if method not in ("REPLY", "COUNTER"):
        return "other", None
    events = cal.walk("VEVENT")
    if not events or not events[0].get("UID"):
        return "error", None
    ev = events[0]
    atts = ev.get("ATTENDEE")
    atts = atts if isinstance(atts, list) else [atts] if atts is not None else []
    atts = [a for a in atts if str(a).lower().startswith("mailto:")]
    if not atts:
        return "error", None
    a = atts[0]
    start = end = "-"
    if method == "COUNTER":
        try:
            start = ev.decoded("DTSTART").astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            end = ev.decoded("DTEND").astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        except Exception:
            return "error", None
        tzid = ev["DTSTART"].params.get("TZID")
        if tzid and not [z for z in cal.walk("VTIMEZONE") if str(z.get("TZID")) == tzid]:
            # no VTIMEZONE in the text: only a name the tz database knows resolves
            try:
                from zoneinfo import ZoneInfo
                ZoneInfo(tzid)
            except Exception:
                return "error", None
    return "ok", [method, str(ev["UID"]), str(ev.get("SEQUENCE", 0)),
                  str(a)[7:].lower(), str(a.params.get("PARTSTAT", "-")),
                  str(a.params.get("CN", "-")), start, end]


def main():
    n = 0
    for line in open(os.path.join(HERE, "expected.tsv"), encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        name, want = cols[0], cols[1]
        n += 1
        got, fields = classify(open(os.path.join(HERE, name), "rb").read())
        if got != want:
            failures.append("%s: python3-icalendar reads it as %s, the table says %s" % (name, got, want))
        elif got == "ok" and fields != cols[2:10]:
            failures.append("%s: python3-icalendar reads %s, the table says %s" % (name, fields, cols[2:10]))
    for f in failures:
        print("FAIL " + f)
    print("verify_replies: %d fixtures, %d disagree" % (n, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

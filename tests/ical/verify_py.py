#!/usr/bin/env python3
"""verify_py.py - check gen-invites' output with parsers that are not ours.

usage: verify_py.py OUTDIR

For every line of OUTDIR/manifest.tsv (what the planner meant) it reads NAME.ics with
python3-icalendar and NAME.eml with Python's email package, and checks:
  - the raw calendar: CRLF line ends only, no line over 75 octets, valid UTF-8;
  - VCALENDAR: VERSION 2.0, PRODID, METHOD; one VEVENT; UID, SEQUENCE, DTSTAMP in UTC;
    ORGANIZER is the postsale mailbox and not an attendee; the ATTENDEEs are exactly
    the expected ones, each ROLE=REQ-PARTICIPANT, PARTSTAT=NEEDS-ACTION, RSVP=TRUE (a
    CANCEL asks for no answer: no RSVP, RFC 5546 3.2.5);
    STATUS CANCELLED for a CANCEL, a VALARM DISPLAY -PT15M for a REQUEST;
  - one VTIMEZONE whose TZID is the IANA name (no libical prefix), the one DTSTART
    and DTEND name; and DTSTART/DTEND as local times in that zone, converted to UTC by
    Python's zoneinfo (the system tzdata, not libical), equal the planned instants;
  - the mail: exactly multipart/mixed [ multipart/alternative [ text/plain,
    text/html, text/calendar; method=METHOD ], attachment invite.ics ], both
    calendars byte-equal to NAME.ics; Date, Message-ID, From, To, Subject (decoded
    equal to the planned subject), MIME-Version; CRLF only, lines <= 998 octets;
    the HTML holds no '<' that we did not write (the values are escaped);
  - the plan, by zoneinfo alone: every planned check-in lies on one of the manager's
    working days within the manager's hours (the manifest's workdays and hours: by
    default Mon-Fri 09:00-17:00), starts and ends at a wall time that happens exactly
    once, keeps one UTC offset, never overlaps another check-in of the manager's book,
    never shares a day with another check-in of its customer; a customer alone in a
    book keeps the same local wall-clock time, whatever DST did in between.
Prints one line per failure and a summary; exit 1 if anything failed.
"""
import datetime
import email
import email.policy
import html
import os
import re
import sys
from zoneinfo import ZoneInfo

from icalendar import Calendar

failures = []


def fail(name, msg):
    failures.append(f"{name}: {msg}")


def raw_lines_ok(name, data, maxlen, what):
    if re.search(rb"(?<!\r)\n", data) or re.search(rb"\r(?!\n)", data):
        fail(name, f"{what}: a line does not end in CRLF")
    for i, line in enumerate(data.split(b"\r\n")):
        if len(line) > maxlen:
            fail(name, f"{what}: line {i + 1} has {len(line)} octets > {maxlen}")


def utc_of(prop_value_raw, tzid):
    """'20250331T093000' in zone tzid -> aware UTC datetime, by zoneinfo."""
    local = datetime.datetime.strptime(prop_value_raw, "%Y%m%dT%H%M%S")
    return local.replace(tzinfo=ZoneInfo(tzid)).astimezone(datetime.timezone.utc)


def planned(s):
    return datetime.datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(
        tzinfo=datetime.timezone.utc)


def mailto(v):
    v = str(v)
    return v[7:].lower() if v.lower().startswith("mailto:") else None


def check_ics(name, data, row):
    method, uid, seq, organizer, attendees, tz, start, end = row[1:9]
    raw_lines_ok(name, data, 75, "ics")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        fail(name, f"ics is not UTF-8: {e}")
        return
    cal = Calendar.from_ical(text)
    if cal.name != "VCALENDAR":
        fail(name, f"top component {cal.name}")
    if str(cal.get("VERSION")) != "2.0":
        fail(name, f"VERSION {cal.get('VERSION')}")
    if not str(cal.get("PRODID", "")):
        fail(name, "no PRODID")
    if str(cal.get("METHOD")) != method:
        fail(name, f"METHOD {cal.get('METHOD')} != {method}")
    events = [c for c in cal.subcomponents if c.name == "VEVENT"]
    zones = [c for c in cal.subcomponents if c.name == "VTIMEZONE"]
    if len(events) != 1:
        fail(name, f"{len(events)} VEVENTs")
        return
    ev = events[0]
    if len(zones) != 1:
        fail(name, f"{len(zones)} VTIMEZONEs")
    else:
        tzid = str(zones[0].get("TZID"))
        if tzid != tz or tzid.startswith("/") or "freeassociation" in tzid or \
                "citadel" in tzid:
            fail(name, f"VTIMEZONE TZID {tzid!r}, want {tz!r}")
        if not any(c.name in ("STANDARD", "DAYLIGHT") for c in zones[0].subcomponents):
            fail(name, "VTIMEZONE without STANDARD/DAYLIGHT")
    if str(ev.get("UID")) != uid:
        fail(name, f"UID {ev.get('UID')} != {uid}")
    if int(ev.get("SEQUENCE", -1)) != int(seq):
        fail(name, f"SEQUENCE {ev.get('SEQUENCE')} != {seq}")
    if not re.fullmatch(r"\d{8}T\d{6}Z", ev["DTSTAMP"].to_ical().decode()):
        fail(name, f"DTSTAMP not UTC: {ev['DTSTAMP'].to_ical()}")
    org = mailto(ev.get("ORGANIZER"))
    if org != organizer.lower():
        fail(name, f"ORGANIZER {org} != {organizer}")
    atts = ev.get("ATTENDEE")
    atts = atts if isinstance(atts, list) else [atts] if atts is not None else []
    got = [mailto(a) for a in atts]
    want = [a.lower() for a in attendees.split(",")]
    if got != want:
        fail(name, f"ATTENDEEs {got} != {want}")
    if org in got:
        fail(name, "the ORGANIZER is also an ATTENDEE")
    for a in atts:
        p = a.params
        if (p.get("ROLE"), p.get("PARTSTAT"), p.get("RSVP")) != \
                ("REQ-PARTICIPANT", "NEEDS-ACTION", None if method == "CANCEL" else "TRUE"):
            fail(name, f"ATTENDEE {a} params {dict(p)}")
    for prop, want_utc in (("DTSTART", start), ("DTEND", end)):
        p = ev.get(prop)
        ptz = p.params.get("TZID")
        if ptz != tz:
            fail(name, f"{prop} TZID {ptz!r} != {tz!r}")
            continue
        got_utc = utc_of(p.to_ical().decode(), tz)
        if got_utc != planned(want_utc):
            fail(name, f"{prop} {p.to_ical().decode()} {tz} is {got_utc:%Y%m%dT%H%M%SZ} "
                       f"by zoneinfo, the planner meant {want_utc}")
    status = str(ev.get("STATUS", ""))
    alarms = [c for c in ev.subcomponents if c.name == "VALARM"]
    if method == "CANCEL":
        if status != "CANCELLED":
            fail(name, f"CANCEL with STATUS {status}")
    else:
        if len(alarms) != 1 or str(alarms[0].get("ACTION")) != "DISPLAY" or \
                alarms[0]["TRIGGER"].to_ical().decode() != "-PT15M":
            fail(name, "no VALARM DISPLAY -PT15M")
    if not str(ev.get("SUMMARY", "")) or not str(ev.get("DESCRIPTION", "")):
        fail(name, "no SUMMARY or DESCRIPTION")


def check_eml(name, data, ics, row):
    method, subject = row[1], row[9]
    raw_lines_ok(name, data, 998, "eml")
    msg = email.message_from_bytes(data, policy=email.policy.default)
    for h in ("Date", "Message-ID", "From", "To", "Subject", "MIME-Version"):
        if msg[h] is None:
            fail(name, f"no {h} header")
    if str(msg["Subject"]) != subject:
        fail(name, f"Subject {str(msg['Subject'])!r} != {subject!r}")
    if msg["From"].addresses[0].addr_spec != row[4]:
        fail(name, f"From {msg['From']}")
    to = [a.addr_spec.lower() for a in msg["To"].addresses]
    if to != [a.lower() for a in row[5].split(",")]:
        fail(name, f"To {to}")

    def shape(part):
        if part.is_multipart():
            return (part.get_content_type(), [shape(p) for p in part.iter_parts()])
        return part.get_content_type()
    want = ("multipart/mixed", [("multipart/alternative",
                                 ["text/plain", "text/html", "text/calendar"]),
                                "application/ics"])
    got = shape(msg)
    if got != want:
        fail(name, f"MIME structure {got}")
        return
    alt, att = list(msg.iter_parts())
    plain, htm, cal = list(alt.iter_parts())
    if cal.get_param("method") != method:
        fail(name, f"text/calendar method={cal.get_param('method')}")
    if (cal.get_param("charset") or "").upper() != "UTF-8":
        fail(name, "text/calendar without charset=UTF-8")
    if cal.get_content_disposition() == "attachment":
        fail(name, "the inline calendar is an attachment")
    if cal.get_payload(decode=True) != ics:
        fail(name, "inline text/calendar differs from the .ics")
    if att.get_content_disposition() != "attachment" or att.get_filename() != "invite.ics":
        fail(name, f"attachment {att.get_content_disposition()} {att.get_filename()}")
    if att.get_payload(decode=True) != ics:
        fail(name, "invite.ics attachment differs from the .ics")
    text = plain.get_content().replace("\r\n", "\n")
    body = htm.get_content().replace("\r\n", "\n")
    # Every tag in the HTML is one we write; the customer's text is all escaped.
    tags = set(re.findall(r"<\s*/?\s*([a-zA-Z!]+)", body))
    if not tags <= {"!DOCTYPE", "html", "head", "meta", "title", "body", "p", "br"}:
        fail(name, f"HTML holds foreign tags {tags}")
    # The HTML, unescaped and without our markup, says what the plain text says.
    inner = re.sub(r"<br>\n", "\n", body.split("<p>", 1)[1].split("</p>", 1)[0])
    if html.unescape(inner).rstrip("\n") != text.rstrip("\n"):
        fail(name, "HTML text differs from the plain text")


DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def workdays(spec):
    """ "Mon-Fri", "Sun-Thu", "Tue,Thu" -> the set of Python weekday numbers """
    out = set()
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        i, j = DAYS.index(a), DAYS.index(b or a)
        while True:
            out.add(i)
            if i == j:
                break
            i = (i + 1) % 7
    return out


def hhmm(s):
    h, m = s.split(":")
    return datetime.time(int(h), int(m)) if h != "24" else datetime.time.max


def ambiguous(local, tz):
    """ the wall time happens twice (a fold) or never (a gap) in tz, by zoneinfo """
    naive = local.replace(tzinfo=None)
    a = naive.replace(tzinfo=tz, fold=0)
    b = naive.replace(tzinfo=tz, fold=1)
    return a.utcoffset() != b.utcoffset()


def check_plan(rows):
    by_case, books, cases_of_book = {}, {}, {}
    for row in rows:
        if row[1] != "REQUEST":
            continue
        tz = ZoneInfo(row[6])
        start = planned(row[7]).astimezone(tz)
        end = planned(row[8]).astimezone(tz)
        days, hours, book = row[11], row[12], row[13]
        h0, h1 = (hhmm(x) for x in hours.split("-"))
        if start.weekday() not in workdays(days):
            fail(row[0], f"planned on a {start:%A} ({start:%Y-%m-%d %H:%M %Z}), not {days}")
        if not (h0 <= start.time() and end.time() <= h1 and end.date() == start.date()):
            fail(row[0], f"planned {start:%H:%M}-{end:%H:%M} local, outside {hours}")
        if ambiguous(start, tz) or ambiguous(end, tz) or start.utcoffset() != end.utcoffset():
            fail(row[0], f"planned {start:%Y-%m-%d %H:%M}-{end:%H:%M} in a DST change")
        by_case.setdefault(row[10], []).append(start)
        books.setdefault(book, []).append((planned(row[7]), planned(row[8]), row[0]))
        cases_of_book.setdefault(book, set()).add(row[10])
    for case, starts in by_case.items():
        dates = [s.date() for s in starts]
        if len(set(dates)) != len(dates):
            fail(case, "two check-ins of one customer on one day")
    for book, slots in books.items():
        slots.sort()
        for (s0, e0, n0), (s1, e1, n1) in zip(slots, slots[1:]):
            if s1 < e0:
                fail(n1, f"overlaps {n0} in the manager's book {book}")
        if len(cases_of_book[book]) == 1:
            times = {s.strftime("%H:%M") for s in by_case[book]}
            if len(times) != 1:
                fail(book, f"one customer at several local times: {sorted(times)}")


def main():
    outdir = sys.argv[1]
    n = 0
    rows = []
    with open(os.path.join(outdir, "manifest.tsv"), encoding="utf-8") as f:
        for line in f:
            row = line.rstrip("\n").split("\t")
            name = row[0]
            with open(os.path.join(outdir, name + ".ics"), "rb") as g:
                ics = g.read()
            with open(os.path.join(outdir, name + ".eml"), "rb") as g:
                eml = g.read()
            check_ics(name, ics, row)
            check_eml(name, eml, ics, row)
            rows.append(row)
            n += 1
    check_plan(rows)
    for msg in failures:
        print("FAIL", msg)
    print(f"verify_py: {n} invitations, {len(failures)} failures "
          "(python3-icalendar, email, zoneinfo)")
    return 1 if failures or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""make_reply.py INVITATION.eml OUT.eml [options] - answer an invitation as a manager's
calendar client would (RFC 5546): read the delivered REQUEST with Python's email package
and python3-icalendar (not our code), and write a mail whose text/calendar part is a
METHOD:REPLY (or COUNTER) with the same UID and SEQUENCE and one ATTENDEE.

  --partstat ACCEPTED|DECLINED|TENTATIVE   (default ACCEPTED)
  --counter "+N HH:MM"                     a COUNTER proposing N days later (the next
                                           weekday) at HH:MM local time instead
  --from ADDR                              the From header (default: the attendee)
  --attendee ADDR                          the ATTENDEE (default: the invited one)
  --uid UID                                another UID (an answer to nothing of ours)
Prints the UID and SEQUENCE answered."""
import argparse
import sys
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid

import icalendar


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("invitation")
    ap.add_argument("out")
    ap.add_argument("--partstat", default="ACCEPTED")
    ap.add_argument("--counter")
    ap.add_argument("--from", dest="sender")
    ap.add_argument("--attendee")
    ap.add_argument("--uid")
    a = ap.parse_args()

    msg = BytesParser(policy=policy.default).parse(open(a.invitation, "rb"))
    cal_part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    req = icalendar.Calendar.from_ical(cal_part.get_content())
    ev = req.walk("VEVENT")[0]
    atts = ev.get("ATTENDEE")
    atts = atts if isinstance(atts, list) else [atts]
    attendee = a.attendee or str(atts[0])[7:]
    uid = a.uid or str(ev["UID"])
    seq = int(ev.get("SEQUENCE", 0))

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN")
    cal.add("version", "2.0")
    cal.add("method", "COUNTER" if a.counter else "REPLY")
    for tz in req.walk("VTIMEZONE"):
        cal.add_component(tz)
    out = icalendar.Event()
    out.add("uid", uid)
    out.add("sequence", seq)
    out.add("dtstamp", datetime.now(timezone.utc))
    out.add("summary", str(ev.get("SUMMARY", "")))
    out.add("organizer", ev["ORGANIZER"])
    att = icalendar.vCalAddress("mailto:" + attendee)
    att.params["CN"] = icalendar.vText("Alice Example")
    att.params["PARTSTAT"] = icalendar.vText("TENTATIVE" if a.counter else a.partstat)
    att.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
    out.add("attendee", att)
    if a.counter:
        tzid = ev["DTSTART"].params.get("TZID")
        days, hhmm = a.counter.split()
        local = ev.decoded("DTSTART")
        day = local.date() + timedelta(days=int(days))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        start = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time())
        length = ev.decoded("DTEND") - ev.decoded("DTSTART")
        proposed = int(start.replace(tzinfo=local.tzinfo).timestamp()) if local.tzinfo else 0
        out.add("dtstart", start, parameters={"TZID": tzid} if tzid else None)
        out.add("dtend", start + length, parameters={"TZID": tzid} if tzid else None)
        out.add("comment", "Could we meet at another time?")
    else:
        out.add("dtstart", ev["DTSTART"].dt)
        out.add("dtend", ev["DTEND"].dt)
    cal.add_component(out)

    mail = EmailMessage()
    mail["From"] = a.sender or attendee
    mail["To"] = str(ev["ORGANIZER"])[7:]
    mail["Subject"] = ("New Time Proposed: " if a.counter else a.partstat.capitalize() + ": ") + \
        str(ev.get("SUMMARY", ""))
    mail["Date"] = formatdate()
    mail["Message-ID"] = make_msgid(domain="example.com")
    mail.set_content("%s has answered the invitation." % attendee)
    method = "COUNTER" if a.counter else "REPLY"
    mail.add_alternative(cal.to_ical(), maintype="text", subtype="calendar",
                         params={"method": method, "charset": "UTF-8"})
    open(a.out, "wb").write(mail.as_bytes(policy=policy.SMTP))
    print(uid, seq, proposed if a.counter else "")


if __name__ == "__main__":
    sys.exit(main())

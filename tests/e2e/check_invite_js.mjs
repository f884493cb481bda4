// check_invite_js.mjs - the calendar of a delivered invitation read by ical.js (npm,
// tests/node_modules), not by our code: METHOD, UID and SEQUENCE as expected, DTSTART
// resolved through the message's own VTIMEZONE to the UTC instant python3-icalendar
// found, and on a CANCEL no attendee asked to answer (RSVP).
// usage: node check_invite_js.mjs CALENDAR.ics METHOD UID SEQUENCE START_UTC_SECONDS
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, method, uid, seq, start] = process.argv.slice(2);
const fail = (m) => { console.log("check_invite_js: " + m); process.exit(1); };
let cal;
try {
  cal = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
} catch (e) {
  fail(`ical.js cannot parse: ${e}`);
}
for (const z of cal.getAllSubcomponents("vtimezone"))
  ICAL.TimezoneService.register(new ICAL.Timezone(z));
if (cal.getFirstPropertyValue("method") !== method)
  fail(`METHOD ${cal.getFirstPropertyValue("method")} != ${method}`);
const ev = new ICAL.Event(cal.getFirstSubcomponent("vevent"));
if (ev.uid !== uid) fail(`UID ${ev.uid} != ${uid}`);
if (String(ev.sequence) !== seq) fail(`SEQUENCE ${ev.sequence} != ${seq}`);
if (String(ev.startDate.toUnixTime()) !== start)
  fail(`DTSTART ${ev.startDate.toString()} is ${ev.startDate.toUnixTime()}, python3-icalendar says ${start}`);
if (method === "CANCEL")
  for (const a of ev.attendees)
    if (String(a.getParameter("rsvp")).toUpperCase() === "TRUE")
      fail(`a CANCEL asks ${a.getFirstValue()} to answer (RSVP=TRUE)`);
console.log(`ical.js: ${method} ${uid} SEQUENCE ${seq} ok`);

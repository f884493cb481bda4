// verify_js.mjs - check gen-invites' calendars with ical.js (npm), not our code.
//
// usage: node verify_js.mjs OUTDIR
// ical.js 2 is an ES module; it is found in tests/node_modules beside this script
// (tests/setup-debian.sh installs it). For every line of OUTDIR/manifest.tsv it parses
// NAME.ics and checks METHOD, UID, SEQUENCE, ORGANIZER and ATTENDEEs, that one
// VTIMEZONE exists with the IANA name as TZID (no libical prefix), and that DTSTART and
// DTEND, resolved through that VTIMEZONE by ical.js, are the UTC instants the planner
// meant: this checks libical's truncated zone rules themselves, across DST changes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ICAL from "ical.js";

const outdir = process.argv[2];
const failures = [];
const fail = (name, msg) => failures.push(`${name}: ${msg}`);
const mailto = (v) => (String(v).toLowerCase().startsWith("mailto:") ?
  String(v).slice(7).toLowerCase() : null);
// "20250331T073000Z" -> Unix seconds
const planned = (s) => Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8),
  +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15)) / 1000;

let n = 0;
const manifest = readFileSync(join(outdir, "manifest.tsv"), "utf8").split("\n");
for (const line of manifest) {
  if (!line) continue;
  const [name, method, uid, seq, organizer, attendees, tz, start, end] = line.split("\t");
  n++;
  let cal;
  try {
    cal = new ICAL.Component(ICAL.parse(readFileSync(join(outdir, name + ".ics"), "utf8")));
  } catch (e) {
    fail(name, `ical.js cannot parse: ${e}`);
    continue;
  }
  if (cal.getFirstPropertyValue("method") !== method)
    fail(name, `METHOD ${cal.getFirstPropertyValue("method")} != ${method}`);
  if (cal.getFirstPropertyValue("version") !== "2.0") fail(name, "VERSION");
  const zones = cal.getAllSubcomponents("vtimezone");
  const events = cal.getAllSubcomponents("vevent");
  if (zones.length !== 1 || events.length !== 1) {
    fail(name, `${zones.length} VTIMEZONEs, ${events.length} VEVENTs`);
    continue;
  }
  const tzid = zones[0].getFirstPropertyValue("tzid");
  if (tzid !== tz || tzid.startsWith("/")) fail(name, `TZID ${tzid} != ${tz}`);
  const zone = new ICAL.Timezone(zones[0]);
  const ev = events[0];
  if (ev.getFirstPropertyValue("uid") !== uid) fail(name, "UID");
  if (ev.getFirstPropertyValue("sequence") !== +seq)
    fail(name, `SEQUENCE ${ev.getFirstPropertyValue("sequence")} != ${seq}`);
  if (mailto(ev.getFirstPropertyValue("organizer")) !== organizer.toLowerCase())
    fail(name, `ORGANIZER ${ev.getFirstPropertyValue("organizer")}`);
  const atts = ev.getAllProperties("attendee");
  const got = atts.map((p) => mailto(p.getFirstValue())).join(",");
  if (got !== attendees.toLowerCase()) fail(name, `ATTENDEEs ${got} != ${attendees}`);
  for (const p of atts) {
    if (p.getParameter("role") !== "REQ-PARTICIPANT" ||
        p.getParameter("partstat") !== "NEEDS-ACTION" ||
        // a CANCEL asks for no answer (RFC 5546 3.2.5)
        p.getParameter("rsvp") !== (method === "CANCEL" ? undefined : "TRUE"))
      fail(name, `ATTENDEE ${p.getFirstValue()} parameters`);
  }
  for (const [prop, want] of [["dtstart", start], ["dtend", end]]) {
    const p = ev.getFirstProperty(prop);
    if (p.getParameter("tzid") !== tz) {
      fail(name, `${prop} TZID ${p.getParameter("tzid")}`);
      continue;
    }
    const t = p.getFirstValue();
    t.zone = zone;		// resolve through the VTIMEZONE we sent, nothing else
    if (t.toUnixTime() !== planned(want))
      fail(name, `${prop} ${t.toString()} ${tz} is ${new Date(t.toUnixTime() * 1000)
        .toISOString()} by ical.js, the planner meant ${want}`);
  }
  if (method === "CANCEL" && ev.getFirstPropertyValue("status") !== "CANCELLED")
    fail(name, "CANCEL without STATUS:CANCELLED");
  if (method === "REQUEST") {
    const al = ev.getAllSubcomponents("valarm");
    if (al.length !== 1 || al[0].getFirstPropertyValue("action") !== "DISPLAY" ||
        al[0].getFirstPropertyValue("trigger").toSeconds() !== -900)
      fail(name, "no VALARM DISPLAY -PT15M");
  }
}
for (const f of failures) console.log("FAIL " + f);
console.log(`verify_js: ${n} invitations, ${failures.length} failures (ical.js ${ICAL.version ?? "2"})`);
process.exit(failures.length || n === 0 ? 1 : 0);

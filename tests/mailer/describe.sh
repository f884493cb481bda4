#!/bin/sh
# describe.sh - the invitation's DESCRIPTION from templates/checkin.LANG.txt. Dry-run
# invitations read back with Debian's python3-icalendar: the customer-since line (the
# date as date(1) writes it in the manager's zone) and the day-7 question, the sections
# the template leaves out for this customer left out; German by note-language; English
# for a language without templates; the built-in text when the directory holds no
# checkin template; a template error stops the mailer at start-up (exit 78, file:line);
# and the invitations pass ical.js (tests/ical/verify_js.mjs) when it is installed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/mailer/common.sh"
ICALPY=/usr/bin/python3
"$ICALPY" -c 'import icalendar' 2>/dev/null ||
	{ echo "SKIP: no python3-icalendar for $ICALPY" >&2; exit 77; }
TPL=$top_srcdir/templates

# The journey starts on the first Monday of next year's March, 10:00Z (11:00 in Berlin,
# CET): its day-7 check-in is a Monday too, one week later.
Y=$(($(date -u +%Y) + 1))
for d in 01 02 03 04 05 06 07; do [ "$(date -u -d "$Y-03-$d" +%u)" = 1 ] && break; done
T0=$(epoch "$Y-03-${d}T10:00Z")
DAY7=$(date -u -d "@$((T0 + 7 * 86400))" +%Y-%m-%d)
SINCE_EN=$(LC_ALL=C TZ=Europe/Berlin date -d "@$T0" '+%-d %B %Y')
SINCE_DE="$(TZ=Europe/Berlin date -d "@$T0" +%-d). März $Y"
write_conf "note-templates = $TPL"
"$FILL" "$CONF" "$T0" anna@seller.example 'a@acme.example=ACME GmbH' >/dev/null || fail "fill"

# descriptions DIR - each invitation's DESCRIPTION as python3-icalendar reads it
descriptions() {
	"$ICALPY" - "$1" <<'PY'
import email, email.policy, icalendar, os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    with open(os.path.join(d, name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            for ev in cal.walk("VEVENT"):
                print("=== " + name)
                print(str(ev["DESCRIPTION"]))
            break
PY
}
# dry NAME [conf lines] - a dry run at day 7 into $T/NAME; the descriptions in $T/NAME.txt
dry() {
	name=$1; shift
	write_conf "$@"
	"$MAILER" -c "$CONF" run --now "$DAY7" --dry-run --out "$T/$name" 2>"$T/$name.log" ||
		fail "$name: dry run: $(cat "$T/$name.log")"
	[ "$(count "$T/$name")" = 1 ] || fail "$name: $(count "$T/$name") invitations, not 1"
	descriptions "$T/$name" > "$T/$name.txt" || fail "$name: python3-icalendar cannot read it"
}
# has FILE TEXT... - every TEXT is a line of FILE; lacks FILE TEXT... - none occurs in it
has() { f=$1; shift; for s in "$@"; do grep -qxF -- "$s" "$f" || fail "$f: no line \"$s\": $(cat "$f")"; done; }
lacks() { f=$1; shift; for s in "$@"; do ! grep -qF -- "$s" "$f" || fail "$f: \"$s\" unwanted"; done; }

# 1. English: the customer, since (day 7), no invoice yet, the day-7 questions; no
#    flagged line and no last check-in (there is none), no other kind's questions
dry en "note-templates = $TPL"
has "$T/en.txt" "Check-in with ACME GmbH <a@acme.example>" "- Customer since: $SINCE_EN (day 7)" \
	"- Invoices sent: none yet" "Questions to open the conversation" \
	"- How did the first week go? Was getting started as smooth as you had expected?" \
	"- Account manager: anna@seller.example"
lacks "$T/en.txt" "Flagged" "flagged" "Last check-in" "Now that the first month" "{{"
ok "English: since $SINCE_EN (day 7), the day-7 question, no flagged or last check-in line"

# 2. German by note-language
dry de "note-templates = $TPL" "note-language = de"
has "$T/de.txt" "Check-in mit ACME GmbH <a@acme.example>" "- Kunde seit: $SINCE_DE (Tag 7)" \
	"- Versendete Rechnungen: noch keine" \
	"- Wie war die erste Woche? Lief der Start so reibungslos, wie Sie es erwartet hatten?"
lacks "$T/de.txt" "Customer since" "markiert" "Letzter Check-in"
ok "German: Kunde seit $SINCE_DE (Tag 7)"

# 3. a language without templates: English
dry fr "note-templates = $TPL" "note-language = fr"
has "$T/fr.txt" "- Customer since: $SINCE_EN (day 7)"
ok "French falls back to the English template"

# 4. a directory without checkin templates: the built-in English text, and the log says why
mkdir "$T/notes-only"
cp "$TPL"/invoice.* "$TPL"/onboarding.* "$T/notes-only/"
dry builtin "note-templates = $T/notes-only"
grep -q "notes-only holds no checkin.en.txt: " "$T/builtin.log" ||
	fail "built-in: the log does not say why: $(cat "$T/builtin.log")"
has "$T/builtin.txt" "Questions to open the conversation:"
grep -q "^Customer since: $(TZ=UTC date -u -d "@$T0" +%Y-%m-%d) " "$T/builtin.txt" ||
	fail "built-in: no since line: $(cat "$T/builtin.txt")"
ok "no checkin template: the built-in description, logged"

# 5. template errors stop the mailer at start-up with file:line, exit 78
bad() {
	rm -rf "$T/bad"; mkdir "$T/bad"; cp "$TPL"/* "$T/bad/"
	printf '%b' "$1" > "$T/bad/checkin.en.txt"
	write_conf "note-templates = $T/bad"
	st=0; "$MAILER" -c "$CONF" run --now "$DAY7" --dry-run --out "$T/bad-out" 2>"$T/bad.log" || st=$?
	[ $st = 78 ] || fail "$2: exit $st, not 78: $(cat "$T/bad.log")"
	grep -qF "$T/bad/checkin.en.txt:$2" "$T/bad.log" || fail "$2: $(cat "$T/bad.log")"
	[ "$(count "$T/bad-out")" = 0 ] || fail "$2: something was written"
}
bad 'Check-in\n\n{{#if since}}\nSince {{since}}\n' '3: unclosed {{#if since}}'
bad 'Check-in\n{{tenure}}\n' '2: unknown name "tenure"'
write_conf "note-templates = $T/no-such-dir"
st=0; "$MAILER" -c "$CONF" run --now "$DAY7" --dry-run --out "$T/bad-out" 2>"$T/bad.log" || st=$?
[ $st = 78 ] && grep -qF "$T/no-such-dir" "$T/bad.log" || fail "missing note-templates: exit $st: $(cat "$T/bad.log")"
ok "template errors: exit 78 with file:line; a missing note-templates directory too"

# 6. ical.js reads the English invitation; what it must find comes from the store
if ! command -v node >/dev/null 2>&1; then
	echo "describe.sh: ical.js skipped: node is not installed" >&2
elif [ ! -d "$top_srcdir/tests/node_modules/ical.js" ]; then
	echo "describe.sh: ical.js skipped: $top_srcdir/tests/node_modules/ical.js is absent (tests/setup-debian.sh installs it)" >&2
else
	write_conf "note-templates = $TPL"
	checkins_json > "$T/checkins.json"
	"$ICALPY" - "$T/en" "$T/js" "$T/checkins.json" <<'PY' || fail "manifest for ical.js"
import datetime, email, email.policy, json, os, sys
src, out, rows = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
os.makedirs(out)
# --json times are RFC 3339 with an offset ("...Z"); fromisoformat reads them (3.11)
utc = lambda t: datetime.datetime.fromisoformat(t).astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
with open(os.path.join(out, "manifest.tsv"), "w") as man:
    for name in sorted(os.listdir(src)):
        with open(os.path.join(src, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        ics = [p for p in msg.walk() if p.get_filename() == "invite.ics"][0]
        stem = name[:-len(".eml")]
        with open(os.path.join(out, stem + ".ics"), "wb") as f:
            f.write(ics.get_payload(decode=True))
        uid = stem.split("-", 1)[1]         # 001-UID.eml
        row = [c for c in rows if c["uid"] == uid][0]
        man.write("\t".join([stem, "REQUEST", row["uid"], str(row["sequence"]),
                             "postsale@seller.example", row["manager"], row["tzid"],
                             utc(row["due_at"]), utc(row["end_at"])]) + "\n")
PY
	node "$top_srcdir/tests/ical/verify_js.mjs" "$T/js" || fail "ical.js"
fi

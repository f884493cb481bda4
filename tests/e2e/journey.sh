#!/bin/bash
# journey.sh - an onboarding message through Postfix and postsale-milter starts the
# customer's journey (and gets a thank-you note); `postsale-mailer run --now <day 7>`
# then sends the account manager the day-7 invitation through the same Postfix, into
# the manager's Maildir. A second run sends nothing; a moved check-in goes out as
# SEQUENCE 1; an off-boarding message cancels (METHOD:CANCEL). Invitations are checked
# with Python's email package, python3-icalendar and zoneinfo. A customer onboarded
# 40 days before (X-Postsale-Onboarded) gets its past check-ins skipped, and none of
# the manager's check-ins overlap.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
/usr/bin/python3 -c 'import icalendar' 2>/dev/null || e2e_skip "python3-icalendar is not installed"
e2e_init
e2e_write_conf "company-name = Example Ltd
postsale-address = postsale@example.com
manager-timezones = alice@example.com=Europe/Berlin
submit-url = smtp://127.0.0.1:$E2E_SMTP_PORT
submit-starttls = none"
e2e_start_milter
E2E_VIRTUAL_DOMAINS="newcustomer.example" e2e_start_postfix accept

printf 'From: Alice <alice@example.com>\r\nTo: Carol Customer <carol@newcustomer.example>\r\nSubject: Welcome aboard\r\nMessage-ID: <welcome@example.com>\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\nX-Postsale-Onboarding: yes\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWelcome, Carol! Here is how we start.\r\n' > "$E2E_DIR"/welcome.eml
e2e_check "onboarding mail accepted" e2e_send "$E2E_DIR"/welcome.eml --to carol@newcustomer.example
e2e_wait_maildir 1 && got=$(e2e_maildir_find "<welcome@example.com>") || e2e_fail "onboarding mail not delivered"
e2e_check "the journey started" e2e_milter_log_has "onboarding: journey started"
e2e_check "the onboarding mail got its note" grep -q '^X-Postsale-Note: added' "$got"
e2e_check "the note names the customer" grep -q 'Carol Customer' "$got"
checkins=$("$CTL" -c "$E2E_CONF" checkins --customer carol@newcustomer.example --json)
kinds=$(python3 -c 'import json,sys; print(" ".join(o["kind"] for o in json.load(sys.stdin)))' <<<"$checkins")
e2e_check "check-ins planned: $kinds" test "${kinds%% quarterly*}" = "day-7 day-30 day-90"
e2e_check "the manager is the sender" test "$(python3 -c 'import json,sys
print(",".join(sorted({o["manager"] for o in json.load(sys.stdin)})))' <<<"$checkins")" = alice@example.com

day7=$(date -u -d '+7 days' +%Y-%m-%dT%H:%M:%SZ)
e2e_check "postsale-mailer run --now <day 7>" "$MAILER" -c "$E2E_CONF" run --now "$day7"
e2e_wait_maildir 2 || e2e_fail "no invitation delivered"
inv=$(grep -l '^Content-Type: text/calendar' -r "$E2E_DIR"/maildir/inbox/new | head -1)
[ -n "$inv" ] || inv=$(grep -li 'method=REQUEST' "$E2E_DIR"/maildir/inbox/new/* | head -1)
e2e_check "the day-7 invitation reached the manager" grep -q '^Delivered-To: alice@example.com' "$inv"
e2e_check "the invitation parses: REQUEST, SEQUENCE 0, Mon-Fri 09-17 Berlin" /usr/bin/python3 \
	"${top_srcdir}/tests/e2e/check_invite.py" "$inv" REQUEST 0 alice@example.com postsale@example.com Europe/Berlin
"$MAILER" -c "$E2E_CONF" run --now "$day7"
sleep 2
e2e_check "a second run sends nothing" test "$(e2e_maildir_count)" = 2

# Move the day-7 check-in: the next run sends the same UID with SEQUENCE 1.
id=$(python3 -c 'import json,sys
print([o["id"] for o in json.load(sys.stdin) if o["kind"] == "day-7"][0])' <<<"$checkins")
# 13:00 in the manager's zone (Berlin) on a weekday: inside the hours, so no --force
n=8; while [ "$(date -u -d "+$n days" +%u)" -gt 5 ]; do n=$((n + 1)); done
e2e_check "checkin move" "$CTL" -c "$E2E_CONF" checkin move "$id" "$(date -u -d "+$n days" +%Y-%m-%d) 13:00"
"$MAILER" -c "$E2E_CONF" run --now "$day7"
e2e_wait_maildir 3 || e2e_fail "no update delivered"
upd=$(ls -t "$E2E_DIR"/maildir/inbox/new/* | head -1)
e2e_check "the update is SEQUENCE 1" /usr/bin/python3 "${top_srcdir}/tests/e2e/check_invite.py" \
	"$upd" REQUEST 1 alice@example.com postsale@example.com Europe/Berlin

# Off-boarding: the sent check-in is cancelled.
sed 's/^X-Postsale-Onboarding: yes/X-Postsale-Offboarding: yes/; s/welcome@/goodbye@/; s/^Subject: .*/Subject: Goodbye/' "$E2E_DIR"/welcome.eml > "$E2E_DIR"/goodbye.eml
e2e_send "$E2E_DIR"/goodbye.eml --to carol@newcustomer.example >/dev/null
e2e_wait_maildir 4
e2e_check "off-boarding logged" e2e_milter_log_has "off-boarding: future check-ins cancelled"
"$MAILER" -c "$E2E_CONF" run --now "$day7"
e2e_wait_maildir 5 || e2e_fail "no cancellation delivered"
can=$(ls -t "$E2E_DIR"/maildir/inbox/new/* | head -1)
e2e_check "the cancellation is METHOD:CANCEL, SEQUENCE 2" /usr/bin/python3 "${top_srcdir}/tests/e2e/check_invite.py" \
	"$can" CANCEL 2 alice@example.com postsale@example.com Europe/Berlin

# A customer the CRM onboarded 40 days ago (X-Postsale-Onboarded): the check-ins already
# past are recorded as skipped, never sent; none of Alice's check-ins overlap.
since=$(date -u -d '-40 days' +%Y-%m-%d)
sed "s/^X-Postsale-Onboarding: yes/X-Postsale-Onboarding: yes\r\nX-Postsale-Onboarded: $since/; s/welcome@/welcome-dave@/; s/Carol Customer <carol@/Dave Customer <dave@/" \
	"$E2E_DIR"/welcome.eml > "$E2E_DIR"/dave.eml
e2e_check "onboarding mail with a start date accepted" e2e_send "$E2E_DIR"/dave.eml --to dave@newcustomer.example
e2e_wait_maildir 6 || e2e_fail "dave's onboarding mail not delivered"
all=$("$CTL" -c "$E2E_CONF" checkins --json)
e2e_check "dave's day-7 and day-30 are skipped, day-90 planned" python3 -c '
import json, sys
d = {o["kind"]: o["state"] for o in json.loads(sys.argv[1]) if o["customer"] == "dave@newcustomer.example"}
sys.exit(not (d["day-7"] == d["day-30"] == "skipped" and d["day-90"] == "planned"))' "$all"
e2e_check "no two of alice's check-ins overlap" python3 -c '
import json, sys
b = sorted((o["due_at"], o["end_at"]) for o in json.loads(sys.argv[1])
           if o["state"] not in ("cancelled", "skipped"))
sys.exit(any(s1 < e0 for (s0, e0), (s1, e1) in zip(b, b[1:])))' "$all"
e2e_check "postsalectl managers --json: alice in Berlin, RFC 3339 times" python3 -c '
import datetime, json, sys
m = {o["address"]: o for o in json.loads(sys.argv[1])}["alice@example.com"]
t = datetime.datetime.fromisoformat(m["next_checkin"])
sys.exit(not (m["timezone"] == "Europe/Berlin" and t.utcoffset() in
              (datetime.timedelta(hours=1), datetime.timedelta(hours=2))))' \
	"$("$CTL" -c "$E2E_CONF" managers --json)"

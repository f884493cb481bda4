#!/bin/bash
# replies.sh - the managers' answers end to end: invitations from postsale-mailer reach
# the manager through the private Postfix; answers written as a calendar client would
# (make_reply.py, from the delivered invitation with python3-icalendar) go back to
# postsale-address through Postfix and postsale-milter, which records them:
#   a REPLY ACCEPTED; a forged REPLY from another address (ignored, logged); a REPLY for
#   an unknown UID (ignored, logged); a DECLINED (re-planned: the next run sends a new
#   REQUEST, same UID, higher SEQUENCE); a COUNTER, then `postsalectl checkin
#   accept-counter` (a REQUEST at the proposed time); `checkins --unanswered`; the
#   managers' summary (dry run, real, not again within summary-interval); `run --dry-run`
#   writes a CANCEL (no RSVP) and records nothing; reply-mail = discard.
# Every invitation is read by python3-icalendar and ical.js (check_invite.py).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
/usr/bin/python3 -c 'import icalendar' 2>/dev/null || e2e_skip "python3-icalendar is not installed"
e2e_init
PY=/usr/bin/python3
CHECK=${top_srcdir}/tests/e2e/check_invite.py
REPLY=${top_srcdir}/tests/e2e/make_reply.py
DB=$E2E_DIR/db/postsale.db
e2e_write_conf "company-name = Example Ltd
postsale-address = postsale@example.com
manager-timezones = alice@example.com=Europe/Berlin
checkin-unanswered = 100
submit-url = smtp://127.0.0.1:$E2E_SMTP_PORT
submit-starttls = none"
e2e_start_milter
E2E_VIRTUAL_DOMAINS="newcustomer.example" e2e_start_postfix accept

# latest PATTERN - the newest delivered message whose headers hold PATTERN
latest() {
	local f
	for f in $(ls -t "$E2E_DIR"/maildir/inbox/new/*); do
		if sed '/^$/q' "$f" | grep -qF -- "$1"; then echo "$f"; return 0; fi
	done
	return 1
}
# answer FILE [swaks options] - send an answer to postsale-address from inside
answer() {
	local file=$1
	shift
	e2e_send "$file" --to postsale@example.com "$@"
}
# db SQL - a value from the store, read with Python's sqlite3 (not our code)
db() {
	$PY -c 'import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone(); print("" if r is None else "|".join("" if v is None else str(v) for v in r))' "$DB" "$1"
}
# wait_log TEXT - wait until the milter logged TEXT
wait_log() {
	local tries=100
	while ! e2e_milter_log_has "$1" && [ $tries -gt 0 ]; do sleep 0.1; tries=$((tries - 1)); done
	e2e_milter_log_has "$1"
}

printf 'From: Alice <alice@example.com>\r\nTo: Carol Customer <carol@newcustomer.example>\r\nSubject: Welcome aboard\r\nMessage-ID: <welcome@example.com>\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\nX-Postsale-Onboarding: yes\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWelcome, Carol!\r\n' > "$E2E_DIR"/welcome.eml
e2e_check "onboarding mail accepted" e2e_send "$E2E_DIR"/welcome.eml --to carol@newcustomer.example
e2e_wait_maildir 1 || e2e_fail "onboarding mail not delivered"
wait_log "onboarding: journey started"
id_of() { db "SELECT c.id FROM checkins c WHERE c.kind = '$1'"; }
D7=$(id_of day-7) D30=$(id_of day-30) D90=$(id_of day-90)
e2e_check "day 7, 30 and 90 planned ($D7 $D30 $D90)" test -n "$D7" -a -n "$D30" -a -n "$D90"

# The three first invitations.
"$MAILER" -c "$E2E_CONF" run --ahead 100d
e2e_wait_maildir 4 || e2e_fail "the invitations were not delivered"
i7=$(latest "(day 7)") i30=$(latest "(day 30)") i90=$(latest "(day 90)")
for f in "$i7" "$i30" "$i90"; do
	e2e_check "invitation $(basename "$f") parses (python3-icalendar, ical.js)" $PY "$CHECK" "$f" REQUEST 0 \
		alice@example.com postsale@example.com Europe/Berlin
done
unanswered() { "$CTL" -c "$E2E_CONF" checkins --unanswered --json | $PY -c 'import json,sys; print(" ".join(str(o["id"]) for o in json.load(sys.stdin)))'; }
e2e_check "all three unanswered" test "$(unanswered)" = "$D7 $D30 $D90"

# 1. ACCEPTED, through Postfix and the milter.
$PY "$REPLY" "$i7" "$E2E_DIR"/accept.eml --partstat ACCEPTED >/dev/null
e2e_check "the REPLY is accepted by Postfix" answer "$E2E_DIR"/accept.eml
e2e_check "the milter recorded ACCEPTED" wait_log "SEQUENCE 0): ACCEPTED by alice@example.com"
e2e_check "the store says ACCEPTED for SEQUENCE 0" test "$(db "SELECT partstat, partstat_sequence FROM checkins WHERE id = $D7")" = "ACCEPTED|0"
e2e_check "day 7 is answered, 30 and 90 are not" test "$(unanswered)" = "$D30 $D90"
e2e_check "reply-mail = keep: the answer reached the postsale mailbox" e2e_wait_maildir 5

# 2. A forged REPLY: alice's ATTENDEE, sent by mallory.
$PY "$REPLY" "$i30" "$E2E_DIR"/forged.eml --partstat ACCEPTED --from mallory@example.com >/dev/null
answer "$E2E_DIR"/forged.eml --from mallory@example.com >/dev/null
e2e_check "the forged REPLY is logged and ignored" wait_log "was sent by <mallory@example.com> (From: <mallory@example.com>), not by the attendee: ignored (forged)"
e2e_check "nothing recorded for day 30" test "$(db "SELECT partstat FROM checkins WHERE id = $D30")" = ""

# 2b. A REPLY in bob's name (another ATTENDEE) for alice's check-in, sent by bob.
$PY "$REPLY" "$i30" "$E2E_DIR"/other.eml --partstat DECLINED --attendee bob@example.com >/dev/null
answer "$E2E_DIR"/other.eml --from bob@example.com >/dev/null
e2e_check "an answer from another attendee is logged and ignored" wait_log "names ATTENDEE bob@example.com, not the invited alice@example.com: ignored"
e2e_check "day 30 still unanswered, not re-planned" test "$(db "SELECT partstat, sequence FROM checkins WHERE id = $D30")" = "|0"

# 3. A REPLY for a UID that is no check-in of ours.
$PY "$REPLY" "$i30" "$E2E_DIR"/unknown.eml --uid ci999-0000000000000000@example.com >/dev/null
answer "$E2E_DIR"/unknown.eml >/dev/null
e2e_check "the unknown UID is logged and ignored" wait_log "UID ci999-0000000000000000@example.com from alice@example.com: no check-in has this UID: ignored"

# 4. DECLINED: re-planned, and the next run sends a new REQUEST, same UID, SEQUENCE 1.
uid30=$(db "SELECT uid FROM checkins WHERE id = $D30")
due30=$(db "SELECT due_at FROM checkins WHERE id = $D30")
$PY "$REPLY" "$i30" "$E2E_DIR"/decline.eml --partstat DECLINED >/dev/null
answer "$E2E_DIR"/decline.eml >/dev/null
e2e_check "the DECLINED is re-planned" wait_log "DECLINED by alice@example.com: re-planned to"
e2e_check "the store: DECLINED, SEQUENCE 1, later" test "$(db "SELECT partstat, sequence, state, due_at > $due30 FROM checkins WHERE id = $D30")" = "DECLINED|1|planned|1"
before=$(db "SELECT sent_sequence, sequence, attempts FROM checkins WHERE id = $D30")
mkdir -p "$E2E_DIR"/dry-update && chown "$E2E_USER" "$E2E_DIR"/dry-update	# the mailer runs as the store's owner
e2e_check "run --dry-run after the DECLINED" "$MAILER" -c "$E2E_CONF" run --dry-run --out "$E2E_DIR"/dry-update
e2e_check "the dry run wrote the update: REQUEST, same UID, SEQUENCE 1" \
	sh -c "$PY '$CHECK' \"\$(ls '$E2E_DIR'/dry-update/*.eml | head -1)\" REQUEST 1 alice@example.com postsale@example.com Europe/Berlin | grep -qF 'REQUEST $uid30 SEQUENCE 1'"
e2e_check "the dry run recorded nothing" test "$(db "SELECT sent_sequence, sequence, attempts FROM checkins WHERE id = $D30")" = "$before"
n=$(e2e_maildir_count)
"$MAILER" -c "$E2E_CONF" run
e2e_wait_maildir $((n + 1)) || e2e_fail "no new REQUEST after the DECLINED"
new30=$(latest "(day 30)")
e2e_check "the new REQUEST: same UID $uid30, SEQUENCE 1 (python3-icalendar, ical.js)" \
	sh -c "$PY '$CHECK' '$new30' REQUEST 1 alice@example.com postsale@example.com Europe/Berlin | grep -qF 'REQUEST $uid30 SEQUENCE 1'"
e2e_check "the new REQUEST names alice by the CN of her own answer" $PY -c 'import sys,icalendar
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
c = next(p for p in m.walk() if p.get_content_type() == "text/calendar")
a = icalendar.Calendar.from_ical(c.get_content()).walk("VEVENT")[0]["ATTENDEE"]
a = a if isinstance(a, list) else [a]
assert [x.params.get("CN") for x in a if str(x).lower() == "mailto:alice@example.com"] == ["Alice Example"], a' "$new30"

# 5. COUNTER, then accept-counter: a REQUEST at the proposed time.
read -r uid90 seq90 proposed < <($PY "$REPLY" "$i90" "$E2E_DIR"/counter.eml --counter "+1 14:00")
answer "$E2E_DIR"/counter.eml >/dev/null
e2e_check "the COUNTER is recorded" wait_log "alice@example.com proposes"
e2e_check "the store holds the proposal" test "$(db "SELECT counter_start, sequence FROM checkins WHERE id = $D90")" = "$proposed|0"
e2e_check "accept-counter" "$CTL" -c "$E2E_CONF" checkin accept-counter "$D90"
e2e_check "accept-counter twice: nothing proposed any more" sh -c "! '$CTL' -c '$E2E_CONF' checkin accept-counter $D90 2>/dev/null"
n=$(e2e_maildir_count)
"$MAILER" -c "$E2E_CONF" run
e2e_wait_maildir $((n + 1)) || e2e_fail "no REQUEST after accept-counter"
new90=$(latest "(day 90)")
e2e_check "the moved REQUEST: SEQUENCE 1 at the proposed time" \
	test "$($PY -c 'import sys,icalendar
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
c = next(p for p in m.walk() if p.get_content_type() == "text/calendar")
e = icalendar.Calendar.from_ical(c.get_content()).walk("VEVENT")[0]
print(e["UID"], e["SEQUENCE"], int(e.decoded("DTSTART").timestamp()))' "$new90")" = "$uid90 1 $proposed"
e2e_check "it parses (python3-icalendar, ical.js)" $PY "$CHECK" "$new90" REQUEST 1 alice@example.com postsale@example.com Europe/Berlin

# 6. The managers' summary: day 30 and day 90 wait for an answer to SEQUENCE 1.
e2e_check "unanswered: day 30 and 90 (moved since)" test "$(unanswered)" = "$D30 $D90"
mkdir -p "$E2E_DIR"/dry-summary && chown "$E2E_USER" "$E2E_DIR"/dry-summary	# the mailer runs as the store's owner
e2e_check "summary --dry-run" "$MAILER" -c "$E2E_CONF" summary --dry-run --out "$E2E_DIR"/dry-summary
e2e_check "the dry summary lists two check-ins" grep -q '^Subject: postsale: 2 check-ins without an answer' "$E2E_DIR"/dry-summary/*.eml
e2e_check "the dry run marked nothing" test "$(db "SELECT count(*) FROM manager_summaries")" = 0
n=$(e2e_maildir_count)
e2e_check "summary" "$MAILER" -c "$E2E_CONF" summary
e2e_wait_maildir $((n + 1)) || e2e_fail "no summary delivered"
sum=$(latest "without an answer")
e2e_check "the summary reached alice, parsed by Python's email package" $PY -c 'import sys
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
body = m.get_body(("plain",)).get_content()
assert m["To"].addresses[0].addr_spec == "alice@example.com", m["To"]
assert "Hello Alice Example," in body, body
assert body.count("Carol Customer <carol@newcustomer.example>") == 2, body' "$sum"
e2e_check "the summary is marked" test "$(db "SELECT count(*) FROM manager_summaries WHERE manager = 'alice@example.com'")" = 1
"$MAILER" -c "$E2E_CONF" summary
e2e_check "a second summary waits for summary-interval" test "$(e2e_maildir_count)" = $((n + 1))

# 7. run --dry-run writes the CANCEL (no RSVP) and records nothing.
e2e_check "checkin cancel day 7" "$CTL" -c "$E2E_CONF" checkin cancel "$D7"
before=$(db "SELECT sent_sequence, sequence, attempts FROM checkins WHERE id = $D7")
mkdir -p "$E2E_DIR"/dry-run && chown "$E2E_USER" "$E2E_DIR"/dry-run	# the mailer runs as the store's owner
e2e_check "run --dry-run" "$MAILER" -c "$E2E_CONF" run --dry-run --out "$E2E_DIR"/dry-run
dry=$(grep -l 'method=CANCEL' "$E2E_DIR"/dry-run/*.eml | head -1)
e2e_check "the dry run wrote the CANCEL, SEQUENCE 1 (python3-icalendar, ical.js)" $PY "$CHECK" "$dry" CANCEL 1 \
	alice@example.com postsale@example.com Europe/Berlin
e2e_check "the dry run recorded nothing" test "$(db "SELECT sent_sequence, sequence, attempts FROM checkins WHERE id = $D7")" = "$before"
n=$(e2e_maildir_count)
"$MAILER" -c "$E2E_CONF" run
e2e_wait_maildir $((n + 1)) || e2e_fail "no CANCEL delivered"
e2e_check "the real CANCEL, SEQUENCE 1" $PY "$CHECK" "$(latest "Cancelled: Check-in")" CANCEL 1 \
	alice@example.com postsale@example.com Europe/Berlin

# 8. reply-mail = discard: a recorded answer is not delivered.
echo "reply-mail = discard" >> "$E2E_CONF"
e2e_reload_milter
$PY "$REPLY" "$new30" "$E2E_DIR"/accept30.eml --partstat ACCEPTED >/dev/null
n=$(e2e_maildir_count)
answer "$E2E_DIR"/accept30.eml >/dev/null
e2e_check "the ACCEPTED for the re-planned day 30 is recorded" wait_log "SEQUENCE 1): ACCEPTED by alice@example.com"
sleep 2
e2e_check "and discarded (reply-mail = discard)" test "$(e2e_maildir_count)" = "$n"
e2e_check "the store: ACCEPTED for SEQUENCE 1" test "$(db "SELECT partstat, partstat_sequence FROM checkins WHERE id = $D30")" = "ACCEPTED|1"

# Every invitation delivered still parses in python3-icalendar and ical.js.
for f in $(grep -l '^Content-Type: text/calendar' -r "$E2E_DIR"/maildir/inbox/new); do
	m=$(sed -n 's/.*method=\([A-Z]*\).*/\1/p' "$f" | head -1)
	[ "$m" = REQUEST ] || [ "$m" = CANCEL ] || continue
	s=$($PY -c 'import sys,icalendar
from email import policy
from email.parser import BytesParser
m = BytesParser(policy=policy.default).parse(open(sys.argv[1], "rb"))
c = next(p for p in m.walk() if p.get_content_type() == "text/calendar")
print(icalendar.Calendar.from_ical(c.get_content()).walk("VEVENT")[0]["SEQUENCE"])' "$f")
	e2e_check "$(basename "$f"): $m SEQUENCE $s parses" $PY "$CHECK" "$f" "$m" "$s" alice@example.com \
		postsale@example.com Europe/Berlin
done

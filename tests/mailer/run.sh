#!/bin/sh
# run.sh - postsale-mailer run: a dry run parsed by Python's email package, real runs to
# smtp-sink (each invite once, a second run sends nothing), a move (same UID,
# SEQUENCE+1, the new time), a cancel (METHOD:CANCEL, STATUS:CANCELLED), off-boarding.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/mailer/common.sh"
write_conf
# postsalectl changes things at the real clock: the journey lies in next year's March,
# on its first Monday (CET, UTC+1, until the last Sunday of March)
Y=$(($(date -u +%Y) + 1))
for d in 01 02 03 04 05 06 07; do [ "$(date -u -d "$Y-03-$d" +%u)" = 1 ] && break; done
T0=$(epoch "$Y-03-${d}T10:00Z")
day() { date -u -d "@$((T0 + $1 * 86400))" +%Y-%m-%d; }
DAYS7=$(day 7 | tr -d -); DAYS8=$(day 8 | tr -d -)
"$FILL" "$CONF" "$T0" anna@seller.example 'a@acme.example=ACME GmbH' b@beta.example >/dev/null
DAY7=$(day 7)					# onboarding + 7 days

# 1. the dry run writes the two day-7 invites and records nothing
"$MAILER" -c "$CONF" run --now $DAY7 --dry-run --out "$T/dry" 2>"$T/log" || fail "dry run: $(cat "$T/log")"
[ "$(count "$T/dry")" = 2 ] || fail "dry run wrote $(count "$T/dry") files, not 2"
"$PY" "$CHECK_EML" "$T/dry" > "$T/dry.tsv" || fail "dry-run structure"
[ "$(cut -f4 "$T/dry.tsv" | sort -u)" = REQUEST ] || fail "dry run: not all REQUEST"
[ "$(cut -f3 "$T/dry.tsv" | sort -u)" = 0 ] || fail "dry run: SEQUENCE not 0"
# 10:00 and 11:30 CET are 09:00Z and 10:30Z: within business hours of Berlin, both on Mar 10
grep -q "TZID=Europe/Berlin:${DAYS7}T" "$T/dry.tsv" || fail "dry run: DTSTART not on day 7 in Berlin"
ls "$T/dry" | grep -Eq '^001-ci[0-9]+-[0-9a-f]{16}@seller\.example\.eml$' || fail "dry-run file names"
[ "$(checkins_json | jq_py 'sum(c["attempts"] + (c["state"] != "planned") for c in j)')" = 0 ] ||
	fail "the dry run recorded something"
ok "dry run: 2 invites, structure mixed[alternative[plain, html, calendar], invite.ics]"

# 2. a real run: each invite arrives once, recorded as sent
sink_start "$T/sink"
"$MAILER" -c "$CONF" run --now $DAY7 2>"$T/log" || fail "run: $(cat "$T/log")"
[ "$(count "$T/sink")" = 2 ] || fail "run delivered $(count "$T/sink"), not 2"
"$PY" "$CHECK_EML" "$T/sink" > "$T/run1.tsv" || fail "delivered structure"
cut -f2,3,7 "$T/dry.tsv" | sort > "$T/a"; cut -f2,3,7 "$T/run1.tsv" | sort > "$T/b"
cmp -s "$T/a" "$T/b" || fail "the dry run and the real run differ"
[ "$(checkins_json | jq_py 'sorted(c["state"] for c in j if c["kind"] == "day-7")')" = "['sent', 'sent']" ] ||
	fail "day-7 check-ins not recorded as sent"
ok "run: 2 delivered, the same as the dry run"

# 3. a second run sends nothing
"$MAILER" -c "$CONF" run --now $DAY7 2>"$T/log" || fail "second run: $(cat "$T/log")"
[ "$(count "$T/sink")" = 2 ] || fail "second run sent again"
ok "second run: nothing"

# 4. a move: the same UID, SEQUENCE 1, the new time
ID=$(checkins_json --customer a@acme.example | jq_py '[c["id"] for c in j if c["kind"] == "day-7"][0]')
UID1=$(checkins_json --customer a@acme.example | jq_py '[c["uid"] for c in j if c["kind"] == "day-7"][0]')
"$CTL" -c "$CONF" checkin move "$ID" "$(day 8)T13:00:00Z" >/dev/null || fail "checkin move"
"$MAILER" -c "$CONF" run --now $DAY7 2>"$T/log" || fail "run after move: $(cat "$T/log")"
[ "$(count "$T/sink")" = 3 ] || fail "after the move $(count "$T/sink") messages, not 3"
"$PY" "$CHECK_EML" "$T/sink" | grep -F "	$UID1	1	REQUEST	" > "$T/moved" || fail "no REQUEST SEQUENCE 1 for $UID1"
grep -q "DTSTART;TZID=Europe/Berlin:${DAYS8}T140000" "$T/moved" || fail "moved DTSTART: $(cat "$T/moved")"
ok "move: REQUEST $UID1 SEQUENCE 1 at 14:00 Berlin"

# 5. a cancel: METHOD:CANCEL, STATUS:CANCELLED, SEQUENCE 2
"$CTL" -c "$CONF" checkin cancel "$ID" >/dev/null || fail "checkin cancel"
"$MAILER" -c "$CONF" run --now $DAY7 2>"$T/log" || fail "run after cancel: $(cat "$T/log")"
[ "$(count "$T/sink")" = 4 ] || fail "after the cancel $(count "$T/sink") messages, not 4"
"$PY" "$CHECK_EML" "$T/sink" | grep -F "	$UID1	2	CANCEL	CANCELLED	" >/dev/null || fail "no CANCEL SEQUENCE 2"
ok "cancel: CANCEL $UID1 SEQUENCE 2 STATUS:CANCELLED"

# 6. off-boarding b: a CANCEL for its sent day-7 only (nothing else was sent)
"$CTL" -c "$CONF" customer offboard b@beta.example >/dev/null || fail "offboard"
"$MAILER" -c "$CONF" run --now $DAY7 2>"$T/log" || fail "run after offboard: $(cat "$T/log")"
[ "$(count "$T/sink")" = 5 ] || fail "after off-boarding $(count "$T/sink") messages, not 5"
[ "$(checkins_json --customer b@beta.example | jq_py 'set(c["state"] for c in j)')" = "{'cancelled'}" ] ||
	fail "b's check-ins not all cancelled"
ok "offboard: one CANCEL, every future check-in cancelled"

# 7. day 17: a's day-30 goes out (two weeks ahead), b's never
"$MAILER" -c "$CONF" run --now "$(day 17)" 2>"$T/log" || fail "run day 17: $(cat "$T/log")"
[ "$(count "$T/sink")" = 6 ] || fail "day 17: $(count "$T/sink") messages, not 6"
[ "$(checkins_json --customer a@acme.example | jq_py '[c["state"] for c in j if c["kind"] == "day-30"][0]')" = sent ] ||
	fail "day 17: a's day-30 not sent"
ok "day 17: a's day-30 invite, nothing for the off-boarded b"

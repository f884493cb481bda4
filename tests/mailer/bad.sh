#!/bin/sh
# bad.sh - bad input for postsale-mailer: a server that is down, one that answers 5xx,
# too many temporary failures, a locked database, a second mailer at the same time, an
# unknown time zone in the config, a manager that is not an address. Each must give a
# clear message, lose nothing and send nothing twice.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/mailer/common.sh"
write_conf "mailer-max-attempts = 3"
T0=$(($(date -u +%s) / 86400 * 86400 + 86400 + 36000))	# tomorrow 10:00Z
"$FILL" "$CONF" "$T0" anna@seller.example a@acme.example b@beta.example >/dev/null
NOW=$((T0 + 7 * 86400))
state() { checkins_json | jq_py "[(c['state'], c['attempts']) for c in j if c['kind'] == 'day-7']"; }

# 1. the server is down: exit 75, a clear reason, retried later, nothing lost
st=0; "$MAILER" -c "$CONF" run --now @$NOW 2>"$T/log" || st=$?
[ $st = 75 ] || fail "server down: exit $st, not 75"
grep -q "connect" "$T/log" || fail "server down: no reason: $(cat "$T/log")"
[ "$(state)" = "[('planned', 1), ('planned', 1)]" ] || fail "server down: $(state)"
checkins_json | jq_py '[c["last_error"] for c in j if c["kind"] == "day-7"][0]' | grep -q connect ||
	fail "last_error not recorded"
# before mailer-retry (60 s) nothing is tried
"$MAILER" -c "$CONF" run --now @$((NOW + 30)) 2>"$T/log" || fail "early run: $(cat "$T/log")"
[ "$(state)" = "[('planned', 1), ('planned', 1)]" ] || fail "retried too early: $(state)"
ok "server down: exit 75, retried after the backoff"

# 2. the server is back: each invite once
sink_start "$T/sink"
"$MAILER" -c "$CONF" run --now @$((NOW + 60)) 2>"$T/log" || fail "run: $(cat "$T/log")"
[ "$(count "$T/sink")" = 2 ] || fail "after the outage $(count "$T/sink") messages, not 2"
[ "$(state)" = "[('sent', 0), ('sent', 0)]" ] || fail "after the outage: $(state)"
ok "server back: 2 delivered once"
sink_stop

# 3. 5xx: permanent, state failed with the server's reply, exit 69 (EX_UNAVAILABLE; 1
#    before the sysexits convention of issue 16), shown by postsalectl
ID=$(checkins_json --customer a@acme.example | jq_py '[c["id"] for c in j if c["kind"] == "day-7"][0]')
"$CTL" -c "$CONF" checkin move "$ID" "@$((NOW + 86400 * 2))" --force >/dev/null
sink_start "$T/sink5" -f rcpt
st=0; "$MAILER" -c "$CONF" run --now @$((NOW + 120)) 2>"$T/log" || st=$?
[ $st = 69 ] || fail "5xx: exit $st, not 69: $(cat "$T/log")"
"$CTL" -c "$CONF" checkins --customer a@acme.example | grep -E "failed .* 5[0-9][0-9]" >/dev/null ||
	fail "5xx: postsalectl checkins does not show it: $("$CTL" -c "$CONF" checkins)"
[ "$(count "$T/sink5")" = 0 ] || fail "5xx: something was delivered"
sink_stop
ok "5xx: failed with the reply, shown by postsalectl checkins"

# 4. too many temporary failures (max 3): failed
"$CTL" -c "$CONF" checkin move "$ID" "@$((NOW + 86400 * 3))" --force >/dev/null
for k in 0 1 2; do "$MAILER" -c "$CONF" run --now @$((NOW + 200 + k * 100000)) 2>/dev/null || :; done
checkins_json | jq_py "[(c['state'], c['attempts']) for c in j if c['id'] == $ID]" | grep -q "('failed', 3)" ||
	fail "3 temporary failures: $(checkins_json)"
ok "3 temporary failures: failed"

# 5. a locked database: exit 75, a clear message, nothing sent
"$CTL" -c "$CONF" checkin move "$ID" "@$((NOW + 86400 * 4))" --force >/dev/null
sink_start "$T/sink2"
"$PY" -c "
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute('BEGIN EXCLUSIVE'); open(sys.argv[2], 'w').close(); time.sleep(6)
" "$T/postsale.sqlite" "$T/locked" &
LOCKER=$!
for i in $(seq 50); do [ -f "$T/locked" ] && break; sleep 0.1; done
st=0; "$MAILER" -c "$CONF" run --now @$((NOW + 400000)) 2>"$T/log" || st=$?
[ $st = 75 ] || fail "locked: exit $st, not 75: $(cat "$T/log")"
grep -q "locked" "$T/log" || fail "locked: no clear message: $(cat "$T/log")"
[ "$(count "$T/sink2")" = 0 ] || fail "locked: something was sent"
wait $LOCKER
"$MAILER" -c "$CONF" run --now @$((NOW + 400000)) 2>"$T/log" || fail "after the lock: $(cat "$T/log")"
[ "$(count "$T/sink2")" = 1 ] || fail "after the lock $(count "$T/sink2") messages, not 1"
ok "locked database: exit 75, then sent once"

# 6. two mailers at once: the second steps aside
if command -v flock >/dev/null; then
	flock "$T/postsale.sqlite.mailer-lock" sleep 2 &
	HOLDER=$!
	sleep 0.3
	st=0; "$MAILER" -c "$CONF" run --now @$NOW 2>"$T/log" || st=$?
	wait $HOLDER
	[ $st = 75 ] && grep -q "another postsale-mailer" "$T/log" || fail "second mailer: exit $st: $(cat "$T/log")"
	ok "a second mailer steps aside"
fi
sink_stop

# 7. an unknown time zone in the config: exit 78 naming file:line and key
printf 'manager-timezones = anna@seller.example=Mars/Olympus_Mons\n' > "$T/bad.conf"
st=0; "$MAILER" -c "$T/bad.conf" run 2>"$T/log" || st=$?
[ $st = 78 ] && grep -q "bad.conf:1: manager-timezones" "$T/log" || fail "bad zone: exit $st: $(cat "$T/log")"
ok "unknown zone: $(cat "$T/log")"

# 8. a manager that is not an address: refused, nothing stored
st=0; "$FILL" "$CONF" "$T0" 'not an address' c@gamma.example 2>"$T/log" >/dev/null || st=$?
[ $st = 1 ] && grep -q "is not an address" "$T/log" || fail "bad manager: exit $st: $(cat "$T/log")"
[ "$(checkins_json --customer c@gamma.example)" = "[]" ] || fail "bad manager: check-ins stored"
ok "bad manager: $(cat "$T/log")"

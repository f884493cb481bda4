#!/bin/sh
# digest-daemon.sh - `postsale-mailer daemon` sends finance's digest on its schedule
# (digest-time, digest-days), so no cron job is needed: started after the day's
# digest-time it sends the digest at once, through a real smtp-sink, to finance-address
# (read back with Python's email package), and not twice; with digest-time empty, or on
# a day outside digest-days, it sends none. Uses the machine's clock in UTC (TZ=UTC).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/mailer/common.sh"
JFILL=$top_builddir/tests/journal_fill
[ -x "$JFILL" ] || fail "$JFILL is not built"
export TZ=UTC
today=$(date -u +%a)
NOW=$(date -u +%s)
"$JFILL" "$T/postsale.sqlite" INV-1 "Acme AG" 100.00 flagged hold Q1 "$NOW" "BR-CO-15:error:totals" >/dev/null
"$JFILL" "$T/postsale.sqlite" INV-2 "Beta AG" 200.00 flagged hold Q2 "$NOW" "PS-IBAN:error:payee" >/dev/null
sink_start "$T/sink"
DPID=
stop_daemon() { [ -z "$DPID" ] || { kill "$DPID"; wait "$DPID" 2>/dev/null || :; DPID=; }; }
trap 'stop_daemon; cleanup' EXIT

# wait_count N - until the sink holds N messages (at most 20 s)
wait_count() {
	for i in $(seq 200); do [ "$(count "$T/sink")" -ge "$1" ] && return 0; sleep 0.1; done
	return 1
}

# 1. digest-time empty: the daemon says so and sends no digest.
write_conf "finance-address = finance@seller.example" "mailer-interval = 1s"
"$MAILER" -c "$CONF" daemon 2>"$T/log1" &
DPID=$!
for i in $(seq 100); do grep -q "check-ins:" "$T/log1" && break; sleep 0.1; done
sleep 2
stop_daemon
grep -q "no digest" "$T/log1" || fail "no word on the empty digest-time: $(cat "$T/log1")"
[ "$(count "$T/sink")" = 0 ] || fail "a digest went out with digest-time empty"
ok "digest-time empty: no digest"

# 2. today is not a digest day: none either.
other=Mon; [ "$today" = Mon ] && other=Tue
write_conf "finance-address = finance@seller.example" "mailer-interval = 1s" \
	"digest-time = 00:00" "digest-days = $other"
"$MAILER" -c "$CONF" daemon 2>"$T/log2" &
DPID=$!
for i in $(seq 100); do [ "$(grep -c "check-ins:" "$T/log2")" -ge 2 ] && break; sleep 0.1; done
stop_daemon
[ "$(count "$T/sink")" = 0 ] || fail "a digest went out on $today with digest-days = $other"
ok "not a digest day ($today): no digest"

# 3. digest-time passed today (00:00, every day): sent at once, once.
write_conf "finance-address = finance@seller.example" "mailer-interval = 1s" \
	"digest-time = 00:00" "digest-days = Mon-Sun"
"$MAILER" -c "$CONF" daemon 2>"$T/log3" &
DPID=$!
wait_count 1 || fail "no digest from the daemon: $(cat "$T/log3")"
# three more turns of the loop: still one digest
for i in $(seq 100); do [ "$(grep -c "check-ins:" "$T/log3")" -ge 4 ] && break; sleep 0.1; done
stop_daemon
[ "$(count "$T/sink")" = 1 ] || fail "$(count "$T/sink") digests, not 1"
"$PY" - "$(find "$T/sink" -type f)" <<'PY' || fail "the digest does not read as one to finance listing both invoices"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert "finance@seller.example" in str(m["To"]), m["To"]
assert "postsale@seller.example" in str(m["From"]), m["From"]
text = "".join(p.get_content() for p in m.walk() if p.get_content_maintype() == "text")
assert "INV-1" in text and "INV-2" in text, text[:500]
PY
grep -q "digest" "$T/log3" || fail "the log does not mention the digest"
ok "digest-time passed: one digest to finance with INV-1 and INV-2"

# 4. digest-time without a finance-address: said once, at start-up; nothing sent.
rm -rf "$T/sink"/*
write_conf "mailer-interval = 1s" "digest-time = 00:00" "digest-days = Mon-Sun"
"$MAILER" -c "$CONF" daemon 2>"$T/log4" &
DPID=$!
for i in $(seq 100); do [ "$(grep -c "check-ins:" "$T/log4")" -ge 2 ] && break; sleep 0.1; done
stop_daemon
grep -q "digest-time is set but finance-address is empty" "$T/log4" ||
	fail "no word on the missing finance-address: $(cat "$T/log4")"
[ "$(grep -c "finance-address" "$T/log4")" = 1 ] || fail "the missing finance-address is logged more than once"
[ "$(count "$T/sink")" = 0 ] || fail "a digest went out without a finance-address"
ok "digest-time without finance-address: one error line, no digest"

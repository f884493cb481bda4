#!/bin/sh
# crash.sh - kill -9 postsale-mailer in the middle of a batch, again and again, then let
# it finish: every check-in's UID must have arrived at smtp-sink, no UID+SEQUENCE may
# have arrived with two different contents, and the resends are at most one per kill
# (the one message in flight), since each claim is committed before its message leaves.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/mailer/common.sh"
N=${CRASH_CUSTOMERS:-1000}
write_conf
T0=$(($(date -u +%s) / 86400 * 86400 + 86400 + 36000))	# tomorrow 10:00Z
# 20 customers a manager: one manager's check-ins never overlap, so a thousand customers
# of one manager would fill more than a year of her slots
for m in $(seq 1 $(((N + 19) / 20))); do
	"$FILL" "$CONF" "$T0" "mgr$m@seller.example" -n 20 "c$m.crash.example" >/dev/null || fail "fill"
done
NOW=@$((T0 + 7 * 86400))
sink_start "$T/sink"

kills=0 rounds=0 done=
while [ $rounds -lt 40 ] && [ -z "$done" ]; do
	rounds=$((rounds + 1))
	before=$(count "$T/sink")
	"$MAILER" -c "$CONF" run --now "$NOW" 2>>"$T/log" &
	pid=$!
	sleep 0.$((rounds * 37 % 3 + 1))
	if kill -9 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null || :
		[ "$(count "$T/sink")" -gt "$before" ] && kills=$((kills + 1))
	else
		wait "$pid" && done=1 || fail "run exited $?: $(tail -3 "$T/log")"
	fi
done
"$MAILER" -c "$CONF" run --now "$NOW" 2>>"$T/log" || fail "final run: $(tail -3 "$T/log")"
[ $kills -ge 1 ] || fail "no kill landed in the middle of a batch ($rounds rounds)"
sleep 0.2	# smtp-sink writes its last dump
"$PY" "$CHECK_EML" "$T/sink" > "$T/got.tsv" || fail "a delivered message is malformed"
checkins_json > "$T/checkins.json"
"$PY" - "$T/got.tsv" "$T/checkins.json" $kills <<'PYEOF' || exit 1
import collections, json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
cis = json.load(open(sys.argv[2]))
kills = int(sys.argv[3])
due = {c["uid"] for c in cis if c["kind"] == "day-7"}
got = collections.defaultdict(set)
for r in rows:
    got[(r[1], r[2])].add(r[6])
uids = {u for u, _ in got}
missing = due - uids
assert not missing, f"{len(missing)} invites never arrived, e.g. {sorted(missing)[:3]}"
assert uids <= due, f"unexpected UIDs {sorted(uids - due)[:3]}"
bad = [k for k, v in got.items() if len(v) > 1]
assert not bad, f"UID+SEQUENCE with different contents: {bad[:3]}"
resent = len(rows) - len(uids)
assert resent <= kills, f"{resent} resends for {kills} kills"
left = [c for c in cis if c["kind"] == "day-7" and (c["state"] != "sent" or c["pending"])]
assert not left, f"{len(left)} day-7 check-ins not recorded as sent"
print(f"ok: {len(due)} invites, {len(rows)} messages, {kills} kills mid-batch, {resent} resent")
PYEOF

#!/bin/sh
# two.sh - two postsale-mailers on two "hosts" (a state-directory each, so each has its
# own flock) sharing one PostgreSQL store (a private cluster, tests/pg/cluster.sh), as
# the mailers of a relay pair would:
# 1. started together on a batch of due check-ins, they send every invitation exactly
#    once between them (both take part), counted at smtp-sink by check_eml.py (Python's
#    email package), not by the mailers' own logs;
# 2. started together again on a new batch, one is killed -9 mid-batch: the other goes
#    on; the check-in the dead one had claimed (if any) waits for its lease, is not sent
#    by a run during it, and goes out after it, with the same UID and SEQUENCE; in all,
#    every invitation arrived, at most one twice, none with two different contents.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/mailer/common.sh"
PG_CLUSTER_TRAP=no
. "$top_srcdir/tests/pg/cluster.sh"
trap 'pg_cluster_stop; cleanup' EXIT
trap 'exit 130' INT TERM
N=${TWO_CUSTOMERS:-400}
pg_cluster_start mailers >/dev/null
write_conf
two_hosts 2s
CONF=$T/a.conf		# checkins_json reads the shared store through host a's config
T0=$(($(date -u +%s) / 86400 * 86400 + 86400 + 36000))	# tomorrow 10:00Z
NOW=@$((T0 + 7 * 86400))

# fill TAG - N customers of 20 a manager under TAG, onboarded at T0
fill() {
	for m in $(seq 1 $(((N + 19) / 20))); do
		"$FILL" "$CONF" "$T0" "mgr$m@seller.example" -n 20 "c$m.$1.example" >/dev/null ||
			fail "fill $1"
	done
}

# check SINKDIR DOMAIN_PART MAX_RESENT - the invitations to customers of DOMAIN_PART
# that arrived at SINKDIR: each due one, none other, at most MAX_RESENT twice
check() {
	sleep 0.2	# smtp-sink writes its last dump
	"$PY" "$CHECK_EML" "$1" > "$T/got.tsv" || fail "a delivered message is malformed"
	checkins_json > "$T/checkins.json"
	"$PY" - "$T/got.tsv" "$T/checkins.json" "$2" "$3" <<'PYEOF' || exit 1
import collections, json, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
cis = json.load(open(sys.argv[2]))
part, max_resent = sys.argv[3], int(sys.argv[4])
due = {c["uid"] for c in cis if c["kind"] == "day-7" and part in c["customer"]}
got = collections.defaultdict(list)
for r in rows:
    got[(r[1], r[2])].append(r[6])
uids = {u for u, _ in got}
assert due, "no check-in due"
missing = due - uids
assert not missing, f"{len(missing)} invites never arrived, e.g. {sorted(missing)[:3]}"
assert uids <= due, f"unexpected UIDs {sorted(uids - due)[:3]}"
bad = [k for k, v in got.items() if len(set(v)) > 1]
assert not bad, f"UID+SEQUENCE with different contents: {bad[:3]}"
twice = [k for k, v in got.items() if len(v) > 1]
assert len(twice) <= max_resent, f"{len(twice)} invitations went out twice: {twice[:3]}"
left = [c for c in cis if c["kind"] == "day-7" and part in c["customer"]
        and (c["state"] != "sent" or c["pending"])]
assert not left, f"{len(left)} day-7 check-ins not recorded as sent"
print(f"ok: {len(due)} invites, {len(rows)} messages, {len(twice)} sent twice")
PYEOF
}

# sent LOG - the "N sent" of a mailer's summary line
sent() { sed -n 's/.*check-ins: \([0-9]*\) sent.*/\1/p' "$1" | tail -n 1; }

# 1. two mailers at once: every invitation exactly once
fill one
sink_start "$T/sink1"
"$MAILER" -c "$T/a.conf" run --now "$NOW" 2>"$T/a1.log" & pa=$!
"$MAILER" -c "$T/b.conf" run --now "$NOW" 2>"$T/b1.log" & pb=$!
wait $pa || fail "mailer a exited $?: $(tail -3 "$T/a1.log")"
wait $pb || fail "mailer b exited $?: $(tail -3 "$T/b1.log")"
check "$T/sink1" ".one." 0
sa=$(sent "$T/a1.log") sb=$(sent "$T/b1.log")
[ "${sa:-0}" -gt 0 ] && [ "${sb:-0}" -gt 0 ] ||
	fail "both mailers should have sent some: a $sa, b $sb"
ok "two mailers at once: a sent $sa, b sent $sb, each invitation once"
sink_stop

# 2. kill -9 one of them mid-batch
fill two
sink_start "$T/sink2"
"$MAILER" -c "$T/a.conf" run --now "$NOW" 2>"$T/a2.log" & pa=$!
"$MAILER" -c "$T/b.conf" run --now "$NOW" 2>"$T/b2.log" & pb=$!
# mid-batch: once a tenth of the batch has arrived
for _ in $(seq 500); do [ "$(count "$T/sink2")" -lt $((N / 10)) ] || break; sleep 0.01; done
kill -9 $pa 2>/dev/null || fail "mailer a had finished before the kill: try more TWO_CUSTOMERS"
killed_at=$(date +%s)
wait $pa 2>/dev/null || :
wait $pb || fail "mailer b exited $?: $(tail -3 "$T/b2.log")"
during=
held=$(checkins_json | jq_py 'len([c for c in j if c["kind"] == "day-7" and ".two." in c["customer"] and c["pending"]])')
[ "$held" -le 1 ] || fail "$held check-ins left pending by one kill"
if [ "$held" = 1 ] && [ $(($(date +%s) - killed_at)) -lt 8 ]; then
	# within the lease (10 s: submit-timeout 2s, database-timeout 2s) nobody takes it
	"$MAILER" -c "$T/b.conf" run --now "$NOW" 2>"$T/b3.log" || fail "run during the lease: $(tail -3 "$T/b3.log")"
	[ "$(sent "$T/b3.log")" = 0 ] || fail "a run during the lease sent $(sent "$T/b3.log")"
	during="; a run during the lease sent nothing"
fi
[ "$held" = 0 ] || [ $(($(date +%s) - killed_at)) -ge 11 ] || sleep $((killed_at + 11 - $(date +%s)))
"$MAILER" -c "$T/b.conf" run --now "$NOW" 2>"$T/b4.log" || fail "run after the lease: $(tail -3 "$T/b4.log")"
[ "$(sent "$T/b4.log")" = "$held" ] || fail "the run after the lease sent $(sent "$T/b4.log"), not $held"
check "$T/sink2" ".two." 1
ok "mailer a killed -9 mid-batch ($(sent "$T/b2.log") sent by b meanwhile), its claim ($held) taken after the lease$during"

#!/bin/sh
# two-digest.sh - finance's digest and the managers' summaries from two postsale-mailers
# on two "hosts" (a state-directory each, so each has its own flock) sharing one
# PostgreSQL store (a private cluster, tests/pg/cluster.sh). The sink answers DATA after
# a second (smtp-sink -w 1), so that the two mailers' sends overlap: without the claim in
# the store both would send.
# 1. `digest` started on both at once, three rounds: each round one digest arrives
#    (counted at smtp-sink, read by Python's email package), the other mailer says that
#    another mailer's claim holds the invoices and exits 75; every invoice is marked.
# 2. A mailer killed -9 between its claim and its send: nothing is lost. During the
#    lease a `digest` run sends nothing (75); a daemon started then sends the dead
#    mailer's invoices once the lease is over, and only those (an invoice flagged in
#    the meantime waits for the next digest).
# 3. `summary` started on both at once: each manager gets one summary.
# 4. Daemons of one digest-time: the one started after the other's digest went out
#    sends none, though an invoice was flagged since.
# (The earlier digests are moved to yesterday where a daemon's digest of today's
# digest-time must still be due.)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/mailer/common.sh"
JFILL=$top_builddir/tests/journal_fill
[ -x "$JFILL" ] || fail "$JFILL is not built"
command -v psql >/dev/null || { echo "SKIP: no psql (postgresql-client)" >&2; exit 77; }
PG_CLUSTER_TRAP=no
. "$top_srcdir/tests/pg/cluster.sh"
DPID=
stop_daemon() { [ -z "$DPID" ] || { kill "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null || :; DPID=; }; }
trap 'stop_daemon; pg_cluster_stop; cleanup' EXIT
trap 'exit 130' INT TERM
export TZ=UTC
pg_cluster_start digest >/dev/null
# submit-timeout 3s: the lease is 2 x 3 s + 2 x 2 s = 10 s
write_conf "finance-address = finance@seller.example"
two_hosts 3s
CONF=$T/a.conf
NOW=$(date -u +%s)

# sql QUERY - one value from the shared store
sql() { psql -X -A -t -q -d "$POSTGRESQL_URI" -c "$1"; }
# flag NUMBER... - journal flagged invoices
flag() {
	for n in "$@"; do
		"$JFILL" "$POSTGRESQL_URI" "$n" "Buyer $n" 10.00 flagged hold "Q$n" "$NOW" \
			"BR-CO-15:error:totals" >/dev/null || fail "journal_fill $n"
	done
}
# complete DIR - the messages smtp-sink took in full at DIR (a session cut short leaves
# a file without headers)
complete() { grep -l '^Subject:' "$1"/* 2>/dev/null | wc -l; }
# digests DIR - "NUMBERS|Message-ID" of each message at DIR, one a line
digests() {
	sleep 0.2	# smtp-sink writes its last dump
	"$PY" - "$1" <<'PYEOF'
import email, email.policy, glob, re, sys
for f in sorted(glob.glob(sys.argv[1] + "/*")):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    if m["Subject"] is None:
        continue	# a session cut short
    assert "finance@seller.example" in str(m["To"]), m["To"]
    text = m.get_body(("plain",)).get_content()
    print(",".join(sorted(set(re.findall(r"\b[RK][0-9]*-[0-9]+\b", text)))) + "|" + m["Message-ID"])
PYEOF
}

sink_start "$T/sink" -w 1

# 1. digest on both at once, three rounds
for r in 1 2 3; do
	flag "R$r-1" "R$r-2" "R$r-3"
	before=$(complete "$T/sink")
	"$MAILER" -c "$T/a.conf" digest 2>"$T/a$r.log" & pa=$!
	"$MAILER" -c "$T/b.conf" digest 2>"$T/b$r.log" & pb=$!
	wait $pa && sa=0 || sa=$?
	wait $pb && sb=0 || sb=$?
	got=$(($(complete "$T/sink") - before))
	[ "$got" = 1 ] || fail "round $r: $got digests arrived, not 1 (a: $sa, b: $sb)"
	[ "$sa$sb" = 075 ] || [ "$sa$sb" = 750 ] ||
		fail "round $r: exit statuses a $sa, b $sb (one 0, one 75): $(cat "$T/a$r.log" "$T/b$r.log")"
	grep -q "another mailer's claim holds 3 invoices" "$T/a$r.log" "$T/b$r.log" ||
		fail "round $r: the second mailer does not say the claim held it"
	case $(digests "$T/sink") in *"R$r-1,R$r-2,R$r-3|"*) ;; *) fail "round $r: the digest does not list R$r-1..3" ;; esac
	[ "$(sql "SELECT count(*) FROM invoices WHERE digested_at IS NULL OR digest_claimed_until IS NOT NULL")" = 0 ] ||
		fail "round $r: invoices left undigested or claimed"
done
ok "digest on two mailers at once, 3 rounds: one digest each round, the other mailer held off (75)"

# 2. kill -9 between the claim and the send
rm -f "$T/sink"/*
flag K-1 K-2
"$MAILER" -c "$T/a.conf" digest 2>"$T/ak.log" & pa=$!
for _ in $(seq 100); do
	[ "$(sql "SELECT count(*) FROM invoices WHERE digest_claimed_until IS NOT NULL")" = 2 ] && break
	sleep 0.02
done
kill -9 $pa 2>/dev/null || fail "mailer a had finished before the kill"
killed_at=$(date +%s)
until=$(sql "SELECT max(digest_claimed_until) FROM invoices")
wait $pa 2>/dev/null || :
[ "$(sql "SELECT count(*) FROM invoices WHERE digest_claimed_until IS NOT NULL AND digested_at IS NULL")" = 2 ] ||
	fail "mailer a was killed before its claim: $(cat "$T/ak.log")"
flag K-3		# flagged during the dead mailer's lease
"$MAILER" -c "$T/b.conf" digest 2>"$T/bk.log" && fail "a digest run during the lease exited 0: $(cat "$T/bk.log")"
[ $? = 75 ] || fail "a digest run during the lease: not 75: $(cat "$T/bk.log")"
[ $(($(date +%s) - killed_at)) -lt 9 ] || fail "the run during the lease came too late to tell"
[ "$(complete "$T/sink")" = 0 ] || fail "a digest went out during the dead mailer's lease"
# the daemon's digest of today's 00:00 is still to go: the earlier digests were yesterday's
sql "UPDATE invoices SET digested_at = digested_at - 86400 WHERE digested_at IS NOT NULL" >/dev/null
{ cat "$T/b.conf"; echo "mailer-interval = 1s"; echo "digest-time = 00:00"; echo "digest-days = Mon-Sun"; } > "$T/bd.conf"
"$MAILER" -c "$T/bd.conf" daemon 2>"$T/bd.log" & DPID=$!
for _ in $(seq 250); do [ "$(complete "$T/sink")" -ge 1 ] && break; sleep 0.1; done
[ "$(complete "$T/sink")" -ge 1 ] || fail "the dead mailer's invoices never went out: $(cat "$T/bd.log")"
[ "$(stat -c %Y $(grep -l '^Subject:' "$T/sink"/*))" -ge "$until" ] ||
	fail "the digest went out within the dead mailer's lease (until $until)"
sleep 3			# three more turns of the daemon: nothing else
stop_daemon
d=$(digests "$T/sink")
[ "$(echo "$d" | wc -l)" = 1 ] || fail "$(echo "$d" | wc -l) digests after the kill, not 1: $d"
case $d in K-1,K-2\|*) ;; *) fail "the digest after the lease lists ${d%%|*}, not K-1,K-2" ;; esac
grep -q "another mailer's claim holds 2 invoices" "$T/bd.log" || fail "the daemon did not wait for the lease: $(cat "$T/bd.log")"
[ "$(sql "SELECT number FROM invoices WHERE digested_at IS NULL")" = K-3 ] ||
	fail "K-3 (flagged during the lease) should wait for the next digest: $(sql "SELECT number, digested_at FROM invoices WHERE number LIKE 'K-%'")"
ok "mailer killed -9 after its claim: a run during the lease sent nothing (75), the daemon sent K-1, K-2 once after it; K-3 waits"

# 4. daemons of one schedule: the digest one of them sent for today's digest-time is
#    done for the other, which starts after it went out, even with an invoice flagged
#    since (it waits for the next digest).
sql "UPDATE invoices SET digested_at = digested_at - 86400 WHERE digested_at IS NOT NULL" >/dev/null
rm -f "$T/sink"/*
for h in a b; do
	{ cat "$T/$h.conf"; echo "mailer-interval = 1s"; echo "digest-time = 00:00"
	  echo "digest-days = Mon-Sun"; } > "$T/${h}d.conf"
done
flag S-1
"$MAILER" -c "$T/ad.conf" daemon 2>"$T/ad.log" & DPID=$!
for _ in $(seq 100); do [ "$(complete "$T/sink")" -ge 1 ] && break; sleep 0.1; done
stop_daemon
[ "$(complete "$T/sink")" = 1 ] || fail "daemon a sent no digest: $(cat "$T/ad.log")"
flag S-2
"$MAILER" -c "$T/bd.conf" daemon 2>"$T/bd2.log" & DPID=$!
for _ in $(seq 100); do [ "$(grep -c "check-ins:" "$T/bd2.log")" -ge 3 ] && break; sleep 0.1; done
stop_daemon
[ "$(complete "$T/sink")" = 1 ] || fail "daemon b sent today's digest again: $(cat "$T/bd2.log")"
grep -q "went out already" "$T/bd2.log" || fail "daemon b does not say the digest went out: $(cat "$T/bd2.log")"
[ "$(sql "SELECT number FROM invoices WHERE digested_at IS NULL AND number LIKE 'S-%'")" = S-2 ] ||
	fail "S-2 should wait for the next digest"
ok "daemons of one schedule: b, started after a's digest went out, sent none (S-2 waits)"

# 3. the managers' summaries on both at once: one each
"$FILL" "$CONF" "$((NOW / 86400 * 86400 + 86400 + 36000))" "mgr1@seller.example" -n 2 "s1.example" >/dev/null || fail "fill"
"$FILL" "$CONF" "$((NOW / 86400 * 86400 + 86400 + 36000))" "mgr2@seller.example" -n 2 "s2.example" >/dev/null || fail "fill"
rm -f "$T/sink"/*
"$MAILER" -c "$T/a.conf" summary 2>"$T/as.log" & pa=$!
"$MAILER" -c "$T/b.conf" summary 2>"$T/bs.log" & pb=$!
wait $pa && sa=0 || sa=$?
wait $pb && sb=0 || sb=$?
sleep 0.2
"$PY" - "$T/sink" <<'PYEOF' || fail "summaries: a $sa, b $sb: $(cat "$T/as.log" "$T/bs.log")"
import collections, email, email.policy, glob, sys
to = collections.Counter()
for f in glob.glob(sys.argv[1] + "/*"):
    m = email.message_from_binary_file(open(f, "rb"), policy=email.policy.default)
    to[m["To"].addresses[0].addr_spec] += 1
assert to == {"mgr1@seller.example": 1, "mgr2@seller.example": 1}, dict(to)
PYEOF
[ "$(sql "SELECT count(*) FROM manager_summaries WHERE sent_at > 0 AND claimed_until IS NULL")" = 2 ] ||
	fail "summaries not marked: $(sql "SELECT * FROM manager_summaries")"
ok "summaries on two mailers at once: one to each manager (a exit $sa, b exit $sb)"

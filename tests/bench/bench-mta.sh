#!/bin/bash
# bench-mta.sh - throughput of outbound mail through a private Postfix, in one run, in
# setups that differ only in the filter: none, a no-op libmilter filter, postsale-milter,
# and (for invoices and notes) the no-op filter making the same edits as postsale (one
# header; with notes, the body replaced), since Postfix's cleanup pays for applying any
# filter's edits. One Postfix instance has a smtpd listener per setup (the same queue,
# the same delivery to smtp-sink), and the setups take turns round by round, kind by
# kind, so that the machine's noise falls on all alike; each round starts one setup
# further on, and every second round runs backwards, so that no setup always runs
# first, or always right after the same other (whose queue's delivery and writeback it
# would pay for). Prints msg/s of each round, the ratios of each round and their
# median. Not a pass/fail test.
#
# BENCH_KINDS (default "plain invoice note"), each measured in every round:
#   plain    a 5 KB message that needs no action (BENCH_SIZE: body bytes, 5120)
#   invoice  a mail with a 50 KB UBL invoice attached (the official example with its
#            PDF rendering embedded): found, checked, journaled and tagged
#   note     the same invoice, and a thank-you note written into it
# (BENCH_KIND, one kind, is still understood.) BENCH_MESSAGES (per setup and round,
# default 2000), BENCH_ROUNDS (default 3), BENCH_SESSIONS (parallel SMTP sessions,
# default 8). BENCH_OTHER_MILTER=PATH also measures another build of postsale-milter
# (e.g. main's, before a change) in the same rounds, with the same configuration; set to
# this build itself, it shows the bench's own noise between two identical setups.
# E2E_MILTER_WRAPPER runs postsale-milter under a tool, e.g. callgrind, to profile the
# running filter under this load. BENCH_CALIBRATE (e.g. "C100 C300 W300") adds, for
# invoice mail, the no-op adding the header that also spends N microseconds of CPU (CN)
# or waits N microseconds without the CPU (WN) at end of message (noop-milter -C, -W),
# and for mail with a note the same with the body replaced too: what a filter's work,
# and a filter's wait, at that point cost the MTA's throughput, and so what budget a
# filter making those edits has for its own work before it falls below 0.9.
# Each filter's CPU time (user + system, from /proc) is also summed over the rounds of
# each kind, and printed per message: unlike msg/s, it barely moves when other work
# shares the machine, so it shows what postsale-milter costs beyond the no-op. So is the
# whole machine's busy time per message, until each setup's messages are delivered: what
# a filter makes Postfix and the kernel spend besides its own.
# running filter under this load. BENCH_PG (default yes when PostgreSQL's server is
# installed; no to leave it out) also measures postsale-milter with its store on a
# private PostgreSQL cluster (tests/pg/cluster.sh) in the same rounds, and the ratio of
# its throughput to the SQLite store's.
E2E_NAME=bench
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
KINDS=${BENCH_KINDS:-${BENCH_KIND:-plain invoice note}}
N=${BENCH_MESSAGES:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
SESSIONS=${BENCH_SESSIONS:-8}
SIZE=${BENCH_SIZE:-5120}
OTHER=${BENCH_OTHER_MILTER:-}
CAL=${BENCH_CALIBRATE:-}
PGB=""	# set to yes below when the PostgreSQL store is measured

e2e_init
command -v smtp-source >/dev/null || e2e_skip "smtp-source is not installed (package postfix)"
NOOP=${top_builddir}/tests/bench/noop-milter
[ -x "$NOOP" ] || e2e_skip "$NOOP is not built"
for kind in $KINDS; do
	case "$kind" in
	plain|invoice|note) ;;
	*) echo "bench: the kinds are plain, invoice and note, not $kind" >&2; exit 2 ;;
	esac
done
[ -z "$OTHER" ] || [ -x "$OTHER" ] || { echo "bench: $OTHER is not a program" >&2; exit 2; }
# CALS: the calibrated no-ops of invoice mail (cal-CN, the tag's edit), CALB: of mail
# with a note (calb-CN, the tag and the body)
CALS="" CALB=""
case " $KINDS " in
*" invoice "*|*" note "*) ;;
*) [ -z "$CAL" ] || echo "bench: BENCH_CALIBRATE is measured with invoice and note mail, which BENCH_KINDS leaves out" >&2
   CAL="" ;;
esac
for c in $CAL; do
	[[ "$c" =~ ^[CW][0-9]{1,6}$ ]] || { echo "bench: BENCH_CALIBRATE takes CN and WN (microseconds), not $c" >&2; exit 2; }
	[[ " $KINDS " == *" invoice "* ]] && CALS="$CALS cal-$c"
	[[ " $KINDS " == *" note "* ]] && CALB="$CALB calb-$c"
done
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
case " $KINDS " in
*" invoice "*|*" note "*)
	[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML)"
	python3 "${top_srcdir}/tests/e2e/make_invoice_mail.py" "$XML" "$E2E_DIR"/invoice.eml \
		--embed-bytes 21000 ;;
esac

# The filters: the no-op three ways, postsale-milter with notes off and on (a process
# each, with a configuration and a database of its own), and perhaps the other build.
PIDS=""
declare -A PORT PIDOF
# start_noop NAME FLAGS - a no-op filter on a port of its own
start_noop() {
	PORT[$1]=$(e2e_free_port)
	# shellcheck disable=SC2086
	"$NOOP" $2 inet:"${PORT[$1]}"@127.0.0.1 &
	PIDS="$PIDS $!"
	PIDOF[$1]=$!
	e2e_wait_port "${PORT[$1]}" 10 || { echo "noop-milter $2 did not start" >&2; exit 1; }
}
# start_postsale NAME NOTES [PROGRAM [DATABASE]] - postsale-milter as in production (log
# level info), with a database of its own or DATABASE
start_postsale() {
	local prog=${3:-$E2E_MILTER}
	PORT[$1]=$(e2e_free_port)
	E2E_CONF=$E2E_DIR/$1.conf E2E_MILTER_PORT=${PORT[$1]} e2e_write_conf "log-level = info
database = ${4:-$E2E_DIR/db/$1.db}
company-ibans = NO9386011117947
company-name = Example Ltd
note-invoices = $2"
	# shellcheck disable=SC2086
	${E2E_MILTER_WRAPPER:-} "$prog" -f -c "$E2E_DIR/$1.conf" -u "$E2E_USER" >>"$E2E_DIR/$1.log" 2>&1 &
	PIDS="$PIDS $!"
	PIDOF[$1]=$!
	e2e_wait_port "${PORT[$1]}" 30 || { cat "$E2E_DIR/$1.log" >&2; echo "$prog did not start" >&2; exit 1; }
}
start_noop noop ""
start_noop noop-h "-H"
start_noop noop-hb "-H -B"
for c in $CALS $CALB; do
	spec=${c#*-}	# CN or WN
	case "$c" in calb-*) edits="-H -B" ;; *) edits="-H" ;; esac
	start_noop "$c" "$edits -${spec:0:1} ${spec:1}"
done
start_postsale ps no
start_postsale ps-notes yes
[ -n "$OTHER" ] && start_postsale other no "$OTHER" && start_postsale other-notes yes "$OTHER"
# start_pg - the same two with the store on a private PostgreSQL cluster, when the server is
# installed and this build's store opens a postgresql:// database
start_pg() {
	PG_CLUSTER_TRAP=no
	. "${top_srcdir}/tests/pg/cluster.sh"
	[ "${BENCH_PG:-yes}" = yes ] && [ -x "${PG_BINDIR:-}/initdb" ] || return 0
	pg_cluster_start bench >/dev/null
	printf 'database = %s\nstate-directory = %s/db\n' "$POSTGRESQL_URI" "$E2E_DIR" >"$E2E_DIR"/pg-probe.conf
	if ! out=$("${top_builddir}/ctl/postsalectl" -c "$E2E_DIR"/pg-probe.conf store migrate 2>&1); then
		echo "bench: the PostgreSQL store is not measured: $out"
		pg_cluster_stop
		return 0
	fi
	PGB=yes
	start_postsale pg no "$E2E_MILTER" "$POSTGRESQL_URI"
	start_postsale pg-notes yes "$E2E_MILTER" "$POSTGRESQL_URI"
}
start_pg
# A smtpd listener per setup: none has no filter, the others each their own.
declare -A SMTPD
SMTPD[none]=$(e2e_free_port)
E2E_EXTRA_MASTER="127.0.0.1:${SMTPD[none]} inet n - n - - smtpd -o smtpd_milters="
for s in "${!PORT[@]}"; do
	SMTPD[$s]=$(e2e_free_port)
	E2E_EXTRA_MASTER="$E2E_EXTRA_MASTER
127.0.0.1:${SMTPD[$s]} inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:${PORT[$s]}"
done
e2e_start_sink
e2e_start_postfix accept ""
E2E_CLEANUP="kill $PIDS; wait $PIDS${PGB:+; pg_cluster_stop}"

# drain - wait until the queue is empty, so that no setup runs while the previous one's
# messages are still being delivered (at most 120 s)
drain() {
	local tries=1200
	while [ "$(e2e_queue_count)" != 0 ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
}

# cpu_ticks SETUP - the clock ticks of CPU (user + system) SETUP's filter has used; 0
# for no filter
cpu_ticks() {
	local p=${PIDOF[$1]:-}

	if [ -n "$p" ] && [ -r "/proc/$p/stat" ]; then
		# after the command name (in parentheses): utime and stime are fields 12, 13
		sed 's/^.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }'
	else
		echo 0
	fi
}

# machine_ticks - the clock ticks every CPU of the machine has been busy (user, nice,
# system, irq, softirq, steal): Postfix, smtp-source, the sink and the kernel's threads
# as well as the filter (and this script's own polling of the queue while it drains, so
# it wants 1,000 messages a round or more to mean much)
machine_ticks() {
	awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}

# run_setup KIND SETUP [COUNT] - send COUNT (N) messages of KIND through SETUP, after
# draining the queue (so that the filter's work on them is done too); prints msg/s, the
# CPU ticks the filter spent meanwhile, and the machine's busy ticks until this setup's
# messages were delivered
run_setup() {
	local t0 t1 n=${3:-$N} args c0 m0 rate
	case "$1" in
	plain) args="-l $SIZE -t bob@customer.bench" ;;
	*) args="-F $E2E_DIR/invoice.eml -t john@buyercompany.no" ;;
	esac
	drain
	c0=$(cpu_ticks "$2")
	m0=$(machine_ticks)
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	smtp-source -s "$SESSIONS" -m "$n" $args -f alice@example.com \
		-M mail.example.com 127.0.0.1:"${SMTPD[$2]}" || return 1
	t1=$(date +%s.%N)
	rate=$(python3 -c "print('%.1f' % ($n / ($t1 - $t0)))")
	drain
	echo "$rate $(( $(cpu_ticks "$2") - c0 )) $(( $(machine_ticks) - m0 ))"
}

# setups_of KIND - the setups a kind is measured in: the first is the no-op baseline,
# the second the no-op making postsale's edits, the third postsale-milter, then the other
# build and postsale-milter on PostgreSQL when they are measured
setups_of() {
	case "$1" in
	plain) echo "none noop noop ps ${OTHER:+other} ${PGB:+pg}" ;;	# postsale makes no edit here
	invoice) echo "none noop noop-h ps ${OTHER:+other} ${PGB:+pg} $CALS" ;;
	note) echo "none noop noop-hb ps-notes ${OTHER:+other-notes} ${PGB:+pg-notes} $CALB" ;;
	esac
}

# Warm up every path once (process pools, caches).
for kind in $KINDS; do
	for s in $(setups_of "$kind" | tr ' ' '\n' | sort -u); do run_setup "$kind" "$s" 50 >/dev/null; done
done

# rotate N WORD... - the words, one a line, from the one at N (from 0, modulo their count)
rotate() {
	local n=$1 i
	shift
	for ((i = 0; i < $#; i++)); do
		local at=$(((i + n) % $# + 1))
		echo "${!at}"
	done
}

# round_order R WORD... - the order of the setups in round R (from 1): rotated to start
# at the (R-1)th, and backwards in even rounds. Rotation alone keeps each setup's
# neighbours (postsale-milter right before the other build in all rounds but one), so
# an effect of the setup run just before would never cancel out of a head-to-head;
# backwards, each pair also runs the other way round.
round_order() {
	local r=$1
	shift
	if ((r % 2 == 0)); then
		rotate $((r - 1)) "$@" | tac
	else
		rotate $((r - 1)) "$@"
	fi
}

declare -A RATE CPU MCPU
echo "bench: $N messages per setup, kind and round, $SESSIONS sessions, $ROUNDS rounds;" \
	"invoice mail: $( [ -f "$E2E_DIR"/invoice.eml ] && wc -c < "$E2E_DIR"/invoice.eml || echo 0) bytes"
for r in $(seq "$ROUNDS"); do
	for kind in $KINDS; do
		line="round $r, $kind:"
		# shellcheck disable=SC2046
		for s in $(round_order "$r" $(setups_of "$kind" | tr ' ' '\n' | awk '!seen[$0]++')); do
			read -r rate ticks mticks <<<"$(run_setup "$kind" "$s")"
			RATE[$kind.$s]="${RATE[$kind.$s]:-} $rate"
			CPU[$kind.$s]=$(( ${CPU[$kind.$s]:-0} + ticks ))
			MCPU[$kind.$s]=$(( ${MCPU[$kind.$s]:-0} + mticks ))
			line="$line $s $rate"
		done
		echo "$line msg/s"
	done
done
# cpu_report KIND WHAT ARRAY SETUP... - WHAT per message of each SETUP (ticks in ARRAY)
# over all rounds, and postsale-milter's beyond the no-op's
cpu_report() {
	local kind=$1 what=$2 s args=()
	local -n ticks=$3
	shift 3
	for s in "$@"; do
		[ -n "$s" ] && args+=("$s" "${ticks[$kind.$s]}")
	done
	python3 - "$kind" "$what" "$(getconf CLK_TCK)" "$((N * ROUNDS))" "${args[@]}" <<'PY'
import sys
kind, what, tck, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
names = {"none": "no filter", "noop": "no-op", "noop-h": "no-op adding the header",
         "noop-hb": "no-op making the edits", "ps": "postsale-milter",
         "ps-notes": "postsale-milter", "other": "other postsale-milter",
         "other-notes": "other postsale-milter", "pg": "postsale-milter on PostgreSQL",
         "pg-notes": "postsale-milter on PostgreSQL"}
ms = {}
for setup, ticks in zip(sys.argv[5::2], sys.argv[6::2]):
    if setup not in ms:
        ms[setup] = float(ticks) / tck / n * 1000
ps = next(k for k in ms if k.startswith("ps"))
print("%s: %s per message: %s; postsale-milter beyond the no-op %.3f ms"
      % (kind, what, ", ".join("%s %.3f ms" % (names[k], ms[k]) for k in ms),
         ms[ps] - ms["noop"]))
PY
}

# The ratios are taken round by round (the setups of one round ran side by side in time,
# so they share the machine's state), and the median of those is reported.
for kind in $KINDS; do
	read -r _ noop edit ps _ <<<"$(setups_of "$kind")"
	other="" pg="" other_s="" pg_s=""
	[ -n "$OTHER" ] && other_s=${ps/ps/other} && other=${RATE[$kind.$other_s]}
	[ -n "$PGB" ] && pg_s=${ps/ps/pg} && pg=${RATE[$kind.$pg_s]}
	python3 - "$kind" "${RATE[$kind.none]}" "${RATE[$kind.$noop]}" "${RATE[$kind.$edit]}" \
		"${RATE[$kind.$ps]}" "$other" "$pg" <<'PY'
import statistics, sys
kind = sys.argv[1]
none, noop, edit, ps = ([float(x) for x in a.split()] for a in sys.argv[2:6])
other = [float(x) for x in sys.argv[6].split()]
pg = [float(x) for x in sys.argv[7].split()]
med = statistics.median

def ratio(what, a, b):
    r = [x / y for x, y in zip(a, b)]
    print("%s: %s, per round: %s; median %.3f" % (kind, what, " ".join("%.3f" % x for x in r), med(r)))

print("%s: median msg/s: no filter %.1f, no-op %.1f, postsale-milter %.1f"
      % (kind, med(none), med(noop), med(ps)))
ratio("postsale-milter / no-op filter", ps, noop)
if edit != noop:
    ratio("postsale-milter / no-op filter making the same edits", ps, edit)
    ratio("no-op filter making the edits / no-op filter", edit, noop)
if other:
    ratio("other postsale-milter (BENCH_OTHER_MILTER) / no-op filter", other, noop)
    ratio("postsale-milter / other postsale-milter", ps, other)
if pg:
    ratio("postsale-milter, store on PostgreSQL / no-op filter", pg, noop)
    ratio("postsale-milter, store on PostgreSQL / store on SQLite", pg, ps)
ratio("no-op filter / no filter", noop, none)
PY
	# CPU per message: all rounds' ticks over all rounds' messages, the filter's own and
	# the whole machine's (what Postfix, the sink and the kernel spend for the filter too)
	cpu_report "$kind" "filter CPU" CPU "$noop" "$edit" "$ps" "$other_s" "$pg_s"
	cpu_report "$kind" "the machine's CPU (all processes, every core)" MCPU none "$noop" \
		"$edit" "$ps" "$other_s" "$pg_s"
	case "$kind" in
	invoice) cals=$CALS edits="adding the header" ;;
	note) cals=$CALB edits="making the note's edits (a header, the body)" ;;
	*) cals="" ;;
	esac
	for c in $cals; do
		python3 - "$kind" "$c" "$edits" "${RATE[$kind.$c]}" "${RATE[$kind.$edit]}" \
			"${RATE[$kind.$noop]}" "$(getconf CLK_TCK)" "$((N * ROUNDS))" "${CPU[$kind.$c]}" \
			"${CPU[$kind.$edit]}" <<'PY'
import statistics, sys
kind, c, edits = sys.argv[1:4]
cal, edit, noop = ([float(x) for x in a.split()] for a in sys.argv[4:7])
tck, n, cpu_c, cpu_e = (float(x) for x in sys.argv[7:11])
spec = c.split("-", 1)[1]
what = ("spending %s us of CPU" if spec[0] == "C" else "waiting %s us") % spec[1:]


def ratios(base):
    r = [x / y for x, y in zip(cal, base)]
    return "per round: %s; median %.3f" % (" ".join("%.3f" % x for x in r), statistics.median(r))


print("%s: no-op %s and %s at end of message / without, %s; its CPU %.3f ms a message,"
      " without %.3f ms" % (kind, edits, what, ratios(edit), cpu_c / tck / n * 1000,
                            cpu_e / tck / n * 1000))
print("%s: the same / no-op filter, %s" % (kind, ratios(noop)))
PY
	done
done
echo "postsale-milter logged: $(cat "$E2E_DIR"/ps.log "$E2E_DIR"/ps-notes.log | grep -c ': outbound: ')" \
	"plain outbound, $(cat "$E2E_DIR"/ps.log "$E2E_DIR"/ps-notes.log | grep -c ': invoice TOSL108 ')" \
	"invoices checked, $(grep -c 'thank-you note added' "$E2E_DIR"/ps-notes.log) notes added," \
	"$(cat "$E2E_DIR"/ps*.log | grep -c ': error: ') errors${PGB:+;} ${PGB:+on PostgreSQL: $(cat "$E2E_DIR"/pg.log "$E2E_DIR"/pg-notes.log | grep -c ': invoice TOSL108 ') invoices checked, $(cat "$E2E_DIR"/pg*.log | grep -c ': error: ') errors}"

#!/bin/bash
# bench-mta.sh - throughput of outbound mail through a private Postfix, in one run, in
# setups that differ only in the filter: none, a no-op libmilter filter, postsale-milter,
# and (for invoices and notes) the no-op filter making the same edits as postsale (one
# header; with notes, the body replaced), since Postfix's cleanup pays for applying any
# filter's edits. One Postfix instance has a smtpd listener per setup (the same queue,
# the same delivery to smtp-sink), and the setups take turns round by round, so that the
# machine's noise falls on all alike. Prints msg/s and the ratios of each round and their
# median. Not a pass/fail test.
#
# BENCH_KIND: plain (a 5 KB message that needs no action), invoice (a mail with a 50 KB
# UBL invoice attached: the official example with its PDF rendering embedded; found,
# checked, journaled and tagged), or note (the same invoice, and a thank-you note
# written into it). BENCH_MESSAGES (per setup and round, default 2000), BENCH_ROUNDS
# (default 3), BENCH_SESSIONS (parallel SMTP sessions, default 8), BENCH_SIZE (plain:
# body bytes, 5120).
E2E_NAME=bench
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
KIND=${BENCH_KIND:-plain}
N=${BENCH_MESSAGES:-2000}
ROUNDS=${BENCH_ROUNDS:-3}
SESSIONS=${BENCH_SESSIONS:-8}
SIZE=${BENCH_SIZE:-5120}

e2e_init
command -v smtp-source >/dev/null || e2e_skip "smtp-source is not installed (package postfix)"
NOOP=${top_builddir}/tests/bench/noop-milter
[ -x "$NOOP" ] || e2e_skip "$NOOP is not built"
NOOP_PORT=$(e2e_free_port)
EDIT_PORT=$(e2e_free_port)
PORT_NONE=$(e2e_free_port)
PORT_NOOP=$(e2e_free_port)
PORT_PS=$(e2e_free_port)
PORT_EDIT=$(e2e_free_port)
E2E_EXTRA_MASTER="127.0.0.1:$PORT_NONE inet n - n - - smtpd -o smtpd_milters=
127.0.0.1:$PORT_NOOP inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$NOOP_PORT
127.0.0.1:$PORT_PS inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$E2E_MILTER_PORT
127.0.0.1:$PORT_EDIT inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$EDIT_PORT"

case "$KIND" in
plain)
	e2e_write_conf "log-level = info"
	SOURCE_ARGS="-l $SIZE -t bob@customer.bench"
	EDITS=""
	WHAT="$SIZE-byte messages that need no action" ;;
invoice|note)
	XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
	[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML)"
	python3 "${top_srcdir}/tests/e2e/make_invoice_mail.py" "$XML" "$E2E_DIR"/invoice.eml --embed-bytes 21000
	[ "$KIND" = note ] && notes=yes EDITS="-H -B" || notes=no EDITS="-H"
	e2e_write_conf "log-level = info
company-ibans = NO9386011117947
company-name = Example Ltd
note-invoices = $notes"
	SOURCE_ARGS="-F $E2E_DIR/invoice.eml -t john@buyercompany.no"
	WHAT="$(wc -c < "$E2E_DIR"/invoice.eml)-byte mails with a 50 KB UBL invoice, notes $notes" ;;
*)
	echo "bench: BENCH_KIND is plain, invoice or note" >&2
	exit 2 ;;
esac
E2E_MILTER_FLAGS=-f e2e_start_milter	# as in production: log level info
"$NOOP" inet:"$NOOP_PORT"@127.0.0.1 &
NOOP_PID=$!
e2e_wait_port "$NOOP_PORT" 10 || { echo "noop-milter did not start" >&2; exit 1; }
# shellcheck disable=SC2086
"$NOOP" $EDITS inet:"$EDIT_PORT"@127.0.0.1 &
EDIT_PID=$!
e2e_wait_port "$EDIT_PORT" 10 || { echo "noop-milter $EDITS did not start" >&2; exit 1; }
e2e_start_sink
e2e_start_postfix accept ""
E2E_CLEANUP="kill $NOOP_PID $EDIT_PID"

# drain - wait until the queue is empty, so that no setup runs while the previous one's
# messages are still being delivered (at most 120 s)
drain() {
	local tries=1200
	while [ "$(e2e_queue_count)" != 0 ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
}

# run_setup PORT - send N messages to PORT, after draining the queue; prints msg/s
run_setup() {
	local t0 t1
	drain
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	smtp-source -s "$SESSIONS" -m "$N" $SOURCE_ARGS -f alice@example.com \
		-M mail.example.com 127.0.0.1:"$1" || return 1
	t1=$(date +%s.%N)
	python3 -c "print('%.1f' % ($N / ($t1 - $t0)))"
}

# Warm up every path once (process pools, caches).
for p in $PORT_NONE $PORT_NOOP $PORT_PS $PORT_EDIT; do N=50 run_setup "$p" >/dev/null; done

declare -a none noop ps edit
echo "bench ($KIND): $N $WHAT per setup and round, $SESSIONS sessions, $ROUNDS rounds"
for r in $(seq "$ROUNDS"); do
	none+=("$(run_setup "$PORT_NONE")")
	noop+=("$(run_setup "$PORT_NOOP")")
	ps+=("$(run_setup "$PORT_PS")")
	if [ -n "$EDITS" ]; then
		edit+=("$(run_setup "$PORT_EDIT")")
	else
		edit+=("${noop[-1]}")	# postsale makes no edit: the no-op is the same baseline
	fi
	echo "round $r: no filter ${none[-1]} msg/s, no-op filter ${noop[-1]} msg/s," \
		"postsale-milter ${ps[-1]} msg/s${EDITS:+, no-op filter making the same edits ${edit[-1]} msg/s}"
done
# The ratios are taken round by round (the setups of one round ran side by side in time,
# so they share the machine's state), and the median of those is reported.
python3 - "${none[*]}" "${noop[*]}" "${ps[*]}" "${edit[*]}" "$EDITS" <<'PY'
import statistics, sys
none, noop, ps, edit = ([float(x) for x in a.split()] for a in sys.argv[1:5])
med = statistics.median
print("median msg/s: no filter %.1f, no-op filter %.1f, postsale-milter %.1f" % (med(none), med(noop), med(ps)))
r = [p / n for p, n in zip(ps, noop)]
print("ratio postsale-milter / no-op filter, per round: %s; median %.3f"
      % (" ".join("%.3f" % x for x in r), med(r)))
if sys.argv[5]:
    r = [p / e for p, e in zip(ps, edit)]
    print("ratio postsale-milter / no-op filter making the same edits (%s), per round: %s; median %.3f"
          % (sys.argv[5], " ".join("%.3f" % x for x in r), med(r)))
r = [n / z for n, z in zip(noop, none)]
print("ratio no-op filter / no filter, per round: %s; median %.3f"
      % (" ".join("%.3f" % x for x in r), med(r)))
PY
echo "postsale-milter logged: $(grep -c ': outbound: ' "$E2E_MILTER_LOG") plain outbound," \
	"$(grep -c ': invoice TOSL108 ' "$E2E_MILTER_LOG") invoices checked," \
	"$(grep -c 'thank-you note added' "$E2E_MILTER_LOG") notes added," \
	"$(grep -c ': error: ' "$E2E_MILTER_LOG") errors"

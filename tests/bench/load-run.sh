#!/bin/bash
# load-run.sh - the load run behind the README's figures (make load; by hand, not in
# make check): LOAD_MESSAGES mixed messages (half plain, a third of the invoices
# flagged) over LOAD_SESSIONS parallel sessions through the private Postfix, in four
# rounds; in the second round another process holds the store's write lock for 20 s.
# After each round: the filter's memory (VmRSS), the round's msg/s and its longest
# end-of-data waits. At the end: sent, delivered, held, lost, duplicated, corrupted,
# and whether the journal holds every invoice exactly once.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
E2E_NAME=load-run
. "${top_srcdir}/tests/e2e/lib.sh"
MESSAGES=${LOAD_MESSAGES:-20000}
SESSIONS=${LOAD_SESSIONS:-8}
ROUND=$((MESSAGES / 4))
. "${top_srcdir}/tests/e2e/loadlib.sh"
load_setup "log-level = notice
invoice-action-error = hold"
rss_kb() { awk '/^VmRSS/ { print $2 }' /proc/"$E2E_MILTER_PID"/status; }

echo "load: $MESSAGES messages, $SESSIONS sessions, rounds of $ROUND; filter RSS at start $(rss_kb) kB"
for round in 1 2 3 4; do
	if [ "$round" = 2 ]; then
		(echo "BEGIN EXCLUSIVE; SELECT 'locked';"; sleep 20) | sqlite3 "$DB" >/dev/null &
		LOCKER=$!
		E2E_CLEANUP="kill $LOCKER"
	fi
	out=$($LOAD send "$E2E_SMTP_PORT" "$XML" "$E2E_DIR/sent-$round.json" --count "$ROUND" \
		--sessions "$SESSIONS" --prefix "R$round")
	load_wait_queue || echo "load: round $round: Postfix's queue did not drain"
	echo "load: round $round$([ "$round" = 2 ] && echo " (store locked 20 s)"): $out; filter RSS $(rss_kb) kB after $((round * ROUND)) messages"
done
wait "$LOCKER"
load_wait_spool_empty "$DB" || echo "load: the spool did not drain"
$LOAD merge "$E2E_DIR"/sent-all.json "$E2E_DIR"/sent-[1-4].json
figures=$(load_figures "$E2E_DIR"/sent-all.json)
e2e_check "load: $figures" test $? = 0
e2e_check "load: every flagged invoice held" load_all_flagged_held "$figures"
e2e_check "load: the journal holds every invoice once" load_journal_check "$DB" "$E2E_DIR"/sent-all.json

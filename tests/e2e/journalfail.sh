#!/bin/bash
# journalfail.sh - the journal made unwritable in the middle of a load, with on-error
# accept: the verdict does not need the store, so every flagged invoice is still held
# (postqueue -j), nothing is lost, duplicated or corrupted; each record the journal
# refused is logged in full (number, verdict, findings, queue id) and kept in the spool,
# and once the journal takes writes again every invoice is in it exactly once.
#
# "Unwritable" is a trigger that refuses every insert into the invoices table, made
# with the sqlite3 CLI while the load runs (the same failure as a full disk or a broken
# file: the write fails, not the lock), and dropped again later.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
. "${top_srcdir}/tests/e2e/loadlib.sh"
load_setup "on-error = accept
log-level = info
invoice-action-error = hold"
journal_rows() { sqlite3 "$DB" ".timeout 5000" "SELECT count(*) FROM invoices"; }

$LOAD send "$E2E_SMTP_PORT" "$XML" "$E2E_DIR"/sent.json --count 240 --sessions 8 \
	--prefix J > "$E2E_DIR"/send.out &
SENDER=$!
E2E_CLEANUP="kill $SENDER"

# Writable at first; unwritable once the journal holds some invoices; writable again
# once some records wait in the spool.
for _ in $(seq 1 600); do [ "$(journal_rows)" -ge 10 ] && break; sleep 0.1; done
sqlite3 "$DB" ".timeout 5000" "CREATE TRIGGER unwritable BEFORE INSERT ON invoices
	BEGIN SELECT RAISE(ABORT, 'journal unwritable (test)'); END;"
e2e_check "the journal became unwritable mid-load" test "$(sqlite3 "$DB" \
	"SELECT count(*) FROM sqlite_master WHERE name = 'unwritable'")" = 1
for _ in $(seq 1 600); do [ "$(load_spool_count "$DB")" -ge 20 ] && break; sleep 0.1; done
e2e_check "records the journal refused wait in the spool" test "$(load_spool_count "$DB")" -ge 20
e2e_check "the load was still running" kill -0 "$SENDER"
sqlite3 "$DB" ".timeout 5000" "DROP TRIGGER unwritable"
wait "$SENDER"
E2E_CLEANUP=

e2e_check "each refused flagged invoice was logged in full" \
	grep -q ': journal: invoice J-[0-9]* .*verdict flagged, action hold, findings: BR-CO-16[^)]*) not recorded: .*journal unwritable (test)' \
	"$E2E_MILTER_LOG"
e2e_check "no message met the on-error policy" test "$(grep -c 'on-error policy' "$E2E_MILTER_LOG")" = 0
e2e_check "Postfix delivered all that is not held" load_wait_queue
figures=$(load_figures "$E2E_DIR"/sent.json)
rc=$?
echo "    figures: $figures"
e2e_check "nothing lost, duplicated or corrupted; no flagged invoice delivered unheld" test "$rc" = 0
e2e_check "every flagged invoice held" load_all_flagged_held "$figures"
e2e_check "the spool is written once the journal takes writes again" load_wait_spool_empty "$DB"
e2e_check "the journal holds every invoice, none twice" load_journal_check "$DB" "$E2E_DIR"/sent.json

#!/bin/bash
# storefail.sh - the store locked by another writer, then missing. Locked: an invoice is
# checked and tagged as usual within database-timeout (its lookup reads the WAL); its
# record, which the store cannot take, is kept in full in the spool of unrecorded
# records (mode 0640, listed by postsalectl unrecorded) and written once the lock is
# gone, exactly once. Missing (the check is incomplete): on-error tempfail refuses with
# a 4xx whose text names postsale and asks to retry. Plain mail flows throughout.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
command -v sqlite3 >/dev/null || e2e_skip "the sqlite3 CLI is not installed"
e2e_init
e2e_write_conf "database-timeout = 300ms
note-invoices = no"
e2e_start_milter
E2E_VIRTUAL_DOMAINS="buyercompany.no" e2e_start_postfix accept
python3 "${top_srcdir}/tests/e2e/make_invoice_mail.py" "$XML" "$E2E_DIR"/inv.eml --message-id locked@example.com
python3 "${top_srcdir}/tests/e2e/make_messages.py" "$E2E_DIR"/msgs
DB=$E2E_DIR/db/postsale.db
CTL="${top_builddir}/ctl/postsalectl -c $E2E_CONF"
journal_count() { sqlite3 "$DB" "SELECT count(*) FROM invoices WHERE message_id = '$1'"; }

# Another writer holds the database's write lock for 60 s.
(echo "BEGIN EXCLUSIVE; SELECT 'locked';"; sleep 60) | sqlite3 "$DB" >/dev/null &
LOCKER=$!
E2E_CLEANUP="kill $LOCKER"
sleep 1

start=$(date +%s)
e2e_check "invoice accepted while the store is locked" e2e_send "$E2E_DIR"/inv.eml --to john@buyercompany.no
took=$(( $(date +%s) - start ))
e2e_check "it did not wait for the lock (${took}s)" test "$took" -le 5
e2e_wait_maildir 1 && got=$(e2e_maildir_find "<locked@example.com>") || e2e_fail "invoice not delivered"
e2e_check "checked and tagged all the same" grep -q '^X-Postsale-Invoice: ok; number=TOSL108' "$got"
e2e_check "the log names the invoice, its verdict and the lock" \
	grep -q 'journal: invoice TOSL108 .*verdict ok.* not recorded: .*locked.*kept for replay' "$E2E_MILTER_LOG"
spooled=$(find "$DB"-unrecorded -name '*.rec' 2>/dev/null)
e2e_check "the record waits in the spool" test -n "$spooled"
e2e_check "the spool file is not world-readable (0640)" \
	test "$(stat -c %a $spooled 2>/dev/null | sort -u)" = 640
e2e_check "postsalectl unrecorded lists it" grep -q 'invoice TOSL108 .*verdict ok' <<<"$($CTL unrecorded)"
e2e_check "the journal does not hold it yet" test "$(journal_count 'locked@example.com')" = 0
e2e_check "plain mail flows" e2e_send "$E2E_DIR"/msgs/plain.eml
e2e_wait_maildir 2 || e2e_fail "plain mail not delivered"

# The lock goes away: the milter writes the spool into the journal, once.
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
for _ in $(seq 1 100); do [ -z "$(find "$DB"-unrecorded -name '*.rec')" ] && break; sleep 0.1; done
e2e_check "the spool is written once the lock is gone" test -z "$(find "$DB"-unrecorded -name '*.rec')"
e2e_check "the journal holds the invoice once" test "$(journal_count 'locked@example.com')" = 1
e2e_check "postsalectl unrecorded says nothing is missing" $CTL unrecorded

# The store missing (a database in a directory that does not exist): on-error
# tempfail defers the invoice with a reply that says why.
e2e_write_conf "database-timeout = 300ms
note-invoices = no
on-error = tempfail
database = $E2E_DIR/gone/postsale.db"
e2e_reload_milter
sed 's/locked@/locked2@/' "$E2E_DIR"/inv.eml > "$E2E_DIR"/inv2.eml
reply=$(e2e_send "$E2E_DIR"/inv2.eml --to john@buyercompany.no 2>&1)
e2e_check "refused with a 4xx while the store is missing (on-error tempfail)" \
	grep -q '<\*\* 451 4.3.0 .*postsale: internal error checking this message, please try again later' <<<"$reply"
e2e_check "the log says why" e2e_milter_log_has "on-error policy: tempfail"

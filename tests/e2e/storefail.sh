#!/bin/bash
# storefail.sh - the store locked by another writer: an invoice that needs it follows
# on-error within database-timeout and never stalls mail flow. accept: delivered
# unchanged, and the log says why; tempfail: refused with a 4xx, nothing lost. Plain
# mail, which needs no store, flows as usual.
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

# Another writer holds the database's write lock for 60 s.
(echo "BEGIN EXCLUSIVE; SELECT 'locked';"; sleep 60) | sqlite3 "$E2E_DIR"/db/postsale.db >/dev/null &
LOCKER=$!
E2E_CLEANUP="kill $LOCKER"
sleep 1

start=$(date +%s)
e2e_check "invoice accepted while the store is locked (on-error accept)" e2e_send "$E2E_DIR"/inv.eml --to john@buyercompany.no
took=$(( $(date +%s) - start ))
e2e_check "it did not wait for the lock (${took}s)" test "$took" -le 5
e2e_wait_maildir 1 && got=$(e2e_maildir_find "<locked@example.com>") || e2e_fail "invoice not delivered"
e2e_check "delivered unchanged" python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR"/inv.eml "$got"
e2e_check "the log says why" e2e_milter_log_has "on-error policy: accept unchanged"
e2e_check "the log names the lock" e2e_milter_log_has "locked"
e2e_check "plain mail flows" e2e_send "$E2E_DIR"/msgs/plain.eml
e2e_wait_maildir 2 || e2e_fail "plain mail not delivered"

# on-error tempfail: the sender's MTA keeps it and retries.
e2e_write_conf "database-timeout = 300ms
note-invoices = no
on-error = tempfail"
kill -HUP "$E2E_MILTER_PID"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ "$(grep -c 'reloaded' "$E2E_MILTER_LOG")" -ge 1 ] && break; sleep 0.2; done
sed 's/locked@/locked2@/' "$E2E_DIR"/inv.eml > "$E2E_DIR"/inv2.eml
reply=$(e2e_send "$E2E_DIR"/inv2.eml --to john@buyercompany.no 2>&1)
e2e_check "refused with a 4xx while locked (on-error tempfail)" grep -q '<\*\* 4[0-9][0-9]' <<<"$reply"
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
e2e_check "the retry goes through once the lock is gone" e2e_send "$E2E_DIR"/inv2.eml --to john@buyercompany.no
e2e_wait_maildir 3 && got=$(e2e_maildir_find "<locked2@example.com>") || e2e_fail "retry not delivered"
e2e_check "and is checked and tagged" grep -q '^X-Postsale-Invoice: ok; number=TOSL108' "$got"

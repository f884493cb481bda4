#!/bin/bash
# pgfail.sh - the store on a PostgreSQL server (a private cluster, tests/pg/cluster.sh)
# that stops while mail flows: every message is accounted for by on-error within
# database-timeout (accept: delivered unchanged, the log says why; tempfail: a 4xx),
# plain mail flows, and once the server is back the filter connects again by itself.
# The outage is logged once (at warning, with the server's reason), and its end once;
# each message it met once, with its queue id and fate, the reason left to debug.
# The URI's password is never logged. Skipped while this build's store opens no
# postgresql:// database.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
e2e_init
PG_CLUSTER_TRAP=no
. "${top_srcdir}/tests/pg/cluster.sh"
pg_cluster_start pgfail >/dev/null
E2E_CLEANUP="pg_cluster_stop"
E2E_DATABASE=${POSTGRESQL_URI/postgres@/postgres:s3cret@}	# trust: the password is not asked for, only never shown
CTL="${top_builddir}/ctl/postsalectl -c $E2E_CONF"
e2e_write_conf "database-timeout = 300ms
note-invoices = no"
if ! out=$($CTL store migrate 2>&1); then
	case $out in
	*"directory postgresql"*) e2e_skip "this build's store opens no postgresql:// database yet ($out)" ;;
	esac
	e2e_fail "postsalectl store migrate: $out"
	exit 1
fi
e2e_start_milter
E2E_VIRTUAL_DOMAINS="buyercompany.no" e2e_start_postfix accept
MK="python3 ${top_srcdir}/tests/e2e/make_invoice_mail.py"
python3 "${top_srcdir}/tests/e2e/make_messages.py" "$E2E_DIR"/msgs
journal_has() { $CTL invoices --json | grep -q "\"number\":\"$1\""; }

# 1. The server up: journaled at once.
$MK "$XML" "$E2E_DIR"/up.eml --message-id up@example.com
e2e_check "invoice accepted" e2e_send "$E2E_DIR"/up.eml --to john@buyercompany.no
e2e_wait_maildir 1 || e2e_fail "not delivered"
e2e_check "journaled on the server" journal_has TOSL108

# 2. The server stops: every message is accounted for by on-error (accept: delivered
#    unchanged, the log says why), within database-timeout; plain mail flows.
pg_cluster_ctl stop
$MK "$XML" "$E2E_DIR"/down.eml --number TOSL108-DOWN --message-id down@example.com
start=$(date +%s)
e2e_check "invoice accepted while the server is down" e2e_send "$E2E_DIR"/down.eml --to john@buyercompany.no
took=$(( $(date +%s) - start ))
e2e_check "it did not wait for the server (${took}s)" test "$took" -le 5
e2e_wait_maildir 2 && got=$(e2e_maildir_find "<down@example.com>") || e2e_fail "not delivered while down"
e2e_check "delivered unchanged (on-error accept)" sh -c "! grep -q '^X-Postsale-Invoice:' '$got'"
e2e_check "the log names the store and on-error" grep -q 'store: .*on-error policy: accept' "$E2E_MILTER_LOG"
e2e_check "plain mail flows" e2e_send "$E2E_DIR"/msgs/plain.eml
# A flagged invoice keeps its verdict without the store; its record waits in the spool.
$MK "$XML" "$E2E_DIR"/flag.eml --number TOSL108-FLAG --payable 801.79 --message-id flag@example.com
e2e_check "a flagged invoice accepted while the server is down" e2e_send "$E2E_DIR"/flag.eml --to john@buyercompany.no
e2e_check "its record kept for replay, said once with its queue id" \
	test "$(grep -c 'error: [0-9A-F]*: journal: invoice TOSL108-FLAG .* not recorded: the database server is out of reach .*; kept for replay in ' \
	    "$E2E_MILTER_LOG")" = 1

# 3. on-error tempfail: the invoice is refused with a 4xx, to be sent again.
e2e_write_conf "database-timeout = 300ms
note-invoices = no
on-error = tempfail"
kill -HUP "$E2E_MILTER_PID"
for _ in 1 2 3 4 5 6 7 8 9 10; do e2e_milter_log_has "reloaded" && break; sleep 0.2; done
$MK "$XML" "$E2E_DIR"/later.eml --number TOSL108-LATER --message-id later@example.com
reply=$(e2e_send "$E2E_DIR"/later.eml --to john@buyercompany.no 2>&1)
e2e_check "refused with 4xx while the server is down (on-error tempfail)" grep -q '<\*\* 4[0-9][0-9]' <<<"$reply"

# 4. The server is back: the filter connects again by itself.
pg_cluster_ctl start
e2e_check "the refused invoice is accepted once the server is back" \
	e2e_send "$E2E_DIR"/later.eml --to john@buyercompany.no
sleep 1
e2e_check "journaled on the server again" journal_has TOSL108-LATER
for _ in 1 2 3 4 5 6 7 8 9 10; do journal_has TOSL108-FLAG && break; sleep 1; done
e2e_check "the kept record written once the server is back" journal_has TOSL108-FLAG
e2e_check "the URI's password is never logged" sh -c "! grep -q 's3cret' '$E2E_MILTER_LOG'"
# 5. The outage in the log: once at warning with the server's reason (not a lock of
#    SQLite's), however many messages met it, and once at notice when it ended.
e2e_check "the store's reason is the server's, not a lock" \
	sh -c "! grep -q 'locked by another writer' '$E2E_MILTER_LOG'"
e2e_check "the outage logged once at warning" \
	test "$(grep -c 'warning: database .* unreachable: ' "$E2E_MILTER_LOG")" = 1
e2e_check "its end logged once at notice" \
	test "$(grep -c 'notice: database .* reachable again after [0-9]* failure' "$E2E_MILTER_LOG")" = 1
# 6. Per message while the outage is known: the queue id and what became of the message
#    at error (accept unchanged, tempfail), the server's reason only at debug.
e2e_check "each message met by the outage logged once with its queue id and fate" \
	test "$(grep -c 'error: [0-9A-F]*: store: the database server is out of reach .*; on-error policy: ' \
	    "$E2E_MILTER_LOG")" = 2
e2e_check "the message lines do not repeat the server's reason" \
	sh -c "! grep -E '(error|warning): [0-9A-F]+: .*(PostgreSQL server|connection to server)' '$E2E_MILTER_LOG'"
e2e_check "the server's reason per message at debug" \
	test "$(grep -cE 'debug: [0-9A-F]+: store: .*: looking up an earlier invoice: ' "$E2E_MILTER_LOG")" = 3
e2e_check "the server's reason at warning or error only in the outage's line" \
	test "$(grep -cE '(error|warning): .*(PostgreSQL server|connection to server)' "$E2E_MILTER_LOG")" = 1

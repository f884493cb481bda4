#!/bin/bash
# relays.sh - two outbound relays sharing one store, as at a site with a pair of relays:
# an invoice sent through relay A and sent again through relay B is recognised by B as
# a resend, both journal it, once each; a customer onboarded through A gets, on its
# invoice through B, the note that names its account manager. Each relay is a private Postfix with its own
# postsale-milter (tests/e2e/lib.sh, e2e_start_relay_b); the store they share is a
# private PostgreSQL cluster (tests/pg/cluster.sh), as relays on two hosts would share
# it, or with RELAYS_STORE=sqlite (or no server installed) relay A's SQLite file.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
e2e_init
CTL=${top_builddir}/ctl/postsalectl
CONF="company-ibans = NO9386011117947
company-name = Example Ltd
postsale-address = postsale@example.com
manager-timezones = alice@example.com=Europe/Berlin
note-invoices = yes"
# The store: a private PostgreSQL cluster (RELAYS_STORE=postgresql, the default when the
# server binaries are installed), or relay A's SQLite file (RELAYS_STORE=sqlite).
PG_CLUSTER_TRAP=no
. "${top_srcdir}/tests/pg/cluster.sh"
if [ "${RELAYS_STORE:-postgresql}" = postgresql ] && [ -x "${PG_BINDIR:-}/initdb" ]; then
	pg_cluster_start relays >/dev/null
	E2E_CLEANUP="pg_cluster_stop"
	E2E_DATABASE=$POSTGRESQL_URI
	e2e_write_conf "$CONF"
	if ! out=$("$CTL" -c "$E2E_CONF" store migrate 2>&1); then
		case $out in
		*"directory postgresql"*)	# a store that opens no URI yet: the file, and say so
			echo "relays: this build's store opens no postgresql:// database: SQLite instead"
			pg_cluster_stop
			E2E_CLEANUP= E2E_DATABASE= ;;
		*)	e2e_fail "postsalectl store migrate: $out"
			exit 1 ;;
		esac
	fi
fi
echo "relays: the shared store is ${E2E_DATABASE:-the SQLite file of relay A}"
e2e_write_conf "$CONF"
e2e_start_milter
E2E_VIRTUAL_DOMAINS="buyercompany.no newcustomer.example" e2e_start_postfix accept
E2E_VIRTUAL_DOMAINS="buyercompany.no newcustomer.example" e2e_start_relay_b "$CONF"
MK="python3 ${top_srcdir}/tests/e2e/make_invoice_mail.py"
header_of() { sed '/^$/q' "$1" | grep -i "^$2:" | sed "s/^[^:]*: //"; }

# 1. The invoice through relay A: new, tagged ok.
$MK "$XML" "$E2E_DIR"/first.eml --message-id first@example.com
e2e_check "relay A accepts the invoice" e2e_send "$E2E_DIR"/first.eml --to john@buyercompany.no
e2e_wait_maildir 1 && got=$(e2e_maildir_find "<first@example.com>") || e2e_fail "not delivered through A"
e2e_check "relay A tags it ok" \
	test "$(header_of "$got" X-Postsale-Invoice)" = "ok; number=TOSL108; findings=PS-LINE-NET"

# 2. The same invoice again through relay B: B's filter finds A's record.
$MK "$XML" "$E2E_DIR"/again.eml --message-id again@example.com
e2e_check "relay B accepts the resend" e2e_send_b "$E2E_DIR"/again.eml --to john@buyercompany.no
e2e_wait_maildir 2 && got=$(e2e_maildir_find "<again@example.com>") || e2e_fail "not delivered through B"
e2e_check "relay B tags it a resend (A's record)" \
	test "$(header_of "$got" X-Postsale-Invoice)" = "resend; number=TOSL108; findings=PS-LINE-NET"
e2e_check "relay B's filter checked it" grep -q "invoice TOSL108" "$E2E_B_MILTER_LOG"

# 3. One journal: the first sending and the resend, once each.
e2e_check "the shared journal holds the invoice twice: ok, then resend" python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["number"] == "TOSL108"]
sys.exit(0 if sorted(r["verdict"] for r in rows) == ["ok", "resend"] else 1)' \
	< <("$CTL" -c "$E2E_B_CONF" invoices --json)

# 4. An onboarding through relay A; the customer's next invoice, through relay B, gets
#    the note of a customer A made known (its account manager), not a stranger's.
printf 'From: Alice <alice@example.com>\r\nTo: Carol Customer <carol@newcustomer.example>\r\nSubject: Welcome aboard\r\nMessage-ID: <welcome@example.com>\r\nX-Postsale-Onboarding: yes\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWelcome, Carol!\r\n' > "$E2E_DIR"/welcome.eml
e2e_check "relay A accepts the onboarding" e2e_send "$E2E_DIR"/welcome.eml --to carol@newcustomer.example
e2e_wait_maildir 3 || e2e_fail "onboarding not delivered"
e2e_check "relay A started the journey" e2e_milter_log_has "onboarding: journey started"
$MK "$XML" "$E2E_DIR"/carol.eml --number TOSL108-C1 --to "Carol Customer <carol@newcustomer.example>" \
	--message-id carol@example.com
e2e_check "relay B accepts Carol's invoice" e2e_send_b "$E2E_DIR"/carol.eml --to carol@newcustomer.example
e2e_wait_maildir 4 && got=$(e2e_maildir_find "<carol@example.com>") || e2e_fail "Carol's invoice not delivered"
e2e_check "relay B's note names Carol's manager, from relay A's onboarding" \
	grep -q 'alice@example.com is happy to help' "$got"
# the same invoice to a stranger through B: no manager (that came from the store)
$MK "$XML" "$E2E_DIR"/dan.eml --number TOSL108-D1 --to "Dan Stranger <dan@newcustomer.example>" \
	--message-id dan@example.com
e2e_check "relay B accepts a stranger's invoice" e2e_send_b "$E2E_DIR"/dan.eml --to dan@newcustomer.example
e2e_wait_maildir 5 && got=$(e2e_maildir_find "<dan@example.com>") || e2e_fail "the stranger's invoice not delivered"
e2e_check "a stranger's note names no manager" sh -c "! grep -q 'is happy to help' '$got'"

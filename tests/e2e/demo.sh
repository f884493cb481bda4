#!/bin/bash
# demo.sh - `make demo`: mail through a real Postfix and postsale-milter. Starts a
# private Postfix instance and the filter on loopback ports of their own, sends example
# messages (plain, inbound, internal, invoices, onboarding), shows what arrived and
# what the filter decided, lets postsale-mailer send the day-7 check-in invitation, and
# stops it all.
E2E_NAME=demo
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
e2e_init
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
e2e_write_conf "log-level = info
company-name = Example Ltd
company-ibans = NO9386011117947
finance-address = finance@example.com
postsale-address = postsale@example.com
manager-timezones = alice@example.com=Europe/Berlin
submit-url = smtp://127.0.0.1:$E2E_SMTP_PORT
submit-starttls = none"
E2E_MILTER_FLAGS=-f e2e_start_milter
E2E_VIRTUAL_DOMAINS="buyercompany.no newcustomer.example" e2e_start_postfix accept
python3 "${top_srcdir}/tests/e2e/make_messages.py" "$E2E_DIR"/msgs

say() { printf '\n== %s\n' "$*"; }
n=0
show() {	# show FILE: the delivered copy of FILE, its postsale headers and body changes
	local file=$1 got
	n=$((n + 1))
	e2e_wait_maildir "$n" 20 || { echo "  (not delivered: see the queue below)"; n=$((n - 1)); return; }
	got=$(e2e_maildir_find "$(grep -m1 -i '^Message-ID:' "$file" | tr -d '\r' | cut -d' ' -f2)")
	echo "  delivered to $(sed -n 's/^Delivered-To: //p' "$got" | head -1)"
	sed '/^$/q' "$got" | grep -E '^(Subject|X-Postsale[^:]*):' | sed 's/^/    /'
	if python3 "${top_srcdir}/tests/e2e/same_message.py" "$file" "$got" >/dev/null; then
		echo "  every byte as sent"
	else
		echo "  lines the filter added to the body:"
		python3 - "$file" "$got" <<'PY'
import sys
sent = set(open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n").split(b"\n"))
got = open(sys.argv[2], "rb").read().split(b"\n\n", 1)[1].split(b"\n")
for line in [l for l in got if l.strip() and l not in sent][:8]:
    print("    + " + line.decode("utf-8", "replace")[:100])
PY
	fi
}
send() {	# send TITLE FILE [swaks options]
	local title=$1 file=$2
	shift 2
	say "$title"
	e2e_send "$file" "$@" | sed 's/^/  smtp: /'
}

say "postsale demo: Postfix on 127.0.0.1:$E2E_SMTP_PORT, postsale-milter on 127.0.0.1:$E2E_MILTER_PORT"
echo "The company is example.com; 127.0.0.1 is its internal network, 127.0.0.2 plays the Internet."

send "Outbound mail that needs nothing: alice@example.com to a customer" "$E2E_DIR"/msgs/plain.eml
show "$E2E_DIR"/msgs/plain.eml
sed 's/^Message-ID: <plain@/Message-ID: <inbound@/' "$E2E_DIR"/msgs/plain.eml > "$E2E_DIR"/inbound.eml
send "Inbound mail from an outside client: not postsale's business" "$E2E_DIR"/inbound.eml --local-interface 127.0.0.2
show "$E2E_DIR"/inbound.eml

if [ -f "$XML" ]; then
	MK="python3 ${top_srcdir}/tests/e2e/make_invoice_mail.py"
	$MK "$XML" "$E2E_DIR"/invoice.eml --message-id invoice@example.com
	send "An invoice (the official EN 16931 example TOSL108) to the buyer" "$E2E_DIR"/invoice.eml --to john@buyercompany.no
	show "$E2E_DIR"/invoice.eml
	$MK "$XML" "$E2E_DIR"/altered.eml --number TOSL110 --payable 801.79 --message-id altered@example.com
	send "The same invoice with the amount due altered by 0.01 (TOSL110)" "$E2E_DIR"/altered.eml --to john@buyercompany.no
	sleep 1
	echo "  Postfix's hold queue:"
	postqueue -c "$E2E_DIR"/etc -p | sed 's/^/    /'
	say "Finance's view: postsalectl invoices, and show for the held one"
	"$CTL" -c "$E2E_CONF" invoices | sed 's/^/  /'
	id=$("$CTL" -c "$E2E_CONF" invoices --flagged --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
	"$CTL" -c "$E2E_CONF" show "$id" | sed 's/^/  /'
else
	say "Invoices: skipped, the corpus is absent ($XML)"
fi

printf 'From: Alice <alice@example.com>\r\nTo: Carol Customer <carol@newcustomer.example>\r\nSubject: Welcome aboard\r\nMessage-ID: <welcome@example.com>\r\nDate: %s\r\nX-Postsale-Onboarding: yes\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWelcome, Carol! Here is how we start.\r\n' "$(date -R)" > "$E2E_DIR"/welcome.eml
send "An onboarding message (X-Postsale-Onboarding) starts Carol's journey" "$E2E_DIR"/welcome.eml --to carol@newcustomer.example
show "$E2E_DIR"/welcome.eml
say "The check-ins planned for Carol (postsalectl checkins)"
"$CTL" -c "$E2E_CONF" checkins --customer carol@newcustomer.example | sed 's/^/  /'
say "Alice's week, her next check-in and her next free slot (postsalectl managers)"
"$CTL" -c "$E2E_CONF" managers | sed 's/^/  /'
say "A week later: postsale-mailer run --now <day 7> sends Alice the invitation"
"$MAILER" -c "$E2E_CONF" run --now "$(date -u -d '+7 days' +%Y-%m-%dT%H:%M:%SZ)" 2>&1 | sed 's/^/  /'
n=$((n + 1))
if e2e_wait_maildir "$n" 20; then
	inv=$(grep -l '^Delivered-To: alice@example.com' "$E2E_DIR"/maildir/inbox/new/* | head -1)
	sed '/^$/q' "$inv" | grep -E '^(From|To|Subject):' | sed 's/^/    /'
	echo "  its calendar part:"
	sed -n '/^BEGIN:VEVENT/,/^END:VEVENT/p' "$inv" | tr -d '\r' | grep -E '^(UID|SEQUENCE|DTSTART|SUMMARY|ORGANIZER|ATTENDEE)' | head -8 | cut -c1-100 | sed 's/^/    /'
fi

say "What postsale-milter logged"
sed 's/^/  /' "$E2E_MILTER_LOG"
say "Done: $(e2e_maildir_count) messages delivered, $(e2e_queue_count) held for finance. Stopping Postfix and the filter."

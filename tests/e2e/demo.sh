#!/bin/bash
# demo.sh - `make demo`: mail through a real Postfix and postsale-milter. Starts a
# private Postfix instance and the filter on loopback ports of their own, sends a few
# example messages, shows what arrived and what the filter logged, and stops it all.
E2E_NAME=demo
. "${top_srcdir}/tests/e2e/lib.sh"
e2e_init
e2e_write_conf "log-level = info"
e2e_start_milter
e2e_start_postfix accept
python3 "${top_srcdir}/tests/e2e/make_messages.py" "$E2E_DIR"/msgs

say() { printf '\n== %s\n' "$*"; }

say "postsale demo: Postfix on 127.0.0.1:$E2E_SMTP_PORT, postsale-milter on 127.0.0.1:$E2E_MILTER_PORT"
echo "The company is example.com; 127.0.0.1 is its internal network, 127.0.0.2 plays the Internet."

n=0
send_and_show() {	# send_and_show TITLE FILE [swaks options]
	local title=$1 file=$2 got
	shift 2
	say "$title"
	e2e_send "$file" "$@" | sed 's/^/  smtp: /'
	n=$((n + 1))
	e2e_wait_maildir "$n" 20 || { echo "  (not delivered)"; return; }
	got=$(e2e_maildir_find "$(grep -m1 -i '^Message-ID:' "$file" | tr -d '\r' | cut -d' ' -f2)")
	echo "  delivered: $(basename "$got")"
	sed '/^$/q' "$got" | grep -E '^(From|To|Subject|X-Postsale[^:]*):' | sed 's/^/    /'
	if python3 "${top_srcdir}/tests/e2e/same_message.py" "$file" "$got" >/dev/null; then
		echo "  body and headers: byte-identical to what was sent"
	else
		echo "  body or headers: changed by the filter"
	fi
}

send_and_show "Outbound mail: alice@example.com to a customer" "$E2E_DIR"/msgs/plain.eml
sed 's/^Message-ID: <plain@/Message-ID: <inbound@/' "$E2E_DIR"/msgs/plain.eml > "$E2E_DIR"/inbound.eml
send_and_show "Inbound mail: an outside client (127.0.0.2)" "$E2E_DIR"/inbound.eml --local-interface 127.0.0.2
sed 's/^Message-ID: <plain@/Message-ID: <internal@/' "$E2E_DIR"/msgs/plain.eml > "$E2E_DIR"/internal.eml
send_and_show "Internal mail: alice to carol@example.com" "$E2E_DIR"/internal.eml --to carol@example.com

say "What postsale-milter logged"
sed 's/^/  /' "$E2E_MILTER_LOG"
say "Done: $n messages delivered, $(e2e_queue_count) left in the queue. Stopping Postfix and the filter."

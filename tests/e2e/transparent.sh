#!/bin/bash
# transparent.sh - mail that needs no action passes through Postfix and postsale-milter
# unchanged: outbound mail (seen and logged by the filter), inbound mail (accepted at
# MAIL FROM), internal mail (accepted at DATA) and a message over max-message-size.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
e2e_init
e2e_write_conf "max-message-size = 64k"
e2e_start_milter
e2e_start_postfix accept
python3 "${top_srcdir}/tests/e2e/make_messages.py" "$E2E_DIR"/msgs

delivered=0
# Outbound: from 127.0.0.1 (internal) to customer.example (external).
for f in "$E2E_DIR"/msgs/*.eml; do
	name=$(basename "$f" .eml)
	e2e_check "outbound $name accepted" e2e_send "$f"
	delivered=$((delivered + 1))
	e2e_wait_maildir "$delivered" || { e2e_fail "outbound $name not delivered"; continue; }
	mid=$(grep -m1 -i '^Message-ID:' "$f" | tr -d '\r' | cut -d' ' -f2)
	got=$(e2e_maildir_find "$mid") || { e2e_fail "outbound $name: no message with $mid"; continue; }
	e2e_check "outbound $name arrives byte-identical" python3 "${top_srcdir}/tests/e2e/same_message.py" "$f" "$got"
	qid=$(e2e_qid_of "$got")
	e2e_check "outbound $name seen by the filter with queue id ${qid:-?}" \
		e2e_milter_log_has "${qid:-NO-QUEUE-ID}: outbound: 1 recipient(s), 1 external"
done

# Inbound: an outside client (127.0.0.2 is not in internal-networks).
f=$E2E_DIR/msgs/plain.eml
sed 's/^Message-ID: <plain@/Message-ID: <inbound@/' "$f" > "$E2E_DIR"/inbound.eml
e2e_check "inbound accepted" e2e_send "$E2E_DIR"/inbound.eml --local-interface 127.0.0.2
delivered=$((delivered + 1))
e2e_wait_maildir "$delivered" && got=$(e2e_maildir_find "<inbound@") &&
	e2e_check "inbound arrives byte-identical" python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR"/inbound.eml "$got" ||
	e2e_fail "inbound not delivered"
e2e_check "inbound stepped aside at MAIL FROM" e2e_milter_log_has "client 127.0.0.2 is not internal and not authenticated: not outbound"

# Internal: from 127.0.0.1 to the company's own domain.
sed 's/^Message-ID: <plain@/Message-ID: <internal@/' "$f" > "$E2E_DIR"/internal.eml
e2e_check "internal accepted" e2e_send "$E2E_DIR"/internal.eml --to carol@example.com
delivered=$((delivered + 1))
e2e_wait_maildir "$delivered" && got=$(e2e_maildir_find "<internal@") &&
	e2e_check "internal arrives byte-identical" python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR"/internal.eml "$got" ||
	e2e_fail "internal not delivered"
e2e_check "internal stepped aside at DATA" e2e_milter_log_has "no external recipient: not outbound"

# Over max-message-size (64k here): passes untouched, and the log says why.
python3 - "$E2E_DIR"/big.eml <<'PY'
import sys
body = "".join("line %06d of a large message, well past the limit\r\n" % i for i in range(4000))
open(sys.argv[1], "w", newline="").write(
    "From: alice@example.com\r\nTo: bob@customer.example\r\nSubject: big\r\n"
    "Message-ID: <big@example.com>\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\n\r\n" + body)
PY
e2e_check "oversized accepted" e2e_send "$E2E_DIR"/big.eml
delivered=$((delivered + 1))
e2e_wait_maildir "$delivered" && got=$(e2e_maildir_find "<big@") &&
	e2e_check "oversized arrives byte-identical" python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR"/big.eml "$got" ||
	e2e_fail "oversized not delivered"
e2e_check "oversized logged" e2e_milter_log_has "message larger than max-message-size (65536 bytes): passing it untouched"
e2e_check "nothing left in the queue" test "$(e2e_queue_count)" = 0

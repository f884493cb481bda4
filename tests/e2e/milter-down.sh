#!/bin/bash
# milter-down.sh - with postsale-milter killed, Postfix follows milter_default_action
# and no message is lost: "accept" delivers unfiltered; "tempfail" refuses with a 4xx
# so the client keeps the message, and the retry goes through once the filter is back.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
e2e_init
e2e_write_conf
e2e_start_milter
e2e_start_postfix accept
python3 "${top_srcdir}/tests/e2e/make_messages.py" "$E2E_DIR"/msgs
msg=$E2E_DIR/msgs/plain.eml

variant() {	# variant NAME: a copy of the test message with its own Message-ID
	sed "s/^Message-ID: <plain@/Message-ID: <$1@/" "$msg" > "$E2E_DIR/$1.eml"
	echo "$E2E_DIR/$1.eml"
}

e2e_check "delivered with the filter up" e2e_send "$(variant up)"
e2e_wait_maildir 1 || e2e_fail "first message not delivered"

# A crash: SIGKILL, nothing cleaned up.
e2e_stop_milter KILL
e2e_check "accepted with the filter down (milter_default_action = accept)" \
	e2e_send "$(variant down-accept)"
e2e_wait_maildir 2 && e2e_maildir_find "<down-accept@" >/dev/null &&
	e2e_ok "delivered unfiltered" || e2e_fail "not delivered with milter_default_action = accept"
grep -qi "connect to milter service inet:127.0.0.1:$E2E_MILTER_PORT: Connection refused" "$E2E_DIR"/postfix.log &&
	e2e_ok "Postfix logged the unreachable filter" || e2e_fail "Postfix did not log the unreachable filter"

e2e_postconf milter_default_action=tempfail
sleep 1
reply=$(e2e_send "$(variant down-tempfail)" 2>&1)
status=$?
if [ "$status" != 0 ] && echo "$reply" | grep -q '<\*\* 4[0-9][0-9]'; then
	e2e_ok "refused with a 4xx while the filter is down (milter_default_action = tempfail)"
else
	e2e_fail "expected a 4xx refusal, got status $status: $reply"
fi
e2e_check "not delivered while refused" test "$(e2e_maildir_count)" = 2
e2e_check "not queued either: the client still holds it" test "$(e2e_queue_count)" = 0

# The filter comes back; the client retries, as an MTA does after a 4xx.
e2e_start_milter
e2e_check "retry accepted with the filter back" e2e_send "$E2E_DIR/down-tempfail.eml"
e2e_wait_maildir 3 && e2e_maildir_find "<down-tempfail@" >/dev/null &&
	e2e_ok "retry delivered" || e2e_fail "retry not delivered"
e2e_check "every message accounted for: 3 delivered, 0 queued" \
	test "$(e2e_maildir_count)/$(e2e_queue_count)" = "3/0"

#!/bin/bash
# sigterm.sh - SIGTERM while sessions are in the middle of a message, with Postfix's
# milter_default_action = accept (so a message the filter let go of would pass
# unfiltered). The filter takes no new message, finishes every message under way in
# full (clean invoices tagged, flagged ones held: none passes unfiltered), defers a new
# message begun in an open session with a reply that says why, and exits once
# stop-timeout runs out for the session left open (an idle one), not before.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
STOP_S=8
e2e_init
e2e_write_conf "stop-timeout = ${STOP_S}s
note-invoices = no
invoice-action-error = hold"
e2e_start_milter
E2E_VIRTUAL_DOMAINS="buyercompany.no" e2e_start_postfix accept

python3 "${top_srcdir}/tests/e2e/midbody.py" "$E2E_SMTP_PORT" "$XML" "$E2E_DIR"/replies.json \
	"$E2E_DIR" --sessions 6 &
CLIENT=$!
E2E_CLEANUP="touch $E2E_DIR/done; kill $CLIENT"
for _ in $(seq 1 300); do [ -f "$E2E_DIR"/ready ] && break; sleep 0.1; done
e2e_check "six sessions in the middle of a message, one idle" test -f "$E2E_DIR"/ready

pid=$E2E_MILTER_PID
t0=$(date +%s.%N)
kill -TERM "$pid"
sleep 2
e2e_check "two seconds after SIGTERM the filter still serves its sessions" kill -0 "$pid"
touch "$E2E_DIR"/go
# The filter exits once stop-timeout runs out for the idle session.
for _ in $(seq 1 $(( (STOP_S + 10) * 10 ))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
took=$(echo "$(date +%s.%N) - $t0" | bc)
e2e_check "the filter exited within stop-timeout + 2 s (${took}s)" \
	test "$(echo "$took <= $STOP_S + 2" | bc)" = 1
e2e_check "not before stop-timeout, with the idle session open (${took}s)" \
	test "$(echo "$took >= $STOP_S - 0.5" | bc)" = 1
wait "$pid" 2>/dev/null
E2E_MILTER_PID=
touch "$E2E_DIR"/done
wait "$CLIENT"
e2e_check "the log says it waited, and for how many" e2e_milter_log_has "for 7 session(s) in progress"
e2e_check "the log names the session stop-timeout cut off" \
	e2e_milter_log_has "stop-timeout ran out with 1 session(s) still open"

e2e_check "every message under way was accepted after the filter saw it whole" python3 - "$E2E_DIR"/replies.json <<'PY'
import json, sys
r = [x for x in json.load(open(sys.argv[1])) if not x.get("idle")]
bad = [x for x in r if x["code"] != 250]
print("\n".join("    %s: %s %s" % (x["message_id"], x["code"], x["reply"]) for x in bad))
sys.exit(0 if len(r) == 6 and not bad else 1)
PY
e2e_check "a new message begun while stopping is deferred, saying why" python3 - "$E2E_DIR"/replies.json <<'PY'
import json, sys
r = [x for x in json.load(open(sys.argv[1])) if x.get("idle")][0]
print("    idle session: %s %s" % (r["code"], r["reply"]))
sys.exit(0 if r["code"] == 451 and "postsale: the filter is restarting" in r["reply"] else 1)
PY
for _ in $(seq 1 100); do [ "$(e2e_maildir_count)" -ge 4 ] && break; sleep 0.1; done
sleep 1
e2e_check "the clean invoices were delivered, tagged (filtered in full)" python3 - "$E2E_DIR"/maildir <<'PY'
import email, glob, sys
tags = {}
for p in glob.glob(sys.argv[1] + "/*/new/*"):
    m = email.message_from_binary_file(open(p, "rb"))
    tags[m["Message-ID"].strip("<>")] = m.get("X-Postsale-Invoice", "")
want = ["stop-%d@example.com" % i for i in range(6) if i % 3]
print("    delivered: %s" % tags)
sys.exit(0 if sorted(tags) == sorted(want) and
         all(tags[w].startswith("ok; number=STOP-") for w in want) else 1)
PY
held=$(postqueue -c "$E2E_DIR"/etc -j | grep -c '"queue_name": *"hold"')
e2e_check "the two flagged invoices were held, none passed ($held held)" test "$held" = 2

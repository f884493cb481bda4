# shellcheck shell=bash
# loadlib.sh - what the load scenarios (storeload.sh, journalfail.sh, make load) share,
# on top of lib.sh: the set-up, the load driver, Postfix's hold queue, and the journal
# and its spool.

LOAD="python3 ${top_srcdir}/tests/e2e/load.py"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml

# load_setup [CONF LINES] - check what a load needs, then start the milter (with the
# config lines; E2E_MILTER_BIN runs another build, e.g. an older one to compare) and
# the private Postfix (milter_default_action = accept, so that a message the filter
# let pass unchecked would show); DB is the store
load_setup() {
	[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
	command -v sqlite3 >/dev/null || e2e_skip "the sqlite3 CLI is not installed"
	e2e_init
	[ -n "${E2E_MILTER_BIN:-}" ] && E2E_MILTER=$E2E_MILTER_BIN
	e2e_write_conf "${1:-}"
	e2e_start_milter
	E2E_VIRTUAL_DOMAINS="buyercompany.no" e2e_start_postfix accept
	DB=$E2E_DIR/db/postsale.db
}

# load_held_ids - the queue ids Postfix holds
load_held_ids() {
	postqueue -c "$E2E_DIR"/etc -j | python3 -c '
import json, sys
for line in sys.stdin:
    q = json.loads(line)
    if q["queue_name"] == "hold":
        print(q["queue_id"])'
}

# load_wait_queue - until Postfix has delivered everything that is not on hold (60 s)
load_wait_queue() {
	for _ in $(seq 1 600); do
		[ "$(postqueue -c "$E2E_DIR"/etc -j | grep -vc '"queue_name": *"hold"')" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# load_spool_count DB - records waiting in the spool of unrecorded records of DB
load_spool_count() {
	find "$1"-unrecorded -name '*.rec' 2>/dev/null | wc -l
}

# load_wait_spool_empty DB - until the milter has written the spool into the store (30 s)
load_wait_spool_empty() {
	for _ in $(seq 1 300); do
		[ "$(load_spool_count "$1")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# load_invoices_sent SENT.json - invoices (clean or flagged) the server accepted
load_invoices_sent() {
	python3 -c '
import json, sys
print(sum(1 for m in json.load(open(sys.argv[1]))["messages"] if m["kind"] != "plain" and m["code"] == 250))' "$1"
}

# load_journal_check DB SENT.json - the journal holds each invoice sent exactly once
load_journal_check() {
	local want distinct all
	want=$(load_invoices_sent "$2")
	distinct=$(sqlite3 "$1" "SELECT count(DISTINCT message_id) FROM invoices WHERE message_id LIKE '%@load.example.com'")
	all=$(sqlite3 "$1" "SELECT count(*) FROM invoices WHERE message_id LIKE '%@load.example.com'")
	echo "    journal: $all rows, $distinct invoices, $want sent"
	[ "$distinct" = "$want" ] && [ "$all" = "$want" ]
}

# load_figures SENT.json - check the outcome (load.py check), print the figures; the
# status is load.py's (1: something lost, duplicated, corrupted or a flagged invoice
# delivered unheld)
load_figures() {
	load_held_ids > "$E2E_DIR"/held
	$LOAD check "$1" "$E2E_DIR"/maildir "$E2E_DIR"/held
}

# load_all_flagged_held FIGURES - every flagged invoice sent is on hold
load_all_flagged_held() {
	python3 -c '
import json, sys
f = json.loads(sys.argv[1]); sys.exit(0 if f["held"] == f["flagged_sent"] > 0 else 1)' "$1"
}

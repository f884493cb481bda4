#!/bin/bash
# note.sh - the thank-you note through Postfix, on invoice mail of three sizes: below
# libmilter's body chunk (65,535 octets), just above it, and several chunks long. The
# filter hands the new body to libmilter in pieces (the note's part gathered, the long
# tail in place), which Postfix puts together again. Each message is delivered exactly
# as `postsalectl simulate` prints it, which makes the new body in one piece; and
# Python's email package reads the delivered invoice attachment as the very XML sent.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
e2e_init
e2e_write_conf "company-name = Example Ltd
company-ibans = NO9386011117947
note-invoices = yes"
e2e_start_milter
E2E_VIRTUAL_DOMAINS="buyercompany.no" e2e_start_postfix accept
MK="python3 ${top_srcdir}/tests/e2e/make_invoice_mail.py"

n=0
for embed in 0 40000 200000; do
	n=$((n + 1))
	eml="$E2E_DIR"/note-$embed.eml
	$MK "$XML" "$eml" --number "NOTE-$embed" --message-id "note-$embed@example.com" --embed-bytes "$embed"
	size=$(wc -c < "$eml")
	"$CTL" -c "$E2E_CONF" simulate --from '<alice@example.com>' --rcpt '<john@buyercompany.no>' \
		"$eml" > "$E2E_DIR"/simulated-$embed.eml 2>/dev/null
	e2e_check "$size octets: simulate adds the note" grep -q '^X-Postsale-Note: added' "$E2E_DIR"/simulated-$embed.eml
	e2e_check "$size octets: accepted" e2e_send "$eml" --to john@buyercompany.no
	e2e_wait_maildir "$n" && got=$(e2e_maildir_find "<note-$embed@example.com>") ||
		e2e_fail "$size octets: not delivered"
	e2e_check "$size octets: delivered with the note" grep -q '^X-Postsale-Note: added' "$got"
	e2e_check "$size octets: delivered exactly as simulate printed it" \
		python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR"/simulated-$embed.eml "$got"
	e2e_check "$size octets: the invoice attachment is the XML sent (Python's email)" python3 -c '
import email, email.policy, sys
def xml_of(path):
    m = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    [x] = [p.get_payload(decode=True) for p in m.walk() if p.get_content_type().endswith("xml")]
    return x
sys.exit(0 if xml_of(sys.argv[1]) == xml_of(sys.argv[2]) else 1)' "$eml" "$got"
done
e2e_check "the filter logged three notes" test "$(grep -c 'thank-you note added' "$E2E_MILTER_LOG")" -eq 3

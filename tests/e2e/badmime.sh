#!/bin/bash
# badmime.sh - broken and hostile messages through Postfix and postsale-milter: a
# truncated multipart, a wrong boundary, base64 garbage that claims to be a PDF invoice,
# an unknown charset, HTML without </body>, a 10 MB text part, a 30 MB message. Each is
# delivered; none is made worse (where a correct note cannot be guaranteed it passes
# byte-identical, and the log says why); the filter survives them all.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
e2e_init
e2e_write_conf "note-max-part-size = 4M"
e2e_start_milter
e2e_start_postfix accept
e2e_postconf message_size_limit=40000000
python3 "${top_srcdir}/tests/e2e/make_bad_mime.py" "$E2E_DIR"/msgs
n=0
for name in truncated wrong-boundary unknown-charset big-text-part; do
	e2e_check "$name accepted" e2e_send "$E2E_DIR/msgs/$name.eml" --to dan@customer.example
	n=$((n + 1))
	e2e_wait_maildir "$n" 60 && got=$(e2e_maildir_find "<$name@example.com>") ||
		{ e2e_fail "$name not delivered"; continue; }
	e2e_check "$name arrives byte-identical (no note forced in)" \
		python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR/msgs/$name.eml" "$got"
done
e2e_check "the log says why no note: unknown charset" e2e_milter_log_has "no thank-you note: "
# A PDF attachment that is garbage: reported (PS-UNREADABLE), not dropped, not a crash.
e2e_check "garbage-pdf accepted" e2e_send "$E2E_DIR/msgs/garbage-pdf.eml" --to dan@customer.example
n=$((n + 1))
e2e_wait_maildir "$n" && got=$(e2e_maildir_find "<garbage-pdf@example.com>") || e2e_fail "garbage-pdf not delivered"
e2e_check "garbage-pdf tagged unreadable" grep -q '^X-Postsale-Invoice: ok; number=unreadable; findings=PS-UNREADABLE' "$got"
# HTML without </body>: the note goes at the end of the content, never after </html>.
e2e_check "html-no-body-end accepted" e2e_send "$E2E_DIR/msgs/html-no-body-end.eml" --to dan@customer.example
n=$((n + 1))
e2e_wait_maildir "$n" && got=$(e2e_maildir_find "<html-no-body-end@example.com>") || e2e_fail "html-no-body-end not delivered"
e2e_check "html-no-body-end delivered whole" grep -q '<p>Hello Dan.</p>' "$got"
# 30 MB: over max-message-size (25M), passes untouched, and the log says why.
python3 - "$E2E_DIR"/huge.eml <<'PY'
import sys
line = b"x" * 76 + b"\r\n"
open(sys.argv[1], "wb").write(b"From: alice@example.com\r\nTo: dan@customer.example\r\nSubject: huge\r\n"
    b"Message-ID: <huge@example.com>\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\n\r\n" + line * 400000)
PY
e2e_check "30 MB message accepted" e2e_send "$E2E_DIR"/huge.eml --to dan@customer.example
n=$((n + 1))
e2e_wait_maildir "$n" 120 && got=$(e2e_maildir_find "<huge@example.com>") || e2e_fail "30 MB message not delivered"
e2e_check "30 MB message arrives byte-identical" python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR"/huge.eml "$got"
e2e_check "30 MB message logged as over the limit" e2e_milter_log_has "message larger than max-message-size"
e2e_check "the filter is still running" kill -0 "$E2E_MILTER_PID"
e2e_check "no internal error logged" sh -c "! grep -q ': error: ' '$E2E_MILTER_LOG'"
e2e_check "nothing left in the queue" test "$(e2e_queue_count)" = 0

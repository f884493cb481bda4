#!/bin/bash
# badmime.sh - broken and hostile messages through Postfix and postsale-milter: a
# truncated multipart, a wrong boundary, base64 garbage named invoice.pdf, PDFs that
# cannot be opened (password-protected, damaged; an encrypted Factur-X),
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
# An attachment named invoice.pdf that is base64 garbage, not a PDF: an ordinary
# attachment since issue 9 (before, it was reported PS-UNREADABLE and got a note):
# nothing shows an invoice, so the message passes untouched, and no crash.
e2e_check "garbage-pdf accepted" e2e_send "$E2E_DIR/msgs/garbage-pdf.eml" --to dan@customer.example
n=$((n + 1))
e2e_wait_maildir "$n" && got=$(e2e_maildir_find "<garbage-pdf@example.com>") || e2e_fail "garbage-pdf not delivered"
e2e_check "garbage-pdf passes byte-identical (not an invoice)" \
	python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR/msgs/garbage-pdf.eml" "$got"
# PDFs that cannot be opened (issue 9), made with the qpdf CLI: a password-protected
# contract, a damaged PDF inside a forwarded message, both untouched; an encrypted
# Factur-X whose catalog still names its invoice: PS-UNREADABLE, and no note.
if command -v qpdf >/dev/null; then
	fx="${POSTSALE_CORPUS:-$top_srcdir/../shared/corpus}/facturx/ferd-zugferd-2.4/EN16931/EN16931_Einfach_fx.pdf"
	qpdf --empty --encrypt by-phone owner 256 -- "$E2E_DIR/contract.pdf"
	[ -f "$fx" ] && qpdf --encrypt secret owner 256 -- "$fx" "$E2E_DIR/fx-locked.pdf"
	python3 - "$E2E_DIR" <<'PY'
import os, sys
from email.message import EmailMessage
from email import policy
d = sys.argv[1]
def mail(name, body):
    m = EmailMessage(policy=policy.SMTP)
    m["From"] = "Alice <alice@example.com>"
    m["To"] = "Dan <dan@customer.example>"
    m["Subject"] = name
    m["Message-ID"] = "<%s@example.com>" % name
    m["Date"] = "Sun, 22 Nov 2026 09:00:00 +0000"
    m.set_content(body)
    return m
contract = open(os.path.join(d, "contract.pdf"), "rb").read()
m = mail("locked-contract", "Dear Dan, the contract; the password follows by phone.")
m.add_attachment(contract, maintype="application", subtype="pdf", filename="contract.pdf")
open(os.path.join(d, "msgs", "locked-contract.eml"), "wb").write(m.as_bytes())
inner = mail("damaged", "the scan")
inner.add_attachment(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n" + contract[:200],
                     maintype="application", subtype="pdf", filename="scan.pdf")
m = mail("forwarded-damaged", "Forwarding what Bob sent.")
m.add_attachment(inner)
open(os.path.join(d, "msgs", "forwarded-damaged.eml"), "wb").write(m.as_bytes())
if os.path.exists(os.path.join(d, "fx-locked.pdf")):
    m = mail("fx-locked", "Dear Dan, your invoice.")
    m.add_attachment(open(os.path.join(d, "fx-locked.pdf"), "rb").read(), maintype="application",
                     subtype="pdf", filename="invoice.pdf")
    open(os.path.join(d, "msgs", "fx-locked.eml"), "wb").write(m.as_bytes())
PY
	for name in locked-contract forwarded-damaged; do
		e2e_check "$name accepted" e2e_send "$E2E_DIR/msgs/$name.eml" --to dan@customer.example
		n=$((n + 1))
		e2e_wait_maildir "$n" && got=$(e2e_maildir_find "<$name@example.com>") ||
			{ e2e_fail "$name not delivered"; continue; }
		e2e_check "$name passes byte-identical (not an invoice)" \
			python3 "${top_srcdir}/tests/e2e/same_message.py" "$E2E_DIR/msgs/$name.eml" "$got"
	done
	if [ -f "$E2E_DIR/msgs/fx-locked.eml" ]; then
		e2e_check "fx-locked accepted" e2e_send "$E2E_DIR/msgs/fx-locked.eml" --to dan@customer.example
		n=$((n + 1))
		e2e_wait_maildir "$n" && got=$(e2e_maildir_find "<fx-locked@example.com>") || e2e_fail "fx-locked not delivered"
		e2e_check "fx-locked tagged unreadable" grep -q '^X-Postsale-Invoice: .*findings=PS-UNREADABLE' "$got"
		e2e_check "fx-locked gets no note (no invoice was read)" sh -c "! grep -qi -e '^X-Postsale-Note:' -e 'thank you' '$got'"
	else
		echo "badmime: corpus absent, the encrypted Factur-X case skipped"
	fi
else
	echo "badmime: no qpdf CLI, the password-protected PDF cases skipped"
fi
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

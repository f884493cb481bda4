#!/bin/bash
# dkim.sh - a thank-you note and DKIM: with postsale-milter before OpenDKIM in
# smtpd_milters, the note is added and then signed, and the signature verifies at the
# Maildir (checked with python3-dkim, not OpenDKIM). The reverse order is the mistake
# the README warns about: the note breaks the signature, and this test shows it does.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
command -v opendkim >/dev/null || e2e_skip "opendkim is not installed (tests/setup-debian.sh installs it)"
command -v opendkim-genkey >/dev/null || e2e_skip "opendkim-genkey is not installed (package opendkim-tools)"
/usr/bin/python3 -c 'import dkim' 2>/dev/null || e2e_skip "python3-dkim is not installed"
e2e_init
e2e_write_conf "company-name = Example Ltd
company-ibans = NO9386011117947"
e2e_start_milter

# OpenDKIM signs for example.com with a fresh key. It refuses keys and config files
# below a directory others may write to (the build tree may be under /tmp), so they
# live in a private directory of their own.
DKIM_PORT=$(e2e_free_port)
DKIM_DIR=$(mktemp -d /run/postsale-dkim.XXXXXX) || e2e_fail "no private directory for OpenDKIM"
E2E_CLEANUP="rm -rf $DKIM_DIR"
opendkim-genkey -D "$DKIM_DIR" -d example.com -s test
chown -R opendkim "$DKIM_DIR"
chmod 700 "$DKIM_DIR"
cat > "$DKIM_DIR"/opendkim.conf <<EOC
Mode s
Domain example.com
Selector test
KeyFile $DKIM_DIR/test.private
Socket inet:$DKIM_PORT@127.0.0.1
Canonicalization relaxed/relaxed
InternalHosts 127.0.0.1
UserID opendkim
Background no
Syslog no
PidFile $DKIM_DIR/opendkim.pid
EOC
opendkim -f -x "$DKIM_DIR"/opendkim.conf >"$E2E_DIR"/opendkim.log 2>&1 &
DKIM_PID=$!
e2e_wait_port "$DKIM_PORT" 10 || { cat "$E2E_DIR"/opendkim.log; e2e_fail "opendkim did not start"; exit 1; }
E2E_CLEANUP="kill $DKIM_PID; rm -rf $DKIM_DIR"

# Two listeners: the right order (postsale, then OpenDKIM), and the wrong one.
RIGHT=$(e2e_free_port)
WRONG=$(e2e_free_port)
E2E_EXTRA_MASTER="127.0.0.1:$RIGHT inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$E2E_MILTER_PORT,inet:127.0.0.1:$DKIM_PORT
127.0.0.1:$WRONG inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$DKIM_PORT,inet:127.0.0.1:$E2E_MILTER_PORT"
E2E_VIRTUAL_DOMAINS="buyercompany.no" e2e_start_postfix accept ""
e2e_wait_port "$RIGHT" 10 && e2e_wait_port "$WRONG" 10

MK="python3 ${top_srcdir}/tests/e2e/make_invoice_mail.py"
$MK "$XML" "$E2E_DIR"/right.eml --message-id right@example.com
$MK "$XML" "$E2E_DIR"/wrong.eml --number TOSL109 --message-id wrong@example.com
swaks --server 127.0.0.1:"$RIGHT" --from alice@example.com --to john@buyercompany.no \
	--data @"$E2E_DIR"/right.eml --silent 2 || e2e_fail "send through the right order"
swaks --server 127.0.0.1:"$WRONG" --from alice@example.com --to john@buyercompany.no \
	--data @"$E2E_DIR"/wrong.eml --silent 2 || e2e_fail "send through the wrong order"
e2e_wait_maildir 2 || e2e_fail "not both delivered"

right=$(e2e_maildir_find "<right@example.com>")
wrong=$(e2e_maildir_find "<wrong@example.com>")
for f in "$right" "$wrong"; do
	e2e_check "$(basename "$f"): signed by OpenDKIM" grep -q '^DKIM-Signature: .*d=example.com' <(sed '/^$/q' "$f" | tr -d '\n' | sed 's/DKIM-Signature/\nDKIM-Signature/g')
	e2e_check "$(basename "$f"): carries the note" grep -q '^X-Postsale-Note: added' "$f"
done
e2e_check "the note is in the body" grep -qi "thank you for your business" "$right"
e2e_check "postsale first: the signature verifies" /usr/bin/python3 "${top_srcdir}/tests/e2e/dkim_verify.py" "$right" "$DKIM_DIR"/test.txt
e2e_check "OpenDKIM first: the note breaks the signature (the order matters)" \
	sh -c "! /usr/bin/python3 '${top_srcdir}/tests/e2e/dkim_verify.py' '$wrong' '$DKIM_DIR/test.txt'"

#!/bin/bash
# web.sh - the finance console end to end, in a real browser: headless Chromium (with
# JavaScript off) driven by python3-selenium, against the private Postfix with
# postsale-milter holding invoices and postsale-web started as root (its HTTP side
# drops to the test user; its privileged side runs postsuper).
#
# Finance logs in, finds the held invoice, opens it (findings, figures), releases it:
# the message arrives and the audit log says who. Another is discarded: it is gone from
# the queue. A manager gets 403 on invoices; a POST without the CSRF token gets 403; a
# seller name holding <script> renders inert; six wrong passwords are throttled; bad
# input (malformed requests, oversized bodies, unknown paths, bad ids, a stale session,
# a locked database) gets a clear status and releases nothing. The privileged side
# refuses a queue id that is not held and one that is not an invoice's.
# The invoice is the official EN 16931 example ubl-tc434-example2.xml.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
XML=${POSTSALE_CORPUS:-}/en16931/ubl-examples/ubl-tc434-example2.xml
[ -f "$XML" ] || e2e_skip "the corpus is absent ($XML): set POSTSALE_CORPUS"
PY=${PYTHON:-/usr/bin/python3}
command -v chromium >/dev/null || e2e_skip "chromium is not installed (tests/setup-debian.sh installs it)"
command -v chromedriver >/dev/null || e2e_skip "chromedriver is not installed (chromium-driver)"
"$PY" -c 'import selenium' 2>/dev/null || e2e_skip "python3-selenium is not installed"
e2e_init
WEB=${POSTSALE_WEB:-${top_builddir}/web/postsale-web}	# POSTSALE_WEB: e.g. an ASan build
WEB_PORT=$(e2e_free_port)
e2e_write_conf "company-ibans = NO9386011117947
invoice-action-error = hold
note-invoices = no
web-listen = 127.0.0.1:$WEB_PORT
web-user = $E2E_USER
web-postfix-config-dir = $E2E_DIR/etc
web-url = http://127.0.0.1:$WEB_PORT"
e2e_start_milter
E2E_VIRTUAL_DOMAINS="buyercompany.no" e2e_start_postfix accept
MK="$PY ${top_srcdir}/tests/e2e/make_invoice_mail.py"

# qid_of NUMBER - the queue id the journal has for invoice NUMBER; id_of NUMBER its id
qid_of() { "$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT queue_id FROM invoices WHERE number = ?", (sys.argv[2],)).fetchone()[0])' "$E2E_DIR"/db/postsale.db "$1"; }
id_of() { "$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM invoices WHERE number = ?", (sys.argv[2],)).fetchone()[0])' "$E2E_DIR"/db/postsale.db "$1"; }
on_hold() { postqueue -c "$E2E_DIR"/etc -j | "$PY" -c '
import json, sys
print(" ".join(q["queue_id"] for q in map(json.loads, sys.stdin) if q["queue_name"] == "hold"))'; }

# A clean invoice (delivered), and three held ones (BT-115 altered by 0.01): one to
# release, one to discard, one whose seller name is a script.
$MK "$XML" "$E2E_DIR"/release.eml --number WEB-REL --payable 801.79 --message-id web-release@example.com
$MK "$XML" "$E2E_DIR"/discard.eml --number WEB-DIS --payable 801.79 --message-id web-discard@example.com
"$PY" - "$XML" "$E2E_DIR"/xss.xml <<'PY'
import sys
x = open(sys.argv[1], encoding="utf-8").read()
x = x.replace("<cbc:RegistrationName>Salescompany ltd.</cbc:RegistrationName>",
              "<cbc:RegistrationName>&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; Evil ltd.</cbc:RegistrationName>", 1)
open(sys.argv[2], "w", encoding="utf-8").write(x)
PY
$MK "$E2E_DIR"/xss.xml "$E2E_DIR"/xss.eml --number WEB-XSS --payable 801.79 --message-id web-xss@example.com
$MK "$XML" "$E2E_DIR"/clean.eml --message-id web-clean@example.com
for f in clean release discard xss; do
	e2e_send "$E2E_DIR"/$f.eml --to john@buyercompany.no >/dev/null || e2e_fail "sending $f.eml"
done
# A plain message on hold that is no invoice's (Postfix holds mail from holdme@).
e2e_postconf "smtpd_sender_restrictions = check_sender_access inline:{holdme@example.com=HOLD}"
printf 'From: holdme@example.com\r\nTo: bob@customer.example\r\nSubject: plain\r\nMessage-ID: <web-plain@example.com>\r\n\r\nhello\r\n' > "$E2E_DIR"/plain.eml
e2e_send "$E2E_DIR"/plain.eml --from holdme@example.com >/dev/null
sleep 2
REL_QID=$(qid_of WEB-REL) DIS_QID=$(qid_of WEB-DIS) XSS_QID=$(qid_of WEB-XSS)
held=$(on_hold)
for q in "$REL_QID" "$DIS_QID" "$XSS_QID"; do
	e2e_check "invoice $q is on hold" grep -qw "$q" <<<"$held"
done
PLAIN_QID=$(tr ' ' '\n' <<<"$held" | grep -vwe "$REL_QID" -e "$DIS_QID" -e "$XSS_QID" | head -1)
e2e_check "the plain message is on hold too" test -n "$PLAIN_QID"

# Users: a finance clerk, a manager, an admin, and one whose password is guessed.
for u in clerk:finance mgr:manager boss:admin victim:finance; do
	echo "pw-${u%%:*}-0123456789" | "$CTL" -c "$E2E_CONF" user add "${u%%:*}" --role "${u#*:}" --password-stdin >/dev/null ||
		e2e_fail "postsalectl user add ${u%%:*}"
done
e2e_check "postsalectl user list" test "$("$CTL" -c "$E2E_CONF" user list | wc -l)" = 4
e2e_check "the store keeps no password in clear" sh -c "! grep -qa 'pw-clerk' '$E2E_DIR/db/postsale.db'"

# postsale-web, as root: the HTTP side becomes $E2E_USER, the privileged side stays root.
"$WEB" -c "$E2E_CONF" -f > "$E2E_DIR"/web.log 2>&1 &
WEB_PID=$!
E2E_CLEANUP="kill $WEB_PID; wait $WEB_PID"
e2e_wait_port "$WEB_PORT" 20 || { cat "$E2E_DIR"/web.log >&2; e2e_fail "postsale-web did not start"; exit 1; }
http_user=$(ps -o user= --ppid "$WEB_PID" | head -1)
e2e_check "the HTTP side runs as $E2E_USER, the privileged side as root" \
	test "$http_user" = "$E2E_USER" -a "$(ps -o user= -p "$WEB_PID")" = root

e2e_check "the browser scenario" "$PY" "${top_srcdir}/tests/e2e/web_browser.py" \
	--base "http://127.0.0.1:$WEB_PORT" --db "$E2E_DIR/db/postsale.db" --dir "$E2E_DIR" \
	--shots "${WEB_SCREENSHOTS:-$E2E_DIR}" \
	--release "$(id_of WEB-REL)" --discard "$(id_of WEB-DIS)" --xss "$(id_of WEB-XSS)"

# What the mail server did.
e2e_check "the released invoice arrived (after the clean one)" e2e_wait_maildir 2 30
e2e_check "it is the released one" test -n "$(e2e_maildir_find "<web-release@example.com>")"
held=$(on_hold)
e2e_check "the discarded invoice is gone from the queue" sh -c "! postqueue -c '$E2E_DIR/etc' -j | grep -q '$DIS_QID'"
e2e_check "the invoice tried under a locked database is still held" grep -qw "$XSS_QID" <<<"$held"
e2e_check "the plain message is still held" grep -qw "$PLAIN_QID" <<<"$held"
show=$("$CTL" -c "$E2E_CONF" show "$(id_of WEB-REL)")
e2e_check "postsalectl show prints the audit log: who released it" grep -qE "release +done +by clerk" <<<"$show"
e2e_check "the log names the release and who did it" grep -q "$REL_QID: release of invoice #$(id_of WEB-REL) by clerk: ok" "$E2E_DIR"/web.log

# Through the running daemon: the invoice tried under the lock is released behind the
# console's back (postsuper -H by hand); releasing it in the console now reaches the
# privileged side, which refuses (not in the hold queue), and the audit log says so.
postsuper -c "$E2E_DIR"/etc -H "$XSS_QID" >/dev/null 2>&1
e2e_check "the privileged side of the running daemon refuses a message no longer held" \
	"$PY" - "$WEB_PORT" "$(id_of WEB-XSS)" "$XSS_QID" <<'PY'
import http.client, sys, urllib.parse
port, iid, qid = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def req(method, path, body=None, cookie=""):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Cookie": cookie}
    if body is not None:
        h["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body, h)
    r = c.getresponse()
    return r.status, r.getheader("Set-Cookie") or "", r.getheader("Location") or "", r.read().decode()
def token(page):
    return page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
_, lc, _, page = req("GET", "/login")
lc = lc.split(";")[0]
st, sc, _, _ = req("POST", "/login", urllib.parse.urlencode({"csrf": token(page), "user": "clerk",
                   "password": "pw-clerk-0123456789"}), lc)
sess = sc.split(";")[0]
_, _, _, page = req("GET", "/invoice/" + iid, cookie=sess)
st, _, loc, _ = req("POST", "/invoice/%s/release" % iid, "csrf=" + token(page), sess)
_, _, _, page = req("GET", loc, cookie=sess)
ok = st == 303 and loc.endswith("msg=refused") and ("refused: %s is not in the hold queue" % qid) in page
print(st, loc)
sys.exit(0 if ok else 1)
PY
e2e_check "the daemon's log names the refusal" grep -q "$XSS_QID: privileged side: refused release: the message is not in the hold queue" "$E2E_DIR"/web.log

# The privileged side itself (the same web/priv.c), against this Postfix and journal.
PROBE="${top_builddir}/tests/web_priv_probe $E2E_CONF $E2E_DIR/spool $E2E_USER"
e2e_check "the privileged side refuses a queue id that is not held" \
	grep -q "^refused: $REL_QID is not in the hold queue" <<<"$($PROBE "release $REL_QID" 2>/dev/null)"
e2e_check "the privileged side refuses a held message that is no invoice's" \
	grep -q "^refused: the journal holds no held invoice" <<<"$($PROBE "discard $PLAIN_QID" 2>/dev/null)"
e2e_check "the privileged side refuses what is not a queue id" \
	grep -q "^refused: not a queue id" <<<"$($PROBE "discard ALL" 2>/dev/null)"
e2e_check "the privileged side refuses other requests" \
	grep -q "^refused: not a request" <<<"$($PROBE "chmod 777 /" 2>/dev/null)"
e2e_check "the plain message is still held after all that" grep -qw "$PLAIN_QID" <<<"$(on_hold)"
e2e_check "postsale-web is still up" kill -0 "$WEB_PID"

# HTTPS served by postsale-web itself (libmicrohttpd with GnuTLS), with a throwaway
# certificate: the session cookie is Secure, and HSTS is sent.
TLS_PORT=$(e2e_free_port)
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-keyout "$E2E_DIR"/tls.key -out "$E2E_DIR"/tls.pem >/dev/null 2>&1 || e2e_fail "openssl req"
sed "s/^web-listen = .*/web-listen = 127.0.0.1:$TLS_PORT/" "$E2E_CONF" > "$E2E_DIR"/tls.conf
printf 'web-tls-cert = %s\nweb-tls-key = %s\n' "$E2E_DIR"/tls.pem "$E2E_DIR"/tls.key >> "$E2E_DIR"/tls.conf
"$WEB" -c "$E2E_DIR"/tls.conf -f > "$E2E_DIR"/web-tls.log 2>&1 &
TLS_PID=$!
E2E_CLEANUP="kill $WEB_PID $TLS_PID; wait $WEB_PID $TLS_PID"
e2e_wait_port "$TLS_PORT" 20 || { cat "$E2E_DIR"/web-tls.log >&2; e2e_fail "postsale-web with TLS did not start"; }
e2e_check "over HTTPS: the login sets a Secure cookie, and HSTS is sent" "$PY" - "$TLS_PORT" "$E2E_DIR"/tls.pem <<'PY'
import http.client, ssl, sys, urllib.parse
ctx = ssl.create_default_context(cafile=sys.argv[2])
ctx.check_hostname = False
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=ctx, timeout=20)
c.request("GET", "/login")
r = c.getresponse(); page = r.read().decode()
lc = r.getheader("Set-Cookie") or ""
token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
c.request("POST", "/login", urllib.parse.urlencode({"csrf": token, "user": "clerk", "password": "pw-clerk-0123456789"}),
          {"Content-Type": "application/x-www-form-urlencoded", "Cookie": lc.split(";")[0]})
r = c.getresponse(); r.read()
cookie = r.getheader("Set-Cookie") or ""
sys.exit(0 if r.status == 303 and "; Secure" in cookie and "HttpOnly" in cookie and "; Secure" in lc
         and r.getheader("Strict-Transport-Security") else 1)
PY
e2e_check "plain HTTP to the HTTPS port is not served" sh -c "! curl -sf http://127.0.0.1:$TLS_PORT/login >/dev/null 2>&1"

#!/bin/bash
# bench-web.sh - the finance console's pages at 1,000 and at 100,000 journal rows: the
# invoice list (first page, a later page, the held filter, a number) and one invoice's
# page, through postsale-web over HTTP (keep-alive, one client). Both stores run side by
# side and take turns round by round, so that the machine's noise falls on both alike.
# Prints the time per page at each size and the ratio 100k/1k per round and their
# median: ~1 means the queries are indexed and paged (the time does not grow with the
# journal). Not a pass/fail test.
#
# BENCH_ROUNDS (default 5), BENCH_REQUESTS (per page, size and round, default 200),
# BENCH_SMALL (1000), BENCH_LARGE (100000).
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
PY=${PYTHON:-/usr/bin/python3}
ROUNDS=${BENCH_ROUNDS:-5}
REQ=${BENCH_REQUESTS:-200}
SMALL=${BENCH_SMALL:-1000}
LARGE=${BENCH_LARGE:-100000}
WEB=${top_builddir}/web/postsale-web
CTL=${top_builddir}/ctl/postsalectl
DIR=${top_builddir}/tests/bench/run-web
rm -rf "$DIR"
mkdir -p "$DIR"
chmod 755 "$DIR"
USER_ARG=
if [ "$(id -u)" = 0 ]; then
	U=postsale
	getent passwd "$U" >/dev/null || U=nobody
	USER_ARG="web-user = $U"
fi
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done' EXIT

# setup SIZE - a store of SIZE journal rows (2 % flagged, and 100 held among the newest
# 1,000, so that both stores show the same pages; each flagged one with its findings,
# lines and totals), a user, and postsale-web on PORT
setup() {
	local n=$1 d=$DIR/$1 port
	mkdir -p "$d"/queue
	port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat > "$d"/postsale.conf <<EOC
database = $d/postsale.db
web-listen = 127.0.0.1:$port
web-mta = sendmail
web-sendmail-queue = $d/queue
log-level = warning
$USER_ARG
EOC
	echo "bench-password-1" | "$CTL" -c "$d"/postsale.conf user add bench --role finance --password-stdin >/dev/null
	"$PY" - "$d"/postsale.db "$n" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
rows, finds, lines, totals = [], [], [], []
for i in range(1, n + 1):
    # the same hold queue in both stores: 100 held among the newest 1,000
    held = i > n - 1000 and i % 10 == 0
    flagged = held or i % 50 == 0
    rows.append((i, "INV-%07d" % i, "ubl", "EN16931", "Us GmbH", "Buyer %d" % (i % 977),
                 "ap%d@buyer.example" % (i % 977), "2026-01-01", "2026-02-01", "EUR",
                 "%d.%02d" % (i % 10000, i % 100), "billing@us.example", "ap@buyer.example",
                 "<%d@us.example>" % i, "Q%09X" % i, "fp%d" % i,
                 "flagged" if flagged else "ok", "hold" if held else "tag",
                 1767225600 + i * 60))
    if flagged:
        finds.append((i, "BR-CO-16", "error", "BR-CO-16: BT-112 801.78 - BT-113 0 + BT-114 0 differs from BT-115 801.79"))
        for p in range(3):
            lines.append((i, p, str(p + 1), "Item %d" % p, "2", "C62", "100.00", None, "200.00", "200.00", 0))
        for p, t in enumerate(("BT-106", "BT-107", "BT-108", "BT-109", "BT-110", "BT-112", "BT-115")):
            totals.append((i, p, t, "label", "600.00", "600.00", 0))
db.executemany("INSERT INTO invoices (id, number, syntax, profile, seller, buyer, buyer_address,"
               " issue_date, due_date, currency, total, sender, recipients, message_id, queue_id,"
               " fingerprint, verdict, action, sent_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
db.executemany("INSERT INTO findings VALUES (?,?,?,?)", finds)
db.executemany("INSERT INTO invoice_lines VALUES (?,?,?,?,?,?,?,?,?,?,?)", lines)
db.executemany("INSERT INTO invoice_totals VALUES (?,?,?,?,?,?,?)", totals)
db.commit()
db.execute("ANALYZE")
db.commit()
PY
	[ -n "$USER_ARG" ] && chown -R "${USER_ARG#web-user = }" "$d"
	"$WEB" -c "$d"/postsale.conf -f >>"$d"/web.log 2>&1 </dev/null &
	PIDS="$PIDS $!"
	PORT=$port
}

setup "$SMALL"
PORT_SMALL=$PORT
setup "$LARGE"
PORT_LARGE=$PORT
sleep 1
"$PY" - "$PORT_SMALL" "$PORT_LARGE" "$ROUNDS" "$REQ" "$SMALL" "$LARGE" <<'PY'
import http.client, statistics, sys, time, urllib.parse
small, large, rounds, req, nsmall, nlarge = map(int, sys.argv[1:])

def session(port):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", "/login")
    r = c.getresponse(); page = r.read().decode()
    lc = r.getheader("Set-Cookie").split(";")[0]
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    c.request("POST", "/login", urllib.parse.urlencode({"csrf": token, "user": "bench", "password": "bench-password-1"}),
              {"Content-Type": "application/x-www-form-urlencoded", "Cookie": lc})
    r = c.getresponse(); r.read()
    assert r.status == 303, r.status
    return c, r.getheader("Set-Cookie").split(";")[0]

def timed(c, cookie, path, n):
    t = time.perf_counter()
    for _ in range(n):
        c.request("GET", path, headers={"Cookie": cookie})
        r = c.getresponse(); body = r.read()
        assert r.status == 200 and len(body) > 500, (path, r.status)
    return (time.perf_counter() - t) / n * 1000

def pages(n):
    # a flagged invoice in the middle of the journal
    mid = (n // 2) // 50 * 50
    return [("list", "/invoices"), ("list p.10", "/invoices?page=10"),
            ("held", "/invoices?state=held"), ("number", "/invoices?number=INV-%07d" % mid),
            ("invoice", "/invoice/%d" % mid)]

conns = {nsmall: session(small), nlarge: session(large)}
ratios = {name: [] for name, _ in pages(nsmall)}
ms = {(n, name): [] for n in (nsmall, nlarge) for name, _ in pages(nsmall)}
for rnd in range(rounds):
    for (name, ps), (_, pl) in zip(pages(nsmall), pages(nlarge)):
        # ten turns each, interleaved, so that a busy moment falls on both alike
        ta = tb = 0.0
        for _ in range(10):
            ta += timed(*conns[nsmall], ps, max(req // 10, 1))
            tb += timed(*conns[nlarge], pl, max(req // 10, 1))
        a, b = ta / 10, tb / 10
        ms[(nsmall, name)].append(a)
        ms[(nlarge, name)].append(b)
        ratios[name].append(b / a)
print("finance console, ms per page (median of %d rounds of %d requests), %d and %d journal rows" %
      (rounds, req, nsmall, nlarge))
print("%-10s %10s %10s %12s   %s" % ("page", "%d" % nsmall, "%d" % nlarge, "ratio", "rounds"))
for name, _ in pages(nsmall):
    print("%-10s %10.3f %10.3f %12.2f   %s" % (name, statistics.median(ms[(nsmall, name)]),
          statistics.median(ms[(nlarge, name)]), statistics.median(ratios[name]),
          ", ".join("%.2f" % r for r in ratios[name])))
PY

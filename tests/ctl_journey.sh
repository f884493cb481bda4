#!/bin/sh
# ctl_journey.sh - drive the built postsalectl's managers, customer add|import and
# checkin move against a store of its own, at the real clock.
#
# Expectations come from this script's input and from Python: json for every --json
# output, datetime and zoneinfo (the system tzdata, not libical) for every time: the
# RFC 3339 offsets of each manager's zone, what a local time in a manager's zone is in
# UTC, the first occurrence of a time in the repeated hour (RFC 5545 3.3.5).
# postsalectl's exit statuses are sysexits.h's (65 refused input, 69 a URL not fetched).
# Exit status: 0 pass, 1 fail, 99 hard error.
set -u
: "${top_builddir:=.}" "${PYTHON:=python3}"
ctl="$top_builddir/ctl/postsalectl"
[ -x "$ctl" ] || { echo "ctl_journey: $ctl is not built" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctl_journey.XXXXXX") || exit 99
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
conf="$tmp/postsale.conf"
cat >"$conf" <<EOC
database = $tmp/postsale.db
postsale-address = postsale@seller.example
manager = anna@seller.example; name=Anna Berg; zone=Europe/Berlin; days=Mon-Fri; hours=09:00-17:00
manager = omar@seller.example; name=Omar Haddad; zone=Asia/Dubai; days=Sun-Thu
manager = kim@seller.example; name=Kim Lee; zone=Australia/Sydney; days=Tue,Thu; hours=10:00-14:00; slot=45
EOC

. "${top_srcdir:-.}/tests/ctl_lib.sh"
err_has() { grep -qF -- "$1" "$tmp/err" || fail "$2: stderr lacks '$1': $(head -c 300 "$tmp/err")"; }
out_has() { grep -qF -- "$1" "$tmp/out" || fail "$2: stdout lacks '$1': $(head -c 300 "$tmp/out")"; }
# py EXPR... : a Python program with json, datetime, zoneinfo; $tmp/out as j when JSON
# ts(s): an RFC 3339 time of the JSON as seconds since 1970
py() { "$PYTHON" -c "import json, sys, datetime as dt; from zoneinfo import ZoneInfo
ts = lambda s: int(dt.datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp())
$1" "$tmp/out"; }

# 1. managers: the three lines, offsets of their own zones
expect 0 managers --json
py 'j = {m["address"]: m for m in json.load(open(sys.argv[1]))}
assert set(j) == {"anna@seller.example", "omar@seller.example", "kim@seller.example"}, j
assert j["omar@seller.example"]["workdays"] == "Sun-Thu" and j["kim@seller.example"]["slot_minutes"] == 45
for a, m in j.items():
    t = dt.datetime.fromisoformat(m["next_free_slot"])
    assert t.utcoffset() == t.astimezone(ZoneInfo(m["timezone"])).utcoffset(), (a, m)
    assert m["configured"] and m["next_checkin"] is None
' || fail "managers --json"
expect 0 managers
out_has "Omar Haddad" "managers"

# 2. customer add: 100 days ago; the past check-ins are skipped, none planned in the past
since=$(date -u -d '-100 days' +%Y-%m-%d)
expect 0 customer add a@acme.example --name "ACME" --manager anna@seller.example --since "$since"
out_has "already past (skipped, never sent)" "customer add"
expect 0 checkins --json
py 'import time
now = time.time()
j = json.load(open(sys.argv[1]))
assert j and all((c["state"] == "skipped") == (ts(c["due_at"]) <= now) for c in j), j
assert {c["kind"] for c in j if c["state"] == "skipped"} >= {"day-7", "day-30"}
' || fail "customer add: skipped and planned"
expect 65 customer add b@beta.example --manager anna@seller.example --since 2026-02-30
err_has 'since: "2026-02-30" is not a date' "customer add with 30 February"
expect 65 customer add a@acme.example --manager anna@seller.example --since "$(date -u -d '-99 days' +%Y-%m-%d)"
err_has "was onboarded on $since already" "customer add again, another day"

# 3. import: bad lines named, nothing imported; then a good file
printf 'address,name,manager,since,renewal\nc1@imp.example,"One, Inc.",anna@seller.example,%s,\nnot-an-address,Two,anna@seller.example,%s,\nc3@imp.example,Three,omar@seller.example,2025-13-01,\nc4@imp.example,Four,kim@seller.example,%s,2026-02-29\n' \
  "$since" "$since" "$since" >"$tmp/bad.csv"
expect 65 customer import "$tmp/bad.csv"
err_has "bad.csv:3: address:" "import: bad address"
err_has "bad.csv:4: since:" "import: bad month"
err_has "bad.csv:5: renewal:" "import: 29 February 2026"
err_has "3 bad lines: nothing imported" "import: summary"
expect 0 customers --json
py 'assert [c["address"] for c in json.load(open(sys.argv[1]))] == ["a@acme.example"]' ||
  fail "a bad import left customers behind"
soon=$(date -u -d '+20 days' +%Y-%m-%d)
printf 'since,address,manager\r\n%s,c1@imp.example,omar@seller.example\r\n%s,c2@imp.example,kim@seller.example\r\n' \
  "$since" "$soon" >"$tmp/good.csv"
expect 0 customer import "$tmp/good.csv"
out_has "2 customers onboarded" "import"
expect 0 checkins --json
py 'import collections
j = [c for c in json.load(open(sys.argv[1])) if c["state"] not in ("cancelled", "skipped")]
week = {"omar@seller.example": {6, 0, 1, 2, 3}, "kim@seller.example": {1, 3},
        "anna@seller.example": {0, 1, 2, 3, 4}}
zone = {"omar@seller.example": "Asia/Dubai", "kim@seller.example": "Australia/Sydney",
        "anna@seller.example": "Europe/Berlin"}
for c in j:
    t = dt.datetime.fromtimestamp(ts(c["due_at"]), ZoneInfo(zone[c["manager"]]))
    assert t.weekday() in week[c["manager"]], c
' || fail "imported check-ins on the managers' own days"

# 4. checkin move: the manager's zone, RFC 3339, refusals, --force, fold and gap; on a
# manager of its own with one customer, whose anniversary is moved to a Monday some 150
# days ahead (between its day-90 and its second quarter: no other check-in near)
echo "manager = max@seller.example; zone=Europe/Berlin" >>"$conf"
expect 0 customer add m@move.example --manager max@seller.example --since "$(date -u +%Y-%m-%d)"
expect 0 checkins --customer m@move.example --json
id=$(py 'print([c["id"] for c in json.load(open(sys.argv[1])) if c["kind"] == "anniversary"][0])')
y=$(($(date -u +%Y) + 1))
mon=$(date -u -d '+150 days' +%Y-%m-%d); while [ "$(date -u -d "$mon" +%u)" != 1 ]; do mon=$(date -u -d "$mon +1 day" +%Y-%m-%d); done
sat=$(date -u -d "$mon -2 days" +%Y-%m-%d)
expect 65 checkin move "$id" "$sat 10:00"
err_has "is a Saturday: not one of the manager's working days" "move to a Saturday"
expect 0 checkin move "$id" "$sat 10:00" --force
expect 64 checkin move "$id" "$sat 25:00"
expect 65 checkin move "$id" "$mon 08:00"
err_has "outside the manager's hours 09:00-17:00" "move to 08:00"
expect 0 checkin move "$id" "$mon 10:15"
expect 0 checkins --json
py "j = {c['id']: c for c in json.load(open(sys.argv[1]))}
want = dt.datetime.fromisoformat('${mon}T10:15').replace(tzinfo=ZoneInfo('Europe/Berlin'))
assert ts(j[$id]['due_at']) == int(want.timestamp()), (j[$id], want)
" || fail "move: 10:15 is Berlin time"
expect 0 checkin move "$id" "${mon}T14:00:00+05:30"
expect 0 checkins --json
py "j = {c['id']: c for c in json.load(open(sys.argv[1]))}
assert ts(j[$id]['due_at']) == int(dt.datetime.fromisoformat('${mon}T14:00:00+05:30').timestamp())
" || fail "move: an explicit offset"
# another check-in of Max's at that very time: refused
other=$(py "print([c['id'] for c in json.load(open(sys.argv[1])) if c['manager'] == 'max@seller.example' and c['id'] != $id and c['state'] == 'planned'][0])")
expect 65 checkin move "$other" "${mon}T14:00:00+05:30"
err_has "overlaps another check-in of the manager" "move onto another check-in"
# the last Sunday of October: 02:30 happens twice in Berlin; the first is meant
oct=$(date -u -d "$y-10-31" +%Y-%m-%d); while [ "$(date -u -d "$oct" +%u)" != 7 ]; do oct=$(date -u -d "$oct -1 day" +%Y-%m-%d); done
expect 65 checkin move "$id" "$oct 02:30"
out_has "happens twice in Europe/Berlin; read as the first" "move into the fold"
expect 0 checkin move "$id" "$oct 02:30" --force
expect 0 checkins --json
py "j = {c['id']: c for c in json.load(open(sys.argv[1]))}
first = dt.datetime.fromisoformat('${oct}T02:30').replace(tzinfo=ZoneInfo('Europe/Berlin'), fold=0)
assert ts(j[$id]['due_at']) == int(first.timestamp()), (j[$id], first)
" || fail "move: the fold's first occurrence"
mar=$(date -u -d "$y-03-31" +%Y-%m-%d); while [ "$(date -u -d "$mar" +%u)" != 7 ]; do mar=$(date -u -d "$mar -1 day" +%Y-%m-%d); done
expect 65 checkin move "$id" "$mar 02:30" --force
err_has "does not exist in Europe/Berlin" "move into the gap"

# 5. a manager's busy calendar at a URL: --refresh keeps a copy; booking goes around it
mkdir "$tmp/www"
"$PYTHON" - "$tmp/www" "$tmp/port" 2>/dev/null <<'PY' &
import functools, http.server, os, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.HTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()
PY
srv=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/port" ] && break; sleep 0.3; done
port=$(cat "$tmp/port") || exit 99
"$PYTHON" - "$tmp/www/lena.ics" <<'PY'
import datetime as dt, sys
now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
f = lambda t: t.strftime("%Y%m%dT%H%M%SZ")
open(sys.argv[1], "w", newline="").write(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VFREEBUSY\r\nUID:fb\r\n"
    "DTSTAMP:%s\r\nFREEBUSY:%s/%s\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n"
    % (f(now), f(now), f(now + dt.timedelta(days=40))))
PY
echo "manager = lena@seller.example; zone=Europe/Berlin; busy=http://127.0.0.1:$port/lena.ics" >>"$conf"
today=$(date -u +%Y-%m-%d)
expect 65 customer add l@lena.example --manager lena@seller.example --since "$today"
err_has "postsalectl managers --refresh fetches it" "a busy URL not fetched yet"
expect 0 managers --refresh
err_has "lena@seller.example: 1 busy period from http://127.0.0.1:$port/lena.ics" "managers --refresh"
expect 0 customer add l@lena.example --manager lena@seller.example --since "$today"
expect 0 checkins --customer l@lena.example --json
py 'import time
j = json.load(open(sys.argv[1]))
assert len(j) >= 6 and all(ts(c["due_at"]) >= time.time() + 40 * 86400 - 120 for c in j), j
' || fail "check-ins inside the manager's busy time"
echo "manager = gone@seller.example; busy=http://127.0.0.1:$port/nothing.ics" >>"$conf"
expect 69 managers --refresh
err_has "HTTP status 404" "a busy URL that is not there"

passed ctl_journey

#!/bin/sh
# ctl_invoices.sh - drive the built `postsalectl invoices`, `show` and `review` against a
# store of its own (filled through journal_record by tests/journal_fill) in a temp dir
# with its own config (postsalectl -c FILE).
#
# Expectations come from what this script put in (numbers, buyers, totals, times,
# findings, queue ids), from Python's json module (every --json line must parse), and
# from postsuper(1)'s documented release (-H) and delete (-d) options.
# Exit status: 0 pass, 1 fail, 99 hard error.
set -u
: "${top_builddir:=.}" "${PYTHON:=python3}"
ctl="$top_builddir/ctl/postsalectl"
fill="$top_builddir/tests/journal_fill"
for p in "$ctl" "$fill"; do
  if [ ! -x "$p" ]; then
    echo "ctl_invoices: $p is not built" >&2
    exit 99
  fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctl_invoices.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
conf="$tmp/postsale.conf"
printf 'database = %s/postsale.db\n' "$tmp" >"$conf"

. "${top_srcdir:-.}/tests/ctl_lib.sh"
has() { grep -qF -- "$1" "$tmp/out" || fail "$2: output lacks '$1'"; }
lines() { n=$(wc -l <"$tmp/out"); [ "$n" -eq "$1" ] || fail "$2: $n lines, want $1"; }

# no store yet: a clear one-line error, status 66 (EX_NOINPUT; 2 before the sysexits
# convention of issue 16, like every usage error below: now 64)
expect 66 invoices
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "postsale.db" "$tmp/err" || fail "missing store: $(cat "$tmp/err")"

# 2026-01-01 00:00 UTC = 1767225600
esc=$(printf 'Evil\033[31m Corp')
id1=$("$fill" "$tmp/postsale.db" RE-1 "Acme Ltd" 100.00 ok none 4A1B2C 1767225600) || exit 99
id2=$("$fill" "$tmp/postsale.db" RE-2 "Beta GmbH" 1190.01 flagged hold 4D5E6F 1767312000 \
  "PS-MAIL-AMOUNT:error:the body states 1,190.00 EUR, the invoice's amount due (BT-115) is 1190.01" \
  "PS-DUE-DATE:warning:due before issue") || exit 99
id3=$("$fill" "$tmp/postsale.db" RE-3 "$esc" 5.00 flagged reject "" 1767398400 \
  "PS-IBAN-UNKNOWN:error:not ours") || exit 99
[ "$id1" = 1 ] && [ "$id2" = 2 ] && [ "$id3" = 3 ] || fail "ids $id1 $id2 $id3"

expect 0 invoices
lines 3 "invoices"
has "RE-1" "invoices"; has "Acme Ltd" "invoices"; has "100.00 EUR" "invoices"
has "2026-01-02 00:00 UTC" "invoices"
grep "RE-2" "$tmp/out" | grep -q "flagged.*hold.*open" || fail "invoices: RE-2 line $(grep RE-2 "$tmp/out")"
grep -q "$(printf '\033')" "$tmp/out" && fail "invoices: a control character reached the terminal"
grep -q "Evil?\[31m Corp" "$tmp/out" || fail "invoices: control character not made printable"

expect 0 invoices --flagged
lines 2 "invoices --flagged"
grep -q "RE-1" "$tmp/out" && fail "invoices --flagged lists the clean RE-1"

expect 0 invoices --since 2026-01-02
lines 2 "invoices --since 2026-01-02"
expect 0 invoices --flagged --since "2026-01-03 00:00"
lines 1 "invoices --flagged --since 2026-01-03"
has "RE-3" "invoices --flagged --since"
expect 64 invoices --since yesterday
grep -q "yesterday" "$tmp/err" || fail "bad --since: $(cat "$tmp/err")"
# an impossible date is refused, not read as 2 March
expect 64 invoices --since 2026-02-30
grep -q "2026-02-30" "$tmp/err" || fail "--since 2026-02-30: $(cat "$tmp/err")"
expect 64 invoices --since 2026-04-31
expect 0 invoices --since 2026-01-02T01:00:00+01:00
lines 2 "invoices --since 2026-01-02T01:00:00+01:00 (midnight UTC)"
expect 64 invoices --bogus

expect 0 invoices --json
"$PYTHON" - "$tmp/out" "$esc" <<'EOF' || fail "invoices --json"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))    # an array of objects
assert [r["id"] for r in rows] == [1, 2, 3], rows
r = rows[1]
assert r["number"] == "RE-2" and r["buyer"] == "Beta GmbH" and r["total"] == "1190.01", r
assert r["currency"] == "EUR" and r["verdict"] == "flagged" and r["action"] == "hold", r
assert r["review_state"] == "open" and r["sent_at"] == "2026-01-02T00:00:00Z", r
assert r["findings"] == ["PS-MAIL-AMOUNT", "PS-DUE-DATE"], r
assert rows[0]["findings"] == [] and rows[0]["verdict"] == "ok"
assert rows[2]["buyer"] == sys.argv[2], rows[2]   # JSON keeps the exact value, escaped
EOF

expect 0 show "$id2"
has "Invoice #2" "show"; has "RE-2" "show"; has "Beta GmbH <ap@acme.example>" "show"
has "1190.01 EUR" "show"; has "4D5E6F" "show"; has "<inv-test@us.example>" "show"
has "PS-MAIL-AMOUNT: the body states 1,190.00 EUR" "show"; has "PS-DUE-DATE: due before issue" "show"
has "postsuper -H 4D5E6F" "show"; has "postsuper -d 4D5E6F" "show"
expect 0 show "$id3"
has "PS-IBAN-UNKNOWN: not ours" "show 3"
grep -q "postsuper" "$tmp/out" && fail "show 3: a rejected message has nothing to release"
expect 66 show 99
grep -q "no invoice with id 99" "$tmp/err" || fail "show 99: $(cat "$tmp/err")"
expect 64 show abc
expect 64 show

expect 0 review "$id2" --note "called Beta, amount corrected"
expect 0 show "$id2"
has "reviewed on" "show after review"; has "called Beta, amount corrected" "show after review"
expect 0 invoices --json
"$PYTHON" -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[1]["review_state"]=="reviewed" and r[0]["review_state"]=="open", r' "$tmp/out" ||
  fail "review state in --json"
expect 66 review 99 --note x
grep -q "no invoice with id 99" "$tmp/err" || fail "review 99: $(cat "$tmp/err")"
expect 64 review "$id2"
expect 64 review --note x

# --findings: the flagged ones and those with warnings only (postsale's own rules,
# warnings by default since issue 9), never the clean ones
id4=$("$fill" "$tmp/postsale.db" RE-4 "Delta AG" 20.00 ok tag 4F0F0F 1767484800 \
  "PS-LINE-NET:warning:line 1: the base quantity equals the price") || exit 99
expect 0 invoices --findings
lines 3 "invoices --findings"
has "RE-4" "invoices --findings"; has "RE-2" "invoices --findings"
grep -q "RE-1" "$tmp/out" && fail "invoices --findings lists the clean RE-1"
expect 0 invoices --flagged
grep -q "RE-4" "$tmp/out" && fail "invoices --flagged lists RE-4, which has warnings only"

passed ctl_invoices

#!/bin/sh
# ctl_user.sh - drive the built `postsalectl user add|passwd|del|list` against a store of
# its own: names and roles checked, passwords refused when too short or absent, only
# yescrypt hashes stored (checked by Python's crypt module, i.e. crypt(3) called from
# another program), a new password ends the user's sessions, del removes the user;
# the exit statuses are sysexits.h's (postsalectl(1)).
# Exit status: 0 pass, 1 fail, 99 hard error.
set -u
: "${top_builddir:=.}" "${PYTHON:=python3}"
ctl="$top_builddir/ctl/postsalectl"
[ -x "$ctl" ] || { echo "ctl_user: $ctl is not built" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctl_user.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
conf="$tmp/postsale.conf"
printf 'database = %s/postsale.db\n' "$tmp" >"$conf"
db="$tmp/postsale.db"

. "${top_srcdir:-.}/tests/ctl_lib.sh"
# verify NAME PASSWORD : 1 when the stored hash is yescrypt and matches
verify() {
  "$PYTHON" -W ignore - "$db" "$1" "$2" <<'PY'
import crypt, sqlite3, sys
h = sqlite3.connect(sys.argv[1]).execute("SELECT hash FROM web_users WHERE name = ?", (sys.argv[2],)).fetchone()[0]
sys.exit(0 if h.startswith("$y$") and crypt.crypt(sys.argv[3], h) == h else 1)
PY
}

expect_in 0 "first-password-1" user add alice --role finance --password-stdin
grep -q "added alice (finance)" "$tmp/out" || fail "add: $(cat "$tmp/out")"
verify alice first-password-1 || fail "the stored hash is not a yescrypt hash of the password"
grep -qa "first-password-1" "$db" && fail "the password is in the store in clear"
expect_in 65 "other-password-1" user add alice --role admin --password-stdin
grep -q "exists" "$tmp/err" || fail "duplicate add: $(cat "$tmp/err")"
expect_in 65 "short" user add bob --role finance --password-stdin
grep -q "too short" "$tmp/err" || fail "short password: $(cat "$tmp/err")"
expect_in 64 "long-enough-pw" user add bob --role root --password-stdin
expect_in 64 "long-enough-pw" user add bob --password-stdin
expect_in 65 "long-enough-pw" user add "Bob Smith" --role finance --password-stdin
expect_in 65 "long-enough-pw" user add "../x" --role finance --password-stdin
expect_in 65 "" user add bob --role finance --password-stdin
expect_in 0 "second-password-2" user add bob --role manager --password-stdin
expect_in 0 "" user list
[ "$(wc -l <"$tmp/out")" -eq 2 ] && grep -q "^bob  *manager" "$tmp/out" || fail "list: $(cat "$tmp/out")"

# a new password: the old one no longer matches, and the user's sessions end
"$PYTHON" -c 'import sqlite3, sys; d = sqlite3.connect(sys.argv[1]); d.execute("INSERT INTO web_sessions VALUES (?, ?, ?, 1, 1)", ("h", "alice", "c")); d.commit()' "$db"
expect_in 0 "third-password-3" user passwd alice --password-stdin
verify alice third-password-3 || fail "passwd did not change the hash"
verify alice first-password-1 && fail "the old password still matches"
[ "$("$PYTHON" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM web_sessions").fetchone()[0])' "$db")" = 0 ] ||
  fail "passwd left the user's sessions"
expect_in 66 "third-password-3" user passwd carol --password-stdin
expect_in 0 "" user del bob
expect_in 66 "" user del bob
expect_in 0 "" user list
[ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "after del: $(cat "$tmp/out")"
# no terminal and no --password-stdin: a clear refusal
setsid "$ctl" -c "$conf" user add dave --role finance </dev/null >"$tmp/out" 2>"$tmp/err"
[ $? -eq 64 ] && grep -q "password-stdin" "$tmp/err" || fail "no terminal: $(cat "$tmp/err")"
expect_in 64 "" user
expect_in 64 "" user frobnicate x

passed ctl_user

#!/bin/sh
# ctl_store.sh - drive the built `postsalectl store migrate` and `store copy FROM TO`: a
# store with console users and an audit row copied into a new file and, through a
# private PostgreSQL cluster (tests/pg/cluster.sh), into the server and back out, every
# row kept; a destination with rows refused (65), its rows unchanged; a URI's password
# never printed; a server out of reach: exit 75 and one error line naming the URI, not
# the daemons' outage warning beside it.
# Exit status: 0 pass, 1 fail, 77 skip, 99 hard error.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
ctl="$top_builddir/ctl/postsalectl"
[ -x "$ctl" ] || { echo "ctl_store: $ctl is not built" >&2; exit 99; }
command -v sqlite3 >/dev/null || { echo "SKIP: ctl_store: no sqlite3 (tests/setup-debian.sh installs it)" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctl_store.XXXXXX") || exit 99
chmod 755 "$tmp"
PG_CLUSTER_TRAP=no
. "${top_srcdir:-.}/tests/pg/cluster.sh"
trap 'pg_cluster_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
conf="$tmp/postsale.conf"
printf 'database = %s/postsale.db\n' "$tmp" >"$conf"

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
# expect STATUS CMD... : run postsalectl, keep its output
expect() {
  want=$1; shift
  "$ctl" -c "$conf" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  got=$?
  [ "$got" -eq "$want" ] || fail "postsalectl $*: exit $got, want $want ($(head -c 300 "$tmp/err"))"
}
# rows DB - the console users and audit rows of a store file, as text
rows() {
  sqlite3 "$1" "SELECT name, role, hash FROM web_users ORDER BY name; SELECT user, action, outcome FROM audit ORDER BY id"
}

expect 0 store migrate
grep -q "schema version [1-9]" "$tmp/out" || fail "migrate: $(cat "$tmp/out")"
printf 'first-password-1\n' | "$ctl" -c "$conf" user add alice --role finance --password-stdin >/dev/null 2>&1 ||
  fail "user add"
printf 'other-password-1\n' | "$ctl" -c "$conf" user add bob --role admin --password-stdin >/dev/null 2>&1 ||
  fail "user add bob"
sqlite3 "$tmp/postsale.db" "INSERT INTO audit (at, user, action, outcome) VALUES (1, 'alice', 'login', 'done')" ||
  fail "audit row"
kept=$(rows "$tmp/postsale.db")

# file to file
expect 0 store copy "$tmp/postsale.db" "$tmp/copy.db"
grep -q "^web_users  *2$" "$tmp/out" || fail "copy: web_users not counted: $(cat "$tmp/out")"
grep -q "rows copied" "$tmp/out" || fail "copy: no total: $(cat "$tmp/out")"
[ "$(rows "$tmp/copy.db")" = "$kept" ] || fail "the copy differs: $(rows "$tmp/copy.db")"
# again into a store with rows: refused, nothing changed
expect 65 store copy "$tmp/postsale.db" "$tmp/copy.db"
grep -q "holds rows already" "$tmp/err" || fail "refusal: $(cat "$tmp/err")"
[ "$(rows "$tmp/copy.db")" = "$kept" ] || fail "a refused copy changed the destination"
expect 64 store copy "$tmp/postsale.db"

# into PostgreSQL and back, when the server binaries are there and the store opens URIs
if [ -x "${PG_BINDIR:-}/initdb" ] && { [ "$(id -u)" != 0 ] || id postgres >/dev/null 2>&1; }; then
  pg_cluster_start ctl_store >/dev/null
  uri="postgresql://postgres:s3cret@/postsale?host=$PG_CLUSTER_DIR/sock&port=$PG_CLUSTER_PORT"
  "$ctl" store copy "$tmp/postsale.db" "$uri" </dev/null >"$tmp/out" 2>"$tmp/err"
  if [ $? != 0 ] && grep -q "directory postgresql" "$tmp/err"; then
    echo "ctl_store: this build's store opens no postgresql:// database: not copied through one"
  else
    grep -q "^web_users  *2$" "$tmp/out" || fail "copy into PostgreSQL: $(cat "$tmp/out") $(cat "$tmp/err")"
    expect 0 store copy "$uri" "$tmp/back.db"
    [ "$(rows "$tmp/back.db")" = "$kept" ] || fail "the copy through PostgreSQL differs: $(rows "$tmp/back.db")"
    expect 65 store copy "$tmp/postsale.db" "$uri"
    grep -q "s3cret" "$tmp/out" "$tmp/err" && fail "the URI's password was printed"
  fi
fi

# a server that is not there: the command's own error alone (75, the URI without its
# password), not the outage warning the daemons log once per outage
printf 'database = postgresql://postgres:s3cret@/postsale?host=%s/nowhere&port=5999\n' "$tmp" >"$tmp/down.conf"
"$ctl" -c "$tmp/down.conf" invoices </dev/null >"$tmp/out" 2>"$tmp/err"
got=$?
if [ "$got" = 75 ]; then
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "unreachable server: more than one line: $(cat "$tmp/err")"
  grep -q "^postsalectl: postgresql://postgres@/postsale?host=$tmp/nowhere" "$tmp/err" ||
    fail "unreachable server: the error does not name the URI: $(cat "$tmp/err")"
  grep -q "further failures\|unreachable:" "$tmp/err" && fail "unreachable server: the outage warning was printed"
  grep -q "s3cret" "$tmp/err" && fail "unreachable server: the URI's password was printed"
elif grep -q "directory postgresql" "$tmp/err"; then
  echo "ctl_store: this build's store opens no postgresql:// database: no unreachable server tried"
else
  fail "unreachable server: exit $got, want 75 ($(head -c 300 "$tmp/err"))"
fi

[ "$fails" -eq 0 ] || exit 1
echo "ctl_store: all passed"

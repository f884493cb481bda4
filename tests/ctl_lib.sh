# ctl_lib.sh - what the scripts that drive the built postsalectl share; sourced after
# they set ctl (the program), conf (its config) and tmp (their own temp dir).
#   fail MSG               count a failure and say it
#   expect STATUS ARGS...  run postsalectl -c $conf ARGS: stdout in $tmp/out, stderr in
#                          $tmp/err, a failure unless it exits with STATUS
#   expect_in STATUS INPUT ARGS...  the same with the line INPUT on its standard input
#   passed NAME            the verdict: "NAME: all passed" and 0, or the count and 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {
  want=$1; shift
  "$ctl" -c "$conf" "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  [ "$got" -eq "$want" ] || fail "postsalectl $*: exit $got, want $want ($(head -c 300 "$tmp/err"))"
}
expect_in() {
  printf '%s\n' "$2" >"$tmp/in"
  want_in=$1; shift 2
  expect "$want_in" "$@" <"$tmp/in"
}
passed() {
  if [ "$fails" -ne 0 ]; then
    echo "$1: $fails failures"
    return 1
  fi
  echo "$1: all passed"
}

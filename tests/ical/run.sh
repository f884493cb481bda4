#!/bin/sh
# run.sh - the invitations checked by parsers that are not ours.
#
# Runs gen-invites (built in the build tree) into a temporary directory, then
# verify_py.py (python3-icalendar, Python's email package, zoneinfo) and
# verify_js.mjs (ical.js from npm, in $top_srcdir/tests/node_modules). A missing
# ical.js or node is skipped with a message; a missing python3-icalendar skips the
# whole test (exit 77). Reads only $top_srcdir, writes only under mktemp.
set -u

srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
gen=$builddir/tests/ical/gen-invites
if [ ! -x "$gen" ]; then
  echo "run.sh: $gen is not built (make check builds it)" >&2
  exit 99
fi

# A python that has the icalendar module: $PYTHON, else Debian's.
py=""
for p in "${PYTHON:-python3}" /usr/bin/python3; do
  if "$p" -c 'import icalendar' >/dev/null 2>&1; then py=$p; break; fi
done
if [ -z "$py" ]; then
  echo "run.sh: SKIP: no python3 with the icalendar module (apt-get install python3-icalendar)" >&2
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ps-ical.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

"$gen" "$tmp/out" || exit 1
rc=0
"$py" "$srcdir/tests/ical/verify_py.py" "$tmp/out" || rc=1

if ! command -v node >/dev/null 2>&1; then
  echo "run.sh: ical.js skipped: node is not installed" >&2
elif [ ! -d "$srcdir/tests/node_modules/ical.js" ]; then
  echo "run.sh: ical.js skipped: $srcdir/tests/node_modules/ical.js is absent (tests/setup-debian.sh installs it)" >&2
else
  node "$srcdir/tests/ical/verify_js.mjs" "$tmp/out" || rc=1
fi
exit $rc

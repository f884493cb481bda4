# common.sh - shared set-up of the postsale-mailer script tests (sourced).
# A private directory under TMPDIR, a config whose database lives there, and Postfix's
# smtp-sink on a free loopback port dumping each message to a file. Skips (77) when
# smtp-sink or python3 is missing.
set -eu
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
MAILER=${MAILER:-$top_builddir/mailer/postsale-mailer}
FILL=${FILL:-$top_builddir/tests/mailer/journey-fill}
CTL=${CTL:-$top_builddir/ctl/postsalectl}
PY=${PYTHON:-python3}
CHECK_EML="$top_srcdir/tests/mailer/check_eml.py"
SINK=/usr/sbin/smtp-sink
[ -x "$SINK" ] || { echo "SKIP: no $SINK (postfix)" >&2; exit 77; }
command -v "$PY" >/dev/null || { echo "SKIP: no python3" >&2; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/ps-mailer.XXXXXX")
chmod 777 "$T"
SINK_PID=
cleanup() {
	[ -z "$SINK_PID" ] || { kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; } || :
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
epoch() { date -u -d "$1" +%s; }

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# sink_start DIR [smtp-sink options] - a sink on $PORT dumping into DIR
sink_start() {
	dir=$1; shift
	mkdir -p "$dir"; chmod 777 "$dir"
	u=; [ "$(id -u)" != 0 ] || u="-u nobody"
	timeout 600 "$SINK" $u -d "$dir/%M." "$@" "127.0.0.1:$PORT" 100 &
	SINK_PID=$!
	for i in $(seq 100); do
		"$PY" -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "smtp-sink did not start on $PORT"
}
sink_stop() { [ -z "$SINK_PID" ] || { kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || :; SINK_PID=; }; }
count() { find "$1" -type f 2>/dev/null | wc -l; }

# write_conf [extra key = value lines] - $T/postsale.conf
write_conf() {
	cat > "$T/postsale.conf" <<EOC
database = $T/postsale.sqlite
database-timeout = 2s
postsale-address = postsale@seller.example
postsale-name = Postsale
manager-timezones = anna@seller.example=Europe/Berlin
submit-url = smtp://127.0.0.1:$PORT
submit-starttls = none
submit-timeout = 10s
mailer-retry = 60s
EOC
	for l in "$@"; do echo "$l" >> "$T/postsale.conf"; done
}
CONF=$T/postsale.conf
# two_hosts SUBMIT_TIMEOUT - $T/a.conf and $T/b.conf: $CONF on the shared store
# ($POSTGRESQL_URI) with that submit-timeout, each "host" with a state-directory of its
# own (so its own flock: only the store keeps the two mailers apart)
two_hosts() {
	for h in a b; do
		mkdir -p "$T/host-$h"
		{ sed -e '/^database = /d' -e "s/^submit-timeout = .*/submit-timeout = $1/" "$CONF"
		  echo "database = $POSTGRESQL_URI"
		  echo "state-directory = $T/host-$h"; } > "$T/$h.conf"
	done
}
# checkins_json - postsalectl checkins --json
checkins_json() { "$CTL" -c "$CONF" checkins --json "$@"; }
# jq_py EXPR - evaluate a Python expression over the JSON on stdin (as j)
jq_py() { "$PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

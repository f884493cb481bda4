#!/bin/bash
# daemon.sh - postsale-milter as a daemon: config check (-n), clear errors for a bad
# config, an unbindable socket, a missing database directory and root; SIGHUP reloads
# (a bad file keeps the old config); SIGTERM stops cleanly.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
. "${top_srcdir}/tests/e2e/lib.sh"
e2e_init
M=$E2E_MILTER

# expect_fail STATUS TEXT CMD... - CMD exits STATUS and says TEXT on stderr
expect_fail() {
	local want=$1 text=$2 out status
	shift 2
	out=$("$@" 2>&1 >/dev/null)
	status=$?
	if [ "$status" = "$want" ] && printf '%s' "$out" | grep -qF -- "$text"; then
		e2e_ok "exit $want: $text"
	else
		e2e_fail "wanted exit $want and '$text', got $status: $out"
	fi
}

e2e_write_conf
out=$("$M" -n -c "$E2E_CONF" 2>&1)
e2e_check "-n accepts a good config" test $? = 0
e2e_check "-n says so" grep -qF "$E2E_CONF: config is valid" <<<"$out"
# The sample as shipped, with the templates of the source tree (not installed here), the
# user and places of this run: -n refuses it until the two keys are set, naming each.
{ cat "${top_srcdir}/conf/postsale.conf"; echo "note-templates = ${top_srcdir}/templates"
  echo "user = $E2E_USER"; echo "database = $E2E_DIR/db/postsale.db"
  echo "socket = inet:$E2E_MILTER_PORT@127.0.0.1"; } > "$E2E_DIR"/sample.conf
expect_fail 78 "error: local-domains is empty" "$M" -n -c "$E2E_DIR"/sample.conf
expect_fail 78 "error: postsale-address = postsale@localhost" "$M" -n -c "$E2E_DIR"/sample.conf
{ cat "$E2E_DIR"/sample.conf; echo "local-domains = example.com"; } > "$E2E_DIR"/sample1.conf
expect_fail 78 "error: postsale-address = postsale@localhost" "$M" -n -c "$E2E_DIR"/sample1.conf
{ cat "$E2E_DIR"/sample1.conf; echo "postsale-address = postsale@example.com"; } > "$E2E_DIR"/sample2.conf
e2e_check "-n accepts the sample with local-domains and postsale-address set" \
	"$M" -n -c "$E2E_DIR"/sample2.conf
# -n looks at the store as the filter's user: a root-owned file there fails it, named
# with its owner and mode; a missing socket directory or user fails it too.
touch "$E2E_DIR"/db/postsale.db-shm
chmod 644 "$E2E_DIR"/db/postsale.db-shm
expect_fail 78 "store: $E2E_DIR/db/postsale.db-shm (owner root:root, mode 0644) is not writable by $E2E_USER" \
	"$M" -n -c "$E2E_DIR"/sample2.conf
rm -f "$E2E_DIR"/db/postsale.db-shm
sed "s|^socket = .*|socket = unix:$E2E_DIR/no-such-dir/milter.sock|" "$E2E_DIR"/sample2.conf > "$E2E_DIR"/nosock.conf
expect_fail 78 "socket: directory $E2E_DIR/no-such-dir of" "$M" -n -c "$E2E_DIR"/nosock.conf
expect_fail 78 "user: no-such-user-here does not exist" "$M" -n -c "$E2E_DIR"/sample2.conf -u no-such-user-here
e2e_check "-n created nothing in the store's directory" test -z "$(ls -A "$E2E_DIR"/db)"
printf 'note-templates = %s\n' "$E2E_DIR" > "$E2E_DIR"/notmpl.conf
expect_fail 78 "$E2E_DIR" "$M" -n -c "$E2E_DIR"/notmpl.conf

printf 'socket = inet:%s@127.0.0.1\non-error = sometimes\n' "$E2E_MILTER_PORT" > "$E2E_DIR"/bad.conf
expect_fail 78 "$E2E_DIR/bad.conf:2: on-error: 'sometimes' is not one of accept|tempfail" "$M" -n -c "$E2E_DIR"/bad.conf
printf 'socket = inet:%s@127.0.0.1\nfilter-everything = yes\n' "$E2E_MILTER_PORT" > "$E2E_DIR"/unknown.conf
expect_fail 78 "$E2E_DIR/unknown.conf:2: filter-everything: unknown key" "$M" -f -c "$E2E_DIR"/unknown.conf
expect_fail 78 "cannot open: No such file or directory" "$M" -n -c "$E2E_DIR"/missing.conf
expect_fail 78 "socket inet:99999@127.0.0.1: expected inet:PORT@HOST" "$M" -n -c "$E2E_CONF" -p inet:99999@127.0.0.1
expect_fail 77 "refusing to run as root" "$M" -f -c "$E2E_CONF" -u root
expect_fail 77 "user no-such-user-here does not exist" "$M" -f -c "$E2E_CONF" -u no-such-user-here

# A template with a syntax error: refused at start-up with file:line.
mkdir -p "$E2E_DIR"/badtmpl
cp "${top_srcdir}"/templates/* "$E2E_DIR"/badtmpl/
printf 'Dear {{customer_name}},\n{{#if tenure}}\nno end to this section\n' > "$E2E_DIR"/badtmpl/invoice.en.txt
printf 'note-templates = %s\n' "$E2E_DIR"/badtmpl > "$E2E_DIR"/badtmpl.conf
expect_fail 78 "$E2E_DIR/badtmpl/invoice.en.txt:2: unclosed {{#if tenure}}" "$M" -n -c "$E2E_DIR"/badtmpl.conf

# A socket someone else holds.
python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1', $E2E_MILTER_PORT)); s.listen(); time.sleep(30)" &
holder=$!
e2e_wait_port "$E2E_MILTER_PORT" 5
expect_fail 69 "cannot listen on inet:$E2E_MILTER_PORT@127.0.0.1" "$M" -f -c "$E2E_CONF" -u "$E2E_USER"
kill "$holder"; wait "$holder" 2>/dev/null

# A missing database directory: a clear warning, and the filter still serves mail.
e2e_write_conf "database = $E2E_DIR/no-such-dir/postsale.db
pid-file = $E2E_DIR/db/milter.pid"
e2e_start_milter
e2e_check "missing database directory is named" \
	e2e_milter_log_has "store: $E2E_DIR/no-such-dir/postsale.db: directory $E2E_DIR/no-such-dir does not exist"
e2e_start_postfix accept
python3 "${top_srcdir}/tests/e2e/make_messages.py" "$E2E_DIR"/msgs
e2e_check "mail flows without a database" e2e_send "$E2E_DIR"/msgs/plain.eml
e2e_wait_maildir 1 || e2e_fail "not delivered without a database"

# SIGHUP: 127.0.0.2 becomes internal, so its mail becomes outbound.
send_from_2() {
	sed "s/^Message-ID: <plain@/Message-ID: <$1@/" "$E2E_DIR"/msgs/plain.eml > "$E2E_DIR/$1.eml"
	e2e_send "$E2E_DIR/$1.eml" --local-interface 127.0.0.2
}
e2e_check "mail from 127.0.0.2 before reload" send_from_2 before
e2e_wait_maildir 2
e2e_check "127.0.0.2 is outside before the reload" \
	e2e_milter_log_has "client 127.0.0.2 is not internal and not authenticated"
e2e_write_conf "internal-networks = 127.0.0.0/8"
e2e_reload_milter
e2e_check "SIGHUP reloads" e2e_milter_log_has "config $E2E_CONF reloaded"
e2e_check "the filter survives SIGHUP" kill -0 "$E2E_MILTER_PID"
lines_before=$(grep -c ': outbound: ' "$E2E_MILTER_LOG")
e2e_check "mail from 127.0.0.2 after reload" send_from_2 after
e2e_wait_maildir 3
e2e_check "127.0.0.2 is internal after the reload" \
	test "$(grep -c ': outbound: ' "$E2E_MILTER_LOG")" -gt "$lines_before"

# A bad file on SIGHUP: logged with file:line and key, the old config stays.
printf 'internal-networks = 127.0.0.0/33\n' >> "$E2E_CONF"
bad_line=$(wc -l < "$E2E_CONF")
e2e_reload_milter "reload failed"
e2e_check "a bad reload is refused with file:line and key" e2e_milter_log_has \
	"reload failed, the previous config stays in force: $E2E_CONF:$bad_line: internal-networks: given twice"
e2e_check "the filter survives a bad reload" kill -0 "$E2E_MILTER_PID"
lines_before=$(grep -c ': outbound: ' "$E2E_MILTER_LOG")
e2e_check "mail after the bad reload" send_from_2 after-bad
e2e_wait_maildir 4
e2e_check "the previous config is still in force" \
	test "$(grep -c ': outbound: ' "$E2E_MILTER_LOG")" -gt "$lines_before"

# The pid file (-P): written, and removed at a clean stop.
e2e_check "the pid file holds the filter's pid" test "$(cat "$E2E_DIR"/db/milter.pid 2>/dev/null)" = "$E2E_MILTER_PID"

# SIGTERM: a clean stop, exit 0, the port closed.
kill -TERM "$E2E_MILTER_PID"
wait "$E2E_MILTER_PID"
e2e_check "SIGTERM stops with exit 0" test $? = 0
E2E_MILTER_PID=
e2e_check "the port is closed" sh -c "! python3 -c \"import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $E2E_MILTER_PORT)))\""
e2e_check "the stop is logged" e2e_milter_log_has "stopping on signal 15"
e2e_check "the pid file is gone" test ! -e "$E2E_DIR"/db/milter.pid

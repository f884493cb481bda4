# shellcheck shell=bash
# lib.sh - the end-to-end harness: a private Postfix, postsale-milter, a Maildir and an
# smtp-sink, all on loopback ports of their own, under the build tree.
#
# Sourced by the tests/e2e/*.sh scenarios, by `make demo` and by the benchmark. It never
# touches the system's Postfix: the instance has its own config and queue directories
# (postfix -c DIR) and is stopped on exit, also when a test fails.
#
# Environment: top_srcdir, top_builddir (set by make). Needs root (Postfix's master
# runs as root and drops to the postfix user).

set -u

E2E_NAME=${E2E_NAME:-$(basename "$0" .sh)}
E2E_FAILED=0
E2E_PASSED=0
E2E_KEEP=${E2E_KEEP:-}

# e2e_skip - skip the whole scenario (automake exit 77) with a reason
e2e_skip() {
	echo "SKIP: $E2E_NAME: $*" >&2
	exit 77
}

# e2e_ok / e2e_fail - record the result of one check
e2e_ok() {
	E2E_PASSED=$((E2E_PASSED + 1))
	echo "ok - $*"
}
e2e_fail() {
	E2E_FAILED=$((E2E_FAILED + 1))
	echo "FAIL - $*"
}
# e2e_check DESCRIPTION COMMAND... - run the command; ok when it succeeds
e2e_check() {
	local what=$1
	shift
	if "$@"; then e2e_ok "$what"; else e2e_fail "$what"; fi
}

# e2e_free_port - a TCP port on 127.0.0.1 that nothing listens on now
e2e_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# e2e_wait_port PORT [SECONDS] - wait until something listens on 127.0.0.1:PORT
e2e_wait_port() {
	local port=$1 tries=$((${2:-20} * 10))
	while [ "$tries" -gt 0 ]; do
		if python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.2); sys.exit(s.connect_ex(('127.0.0.1', $port)))" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		tries=$((tries - 1))
	done
	return 1
}

# e2e_init - make the run directory and choose the ports; CTL and MAILER name the built
# postsalectl and postsale-mailer
e2e_init() {
	[ "$(id -u)" = 0 ] || e2e_skip "needs root to run a private Postfix instance"
	command -v swaks >/dev/null || e2e_skip "swaks is not installed (tests/setup-debian.sh installs it)"
	[ -x /usr/sbin/postfix ] || e2e_skip "postfix is not installed (tests/setup-debian.sh installs it)"
	E2E_MILTER=${top_builddir}/milter/postsale-milter
	CTL=${top_builddir}/ctl/postsalectl
	MAILER=${top_builddir}/mailer/postsale-mailer
	[ -x "$E2E_MILTER" ] || e2e_skip "$E2E_MILTER is not built"
	E2E_DIR=${top_builddir}/tests/e2e/run-${E2E_NAME}
	e2e_cleanup_dir
	mkdir -p "$E2E_DIR"/etc "$E2E_DIR"/spool "$E2E_DIR"/data "$E2E_DIR"/maildir \
		"$E2E_DIR"/sink "$E2E_DIR"/db "$E2E_DIR"/msgs
	# The Postfix daemons (user postfix) and the milter (E2E_USER) must reach the tree.
	chmod 755 "$E2E_DIR" "$E2E_DIR"/etc "$E2E_DIR"/msgs
	# The filter's user: nobody, never postsale, which tests/package.sh may create and
	# remove while the scenarios run.
	E2E_USER=nobody
	chown "$E2E_USER" "$E2E_DIR"/db
	chown nobody "$E2E_DIR"/maildir "$E2E_DIR"/sink
	chown postfix "$E2E_DIR"/data
	E2E_SMTP_PORT=$(e2e_free_port)
	E2E_MILTER_PORT=$(e2e_free_port)
	E2E_SINK_PORT=$(e2e_free_port)
	E2E_CONF=$E2E_DIR/postsale.conf
	E2E_MILTER_LOG=$E2E_DIR/milter.log
	trap e2e_teardown EXIT
	trap 'exit 130' INT TERM
}

# e2e_write_conf [EXTRA LINES] - the milter's config: 127.0.0.1 is internal, 127.0.0.2
# plays an outside client; example.com is the company (local-domains and
# postsale-address set, as postsale-milter -n demands). A key in EXTRA LINES replaces
# the base line of the same key.
e2e_write_conf() {
	local extra=${1:-} line key
	{
		while IFS= read -r line; do
			key=${line%% =*}
			printf '%s\n' "$extra" | grep -q "^$key =" || printf '%s\n' "$line"
		done <<EOC
socket = inet:${E2E_MILTER_PORT}@127.0.0.1
internal-networks = 127.0.0.1/32, ::1
local-domains = example.com
postsale-address = postsale@example.com
user = ${E2E_USER}
database = ${E2E_DIR}/db/postsale.db
note-templates = ${top_srcdir}/templates
log-level = debug
EOC
		[ -n "$extra" ] && printf '%s\n' "$extra"
	} > "$E2E_CONF"
}

# e2e_start_milter - start postsale-milter in the foreground (logging to a file);
# E2E_MILTER_FLAGS replaces its -d (debug); E2E_MILTER_WRAPPER runs it under a tool
# (e.g. "valgrind --tool=callgrind" to profile a benchmark)
e2e_start_milter() {
	[ -f "$E2E_CONF" ] || e2e_write_conf
	# shellcheck disable=SC2086
	${E2E_MILTER_WRAPPER:-} "$E2E_MILTER" ${E2E_MILTER_FLAGS:--d} -c "$E2E_CONF" -u "$E2E_USER" \
		>>"$E2E_MILTER_LOG" 2>&1 &
	E2E_MILTER_PID=$!
	if ! e2e_wait_port "$E2E_MILTER_PORT" 30; then
		cat "$E2E_MILTER_LOG" >&2
		e2e_fail "postsale-milter did not start"
		exit 1
	fi
}

# e2e_stop_milter [SIGNAL] - stop the milter (TERM by default, KILL to simulate a crash)
e2e_stop_milter() {
	[ -n "${E2E_MILTER_PID:-}" ] || return 0
	kill -"${1:-TERM}" "$E2E_MILTER_PID" 2>/dev/null
	wait "$E2E_MILTER_PID" 2>/dev/null
	E2E_MILTER_PID=
}

# e2e_start_sink - an smtp-sink that counts (and, with E2E_SINK_DUMP=1, keeps) messages
e2e_start_sink() {
	local dump=""
	[ -n "${E2E_SINK_DUMP:-}" ] && dump="-d $E2E_DIR/sink/%M."
	# shellcheck disable=SC2086
	smtp-sink -u nobody $dump -c 127.0.0.1:"$E2E_SINK_PORT" 256 >"$E2E_DIR"/sink.out 2>&1 &
	E2E_SINK_PID=$!
	e2e_wait_port "$E2E_SINK_PORT" 10 || { e2e_fail "smtp-sink did not start"; exit 1; }
}

# e2e_start_postfix [MILTER_DEFAULT_ACTION] [MILTERS] - the private Postfix instance:
# mail to customer.example, example.com and partner.example is delivered into one
# Maildir (virtual(8)), everything else is relayed to the smtp-sink. E2E_EXTRA_MASTER
# adds master.cf lines (more listeners, e.g. for the benchmark).
e2e_start_postfix() {
	local action=${1:-accept} milters=${2-inet:127.0.0.1:$E2E_MILTER_PORT}
	local nobody_uid nobody_gid
	nobody_uid=$(id -u nobody)
	nobody_gid=$(id -g nobody)
	cat > "$E2E_DIR"/etc/main.cf <<EOC
compatibility_level = 3.6
queue_directory = $E2E_DIR/spool
data_directory = $E2E_DIR/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-postsale-$E2E_NAME
maillog_file = $E2E_DIR/postfix.log
maillog_file_prefixes = $E2E_DIR
myhostname = mail.example.com
mydomain = example.com
myorigin = example.com
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$E2E_SINK_PORT
virtual_mailbox_domains = customer.example, example.com, partner.example ${E2E_VIRTUAL_DOMAINS:-}
virtual_mailbox_base = $E2E_DIR/maildir
virtual_mailbox_maps = static:inbox/
virtual_uid_maps = static:$nobody_uid
virtual_gid_maps = static:$nobody_gid
virtual_minimum_uid = 1
alias_maps =
alias_database =
local_recipient_maps =
smtpd_milters = $milters
non_smtpd_milters = \$smtpd_milters
milter_default_action = $action
milter_protocol = 6
milter_connect_timeout = 5s
disable_mime_output_conversion = yes
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtpd_banner = \$myhostname ESMTP postsale-test
smtp_dns_support_level = disabled
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
default_process_limit = 50
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_message_rate_limit = 0
anvil_rate_time_unit = 60s
biff = no
EOC
	cat > "$E2E_DIR"/etc/master.cf <<EOC
127.0.0.1:$E2E_SMTP_PORT inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
${E2E_EXTRA_MASTER:-}
EOC
	if ! postfix -c "$E2E_DIR"/etc start >"$E2E_DIR"/postfix-start.log 2>&1; then
		cat "$E2E_DIR"/postfix-start.log >&2
		e2e_fail "the private Postfix did not start"
		exit 1
	fi
	E2E_POSTFIX_UP=1
	e2e_wait_port "$E2E_SMTP_PORT" 20 || { e2e_fail "Postfix does not listen on $E2E_SMTP_PORT"; exit 1; }
}

# e2e_postconf NAME=VALUE... - change the private instance's main.cf and reload it
e2e_postconf() {
	postconf -c "$E2E_DIR"/etc -e "$@" && postfix -c "$E2E_DIR"/etc reload >/dev/null 2>&1
}

# e2e_send FILE [swaks options] - submit FILE over SMTP from 127.0.0.1 (internal)
# Default envelope: alice@example.com to bob@customer.example. Prints swaks' last
# server reply; returns swaks' status.
e2e_send() {
	local file=$1
	shift
	swaks --server 127.0.0.1:"$E2E_SMTP_PORT" --from alice@example.com \
		--to bob@customer.example --data @"$file" --silent 2 "$@"
}

# e2e_maildir_count - how many messages the Maildir holds
e2e_maildir_count() {
	find "$E2E_DIR"/maildir -type f -path '*/new/*' 2>/dev/null | wc -l
}

# e2e_wait_maildir N [SECONDS] - wait until the Maildir holds N messages
e2e_wait_maildir() {
	local n=$1 tries=$((${2:-30} * 10))
	while [ "$(e2e_maildir_count)" -lt "$n" ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	[ "$(e2e_maildir_count)" -ge "$n" ]
}

# e2e_maildir_find PATTERN - the delivered message whose headers hold PATTERN
e2e_maildir_find() {
	local f
	for f in "$E2E_DIR"/maildir/inbox/new/*; do
		[ -f "$f" ] || continue
		if sed '/^$/q' "$f" | grep -qF -- "$1"; then
			echo "$f"
			return 0
		fi
	done
	return 1
}

# e2e_qid_of FILE - the queue id the private Postfix gave a delivered message
e2e_qid_of() {
	sed '/^$/q' "$1" | grep -m1 -o 'by mail.example.com (Postfix) with E\{0,1\}SMTPS\{0,1\}A\{0,1\} id [0-9A-Za-z]*' |
		sed 's/.* id //'
}

# e2e_queue_count - messages in the private instance's queue
e2e_queue_count() {
	postqueue -c "$E2E_DIR"/etc -j 2>/dev/null | wc -l
}

# e2e_milter_log_has TEXT - the milter logged TEXT
e2e_milter_log_has() {
	grep -qF -- "$1" "$E2E_MILTER_LOG"
}

# e2e_reload_milter [TEXT] - SIGHUP the milter and wait (10 s at most) until it logs a
# line with TEXT ("reloaded" by default; "reload failed" for a bad file) once more than
# before; 1 if it does not
e2e_reload_milter() {
	local text=${1:-reloaded} before tries=50
	before=$(grep -cF -- "$text" "$E2E_MILTER_LOG")
	kill -HUP "$E2E_MILTER_PID"
	while [ "$(grep -cF -- "$text" "$E2E_MILTER_LOG")" -le "$before" ]; do
		[ $tries -gt 0 ] || return 1
		sleep 0.2
		tries=$((tries - 1))
	done
}

# e2e_cleanup_dir - remove a previous run's directory
e2e_cleanup_dir() {
	if [ -d "${E2E_DIR:-}" ]; then
		postfix -c "$E2E_DIR"/etc stop >/dev/null 2>&1 || true
		rm -rf "$E2E_DIR"
	fi
}

# e2e_teardown - stop everything; print the tally; keep the directory on failure.
# E2E_CLEANUP holds the scenario's own clean-up commands (extra daemons to stop).
e2e_teardown() {
	local rc=$?
	[ -n "${E2E_CLEANUP:-}" ] && eval "$E2E_CLEANUP" >/dev/null 2>&1
	[ -n "${E2E_POSTFIX_UP:-}" ] && postfix -c "$E2E_DIR"/etc stop >/dev/null 2>&1
	e2e_stop_milter TERM
	[ -n "${E2E_SINK_PID:-}" ] && kill "$E2E_SINK_PID" 2>/dev/null && wait "$E2E_SINK_PID" 2>/dev/null
	[ "$rc" = 0 ] && [ "$E2E_FAILED" -gt 0 ] && rc=1
	if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		echo "--- $E2E_NAME failed; milter log:" >&2
		tail -n 40 "$E2E_MILTER_LOG" 2>/dev/null >&2
		echo "--- run directory kept: $E2E_DIR" >&2
	elif [ -z "$E2E_KEEP" ]; then
		rm -rf "$E2E_DIR"
	fi
	[ "$rc" != 77 ] && [ $((E2E_PASSED + E2E_FAILED)) -gt 0 ] &&
		echo "$E2E_NAME: $E2E_PASSED passed, $E2E_FAILED failed"
	exit "$rc"
}

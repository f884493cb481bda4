#!/bin/bash
# store-syscalls.sh - the system calls postsale-milter makes per invoice message, by
# kind and by the file they touch (the database, its -wal, its -shm, sockets, other),
# while the private Postfix carries STORE_SYSCALLS_COUNT clean invoices over
# STORE_SYSCALLS_SESSIONS parallel sessions (issue 15: the store's share of the kernel
# time). strace attaches to the running filter after start-up and a warm-up batch, so
# start-up and schema work are not counted. No throughput figures: strace slows every
# call it sees.
#
# Environment: top_srcdir, top_builddir, POSTSALE_CORPUS; E2E_MILTER_BIN runs another
# build (to compare two builds); STORE_SYSCALLS_KEEP=FILE keeps the raw trace.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}" "${top_builddir:=$top_srcdir}"
E2E_NAME=store-syscalls
. "${top_srcdir}/tests/e2e/lib.sh"
. "${top_srcdir}/tests/e2e/loadlib.sh"
COUNT=${STORE_SYSCALLS_COUNT:-300}
SESSIONS=${STORE_SYSCALLS_SESSIONS:-8}
command -v strace >/dev/null || e2e_skip "strace is not installed"
load_setup "log-level = info"

# a warm-up batch: connections opened, pages cached, the libmilter threads started
$LOAD send "$E2E_SMTP_PORT" "$XML" "$E2E_DIR/warm.json" --count 40 --sessions "$SESSIONS" \
	--prefix W --invoice-every 1 --flagged-every 0 >/dev/null
load_wait_queue

TRACE=$E2E_DIR/trace
strace -f -qq -y -o "$TRACE" -p "$E2E_MILTER_PID" &
STRACE_PID=$!
E2E_CLEANUP="kill -INT $STRACE_PID"
sleep 1
$LOAD send "$E2E_SMTP_PORT" "$XML" "$E2E_DIR/sent.json" --count "$COUNT" --sessions "$SESSIONS" \
	--prefix T --invoice-every 1 --flagged-every 0 >/dev/null
load_wait_queue
sleep 1
kill -INT "$STRACE_PID"
wait "$STRACE_PID" 2>/dev/null
E2E_CLEANUP=
[ -n "${STORE_SYSCALLS_KEEP:-}" ] && cp "$TRACE" "$STORE_SYSCALLS_KEEP"

recorded=$(sqlite3 "$DB" "SELECT count(*) FROM invoices WHERE message_id LIKE 'T-%'")
e2e_check "every traced invoice recorded ($recorded of $COUNT)" test "$recorded" = "$COUNT"
python3 - "$TRACE" "$COUNT" "$DB" <<'EOF'
import collections, re, sys

trace, count, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
call = re.compile(r'^\d+\s+([a-z_0-9]+)\((.*)$')	# a resumption is counted at its start
first_path = re.compile(r'<([^>]*)>|"([^"]*)"')


def target(rest):
    """the file a call's arguments name first: db, wal, shm, spool, socket or other"""
    m = first_path.search(rest)
    path = (m.group(1) or m.group(2)) if m else ""
    if path.startswith(db + "-unrecorded"):
        return "spool"
    if path.startswith(db):
        return {"": "db", "-wal": "wal", "-shm": "shm", "-journal": "journal"}.get(
            path[len(db):], "db?")
    if path.startswith(("TCP:", "UNIX:", "socket:", "TCPv6:")):
        return "socket"
    return "other"


by = collections.Counter()
apart = collections.Counter()		# the store's calls of threads that serve no session
talks = set()				# the threads that serve sessions (touch a socket)
calls = []
for line in open(trace, errors="replace"):
    m = call.match(line)
    if m:
        tid, t = line.split(None, 1)[0], target(m.group(2))
        calls.append((tid, t, m.group(1)))
        if t == "socket":
            talks.add(tid)
for tid, t, name in calls:
    by[(t, name)] += 1
    if tid not in talks and t in ("db", "wal", "shm", "journal", "db?"):
        apart[(t, name)] += 1
targets = collections.Counter()
for (t, n), c in by.items():
    targets[t] += c
print("    system calls per invoice message (%d messages), by file and call:" % count)
for t, tc in targets.most_common():
    calls = ", ".join("%s %.2f" % (n, c / count) for (tt, n), c in by.most_common() if tt == t)
    print("    %-7s %6.2f  (%s)" % (t, tc / count, calls))
store = sum(c for (t, n), c in by.items() if t in ("db", "wal", "shm", "journal", "db?"))
print("    the store's files: %.2f a message; all calls: %.2f" % (store / count,
      sum(by.values()) / count))
print("    of the store's, made by threads that serve no session: %.2f (%s)" % (
      sum(apart.values()) / count,
      ", ".join("%s %s %.2f" % (t, n, c / count) for (t, n), c in apart.most_common()) or "none"))
EOF

# shellcheck shell=sh
# cluster.sh - a private PostgreSQL cluster for the tests: initdb and pg_ctl of Debian's
# postgresql package under the build tree, a unix socket directory and a port of its
# own, no TCP, stopped on exit, also when the test fails. Never the package's cluster.
#
# Sourced: pg_cluster_start NAME starts the cluster tests/pg-NAME with a database
# "postsale", sets and exports POSTGRESQL_URI (and prints it), PG_CLUSTER_DIR and
# PG_CLUSTER_PORT, and stops the cluster on exit unless PG_CLUSTER_TRAP=no (a caller
# with an EXIT trap of its own then calls pg_cluster_stop in it). Called again, it
# starts another cluster (a standby for a failover); pg_cluster_stop stops them all. A
# missing server skips the test (exit 77). Paths have no spaces (the build tree's).
# Run: `sh cluster.sh stop|start` stops (immediate) or starts (when it is down) the
# cluster of PG_CLUSTER_DIR (exported by pg_cluster_start), for tests of an outage.
#
# Environment: top_builddir (set by make). As root the cluster runs as the postgres user
# (initdb refuses root); the build tree must then be reachable by it, or the cluster
# goes to a directory under TMPDIR. PG_BINDIR overrides the server binaries' directory.

PG_BINDIR=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

# pg_cluster_as_owner CMD... - run a command as the cluster's owner
pg_cluster_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		# from /: the caller's directory may be closed to postgres (paths are absolute)
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# pg_cluster_ctl start|stop - the server of PG_CLUSTER_DIR
pg_cluster_ctl() {
	case $1 in
	start)
		pg_cluster_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER_DIR/data" status >/dev/null 2>&1 ||
			pg_cluster_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER_DIR/data" \
				-l "$PG_CLUSTER_DIR/server.log" -w -t 30 start >/dev/null ;;
	stop)
		[ -f "$PG_CLUSTER_DIR/data/postmaster.pid" ] || return 0
		pg_cluster_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_CLUSTER_DIR/data" -m immediate \
			-w -t 30 stop >/dev/null ;;
	*)
		echo "cluster.sh: start or stop, not '$1'" >&2
		return 2 ;;
	esac
}

# pg_cluster_dir NAME - the cluster's directory: under the build tree when its owner
# reaches it there and the socket's path is short enough, else under TMPDIR
pg_cluster_dir() {
	dir=$PG_CLUSTER_BASE/tests/pg-$1
	mkdir -p "$dir" || return 1
	[ "$(id -u)" = 0 ] && chown postgres "$dir"
	if [ ${#dir} -gt 80 ] || ! pg_cluster_as_owner test -w "$dir" 2>/dev/null; then
		rmdir "$dir"
		dir=$(mktemp -d "${TMPDIR:-/tmp}/postsale-pg-$1.XXXXXX") || return 1
		chmod 755 "$dir"
		[ "$(id -u)" = 0 ] && chown postgres "$dir"
	fi
	echo "$dir"
}

# pg_cluster_start NAME - initdb, start, create the database; exports POSTGRESQL_URI
pg_cluster_start() {
	if [ ! -x "$PG_BINDIR/initdb" ] || [ ! -x "$PG_BINDIR/pg_ctl" ]; then
		echo "SKIP: no PostgreSQL server binaries (initdb, pg_ctl) under ${PG_BINDIR:-/usr/lib/postgresql/*/bin}; tests/setup-debian.sh installs the postgresql package" >&2
		exit 77
	fi
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "SKIP: no postgres user to run the private cluster as (initdb refuses root)" >&2
		exit 77
	fi
	PG_CLUSTER_BASE=$(cd "${top_builddir:-.}" && pwd)
	PG_CLUSTER_DIR=$PG_CLUSTER_BASE/tests/pg-$1
	pg_cluster_ctl stop 2>/dev/null	# a cluster a killed run left behind
	rm -rf "$PG_CLUSTER_DIR"
	PG_CLUSTER_DIR=$(pg_cluster_dir "$1") || { echo "cluster.sh: no directory for the cluster" >&2; exit 99; }
	export PG_CLUSTER_DIR PG_BINDIR
	[ -n "${PG_CLUSTERS:-}" ] || [ "${PG_CLUSTER_TRAP:-yes}" = no ] ||
		{ trap pg_cluster_stop EXIT; trap 'exit 130' INT TERM; }
	PG_CLUSTERS="${PG_CLUSTERS:-} $PG_CLUSTER_DIR"
	pg_cluster_as_owner mkdir -m 755 "$PG_CLUSTER_DIR/sock"
	# A port of its own: it only names the socket in the cluster's own directory.
	PG_CLUSTER_PORT=$((20000 + ($$ + ${#PG_CLUSTERS}) % 30000))
	if ! pg_cluster_as_owner "$PG_BINDIR/initdb" -D "$PG_CLUSTER_DIR/data" -U postgres \
	    --auth=trust -E UTF8 --locale=C.UTF-8 -N >"$PG_CLUSTER_DIR/initdb.log" 2>&1; then
		cat "$PG_CLUSTER_DIR/initdb.log" >&2
		echo "cluster.sh: initdb failed" >&2
		exit 99
	fi
	pg_cluster_as_owner sh -c "cat >>'$PG_CLUSTER_DIR/data/postgresql.conf'" <<-EOF
		# tests/pg/cluster.sh: private, unix socket only; no fsync (a stop -m immediate
		# keeps every commit: synchronous_commit stays on), fast rather than durable
		listen_addresses = ''
		port = $PG_CLUSTER_PORT
		unix_socket_directories = '$PG_CLUSTER_DIR/sock'
		fsync = off
		full_page_writes = off
		max_connections = 200
		log_min_messages = warning
	EOF
	if ! pg_cluster_ctl start; then
		cat "$PG_CLUSTER_DIR/server.log" >&2
		echo "cluster.sh: the server did not start" >&2
		exit 99
	fi
	if ! "$PG_BINDIR/createdb" -h "$PG_CLUSTER_DIR/sock" -p "$PG_CLUSTER_PORT" -U postgres postsale; then
		echo "cluster.sh: createdb failed" >&2
		exit 99
	fi
	POSTGRESQL_URI="postgresql://postgres@/postsale?host=$PG_CLUSTER_DIR/sock&port=$PG_CLUSTER_PORT"
	export POSTGRESQL_URI PG_CLUSTER_PORT
	echo "cluster.sh: $POSTGRESQL_URI"
}

# pg_cluster_stop - stop the servers at once and remove the clusters pg_cluster_start
# made (PG_KEEP=1 keeps them)
pg_cluster_stop() {
	for PG_CLUSTER_DIR in ${PG_CLUSTERS:-}; do
		pg_cluster_ctl stop || echo "cluster.sh: could not stop the server of $PG_CLUSTER_DIR" >&2
		[ -n "${PG_KEEP:-}" ] || rm -rf "$PG_CLUSTER_DIR"
	done
	PG_CLUSTERS=
}

# Run rather than sourced: one action on the cluster of PG_CLUSTER_DIR.
case ${0##*/} in
cluster.sh)
	[ -n "${PG_CLUSTER_DIR:-}" ] || { echo "cluster.sh: PG_CLUSTER_DIR is not set" >&2; exit 2; }
	pg_cluster_ctl "${1:-}" ;;
esac

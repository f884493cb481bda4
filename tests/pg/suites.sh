#!/bin/sh
# suites.sh - the unit suites that run against both engines, run here against a
# private PostgreSQL cluster (tests/pg/cluster.sh) as well as SQLite: the driver
# contract (check_db, which also stops, starts and freezes the cluster to see outages
# end within the timeout and the driver reconnect, and fails over to a second cluster)
# and store_copy (check_store_copy), and the store's suites (check_store,
# check_store_exit, check_store_invoice, check_store_journey, check_store_reply,
# check_store_console, check_digest, and check_web for the console's privileged side's
# store: their cases that are SQLite's only, a file's lock,
# modes or header, a trigger, a query plan, files of earlier releases, run only without
# POSTGRESQL_URI and are named on stderr). Each suite on its own runs against SQLite only.
set -u
. "$top_srcdir/tests/pg/cluster.sh"
# a second cluster first: the one check_db's failover goes to
pg_cluster_start suites_standby
PG_STANDBY_DIR=$PG_CLUSTER_DIR PG_STANDBY_PORT=$PG_CLUSTER_PORT
export PG_STANDBY_DIR PG_STANDBY_PORT
pg_cluster_start suites
PG_CLUSTER_CTL="sh $top_srcdir/tests/pg/cluster.sh"
export PG_CLUSTER_CTL
rc=0
for suite in check_db check_store_copy check_store check_store_exit check_store_invoice \
    check_store_journey check_store_reply check_store_console check_digest check_web; do
	echo "== $suite"
	"$top_builddir/tests/unit/$suite" || rc=1
done
exit $rc

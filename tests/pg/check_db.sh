#!/bin/sh
# check_db.sh - the driver contract's suite (tests/unit/check_db) against SQLite and a
# private PostgreSQL cluster (tests/pg/cluster.sh), which the suite also stops, starts
# and freezes to see outages end within the timeout and the driver reconnect, and a
# second one that a failover goes to.
set -u
. "$top_srcdir/tests/pg/cluster.sh"
# a second cluster first: the one a failover goes to
pg_cluster_start check_db_standby
PG_STANDBY_DIR=$PG_CLUSTER_DIR PG_STANDBY_PORT=$PG_CLUSTER_PORT
export PG_STANDBY_DIR PG_STANDBY_PORT
pg_cluster_start check_db
PG_CLUSTER_CTL="sh $top_srcdir/tests/pg/cluster.sh"
export PG_CLUSTER_CTL
"$top_builddir/tests/unit/check_db"
rc=$?
exit $rc

#!/bin/sh
# check_db.sh - the driver contract's suite (tests/unit/check_db) against SQLite and a
# private PostgreSQL cluster (tests/pg/cluster.sh), which the suite also stops, starts
# and freezes to see outages end within the timeout and the driver reconnect.
set -u
. "$top_srcdir/tests/pg/cluster.sh"
pg_cluster_start check_db
PG_CLUSTER_CTL="sh $top_srcdir/tests/pg/cluster.sh"
export PG_CLUSTER_CTL
"$top_builddir/tests/unit/check_db"
rc=$?
exit $rc

#!/bin/sh
# The nightly sync: extract every source, transform, load. Each stage picks
# up the run the previous one left (including an interrupted one), so the
# job can simply be started again after any failure.
# Exit status: non-zero when any stage failed; the log says which.
set -u
CONF=${TTHC_CONFIG:-/etc/tthc/tthc.conf}
BIN=${TTHC_BIN:-/usr/local/bin}
FMT=${TTHC_LOG_FORMAT:-json}
rc=0
"$BIN/tthc-extract" -c "$CONF" --log-format="$FMT" >/dev/null || rc=1
# A partly failed extract still lands what it could: transform and load it.
"$BIN/tthc-transform" -c "$CONF" --log-format="$FMT" || rc=1
"$BIN/tthc-load" -c "$CONF" --log-format="$FMT" || rc=1
exit $rc

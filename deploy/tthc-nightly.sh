#!/bin/sh
# The nightly sync: tthc-sync extracts every source and commune, transforms
# and loads under one run id, with the state directory and the warehouse
# locked (a second sync started meanwhile stops at once, naming the first).
# Runs an interrupted sync left are finished first, so the job can simply be
# started again after any failure. Loaded runs older than [state] keep_days
# are removed after a successful night.
# Exit status: tthc-sync's own —
#   0 success; 1 partial (some windows held: the rest is loaded, the held
#   ones are read again next night; see tthc.run_window); 2 usage;
#   3 failure (nothing loaded; the log says why).
# `make install` writes its BINDIR into the default below.
set -u
CONF=${TTHC_CONFIG:-/etc/tthc/tthc.conf}
BIN=${TTHC_BIN:-/usr/local/bin}
FMT=${TTHC_LOG_FORMAT:-json}
exec "$BIN/tthc-sync" -c "$CONF" --log-format="$FMT"

#!/bin/bash
# Runs every tests/integration/test_*.sh (each starts its own PostgreSQL
# cluster and simulators) and prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
names=""
for t in tests/integration/test_*.sh; do
  name=$(basename "$t" .sh)
  log=$(mktemp)
  # a hung test fails after 15 minutes instead of stalling the run
  if timeout 900 bash "$t" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "  PASS  $name ($(grep -c '^ok - ' "$log") checks)"
  else
    failed=$((failed + 1))
    names="$names $name"
    echo "  FAIL  $name"
    sed 's/^/        /' "$log"
  fi
  rm -f "$log"
done
echo "integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || { echo "failed:$names"; exit 1; }

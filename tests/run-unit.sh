#!/bin/sh
# Runs every CUnit suite given as an argument; prints each suite's result
# and a closing "N passed, N failed" line; exits non-zero on any failure.
set -u
passed=0
failed=0
failed_names=""
for t in "$@"; do
  name=$(basename "$t")
  if out=$("$t" 2>&1); then
    passed=$((passed + 1))
    printf '  PASS  %s\n' "$name"
  else
    failed=$((failed + 1))
    failed_names="$failed_names $name"
    printf '  FAIL  %s\n' "$name"
    printf '%s\n' "$out" | sed 's/^/        /'
  fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || { echo "failed suites:$failed_names"; exit 1; }

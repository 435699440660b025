#!/bin/bash
# Runs each libFuzzer harness for SECONDS on its corpus (DIR/corpus/NAME,
# grown from the simulator seeds in DIR/seeds/NAME) and prints the
# executions per harness. A crash, leak, timeout or sanitizer finding fails
# the run; the input is kept as DIR/crashes/NAME-*, to become a regression
# test (tests/test_<module>.c).
#
#   tests/fuzz/run.sh SECONDS DIR HARNESS...
set -u
secs=$1 dir=$2
shift 2
failed=0
mkdir -p "$dir/crashes"
for h in "$@"; do
  name=$(basename "$h")
  name=${name#fuzz_}
  mkdir -p "$dir/corpus/$name"
  log=$dir/$name.log
  "$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1 -artifact_prefix="$dir/crashes/$name-" \
    "$dir/corpus/$name" "$dir/seeds/$name" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$log" | tail -1)
  cov=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    printf '  fuzz  %-16s %10s executions in %ss (corpus %s inputs)\n' "$name" "${runs:-${cov:-?}}" \
      "$secs" "$(find "$dir/corpus/$name" -type f | wc -l)"
  else
    failed=1
    printf '  FUZZ  %-16s found a failure (exit %s):\n' "$name" "$rc"
    grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$log" | head -8 | sed 's/^/        /'
  fi
done
exit $failed

#!/bin/bash
# Seed corpora for the fuzz harnesses, generated from the simulators (never
# pasted): each kind is started in a few representations and with the
# faults that change a page's shape, asked for its first pages over HTTP as
# the extractor asks, and the answers written as seeds; the dates and codes
# found in them seed the date parsers and the code normaliser.
#
#   tests/fuzz/seeds.sh SIM_BINARY OUT_DIR
set -eu
SIM=$1
OUT=$2
mkdir -p "$OUT"/{city_parse,portal_parse,ministry_parse,scan_page,timeutil,codes}
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null || true; done' EXIT
GEN=(--seed 5 --communes 11002 --from 2026-04-01 --to 2026-04-10 --as-of 2026-04-11T00:00:00
     --per-day 6)
N=0
# Small pages (5 records) run many times faster under the sanitizers; the
# scan seeds' first byte selects the adapter and this page size
# (fuzz_scan_page.c: kind = b % 3, page size = 1 + b / 3 % 100).
SIZE=5
KIND_BYTE=$(( 3 * (SIZE - 1) ))

# start KIND ARGS...: a simulator; its port in PORT.
start() {
  local out
  out=$(mktemp)
  "$SIM" --kind "$@" "${GEN[@]}" --bind 127.0.0.1 --port 0 >"$out" 2>/dev/null &
  PIDS="$PIDS $!"
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's/^PORT //p' "$out")
    [ -n "$PORT" ] && break
    sleep 0.05
  done
  rm -f "$out"
  [ -n "$PORT" ]
}

# seed HARNESS FILE KIND_BYTE: a page as a seed of its parser and of the scan.
seed() {
  N=$((N + 1))
  cp "$2" "$OUT/$1/sim-$N"
  { printf "\\$(printf %03o "$3")"; cat "$2"; } >"$OUT/scan_page/sim-$N"
}

portal() {
  local base=http://127.0.0.1:$PORT s page
  s=$(curl -sf -H 'dstcode: 000.00.00.H31' -d '{"username":"demo","password":"demo-secret"}' \
    "$base/api/auth" | sed -n 's/.*"session":"\([^"]*\)".*/\1/p')
  for page in 1 2 3; do
    curl -sf -d "{\"session\":\"$s\",\"service\":\"LayDanhSachHoSo\",\"MaXa\":\"11002\",\"pageIndex\":$page,\"pageSize\":$SIZE}" \
      "$base/api/integration" >"$OUT/page" || return 0
    seed portal_parse "$OUT/page" $((KIND_BYTE + 0))
  done
}

city() {
  local base=http://127.0.0.1:$PORT t page
  t=$(curl -sf -u demo:demo-secret -d grant_type=client_credentials "$base/token" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
  for page in 1 2 3; do
    curl -sf -H "Authorization: Bearer $t" \
      "$base/tthc/v1/hoso?maxa=11002&trang=$page&sobanghi=$SIZE" >"$OUT/page" || return 0
    seed city_parse "$OUT/page" $((KIND_BYTE + 1))
  done
}

ministry() {
  local base=http://127.0.0.1:$PORT cursor="" k
  for k in 1 2 3; do
    curl -sf -H 'X-API-Key: demo-secret' \
      "$base/api/v2/ho-so?maDonVi=11002&limit=$SIZE${cursor:+&cursor=$cursor}" >"$OUT/page" || return 0
    seed ministry_parse "$OUT/page" $((KIND_BYTE + 2))
    cursor=$(sed -n 's/.*"nextCursor":"\([^"]*\)".*/\1/p' "$OUT/page")
    [ -n "$cursor" ] || break
  done
}

for variant in "" "--repr-seed 3" "--repr-seed 11" "--fault malformed:0.3"; do
  for kind in portal city ministry; do
    # shellcheck disable=SC2086
    start "$kind" $variant && "$kind"
  done
done
for fault in windows-1258 ncr doctype endless; do start city --fault "$fault:1" && city; done
for fault in numeric-code error-1 endless; do start portal --fault "$fault:1" && portal; done
start ministry --fault sync-error:1 && ministry
rm -f "$OUT/page"

# Dates and codes as the pages hold them.
cat "$OUT"/{city_parse,portal_parse,ministry_parse}/* |
  grep -aoE '[0-9]{14}|[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}' | sort -u | head -40 |
  while IFS= read -r v; do N=$((N + 1)); printf '%s' "$v" >"$OUT/timeutil/sim-$N"; done
printf '2026-04-11T00:00:00+07:00' >"$OUT/timeutil/iso"
printf '2026-04-01' >"$OUT/timeutil/date"
cat "$OUT"/{city_parse,portal_parse,ministry_parse}/* |
  grep -aoE '("(MaHoSo|MaHoSoQuocGia|maHoSoLT|maHoSoMCDT|MaTTHC)":"[^"]*"|<MaHoSo>[^<]*<)' |
  sed -E 's/^"[A-Za-z]+":"//; s/"$//; s/^<MaHoSo>//; s/<$//' | sort -u | head -60 |
  while IFS= read -r v; do N=$((N + 1)); printf '%s' "$v" >"$OUT/codes/sim-$N"; done
for d in "$OUT"/*/; do
  [ -n "$(ls -A "$d")" ] || { echo "seeds: no seed for $(basename "$d")" >&2; exit 1; }
done
echo "seeds: $(find "$OUT" -type f | wc -l) seeds from the simulators in $OUT"

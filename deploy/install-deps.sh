#!/bin/sh
# Installs the Debian 12 packages tthc-etl needs to build, test and run the
# demo, when missing. Idempotent; says what it installs.
#   deploy/install-deps.sh          install what is missing (needs root or sudo)
#   deploy/install-deps.sh --check  exit 1 if anything is missing, install nothing
#   deploy/install-deps.sh --fuzz   also clang, for the libFuzzer harnesses (make fuzz)
#   deploy/install-deps.sh --test   also what the report test reads the files with:
#                                   python3 (the .xlsx read back by a reader that is not
#                                   the writer) and chromium (the HTML rendered headless)
#   deploy/install-deps.sh --bench  also python3-psycopg2 (the Python peer of make bench)
#                                   and GNU time (peak memory)
# Options combine: --fuzz --test --check.
set -eu

PACKAGES="build-essential pkg-config ca-certificates
libcurl4-openssl-dev libssl-dev libxml2-dev libcjson-dev libpq-dev libcunit1-dev
libmicrohttpd-dev libinih-dev libxlsxwriter-dev
postgresql postgresql-client
curl openssl"
check_only=0
for arg in "$@"; do
  case "$arg" in
    --fuzz) PACKAGES="$PACKAGES clang" ;;
    --test) PACKAGES="$PACKAGES python3 chromium" ;;
    --bench) PACKAGES="$PACKAGES python3 python3-psycopg2 time" ;;
    --check) check_only=1 ;;
    *) echo "install-deps: unknown option '$arg' (--fuzz, --test, --bench, --check)" >&2; exit 2 ;;
  esac
done

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ "$check_only" -eq 1 ]; then
  [ -z "$missing" ] && exit 0
  echo "missing packages:$missing" >&2
  exit 1
fi

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-deps: need root (or sudo) to install:$missing" >&2
    exit 1
  fi
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
# The demo and tests run their own throwaway clusters; the packaged
# cluster that postgresql-common may have created is left as it is.
echo "install-deps: done"

#!/bin/bash
# TLS (issue 10.3): the portal simulator serves HTTPS with a certificate
# from a throwaway CA made here with the openssl CLI.
#  - without the CA the extractor refuses the server at once, with a message
#    that names the ca_file key (a certificate problem is not transient:
#    it was retried for 30 minutes);
#  - a certificate for another host name is refused the same way, CA or not;
#  - a ca_file that is not a certificate is refused the same way;
#  - with ca_file = the CA, or SSL_CERT_FILE / CURL_CA_BUNDLE naming it,
#    the pull completes.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg
command -v openssl >/dev/null || { echo "openssl is missing (deploy/install-deps.sh)"; exit 1; }

# --- a CA, a certificate for 127.0.0.1 and one for another name -------------
pki=$TMP/pki
mkdir -p "$pki"
(
  cd "$pki" || exit 1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tthc test CA" \
    -keyout ca.key -out ca.pem
  for n in good other; do
    if [ $n = good ]; then san="IP:127.0.0.1,DNS:localhost"; else san="DNS:other.example.vn"; fi
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$n" -keyout $n.key -out $n.csr
    printf 'subjectAltName=%s\n' "$san" >$n.ext
    openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
      -extfile $n.ext -out $n.pem
  done
  echo "not a certificate" >junk.pem
) >"$TMP/pki.log" 2>&1 || { cat "$TMP/pki.log"; echo "could not make the test PKI"; exit 1; }

GEN=(--seed 3 --communes 11002 --from 2026-04-01 --to 2026-04-30 --as-of 2026-05-02T00:00:00
     --per-day 4)
harness_start_sim P_GOOD --kind portal "${GEN[@]}" --tls-cert "$pki/good.pem" --tls-key "$pki/good.key"
harness_start_sim P_OTHER --kind portal "${GEN[@]}" --tls-cert "$pki/other.pem" --tls-key "$pki/other.key"
"$TTHC_BIN/tthc-sim" --kind portal "${GEN[@]}" --truth-only --truth-counts "$TMP/counts.tsv" \
  2>/dev/null || { echo "no truth counts"; exit 1; }
served=$(tail -n +2 "$TMP/counts.tsv" | cut -f2)

# conf NAME PORT extra lines...: one https source, its own state dir.
conf() {
  local name=$1 port=$2
  shift 2
  harness_write_config "$TMP/$name.conf" "$name" portal "$port" 11002 "$@"
  sed -i -e "s|^dir = .*|dir = $TMP/state-$name|" \
    -e "s|^base_url = http://|base_url = https://|" "$TMP/$name.conf"
}

# extract NAME [env...]: runs the extraction; sets rc, took (s), log.
extract() {
  local name=$1 start
  shift
  log=$TMP/$name.log
  start=$(date +%s)
  env -u SSL_CERT_FILE -u CURL_CA_BUNDLE "$@" "$TTHC_BIN/tthc-extract" -c "$TMP/$name.conf" \
    >/dev/null 2>"$log"
  rc=$?
  took=$(( $(date +%s) - start ))
}

landed() {
  cat "$TMP"/state-"$1"/runs/*/landing/"$1"/11002/manifest.jsonl 2>/dev/null |
    sed 's/.*"records":\([0-9]*\).*/\1/' | awk '{ s += $1 } END { print s + 0 }'
}

# refused NAME WHAT: the extraction failed fast, for a certificate reason,
# with the hint, and never retried.
refused() {
  [ "$rc" -eq 1 ] && [ "$took" -le 10 ] && ok "$2: refused in $took s (exit $rc)" ||
    not_ok "$2: exit $rc after $took s"
  grep -q "TLS certificate not accepted" "$log" && grep -q "ca_file" "$log" &&
    ok "$2: the message says it is the certificate and names ca_file" ||
    { not_ok "$2: unclear message"; sed 's/^/    /' "$log"; }
  grep -q "retrying" "$log" && not_ok "$2: a certificate failure was retried" ||
    ok "$2: not retried"
  assert_eq 0 "$(landed "$1")" "$2: nothing landed"
}

conf noca "$P_GOOD"
extract noca
refused noca "no CA given"

conf other "$P_OTHER" "ca_file = $pki/ca.pem"
extract other
refused other "certificate for another host name"

conf junk "$P_GOOD" "ca_file = $pki/junk.pem"
extract junk
refused junk "ca_file that is not a certificate"

conf cafile "$P_GOOD" "ca_file = $pki/ca.pem"
extract cafile
assert_eq 0 "$rc" "ca_file = the CA: the pull completes"
assert_eq "$served" "$(landed cafile)" "ca_file = the CA: every record landed over https"

conf envfile "$P_GOOD"
extract envfile SSL_CERT_FILE="$pki/ca.pem"
assert_eq 0 "$rc" "SSL_CERT_FILE = the CA: the pull completes"
assert_eq "$served" "$(landed envfile)" "SSL_CERT_FILE = the CA: every record landed"

conf envbundle "$P_GOOD"
extract envbundle CURL_CA_BUNDLE="$pki/ca.pem"
assert_eq 0 "$rc" "CURL_CA_BUNDLE = the CA: the pull completes"

# ca_file wins over the environment.
conf both "$P_GOOD" "ca_file = $pki/junk.pem"
extract both SSL_CERT_FILE="$pki/ca.pem"
assert_eq 1 "$rc" "ca_file is used even when SSL_CERT_FILE is set"
harness_done

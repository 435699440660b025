#!/bin/bash
# A password written into [warehouse] conninfo (issue 10.8) was used
# silently, from a configuration file that is no secret. tthc-load now
# refuses it before connecting, says why and where the password goes; the
# same connection string in a conninfo_file (mode 0600) is accepted.
set -u
. "$(dirname "$0")/../lib/harness.sh"
harness_init
harness_start_pg

harness_write_config "$TMP/inline.conf" p portal 1 11002
sed -i "s|^conninfo = .*|& password=s3cret|" "$TMP/inline.conf"
grep -q "password=s3cret" "$TMP/inline.conf" || { echo "no password written"; exit 1; }
"$TTHC_BIN/tthc-load" -c "$TMP/inline.conf" --migrate >"$TMP/inline.log" 2>&1
rc=$?
assert_eq 1 "$rc" "a password in conninfo: tthc-load refuses (exit 1)"
grep -q "error: \[warehouse\] conninfo in \"$TMP/inline.conf\" holds a password" "$TMP/inline.log" &&
  grep -q "^HINT: .*PGPASSFILE.*conninfo_file" "$TMP/inline.log" &&
  ok "the refusal names the key and where the password goes" ||
  { not_ok "no clear refusal"; sed 's/^/    /' "$TMP/inline.log"; }
grep -q "s3cret" "$TMP/inline.log" && not_ok "the password was printed" || ok "the password is not printed"
grep -q "schema up to date" "$TMP/inline.log" && not_ok "it connected anyway" || ok "it did not connect"

# The same string in a secret file is fine (the password is then wrong for
# this trust-authenticated cluster, which ignores it).
grep '^conninfo = ' "$TMP/inline.conf" | sed 's/^conninfo = //' >"$TMP/conninfo"
chmod 0600 "$TMP/conninfo"
sed "s|^conninfo = .*|conninfo_file = $TMP/conninfo|" "$TMP/inline.conf" >"$TMP/file.conf"
assert_cmd "the same conninfo in a conninfo_file (0600) is accepted" \
  "$TTHC_BIN/tthc-load" -c "$TMP/file.conf" --migrate
harness_done

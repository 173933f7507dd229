#!/usr/bin/env bash
# Runs README.md's walkthrough (the sh blocks between the walkthrough markers) exactly as
# written, against a gateway started the way the README says, in a fresh data directory.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then kill -TERM "$gateway_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
# The README's commands run from the repository root, where tests/corpus is.
ln -s "$repo/tests" "$work/tests"

cargo build --quiet --manifest-path "$repo/Cargo.toml" --bin einvoice-gateway
EINVOICE_LISTEN=127.0.0.1:0 EINVOICE_DATA_DIR="$work/data" \
  "${CARGO_TARGET_DIR:-$repo/target}/debug/einvoice-gateway" > gateway.out 2> gateway.log &
gateway_pid=$!
for _ in $(seq 1 100); do
  grep -q '^einvoice-gateway listening on ' gateway.out && break
  sleep 0.1
done
GW=$(sed -n 's/^einvoice-gateway listening on //p' gateway.out)
KEY=$(sed -n 's/^partner key: //p' gateway.out)
SECRET=$(sed -n 's/^signing secret: //p' gateway.out)
[ -n "$GW" ] && [ -n "$KEY" ] && [ -n "$SECRET" ] || { echo "walkthrough: the gateway did not start"; cat gateway.out gateway.log; exit 1; }
export GW KEY SECRET

python3 - "$repo/README.md" > walkthrough.sh <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("<!-- walkthrough:start")[1].split("<!-- walkthrough:end -->")[0]
blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
assert len(blocks) >= 5, "the walkthrough lost its commands"
print("\n".join(blocks))
PY
bash -euo pipefail walkthrough.sh > walkthrough.out

expect() {
  grep -q -- "$1" walkthrough.out || { echo "walkthrough: expected to see $1"; cat walkthrough.out; exit 1; }
}
expect 'Bearer 300 sandbox'
expect '"tenantCode": "KUNDE-GMBH"'
expect '"9938:LU26375245"'
expect '"signingSecret": "eig_secret_'
expect '"9925:BE0123456749"'
expect '"totalElements": 2'
expect '"companyName": "Kunde Belgium SA"'
expect 'UBL_PEPPOL_BIS_3 PEPPOL QUEUED_FOR_VALIDATION'
expect '"status": "QUEUED_FOR_VALIDATION"'
expect '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'
expect '"code": "BR-CL-04"'
expect '"pointer": "/data/attributes/currency"'
# The refused document is the walkthrough's only error.
if [ "$(grep -c '"errors"' walkthrough.out)" != 1 ]; then echo "walkthrough: an unexpected error came back"; cat walkthrough.out; exit 1; fi

kill -TERM "$gateway_pid"
wait "$gateway_pid" || { echo "walkthrough: the gateway did not shut down cleanly"; cat gateway.log; exit 1; }
gateway_pid=""
echo "walkthrough: README walkthrough passed ($(grep -c . walkthrough.out) lines of output)"

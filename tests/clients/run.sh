#!/usr/bin/env bash
# Runs seed 004's Python and Node.js clients (python/client.py, node/client.mjs: the
# seed's code, changed only where marked CHANGED) against a real gateway: starts the
# gateway in a fresh data directory, provisions the seller's tenant (its VAT number gives
# it the seller's legal entity) and an API key that requires signatures, then lets each
# client submit the seed's invoice to POST /api/v1/documents/business-documents, signed
# with X-Bizzlink-Signature over method, path and body hash, and checks the documents
# exist. The seed's invoice is sent as published once too: it is refused for its
# identifiers' check digits (422), never for its signature.
#
# Needs: cargo, curl, node (18+), and PYTHON (default python3) with `requests`
# (tests/clients/python/requirements.txt).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python3}
work=$(mktemp -d)
gateway_pid=""
cleanup() {
  if [ -n "$gateway_pid" ] && kill -0 "$gateway_pid" 2>/dev/null; then kill -TERM "$gateway_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

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
[ -n "$GW" ] && [ -n "$KEY" ] && [ -n "$SECRET" ] || { echo "clients: the gateway did not start"; cat gateway.out gateway.log; exit 1; }

json() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }

# Provision: the partner's access token, the seller's tenant (LU VAT number: its default
# legal entity is 9938:LU15027442, the seller of seed-invoice.json), and its API key.
curl -sf -X POST "$GW/api/v1/auth/token" -H "Content-Type: application/json" \
  -d "{\"data\":{\"type\":\"tokens\",\"attributes\":{\"apiKey\":\"$KEY\",\"apiSecret\":\"$SECRET\"}}}" > token.json
TOKEN=$(json token.json '["data"]["attributes"]["accessToken"]')
curl -sf -X POST "$GW/api/v1/tenants" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"data":{"type":"tenants","attributes":{"companyName":"Vigasoft","addressStreet":"9, rue Marcel Schintgen",
       "addressPostalCode":"L-4889","addressCity":"Lamadelaine","addressCountry":"LU",
       "contactEmail":"it@vigasoft.test","billingModel":"FLOW","vatNumber":"LU15027442"}}}' > tenant.json
TENANT=$(json tenant.json '["data"]["id"]')
curl -sf -X POST "$GW/api/v1/tenants/$TENANT/api-keys" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
  -d '{"data":{"type":"api-keys","attributes":{"name":"seed 004 clients"}}}' > key.json
[ "$(json key.json '["data"]["attributes"]["signingRequired"]')" = "True" ] || { echo "clients: the key does not require signing"; exit 1; }

export EINVOICE_API_BASE="$GW"
export BIZZLINK_API_TOKEN; BIZZLINK_API_TOKEN=$(json key.json '["data"]["attributes"]["key"]')
export BIZZLINK_HMAC_SECRET; BIZZLINK_HMAC_SECRET=$(json key.json '["data"]["attributes"]["signingSecret"]')
export CLIENT_PATH_AND_QUERY=/api/v1/documents/business-documents

# The seed's invoice as published: signed correctly, refused for its sample identifiers.
if "$python" "$repo/tests/clients/python/client.py" > published.out; then
  echo "clients: the seed's invoice with invalid identifiers was accepted"; cat published.out; exit 1
fi
grep -q "invalid_participant_id" published.out || { echo "clients: unexpected refusal"; cat published.out; exit 1; }
if grep -q "signature_" published.out; then echo "clients: signature refused"; cat published.out; exit 1; fi

# The same invoice with valid identifiers, from each client.
CLIENT_BODY_FILE="$repo/tests/clients/seed-invoice.json" "$python" "$repo/tests/clients/python/client.py" | tee python.out
CLIENT_BODY_FILE="$repo/tests/clients/seed-invoice.json" node "$repo/tests/clients/node/client.mjs" | tee node.out

# Both documents exist (listed with the tenant's access token).
curl -sf -X POST "$GW/api/v1/auth/token" -H "Content-Type: application/json" \
  -d "{\"data\":{\"type\":\"tokens\",\"attributes\":{\"apiKey\":\"$BIZZLINK_API_TOKEN\",\"apiSecret\":\"$BIZZLINK_HMAC_SECRET\"}}}" > tenant-token.json
TENANT_TOKEN=$(json tenant-token.json '["data"]["attributes"]["accessToken"]')
curl -sf "$GW/api/v1/documents" -H "Authorization: Bearer $TENANT_TOKEN" > documents.json
count=$(json documents.json '["meta"]["totalElements"]')
[ "$count" = "2" ] || { echo "clients: expected 2 documents, found $count"; cat documents.json; exit 1; }

# An unsigned request with the key is refused: the clients' signatures are what let them in.
status=$(curl -s -o /dev/null -w '%{http_code}' "$GW/api/v1/documents" -H "Authorization: Bearer $BIZZLINK_API_TOKEN")
[ "$status" = "401" ] || { echo "clients: an unsigned request was answered $status"; exit 1; }

kill -TERM "$gateway_pid"
wait "$gateway_pid" || { echo "clients: the gateway did not shut down cleanly"; cat gateway.log; exit 1; }
gateway_pid=""
echo "clients: seed 004 Python and Node.js clients submitted the seed invoice (signed with X-Bizzlink-Signature)"

# Seed 004's Python client ("Code" section of the BusinessDocument endpoint), kept as
# published except for the lines marked CHANGED:
#   - CHANGED (base URL): API_BASE comes from EINVOICE_API_BASE (the seed's hosted URL
#     when unset).
#   - the token and secret are read from BIZZLINK_API_TOKEN and BIZZLINK_HMAC_SECRET,
#     as in the seed; tests/clients/run.sh sets them to a gateway key and its signing
#     secret.
#   - CHANGED (base path): CLIENT_PATH_AND_QUERY, when set, replaces the path: the
#     gateway serves /api/v1/..., the seed's host /bizzlink/api/v1/....
#   - CHANGED (document content): CLIENT_BODY_FILE, when set, replaces the invoice:
#     the seed's sample seller and buyer identifiers fail their check digits
#     (9938:LU12345678, 9925:BE0123456789) and the gateway refuses them with 422;
#     tests/clients/seed-invoice.json is the same invoice with valid ones.
#   - CHANGED (verdict for CI): exit 1 when the gateway answers an error status.
import hashlib
import hmac
import json
import os
import time
import requests

API_BASE       = os.environ.get("EINVOICE_API_BASE", "https://gateway.vigasoft.lu")  # CHANGED (base URL)
PATH_AND_QUERY = os.environ.get("CLIENT_PATH_AND_QUERY", "/bizzlink/api/v1/documents/business-documents")  # CHANGED (base path)
API_TOKEN      = os.environ["BIZZLINK_API_TOKEN"]
HMAC_SECRET    = os.environ["BIZZLINK_HMAC_SECRET"]

invoice = {
    "data": {
        "type": "business-documents",
        "attributes": {
            "@type": "InvoiceDocument",
            "documentId": "INV-2026-00042",
            "issueDate":  "2026-05-05",
            "typeCode":   "COMMERCIAL_INVOICE",
            "currency":   "EUR",
            "dueDate":    "2026-06-04",
            "buyerReference":    "PO-7788",
            "paymentTermsText":  "Net 30 days",
            "seller": {
                "name":  "Vigasoft S.à r.l.-S.",
                "vatId": "LU12345678",
                "electronicAddress":         "LU12345678",
                "electronicAddressSchemeId": "9938",
                "address": {
                    "street1": "9, rue Marcel Schintgen",
                    "city":    "Lamadelaine",
                    "postCode":    "L-4889",
                    "countryCode": "LU",
                },
            },
            "buyer": {
                "name":  "ACME Belgium SA",
                "vatId": "BE0123456789",
                "electronicAddress":         "BE0123456789",
                "electronicAddressSchemeId": "9925",
                "address": {
                    "street1": "Avenue Louise 100",
                    "city":    "Bruxelles",
                    "postCode": "1050",
                    "countryCode": "BE",
                },
            },
            "payment": {
                "paymentMeansCode":      "SEPA_CREDIT_TRANSFER",
                "remittanceInformation": "INV-2026-00042",
                "accounts": [
                    {"iban": "LU000000000000000000", "bic": "BCEELULL", "accountName": "Vigasoft"},
                ],
            },
            "taxBreakdown": [{
                "categoryCode": "S",
                "rate":         21.00,
                "taxableAmount": {"amount": 1000.00, "currency": "EUR"},
            }],
            "lines": [{
                "id":       "1",
                "quantity": 10,
                "unitCode": "C62",
                "netUnitPrice":    {"amount": 100.00, "currency": "EUR"},
                "vatCategoryCode": "S",
                "vatRate":         21.00,
                "itemName":        "Widget",
            }],
        },
    },
}

if "CLIENT_BODY_FILE" in os.environ:  # CHANGED (document content)
    with open(os.environ["CLIENT_BODY_FILE"], encoding="utf-8") as replacement:
        invoice = json.load(replacement)

# Serialize once — same bytes are hashed and sent
body = json.dumps(invoice, separators=(",", ":")).encode()

timestamp = int(time.time())
body_hash = hashlib.sha256(body).hexdigest()
payload   = f"{timestamp}.POST.{PATH_AND_QUERY}.{body_hash}".encode()
signature = hmac.new(HMAC_SECRET.encode(), payload, hashlib.sha256).hexdigest()

response = requests.post(
    f"{API_BASE}{PATH_AND_QUERY}",
    headers={
        "Content-Type":         "application/json",
        "Authorization":        f"Bearer {API_TOKEN}",
        "X-Bizzlink-Signature": f"t={timestamp},v1={signature}",
    },
    data=body,
)
print(response.json())
if response.status_code >= 400:  # CHANGED (verdict for CI)
    raise SystemExit(f"HTTP {response.status_code}")

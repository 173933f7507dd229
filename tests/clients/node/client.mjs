// Seed 004's Node.js client ("Code" section of the BusinessDocument endpoint), kept as
// published except for the lines marked CHANGED:
//   - CHANGED (base URL): API_BASE comes from EINVOICE_API_BASE (the seed's hosted URL
//     when unset).
//   - the token and secret are read from BIZZLINK_API_TOKEN and BIZZLINK_HMAC_SECRET,
//     as in the seed; tests/clients/run.sh sets them to a gateway key and its signing
//     secret.
//   - CHANGED (base path): CLIENT_PATH_AND_QUERY, when set, replaces the path: the
//     gateway serves /api/v1/..., the seed's host /bizzlink/api/v1/....
//   - CHANGED (document content): CLIENT_BODY_FILE, when set, replaces the invoice:
//     the seed's sample seller and buyer identifiers fail their check digits
//     (9938:LU12345678, 9925:BE0123456789) and the gateway refuses them with 422;
//     tests/clients/seed-invoice.json is the same invoice with valid ones.
//   - CHANGED (verdict for CI): exit 1 when the gateway answers an error status.
// Node.js 18+ (built-in fetch + crypto)
import crypto from 'node:crypto';
import fs from 'node:fs'; // CHANGED (document content)

const API_BASE       = process.env.EINVOICE_API_BASE ?? 'https://gateway.vigasoft.lu'; // CHANGED (base URL)
const PATH_AND_QUERY = process.env.CLIENT_PATH_AND_QUERY ?? '/bizzlink/api/v1/documents/business-documents'; // CHANGED (base path)
const API_TOKEN      = process.env.BIZZLINK_API_TOKEN;
const HMAC_SECRET    = process.env.BIZZLINK_HMAC_SECRET;

let invoice = { // CHANGED: `let`, so CLIENT_BODY_FILE can replace it
  data: {
    type: 'business-documents',
    attributes: {
      '@type': 'InvoiceDocument',
      documentId: 'INV-2026-00042',
      issueDate:  '2026-05-05',
      typeCode:   'COMMERCIAL_INVOICE',
      currency:   'EUR',
      dueDate:    '2026-06-04',
      buyerReference:   'PO-7788',
      paymentTermsText: 'Net 30 days',
      seller: {
        name:  'Vigasoft S.à r.l.-S.',
        vatId: 'LU12345678',
        electronicAddress:         'LU12345678',
        electronicAddressSchemeId: '9938',
        address: {
          street1: '9, rue Marcel Schintgen',
          city: 'Lamadelaine',
          postCode: 'L-4889',
          countryCode: 'LU',
        },
      },
      buyer: {
        name:  'ACME Belgium SA',
        vatId: 'BE0123456789',
        electronicAddress:         'BE0123456789',
        electronicAddressSchemeId: '9925',
        address: {
          street1: 'Avenue Louise 100', city: 'Bruxelles',
          postCode: '1050',
          countryCode: 'BE',
        },
      },
      payment: {
        paymentMeansCode: 'SEPA_CREDIT_TRANSFER',
        remittanceInformation: 'INV-2026-00042',
        accounts: [
          { iban: 'LU000000000000000000', bic: 'BCEELULL', accountName: 'Vigasoft' },
        ],
      },
      taxBreakdown: [{
        categoryCode: 'S',
        rate: 21.00,
        taxableAmount: { amount: 1000.00, currency: 'EUR' },
      }],
      lines: [{
        id: '1',
        quantity: 10,
        unitCode: 'C62',
        netUnitPrice: { amount: 100.00, currency: 'EUR' },
        vatCategoryCode: 'S',
        vatRate: 21.00,
        itemName: 'Widget',
      }],
    },
  },
};

if (process.env.CLIENT_BODY_FILE) { // CHANGED (document content)
  invoice = JSON.parse(fs.readFileSync(process.env.CLIENT_BODY_FILE, 'utf8'));
}

// Serialize once — same bytes are hashed and sent
const body = JSON.stringify(invoice);

const timestamp = Math.floor(Date.now() / 1000);
const bodyHash  = crypto.createHash('sha256').update(body).digest('hex');
const payload   = `${timestamp}.POST.${PATH_AND_QUERY}.${bodyHash}`;
const signature = crypto.createHmac('sha256', HMAC_SECRET)
  .update(payload).digest('hex');

const response = await fetch(`${API_BASE}${PATH_AND_QUERY}`, {
  method: 'POST',
  headers: {
    'Content-Type':         'application/json',
    'Authorization':        `Bearer ${API_TOKEN}`,
    'X-Bizzlink-Signature': `t=${timestamp},v1=${signature}`,
  },
  body,
});
console.log(await response.json());
if (!response.ok) process.exit(1); // CHANGED (verdict for CI)

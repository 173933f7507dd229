//! The JSON business document, object by object: which members each object has, how
//! each is read, and the model it becomes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use einvoice_domain::document::model::{
    Account, Address, AllowanceCharge, Amount, Attachment, Card, Classification, Contact, Delivery,
    DirectDebit, Document, DocumentKind, Identifier, ItemAttribute, Line, Note, Party, Payee,
    PaymentMeans, Period, PrecedingInvoice, Price, TaxRepresentative, TaxTotal, Totals,
    VatBreakdown,
};
use rust_decimal::Decimal;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use time::Date;

use crate::names::List;
use crate::walk::{
    AnyObject, Cx, Fields, Key, KeySeed, Obj, Object, Present, Text, boolean, date, decimal, enter,
    fields, item, leaf, leave, list, member, object, text,
};
use crate::{
    MAX_CODE_CHARS as CODE, MAX_ID_CHARS as ID, MAX_NAME_CHARS as NAME, MAX_NOTE_CHARS as NOTE,
    MAX_TEXT_CHARS as TEXT, MAX_URI_CHARS as URI, codes, names,
};

/// The MIME type of the only attachments supported.
const PDF: &str = "application/pdf";

/// A code given by its symbolic name or as a raw code of `list`.
fn code<'de, A: MapAccess<'de>>(
    map: &mut A,
    cx: &mut Cx,
    list: List,
) -> Result<Option<String>, A::Error> {
    let Some(value) = text(map, cx, CODE)? else {
        return Ok(None);
    };
    if let Some(code) = names::code_for(list.names(), &value) {
        return Ok(Some(code.to_owned()));
    }
    if list.is_raw_code(&value) {
        return Ok(Some(value));
    }
    cx.report(
        codes::UNKNOWN_CODE,
        format!("`{value}` is not a known {} name or code", list.what()),
    );
    Ok(None)
}

/// A money object.
fn money<'de, A: MapAccess<'de>>(map: &mut A, cx: &mut Cx) -> Result<Option<Amount>, A::Error> {
    object::<MoneyIn, A>(map, cx)
}

/// Refuses a member the object has in another position (a seller-only field on the
/// buyer, a document-level field on a line).
fn refuse<'de, A: MapAccess<'de>>(map: &mut A, cx: &mut Cx, name: &str) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>()?;
    cx.report(codes::UNKNOWN_FIELD, format!("unknown field `{name}` here"));
    Ok(())
}

fields!(MoneyField {
    Amount = "amount",
    Currency = "currency",
});

/// `{"amount", "currency"}`.
#[derive(Default)]
pub(crate) struct MoneyIn {
    amount: Option<Decimal>,
    currency: Option<String>,
}

impl Object for MoneyIn {
    type Field = MoneyField;
    type Out = Amount;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: MoneyField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            MoneyField::Amount => self.amount = decimal(map, cx)?,
            MoneyField::Currency => self.currency = text(map, cx, CODE)?,
        }
        Ok(())
    }

    fn finish(self, present: Present, cx: &mut Cx) -> Option<Amount> {
        if self.amount.is_none() && present.clean(MoneyField::Amount) {
            cx.required(MoneyField::Amount.name());
        }
        Some(Amount {
            value: self.amount?,
            currency: self.currency,
        })
    }
}

fields!(IdentifierField {
    Id = "id",
    SchemeId = "schemeId",
});

/// `{"id", "schemeId"}`.
#[derive(Default)]
pub(crate) struct IdentifierIn {
    id: Option<String>,
    scheme_id: Option<String>,
}

impl Object for IdentifierIn {
    type Field = IdentifierField;
    type Out = Identifier;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: IdentifierField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            IdentifierField::Id => self.id = text(map, cx, ID)?,
            IdentifierField::SchemeId => self.scheme_id = text(map, cx, CODE)?,
        }
        Ok(())
    }

    fn finish(self, present: Present, cx: &mut Cx) -> Option<Identifier> {
        if self.id.is_none() && present.clean(IdentifierField::Id) {
            cx.required(IdentifierField::Id.name());
        }
        Some(Identifier {
            id: self.id?,
            scheme_id: self.scheme_id,
        })
    }
}

fields!(AddressField {
    Street1 = "street1",
    Street2 = "street2",
    AdditionalStreet = "additionalStreet",
    City = "city",
    PostCode = "postCode",
    CountrySubdivision = "countrySubdivision",
    CountryCode = "countryCode",
});

impl Object for Address {
    type Field = AddressField;
    type Out = Address;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: AddressField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            AddressField::Street1 => self.street1 = text(map, cx, NAME)?,
            AddressField::Street2 => self.street2 = text(map, cx, NAME)?,
            AddressField::AdditionalStreet => self.additional_street = text(map, cx, NAME)?,
            AddressField::City => self.city = text(map, cx, NAME)?,
            AddressField::PostCode => self.post_code = text(map, cx, ID)?,
            AddressField::CountrySubdivision => self.country_subdivision = text(map, cx, NAME)?,
            AddressField::CountryCode => self.country_code = text(map, cx, CODE)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Address> {
        Some(self)
    }
}

fields!(ContactField {
    Name = "name",
    Phone = "phone",
    Email = "email",
});

impl Object for Contact {
    type Field = ContactField;
    type Out = Contact;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: ContactField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            ContactField::Name => self.name = text(map, cx, NAME)?,
            ContactField::Phone => self.phone = text(map, cx, NAME)?,
            ContactField::Email => self.email = text(map, cx, NAME)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Contact> {
        Some(self)
    }
}

fields!(PartyField {
    Name = "name",
    TradingName = "tradingName",
    Identifiers = "identifiers",
    LegalRegistrationId = "legalRegistrationId",
    LegalRegistrationSchemeId = "legalRegistrationSchemeId",
    VatId = "vatId",
    TaxRegistrationId = "taxRegistrationId",
    LegalForm = "legalForm",
    ElectronicAddress = "electronicAddress",
    ElectronicAddressSchemeId = "electronicAddressSchemeId",
    Address = "address",
    Contact = "contact",
});

/// The seller (`SELLER`) or the buyer; BT-32 and BT-33 are the seller's only.
#[derive(Default)]
pub(crate) struct PartyIn<const SELLER: bool>(Party);

impl<const SELLER: bool> Object for PartyIn<SELLER> {
    type Field = PartyField;
    type Out = Party;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: PartyField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        let party = &mut self.0;
        match field {
            PartyField::Name => party.name = text(map, cx, NAME)?,
            PartyField::TradingName => party.trading_name = text(map, cx, NAME)?,
            PartyField::Identifiers => {
                let max = cx.limits.max_items;
                party.identifiers = list::<Obj<IdentifierIn>, A>(map, cx, max)?;
            }
            PartyField::LegalRegistrationId => party.legal_registration_id = text(map, cx, ID)?,
            PartyField::LegalRegistrationSchemeId => {
                party.legal_registration_scheme_id = text(map, cx, CODE)?;
            }
            PartyField::VatId => party.vat_id = text(map, cx, ID)?,
            PartyField::TaxRegistrationId if SELLER => {
                party.tax_registration_id = text(map, cx, ID)?;
            }
            PartyField::LegalForm if SELLER => party.legal_form = text(map, cx, TEXT)?,
            PartyField::TaxRegistrationId | PartyField::LegalForm => refuse(map, cx, field.name())?,
            PartyField::ElectronicAddress => party.electronic_address = text(map, cx, ID)?,
            PartyField::ElectronicAddressSchemeId => {
                party.electronic_address_scheme_id = code(map, cx, List::ElectronicAddressScheme)?;
            }
            PartyField::Address => party.address = object::<Address, A>(map, cx)?,
            PartyField::Contact => party.contact = object::<Contact, A>(map, cx)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Party> {
        Some(self.0)
    }
}

fields!(PayeeField {
    Name = "name",
    Identifier = "identifier",
    LegalRegistrationId = "legalRegistrationId",
    LegalRegistrationSchemeId = "legalRegistrationSchemeId",
});

impl Object for Payee {
    type Field = PayeeField;
    type Out = Payee;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: PayeeField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            PayeeField::Name => self.name = text(map, cx, NAME)?,
            PayeeField::Identifier => self.identifier = object::<IdentifierIn, A>(map, cx)?,
            PayeeField::LegalRegistrationId => self.legal_registration_id = text(map, cx, ID)?,
            PayeeField::LegalRegistrationSchemeId => {
                self.legal_registration_scheme_id = text(map, cx, CODE)?;
            }
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Payee> {
        Some(self)
    }
}

fields!(TaxRepresentativeField {
    Name = "name",
    VatId = "vatId",
    Address = "address",
});

impl Object for TaxRepresentative {
    type Field = TaxRepresentativeField;
    type Out = TaxRepresentative;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: TaxRepresentativeField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            TaxRepresentativeField::Name => self.name = text(map, cx, NAME)?,
            TaxRepresentativeField::VatId => self.vat_id = text(map, cx, ID)?,
            TaxRepresentativeField::Address => self.address = object::<Address, A>(map, cx)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<TaxRepresentative> {
        Some(self)
    }
}

fields!(DeliveryField {
    DeliveryDate = "deliveryDate",
    LocationIdentifier = "locationIdentifier",
    LocationIdentifierSchemeId = "locationIdentifierSchemeId",
    PartyName = "partyName",
    Address = "address",
});

impl Object for Delivery {
    type Field = DeliveryField;
    type Out = Delivery;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: DeliveryField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            DeliveryField::DeliveryDate => self.delivery_date = date(map, cx)?,
            DeliveryField::LocationIdentifier => self.location_identifier = text(map, cx, ID)?,
            DeliveryField::LocationIdentifierSchemeId => {
                self.location_identifier_scheme_id = text(map, cx, CODE)?;
            }
            DeliveryField::PartyName => self.party_name = text(map, cx, NAME)?,
            DeliveryField::Address => self.address = object::<Address, A>(map, cx)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Delivery> {
        Some(self)
    }
}

fields!(PeriodField {
    StartDate = "startDate",
    EndDate = "endDate",
    DescriptionCode = "descriptionCode",
});

/// A document (`DOCUMENT`, with BT-8) or line period.
#[derive(Default)]
pub(crate) struct PeriodIn<const DOCUMENT: bool>(Period);

impl<const DOCUMENT: bool> Object for PeriodIn<DOCUMENT> {
    type Field = PeriodField;
    type Out = Period;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: PeriodField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            PeriodField::StartDate => self.0.start_date = date(map, cx)?,
            PeriodField::EndDate => self.0.end_date = date(map, cx)?,
            PeriodField::DescriptionCode if DOCUMENT => {
                self.0.description_code = text(map, cx, CODE)?;
            }
            PeriodField::DescriptionCode => refuse(map, cx, field.name())?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Period> {
        Some(self.0)
    }
}

fields!(PrecedingField {
    Number = "number",
    IssueDate = "issueDate",
});

impl Object for PrecedingInvoice {
    type Field = PrecedingField;
    type Out = PrecedingInvoice;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: PrecedingField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            PrecedingField::Number => self.number = text(map, cx, ID)?,
            PrecedingField::IssueDate => self.issue_date = date(map, cx)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<PrecedingInvoice> {
        Some(self)
    }
}

fields!(AccountField {
    Iban = "iban",
    Bic = "bic",
    AccountName = "accountName",
});

impl Object for Account {
    type Field = AccountField;
    type Out = Account;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: AccountField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            AccountField::Iban => self.iban = text(map, cx, ID)?,
            AccountField::Bic => self.bic = text(map, cx, ID)?,
            AccountField::AccountName => self.account_name = text(map, cx, NAME)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Account> {
        Some(self)
    }
}

fields!(CardField {
    AccountNumber = "accountNumber",
    NetworkId = "networkId",
    HolderName = "holderName",
});

impl Object for Card {
    type Field = CardField;
    type Out = Card;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: CardField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            CardField::AccountNumber => self.account_number = text(map, cx, ID)?,
            CardField::NetworkId => self.network_id = text(map, cx, ID)?,
            CardField::HolderName => self.holder_name = text(map, cx, NAME)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Card> {
        Some(self)
    }
}

fields!(DirectDebitField {
    MandateReference = "mandateReference",
    CreditorId = "creditorId",
    DebitedAccount = "debitedAccount",
});

impl Object for DirectDebit {
    type Field = DirectDebitField;
    type Out = DirectDebit;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: DirectDebitField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            DirectDebitField::MandateReference => self.mandate_reference = text(map, cx, ID)?,
            DirectDebitField::CreditorId => self.creditor_id = text(map, cx, ID)?,
            DirectDebitField::DebitedAccount => self.debited_account = text(map, cx, ID)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<DirectDebit> {
        Some(self)
    }
}

fields!(PaymentField {
    PaymentMeansCode = "paymentMeansCode",
    PaymentMeansText = "paymentMeansText",
    RemittanceInformation = "remittanceInformation",
    Accounts = "accounts",
    Card = "card",
    DirectDebit = "directDebit",
});

impl Object for PaymentMeans {
    type Field = PaymentField;
    type Out = PaymentMeans;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: PaymentField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            PaymentField::PaymentMeansCode => {
                self.code = code(map, cx, List::PaymentMeans)?;
            }
            PaymentField::PaymentMeansText => self.text = text(map, cx, TEXT)?,
            PaymentField::RemittanceInformation => {
                self.remittance_information = text(map, cx, TEXT)?;
            }
            PaymentField::Accounts => {
                let max = cx.limits.max_items;
                self.accounts = list::<Obj<Account>, A>(map, cx, max)?;
            }
            PaymentField::Card => self.card = object::<Card, A>(map, cx)?,
            PaymentField::DirectDebit => self.direct_debit = object::<DirectDebit, A>(map, cx)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<PaymentMeans> {
        Some(self)
    }
}

fields!(AllowanceChargeField {
    ChargeIndicator = "chargeIndicator",
    Amount = "amount",
    BaseAmount = "baseAmount",
    Percentage = "percentage",
    ReasonCode = "reasonCode",
    Reason = "reason",
    VatCategoryCode = "vatCategoryCode",
    VatRate = "vatRate",
});

/// A document-level (`DOCUMENT`, with its VAT category) or line-level allowance or
/// charge.
#[derive(Default)]
pub(crate) struct AllowanceChargeIn<const DOCUMENT: bool> {
    charge_indicator: Option<bool>,
    item: AllowanceCharge,
}

impl<const DOCUMENT: bool> Object for AllowanceChargeIn<DOCUMENT> {
    type Field = AllowanceChargeField;
    type Out = AllowanceCharge;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: AllowanceChargeField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        let item = &mut self.item;
        match field {
            AllowanceChargeField::ChargeIndicator => self.charge_indicator = boolean(map, cx)?,
            AllowanceChargeField::Amount => item.amount = money(map, cx)?,
            AllowanceChargeField::BaseAmount => item.base_amount = money(map, cx)?,
            AllowanceChargeField::Percentage => item.percentage = decimal(map, cx)?,
            AllowanceChargeField::ReasonCode => item.reason_code = text(map, cx, CODE)?,
            AllowanceChargeField::Reason => item.reason = text(map, cx, TEXT)?,
            AllowanceChargeField::VatCategoryCode if DOCUMENT => {
                item.vat_category_code = text(map, cx, CODE)?;
            }
            AllowanceChargeField::VatRate if DOCUMENT => item.vat_rate = decimal(map, cx)?,
            AllowanceChargeField::VatCategoryCode | AllowanceChargeField::VatRate => {
                refuse(map, cx, field.name())?;
            }
        }
        Ok(())
    }

    fn finish(mut self, present: Present, cx: &mut Cx) -> Option<AllowanceCharge> {
        let Some(charge_indicator) = self.charge_indicator else {
            if present.clean(AllowanceChargeField::ChargeIndicator) {
                cx.required(AllowanceChargeField::ChargeIndicator.name());
            }
            return None;
        };
        self.item.charge_indicator = charge_indicator;
        Some(self.item)
    }
}

fields!(BreakdownField {
    CategoryCode = "categoryCode",
    Rate = "rate",
    TaxableAmount = "taxableAmount",
    TaxAmount = "taxAmount",
    ExemptionReason = "exemptionReason",
    ExemptionReasonCode = "exemptionReasonCode",
});

impl Object for VatBreakdown {
    type Field = BreakdownField;
    type Out = VatBreakdown;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: BreakdownField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            BreakdownField::CategoryCode => self.category_code = text(map, cx, CODE)?,
            BreakdownField::Rate => self.rate = decimal(map, cx)?,
            BreakdownField::TaxableAmount => self.taxable_amount = money(map, cx)?,
            BreakdownField::TaxAmount => self.tax_amount = money(map, cx)?,
            BreakdownField::ExemptionReason => self.exemption_reason = text(map, cx, TEXT)?,
            BreakdownField::ExemptionReasonCode => {
                self.exemption_reason_code = text(map, cx, CODE)?;
            }
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<VatBreakdown> {
        Some(self)
    }
}

fields!(TotalsField {
    LineExtension = "lineExtensionAmount",
    TaxExclusive = "taxExclusiveAmount",
    TaxInclusive = "taxInclusiveAmount",
    AllowanceTotal = "allowanceTotalAmount",
    ChargeTotal = "chargeTotalAmount",
    Payable = "payableAmount",
    Tax = "taxAmount",
});

/// The declared BG-22 totals, with BT-110.
#[derive(Default)]
pub(crate) struct TotalsIn {
    totals: Totals,
    tax_amount: Option<Amount>,
}

impl Object for TotalsIn {
    type Field = TotalsField;
    type Out = (Totals, Option<Amount>);

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: TotalsField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        let totals = &mut self.totals;
        match field {
            TotalsField::LineExtension => totals.line_extension_amount = money(map, cx)?,
            TotalsField::TaxExclusive => totals.tax_exclusive_amount = money(map, cx)?,
            TotalsField::TaxInclusive => totals.tax_inclusive_amount = money(map, cx)?,
            TotalsField::AllowanceTotal => totals.allowance_total_amount = money(map, cx)?,
            TotalsField::ChargeTotal => totals.charge_total_amount = money(map, cx)?,
            TotalsField::Payable => totals.payable_amount = money(map, cx)?,
            TotalsField::Tax => self.tax_amount = money(map, cx)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<(Totals, Option<Amount>)> {
        Some((self.totals, self.tax_amount))
    }
}

fields!(BaseQuantityField {
    Quantity = "quantity",
    UnitCode = "unitCode",
});

/// BT-149 and BT-150.
#[derive(Default)]
pub(crate) struct BaseQuantityIn {
    quantity: Option<Decimal>,
    unit_code: Option<String>,
}

impl Object for BaseQuantityIn {
    type Field = BaseQuantityField;
    type Out = (Option<Decimal>, Option<String>);

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: BaseQuantityField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            BaseQuantityField::Quantity => self.quantity = decimal(map, cx)?,
            BaseQuantityField::UnitCode => self.unit_code = text(map, cx, CODE)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Self::Out> {
        Some((self.quantity, self.unit_code))
    }
}

fields!(ClassificationField {
    Code = "code",
    ListId = "listId",
    ListVersionId = "listVersionId",
});

/// BT-158 with its list.
#[derive(Default)]
pub(crate) struct ClassificationIn {
    code: Option<String>,
    list_id: Option<String>,
    list_version_id: Option<String>,
}

impl Object for ClassificationIn {
    type Field = ClassificationField;
    type Out = Classification;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: ClassificationField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            ClassificationField::Code => self.code = text(map, cx, ID)?,
            ClassificationField::ListId => self.list_id = text(map, cx, CODE)?,
            ClassificationField::ListVersionId => self.list_version_id = text(map, cx, CODE)?,
        }
        Ok(())
    }

    fn finish(self, present: Present, cx: &mut Cx) -> Option<Classification> {
        if self.code.is_none() && present.clean(ClassificationField::Code) {
            cx.required(ClassificationField::Code.name());
        }
        Some(Classification {
            code: self.code?,
            list_id: self.list_id,
            list_version_id: self.list_version_id,
        })
    }
}

fields!(AttributeField {
    Name = "name",
    Value = "value",
});

impl Object for ItemAttribute {
    type Field = AttributeField;
    type Out = ItemAttribute;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: AttributeField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            AttributeField::Name => self.name = text(map, cx, NAME)?,
            AttributeField::Value => self.value = text(map, cx, NAME)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<ItemAttribute> {
        Some(self)
    }
}

fields!(LineField {
    Id = "id",
    Note = "note",
    ObjectIdentifier = "objectIdentifier",
    Quantity = "quantity",
    UnitCode = "unitCode",
    LineExtension = "lineExtensionAmount",
    OrderLineReference = "orderLineReference",
    AccountingCost = "accountingCost",
    InvoicePeriod = "invoicePeriod",
    AllowanceCharges = "allowanceCharges",
    NetUnitPrice = "netUnitPrice",
    GrossUnitPrice = "grossUnitPrice",
    PriceDiscount = "priceDiscount",
    PriceBaseQuantity = "priceBaseQuantity",
    VatCategoryCode = "vatCategoryCode",
    VatRate = "vatRate",
    ItemName = "itemName",
    ItemDescription = "itemDescription",
    SellersItemId = "sellersItemId",
    BuyersItemId = "buyersItemId",
    StandardItemId = "standardItemId",
    Classifications = "classifications",
    OriginCountry = "originCountry",
    Attributes = "attributes",
});

/// A line, with its price details gathered from the flat JSON.
#[derive(Default)]
pub(crate) struct LineIn {
    line: Line,
    price: Price,
}

impl Object for LineIn {
    type Field = LineField;
    type Out = Line;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: LineField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        let line = &mut self.line;
        let max = cx.limits.max_items;
        match field {
            LineField::Id => line.id = text(map, cx, ID)?,
            LineField::Note => line.note = text(map, cx, TEXT)?,
            LineField::ObjectIdentifier => {
                line.object_identifier = object::<IdentifierIn, A>(map, cx)?;
            }
            LineField::Quantity => line.quantity = decimal(map, cx)?,
            LineField::UnitCode => line.unit_code = text(map, cx, CODE)?,
            LineField::LineExtension => line.line_extension_amount = money(map, cx)?,
            LineField::OrderLineReference => line.order_line_reference = text(map, cx, ID)?,
            LineField::AccountingCost => line.accounting_cost = text(map, cx, ID)?,
            LineField::InvoicePeriod => {
                line.invoice_period = object::<PeriodIn<false>, A>(map, cx)?;
            }
            LineField::AllowanceCharges => {
                line.allowance_charges = list::<Obj<AllowanceChargeIn<false>>, A>(map, cx, max)?;
            }
            LineField::NetUnitPrice => self.price.net_amount = money(map, cx)?,
            LineField::GrossUnitPrice => self.price.gross_amount = money(map, cx)?,
            LineField::PriceDiscount => self.price.discount = money(map, cx)?,
            LineField::PriceBaseQuantity => {
                if let Some((quantity, unit_code)) = object::<BaseQuantityIn, A>(map, cx)? {
                    self.price.base_quantity = quantity;
                    self.price.base_quantity_unit_code = unit_code;
                }
            }
            LineField::VatCategoryCode => line.vat_category_code = text(map, cx, CODE)?,
            LineField::VatRate => line.vat_rate = decimal(map, cx)?,
            LineField::ItemName => line.item_name = text(map, cx, NAME)?,
            LineField::ItemDescription => line.item_description = text(map, cx, TEXT)?,
            LineField::SellersItemId => line.sellers_item_id = text(map, cx, ID)?,
            LineField::BuyersItemId => line.buyers_item_id = text(map, cx, ID)?,
            LineField::StandardItemId => {
                line.standard_item_id = object::<IdentifierIn, A>(map, cx)?;
            }
            LineField::Classifications => {
                line.classifications = list::<Obj<ClassificationIn>, A>(map, cx, max)?;
            }
            LineField::OriginCountry => line.origin_country = text(map, cx, CODE)?,
            LineField::Attributes => line.attributes = list::<Obj<ItemAttribute>, A>(map, cx, max)?,
        }
        Ok(())
    }

    fn finish(mut self, _: Present, _: &mut Cx) -> Option<Line> {
        if self.price != Price::default() {
            self.line.price = Some(self.price);
        }
        Some(self.line)
    }
}

fields!(AttachmentField {
    Id = "id",
    Filename = "filename",
    ContentType = "contentType",
    Content = "content",
    Description = "description",
});

/// An embedded attachment (PDF only).
#[derive(Default)]
pub(crate) struct AttachmentIn(Attachment);

/// An error's text as a message part: without its trailing period.
fn lower(error: &base64::DecodeError) -> String {
    let text = error.to_string();
    let text = text.trim_end_matches('.');
    let mut characters = text.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(characters).collect()
    })
}

/// Decodes base64 (padded, standard alphabet; ASCII whitespace such as MIME line breaks
/// is ignored), refusing content larger than `max` bytes once decoded.
fn decode_content(cx: &mut Cx, encoded: &str, max: usize) -> Option<Vec<u8>> {
    let too_long = |cx: &mut Cx, size: usize| {
        cx.report(
            codes::TOO_LONG,
            format!("an attachment may have at most {max} bytes, found {size}"),
        );
    };
    // Base64 takes 4 characters for 3 bytes; allow for line breaks before decoding.
    if encoded.len() / 2 > max.div_ceil(3) * 4 {
        too_long(cx, encoded.len() / 4 * 3);
        return None;
    }
    let decoded = match STANDARD.decode(encoded) {
        Ok(decoded) => decoded,
        Err(error) => {
            let compact: String = encoded
                .chars()
                .filter(|character| !character.is_ascii_whitespace())
                .collect();
            if compact.len() == encoded.len() {
                cx.report(
                    codes::INVALID_BASE64,
                    format!("the content is not valid base64: {}", lower(&error)),
                );
                return None;
            }
            match STANDARD.decode(&compact) {
                Ok(decoded) => decoded,
                Err(error) => {
                    cx.report(
                        codes::INVALID_BASE64,
                        format!("the content is not valid base64: {}", lower(&error)),
                    );
                    return None;
                }
            }
        }
    };
    if decoded.len() > max {
        too_long(cx, decoded.len());
        return None;
    }
    Some(decoded)
}

impl Object for AttachmentIn {
    type Field = AttachmentField;
    type Out = Attachment;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: AttachmentField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        let attachment = &mut self.0;
        match field {
            AttachmentField::Id => attachment.id = text(map, cx, ID)?,
            AttachmentField::Filename => attachment.filename = text(map, cx, NAME)?,
            AttachmentField::ContentType => {
                attachment.mime_code = text(map, cx, NAME)?.and_then(|mime| {
                    if mime.eq_ignore_ascii_case(PDF) {
                        Some(PDF.to_owned())
                    } else {
                        cx.report(
                            codes::UNSUPPORTED_ATTACHMENT_TYPE,
                            format!("only {PDF} attachments are supported, not `{mime}`"),
                        );
                        None
                    }
                });
            }
            AttachmentField::Content => {
                let value = leaf(map)?;
                if let Some(encoded) = cx.text(value, usize::MAX) {
                    let max = cx.limits.max_attachment_bytes;
                    attachment.content = decode_content(cx, &encoded, max);
                }
            }
            AttachmentField::Description => attachment.description = text(map, cx, TEXT)?,
        }
        Ok(())
    }

    fn finish(mut self, present: Present, cx: &mut Cx) -> Option<Attachment> {
        let attachment = &mut self.0;
        if attachment.content.is_some()
            && attachment.mime_code.is_none()
            && present.clean(AttachmentField::ContentType)
        {
            cx.required(AttachmentField::ContentType.name());
        }
        if let Some(content) = &attachment.content {
            let head = &content[..content.len().min(1024)];
            if attachment.mime_code.is_some() && !head.windows(5).any(|window| window == b"%PDF-") {
                cx.report_at(
                    AttachmentField::Content.name(),
                    codes::UNSUPPORTED_ATTACHMENT_TYPE,
                    "the content is not a PDF document (no %PDF- header)",
                );
            }
        }
        if attachment.id.is_none() {
            attachment.id.clone_from(&attachment.filename);
        }
        Some(self.0)
    }
}

fields!(ExternalReferenceField {
    Id = "id",
    Description = "description",
    Uri = "uri",
});

/// A supporting document referenced by URI (BG-24 without content).
#[derive(Default)]
pub(crate) struct ExternalReferenceIn(Attachment);

impl Object for ExternalReferenceIn {
    type Field = ExternalReferenceField;
    type Out = Attachment;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: ExternalReferenceField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            ExternalReferenceField::Id => self.0.id = text(map, cx, ID)?,
            ExternalReferenceField::Description => self.0.description = text(map, cx, TEXT)?,
            ExternalReferenceField::Uri => self.0.uri = text(map, cx, URI)?,
        }
        Ok(())
    }

    fn finish(self, _: Present, _: &mut Cx) -> Option<Attachment> {
        Some(self.0)
    }
}

fields!(DocumentField {
    Type = "@type",
    DocumentId = "documentId",
    IssueDate = "issueDate",
    TypeCode = "typeCode",
    Currency = "currency",
    DueDate = "dueDate",
    BuyerReference = "buyerReference",
    PaymentTermsText = "paymentTermsText",
    TaxCurrency = "taxCurrency",
    TaxPointDate = "taxPointDate",
    ProjectReference = "projectReference",
    ContractReference = "contractReference",
    OrderReference = "orderReference",
    SalesOrderReference = "salesOrderReference",
    ReceivingAdviceReference = "receivingAdviceReference",
    DespatchAdviceReference = "despatchAdviceReference",
    TenderReference = "tenderReference",
    InvoicedObjectIdentifier = "invoicedObjectIdentifier",
    AccountingCost = "accountingCost",
    Notes = "notes",
    InvoicePeriod = "invoicePeriod",
    PrecedingInvoices = "precedingInvoices",
    OriginalInvoiceNumber = "originalInvoiceNumber",
    OriginalInvoiceDate = "originalInvoiceDate",
    PrepaidAmount = "prepaidAmount",
    RoundingAmount = "roundingAmount",
    TaxTotalInTaxCurrency = "taxTotalInTaxCurrency",
    Totals = "totals",
    Seller = "seller",
    Buyer = "buyer",
    Payee = "payee",
    TaxRepresentative = "taxRepresentative",
    Delivery = "delivery",
    Payment = "payment",
    AllowanceCharges = "allowanceCharges",
    TaxBreakdown = "taxBreakdown",
    Lines = "lines",
    Attachments = "attachments",
    ExternalReferences = "externalReferences",
    Extensions = "extensions",
});

/// The attributes of a business document.
pub(crate) struct DocumentIn {
    kind: Option<DocumentKind>,
    document: Document,
    original_number: Option<String>,
    original_date: Option<Date>,
    totals: Totals,
    tax_amount: Option<Amount>,
    breakdown: Vec<VatBreakdown>,
    tax_in_tax_currency: Option<Amount>,
    external_references: Vec<Attachment>,
}

impl Default for DocumentIn {
    fn default() -> Self {
        Self {
            kind: None,
            document: Document::empty(DocumentKind::Invoice),
            original_number: None,
            original_date: None,
            totals: Totals::default(),
            tax_amount: None,
            breakdown: Vec::new(),
            tax_in_tax_currency: None,
            external_references: Vec::new(),
        }
    }
}

impl Object for DocumentIn {
    const ROOT: bool = true;
    type Field = DocumentField;
    type Out = Document;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: DocumentField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        let document = &mut self.document;
        let limits = cx.limits;
        match field {
            DocumentField::Type => {
                if let Some(name) = text(map, cx, NAME)? {
                    self.kind = names::DOCUMENT_TYPES
                        .iter()
                        .find(|(known, _)| *known == name)
                        .map(|(_, kind)| *kind);
                    if self.kind.is_none() {
                        cx.report(
                            codes::UNKNOWN_CODE,
                            format!("`{name}` is not a document type: use InvoiceDocument or CreditNoteDocument"),
                        );
                    }
                }
            }
            DocumentField::DocumentId => document.number = text(map, cx, ID)?,
            DocumentField::IssueDate => document.issue_date = date(map, cx)?,
            DocumentField::TypeCode => document.type_code = code(map, cx, List::TypeCode)?,
            DocumentField::Currency => document.currency = text(map, cx, CODE)?,
            DocumentField::DueDate => document.due_date = date(map, cx)?,
            DocumentField::BuyerReference => document.buyer_reference = text(map, cx, ID)?,
            DocumentField::PaymentTermsText => document.payment_terms = text(map, cx, NOTE)?,
            DocumentField::TaxCurrency => document.tax_currency = text(map, cx, CODE)?,
            DocumentField::TaxPointDate => document.tax_point_date = date(map, cx)?,
            DocumentField::ProjectReference => {
                document.project_references = text(map, cx, ID)?.into_iter().map(Some).collect();
            }
            DocumentField::ContractReference => document.contract_reference = text(map, cx, ID)?,
            DocumentField::OrderReference => document.order_reference = text(map, cx, ID)?,
            DocumentField::SalesOrderReference => {
                document.sales_order_reference = text(map, cx, ID)?;
            }
            DocumentField::ReceivingAdviceReference => {
                document.receiving_advice_reference = text(map, cx, ID)?;
            }
            DocumentField::DespatchAdviceReference => {
                document.despatch_advice_reference = text(map, cx, ID)?;
            }
            DocumentField::TenderReference => document.tender_reference = text(map, cx, ID)?,
            DocumentField::InvoicedObjectIdentifier => {
                document.invoiced_object_identifier = object::<IdentifierIn, A>(map, cx)?;
            }
            DocumentField::AccountingCost => document.accounting_cost = text(map, cx, ID)?,
            DocumentField::Notes => {
                let notes = list::<Text<NOTE>, A>(map, cx, limits.max_notes)?;
                document.notes = notes
                    .into_iter()
                    .map(|text| Note {
                        subject_code: None,
                        text,
                    })
                    .collect();
            }
            DocumentField::InvoicePeriod => {
                document.invoice_period = object::<PeriodIn<true>, A>(map, cx)?;
            }
            DocumentField::PrecedingInvoices => {
                document.preceding_invoices =
                    list::<Obj<PrecedingInvoice>, A>(map, cx, limits.max_items)?;
            }
            DocumentField::OriginalInvoiceNumber => self.original_number = text(map, cx, ID)?,
            DocumentField::OriginalInvoiceDate => self.original_date = date(map, cx)?,
            DocumentField::PrepaidAmount => self.totals.prepaid_amount = money(map, cx)?,
            DocumentField::RoundingAmount => self.totals.rounding_amount = money(map, cx)?,
            DocumentField::TaxTotalInTaxCurrency => self.tax_in_tax_currency = money(map, cx)?,
            DocumentField::Totals => {
                let (totals, tax_amount) = object::<TotalsIn, A>(map, cx)?.unwrap_or_default();
                self.totals = Totals {
                    prepaid_amount: self.totals.prepaid_amount.take(),
                    rounding_amount: self.totals.rounding_amount.take(),
                    ..totals
                };
                self.tax_amount = tax_amount;
            }
            DocumentField::Seller => {
                document.seller = object::<PartyIn<true>, A>(map, cx)?.unwrap_or_default();
            }
            DocumentField::Buyer => {
                document.buyer = object::<PartyIn<false>, A>(map, cx)?.unwrap_or_default();
            }
            DocumentField::Payee => document.payee = object::<Payee, A>(map, cx)?,
            DocumentField::TaxRepresentative => {
                document.tax_representative = object::<TaxRepresentative, A>(map, cx)?;
            }
            DocumentField::Delivery => document.delivery = object::<Delivery, A>(map, cx)?,
            DocumentField::Payment => {
                document.payment_means = object::<PaymentMeans, A>(map, cx)?.into_iter().collect();
            }
            DocumentField::AllowanceCharges => {
                document.allowance_charges =
                    list::<Obj<AllowanceChargeIn<true>>, A>(map, cx, limits.max_items)?;
            }
            DocumentField::TaxBreakdown => {
                self.breakdown = list::<Obj<VatBreakdown>, A>(map, cx, limits.max_items)?;
            }
            DocumentField::Lines => {
                document.lines = list::<Obj<LineIn>, A>(map, cx, limits.max_lines)?;
            }
            DocumentField::Attachments => {
                document.attachments =
                    list::<Obj<AttachmentIn>, A>(map, cx, limits.max_attachments)?;
            }
            DocumentField::ExternalReferences => {
                self.external_references =
                    list::<Obj<ExternalReferenceIn>, A>(map, cx, limits.max_attachments)?;
            }
            DocumentField::Extensions => {
                item::<AnyObject, A>(map, cx)?;
            }
        }
        Ok(())
    }

    fn finish(self, present: Present, cx: &mut Cx) -> Option<Document> {
        let Some(kind) = self.kind else {
            if present.clean(DocumentField::Type) {
                cx.required(DocumentField::Type.name());
            }
            return None;
        };
        let mut document = self.document;
        document.kind = kind;
        if self.original_number.is_some() || self.original_date.is_some() {
            document.preceding_invoices.insert(
                0,
                PrecedingInvoice {
                    number: self.original_number,
                    issue_date: self.original_date,
                },
            );
        }
        document.totals = self.totals;
        if self.tax_amount.is_some() || !self.breakdown.is_empty() {
            document.tax_totals.push(TaxTotal {
                tax_amount: self.tax_amount,
                subtotals: self.breakdown,
            });
        }
        if let Some(amount) = self.tax_in_tax_currency {
            document.tax_totals.push(TaxTotal {
                tax_amount: Some(amount),
                subtotals: Vec::new(),
            });
        }
        document.attachments.extend(self.external_references);
        Some(document)
    }
}

fields!(DataField {
    Type = "type",
    Attributes = "attributes",
});

/// The JSON:API resource object: `{"type": "business-documents", "attributes": {...}}`.
#[derive(Default)]
pub(crate) struct DataIn {
    resource_type: Option<String>,
    document: Option<Document>,
}

/// The JSON:API resource type of business documents.
pub(crate) const RESOURCE_TYPE: &str = "business-documents";

impl Object for DataIn {
    type Field = DataField;
    type Out = Document;

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        field: DataField,
        map: &mut A,
        cx: &mut Cx,
    ) -> Result<(), A::Error> {
        match field {
            DataField::Type => {
                self.resource_type = text(map, cx, NAME)?;
                if let Some(resource_type) = self.resource_type.as_deref()
                    && resource_type != RESOURCE_TYPE
                {
                    cx.report(
                        codes::UNKNOWN_CODE,
                        format!("the resource type is `{RESOURCE_TYPE}`, not `{resource_type}`"),
                    );
                }
            }
            DataField::Attributes => self.document = object::<DocumentIn, A>(map, cx)?,
        }
        Ok(())
    }

    fn finish(self, present: Present, cx: &mut Cx) -> Option<Document> {
        if self.resource_type.is_none() && present.clean(DataField::Type) {
            cx.required(DataField::Type.name());
        }
        if self.document.is_none() && present.clean(DataField::Attributes) {
            cx.required(DataField::Attributes.name());
        }
        self.document
    }
}

/// The request body: a JSON:API document (`{"data": {...}}`, recognised by its first
/// member) or the bare attributes.
pub(crate) struct Root<'c> {
    pub(crate) cx: &'c mut Cx,
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = Option<Document>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let cx = self.cx;
        let first = map.next_key_seed(KeySeed::<DocumentField>::new())?;
        if let Some(Key::Unknown(name)) = &first
            && name == "data"
        {
            cx.enveloped = true;
            enter(cx, "data");
            let before = cx.problems.len();
            let document = item::<Obj<DataIn>, A>(&mut map, cx)?;
            if document.is_none() && cx.problems.len() == before {
                cx.report(
                    codes::REQUIRED,
                    "`data` must be the business document resource",
                );
            }
            leave(cx);
            while let Some(key) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                cx.report_at(
                    &key,
                    codes::UNKNOWN_FIELD,
                    format!("unknown field `{key}` next to `data`"),
                );
            }
            return Ok(document);
        }
        let mut state = DocumentIn::default();
        let mut present = Present::default();
        let mut key = first;
        while let Some(current) = key {
            if !member(current, &mut state, &mut present, &mut map, cx)? {
                return Ok(None);
            }
            key = map.next_key_seed(KeySeed::<DocumentField>::new())?;
        }
        Ok(state.finish(present, cx))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.cx.report(
            codes::INVALID_TYPE,
            "expected a JSON object, found an array",
        );
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        self.cx
            .report(codes::INVALID_TYPE, "expected a JSON object, found null");
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        self.cx.report(
            codes::INVALID_TYPE,
            "expected a JSON object, found a boolean",
        );
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        self.cx.report(
            codes::INVALID_TYPE,
            "expected a JSON object, found a number",
        );
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        self.cx.report(
            codes::INVALID_TYPE,
            "expected a JSON object, found a number",
        );
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        self.cx.report(
            codes::INVALID_TYPE,
            "expected a JSON object, found a number",
        );
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        self.cx.report(
            codes::INVALID_TYPE,
            "expected a JSON object, found a string",
        );
        Ok(None)
    }
}

/// Reads a whole request body.
pub(crate) fn read_root<'de, D: Deserializer<'de>>(
    deserializer: D,
    cx: &mut Cx,
) -> Result<Option<Document>, D::Error> {
    deserializer.deserialize_any(Root { cx })
}

//! Peppol BIS Billing 3.0 UBL 2.1: [`render`] writes a valid document as a UBL `Invoice`
//! or `CreditNote`; [`read_document`] reads UBL (with limits on size and depth) back into
//! the document model, keeping whatever the rules need to judge it.

mod read;
mod write;

pub use read::{ReadError, ReadLimits, read_document, read_document_with_limits};
pub use write::{render, render_document};

/// This crate as the domain's [`Renderer`](einvoice_domain::ports::Renderer) port:
/// Peppol BIS Billing 3.0 UBL.
#[derive(Debug, Clone, Copy, Default)]
pub struct UblRenderer;

impl einvoice_domain::ports::Renderer for UblRenderer {
    fn format(&self) -> einvoice_domain::rendition::Format {
        einvoice_domain::rendition::Format::UblPeppolBis3
    }

    fn render(&self, document: &einvoice_domain::document::ValidDocument) -> Vec<u8> {
        render(document).into_bytes()
    }
}

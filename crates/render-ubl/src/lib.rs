//! Peppol BIS Billing 3.0 UBL 2.1: [`render`] writes a valid document as a UBL `Invoice`
//! or `CreditNote`; [`read_document`] reads UBL (with limits on size and depth) back into
//! the document model, keeping whatever the rules need to judge it.

mod read;
mod write;

pub use read::{ReadError, ReadLimits, read_document, read_document_with_limits};
pub use write::{render, render_document};

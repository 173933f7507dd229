//! End-to-end tests: the real gateway (wiring, HTTP, store) on port 0 with a fresh
//! data directory per test, driven over HTTP.
//!
//! The store is SQLite in that directory unless `EINVOICE_E2E_STORE=postgres`: then each
//! gateway gets a fresh schema in the database named by `EINVOICE_TEST_DATABASE_URL`
//! (CI runs the suite both ways). The `binary` tests always run the binary on SQLite.

mod api_keys;
mod auth;
mod binary;
mod documents;
mod events;
mod helpers;
mod legal_entities;
mod pagination;
mod smp;
mod tenants;
mod webhooks;

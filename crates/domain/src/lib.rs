//! The pure domain of einvoice-gateway: tenants, legal entities and their lifecycle, API
//! keys, domain events, the port traits adapters implement, and the use cases.
//!
//! This crate does no I/O: no runtime, no database, no HTTP, no XML. Its `Cargo.toml`
//! is the architecture test. With the `testing` feature it also provides an in-memory
//! store, mocks of every port, and the contract suites every adapter must pass.

pub mod api_key;
pub mod clock;
pub mod codes;
pub mod document;
pub mod environment;
pub mod event;
pub mod ids;
pub mod job;
pub mod legal_entity;
pub mod metadata;
pub mod participant;
pub mod ports;
pub mod rendition;
pub mod secret;
pub mod service;
pub mod smp;
pub mod tenant;
pub mod text;
pub mod webhook;

#[cfg(feature = "testing")]
pub mod testing;

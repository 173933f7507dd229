//! The `einvoice-gateway` binary's library half: configuration, telemetry and wiring.
//! `main.rs` parses the command line and calls [`wiring::start`]; the end-to-end tests
//! call the same function.

pub mod config;
pub mod documents;
pub mod smp;
pub mod telemetry;
pub mod wiring;

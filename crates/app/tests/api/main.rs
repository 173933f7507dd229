//! End-to-end tests: the real gateway (wiring, HTTP, SQLite) on port 0 with a fresh
//! data directory per test, driven over HTTP.

mod api_keys;
mod auth;
mod binary;
mod helpers;
mod legal_entities;
mod pagination;
mod tenants;

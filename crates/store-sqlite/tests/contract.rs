//! The store contract of the domain, run against SQLite twice: on a database file (WAL
//! mode, a pool of connections: how the gateway runs) and in memory (what other crates'
//! tests use).

mod support;

mod on_file {
    einvoice_domain::store_contract!(super::support::fresh_file_store().await);
}

mod in_memory {
    einvoice_domain::store_contract!(super::support::fresh_in_memory_store().await);
}

//! The store contract against the in-memory reference store.

einvoice_domain::store_contract!(Box::new(einvoice_domain::testing::InMemoryStore::new()));

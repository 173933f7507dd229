//! The store contract of the domain, run against PostgreSQL: one fresh schema per test
//! in the database named by `EINVOICE_TEST_DATABASE_URL`. Without it, each test says it
//! was skipped and passes (unless `EINVOICE_REQUIRE_POSTGRES=1`, as in CI).

mod support;

einvoice_domain::store_contract!(match support::fresh_store().await {
    Some(store) => store,
    None => return,
});

//! Rebuilds the crate when a migration is added: `sqlx::migrate!` embeds the
//! `migrations/` directory at compile time, and Cargo cannot see a new file on its own.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

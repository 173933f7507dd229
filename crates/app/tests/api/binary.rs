//! The binary itself: first start prints the partner credentials once, secrets never
//! reach the logs or the database file in clear, SIGTERM shuts down gracefully.

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

struct Gateway {
    child: Child,
    stdout: Vec<String>,
    base: String,
}

fn start(data_dir: &std::path::Path) -> Gateway {
    let mut child = Command::new(env!("CARGO_BIN_EXE_einvoice-gateway"))
        .arg("serve")
        .env("EINVOICE_DATA_DIR", data_dir)
        .env("EINVOICE_LISTEN", "127.0.0.1:0")
        .env("EINVOICE_LOG", "debug")
        .env("EINVOICE_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut stdout = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("the gateway prints its address")
            .expect("utf-8");
        if let Some(address) = line.strip_prefix("einvoice-gateway listening on ") {
            break address.to_owned();
        }
        stdout.push(line);
    };
    Gateway {
        child,
        stdout,
        base,
    }
}

fn terminate(mut gateway: Gateway) -> (std::process::ExitStatus, String) {
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(gateway.child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exit = gateway.child.wait().expect("the gateway exits");
    let mut stderr = String::new();
    gateway
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr text");
    (exit, stderr)
}

fn value_after<'a>(lines: &'a [String], prefix: &str) -> &'a str {
    lines
        .iter()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in {lines:?}"))
}

#[tokio::test]
async fn first_start_prints_credentials_once_and_no_secret_leaks() {
    let dir = tempfile::tempdir().unwrap();
    let gateway = start(dir.path());
    let partner_key = value_after(&gateway.stdout, "partner key: ").to_owned();
    let signing_secret = value_after(&gateway.stdout, "signing secret: ").to_owned();
    assert!(partner_key.starts_with("eig_sandbox_"));
    assert!(signing_secret.starts_with("eig_secret_"));

    let client = reqwest::Client::new();
    let tenant: serde_json::Value = client
        .post(format!("{}/api/v1/tenants", gateway.base))
        .bearer_auth(&partner_key)
        .json(&json!({ "data": { "type": "tenants", "attributes": {
            "companyName": "Kunde GmbH", "addressStreet": "1 rue de la Gare", "addressPostalCode": "L-1611",
            "addressCity": "Luxembourg", "addressCountry": "LU", "contactEmail": "max@kunde.lu", "billingModel": "SEATS"
        } } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tenant_id = tenant["data"]["id"].as_str().expect("tenant created");
    let key: serde_json::Value = client
        .post(format!(
            "{}/api/v1/tenants/{tenant_id}/api-keys",
            gateway.base
        ))
        .bearer_auth(&partner_key)
        .json(&json!({ "data": { "type": "api-keys", "attributes": { "name": "erp" } } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tenant_token = key["data"]["attributes"]["key"]
        .as_str()
        .expect("key")
        .to_owned();
    let tenant_secret = key["data"]["attributes"]["signingSecret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let used = client
        .get(format!("{}/api/v1/legal-entities", gateway.base))
        .bearer_auth(&tenant_token)
        .send()
        .await
        .unwrap();
    assert_eq!(used.status(), 200);

    let (exit, logs) = terminate(gateway);
    assert!(
        exit.success(),
        "graceful shutdown exits 0: {exit:?}\n{logs}"
    );
    assert!(
        logs.contains("request answered"),
        "requests are logged:\n{logs}"
    );
    assert!(
        logs.contains("x-request-id") || logs.contains("request_id"),
        "logs carry the request id"
    );

    let mut database = Vec::new();
    for name in ["einvoice.db", "einvoice.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.path().join(name)) {
            database.extend(bytes);
        }
    }
    assert!(database.len() > 4096, "the database file was found");
    for secret in [&partner_key, &signing_secret, &tenant_token, &tenant_secret] {
        assert!(!logs.contains(secret.as_str()), "a secret reached the logs");
        let needle = secret.as_bytes();
        assert!(
            !database
                .windows(needle.len())
                .any(|window| window == needle),
            "a secret is in the database in clear"
        );
    }

    // Second start: the store has a partner, so nothing is printed.
    let again = start(dir.path());
    assert!(
        !again
            .stdout
            .iter()
            .any(|line| line.starts_with("partner key:")),
        "{:?}",
        again.stdout
    );
    let (exit, _) = terminate(again);
    assert!(exit.success());
}

#[test]
fn partner_create_prints_a_working_live_key() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_einvoice-gateway"))
        .args([
            "partner",
            "create",
            "--name",
            "Acme Accounting",
            "--environment",
            "production",
            "--billing-models",
            "FLOW",
        ])
        .env("EINVOICE_DATA_DIR", dir.path())
        .env("EINVOICE_LOG", "warn")
        .output()
        .expect("binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
    assert!(value_after(&lines, "partner key: ").starts_with("eig_live_"));
    assert!(value_after(&lines, "signing secret: ").starts_with("eig_secret_"));
    std::thread::sleep(Duration::from_millis(10));
}

#[test]
fn help_lists_every_setting_with_its_environment_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_einvoice-gateway"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for variable in [
        "EINVOICE_DATA_DIR",
        "EINVOICE_DATABASE_URL",
        "EINVOICE_MASTER_KEY",
        "EINVOICE_LOG_FORMAT",
        "EINVOICE_LOG",
        "EINVOICE_LISTEN",
        "EINVOICE_PUBLIC_URL",
        "EINVOICE_BODY_LIMIT_BYTES",
        "EINVOICE_DOCUMENT_BODY_LIMIT_BYTES",
        "EINVOICE_REQUEST_TIMEOUT_SECS",
        "EINVOICE_SHUTDOWN_GRACE_SECS",
        "EINVOICE_MIGRATE_ON_START",
        "EINVOICE_SMP_ENABLED",
        "EINVOICE_SMP_ENVIRONMENT",
        "EINVOICE_SMP_PATH_PREFIX",
        "EINVOICE_SMP_LISTEN",
        "EINVOICE_SMP_PUBLIC_URL",
        "EINVOICE_SMP_KEY_FILE",
        "EINVOICE_SMP_CERTIFICATE_FILE",
        "EINVOICE_AP_URL",
        "EINVOICE_AP_CERTIFICATE_FILE",
        "EINVOICE_AP_ACTIVATION_DATE",
        "EINVOICE_AP_EXPIRATION_DATE",
        "EINVOICE_SMP_SERVICE_DESCRIPTION",
        "EINVOICE_SMP_TECHNICAL_CONTACT",
    ] {
        assert!(
            help.contains(variable),
            "{variable} missing from serve --help:\n{help}"
        );
    }
}

#[test]
fn unsupported_database_url_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_einvoice-gateway"))
        .arg("migrate")
        .env("EINVOICE_DATA_DIR", dir.path())
        .env("EINVOICE_DATABASE_URL", "mysql://localhost/db")
        .env("EINVOICE_LOG", "off")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unsupported database URL"));
}

//! Spawning a gateway and talking to it.

use einvoice_app::config::{GlobalSettings, LogFormat, ServeSettings, SmpSettings};
use einvoice_app::wiring::{self, Running, Services};
use einvoice_store_postgres::testing::{DATABASE_URL_VARIABLE, TestSchema};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The variable that selects the end-to-end tests' store: `sqlite` (the default) or
/// `postgres`.
const STORE_VARIABLE: &str = "EINVOICE_E2E_STORE";

/// A running gateway with its data directory (and PostgreSQL schema, when the tests run
/// on PostgreSQL) and first partner's key.
pub(crate) struct TestGateway {
    pub(crate) base: String,
    pub(crate) partner_key: String,
    pub(crate) partner_id: String,
    pub(crate) global: GlobalSettings,
    client: reqwest::Client,
    // Field order is drop order: the server before its data.
    running: Running,
    _dir: tempfile::TempDir,
    _schema: Option<TestSchema>,
}

/// The database of one test gateway: `None` for SQLite in the data directory (the
/// default), or, with `EINVOICE_E2E_STORE=postgres`, the URL of a fresh schema in the
/// database named by `EINVOICE_TEST_DATABASE_URL`, and the schema's guard.
async fn test_database() -> Option<(String, TestSchema)> {
    match std::env::var(STORE_VARIABLE).as_deref() {
        Err(std::env::VarError::NotPresent) | Ok("" | "sqlite") => None,
        Ok("postgres") => {
            let url = std::env::var(DATABASE_URL_VARIABLE)
                .ok()
                .filter(|url| !url.trim().is_empty())
                .unwrap_or_else(|| {
                    panic!("{STORE_VARIABLE}=postgres needs {DATABASE_URL_VARIABLE}")
                });
            let schema = TestSchema::create(&url)
                .await
                .expect("create a test schema");
            Some((schema.url().to_owned(), schema))
        }
        Ok(other) => panic!("{STORE_VARIABLE} must be `sqlite` or `postgres`, not `{other}`"),
        Err(std::env::VarError::NotUnicode(_)) => panic!("{STORE_VARIABLE} is not unicode"),
    }
}

/// A response: status, headers and JSON body (`Value::Null` when empty).
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Value,
}

impl Reply {
    /// The first error's code.
    pub(crate) fn code(&self) -> &str {
        self.body["errors"][0]["code"]
            .as_str()
            .unwrap_or("<no error code>")
    }

    /// The first error's JSON pointer.
    pub(crate) fn pointer(&self) -> &str {
        self.body["errors"][0]["source"]["pointer"]
            .as_str()
            .unwrap_or("<no pointer>")
    }

    /// `data.id`.
    pub(crate) fn id(&self) -> String {
        self.body["data"]["id"]
            .as_str()
            .expect("data.id")
            .to_owned()
    }

    /// `data.attributes`.
    pub(crate) fn attributes(&self) -> &Value {
        &self.body["data"]["attributes"]
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

impl TestGateway {
    pub(crate) async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub(crate) async fn spawn_with(adjust: impl FnOnce(&mut ServeSettings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let (database_url, schema) = test_database().await.unzip();
        let global = GlobalSettings {
            data_dir: dir.path().to_path_buf(),
            database_url,
            master_key: None,
            log_format: LogFormat::Human,
            log: "warn".to_owned(),
        };
        let mut settings = ServeSettings {
            listen: "127.0.0.1:0".parse().expect("address"),
            public_url: None,
            body_limit_bytes: 1024 * 1024,
            document_body_limit_bytes: 32 * 1024 * 1024,
            request_timeout_secs: 30,
            shutdown_grace_secs: 5,
            migrate_on_start: true,
            role: einvoice_app::config::Role::All,
            no_workers: false,
            worker_only: false,
            worker_concurrency: 2,
            job_lease_secs: 30,
            job_poll_ms: 500,
            smp: SmpSettings::default(),
        };
        adjust(&mut settings);
        let running = wiring::start(&global, &settings)
            .await
            .expect("gateway starts");
        let credentials = running
            .bootstrap
            .as_ref()
            .expect("first start creates a partner");
        if schema.is_some() {
            assert!(
                !dir.path().join("einvoice.db").exists(),
                "the gateway must not use SQLite when {STORE_VARIABLE}=postgres"
            );
        }
        Self {
            base: format!("http://{}", running.addr.expect("the API listens")),
            partner_key: credentials.key.token.expose().to_owned(),
            partner_id: credentials.partner.id.to_string(),
            global,
            client: reqwest::Client::new(),
            running,
            _dir: dir,
            _schema: schema,
        }
    }

    /// The SMP's own listener, when configured.
    pub(crate) fn smp_addr(&self) -> Option<std::net::SocketAddr> {
        self.running.smp_addr
    }

    /// The domain services over the gateway's own database (a second pool on the
    /// same file or schema), for set-ups the API deliberately does not offer (e.g.
    /// partners).
    pub(crate) async fn services(&self) -> Services {
        let store = wiring::open_store(&self.global).await.expect("store");
        wiring::services(
            &store,
            wiring::master_key(&self.global).expect("master key"),
        )
    }

    pub(crate) async fn request(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        tenant: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(tenant) = tenant {
            request = request.header("X-Tenant-Id", tenant);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/vnd.api+json")
                .body(body.to_string());
        }
        let response = request.send().await.expect("request is answered");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// The HTTP client, for requests the helpers do not shape (raw bodies, headers).
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub(crate) async fn get(&self, path: &str, key: &str) -> Reply {
        self.request(Method::GET, path, Some(key), None, None).await
    }

    pub(crate) async fn post(&self, path: &str, key: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(key), None, Some(body))
            .await
    }

    pub(crate) async fn patch(&self, path: &str, key: &str, body: Value) -> Reply {
        self.request(Method::PATCH, path, Some(key), None, Some(body))
            .await
    }

    pub(crate) async fn delete(&self, path: &str, key: &str) -> Reply {
        self.request(Method::DELETE, path, Some(key), None, None)
            .await
    }

    /// Creates a child tenant of the partner holding `key`; returns its id.
    pub(crate) async fn create_tenant(&self, key: &str, name: &str) -> String {
        let reply = self
            .post("/api/v1/tenants", key, tenant_body(name, &json!({})))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        reply.id()
    }

    /// Creates a key for `tenant`; returns (key id, token).
    pub(crate) async fn create_key(
        &self,
        partner_key: &str,
        tenant: &str,
        environment: Option<&str>,
    ) -> (String, String) {
        let mut attributes = json!({ "name": "test key" });
        if let Some(environment) = environment {
            attributes["environment"] = json!(environment);
        }
        let reply = self
            .post(
                &format!("/api/v1/tenants/{tenant}/api-keys"),
                partner_key,
                json!({ "data": { "type": "api-keys", "attributes": attributes } }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{reply:?}");
        (
            reply.id(),
            reply.attributes()["key"]
                .as_str()
                .expect("key shown once")
                .to_owned(),
        )
    }

    /// A second partner (created the way the operator's CLI does); returns its key.
    pub(crate) async fn second_partner(
        &self,
        name: &str,
        environment: einvoice_domain::environment::Environment,
    ) -> (String, String) {
        let services = self.services().await;
        let new = einvoice_domain::service::NewPartner {
            company_name: einvoice_domain::text::CompanyName::parse(name).expect("name"),
            environment,
            billing_models: einvoice_domain::tenant::BillingModels::from_models(&[
                einvoice_domain::tenant::BillingModel::Seats,
            ])
            .expect("one model"),
        };
        let (partner, key) = services
            .partners
            .create_partner(new)
            .await
            .expect("partner");
        (partner.id.to_string(), key.token.expose().to_owned())
    }
}

/// A valid tenant create document, with `extra` attributes merged in.
pub(crate) fn tenant_body(name: &str, extra: &Value) -> Value {
    let mut attributes = json!({
        "companyName": name,
        "addressStreet": "1 rue de la Gare",
        "addressPostalCode": "L-1611",
        "addressCity": "Luxembourg",
        "addressCountry": "LU",
        "contactEmail": "max@kunde.lu",
        "billingModel": "SEATS",
    });
    if let (Some(target), Some(extra)) = (attributes.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            target.insert(key.clone(), value.clone());
        }
    }
    json!({ "data": { "type": "tenants", "attributes": attributes } })
}

/// A legal entity create document for `0208:<number>`.
pub(crate) fn legal_entity_body(name: &str, enterprise_number: &str) -> Value {
    json!({ "data": { "type": "legal-entities", "attributes": {
        "companyName": name,
        "country": "BE",
        "identifier": { "scheme": "0208", "value": enterprise_number },
    } } })
}

/// A valid Belgian enterprise number (mod 97) from a seed.
pub(crate) fn enterprise_number(seed: u32) -> String {
    einvoice_domain::testing::fixtures::belgian_enterprise_number(seed)
}

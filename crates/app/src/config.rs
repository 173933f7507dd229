//! Configuration: every setting has a flag and an `EINVOICE_*` environment variable;
//! `einvoice-gateway --help` (and `serve --help`) lists them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A self-hostable, multi-tenant e-invoicing gateway (Peppol).
#[derive(Debug, Parser)]
#[command(name = "einvoice-gateway", version, about)]
pub struct Cli {
    /// Settings shared by every command.
    #[command(flatten)]
    pub global: GlobalSettings,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by every command.
#[derive(Debug, Clone, Args)]
pub struct GlobalSettings {
    /// Directory for the embedded SQLite database and the generated master key.
    #[arg(
        long,
        env = "EINVOICE_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,

    /// Database URL; the embedded SQLite file in the data directory when not set.
    /// Supported: `sqlite://PATH` (or `sqlite:PATH`), and PostgreSQL as
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`), with
    /// libpq-style parameters such as `sslmode=require` or, to use a schema other than
    /// `public`, `options=-c%20search_path%3DSCHEMA`.
    #[arg(
        long,
        env = "EINVOICE_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,

    /// Base64 of the 32-byte key that seals API-key signing secrets at rest. When not
    /// set, one is generated on first start and kept in `DATA_DIR/master.key` (mode 0600).
    #[arg(
        long,
        env = "EINVOICE_MASTER_KEY",
        global = true,
        hide_env_values = true
    )]
    pub master_key: Option<String>,

    /// Log format: `auto` is human-readable on a terminal and JSON otherwise.
    #[arg(long, env = "EINVOICE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto, global = true)]
    pub log_format: LogFormat,

    /// Log filter, in `tracing` env-filter syntax (e.g. `info`, `einvoice=debug,info`).
    #[arg(long, env = "EINVOICE_LOG", default_value = "info", global = true)]
    pub log: String,
}

/// How logs are written (to standard error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human on a terminal, JSON otherwise.
    Auto,
    /// Human-readable lines.
    Human,
    /// One JSON object per line.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once at start-up; boxing would only complicate clap's derive"
)]
pub enum Command {
    /// Run the gateway (the default).
    Serve(ServeSettings),
    /// Apply the database migrations and exit.
    Migrate,
    /// Manage partners.
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// Check and render business documents offline (no server, no database).
    #[command(subcommand)]
    Document(DocumentCommand),
    /// Inspect and manage the durable job queue.
    #[command(subcommand)]
    Jobs(JobsCommand),
}

/// Job queue commands (operators).
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs, oldest first, with the number of jobs in each state.
    List(JobsList),
    /// Queue a dead job again, ready now, for one more attempt.
    Retry(JobsRetry),
    /// Enqueue probe jobs: a worker completes each by adding one to a counter, which
    /// `jobs list --counter NAME` shows. Checks that workers run, end to end.
    Probe(JobsProbe),
}

/// Arguments of `jobs list`.
#[derive(Debug, Clone, Args)]
pub struct JobsList {
    /// Only jobs in this state.
    #[arg(long, value_enum, conflicts_with = "dead")]
    pub state: Option<JobStateArg>,
    /// Only dead jobs (dead letters): the same as `--state dead`.
    #[arg(long)]
    pub dead: bool,
    /// At most this many jobs.
    #[arg(long, default_value_t = 100)]
    pub limit: u32,
    /// Also print this probe counter's value.
    #[arg(long)]
    pub counter: Option<String>,
}

/// `--state` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum JobStateArg {
    /// Waiting to run.
    Queued,
    /// Claimed by a worker.
    Running,
    /// Completed.
    Done,
    /// Failed its last attempt.
    Dead,
}

/// Arguments of `jobs retry`.
#[derive(Debug, Clone, Args)]
pub struct JobsRetry {
    /// The dead job's id.
    pub id: String,
}

/// Arguments of `jobs probe`.
#[derive(Debug, Clone, Args)]
pub struct JobsProbe {
    /// The counter the probes increment (a-z, 0-9, `-`, `_`, `.`).
    #[arg(long, default_value = "probe")]
    pub counter: String,
    /// How many probes.
    #[arg(long, default_value_t = 1)]
    pub count: u32,
    /// Milliseconds each probe works.
    #[arg(long, default_value_t = 0)]
    pub work_ms: u32,
    /// How many attempts of each probe fail before one succeeds.
    #[arg(long, default_value_t = 0)]
    pub fail_attempts: u32,
    /// Attempts before a probe is dead.
    #[arg(long)]
    pub max_attempts: Option<u32>,
}

/// Offline business-document commands.
#[derive(Debug, Subcommand)]
pub enum DocumentCommand {
    /// Check a JSON business document against every rule; prints each violation (rule
    /// id, JSON pointer, message) and exits 1 when the document is invalid.
    Validate(DocumentFile),
    /// Render a JSON business document in a wire format (after checking it).
    Render(RenderArgs),
}

/// A JSON business document file (`-` for standard input).
#[derive(Debug, Clone, Args)]
pub struct DocumentFile {
    /// The JSON file: the JSON:API envelope or the bare attributes.
    pub file: PathBuf,
}

/// Arguments of `document render`.
#[derive(Debug, Clone, Args)]
pub struct RenderArgs {
    /// The JSON file: the JSON:API envelope or the bare attributes.
    pub file: PathBuf,
    /// The wire format.
    #[arg(long, value_enum, default_value_t = RenderFormat::Ubl)]
    pub format: RenderFormat,
    /// Where to write the rendition; standard output when not given.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Wire formats `document render` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// UBL 2.1, Peppol BIS Billing 3.0.
    Ubl,
}

/// Settings of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeSettings {
    /// Address to listen on.
    #[arg(long, env = "EINVOICE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Public base URL used in links (e.g. `https://gateway.example.com`); `http://LISTEN`
    /// when not set.
    #[arg(long, env = "EINVOICE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "EINVOICE_BODY_LIMIT_BYTES", default_value_t = 1024 * 1024)]
    pub body_limit_bytes: usize,

    /// Largest business document request body accepted (`/api/v1/documents/...`), in
    /// bytes: PDF attachments make these larger than other requests.
    #[arg(long, env = "EINVOICE_DOCUMENT_BODY_LIMIT_BYTES", default_value_t = 32 * 1024 * 1024)]
    pub document_body_limit_bytes: usize,

    /// Seconds after which a request is abandoned with 408.
    #[arg(long, env = "EINVOICE_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Seconds in-flight requests get to finish after SIGINT/SIGTERM.
    #[arg(long, env = "EINVOICE_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    pub shutdown_grace_secs: u64,

    /// Apply database migrations on start.
    #[arg(long, env = "EINVOICE_MIGRATE_ON_START", default_value_t = true, action = clap::ArgAction::Set)]
    pub migrate_on_start: bool,

    /// What this process runs: the HTTP API and the job workers (`all`), only the API
    /// (`api`), or only the workers (`worker`, no listener).
    #[arg(long, env = "EINVOICE_ROLE", value_enum, default_value_t = Role::All)]
    pub role: Role,

    /// Shorthand for `--role api`: serve the API without job workers.
    #[arg(long, conflicts_with_all = ["role", "worker_only"])]
    pub no_workers: bool,

    /// Shorthand for `--role worker`: run job workers without the HTTP API.
    #[arg(long, conflicts_with = "role")]
    pub worker_only: bool,

    /// Jobs this process runs at once.
    #[arg(long, env = "EINVOICE_WORKER_CONCURRENCY", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub worker_concurrency: u32,

    /// Seconds a claimed job is leased; workers heartbeat every third of it, and a
    /// crashed worker's jobs are taken over after it expires.
    #[arg(long, env = "EINVOICE_JOB_LEASE_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub job_lease_secs: u64,

    /// Milliseconds an idle worker waits before looking for jobs again.
    #[arg(long, env = "EINVOICE_JOB_POLL_MS", default_value_t = 500, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub job_poll_ms: u64,

    /// The SMP (Peppol capability publishing) and what it publishes.
    #[command(flatten)]
    pub smp: SmpSettings,
}

/// What a `serve` process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// The HTTP API and the job workers.
    All,
    /// The HTTP API only.
    Api,
    /// The job workers only.
    Worker,
}

impl ServeSettings {
    /// The defaults of every flag (no environment variable read), listening on an
    /// ephemeral loopback port: for embedding the gateway and for tests, which change
    /// what they need with struct update syntax.
    pub fn loopback_defaults() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: None,
            body_limit_bytes: 1024 * 1024,
            document_body_limit_bytes: 32 * 1024 * 1024,
            request_timeout_secs: 30,
            shutdown_grace_secs: 30,
            migrate_on_start: true,
            role: Role::All,
            no_workers: false,
            worker_only: false,
            worker_concurrency: 4,
            job_lease_secs: 30,
            job_poll_ms: 500,
            smp: SmpSettings::default(),
        }
    }

    /// The role, after the `--no-workers` and `--worker-only` shorthands.
    pub fn effective_role(&self) -> Role {
        if self.no_workers {
            Role::Api
        } else if self.worker_only {
            Role::Worker
        } else {
            self.role
        }
    }
}

/// Settings of the gateway's SMP: which environment it publishes, where it is served,
/// the key and certificate it signs with, and the access point endpoint it publishes.
/// See `docs/SMP.md`.
#[derive(Debug, Clone, Args)]
pub struct SmpSettings {
    /// Serve the SMP.
    #[arg(id = "smp", long = "smp", env = "EINVOICE_SMP_ENABLED", default_value_t = true, action = clap::ArgAction::Set)]
    pub enabled: bool,

    /// The environment whose `active` legal entities the SMP publishes (`sandbox` or
    /// `production`): one SMP is registered in one SML with one certificate.
    #[arg(
        id = "smp_environment",
        long = "smp-environment",
        env = "EINVOICE_SMP_ENVIRONMENT",
        default_value = "sandbox"
    )]
    pub environment: String,

    /// Path under which the SMP is served on the main listener (`/` for the root).
    #[arg(
        id = "smp_path_prefix",
        long = "smp-path-prefix",
        env = "EINVOICE_SMP_PATH_PREFIX",
        default_value = "/smp"
    )]
    pub path_prefix: String,

    /// Serve the SMP at the root of a listener of its own on this address instead of
    /// under the path prefix of the main listener.
    #[arg(id = "smp_listen", long = "smp-listen", env = "EINVOICE_SMP_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// The SMP's public base URL, as registered in the SML (the ServiceGroup's links
    /// start with it); `PUBLIC_URL` + path prefix (or `http://SMP_LISTEN`) when not set.
    #[arg(
        id = "smp_public_url",
        long = "smp-public-url",
        env = "EINVOICE_SMP_PUBLIC_URL"
    )]
    pub public_url: Option<String>,

    /// PEM file of the SMP's RSA private key (PKCS#8). With the certificate file; when
    /// neither is set a sandbox SMP generates a self-signed pair in `DATA_DIR/smp/`.
    #[arg(
        id = "smp_key_file",
        long = "smp-key-file",
        env = "EINVOICE_SMP_KEY_FILE"
    )]
    pub key_file: Option<PathBuf>,

    /// PEM file of the SMP's certificate (for production: issued by the Peppol SMP CA).
    #[arg(
        id = "smp_certificate_file",
        long = "smp-certificate-file",
        env = "EINVOICE_SMP_CERTIFICATE_FILE"
    )]
    pub certificate_file: Option<PathBuf>,

    /// The access point's AS4 URL published for every document type;
    /// `PUBLIC_URL/as4` when not set.
    #[arg(id = "ap_url", long = "ap-url", env = "EINVOICE_AP_URL")]
    pub ap_url: Option<String>,

    /// PEM file of the access point's certificate; the SMP certificate when not set
    /// (sandbox only).
    #[arg(
        id = "ap_certificate_file",
        long = "ap-certificate-file",
        env = "EINVOICE_AP_CERTIFICATE_FILE"
    )]
    pub ap_certificate_file: Option<PathBuf>,

    /// `ServiceActivationDate` (RFC 3339); the access point certificate's start of
    /// validity when not set.
    #[arg(
        id = "ap_activation_date",
        long = "ap-activation-date",
        env = "EINVOICE_AP_ACTIVATION_DATE"
    )]
    pub activation_date: Option<String>,

    /// `ServiceExpirationDate` (RFC 3339); the access point certificate's end of
    /// validity when not set.
    #[arg(
        id = "ap_expiration_date",
        long = "ap-expiration-date",
        env = "EINVOICE_AP_EXPIRATION_DATE"
    )]
    pub expiration_date: Option<String>,

    /// `ServiceDescription` of the endpoint.
    #[arg(
        id = "smp_service_description",
        long = "smp-service-description",
        env = "EINVOICE_SMP_SERVICE_DESCRIPTION",
        default_value = "einvoice-gateway access point"
    )]
    pub service_description: String,

    /// `TechnicalContactUrl` of the endpoint (a URL or `mailto:` address); the public
    /// URL when not set.
    #[arg(
        id = "smp_technical_contact",
        long = "smp-technical-contact",
        env = "EINVOICE_SMP_TECHNICAL_CONTACT"
    )]
    pub technical_contact: Option<String>,
}

impl Default for SmpSettings {
    /// The defaults of the flags (no environment variables read).
    fn default() -> Self {
        Self {
            enabled: true,
            environment: "sandbox".to_owned(),
            path_prefix: "/smp".to_owned(),
            listen: None,
            public_url: None,
            key_file: None,
            certificate_file: None,
            ap_url: None,
            ap_certificate_file: None,
            activation_date: None,
            expiration_date: None,
            service_description: "einvoice-gateway access point".to_owned(),
            technical_contact: None,
        }
    }
}

/// Parses only the serve settings (flags absent: environment variables and defaults).
#[derive(Debug, Parser)]
struct ServeOnly {
    #[command(flatten)]
    settings: ServeSettings,
}

impl ServeSettings {
    /// The settings `serve` gets when no subcommand is given: environment variables,
    /// then defaults.
    pub fn default_from_env() -> Self {
        ServeOnly::parse_from(["einvoice-gateway"]).settings
    }
}

/// Partner commands.
#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Create a partner and print its first API key and signing secret (shown once).
    Create(PartnerCreate),
}

/// Arguments of `partner create`.
#[derive(Debug, Clone, Args)]
pub struct PartnerCreate {
    /// The partner's company name.
    #[arg(long)]
    pub name: String,
    /// Environment of the first key; `production` also enables production.
    #[arg(long, value_enum, default_value_t = EnvironmentArg::Sandbox)]
    pub environment: EnvironmentArg,
    /// Billing models the partner's tenants may have.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [BillingModelArg::Seats, BillingModelArg::Flow])]
    pub billing_models: Vec<BillingModelArg>,
}

/// `--environment` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EnvironmentArg {
    /// Sandbox.
    Sandbox,
    /// Production.
    Production,
}

/// `--billing-models` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BillingModelArg {
    /// Per legal entity.
    #[value(name = "SEATS", alias = "seats")]
    Seats,
    /// Per document.
    #[value(name = "FLOW", alias = "flow")]
    Flow,
}

//! Wiring of the SMP: its signing identity (configured, or generated for sandbox in the
//! data directory), the endpoint it publishes, and its public URL.

use std::path::Path;

use einvoice_domain::environment::Environment;
use einvoice_domain::service::PublishingService;
use einvoice_http_axum::smp::SmpState;
use einvoice_smp::{EndpointSettings, Signer, SmpIdentity};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::config::{GlobalSettings, SmpSettings};
use crate::wiring::BuildError;

/// How long a generated sandbox certificate is valid.
const SANDBOX_CERTIFICATE_DAYS: i64 = 3 * 365;

fn fail(message: impl Into<String>) -> BuildError {
    BuildError::Smp(message.into())
}

/// The environment the SMP publishes.
pub fn environment(settings: &SmpSettings) -> Result<Environment, BuildError> {
    Environment::parse(&settings.environment).map_err(|error| fail(error.to_string()))
}

/// The SMP's state: signer, endpoint and public URL. `gateway_url` is the main
/// listener's public URL (without trailing slash), `smp_url` the SMP's.
pub fn state(
    global: &GlobalSettings,
    settings: &SmpSettings,
    publishing: PublishingService,
    gateway_url: &str,
    smp_url: &str,
) -> Result<SmpState, BuildError> {
    let identity = identity(global, settings, publishing.environment())?;
    let certificate_der = match &settings.ap_certificate_file {
        Some(path) => einvoice_smp::certificate_from_pem(&read(path)?)
            .map_err(|error| fail(format!("{}: {error}", path.display())))?,
        None if publishing.environment() == Environment::Sandbox => {
            identity.certificate_der().to_vec()
        }
        None => {
            return Err(fail(
                "a production SMP needs the access point certificate (--ap-certificate-file)",
            ));
        }
    };
    let (not_before, not_after) = einvoice_smp::certificate_validity(&certificate_der)
        .map_err(|error| fail(format!("access point certificate: {error}")))?;
    let endpoint = EndpointSettings {
        address: settings
            .ap_url
            .clone()
            .unwrap_or_else(|| format!("{gateway_url}/as4")),
        certificate_der,
        activation: Some(date(settings.activation_date.as_deref(), not_before)?),
        expiration: Some(date(settings.expiration_date.as_deref(), not_after)?),
        description: settings.service_description.clone(),
        technical_contact: settings
            .technical_contact
            .clone()
            .unwrap_or_else(|| gateway_url.to_owned()),
        technical_information: None,
    };
    let signer = Signer::new(&identity).map_err(|error| fail(error.to_string()))?;
    Ok(SmpState::new(publishing, signer, endpoint, smp_url))
}

fn date(text: Option<&str>, default: OffsetDateTime) -> Result<OffsetDateTime, BuildError> {
    text.map_or(Ok(default), |text| {
        OffsetDateTime::parse(text, &Rfc3339)
            .map_err(|error| fail(format!("`{text}` is not an RFC 3339 date-time: {error}")))
    })
}

fn read(path: &Path) -> Result<String, BuildError> {
    std::fs::read_to_string(path).map_err(|error| fail(format!("{}: {error}", path.display())))
}

/// The configured key and certificate; for a sandbox SMP without them, the pair in
/// `DATA_DIR/smp/`, generated (self-signed) on first use.
fn identity(
    global: &GlobalSettings,
    settings: &SmpSettings,
    environment: Environment,
) -> Result<SmpIdentity, BuildError> {
    match (&settings.key_file, &settings.certificate_file) {
        (Some(key), Some(certificate)) => SmpIdentity::from_pem(&read(key)?, &read(certificate)?)
            .map_err(|error| fail(error.to_string())),
        (None, None) if environment == Environment::Sandbox => sandbox_identity(global),
        (None, None) => Err(fail(
            "a production SMP needs its key and certificate (--smp-key-file, --smp-certificate-file)",
        )),
        _ => Err(fail(
            "the SMP key file and certificate file are configured together",
        )),
    }
}

fn sandbox_identity(global: &GlobalSettings) -> Result<SmpIdentity, BuildError> {
    let dir = global.data_dir.join("smp");
    let key_path = dir.join("key.pem");
    let certificate_path = dir.join("certificate.pem");
    if key_path.exists() && certificate_path.exists() {
        return SmpIdentity::from_pem(&read(&key_path)?, &read(&certificate_path)?)
            .map_err(|error| fail(error.to_string()));
    }
    let identity = SmpIdentity::generate_self_signed(
        "einvoice-gateway sandbox SMP",
        OffsetDateTime::now_utc(),
        SANDBOX_CERTIFICATE_DAYS,
    )
    .map_err(|error| fail(error.to_string()))?;
    std::fs::create_dir_all(&dir).map_err(|error| fail(format!("{}: {error}", dir.display())))?;
    write_private(&key_path, identity.key_pem())?;
    std::fs::write(&certificate_path, identity.certificate_pem())
        .map_err(|error| fail(format!("{}: {error}", certificate_path.display())))?;
    tracing::warn!(path = %dir.display(), "generated a self-signed sandbox SMP key and certificate");
    Ok(identity)
}

fn write_private(path: &Path, text: &str) -> Result<(), BuildError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
        })
        .map_err(|error| fail(format!("{}: {error}", path.display())))
}

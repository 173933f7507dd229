//! `einvoice-gateway`: serve the gateway, migrate its database, create partners.

use std::process::ExitCode;

use clap::Parser as _;
use einvoice_app::config::{
    BillingModelArg, Cli, Command, EnvironmentArg, PartnerCommand, ServeSettings,
};
use einvoice_app::wiring::{self, BuildError};
use einvoice_domain::environment::Environment;
use einvoice_domain::service::NewPartner;
use einvoice_domain::tenant::{BillingModel, BillingModels};
use einvoice_domain::text::CompanyName;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    einvoice_app::telemetry::init(cli.global.log_format, &cli.global.log);
    let result = match cli.command {
        None => serve(&cli.global, &ServeSettings::default_from_env()).await,
        Some(Command::Serve(settings)) => serve(&cli.global, &settings).await,
        Some(Command::Migrate) => migrate(&cli.global).await,
        Some(Command::Partner(PartnerCommand::Create(args))) => {
            create_partner(&cli.global, args).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "einvoice-gateway failed");
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(
    global: &einvoice_app::config::GlobalSettings,
    settings: &ServeSettings,
) -> Result<(), BuildError> {
    let running = wiring::start(global, settings).await?;
    if let Some(credentials) = &running.bootstrap {
        println!("A sandbox partner was created for you; these credentials are shown only once.");
        println!("partner id: {}", credentials.partner.id);
        println!("partner key: {}", credentials.key.token.expose());
        println!(
            "signing secret: {}",
            credentials.key.signing_secret.expose()
        );
    }
    println!("einvoice-gateway listening on http://{}", running.addr);
    shutdown_signal().await;
    tracing::info!("shutdown requested; finishing in-flight requests");
    running.shutdown().await;
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

async fn migrate(global: &einvoice_app::config::GlobalSettings) -> Result<(), BuildError> {
    let store = wiring::open_store(global).await?;
    wiring::migrate(&store).await?;
    store.close().await;
    println!("migrations applied");
    Ok(())
}

async fn create_partner(
    global: &einvoice_app::config::GlobalSettings,
    args: einvoice_app::config::PartnerCreate,
) -> Result<(), BuildError> {
    let company_name = CompanyName::parse(&args.name)
        .map_err(|error| BuildError::Startup(format!("--name {error}")))?;
    let models: Vec<BillingModel> = args
        .billing_models
        .iter()
        .map(|model| match model {
            BillingModelArg::Seats => BillingModel::Seats,
            BillingModelArg::Flow => BillingModel::Flow,
        })
        .collect();
    let billing_models = BillingModels::from_models(&models).ok_or_else(|| {
        BuildError::Startup("--billing-models needs at least one model".to_owned())
    })?;
    let environment = match args.environment {
        EnvironmentArg::Sandbox => Environment::Sandbox,
        EnvironmentArg::Production => Environment::Production,
    };
    let store = wiring::open_store(global).await?;
    wiring::migrate(&store).await?;
    let services = wiring::services(&store, wiring::master_key(global)?);
    let (partner, key) = services
        .partners
        .create_partner(NewPartner {
            company_name,
            environment,
            billing_models,
        })
        .await
        .map_err(|error| BuildError::Startup(error.to_string()))?;
    store.close().await;
    println!("partner id: {}", partner.id);
    println!("partner key: {}", key.token.expose());
    println!("signing secret: {}", key.signing_secret.expose());
    Ok(())
}

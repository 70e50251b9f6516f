//! `openkyc serve`: the verification service (`openkyc-server`) on the
//! embedded SQLite database and local files under one data directory.
//! Settings come from `--config`, `OPENKYC_*` variables and the flags,
//! validated before anything starts; the process stops gracefully on
//! SIGINT or SIGTERM.

use super::{Outcome, EXIT_VALID};
use anyhow::Context;
use clap::Args;
use openkyc_server::config::{self, Overrides};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `openkyc serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// The data directory: database, images, secrets, demo key (default ./openkyc-data).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A configuration file (see config/openkyc.example.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Verification workers in this process.
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
}

/// Loads and validates the configuration, then serves until a signal.
pub fn run(args: &ServeArgs) -> anyhow::Result<Outcome> {
    let overrides = Overrides {
        listen: args.listen.clone(),
        data_dir: args.data_dir.clone(),
        workers: args.workers,
    };
    let loaded = config::load(args.config.as_deref(), std::env::vars(), &overrides).context("configuration")?;
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let running = openkyc_server::start(loaded.config)
            .await
            .context("starting the service")?;
        announce(&running).context("writing to standard output")?;
        openkyc_server::shutdown_signal().await;
        tracing::info!("signal received: stopping");
        running.stop().await.context("stopping the service")
    })?;
    Ok(Outcome::text("openkyc serve: stopped".into(), EXIT_VALID))
}

/// Tells where to go: the API, its OpenAPI document, the demo key, the
/// review console and how to make its first account.
fn announce(running: &openkyc_server::Running) -> std::io::Result<()> {
    let base = running.base_url();
    let mut out = std::io::stdout().lock();
    writeln!(out, "openkyc serve is listening")?;
    writeln!(out, "  API:     {base}")?;
    writeln!(out, "  OpenAPI: {base}/openapi.json")?;
    match &running.demo_key_file {
        Some(path) => writeln!(out, "  Demo operator key: {} (how to sign is inside)", path.display())?,
        None => writeln!(out, "  Operator keys: the demo key file was removed; use your own keys")?,
    }
    let console = base.strip_suffix("/v1").unwrap_or(&base);
    writeln!(out, "  Review console: {console}/console")?;
    writeln!(
        out,
        "    accounts: openkyc user add EMAIL --role reviewer|senior|admin --data-dir {} (password on standard input)",
        running.state.config.data_dir.display()
    )?;
    out.flush()
}

//! `openkyc key add|list|revoke --data-dir DIR`: the operator API keys of a
//! data directory, for rotation: add a new key, move the backend to it,
//! revoke the old one. A secret is printed once, at creation; the database
//! keeps it sealed with the data directory's master key.

use super::{Outcome, EXIT_INVALID, EXIT_VALID};
use anyhow::Context;
use openkyc_store::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// `openkyc key …`.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Create an API key; its secret is printed once.
    Add {
        /// A label for people (the backend or environment that uses it).
        name: String,
        /// The service's data directory.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// List the keys (never their secrets).
    List {
        /// The service's data directory.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Revoke a key: requests signed with it are refused from now on.
    Revoke {
        /// The key id (`key_…`).
        key_id: String,
        /// The service's data directory.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
}

#[derive(Serialize)]
struct Created<'a> {
    key_id: &'a str,
    secret: &'a str,
    note: &'static str,
}

#[derive(Serialize)]
struct Listed {
    id: String,
    name: String,
    created_at_ms: i64,
    revoked_at_ms: Option<i64>,
}

/// Runs `openkyc key …`: exit 0 when done, 1 when the key to revoke is
/// unknown or already revoked.
pub fn run(command: &KeyCommand) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        match command {
            KeyCommand::Add { name, data_dir } => add(name, data_dir).await,
            KeyCommand::List { data_dir } => list(data_dir).await,
            KeyCommand::Revoke { key_id, data_dir } => revoke(key_id, data_dir).await,
        }
    })
}

/// The data directory's database, which `openkyc serve` must have created.
pub(super) async fn open(data_dir: &Path) -> anyhow::Result<Store> {
    anyhow::ensure!(
        data_dir.join("openkyc.db").is_file(),
        "{} holds no openkyc database: start `openkyc serve --data-dir {}` once first",
        data_dir.display(),
        data_dir.display()
    );
    Store::open(data_dir)
        .await
        .with_context(|| format!("opening the database in {}", data_dir.display()))
}

async fn add(name: &str, data_dir: &Path) -> anyhow::Result<Outcome> {
    let store = open(data_dir).await?;
    let (secrets, _) = openkyc_server::secrets::load_or_create(data_dir).context("reading the secrets file")?;
    let (key_id, secret) = store.create_api_key(name, &secrets.master_key).await?;
    store.close().await;
    Outcome::new(
        &Created {
            key_id: &key_id,
            secret: &secret,
            note: "shown once: sign requests with X-App-Key = key_id and the HMAC-SHA256 key = the secret's bytes",
        },
        EXIT_VALID,
    )
}

async fn list(data_dir: &Path) -> anyhow::Result<Outcome> {
    let store = open(data_dir).await?;
    let keys: Vec<Listed> = store
        .list_api_keys()
        .await?
        .into_iter()
        .map(|key| Listed {
            id: key.id,
            name: key.name,
            created_at_ms: key.created_at,
            revoked_at_ms: key.revoked_at,
        })
        .collect();
    store.close().await;
    Outcome::new(&keys, EXIT_VALID)
}

async fn revoke(key_id: &str, data_dir: &Path) -> anyhow::Result<Outcome> {
    let store = open(data_dir).await?;
    let revoked = store.revoke_api_key(key_id).await?;
    store.close().await;
    let exit = if revoked { EXIT_VALID } else { EXIT_INVALID };
    Outcome::new(&serde_json::json!({ "key_id": key_id, "revoked": revoked }), exit)
}

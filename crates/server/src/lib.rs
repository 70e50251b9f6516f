//! `openkyc serve`: the signed REST API under `/v1`, applicant tokens,
//! in-process workers that run the pipeline, signed webhooks from an
//! outbox, Prometheus metrics and the OpenAPI document.
//!
//! - [`config`]: `openkyc.toml` + `OPENKYC_*` + flags, validated at start.
//! - [`secrets`]: `data_dir/secrets.toml`, generated on first start (0600).
//! - [`auth`]: operator request signatures (`X-App-Key`, `X-App-Access-Ts`,
//!   `X-App-Access-Sig`) and applicant tokens (`Authorization: Bearer`).
//! - [`error`]: every error as JSON with a stable code and the request id.
//! - [`routes`]: the handlers; [`openapi`]: the document generated from them.
//! - [`metrics`]: Prometheus families; [`background`]: workers and webhook
//!   delivery.
//!
//! [`start`] runs the whole service and returns a handle (tests use it on
//! `127.0.0.1:0`); [`serve`] runs it until a shutdown signal.

pub mod auth;
pub mod background;
pub mod config;
pub mod console;
pub mod error;
pub mod info;
pub mod metrics;
pub mod openapi;
pub mod reviewers;
pub mod routes;
pub mod secrets;
pub mod state;
pub mod status_page;
pub mod views;

use crate::background::{DeliveryConfig, WebhookEndpoint, WorkerConfig};
use crate::config::ServeConfig;
use crate::metrics::Metrics;
use crate::state::AppState;
use openkyc_levels::Levels;
use openkyc_pipeline::PipelineOptions;
use openkyc_store::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The demo operator key's file inside the data directory.
pub const DEMO_KEY_FILE: &str = "demo-operator-key.txt";

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data directory or a file in it.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// The secrets file.
    #[error(transparent)]
    Secrets(#[from] secrets::SecretsError),
    /// The database.
    #[error("database: {0}")]
    Store(#[from] openkyc_store::StoreError),
    /// The levels file.
    #[error("levels: {0}")]
    Levels(String),
    /// The precheck configuration or a key.
    #[error("setup: {0}")]
    Setup(String),
}

fn io_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ServeError {
    let what = what.into();
    move |source| ServeError::Io { what, source }
}

/// The demo operator key written on first start.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoKey {
    /// `key_…`.
    pub key_id: String,
    /// Its secret (the UTF-8 bytes of this text are the HMAC key).
    pub secret: String,
}

impl std::fmt::Debug for DemoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DemoKey({})", self.key_id)
    }
}

impl DemoKey {
    /// Reads the key back from `data_dir/demo-operator-key.txt`.
    pub fn read(data_dir: &Path) -> Option<DemoKey> {
        let text = std::fs::read_to_string(data_dir.join(DEMO_KEY_FILE)).ok()?;
        let value = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(name))
                .map(|rest| rest.trim().to_owned())
        };
        Some(DemoKey {
            key_id: value("key_id:")?,
            secret: value("secret:")?,
        })
    }
}

/// Creates the demo operator key when the database holds no key yet, and
/// writes it (0600) with how to sign. Returns the file when it exists.
async fn ensure_demo_key(store: &Store, master: &[u8; 32], data_dir: &Path) -> Result<Option<PathBuf>, ServeError> {
    let path = data_dir.join(DEMO_KEY_FILE);
    if !store.list_api_keys().await?.is_empty() {
        return Ok(path.exists().then_some(path));
    }
    let (key_id, secret) = store.create_api_key("demo", master).await?;
    let text = format!(
        "# openkyc demo operator key, created on first start. Revoke it before production.\n\
         key_id: {key_id}\n\
         secret: {secret}\n\
         # Sign each request with headers X-App-Key: <key_id>, X-App-Access-Ts: <unix seconds or milliseconds>, \
         X-App-Access-Sig: lowercase hex HMAC-SHA256, keyed with the secret's text, of ts + METHOD + path with query + body.\n"
    );
    // A file left from another database would hold a key this one does not know.
    if path.exists() {
        std::fs::remove_file(&path).map_err(io_error(format!("replacing {}", path.display())))?;
    }
    secrets::write_private(&path, &text).map_err(io_error(format!("writing {}", path.display())))?;
    Ok(Some(path))
}

fn load_levels(config: &ServeConfig) -> Result<Levels, ServeError> {
    match &config.levels {
        None => Levels::shipped().map_err(|error| ServeError::Levels(error.to_string())),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(io_error(format!("reading {}", path.display())))?;
            Levels::from_toml(&text).map_err(|error| ServeError::Levels(format!("{}: {error}", path.display())))
        }
    }
}

fn load_review_hours(config: &ServeConfig) -> Result<openkyc_reviewhours::ReviewHours, ServeError> {
    match &config.review_hours {
        None => openkyc_reviewhours::ReviewHours::shipped().map_err(|error| ServeError::Setup(error.to_string())),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(io_error(format!("reading {}", path.display())))?;
            openkyc_reviewhours::ReviewHours::from_toml(&text)
                .map_err(|error| ServeError::Setup(format!("review_hours {}: {error}", path.display())))
        }
    }
}

fn precheck_config(config: &ServeConfig) -> Result<openkyc_precheck::PrecheckConfig, ServeError> {
    let mut precheck =
        openkyc_precheck::PrecheckConfig::shipped().map_err(|error| ServeError::Setup(error.to_string()))?;
    precheck.intake.max_bytes = config.max_upload_bytes;
    precheck.intake.max_pixels = config.max_pixels;
    Ok(precheck)
}

/// A running service.
#[derive(Debug)]
pub struct Running {
    /// The address it listens on (the port chosen when 0 was asked).
    pub addr: SocketAddr,
    /// The demo operator key's file, when there is one.
    pub demo_key_file: Option<PathBuf>,
    /// The shared state (tests read the store and metrics).
    pub state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    background: Vec<JoinHandle<()>>,
}

impl Running {
    /// `http://ADDR/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Stops accepting, lets requests and the background tasks finish.
    pub async fn stop(self) -> Result<(), ServeError> {
        let _ = self.shutdown.send(true);
        let served = self.server.await;
        for task in self.background {
            // A task that panicked has already logged; shutting down goes on.
            let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
        }
        self.state.store.close().await;
        match served {
            Ok(result) => result.map_err(io_error("serving")),
            Err(join) => Err(ServeError::Setup(format!("the server task failed: {join}"))),
        }
    }
}

/// Opens the data directory and database, binds, starts the workers, the
/// webhook delivery and the HTTP server.
pub async fn start(config: ServeConfig) -> Result<Running, ServeError> {
    check_worker_files(&config)?;
    let data_dir = config.data_dir.clone();
    create_private_dir(&data_dir)?;
    let (secrets, _created) = secrets::load_or_create(&data_dir)?;
    let store = match &config.database_url {
        Some(url) => Store::open_url(url, &data_dir.join(openkyc_store::BLOB_DIR)).await?,
        None => Store::open(&data_dir).await?,
    };
    let demo_key_file = ensure_demo_key(&store, &secrets.master_key, &data_dir).await?;
    let levels = Arc::new(load_levels(&config)?);
    let challenge_key = openkyc_liveness::ChallengeKey::new(&secrets.liveness_key)
        .map_err(|error| ServeError::Setup(error.to_string()))?;
    let metrics = Arc::new(Metrics::new());
    let state = Arc::new(AppState {
        store: store.clone(),
        precheck: Arc::new(precheck_config(&config)?),
        config: Arc::new(config.clone()),
        secrets: Arc::new(secrets.clone()),
        levels: Arc::clone(&levels),
        review_hours: Arc::new(load_review_hours(&config)?),
        metrics: Arc::clone(&metrics),
        challenge_key,
        background_started: AtomicBool::new(false),
        image_permits: tokio::sync::Semaphore::new(std::thread::available_parallelism().map(usize::from).unwrap_or(2)),
        password_permits: tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map(usize::from).unwrap_or(2),
        ),
        upload_views: std::sync::Mutex::default(),
        crops: std::sync::Mutex::default(),
        throttle_audits: std::sync::Mutex::default(),
    });
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(io_error(format!("listening on {}", config.listen)))?;
    let addr = listener.local_addr().map_err(io_error("reading the bound address"))?;
    let (shutdown, watcher) = watch::channel(false);
    let mut background = background::start_workers(
        store.clone(),
        worker_config(&config, &secrets, levels),
        Arc::clone(&metrics),
        watcher.clone(),
    );
    background.push(background::start_delivery(
        store,
        delivery_config(&config, &secrets),
        metrics,
        watcher.clone(),
    ));
    state.mark_started();
    let app = routes::router(Arc::clone(&state));
    let mut stop = watcher;
    let server = tokio::spawn(async move {
        // The peer address feeds the console's sign-in throttle and audit log.
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stopping| *stopping).await;
            })
            .await
    });
    tracing::info!(%addr, "openkyc serve listening");
    Ok(Running {
        addr,
        demo_key_file,
        state,
        shutdown,
        server,
        background,
    })
}

/// Creates the data directory readable by its owner only (it holds
/// personal data and the secrets); an existing one is left as the operator
/// set it up.
fn create_private_dir(dir: &Path) -> Result<(), ServeError> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(io_error(format!("creating {}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io_error(format!("restricting {}", dir.display())))?;
    }
    Ok(())
}

/// The files every worker's pipeline reads, checked before anything starts:
/// a worker that cannot load would otherwise leave jobs queued forever.
fn check_worker_files(config: &ServeConfig) -> Result<(), ServeError> {
    if config.workers == 0 {
        return Ok(());
    }
    std::fs::metadata(&config.ocrb_font).map_err(|error| {
        ServeError::Setup(format!(
            "ocrb_font (OPENKYC_OCRB_FONT): cannot read {}: {error}; install Debian's fonts-ocr-b or set the key",
            config.ocrb_font.display()
        ))
    })?;
    Ok(())
}

fn worker_config(config: &ServeConfig, secrets: &secrets::Secrets, levels: Arc<Levels>) -> WorkerConfig {
    WorkerConfig {
        workers: config.workers,
        lease: config.lease,
        poll: Duration::from_millis(250),
        pipeline: PipelineOptions {
            models_dir: config.models_dir.clone(),
            ocrb_font: config.ocrb_font.clone(),
            document_key_secret: secrets.document_key_secret.clone(),
        },
        levels,
        fault: config.fault,
    }
}

fn delivery_config(config: &ServeConfig, secrets: &secrets::Secrets) -> DeliveryConfig {
    let endpoints = config
        .webhook_url
        .iter()
        .map(|url| WebhookEndpoint {
            url: url.clone(),
            secret: config
                .webhook_secret
                .clone()
                .unwrap_or_else(|| secrets.webhook_secret.clone()),
        })
        .collect();
    DeliveryConfig {
        endpoints,
        stored_endpoints_key: Some(secrets.master_key),
        max_attempts: 12,
        base_backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(3600),
        timeout: Duration::from_secs(10),
        poll: Duration::from_millis(500),
    }
}

/// Runs the service until `shutdown` completes (e.g. SIGINT or SIGTERM),
/// then stops gracefully.
pub async fn serve(config: ServeConfig, shutdown: impl Future<Output = ()>) -> Result<(), ServeError> {
    let running = start(config).await?;
    shutdown.await;
    tracing::info!("shutting down");
    running.stop().await
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod data_dir_tests {
    #[cfg(unix)]
    #[test]
    fn a_new_data_directory_is_private_and_an_existing_one_is_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let fresh = root.path().join("a/b");
        super::create_private_dir(&fresh).unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o700);
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o750)).unwrap();
        super::create_private_dir(root.path()).unwrap();
        assert_eq!(
            std::fs::metadata(root.path()).unwrap().permissions().mode() & 0o777,
            0o750
        );
    }
}

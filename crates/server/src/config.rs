//! The service's configuration: `openkyc.toml` (flat keys), then every key
//! overridden by its `OPENKYC_<KEY>` environment variable, then the
//! command-line flags. Validated once, at start: a bad value fails with a
//! message naming the key and where it came from; an unknown key in the
//! file is refused, an unknown `OPENKYC_*` variable is warned about.

use crate::background::Fault;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every key: its name in the TOML file; the environment variable is
/// `OPENKYC_` + the key in upper case.
pub const KEYS: &[&str] = &[
    "listen",
    "data_dir",
    "database_url",
    "workers",
    "levels",
    "review_hours",
    "models_dir",
    "ocrb_font",
    "webhook_url",
    "webhook_secret",
    "token_ttl_secs",
    "max_upload_bytes",
    "max_pixels",
    "max_clip_bytes",
    "max_frames",
    "lease_secs",
    "fault",
    "console_four_eyes",
    "console_claim_minutes",
    "console_session_idle_minutes",
    "console_cookie_secure",
    "trusted_proxies",
    "webhook_private_networks",
];

/// Variables of the `OPENKYC_` family that are not settings of the service
/// but are read by the model scripts and the test suites: not warned about.
const OTHER_KNOWN_VARS: &[&str] = &[
    "OPENKYC_REQUIRE_MODELS",
    "OPENKYC_REQUIRE_BROWSER",
    "OPENKYC_WHEEL_CACHE",
    "OPENKYC_CONVERT_CACHE",
    "OPENKYC_MRZOCR_SWEEP",
    "OPENKYC_MRZOCR_SWEEP_SEED",
];

/// The default listening address: loopback only, so a first start exposes
/// nothing to the network.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The default data directory, relative to the working directory.
pub const DEFAULT_DATA_DIR: &str = "openkyc-data";
/// Debian's `fonts-ocr-b`.
pub const DEFAULT_OCRB_FONT: &str = "/usr/share/fonts/opentype/ocr-b/OCRB.otf";

/// The settings `openkyc serve` runs with, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeConfig {
    /// Where the API listens.
    pub listen: SocketAddr,
    /// The data directory: database, images, secrets, the demo key.
    pub data_dir: PathBuf,
    /// `sqlite://…` (default: `data_dir/openkyc.db`).
    pub database_url: Option<String>,
    /// In-process verification workers (each loads its own models).
    pub workers: usize,
    /// A levels file; `None`: the shipped `config/levels.toml`.
    pub levels: Option<PathBuf>,
    /// The review team's hours (time zone, days, hours, holidays, SLAs);
    /// `None`: the shipped `config/review-hours.toml`.
    pub review_hours: Option<PathBuf>,
    /// The models directory; `None`: where `make models` puts them.
    pub models_dir: Option<PathBuf>,
    /// The OCR-B font the document reader needs.
    pub ocrb_font: PathBuf,
    /// Where webhooks go; `None`: events stay in the outbox.
    pub webhook_url: Option<String>,
    /// The `whsec_` secret; `None`: the one generated in `secrets.toml`.
    pub webhook_secret: Option<String>,
    /// Default lifetime of applicant access tokens.
    pub token_ttl_secs: u64,
    /// Largest image upload (document side, selfie, one frame).
    pub max_upload_bytes: usize,
    /// Most pixels an uploaded image may declare.
    pub max_pixels: u64,
    /// Largest liveness upload (a video, or all frames together).
    pub max_clip_bytes: usize,
    /// Most frames in one liveness upload.
    pub max_frames: usize,
    /// How long a worker's claim on a job lasts without being renewed.
    pub lease: Duration,
    /// A failure injected on purpose (tests).
    pub fault: Option<Fault>,
    /// The review console.
    pub console: ConsoleSettings,
}

/// The review console's settings (`console_*` keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSettings {
    /// A `reviewer`'s rejection needs a second reviewer's agreement (four
    /// eyes); without it, only a `senior` may reject. A senior always may.
    pub four_eyes: bool,
    /// How long a reviewer's claim on a case lasts before another may take it.
    pub claim: Duration,
    /// A console session ends after this long without a request.
    pub session_idle: Duration,
    /// Session cookies carry `Secure` (off only for plain-http tests and a
    /// loopback demo).
    pub cookie_secure: bool,
    /// Addresses of the reverse proxies in front of the service: from them,
    /// the client's address is read from `X-Forwarded-For` (for the audit
    /// log and the sign-in throttle); from anyone else, the header is
    /// ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Webhook endpoints added in the console may be loopback, private or
    /// link-local addresses (or `localhost`). Off by default: a stolen admin
    /// session must not turn the delivery loop on the internal network.
    pub webhook_private_networks: bool,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        ConsoleSettings {
            four_eyes: true,
            claim: Duration::from_secs(15 * 60),
            session_idle: Duration::from_secs(30 * 60),
            cookie_secure: true,
            // A TLS proxy on the same host is the common set-up (the service
            // speaks plain HTTP, and session cookies are Secure).
            trusted_proxies: vec![
                std::net::IpAddr::from([127, 0, 0, 1]),
                std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
            ],
            webhook_private_networks: false,
        }
    }
}

impl ServeConfig {
    /// The defaults with `data_dir`, listening on `listen`.
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> ServeConfig {
        ServeConfig {
            listen,
            data_dir,
            database_url: None,
            workers: 1,
            levels: None,
            review_hours: None,
            models_dir: None,
            ocrb_font: PathBuf::from(DEFAULT_OCRB_FONT),
            webhook_url: None,
            webhook_secret: None,
            token_ttl_secs: 900,
            max_upload_bytes: 15 * 1024 * 1024,
            max_pixels: 50_000_000,
            max_clip_bytes: 40 * 1024 * 1024,
            max_frames: 64,
            lease: Duration::from_secs(120),
            fault: None,
            console: ConsoleSettings::default(),
        }
    }
}

/// A setting that cannot be used; the message names the key and its source.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The configuration file could not be read.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A key or value is wrong.
    #[error("{source_name}: {key}: {message}")]
    Invalid {
        /// The key (`workers`).
        key: String,
        /// Where the value came from (`openkyc.toml`, `OPENKYC_WORKERS`, `--workers`).
        source_name: String,
        /// What is wrong.
        message: String,
    },
}

/// The command-line flags that override the file and the environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--listen`.
    pub listen: Option<String>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--workers`.
    pub workers: Option<usize>,
}

/// One value and where it came from.
#[derive(Debug, Clone)]
struct Setting {
    value: toml::Value,
    source: String,
}

/// The loaded configuration and the warnings to log (unknown variables).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The configuration.
    pub config: ServeConfig,
    /// Things to tell the operator, e.g. an unknown `OPENKYC_*` variable.
    pub warnings: Vec<String>,
}

/// Loads the configuration: the file (if any), the environment (`vars`,
/// e.g. `std::env::vars()`), then the flags.
pub fn load(
    file: Option<&Path>,
    vars: impl IntoIterator<Item = (String, String)>,
    overrides: &Overrides,
) -> Result<Loaded, ConfigError> {
    let mut settings: BTreeMap<String, Setting> = BTreeMap::new();
    if let Some(path) = file {
        read_file(path, &mut settings)?;
    }
    let warnings = read_env(vars, &mut settings);
    if let Some(listen) = &overrides.listen {
        settings.insert("listen".into(), flag(toml::Value::String(listen.clone()), "--listen"));
    }
    if let Some(dir) = &overrides.data_dir {
        let text = dir.to_string_lossy().into_owned();
        settings.insert("data_dir".into(), flag(toml::Value::String(text), "--data-dir"));
    }
    if let Some(workers) = overrides.workers {
        let value = toml::Value::Integer(i64::try_from(workers).unwrap_or(i64::MAX));
        settings.insert("workers".into(), flag(value, "--workers"));
    }
    Ok(Loaded {
        config: build(&settings)?,
        warnings,
    })
}

fn flag(value: toml::Value, name: &str) -> Setting {
    Setting {
        value,
        source: name.to_owned(),
    }
}

fn read_file(path: &Path, settings: &mut BTreeMap<String, Setting>) -> Result<(), ConfigError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError::File {
        path: shown.clone(),
        message: error.to_string(),
    })?;
    let table: toml::Table = text.parse().map_err(|error: toml::de::Error| ConfigError::File {
        path: shown.clone(),
        message: error.to_string(),
    })?;
    for (key, value) in table {
        if !KEYS.contains(&key.as_str()) {
            return Err(ConfigError::Invalid {
                key,
                source_name: shown,
                message: format!("unknown key (known: {})", KEYS.join(", ")),
            });
        }
        settings.insert(
            key,
            Setting {
                value,
                source: shown.clone(),
            },
        );
    }
    Ok(())
}

/// Reads `OPENKYC_<KEY>` variables; returns a warning per unknown one.
fn read_env(vars: impl IntoIterator<Item = (String, String)>, settings: &mut BTreeMap<String, Setting>) -> Vec<String> {
    let mut warnings = Vec::new();
    for (name, value) in vars {
        let Some(rest) = name.strip_prefix("OPENKYC_") else {
            continue;
        };
        let key = rest.to_ascii_lowercase();
        if KEYS.contains(&key.as_str()) {
            settings.insert(
                key,
                Setting {
                    value: toml::Value::String(value),
                    source: name,
                },
            );
        } else if !OTHER_KNOWN_VARS.contains(&name.as_str()) {
            warnings.push(format!(
                "{name} is not an openkyc setting and is ignored (known: {})",
                KEYS.iter()
                    .map(|key| format!("OPENKYC_{}", key.to_ascii_uppercase()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    warnings
}

/// Typed access to the settings, each error naming the key.
struct Reader<'a> {
    settings: &'a BTreeMap<String, Setting>,
}

impl Reader<'_> {
    fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            key: key.to_owned(),
            source_name: self
                .settings
                .get(key)
                .map(|setting| setting.source.clone())
                .unwrap_or_else(|| "default".into()),
            message: message.into(),
        }
    }

    fn text(&self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.settings.get(key).map(|setting| &setting.value) {
            None => Ok(None),
            Some(toml::Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(toml::Value::String(text)) => Ok(Some(text.trim().to_owned())),
            Some(_) => Err(self.invalid(key, "expected a string")),
        }
    }

    fn flag(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.settings.get(key).map(|setting| &setting.value) {
            None => Ok(None),
            Some(toml::Value::Boolean(value)) => Ok(Some(*value)),
            Some(toml::Value::String(text)) => match text.trim() {
                "" => Ok(None),
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(self.invalid(key, "expected true or false")),
            },
            Some(_) => Err(self.invalid(key, "expected true or false")),
        }
    }

    fn number(&self, key: &str, range: std::ops::RangeInclusive<u64>) -> Result<Option<u64>, ConfigError> {
        let number = match self.settings.get(key).map(|setting| &setting.value) {
            None => return Ok(None),
            Some(toml::Value::String(text)) if text.trim().is_empty() => return Ok(None),
            Some(toml::Value::Integer(number)) => u64::try_from(*number).ok(),
            Some(toml::Value::String(text)) => text.trim().replace('_', "").parse::<u64>().ok(),
            Some(_) => None,
        };
        match number {
            Some(number) if range.contains(&number) => Ok(Some(number)),
            _ => Err(self.invalid(
                key,
                format!("expected a whole number from {} to {}", range.start(), range.end()),
            )),
        }
    }
}

fn build(settings: &BTreeMap<String, Setting>) -> Result<ServeConfig, ConfigError> {
    let read = Reader { settings };
    let listen_text = read.text("listen")?.unwrap_or_else(|| DEFAULT_LISTEN.into());
    let listen: SocketAddr = listen_text
        .parse()
        .map_err(|_| read.invalid("listen", "expected an address and port, e.g. 127.0.0.1:8080"))?;
    let data_dir = PathBuf::from(read.text("data_dir")?.unwrap_or_else(|| DEFAULT_DATA_DIR.into()));
    let mut config = ServeConfig::new(listen, data_dir);
    config.database_url = read.text("database_url")?;
    if let Some(url) = &config.database_url {
        if !url.starts_with("sqlite:") {
            return Err(read.invalid("database_url", "only sqlite:// URLs are supported by this version"));
        }
    }
    read_numbers(&read, &mut config)?;
    config.levels = read.text("levels")?.map(PathBuf::from);
    config.review_hours = read.text("review_hours")?.map(PathBuf::from);
    config.models_dir = read.text("models_dir")?.map(PathBuf::from);
    if let Some(font) = read.text("ocrb_font")? {
        config.ocrb_font = PathBuf::from(font);
    }
    config.webhook_url = read.text("webhook_url")?;
    if let Some(url) = &config.webhook_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(read.invalid("webhook_url", "expected an http:// or https:// URL"));
        }
    }
    config.webhook_secret = read.text("webhook_secret")?;
    if let Some(secret) = &config.webhook_secret {
        if !secret.starts_with("whsec_") {
            return Err(read.invalid("webhook_secret", "expected a secret starting with whsec_"));
        }
    }
    if let Some(four_eyes) = read.flag("console_four_eyes")? {
        config.console.four_eyes = four_eyes;
    }
    if let Some(secure) = read.flag("console_cookie_secure")? {
        config.console.cookie_secure = secure;
    }
    if let Some(private) = read.flag("webhook_private_networks")? {
        config.console.webhook_private_networks = private;
    }
    if let Some(proxies) = read.text("trusted_proxies")? {
        config.console.trusted_proxies = proxies
            .split(',')
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(|text| text.parse())
            .collect::<Result<_, _>>()
            .map_err(|_| read.invalid("trusted_proxies", "expected IP addresses separated by commas"))?;
    }
    config.fault = match read.text("fault")?.as_deref() {
        None | Some("none") => None,
        Some("exit_after_analyse") => Some(Fault::ExitAfterAnalyse),
        Some(_) => return Err(read.invalid("fault", "expected exit_after_analyse or none")),
    };
    Ok(config)
}

fn read_numbers(read: &Reader<'_>, config: &mut ServeConfig) -> Result<(), ConfigError> {
    const MIB: u64 = 1024 * 1024;
    if let Some(workers) = read.number("workers", 0..=64)? {
        config.workers = workers as usize;
    }
    if let Some(ttl) = read.number("token_ttl_secs", 60..=86_400)? {
        config.token_ttl_secs = ttl;
    }
    if let Some(bytes) = read.number("max_upload_bytes", 1024..=100 * MIB)? {
        config.max_upload_bytes = bytes as usize;
    }
    if let Some(pixels) = read.number("max_pixels", 10_000..=200_000_000)? {
        config.max_pixels = pixels;
    }
    if let Some(bytes) = read.number("max_clip_bytes", 1024..=500 * MIB)? {
        config.max_clip_bytes = bytes as usize;
    }
    if let Some(frames) = read.number("max_frames", 1..=600)? {
        config.max_frames = frames as usize;
    }
    if let Some(secs) = read.number("lease_secs", 5..=3600)? {
        config.lease = Duration::from_secs(secs);
    }
    if let Some(minutes) = read.number("console_claim_minutes", 1..=24 * 60)? {
        config.console.claim = Duration::from_secs(minutes * 60);
    }
    if let Some(minutes) = read.number("console_session_idle_minutes", 1..=24 * 60)? {
        config.console.session_idle = Duration::from_secs(minutes * 60);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn write(text: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        file
    }

    fn loaded_default_proxies() -> usize {
        let loaded = load(None, env(&[]), &Overrides::default()).unwrap();
        assert!(!loaded.config.console.webhook_private_networks);
        loaded.config.console.trusted_proxies.len()
    }

    #[test]
    fn console_settings_read_from_file_and_environment() {
        let loaded = load(None, env(&[]), &Overrides::default()).unwrap();
        assert_eq!(loaded.config.console, ConsoleSettings::default());
        assert!(loaded.config.console.four_eyes && loaded.config.console.cookie_secure);
        let file = write("console_four_eyes = false\nconsole_claim_minutes = 5\n");
        let vars = env(&[("OPENKYC_CONSOLE_COOKIE_SECURE", "false")]);
        let console = load(Some(file.path()), vars, &Overrides::default())
            .unwrap()
            .config
            .console;
        assert!(!console.four_eyes && !console.cookie_secure);
        assert_eq!(console.claim, Duration::from_secs(300));
        let error = load(
            None,
            env(&[("OPENKYC_CONSOLE_FOUR_EYES", "maybe")]),
            &Overrides::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("console_four_eyes"), "{error}");
        assert_eq!(loaded_default_proxies(), 2, "loopback proxies are trusted by default");
        let vars = env(&[("OPENKYC_TRUSTED_PROXIES", "10.0.0.1, ::1")]);
        let proxies = load(None, vars, &Overrides::default())
            .unwrap()
            .config
            .console
            .trusted_proxies;
        assert_eq!(proxies.len(), 2);
        let vars = env(&[("OPENKYC_TRUSTED_PROXIES", "10.0.0.1, proxy")]);
        let error = load(None, vars, &Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("trusted_proxies"), "{error}");
    }

    #[test]
    fn defaults_then_file_then_environment_then_flags() {
        let loaded = load(None, env(&[]), &Overrides::default()).unwrap();
        assert_eq!(loaded.config.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(loaded.config.workers, 1);

        let file = write("listen = \"127.0.0.1:9000\"\nworkers = 3\ntoken_ttl_secs = 600\n");
        let loaded = load(Some(file.path()), env(&[]), &Overrides::default()).unwrap();
        assert_eq!(loaded.config.listen.port(), 9000);
        assert_eq!(loaded.config.workers, 3);
        assert_eq!(loaded.config.token_ttl_secs, 600);

        let vars = env(&[
            ("OPENKYC_WORKERS", "5"),
            ("OPENKYC_DATA_DIR", "/tmp/x"),
            ("PATH", "/bin"),
        ]);
        let loaded = load(Some(file.path()), vars.clone(), &Overrides::default()).unwrap();
        assert_eq!(loaded.config.workers, 5);
        assert_eq!(loaded.config.data_dir, PathBuf::from("/tmp/x"));
        assert!(loaded.warnings.is_empty());

        let flags = Overrides {
            workers: Some(2),
            listen: Some("0.0.0.0:1".into()),
            data_dir: None,
        };
        let loaded = load(Some(file.path()), vars, &flags).unwrap();
        assert_eq!(loaded.config.workers, 2);
        assert_eq!(loaded.config.listen.port(), 1);
    }

    #[test]
    fn a_bad_value_names_its_key_and_source() {
        let error = load(None, env(&[("OPENKYC_WORKERS", "many")]), &Overrides::default()).unwrap_err();
        let text = error.to_string();
        assert!(text.starts_with("OPENKYC_WORKERS: workers:"), "{text}");

        let file = write("listen = \"nowhere\"\n");
        let error = load(Some(file.path()), env(&[]), &Overrides::default()).unwrap_err();
        assert!(
            matches!(&error, ConfigError::Invalid { key, .. } if key == "listen"),
            "{error}"
        );

        let error = load(None, env(&[("OPENKYC_FAULT", "explode")]), &Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("fault"), "{error}");

        let error = load(None, env(&[("OPENKYC_WEBHOOK_SECRET", "plain")]), &Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("webhook_secret"), "{error}");

        let error = load(None, env(&[("OPENKYC_MAX_UPLOAD_BYTES", "10")]), &Overrides::default()).unwrap_err();
        assert!(error.to_string().contains("max_upload_bytes"), "{error}");
    }

    #[test]
    fn unknown_file_keys_are_refused_and_unknown_variables_warned() {
        let file = write("listn = \"127.0.0.1:1\"\n");
        let error = load(Some(file.path()), env(&[]), &Overrides::default()).unwrap_err();
        assert!(
            matches!(&error, ConfigError::Invalid { key, .. } if key == "listn"),
            "{error}"
        );

        let loaded = load(None, env(&[("OPENKYC_WORKRES", "2")]), &Overrides::default()).unwrap();
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].starts_with("OPENKYC_WORKRES"));
    }

    #[test]
    fn every_key_has_a_variable_and_the_example_file_loads() {
        for key in KEYS {
            let name = format!("OPENKYC_{}", key.to_ascii_uppercase());
            let loaded = load(None, env(&[(name.as_str(), "")]), &Overrides::default()).unwrap();
            assert!(loaded.warnings.is_empty(), "{name}");
        }
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config/openkyc.example.toml");
        let loaded = load(Some(&example), env(&[]), &Overrides::default()).unwrap();
        assert_eq!(loaded.config.listen.to_string(), DEFAULT_LISTEN);
        let text = std::fs::read_to_string(&example).unwrap();
        for key in KEYS {
            assert!(text.contains(&format!("{key} =")), "the example documents {key}");
        }
    }
}

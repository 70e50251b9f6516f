//! The server's secrets, generated on first start into
//! `data_dir/secrets.toml` (mode 0600) and never baked into the code: the
//! master key that seals API secrets, the applicant token key, the
//! document-key secret, the liveness challenge key and a webhook secret.
//! Losing the file invalidates every API key and token; back it up with the
//! database.

use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's name inside the data directory.
pub const SECRETS_FILE: &str = "secrets.toml";

/// The secrets in use. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
pub struct Secrets {
    /// Seals operator API secrets at rest.
    pub master_key: [u8; 32],
    /// Signs applicant access tokens.
    pub token_key: Vec<u8>,
    /// Keys the document hash used for duplicate detection.
    pub document_key_secret: Vec<u8>,
    /// Signs liveness challenges.
    pub liveness_key: Vec<u8>,
    /// Signs webhooks when the configuration gives none.
    pub webhook_secret: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

/// The file as written (hex, one key a line).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    master_key: String,
    token_key: String,
    document_key_secret: String,
    liveness_challenge_key: String,
    webhook_secret: String,
}

/// Why the secrets could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not what this program writes (the message names the key).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The operating system's randomness failed.
    #[error("randomness unavailable")]
    Random,
}

/// 32 bytes from the operating system.
pub fn random32() -> Result<[u8; 32], SecretsError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| SecretsError::Random)?;
    Ok(bytes)
}

/// Loads `data_dir/secrets.toml`, creating it (0600) when missing.
/// Returns the secrets and whether they were created now.
pub fn load_or_create(data_dir: &Path) -> Result<(Secrets, bool), SecretsError> {
    let path = data_dir.join(SECRETS_FILE);
    let io = |source| SecretsError::Io {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            parse(&text)
                .map(|secrets| (secrets, false))
                .map_err(|message| SecretsError::Invalid {
                    path: path.clone(),
                    message,
                })
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir).map_err(io)?;
            let file = generate()?;
            let text = toml::to_string(&file).map_err(|error| SecretsError::Invalid {
                path: path.clone(),
                message: error.to_string(),
            })?;
            let header = "# openkyc's secrets, generated on first start. Keep this file private (mode 0600)\n\
                          # and back it up with the database: without it, API keys and tokens stop working.\n";
            write_private(&path, &format!("{header}{text}")).map_err(io)?;
            let secrets = parse(&format!("{header}{text}")).map_err(|message| SecretsError::Invalid {
                path: path.clone(),
                message,
            })?;
            Ok((secrets, true))
        }
        Err(error) => Err(io(error)),
    }
}

fn generate() -> Result<SecretsFile, SecretsError> {
    let mut webhook = [0u8; 24];
    getrandom::fill(&mut webhook).map_err(|_| SecretsError::Random)?;
    Ok(SecretsFile {
        master_key: hex::encode(random32()?),
        token_key: hex::encode(random32()?),
        document_key_secret: hex::encode(random32()?),
        liveness_challenge_key: hex::encode(random32()?),
        webhook_secret: openkyc_signing::webhook::new_secret(webhook),
    })
}

fn parse(text: &str) -> Result<Secrets, String> {
    let file: SecretsFile = toml::from_str(text).map_err(|error| error.to_string())?;
    let key = |name: &str, value: &str| -> Result<Vec<u8>, String> {
        match hex::decode(value.trim()) {
            Ok(bytes) if bytes.len() >= 32 => Ok(bytes),
            _ => Err(format!("{name}: expected at least 32 bytes as hex")),
        }
    };
    let master = key("master_key", &file.master_key)?;
    let master_key: [u8; 32] = master
        .try_into()
        .map_err(|_| "master_key: expected exactly 32 bytes as hex".to_owned())?;
    if !file.webhook_secret.starts_with("whsec_") {
        return Err("webhook_secret: expected a whsec_ secret".into());
    }
    Ok(Secrets {
        master_key,
        token_key: key("token_key", &file.token_key)?,
        document_key_secret: key("document_key_secret", &file.document_key_secret)?,
        liveness_key: key("liveness_challenge_key", &file.liveness_challenge_key)?,
        webhook_secret: file.webhook_secret,
    })
}

/// Creates `path` readable and writable by its owner only, refusing to
/// overwrite an existing file.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path) {
        if metadata.permissions().mode() & 0o077 != 0 {
            tracing::warn!(file = %path.display(), "the secrets file is readable by other users; chmod 600 it");
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_created_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let (first, created) = load_or_create(dir.path()).unwrap();
        assert!(created);
        let (again, created) = load_or_create(dir.path()).unwrap();
        assert!(!created);
        assert_eq!(first, again);
        assert_ne!(first.token_key, first.liveness_key);
        assert!(first.webhook_secret.starts_with("whsec_"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(SECRETS_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(format!("{first:?}"), "Secrets(..)");
    }

    #[test]
    fn two_data_directories_get_different_secrets() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        assert_ne!(load_or_create(a.path()).unwrap().0, load_or_create(b.path()).unwrap().0);
    }

    #[test]
    fn a_damaged_file_is_refused_naming_the_key() {
        let dir = tempfile::tempdir().unwrap();
        load_or_create(dir.path()).unwrap();
        let path = dir.path().join(SECRETS_FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        let damaged: String = text
            .lines()
            .map(|line| {
                if line.starts_with("token_key") {
                    "token_key = \"abc\"".to_owned()
                } else {
                    line.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&path, damaged).unwrap();
        let error = load_or_create(dir.path()).unwrap_err().to_string();
        assert!(error.contains("token_key"), "{error}");
    }
}

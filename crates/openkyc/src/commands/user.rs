//! `openkyc user add|list|disable --data-dir DIR`: reviewer accounts of the
//! review console. The password is read from standard input (one line), so
//! it never appears in the process list or the shell's history, and is
//! stored only as an Argon2id hash.

use super::key::open;
use super::{Outcome, EXIT_INVALID, EXIT_VALID};
use anyhow::Context;
use openkyc_server::reviewers::{hash_password, Role};
use serde::Serialize;
use std::io::BufRead;
use std::path::PathBuf;

/// `openkyc user …`.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create a reviewer account; the password is read from standard input.
    Add {
        /// The login e-mail.
        email: String,
        /// `reviewer` (decides cases), `senior` (also final rejections and
        /// reopening) or `admin` (also users, keys, webhooks).
        #[arg(long, default_value = "reviewer")]
        role: String,
        /// The service's data directory.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// List the accounts (never their hashes).
    List {
        /// The service's data directory.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Disable an account: it can no longer log in.
    Disable {
        /// The login e-mail.
        email: String,
        /// The service's data directory.
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
}

#[derive(Serialize)]
struct Listed {
    id: String,
    email: String,
    role: String,
    created_at_ms: i64,
    disabled_at_ms: Option<i64>,
}

/// Runs `openkyc user …`: exit 0 when done, 1 for an unknown role, a bad
/// password, a taken e-mail or an unknown account to disable.
pub fn run(command: &UserCommand) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        match command {
            UserCommand::Add { email, role, data_dir } => add(email, role, data_dir).await,
            UserCommand::List { data_dir } => list(data_dir).await,
            UserCommand::Disable { email, data_dir } => disable(email, data_dir).await,
        }
    })
}

fn refused(code: &'static str, message: String) -> anyhow::Result<Outcome> {
    Outcome::new(
        &serde_json::json!({"ok": false, "error": {"code": code, "message": message}}),
        EXIT_INVALID,
    )
}

async fn add(email: &str, role: &str, data_dir: &std::path::Path) -> anyhow::Result<Outcome> {
    let Some(role) = Role::parse(role) else {
        return refused(
            "invalid_role",
            format!("unknown role {role:?}: reviewer, senior or admin"),
        );
    };
    if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
        return refused("invalid_email", "an e-mail address, without spaces".into());
    }
    let mut password = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    let hash = match hash_password(password) {
        Ok(hash) => hash,
        Err(error) => return refused("invalid_password", error.to_string()),
    };
    let store = open(data_dir).await?;
    let created = store.create_reviewer(email, role.as_str(), &hash).await;
    if let Ok(reviewer) = &created {
        let detail = serde_json::json!({"account": reviewer.email, "role": reviewer.role});
        store.audit(&from_command_line("create_user", detail)).await?;
    }
    store.close().await;
    match created {
        Ok(reviewer) => Outcome::new(
            &serde_json::json!({"ok": true, "id": reviewer.id, "email": reviewer.email, "role": reviewer.role}),
            EXIT_VALID,
        ),
        Err(openkyc_store::StoreError::DuplicateEmail) => {
            refused("email_taken", format!("a reviewer with {email} exists"))
        }
        Err(error) => Err(error.into()),
    }
}

/// An audit row for a change made on the command line: the console's log
/// shows who changed accounts, whether there or here (the operating-system
/// user, when known).
fn from_command_line(action: &str, detail: serde_json::Value) -> openkyc_store::NewAudit {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    openkyc_store::NewAudit {
        actor_id: "cli".into(),
        actor_email: format!("command line ({user})"),
        action: action.into(),
        applicant_id: None,
        detail,
        ip: None,
        user_agent: None,
    }
}

async fn list(data_dir: &std::path::Path) -> anyhow::Result<Outcome> {
    let store = open(data_dir).await?;
    let reviewers = store.list_reviewers().await;
    store.close().await;
    let listed: Vec<Listed> = reviewers?
        .into_iter()
        .map(|r| Listed {
            id: r.id,
            email: r.email,
            role: r.role,
            created_at_ms: r.created_at,
            disabled_at_ms: r.disabled_at,
        })
        .collect();
    Outcome::new(&listed, EXIT_VALID)
}

async fn disable(email: &str, data_dir: &std::path::Path) -> anyhow::Result<Outcome> {
    let store = open(data_dir).await?;
    let disabled = store.disable_reviewer(email).await;
    if let Ok(true) = disabled {
        let detail = serde_json::json!({"account": email.trim().to_lowercase()});
        store.audit(&from_command_line("disable_user", detail)).await?;
    }
    store.close().await;
    let disabled = disabled?;
    let exit = if disabled { EXIT_VALID } else { EXIT_INVALID };
    Outcome::new(&serde_json::json!({"email": email, "disabled": disabled}), exit)
}

//! The `openkyc` command-line tool. Each subcommand prints one JSON document
//! on stdout and exits 0 (valid), 1 (read but invalid) or 2 (not readable as
//! what was asked for, or a usage error); 3 means an I/O or configuration failure.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// openkyc: self-hostable identity verification.
#[derive(Debug, Parser)]
#[command(name = "openkyc", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and validate an ICAO 9303 machine-readable zone.
    Mrz(commands::mrz::MrzArgs),
    /// Validate a Chinese Resident Identity Card number (GB 11643).
    Cnid(commands::cnid::CnidArgs),
    /// Compare a name as typed with the name on a document.
    CompareName(commands::names::CompareNameArgs),
    /// Check a photo of a document for blur, glare, framing, exposure,
    /// editing and screen capture, and say what to fix.
    Precheck(commands::precheck::PrecheckArgs),
    /// Read a document from a photo: find its machine-readable zone, read and
    /// check it, and report the fields with confidences and reasons.
    Read(commands::read::ReadArgs),
    /// Faces: compare a document portrait with a selfie.
    #[command(subcommand)]
    Face(commands::face::FaceCommand),
    /// One verification offline: the documents, selfie, liveness recording
    /// and typed data of an application through the service's pipeline,
    /// to a decision with reasons.
    Check(commands::check::CheckArgs),
    /// Run the verification service: the signed REST API, workers and webhooks.
    Serve(commands::serve::ServeArgs),
    /// Operator API keys of a data directory: add, list, revoke (rotation).
    #[command(subcommand)]
    Key(commands::key::KeyCommand),
    /// Reviewer accounts of the review console: add, list, disable.
    #[command(subcommand)]
    User(commands::user::UserCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr (stdout carries the report); `RUST_LOG` sets the
    // level: warnings by default, and the service's request log for `serve`.
    let default_level = if matches!(cli.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level)),
        )
        .init();
    let result = match cli.command {
        Command::Mrz(args) => commands::mrz::run(&args),
        Command::Cnid(args) => commands::cnid::run(&args),
        Command::CompareName(args) => commands::names::run(&args),
        Command::Precheck(args) => commands::precheck::run(&args),
        Command::Read(args) => commands::read::run(&args),
        Command::Face(command) => commands::face::run(&command),
        Command::Check(args) => commands::check::run(&args),
        Command::Serve(args) => commands::serve::run(&args),
        Command::Key(command) => commands::key::run(&command),
        Command::User(command) => commands::user::run(&command),
    };
    match result {
        Ok(outcome) => outcome.print(),
        Err(error) => {
            eprintln!("openkyc: {error:#}");
            ExitCode::from(commands::EXIT_IO)
        }
    }
}

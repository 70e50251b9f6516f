//! `openkyc user add|list|disable`: a reviewer account is created with the
//! password read from standard input and kept only as an Argon2id hash.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

fn openkyc(args: &[&str], stdin: &str) -> (i32, serde_json::Value) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_openkyc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap(), json)
}

#[tokio::test]
async fn reviewers_are_added_with_a_hashed_password_listed_and_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    openkyc_store::Store::open(dir.path()).await.unwrap().close().await;
    let password = "a long enough passphrase";

    let (code, added) = openkyc(
        &["user", "add", "Ada@Example.org", "--role", "senior", "--data-dir", data],
        &format!("{password}\n"),
    );
    assert_eq!(code, 0, "{added}");
    assert_eq!(
        (added["email"].as_str(), added["role"].as_str()),
        (Some("ada@example.org"), Some("senior"))
    );

    let (code, again) = openkyc(
        &["user", "add", "ada@example.org", "--data-dir", data],
        &format!("{password}\n"),
    );
    assert_eq!((code, again["error"]["code"].as_str()), (1, Some("email_taken")));
    let (code, short) = openkyc(&["user", "add", "bob@example.org", "--data-dir", data], "short\n");
    assert_eq!((code, short["error"]["code"].as_str()), (1, Some("invalid_password")));
    let (code, role) = openkyc(
        &["user", "add", "eve@example.org", "--role", "root", "--data-dir", data],
        "x\n",
    );
    assert_eq!((code, role["error"]["code"].as_str()), (1, Some("invalid_role")));

    let store = openkyc_store::Store::open(dir.path()).await.unwrap();
    let (_, hash) = store.reviewer_login("ada@example.org").await.unwrap().unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(password));
    assert!(openkyc_server::reviewers::verify_password(password, &hash));
    store.close().await;

    let (code, listed) = openkyc(&["user", "list", "--data-dir", data], "");
    assert_eq!(code, 0);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains("argon2"), "never a hash in the list");

    let (code, _) = openkyc(&["user", "disable", "ada@example.org", "--data-dir", data], "");
    assert_eq!(code, 0);
    let store = openkyc_store::Store::open(dir.path()).await.unwrap();
    assert!(store.reviewer_login("ada@example.org").await.unwrap().is_none());
    // Both changes are in the console's audit log, made on the command line.
    let audit = store.audit_range(0, i64::MAX, 10).await.unwrap();
    let actions: Vec<(&str, &str)> = audit
        .iter()
        .map(|entry| (entry.actor_id.as_str(), entry.action.as_str()))
        .collect();
    assert_eq!(actions, [("cli", "create_user"), ("cli", "disable_user")]);
    assert_eq!(audit[1].detail["account"], "ada@example.org");
    store.close().await;
}

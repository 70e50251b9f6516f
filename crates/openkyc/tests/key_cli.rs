//! `openkyc key add|list|revoke`: a second key is created for rotation, its
//! secret printed once and sealed in the database, and a revoked key no
//! longer unseals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn openkyc(args: &[&str]) -> (i32, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_openkyc")).args(args).output().unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (output.status.code().unwrap(), json)
}

#[tokio::test]
async fn keys_are_added_listed_and_revoked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (code, _) = openkyc(&["key", "list", "--data-dir", data]);
    assert_ne!(code, 0, "no database yet: refused");

    // What `openkyc serve` creates on first start.
    let (secrets, _) = openkyc_server::secrets::load_or_create(dir.path()).unwrap();
    openkyc_store::Store::open(dir.path()).await.unwrap().close().await;

    let (code, created) = openkyc(&["key", "add", "backend-2026", "--data-dir", data]);
    assert_eq!(code, 0, "{created}");
    let key_id = created["key_id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert_eq!(secret.len(), 64);

    let store = openkyc_store::Store::open(dir.path()).await.unwrap();
    let unsealed = store.api_key_secret(&key_id, &secrets.master_key).await.unwrap();
    assert_eq!(unsealed.as_deref(), Some(secret.as_bytes()));
    store.close().await;

    let (code, listed) = openkyc(&["key", "list", "--data-dir", data]);
    assert_eq!(code, 0);
    assert_eq!(listed[0]["id"], key_id.as_str());
    assert!(!listed.to_string().contains(&secret), "list never shows a secret");

    let (code, revoked) = openkyc(&["key", "revoke", &key_id, "--data-dir", data]);
    assert_eq!((code, &revoked["revoked"]), (0, &serde_json::json!(true)));
    let (code, _) = openkyc(&["key", "revoke", &key_id, "--data-dir", data]);
    assert_eq!(code, 1, "already revoked");
    let store = openkyc_store::Store::open(dir.path()).await.unwrap();
    assert_eq!(store.api_key_secret(&key_id, &secrets.master_key).await.unwrap(), None);
    store.close().await;
}

//! The real `openkyc serve` binary killed mid-job: with
//! `OPENKYC_FAULT=exit_after_analyse` the worker exits after the pipeline's
//! analysis, before the decision is committed. Restarted without the
//! fault, the job is claimed again once its lease has expired and the
//! applicant is decided exactly once: one report, one decision event.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `openkyc serve` child and its API base URL.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data_dir: &Path, fault: Option<&str>) -> Served {
    let mut command = Command::new(env!("CARGO_BIN_EXE_openkyc"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--workers", "1", "--data-dir"])
        .arg(data_dir)
        .env("OPENKYC_LEASE_SECS", "5")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    command.env_remove("OPENKYC_FAULT");
    if let Some(fault) = fault {
        command.env("OPENKYC_FAULT", fault);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines.next().expect("serve printed its API URL").unwrap();
        if let Some(url) = line.trim().strip_prefix("API:") {
            break url.trim().to_owned();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Served { child, base }
}

struct Operator {
    key_id: String,
    secret: String,
    client: reqwest::Client,
}

impl Operator {
    fn read(data_dir: &Path) -> Operator {
        let text = std::fs::read_to_string(data_dir.join("demo-operator-key.txt")).unwrap();
        let value = |name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(name))
                .unwrap()
                .trim()
                .to_owned()
        };
        Operator {
            key_id: value("key_id:"),
            secret: value("secret:"),
            client: reqwest::Client::new(),
        }
    }

    async fn call(
        &self,
        base: &str,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let body = body
            .map(|value| serde_json::to_vec(&value).unwrap())
            .unwrap_or_default();
        // `base` ends in /v1; the signature covers the full path.
        let full_path = format!("/v1{path}");
        let ts = chrono::Utc::now().timestamp();
        let sig = openkyc_signing::request::sign(self.secret.as_bytes(), ts, method, &full_path, &body);
        let response = self
            .client
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .header("X-App-Key", &self.key_id)
            .header("X-App-Access-Ts", ts.to_string())
            .header("X-App-Access-Sig", sig)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(serde_json::Value::Null))
    }
}

#[tokio::test]
async fn a_worker_killed_after_the_analysis_is_retried_and_decides_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut crashing = serve(dir.path(), Some("exit_after_analyse"));
    let operator = Operator::read(dir.path());

    let (status, created) = operator
        .call(
            &crashing.base,
            "POST",
            "/applicants",
            Some(serde_json::json!({"external_user_id": "crash-1", "level": "L1"})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let info = serde_json::json!({
        "first_name": "Anna Maria", "last_name": "Eriksson", "birth_date": "1974-08-12",
        "nationality": "SWE", "document_type": "passport", "document_number": "L898902C3",
    });
    let (status, body) = operator
        .call(&crashing.base, "PUT", &format!("/applicants/{id}/info"), Some(info))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = operator
        .call(&crashing.base, "POST", &format!("/applicants/{id}/submit"), None)
        .await;
    assert_eq!(status, 202, "{body}");

    // The worker analyses, then the process exits before committing.
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = crashing.child.try_wait().unwrap() {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the fault never fired");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(!exit.success(), "{exit:?}");
    drop(crashing);

    // Nothing was decided by the crashed process.
    {
        let store = openkyc_store::Store::open(dir.path()).await.unwrap();
        assert!(store.reports_for(&id).await.unwrap().is_empty());
        store.close().await;
    }

    let restarted = serve(dir.path(), None);
    let started = Instant::now();
    let decided = loop {
        let (status, view) = operator
            .call(&restarted.base, "GET", &format!("/applicants/{id}"), None)
            .await;
        assert_eq!(status, 200, "{view}");
        if view["status"] != "pending" {
            break view;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never decided after the restart"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(decided["decision"], "approved", "{decided}");
    assert_eq!(decided["level"]["granted"], "L1", "{decided}");
    drop(restarted);

    let store = openkyc_store::Store::open(dir.path()).await.unwrap();
    assert_eq!(store.reports_for(&id).await.unwrap().len(), 1, "one report");
    let jobs = store.jobs_for(&id).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].claims, 2, "claimed by the crashed worker, then once more");
    let decisions: Vec<String> = store
        .events_for(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_type)
        .filter(|kind| kind == "applicant.reviewed" || kind == "applicant.on_hold")
        .collect();
    assert_eq!(decisions.len(), 1, "one decision event: {decisions:?}");
    store.close().await;
}

//! The review console in real headless chromium: this harness starts the
//! real server, creates reviewer accounts and real cases (through the signed
//! API and the real pipeline), runs `tests/browser/console.mjs`
//! (playwright-core driving Debian's chromium) and checks what the browser
//! did in the store.
//!
//! Needs `/usr/bin/chromium` (`make system-deps`) and
//! `node_modules/playwright-core` (`make browser-deps`); without them it
//! prints `SKIPPED` and returns, unless `OPENKYC_REQUIRE_BROWSER=1` (CI and
//! `make test`), where it fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api_common;
mod console_common;

use api_common::TestServer;
use chrono::NaiveDate;
use console_common::{applicant_view, create_account, seed_duplicates, Account};
use image::{imageops, Rgb, RgbImage};
use openkyc_docgen::{Fonts, Identity};
use openkyc_store::Decision;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";
const PASSPORT: &str = "C01X00T47";

fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Whether chromium, node and playwright-core are here; says what is missing.
fn browser_ready(root: &Path) -> bool {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).is_file() {
        missing.push(format!("{CHROMIUM} (make system-deps)"));
    }
    if !root.join("node_modules/playwright-core/package.json").is_file() {
        missing.push("node_modules/playwright-core (make browser-deps)".to_owned());
    }
    if !Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
    {
        missing.push("node".to_owned());
    }
    if missing.is_empty() {
        return true;
    }
    let what = missing.join(", ");
    assert!(
        std::env::var("OPENKYC_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "OPENKYC_REQUIRE_BROWSER=1 but the browser tests cannot run: missing {what}"
    );
    eprintln!("SKIPPED: console browser test: missing {what}");
    false
}

/// A photographed passport page (docgen), so the case view shows a real
/// document; `None` (said so) without the fonts.
fn passport_front() -> Option<Vec<u8>> {
    let fonts = match Fonts::from_system() {
        Ok(fonts) => fonts,
        Err(error) => {
            eprintln!("NOTE: fonts missing ({error}): the cases get no document image (run make system-deps)");
            return None;
        }
    };
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let holder = Identity {
        surname: "MUELLER".into(),
        given_names: "HANS".into(),
        document_number: PASSPORT.into(),
        nationality: "D".into(),
        issuing_state: "D".into(),
        sex: 'M',
        birth_date: date(1980, 5, 17),
        issue_date: date(2021, 6, 1),
        expiry_date: date(2031, 5, 31),
        personal_number: String::new(),
    };
    let page = openkyc_docgen::render_td3(&holder, &fonts, 8.0, 7).unwrap().image;
    let margin = page.width() / 5;
    let mut photo = RgbImage::from_pixel(page.width() + 2 * margin, page.height() + 2 * margin, Rgb([70, 62, 55]));
    imageops::overlay(&mut photo, &page, i64::from(margin), i64::from(margin));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&photo)
        .unwrap();
    Some(bytes)
}

/// Runs the node script with the server, the accounts and the cases in its
/// environment; its steps print as they go.
async fn run_script(root: &Path, artifacts: &Path, vars: Vec<(String, String)>) -> std::process::ExitStatus {
    let root = root.to_path_buf();
    let artifacts = artifacts.to_path_buf();
    // Blocking, beside the server's tasks.
    tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("tests/browser/console.mjs")
            .current_dir(&root)
            .env("OPENKYC_ARTIFACTS", &artifacts)
            .envs(vars)
            .status()
            .unwrap()
    })
    .await
    .unwrap()
}

fn account_vars(name: &str, account: &Account) -> [(String, String); 2] {
    [
        (format!("OPENKYC_{name}_EMAIL"), account.email.clone()),
        (format!("OPENKYC_{name}_PASSWORD"), account.password.clone()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviewers_decide_cases_in_the_console_in_a_real_browser() {
    let root = repo_root();
    if !browser_ready(&root) {
        return;
    }
    let server = TestServer::start_with(|config| {
        config.console.cookie_secure = false;
        config.workers = 1;
    })
    .await;
    let reviewer1 = create_account(&server, "reviewer1@example.org", "reviewer").await;
    let reviewer2 = create_account(&server, "reviewer2@example.org", "reviewer").await;
    let senior = create_account(&server, "senior@example.org", "senior").await;
    // Only ever given wrong passwords: throttling it locks no one else out.
    let throttled = create_account(&server, "throttled@example.org", "reviewer").await;

    let front = passport_front();
    let seeded = seed_duplicates(&server, PASSPORT, 2, front.as_deref()).await;
    let (duplicate, to_reject) = (seeded.on_hold[0].clone(), seeded.on_hold[1].clone());

    let artifacts = root.join("target/browser-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    for stale in ["console-case.png", "console-result.json"] {
        let _ = std::fs::remove_file(artifacts.join(stale));
    }
    let mut vars = vec![
        ("OPENKYC_URL".to_owned(), server.base.clone()),
        ("OPENKYC_THROTTLED_EMAIL".to_owned(), throttled.email.clone()),
        ("OPENKYC_FIRST_CASE".to_owned(), seeded.first.clone()),
        ("OPENKYC_DUPLICATE_CASE".to_owned(), duplicate.clone()),
        ("OPENKYC_REJECT_CASE".to_owned(), to_reject.clone()),
        (
            "OPENKYC_EXPECT_IMAGES".to_owned(),
            if front.is_some() { "1" } else { "0" }.to_owned(),
        ),
    ];
    vars.extend(account_vars("REVIEWER1", &reviewer1));
    vars.extend(account_vars("REVIEWER2", &reviewer2));
    vars.extend(account_vars("SENIOR", &senior));
    let status = run_script(&root, &artifacts, vars).await;
    assert!(
        status.success(),
        "tests/browser/console.mjs failed ({status}); screenshots in {}",
        artifacts.display()
    );

    let screenshot = std::fs::metadata(artifacts.join("console-case.png")).unwrap();
    assert!(screenshot.len() > 10_000, "the case view's screenshot is written");
    let result: Value =
        serde_json::from_str(&std::fs::read_to_string(artifacts.join("console-result.json")).unwrap()).unwrap();

    // The retry: decided by reviewer1 with the reason and the message chosen in the browser.
    let view = applicant_view(&server, &duplicate).await.json;
    assert_eq!(
        (view["status"].as_str(), view["decision"].as_str()),
        (Some("completed"), Some("retry")),
        "{view}"
    );
    let decisions = server.store().review_decisions_for(&duplicate).await.unwrap();
    let retry = decisions.last().expect("a person's decision is stored");
    assert_eq!(retry.decision, Decision::Retry);
    let reason = result["retry_reason"].as_str().unwrap();
    assert!(
        retry.reasons.iter().any(|r| r.code == reason),
        "{reason} not in {:?}",
        retry.reasons
    );
    assert_eq!(retry.message.as_deref(), result["retry_message"].as_str());
    assert_eq!(retry.note.as_deref(), result["retry_note"].as_str());
    assert!(
        [&reviewer1.email, &reviewer1.id].contains(&&retry.reviewer),
        "{}",
        retry.reviewer
    );

    // The rejection: reviewer1's vote did not decide (the browser saw it on
    // hold), the senior's did; one decision, the senior's.
    let view = applicant_view(&server, &to_reject).await.json;
    assert_eq!(
        (view["status"].as_str(), view["decision"].as_str()),
        (Some("completed"), Some("rejected")),
        "{view}"
    );
    let decisions = server.store().review_decisions_for(&to_reject).await.unwrap();
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    assert_eq!(decisions[0].decision, Decision::Rejected);
    assert!(
        [&senior.email, &senior.id].contains(&&decisions[0].reviewer),
        "{}",
        decisions[0].reviewer
    );
    let audit = server.store().audit_for(&to_reject).await.unwrap();
    for who in [&reviewer1, &senior] {
        assert!(
            audit
                .iter()
                .any(|entry| entry.actor_email == who.email && entry.action.contains("reject")),
            "no rejection by {} in the audit log: {audit:?}",
            who.email
        );
    }
    // reviewer2 was refused: no vote of theirs counts.
    let votes = server.store().rejection_votes(&to_reject).await.unwrap();
    assert!(votes.iter().all(|vote| vote.reviewer_id != reviewer2.id), "{votes:?}");
    server.stop().await;
}

//! The real server on a loopback port with a fresh data directory, and a
//! client that signs like an operator's backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use openkyc_server::config::ServeConfig;
use openkyc_server::{DemoKey, Running};
use reqwest::Method;
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

pub struct TestServer {
    pub running: Option<Running>,
    pub dir: tempfile::TempDir,
    pub key: DemoKey,
    pub base: String,
    pub client: reqwest::Client,
}

/// A response: status, headers, JSON body (or `Null`).
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }
}

pub fn config(dir: &std::path::Path) -> ServeConfig {
    let mut config = ServeConfig::new("127.0.0.1:0".parse().unwrap(), dir.to_path_buf());
    config.lease = Duration::from_secs(5);
    config
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut ServeConfig)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(dir.path());
        adjust(&mut config);
        let running = openkyc_server::start(config).await.unwrap();
        let key = DemoKey::read(dir.path()).expect("the demo key file is written on first start");
        let base = format!("http://{}", running.addr);
        TestServer {
            running: Some(running),
            dir,
            key,
            base,
            client: reqwest::Client::new(),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    pub fn store(&self) -> &openkyc_store::Store {
        &self.running.as_ref().unwrap().state.store
    }

    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await.unwrap();
        }
    }

    /// Sends a request signed with the demo key at `ts` (now when `None`).
    pub async fn signed_at(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        content_type: Option<&str>,
        ts: Option<i64>,
    ) -> (Answer, reqwest::Request) {
        // Milliseconds: the tests send identical writes within one second.
        let ts = ts.unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
        let sig = openkyc_signing::request::sign(self.key.secret.as_bytes(), ts, method.as_str(), path, &body);
        let mut builder = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("X-App-Key", &self.key.key_id)
            .header("X-App-Access-Ts", ts.to_string())
            .header("X-App-Access-Sig", sig)
            .body(body);
        if let Some(content_type) = content_type {
            builder = builder.header("Content-Type", content_type);
        }
        let request = builder.build().unwrap();
        let copy = request.try_clone().unwrap();
        (self.send(request).await, copy)
    }

    pub async fn send(&self, request: reqwest::Request) -> Answer {
        let response = self.client.execute(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            json,
            text,
        }
    }

    pub async fn op(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let (bytes, content_type) = match body {
            Some(value) => (serde_json::to_vec(&value).unwrap(), Some("application/json")),
            None => (Vec::new(), None),
        };
        self.signed_at(method, path, bytes, content_type, None).await.0
    }

    pub async fn op_multipart(&self, path: &str, parts: &[(&str, &[u8])]) -> Answer {
        let (body, content_type) = multipart(parts);
        self.signed_at(Method::POST, path, body, Some(&content_type), None)
            .await
            .0
    }

    pub async fn bearer(&self, method: Method, path: &str, token: &str, body: Option<(Vec<u8>, String)>) -> Answer {
        let mut builder = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("Bearer {token}"));
        if let Some((bytes, content_type)) = body {
            builder = builder.header("Content-Type", content_type).body(bytes);
        }
        self.send(builder.build().unwrap()).await
    }

    pub async fn create_applicant(&self, external: &str, level: &str) -> String {
        let answer = self
            .op(
                Method::POST,
                "/v1/applicants",
                Some(serde_json::json!({"external_user_id": external, "level": level})),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.json["id"].as_str().unwrap().to_owned()
    }

    pub async fn token(&self, id: &str) -> String {
        let answer = self
            .op(Method::POST, &format!("/v1/applicants/{id}/access-tokens"), None)
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        answer.json["token"].as_str().unwrap().to_owned()
    }

    /// Files under the blob directory, temp files included.
    pub fn blob_files(&self) -> usize {
        fn walk(dir: &std::path::Path) -> usize {
            std::fs::read_dir(dir)
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|entry| {
                            let path = entry.path();
                            if path.is_dir() {
                                walk(&path)
                            } else {
                                1
                            }
                        })
                        .sum()
                })
                .unwrap_or(0)
        }
        walk(&self.dir.path().join(openkyc_store::BLOB_DIR))
    }
}

/// A multipart/form-data body and its content type.
pub fn multipart(parts: &[(&str, &[u8])]) -> (Vec<u8>, String) {
    let boundary = "openkyc-test-boundary-7d1c";
    let mut body = Vec::new();
    for (name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}.bin\"\r\n").as_bytes(),
        );
        body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// A document-like photo: a light card with dark lines on a dark table.
pub fn document_photo(seed: u8) -> Vec<u8> {
    let (width, height) = (960u32, 640u32);
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        let inside = (120..840).contains(&x) && (110..540).contains(&y);
        if inside {
            let line = (y % 40 < 4) && (200..780).contains(&x);
            if line {
                image::Rgb([40, 40, 60])
            } else {
                image::Rgb([225, 222, 210u8.wrapping_add(seed % 8)])
            }
        } else {
            let noise = ((x * 7 + y * 13 + u32::from(seed)) % 17) as u8;
            image::Rgb([40 + noise, 32 + noise, 28 + noise])
        }
    });
    encode_png(&image)
}

/// A small face-like picture (not a real face: the pipeline decides on it).
pub fn small_picture(shade: u8) -> Vec<u8> {
    let image = image::RgbImage::from_fn(320, 240, |x, y| {
        let dx = x as i32 - 160;
        let dy = y as i32 - 120;
        if dx * dx + dy * dy < 70 * 70 {
            image::Rgb([200, 160u8.saturating_add(shade % 16), 130])
        } else {
            image::Rgb([60, 70, 90])
        }
    });
    encode_png(&image)
}

pub fn encode_png(image: &image::RgbImage) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

/// Polls the applicant until it leaves `pending`.
pub async fn until_decided(server: &TestServer, id: &str, timeout: Duration) -> Answer {
    let started = std::time::Instant::now();
    loop {
        let answer = server.op(Method::GET, &format!("/v1/applicants/{id}"), None).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        if answer.json["status"] != "pending" {
            return answer;
        }
        assert!(started.elapsed() < timeout, "still pending after {timeout:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

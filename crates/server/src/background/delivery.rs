//! Webhook delivery from the outbox.
//!
//! The loop polls due events and POSTs each payload, byte for byte, to
//! every endpoint with the Standard Webhooks headers: `webhook-id` (the
//! outbox id, the same on every retry, so receivers deduplicate on it),
//! `webhook-timestamp` (seconds) and `webhook-signature`. An event is
//! delivered when every endpoint answered 2xx; otherwise it is retried
//! after [`backoff`] (to every endpoint again: they deduplicate by id) and
//! given up after `max_attempts`, kept in the outbox marked failed.
//! The endpoints are the configuration file's plus those admins manage in
//! the console (read at every poll).
//! One delivery loop per database is assumed.

use super::{DeliveryConfig, WebhookEndpoint};
use crate::metrics::Metrics;
use openkyc_store::{OutboxEvent, Store};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Events fetched per poll; a full batch is followed at once by the next.
const BATCH: u32 = 50;

/// The delay before retry number `attempt` (1 = after the first failure):
/// `base · 2^(attempt-1)` capped at `max`, then "equal jitter": half of it
/// fixed, the other half spread by `jitter_seed` (so many events failing
/// together do not retry together). Pure: the same arguments give the
/// same delay.
pub fn backoff(attempt: u32, base: Duration, max: Duration, jitter_seed: u64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(32);
    let ceiling = base.saturating_mul(1u32 << doublings.min(31)).min(max);
    let ceiling = if doublings > 31 { max } else { ceiling };
    let half = ceiling / 2;
    let spread = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    let random = splitmix64(jitter_seed);
    let jitter = match spread.checked_add(1) {
        Some(range) => random % range,
        None => random,
    };
    half.saturating_add(Duration::from_nanos(jitter)).min(ceiling)
}

/// SplitMix64: a well-mixed 64-bit value from a seed.
fn splitmix64(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seed from the event id and attempt (FNV-1a), so retries of one event
/// differ from each other and from other events'.
fn seed_of(event_id: &str, attempt: u32) -> u64 {
    event_id
        .bytes()
        .chain(attempt.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Starts the delivery loop; it stops once `shutdown` turns true.
pub fn start_delivery(
    store: Store,
    config: DeliveryConfig,
    metrics: Arc<Metrics>,
    shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(deliver_loop(store, config, metrics, shutdown))
}

async fn deliver_loop(
    store: Store,
    config: DeliveryConfig,
    metrics: Arc<Metrics>,
    mut shutdown: watch::Receiver<bool>,
) {
    let client = match reqwest::Client::builder()
        .timeout(config.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhook client cannot start: no deliveries");
            return;
        }
    };
    while !*shutdown.borrow() {
        let mut full_batch = false;
        // Unreadable stored endpoints: wait for the next poll rather than
        // mark events delivered that some endpoints never got.
        let endpoints = endpoints_now(&store, &config).await.unwrap_or_default();
        if !endpoints.is_empty() {
            match store.due_events(store.now_ms(), BATCH).await {
                Ok(events) => {
                    full_batch = events.len() == BATCH as usize;
                    for event in events {
                        deliver_event(&client, &store, &config, &endpoints, &metrics, &event).await;
                    }
                }
                Err(error) => tracing::error!(%error, "reading the outbox failed"),
            }
        }
        if !full_batch {
            tokio::select! {
                _ = tokio::time::sleep(config.poll) => {}
                _ = shutdown.changed() => {}
            }
        }
    }
}

/// The configured endpoints and the active ones stored by admins; `None`
/// when the stored ones cannot be read (or opened), so that nothing is
/// marked delivered to only some of them.
async fn endpoints_now(store: &Store, config: &DeliveryConfig) -> Option<Vec<WebhookEndpoint>> {
    let mut endpoints = config.endpoints.clone();
    if let Some(key) = &config.stored_endpoints_key {
        match store.active_webhook_endpoints(key).await {
            Ok(stored) => endpoints.extend(stored.into_iter().map(|endpoint| WebhookEndpoint {
                url: endpoint.url,
                secret: endpoint.secret,
            })),
            Err(error) => {
                tracing::error!(%error, "reading the stored webhook endpoints failed: delivery waits");
                return None;
            }
        }
    }
    Some(endpoints)
}

/// Sends one event to every endpoint and records the outcome.
async fn deliver_event(
    client: &reqwest::Client,
    store: &Store,
    config: &DeliveryConfig,
    endpoints: &[WebhookEndpoint],
    metrics: &Metrics,
    event: &OutboxEvent,
) {
    // All endpoints at once: a slow one does not hold up the others.
    let timestamp = store.now_ms() / 1000;
    let results = futures_util::future::join_all(
        endpoints
            .iter()
            .map(|endpoint| post(client, endpoint, event, timestamp)),
    )
    .await;
    let mut failure = None;
    for result in results {
        metrics.record_webhook_attempt(result.is_ok());
        if let Err(error) = result {
            failure = Some(error);
        }
    }
    let attempt = event.attempts.saturating_add(1);
    let recorded = match &failure {
        None => store.mark_delivered(&event.id).await,
        Some(error) if attempt >= config.max_attempts => {
            tracing::error!(event = %event.id, attempt, error, "webhook given up");
            store.mark_given_up(&event.id, error).await
        }
        Some(error) => {
            let delay = backoff(
                attempt,
                config.base_backoff,
                config.max_backoff,
                seed_of(&event.id, attempt),
            );
            let next = store
                .now_ms()
                .saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
            tracing::warn!(event = %event.id, attempt, error, retry_in_ms = delay.as_millis() as u64, "webhook failed");
            store.mark_attempt_failed(&event.id, next, error).await
        }
    };
    if let Err(error) = recorded {
        tracing::error!(event = %event.id, %error, "recording a delivery failed");
    }
}

/// One signed POST; `Err` with a short reason (no URL, no body) unless 2xx.
async fn post(
    client: &reqwest::Client,
    endpoint: &WebhookEndpoint,
    event: &OutboxEvent,
    timestamp: i64,
) -> Result<(), String> {
    let signature = openkyc_signing::webhook::sign(&endpoint.secret, &event.id, timestamp, event.payload.as_bytes())
        .map_err(|_| "the endpoint's secret is not a valid whsec_ secret".to_owned())?;
    let response = client
        .post(&endpoint.url)
        .header("webhook-id", &event.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .header("content-type", "application/json")
        .body(event.payload.clone())
        .send()
        .await
        .map_err(|error| {
            if error.is_timeout() {
                "timed out".to_owned()
            } else if error.is_connect() {
                "connection failed".to_owned()
            } else {
                "request failed".to_owned()
            }
        })?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", status.as_u16()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_secs(1);
    const MAX: Duration = Duration::from_secs(60);

    #[test]
    fn the_delay_doubles_within_equal_jitter_and_is_capped() {
        for attempt in 1..=10u32 {
            let ceiling = (BASE * 2u32.pow(attempt - 1)).min(MAX);
            for seed in 0..50 {
                let delay = backoff(attempt, BASE, MAX, seed);
                assert!(
                    delay >= ceiling / 2,
                    "attempt {attempt}: {delay:?} under half of {ceiling:?}"
                );
                assert!(delay <= ceiling, "attempt {attempt}: {delay:?} over {ceiling:?}");
            }
        }
        assert!(backoff(9, BASE, MAX, 3) <= MAX);
    }

    #[test]
    fn the_same_seed_gives_the_same_delay_and_seeds_spread_it() {
        assert_eq!(backoff(4, BASE, MAX, 42), backoff(4, BASE, MAX, 42));
        let distinct: std::collections::HashSet<Duration> = (0..20).map(|seed| backoff(4, BASE, MAX, seed)).collect();
        assert!(distinct.len() > 10, "jitter spreads retries: {}", distinct.len());
        assert_ne!(seed_of("msg_a", 1), seed_of("msg_a", 2));
        assert_ne!(seed_of("msg_a", 1), seed_of("msg_b", 1));
    }

    #[test]
    fn extreme_arguments_neither_panic_nor_overflow() {
        assert!(backoff(0, BASE, MAX, 1) <= BASE);
        assert!(backoff(u32::MAX, BASE, MAX, u64::MAX) <= MAX);
        assert!(backoff(40, Duration::MAX, Duration::MAX, 7) <= Duration::MAX);
        assert_eq!(backoff(3, Duration::ZERO, MAX, 9), Duration::ZERO);
    }
}

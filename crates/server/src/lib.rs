//! `openkyc serve`: the signed REST API under `/v1`, applicant tokens,
//! in-process workers that run the pipeline, signed webhooks from an
//! outbox, Prometheus metrics and the OpenAPI document.
//!
//! SKELETON — the HTTP half (this file, routes, auth, config) is being
//! written by one helper, the background half (`background`: workers and
//! webhook delivery) by another.

pub mod background;
pub mod metrics;

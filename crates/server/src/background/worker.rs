//! Verification workers.
//!
//! Each worker is an async loop plus its own OS thread that loads a
//! [`Pipeline`] once and runs every analysis (models are blocking and a
//! pipeline is not `Sync`; a dedicated thread also means it need not be
//! `Send`). The loop claims a job with a lease, loads the attempt's inputs,
//! has the thread analyse them while a heartbeat extends the lease every
//! third of its length (so a long analysis never loses its job to another
//! worker, while a dead worker's job is re-claimed one lease after its last
//! heartbeat), looks up duplicates, decides and commits with
//! `complete_job`. A worker whose lease was taken over drops its result:
//! the job is decided exactly once. Only ids are logged, never personal
//! data.

use super::{Fault, WorkerConfig};
use crate::metrics::Metrics;
use openkyc_faceembed::duplicates::{find_duplicates, ApplicantRef, FaceTemplate};
use openkyc_levels::Levels;
use openkyc_pipeline::{
    Analysis, ApplicantData, Decision, DuplicateFindings, FaceHolder, Input, LivenessClip, LivenessInput, Pipeline,
    PipelineOptions, Report, TimedFrame,
};
use openkyc_store::{Applicant, AttemptUploads, ClaimedJob, Completion, EventReason, Store, StoreError};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// A job claimed this many times without a decision (a worker died or
/// stalled on it each time) is not analysed again: it goes to review with
/// a note, so one poisonous upload cannot keep crashing workers.
pub const MAX_CLAIMS: u32 = 5;

/// Starts `config.workers` workers (none for 0: an API-only process).
/// Each stops between jobs once `shutdown` turns true.
pub fn start_workers(
    store: Store,
    config: WorkerConfig,
    metrics: Arc<Metrics>,
    shutdown: watch::Receiver<bool>,
) -> Vec<JoinHandle<()>> {
    (0..config.workers)
        .map(|n| {
            let worker = Worker {
                id: format!("worker-{}-{n}", std::process::id()),
                store: store.clone(),
                config: config.clone(),
                metrics: Arc::clone(&metrics),
            };
            tokio::spawn(worker.run(shutdown.clone()))
        })
        .collect()
}

/// One analysis for the pipeline thread.
struct AnalyseRequest {
    levels: Arc<Levels>,
    level_id: String,
    input: Input,
    today: chrono::NaiveDate,
    reply: oneshot::Sender<Analysis>,
}

/// Why a job was left for its lease to expire (and be retried).
#[derive(Debug, thiserror::Error)]
enum JobError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("missing upload bytes")]
    MissingBlob,
    #[error("the pipeline thread stopped")]
    PipelineGone,
    #[error("report does not serialise: {0}")]
    Report(#[from] serde_json::Error),
}

struct Worker {
    id: String,
    store: Store,
    config: WorkerConfig,
    metrics: Arc<Metrics>,
}

impl Worker {
    async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let Some(pipeline) = spawn_pipeline_thread(&self.id, self.config.pipeline.clone()).await else {
            return;
        };
        tracing::info!(worker = %self.id, "worker ready");
        while !*shutdown.borrow() {
            match self.store.claim_job(&self.id, self.config.lease).await {
                Ok(Some(job)) => self.process(job, &pipeline).await,
                Ok(None) => idle(&mut shutdown, self.config.poll).await,
                Err(error) => {
                    tracing::error!(worker = %self.id, %error, "claiming a job failed");
                    idle(&mut shutdown, self.config.poll).await;
                }
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    async fn process(&self, job: ClaimedJob, pipeline: &mpsc::Sender<AnalyseRequest>) {
        let started = Instant::now();
        if job.claims > 1 {
            self.metrics.record_job_reclaimed();
            tracing::warn!(job = %job.job_id, applicant = %job.applicant_id, claims = job.claims, "job re-claimed after its lease expired");
        }
        let outcome = if job.claims > MAX_CLAIMS {
            self.give_up(&job).await
        } else {
            self.verify(job.clone(), pipeline).await
        };
        match outcome {
            Ok(decision) => {
                self.metrics.record_decision(decision.as_str());
                tracing::info!(
                    job = %job.job_id,
                    applicant = %job.applicant_id,
                    decision = decision.as_str(),
                    ms = started.elapsed().as_millis() as u64,
                    "job decided"
                );
            }
            Err(JobError::Store(StoreError::LeaseLost)) => {
                tracing::warn!(job = %job.job_id, "lease lost: another worker owns the job, result dropped");
            }
            Err(error) => {
                tracing::error!(job = %job.job_id, %error, "job failed; it is retried after its lease");
            }
        }
    }

    /// Analyses, looks up duplicates, decides and commits.
    async fn verify(
        &self,
        mut job: ClaimedJob,
        pipeline: &mpsc::Sender<AnalyseRequest>,
    ) -> Result<openkyc_store::Decision, JobError> {
        let applicant = self
            .store
            .get_applicant(&job.applicant_id)
            .await?
            .ok_or(StoreError::NotFound("applicant"))?;
        if self.config.levels.get(&job.level).is_none() {
            return self
                .complete_unanalysed(&job, "the level is not in the configuration")
                .await;
        }
        let input = load_input(&self.store, &applicant, job.attempt).await?;
        let (reply, analysed) = oneshot::channel();
        let request = AnalyseRequest {
            levels: Arc::clone(&self.config.levels),
            level_id: job.level.clone(),
            input,
            today: chrono::Utc::now().date_naive(),
            reply,
        };
        pipeline.send(request).map_err(|_| JobError::PipelineGone)?;
        let analysis = self.await_with_heartbeat(&mut job, analysed).await?;
        if self.config.fault == Some(Fault::ExitAfterAnalyse) {
            tracing::warn!(job = %job.job_id, "fault injected: exiting after the analysis");
            std::process::exit(86);
        }
        let findings = self.duplicates(&analysis, &job.applicant_id).await?;
        let document_key = analysis.document_key.clone();
        let face_template = analysis.face_template.clone();
        let report = analysis.finish(Some(findings));
        for stage in &report.stages {
            let status = serde_json::to_value(stage.status)?;
            self.metrics
                .record_stage(&stage.name, status.as_str().unwrap_or("unknown"), stage.ms);
        }
        let decision = store_decision(report.decision);
        let completion = Completion {
            decision,
            report: serde_json::to_value(&report)?,
            reasons: event_reasons(&report),
            granted_level: level_to_grant(
                &self.config.levels,
                applicant.granted_level.as_deref(),
                &job.level,
                decision,
            ),
            document_key,
            face_template: face_template.filter(|_| decision == openkyc_store::Decision::Approved),
        };
        self.store.complete_job(&job, &completion).await?;
        Ok(decision)
    }

    /// Waits for the analysis, extending the lease every third of it.
    async fn await_with_heartbeat(
        &self,
        job: &mut ClaimedJob,
        mut analysed: oneshot::Receiver<Analysis>,
    ) -> Result<Analysis, JobError> {
        let beat = (self.config.lease / 3).max(Duration::from_millis(10));
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + beat, beat);
        loop {
            tokio::select! {
                analysis = &mut analysed => return analysis.map_err(|_| JobError::PipelineGone),
                _ = ticker.tick() => {
                    if let Err(error) = self.store.extend_lease(job, self.config.lease).await {
                        // Lost or not, the analysis finishes; complete_job decides.
                        tracing::warn!(job = %job.job_id, %error, "lease not extended");
                    }
                }
            }
        }
    }

    /// Other applicants with the same document key or a face within the
    /// analysis's threshold.
    async fn duplicates(&self, analysis: &Analysis, applicant_id: &str) -> Result<DuplicateFindings, JobError> {
        let mut findings = DuplicateFindings::default();
        if let Some(key) = &analysis.document_key {
            findings.document_holders = self.store.document_holders(key, applicant_id).await?;
        }
        let template = analysis
            .face_template
            .as_deref()
            .and_then(|bytes| FaceTemplate::from_bytes(bytes).ok());
        if let Some(template) = template {
            let stored = self.store.face_templates(applicant_id).await?;
            let candidates = stored.into_iter().filter_map(|(other, bytes)| {
                // A template of another model or version is skipped, not an error.
                FaceTemplate::from_bytes(&bytes)
                    .ok()
                    .map(|template| (ApplicantRef(other), template))
            });
            let me = ApplicantRef(applicant_id.to_owned());
            findings.face_holders = find_duplicates(&template, &me, candidates, analysis.duplicate_face_max_distance)
                .into_iter()
                .map(|found| FaceHolder {
                    applicant_id: found.applicant.0,
                    distance: found.distance,
                })
                .collect();
        }
        Ok(findings)
    }

    /// A job claimed more than [`MAX_CLAIMS`] times: to review, unanalysed.
    async fn give_up(&self, job: &ClaimedJob) -> Result<openkyc_store::Decision, JobError> {
        self.complete_unanalysed(job, "the analysis did not finish after repeated attempts")
            .await
    }

    /// Sends the applicant to review without an analysis, saying why.
    async fn complete_unanalysed(&self, job: &ClaimedJob, why: &str) -> Result<openkyc_store::Decision, JobError> {
        tracing::error!(job = %job.job_id, claims = job.claims, why, "job sent to review unanalysed");
        let decision = openkyc_store::Decision::Review;
        let completion = Completion {
            decision,
            report: serde_json::json!({
                "decision": decision.as_str(),
                "level": job.level,
                "reasons": [],
                "stages": [],
                "timings_ms": {},
                "note": why,
            }),
            reasons: Vec::new(),
            granted_level: None,
            document_key: None,
            face_template: None,
        };
        self.store.complete_job(job, &completion).await?;
        Ok(decision)
    }
}

/// Waits `poll` or until shutdown is signalled.
async fn idle(shutdown: &mut watch::Receiver<bool>, poll: Duration) {
    tokio::select! {
        _ = tokio::time::sleep(poll) => {}
        _ = shutdown.changed() => {}
    }
}

/// Starts the worker's pipeline thread and waits until its pipeline is
/// loaded; `None` (logged) when it cannot load.
async fn spawn_pipeline_thread(worker: &str, options: PipelineOptions) -> Option<mpsc::Sender<AnalyseRequest>> {
    let (requests, inbox) = mpsc::channel::<AnalyseRequest>();
    let (loaded, ready) = oneshot::channel::<Result<(), String>>();
    let spawned = std::thread::Builder::new()
        .name(format!("openkyc-{worker}"))
        .spawn(move || pipeline_thread(options, inbox, loaded));
    if let Err(error) = spawned {
        tracing::error!(worker, %error, "cannot start the pipeline thread");
        return None;
    }
    match ready.await {
        Ok(Ok(())) => Some(requests),
        Ok(Err(error)) => {
            tracing::error!(worker, %error, "the pipeline cannot load: this worker stops");
            None
        }
        Err(_) => {
            tracing::error!(worker, "the pipeline thread ended while loading");
            None
        }
    }
}

/// Loads the pipeline, then analyses requests until every sender is gone.
fn pipeline_thread(
    options: PipelineOptions,
    inbox: mpsc::Receiver<AnalyseRequest>,
    loaded: oneshot::Sender<Result<(), String>>,
) {
    let mut pipeline = match Pipeline::load(options) {
        Ok(pipeline) => pipeline,
        Err(error) => {
            let _ = loaded.send(Err(error.to_string()));
            return;
        }
    };
    if loaded.send(Ok(())).is_err() {
        return;
    }
    while let Ok(request) = inbox.recv() {
        let Some(level) = request.levels.get(&request.level_id) else {
            continue;
        };
        let analysis = pipeline.analyse(&request.levels, level, &request.input, request.today);
        // The worker may have given up waiting; nothing to do then.
        let _ = request.reply.send(analysis);
    }
}

/// The pipeline's input from the attempt's uploads, basic information and
/// latest liveness challenge.
async fn load_input(store: &Store, applicant: &Applicant, attempt: u32) -> Result<Input, JobError> {
    let uploads = store.uploads_for(&applicant.id, attempt).await?;
    let data = applicant.basic_info.clone().and_then(|info| {
        serde_json::from_value::<ApplicantData>(info)
            .inspect_err(
                |_| tracing::warn!(applicant = %applicant.id, "basic info does not parse: analysed as missing"),
            )
            .ok()
    });
    Ok(Input {
        data,
        front: blob_of(store, uploads.front.as_ref()).await?,
        back: blob_of(store, uploads.back.as_ref()).await?,
        selfie: blob_of(store, uploads.selfie.as_ref()).await?,
        liveness: load_liveness(store, &applicant.id, attempt, &uploads).await?,
    })
}

/// The bytes of an upload, if there is one; `MissingBlob` if its file is gone.
async fn blob_of(store: &Store, upload: Option<&openkyc_store::Upload>) -> Result<Option<Vec<u8>>, JobError> {
    let Some(upload) = upload else {
        return Ok(None);
    };
    store
        .get_blob(&upload.blob.sha256)
        .await?
        .map(Some)
        .ok_or(JobError::MissingBlob)
}

/// The latest challenge and the recording made after it (the video when it
/// is newer than every frame).
async fn load_liveness(
    store: &Store,
    applicant_id: &str,
    attempt: u32,
    uploads: &AttemptUploads,
) -> Result<Option<LivenessInput>, JobError> {
    let Some(stored) = store.latest_challenge(applicant_id, attempt).await? else {
        return Ok(None);
    };
    let Ok(challenge) = serde_json::from_value::<openkyc_liveness::Challenge>(stored.challenge) else {
        tracing::warn!(applicant = %applicant_id, "stored liveness challenge does not parse");
        return Ok(None);
    };
    let clip = if uploads.video_is_latest() {
        blob_of(store, uploads.liveness_video.as_ref())
            .await?
            .map(LivenessClip::Video)
    } else if uploads.liveness_frames.is_empty() {
        None
    } else {
        let mut frames = Vec::with_capacity(uploads.liveness_frames.len());
        for frame in &uploads.liveness_frames {
            let bytes = blob_of(store, Some(frame)).await?.ok_or(JobError::MissingBlob)?;
            frames.push(TimedFrame {
                t_ms: frame.t_ms.unwrap_or(0),
                bytes,
            });
        }
        Some(LivenessClip::Frames(frames))
    };
    Ok(clip.map(|clip| LivenessInput {
        challenge,
        clip,
        mirrored: false,
    }))
}

/// The level an approval grants: the job's, unless the applicant already
/// holds a level that includes it (an approval never downgrades).
fn level_to_grant(
    levels: &Levels,
    granted: Option<&str>,
    level: &str,
    decision: openkyc_store::Decision,
) -> Option<String> {
    if decision != openkyc_store::Decision::Approved {
        return None;
    }
    let already_held = granted.is_some_and(|granted| levels.held_with(granted).iter().any(|held| held.id == level));
    (!already_held).then(|| level.to_owned())
}

fn store_decision(decision: Decision) -> openkyc_store::Decision {
    match decision {
        Decision::Approved => openkyc_store::Decision::Approved,
        Decision::Retry => openkyc_store::Decision::Retry,
        Decision::Rejected => openkyc_store::Decision::Rejected,
        Decision::Review => openkyc_store::Decision::Review,
    }
}

/// The reasons as webhooks name them: code and field only.
fn event_reasons(report: &Report) -> Vec<EventReason> {
    report
        .reasons
        .iter()
        .map(|reason| EventReason {
            code: reason.code.as_str().to_owned(),
            field: reason.field.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_approval_grants_its_level_unless_a_level_including_it_is_held() {
        use openkyc_store::Decision::{Approved, Rejected, Review};
        let levels = Levels::shipped().unwrap();
        assert_eq!(level_to_grant(&levels, None, "L1", Approved).as_deref(), Some("L1"));
        assert_eq!(
            level_to_grant(&levels, Some("L1"), "L2", Approved).as_deref(),
            Some("L2")
        );
        assert_eq!(level_to_grant(&levels, Some("L2"), "L1", Approved), None);
        assert_eq!(level_to_grant(&levels, Some("L1"), "L1", Approved), None);
        assert_eq!(level_to_grant(&levels, None, "L1", Review), None);
        assert_eq!(level_to_grant(&levels, None, "L2", Rejected), None);
    }

    #[test]
    fn every_pipeline_decision_maps_to_the_store_decision_of_the_same_name() {
        for decision in [
            Decision::Approved,
            Decision::Retry,
            Decision::Rejected,
            Decision::Review,
        ] {
            let name = serde_json::to_value(decision).unwrap();
            assert_eq!(name.as_str().unwrap(), store_decision(decision).as_str());
        }
    }
}

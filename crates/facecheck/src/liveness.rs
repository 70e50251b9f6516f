//! An active-liveness frame sequence through the models: each frame's face
//! found (CenterFace on the first frame, again when tracking is lost and
//! every [`SequenceOptions::redetect_every_ms`]), followed by FaceMesh
//! from the previous frame's landmarks as MediaPipe tracks, its pose and
//! eye-closed scores, descriptors on near-frontal frames for identity
//! consistency, a thumbnail for frozen-frame detection; then
//! `openkyc-liveness` judges the sequence against the challenge.

use crate::{compare, Comparison, FaceCheckError, FaceModels};
use image::RgbImage;
use openkyc_face::mesh::{FaceMesh, MeshObservation, MeshRoi, RIGID_LANDMARKS};
use openkyc_face::multiple::{MultipleFacePolicy, SelfieFaceIssue, SelfieFaces};
use openkyc_face::MatchThresholds;
use openkyc_faceembed::{dlib_box_from_centerface, Embedding};
use openkyc_liveness::{
    analyse, Challenge, FaceObservation, FrameObservation, LivenessPolicy, LivenessReport, Thumbnail,
};
use serde::Serialize;
use std::time::Instant;

/// How the sequence is measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SequenceOptions {
    /// Below this FaceMesh presence the face is lost and the detector runs
    /// again (MediaPipe's own threshold, 0.5).
    pub min_presence: f32,
    /// The detector runs again after this long even while tracking holds,
    /// to count faces (a second person stepping in) and to re-anchor.
    pub redetect_every_ms: u32,
    /// Descriptors are taken on frames whose pose is within these angles of
    /// frontal (dlib's descriptor drifts on turned faces: a turn is not a
    /// face swap) ...
    pub embed_max_yaw_deg: f32,
    /// ... and pitch.
    pub embed_max_pitch_deg: f32,
    /// ... at most one per this many milliseconds.
    pub embed_every_ms: u32,
    /// When another face counts.
    pub multiple: MultipleFacePolicy,
}

impl Default for SequenceOptions {
    fn default() -> Self {
        Self {
            min_presence: 0.5,
            redetect_every_ms: 2_000,
            embed_max_yaw_deg: 15.0,
            embed_max_pitch_deg: 15.0,
            embed_every_ms: 500,
            multiple: MultipleFacePolicy::default(),
        }
    }
}

/// One frame as measured (for a reviewer's timeline and for calibration).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameMeasure {
    /// Milliseconds from the sequence's start.
    pub t_ms: u32,
    /// The detector ran on this frame.
    pub detected: bool,
    /// Faces that count (from the last detection).
    pub face_count: u32,
    /// FaceMesh's presence (0 without a face).
    pub presence: f32,
    /// Yaw, pitch, roll in degrees (see `openkyc_face::mesh::HeadPose`).
    pub pose_deg: Option<[f32; 3]>,
    /// The subject's left and right eye closed, 0–1.
    pub eyes_closed: Option<[f32; 2]>,
    /// Descriptor distance to the sequence's first face, where taken.
    pub identity_distance: Option<f32>,
}

/// Milliseconds spent per model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SequenceTimings {
    /// CenterFace.
    pub detect: f64,
    /// FaceMesh and blendshapes.
    pub mesh: f64,
    /// dlib descriptors.
    pub embed: f64,
    /// Frame thumbnails (for frozen frames).
    pub thumbnails: f64,
    /// The sequence's analysis (`openkyc_liveness::analyse`).
    pub analyse: f64,
    /// Everything.
    pub total: f64,
}

/// The liveness sequence judged.
#[derive(Debug, Clone, Serialize)]
pub struct LivenessRun {
    /// The decision, each action's result and the findings.
    pub report: LivenessReport,
    /// The sequence's face compared with the selfie's, when one was given:
    /// the person doing the challenge must be the one on the selfie.
    pub selfie: Option<Comparison>,
    /// Per-frame measures.
    pub frames: Vec<FrameMeasure>,
    /// Time spent.
    pub timings_ms: SequenceTimings,
}

/// Measures `frames` (time in ms from the start, image) and judges them
/// against `challenge`.
///
/// # Errors
/// When a model fails to run (a frame without a face is a finding, not an
/// error).
pub fn run_liveness<'a>(
    models: &mut FaceModels,
    mesh: &FaceMesh,
    frames: impl IntoIterator<Item = (u32, &'a RgbImage)>,
    challenge: &Challenge,
    policy: &LivenessPolicy,
    selfie: Option<&Embedding>,
    options: &SequenceOptions,
) -> Result<LivenessRun, FaceCheckError> {
    let started = Instant::now();
    let mut tracker = Tracker::new(options);
    let mut observations = Vec::new();
    let mut measures = Vec::new();
    for (t_ms, image) in frames {
        let (observation, measure) = tracker.frame(models, mesh, t_ms, image)?;
        observations.push(observation);
        measures.push(measure);
    }
    let analysed = Instant::now();
    let report = analyse(challenge, &observations, policy);
    tracker.timings.analyse = elapsed_ms(analysed);
    let selfie = match (selfie, tracker.reference.as_ref()) {
        (Some(selfie), Some(reference)) => Some(compare(reference, selfie, &MatchThresholds::default())),
        _ => None,
    };
    let mut timings_ms = tracker.timings;
    timings_ms.total = elapsed_ms(started);
    Ok(LivenessRun {
        report,
        selfie,
        frames: measures,
        timings_ms,
    })
}

/// State carried from frame to frame.
struct Tracker<'o> {
    options: &'o SequenceOptions,
    previous: Option<MeshObservation>,
    last_detection_ms: Option<u32>,
    face_count: u32,
    reference: Option<Embedding>,
    last_embed_ms: Option<u32>,
    timings: SequenceTimings,
}

impl<'o> Tracker<'o> {
    fn new(options: &'o SequenceOptions) -> Self {
        Self {
            options,
            previous: None,
            last_detection_ms: None,
            face_count: 0,
            reference: None,
            last_embed_ms: None,
            timings: SequenceTimings::default(),
        }
    }

    fn frame(
        &mut self,
        models: &mut FaceModels,
        mesh: &FaceMesh,
        t_ms: u32,
        image: &RgbImage,
    ) -> Result<(FrameObservation, FrameMeasure), FaceCheckError> {
        let started = Instant::now();
        let thumbnail = thumbnail(image);
        self.timings.thumbnails += elapsed_ms(started);
        let due = self
            .last_detection_ms
            .is_none_or(|last| t_ms.saturating_sub(last) >= self.options.redetect_every_ms);
        let mut detected = false;
        let mut found = match (&self.previous, due) {
            (Some(previous), false) => self.track(mesh, image, &MeshRoi::from_mesh(previous))?,
            _ => None,
        };
        if found.is_none() {
            detected = true;
            found = self.detect(models, mesh, t_ms, image)?;
        }
        let identity_distance = match &found {
            Some(observation) => self.identity(models, t_ms, image, observation)?,
            None => None,
        };
        self.previous = found.clone();
        let face = found.as_ref().map(|o| face_observation(o, identity_distance));
        let measure = FrameMeasure {
            t_ms,
            detected,
            face_count: self.face_count,
            presence: found.as_ref().map_or(0.0, |o| o.presence),
            pose_deg: found
                .as_ref()
                .map(|o| [o.pose.yaw_deg, o.pose.pitch_deg, o.pose.roll_deg]),
            eyes_closed: found.as_ref().map(|o| [o.eye_closed_left(), o.eye_closed_right()]),
            identity_distance,
        };
        let observation = FrameObservation {
            t_ms,
            face_count: self.face_count,
            face,
            thumbnail,
        };
        Ok((observation, measure))
    }

    /// FaceMesh in `roi`; `None` when the face is not there any more.
    fn track(
        &mut self,
        mesh: &FaceMesh,
        image: &RgbImage,
        roi: &MeshRoi,
    ) -> Result<Option<MeshObservation>, FaceCheckError> {
        if roi.check(image.width(), image.height()).is_err() {
            return Ok(None);
        }
        let started = Instant::now();
        let observation = mesh.observe(image, roi)?;
        self.timings.mesh += elapsed_ms(started);
        Ok((observation.presence >= self.options.min_presence).then_some(observation))
    }

    fn detect(
        &mut self,
        models: &mut FaceModels,
        mesh: &FaceMesh,
        t_ms: u32,
        image: &RgbImage,
    ) -> Result<Option<MeshObservation>, FaceCheckError> {
        let started = Instant::now();
        let faces = models.detector.detect(image)?;
        self.timings.detect += elapsed_ms(started);
        self.last_detection_ms = Some(t_ms);
        let applicant = match SelfieFaces::choose(&faces, image.width(), image.height(), &self.options.multiple) {
            Ok(index) => {
                self.face_count = 1;
                index
            }
            Err(SelfieFaceIssue::Multiple { applicant, others }) => {
                self.face_count = u32::try_from(others.len()).unwrap_or(u32::MAX).saturating_add(1);
                applicant
            }
            Err(SelfieFaceIssue::NotFound) => {
                self.face_count = 0;
                return Ok(None);
            }
        };
        let Some(face) = faces.get(applicant) else {
            return Ok(None);
        };
        self.track(mesh, image, &MeshRoi::from_face(face))
    }

    /// The descriptor distance to the sequence's first face, on
    /// near-frontal frames at most every `embed_every_ms`.
    fn identity(
        &mut self,
        models: &mut FaceModels,
        t_ms: u32,
        image: &RgbImage,
        observation: &MeshObservation,
    ) -> Result<Option<f32>, FaceCheckError> {
        let frontal = observation.pose.yaw_deg.abs() <= self.options.embed_max_yaw_deg
            && observation.pose.pitch_deg.abs() <= self.options.embed_max_pitch_deg;
        let due = self
            .last_embed_ms
            .is_none_or(|last| t_ms.saturating_sub(last) >= self.options.embed_every_ms);
        let Some(bbox) = observation.bbox() else {
            return Ok(None);
        };
        if !frontal || !due {
            return Ok(None);
        }
        let started = Instant::now();
        let embedded = models.embedder.embed(image, dlib_box_from_centerface(bbox));
        self.timings.embed += elapsed_ms(started);
        // A frame whose box dlib cannot use (half out of the image) gives
        // no distance rather than failing the sequence.
        let Ok(embedding) = embedded else {
            return Ok(None);
        };
        self.last_embed_ms = Some(t_ms);
        match &self.reference {
            None => {
                self.reference = Some(embedding);
                Ok(Some(0.0))
            }
            Some(reference) => Ok(Some(reference.distance(&embedding))),
        }
    }
}

fn face_observation(observation: &MeshObservation, identity_distance: Option<f32>) -> FaceObservation {
    let point = |i: usize| observation.landmarks.get(i).map(|p| [p[0], p[1]]);
    let rigid_landmarks = RIGID_LANDMARKS.iter().filter_map(|&i| point(i)).collect();
    // The outer eye corners (33 on the image's left, 263 on its right).
    let eye_distance_px = match (point(33), point(263)) {
        (Some(a), Some(b)) => (a[0] - b[0]).hypot(a[1] - b[1]),
        _ => 0.0,
    };
    FaceObservation {
        yaw_deg: observation.pose.yaw_deg,
        pitch_deg: observation.pose.pitch_deg,
        roll_deg: observation.pose.roll_deg,
        eye_closed_left: observation.eye_closed_left(),
        eye_closed_right: observation.eye_closed_right(),
        rigid_landmarks,
        eye_distance_px,
        identity_distance,
        presence: observation.presence,
    }
}

fn thumbnail(image: &RgbImage) -> Option<Thumbnail> {
    let grey = image::imageops::grayscale(image);
    Thumbnail::from_grey(grey.width(), grey.height(), grey.as_raw()).ok()
}

fn elapsed_ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

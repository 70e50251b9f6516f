//! Synthetic frame sequences: a 3-D head (ten skull-fixed points in
//! millimetres, anthropometric proportions) posed over time and projected
//! by a pinhole camera, or the frontal projection of that head moved as a
//! flat picture by random homographies (a photo waved at the camera).
#![allow(dead_code)] // each test file uses its own part
#![allow(clippy::unwrap_used)]

use openkyc_liveness::{Challenge, FaceObservation, FrameObservation, Thumbnail, THUMBNAIL_PIXELS};

/// A deterministic generator (SplitMix64) so noise is reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [-a, a].
    pub fn symmetric(&mut self, a: f64) -> f64 {
        (self.uniform() * 2.0 - 1.0) * a
    }
    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-12);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Skull-fixed points, mm: x to the image's right, y down, z toward the
/// camera; the eye centres at (±31.5, 0, 0). Nose tip 35 mm in front of
/// the eye line, outer eye corners 5 mm behind it.
pub const HEAD: [[f64; 3]; 10] = [
    [0.0, 30.0, 35.0],  // nose tip (1)
    [0.0, 22.0, 30.0],  // nose ridge (4)
    [0.0, 5.0, 18.0],   // nose bridge (6)
    [0.0, -60.0, 10.0], // forehead top (10)
    [-45.0, 0.0, -5.0], // right eye outer corner (33)
    [-15.0, 1.0, 5.0],  // right eye inner corner (133)
    [0.0, -40.0, 15.0], // upper forehead (151)
    [0.0, -10.0, 17.0], // between the brows (168)
    [45.0, 0.0, -5.0],  // left eye outer corner (263)
    [15.0, 1.0, 5.0],   // left eye inner corner (362)
];
const EYE_CENTRES: [[f64; 3]; 2] = [[-31.5, 0.0, 0.0], [31.5, 0.0, 0.0]];
/// The head turns about a point this far behind the eye line (the neck).
const PIVOT_BEHIND_MM: f64 = 90.0;
const FOCAL_PX: f64 = 600.0;
const CENTRE_PX: [f64; 2] = [320.0, 240.0];
const DISTANCE_MM: f64 = 450.0;

/// Yaw > 0: nose toward +x; pitch > 0: nose up; roll > 0 clockwise.
pub fn project_head(yaw_deg: f64, pitch_deg: f64, roll_deg: f64, shift_px: [f64; 2]) -> (Vec<[f32; 2]>, f32) {
    let (sy, cy) = yaw_deg.to_radians().sin_cos();
    let (sp, cp) = pitch_deg.to_radians().sin_cos();
    let (sr, cr) = roll_deg.to_radians().sin_cos();
    let project = |p: [f64; 3]| {
        let (x, y, z) = (p[0], p[1], p[2] + PIVOT_BEHIND_MM);
        // pitch about x, then yaw about y, then roll about the optical axis
        let (y, z) = (y * cp - z * sp, y * sp + z * cp);
        let (x, z) = (x * cy + z * sy, -x * sy + z * cy);
        let (x, y) = (x * cr - y * sr, x * sr + y * cr);
        let depth = DISTANCE_MM - (z - PIVOT_BEHIND_MM);
        [
            CENTRE_PX[0] + shift_px[0] + FOCAL_PX * x / depth,
            CENTRE_PX[1] + shift_px[1] + FOCAL_PX * y / depth,
        ]
    };
    let points: Vec<[f32; 2]> = HEAD
        .iter()
        .map(|p| project(*p))
        .map(|q| [q[0] as f32, q[1] as f32])
        .collect();
    let eyes = EYE_CENTRES.map(project);
    let eye_distance = (eyes[1][0] - eyes[0][0]).hypot(eyes[1][1] - eyes[0][1]) as f32;
    (points, eye_distance)
}

/// A random plane motion: a homography near the identity with a
/// perspective part (a photo tilted by up to ~30°), about the image centre.
pub fn random_homography(rng: &mut Rng, strength: f64) -> [[f64; 3]; 3] {
    [
        [
            1.0 + rng.symmetric(0.15 * strength),
            rng.symmetric(0.1 * strength),
            rng.symmetric(40.0 * strength),
        ],
        [
            rng.symmetric(0.1 * strength),
            1.0 + rng.symmetric(0.15 * strength),
            rng.symmetric(30.0 * strength),
        ],
        [rng.symmetric(0.0008 * strength), rng.symmetric(0.0008 * strength), 1.0],
    ]
}

pub fn apply_homography(h: [[f64; 3]; 3], points: &[[f32; 2]]) -> Vec<[f32; 2]> {
    points
        .iter()
        .map(|p| {
            let (x, y) = (f64::from(p[0]) - CENTRE_PX[0], f64::from(p[1]) - CENTRE_PX[1]);
            let w = h[2][0] * x + h[2][1] * y + h[2][2];
            [
                ((h[0][0] * x + h[0][1] * y + h[0][2]) / w + CENTRE_PX[0]) as f32,
                ((h[1][0] * x + h[1][1] * y + h[1][2]) / w + CENTRE_PX[1]) as f32,
            ]
        })
        .collect()
}

pub fn add_noise(points: &mut [[f32; 2]], rng: &mut Rng, sigma_px: f64) {
    for p in points {
        p[0] += (rng.normal() * sigma_px) as f32;
        p[1] += (rng.normal() * sigma_px) as f32;
    }
}

/// What the subject does at time t.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pose {
    pub yaw: f64,
    pub pitch: f64,
    pub closed: f64,
}

/// A movement: `amplitude · sin(π (t − start) / duration)` inside its window.
#[derive(Debug, Clone, Copy)]
pub enum Move {
    Yaw {
        start_ms: f64,
        duration_ms: f64,
        degrees: f64,
    },
    Pitch {
        start_ms: f64,
        duration_ms: f64,
        degrees: f64,
    },
    /// Eyes closed (score `depth` above the open 0.1) over the window.
    Blink {
        start_ms: f64,
        duration_ms: f64,
        depth: f64,
    },
}

fn bump(t: f64, start: f64, duration: f64) -> f64 {
    if t < start || t > start + duration {
        0.0
    } else {
        (std::f64::consts::PI * (t - start) / duration).sin()
    }
}

pub fn pose_at(t: f64, moves: &[Move]) -> Pose {
    let mut pose = Pose {
        closed: 0.1,
        ..Pose::default()
    };
    for m in moves {
        match *m {
            Move::Yaw {
                start_ms,
                duration_ms,
                degrees,
            } => pose.yaw += degrees * bump(t, start_ms, duration_ms),
            Move::Pitch {
                start_ms,
                duration_ms,
                degrees,
            } => pose.pitch += degrees * bump(t, start_ms, duration_ms),
            Move::Blink {
                start_ms,
                duration_ms,
                depth,
            } => {
                // A blink's lid closes fast: flat-topped within the window.
                if t >= start_ms && t <= start_ms + duration_ms {
                    pose.closed += depth * bump(t, start_ms, duration_ms).sqrt();
                }
            }
        }
    }
    pose
}

/// How the landmarks are made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Render {
    /// A real head, posed and projected.
    Head,
    /// A flat photo of the frontal head, moved by random homographies (the
    /// reported pose still follows the script: the pose model is fooled).
    Photo,
}

/// Builds a sequence.
#[derive(Debug, Clone)]
pub struct Scene {
    pub fps: f64,
    pub duration_ms: f64,
    pub moves: Vec<Move>,
    pub render: Render,
    pub pose_noise_deg: f64,
    pub eye_noise: f64,
    pub landmark_noise_px: f64,
    /// Identity distance measured every this many frames (0: never).
    pub identity_every: usize,
    /// From this time on, another person's face (identity distance 0.9).
    pub swap_from_ms: Option<f64>,
    /// Every frame's thumbnail is the same picture.
    pub frozen: bool,
    pub seed: u64,
}

impl Default for Scene {
    fn default() -> Self {
        Self {
            fps: 8.0,
            duration_ms: 5_000.0,
            moves: Vec::new(),
            render: Render::Head,
            pose_noise_deg: 1.5,
            eye_noise: 0.04,
            landmark_noise_px: 0.7,
            identity_every: 3,
            swap_from_ms: None,
            frozen: false,
            seed: 7,
        }
    }
}

impl Scene {
    pub fn frames(&self) -> Vec<FrameObservation> {
        let mut rng = Rng::new(self.seed);
        let (frontal, frontal_eyes) = project_head(0.0, 0.0, 0.0, [0.0, 0.0]);
        let still = Thumbnail::new((0..THUMBNAIL_PIXELS).map(|i| (i * 37 % 251) as u8).collect()).unwrap();
        let count = (self.duration_ms * self.fps / 1000.0).floor() as usize + 1;
        (0..count)
            .map(|i| {
                let t = i as f64 * 1000.0 / self.fps;
                let pose = pose_at(t, &self.moves);
                let (mut landmarks, eye_distance) = match self.render {
                    Render::Head => project_head(pose.yaw, pose.pitch, 0.0, [rng.symmetric(3.0), rng.symmetric(3.0)]),
                    Render::Photo => {
                        let h = random_homography(&mut rng, 1.0);
                        (apply_homography(h, &frontal), frontal_eyes)
                    }
                };
                add_noise(&mut landmarks, &mut rng, self.landmark_noise_px);
                let swapped = self.swap_from_ms.is_some_and(|from| t >= from);
                let identity = (self.identity_every > 0 && i % self.identity_every == 0)
                    .then(|| if swapped { 0.9 } else { 0.3 } + rng.symmetric(0.05) as f32);
                let closed = |rng: &mut Rng| (pose.closed + rng.symmetric(self.eye_noise)).clamp(0.0, 1.0) as f32;
                let face = FaceObservation {
                    yaw_deg: (pose.yaw + rng.symmetric(self.pose_noise_deg)) as f32,
                    pitch_deg: (pose.pitch + rng.symmetric(self.pose_noise_deg)) as f32,
                    roll_deg: rng.symmetric(1.0) as f32,
                    eye_closed_left: closed(&mut rng),
                    eye_closed_right: closed(&mut rng),
                    rigid_landmarks: landmarks,
                    eye_distance_px: eye_distance,
                    identity_distance: identity,
                    presence: 0.99,
                };
                let thumbnail = if self.frozen {
                    still.clone()
                } else {
                    Thumbnail::new((0..THUMBNAIL_PIXELS).map(|_| (rng.next_u64() % 256) as u8).collect()).unwrap()
                };
                FrameObservation {
                    t_ms: t.round() as u32,
                    face_count: 1,
                    face: Some(face),
                    thumbnail: Some(thumbnail),
                }
            })
            .collect()
    }
}

/// A challenge with the given actions (nonce and window irrelevant here).
pub fn challenge(actions: &str) -> Challenge {
    Challenge::new([0; 16], openkyc_liveness::parse_actions(actions).unwrap(), 0, 1).unwrap()
}

/// The usual moves: a blink at 1 s, a left turn at 2 s (30°), a nod at 3.4 s (−20°).
pub fn blink_at(start_ms: f64) -> Move {
    Move::Blink {
        start_ms,
        duration_ms: 300.0,
        depth: 0.85,
    }
}
pub fn yaw_at(start_ms: f64, degrees: f64) -> Move {
    Move::Yaw {
        start_ms,
        duration_ms: 1_000.0,
        degrees,
    }
}
pub fn nod_at(start_ms: f64) -> Move {
    Move::Pitch {
        start_ms,
        duration_ms: 800.0,
        degrees: -20.0,
    }
}

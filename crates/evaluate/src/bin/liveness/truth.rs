//! What each fixture clip shows, written down by hand from
//! `../shared/fixtures/liveness/media.csv` (columns `blinks_or_eyes` and
//! `head_motion`, themselves labelled by eye). Times are milliseconds from
//! the clip's start; a label given as one instant ("~0.45") is a window of
//! zero length, widened by [`TOLERANCE_MS`] when compared.
//!
//! Directions: the analysis reads frames as unmirrored, where the subject's
//! own left turn sends the nose toward the image's right. media.csv
//! describes turns as seen in the picture ("toward image-right"), so a turn
//! toward image-right is `turn_left` here and toward image-left is
//! `turn_right`, whatever the subject really did (some of these clips may
//! be mirrored; the analysis cannot know and neither can we).

use openkyc_liveness::Action;

/// How far from a labelled window a reported time may fall and still be
/// the labelled event: two frames at 8 fps, and labels are by eye ("~").
pub const TOLERANCE_MS: u32 = 300;

/// Whether a clip shows an action.
#[derive(Debug, Clone, Copy)]
pub enum Shown {
    /// Yes, in these windows (ms, first to last).
    At(&'static [(u32, u32)]),
    /// No.
    No,
    /// Something like it, not clearly the action: reported, not counted.
    Unclear {
        /// Where the motion is labelled (may be empty: times not given).
        windows: &'static [(u32, u32)],
        /// Why it is left uncounted.
        why: &'static str,
    },
}

impl Shown {
    /// The labelled windows, if any.
    pub fn windows(self) -> &'static [(u32, u32)] {
        match self {
            Shown::At(windows) | Shown::Unclear { windows, .. } => windows,
            Shown::No => &[],
        }
    }

    /// Whether `t_ms` falls in a labelled window (with the tolerance).
    pub fn covers(self, t_ms: u32) -> bool {
        self.windows()
            .iter()
            .any(|&(from, to)| t_ms.saturating_add(TOLERANCE_MS) >= from && t_ms <= to.saturating_add(TOLERANCE_MS))
    }
}

/// One clip's labels.
#[derive(Debug, Clone, Copy)]
pub struct ClipTruth {
    /// Path under `liveness/video/`.
    pub file: &'static str,
    /// The line of media.csv the labels come from (the header is line 1).
    pub media_csv_line: u32,
    /// media.csv's `blinks_or_eyes`, abridged.
    pub eyes_label: &'static str,
    /// media.csv's `head_motion`, abridged.
    pub head_label: &'static str,
    /// Blinks.
    pub blink: Shown,
    /// Turns toward the image's right (the subject's left, unmirrored).
    pub turn_left: Shown,
    /// Turns toward the image's left.
    pub turn_right: Shown,
    /// The head tipped down and back up.
    pub nod: Shown,
}

impl ClipTruth {
    /// The label of one action.
    pub fn of(&self, action: Action) -> Shown {
        match action {
            Action::Blink => self.blink,
            Action::TurnLeft => self.turn_left,
            Action::TurnRight => self.turn_right,
            Action::Nod => self.nod,
        }
    }
}

/// Every clip of media.csv, in its order.
pub const CLIPS: [ClipTruth; 7] = [
    ClipTruth {
        file: "blink/liveportrait_d13_selfie_blinks.mp4",
        media_csv_line: 2,
        eyes_label: "~1.43-1.50; ~2.60-2.73; ~3.40-3.50; ~10.47-10.57 (4 blinks)",
        head_label: "head still (landmark yaw within about +/-5 deg)",
        blink: Shown::At(&[(1_430, 1_500), (2_600, 2_730), (3_400, 3_500), (10_470, 10_570)]),
        turn_left: Shown::No,
        turn_right: Shown::No,
        nod: Shown::No,
    },
    ClipTruth {
        file: "blink/liveportrait_d9_glasses_many_blinks.mp4",
        media_csv_line: 3,
        eyes_label: "closed at ~0.45, 1.35, 4.73, 6.48, 9.9-10.3 (smiling), 12.21, 12.87, 14.18, 15.02, 16.23, \
                     16.64, ~17.3-17.8, ~18.5-18.9",
        head_label: "small side-to-side sway ~7-11 s (about +/-13 deg); otherwise still",
        blink: Shown::At(&[
            (450, 450),
            (1_350, 1_350),
            (4_730, 4_730),
            (6_480, 6_480),
            (9_900, 10_300),
            (12_210, 12_210),
            (12_870, 12_870),
            (14_180, 14_180),
            (15_020, 15_020),
            (16_230, 16_230),
            (16_640, 16_640),
            (17_300, 17_800),
            (18_500, 18_900),
        ]),
        turn_left: Shown::Unclear {
            windows: &[(7_000, 11_000)],
            why: "a sway of about 13 deg by eye, under the 18 deg turn threshold",
        },
        turn_right: Shown::Unclear {
            windows: &[(7_000, 11_000)],
            why: "a sway of about 13 deg by eye, under the 18 deg turn threshold",
        },
        nod: Shown::No,
    },
    ClipTruth {
        file: "blink/liveportrait_d0_short_blink.mp4",
        media_csv_line: 4,
        eyes_label: "~2.56-2.68",
        head_label: "head still; eyes glance sideways ~0-0.5 and ~2.3",
        blink: Shown::At(&[(2_560, 2_680)]),
        turn_left: Shown::No,
        turn_right: Shown::No,
        nod: Shown::No,
    },
    ClipTruth {
        file: "blink/sadtalker_WDA_KatieHill_000.mp4",
        media_csv_line: 5,
        eyes_label: "~0.92-1.40 (two quick closures); ~4.48-4.56; ~6.80-6.92",
        head_label: "toward image-left (her right) ~1.5-3.0 s (~20 deg); toward image-right ~7.0 s",
        blink: Shown::At(&[(920, 1_400), (4_480, 4_560), (6_800, 6_920)]),
        turn_left: Shown::At(&[(7_000, 7_000)]),
        turn_right: Shown::At(&[(1_500, 3_000)]),
        nod: Shown::No,
    },
    ClipTruth {
        file: "head_motion/noddingpigeon_head_turning_fake.mp4",
        media_csv_line: 6,
        eyes_label: "eyes closed throughout",
        head_label: "small head/frame shifts only, no clear turn",
        blink: Shown::No,
        turn_left: Shown::No,
        turn_right: Shown::No,
        nod: Shown::No,
    },
    ClipTruth {
        file: "head_motion/liveportrait_d12_turns_glasses.mp4",
        media_csv_line: 7,
        eyes_label: "closed while laughing ~1.92-2.08; partial ~5.44-5.48; lens glare ~3.7",
        head_label: "toward image-right and up ~1.5-2.0 s; toward image-left ~3.0-3.5 s (~15-20 deg); frontal 4-6 s; \
                     body/camera also move",
        blink: Shown::At(&[(1_920, 2_080), (5_440, 5_480)]),
        turn_left: Shown::At(&[(1_500, 2_000)]),
        turn_right: Shown::At(&[(3_000, 3_500)]),
        nod: Shown::No,
    },
    ClipTruth {
        file: "other/liveportrait_d3_expressions_wink_gaze.mp4",
        media_csv_line: 8,
        eyes_label: "wink ~0-1.3 s; eyes downcast/half-closed 1.6-2.3, 3.4-5.4, 7.2-8.5 (not clean blinks)",
        head_label: "looks down ~4-5 s and ~8 s; looks up ~10-11.5 s; mild turns (~+/-20 deg, times not given)",
        blink: Shown::Unclear {
            windows: &[(0, 1_300), (1_600, 2_300), (3_400, 5_400), (7_200, 8_500)],
            why: "a one-eyed wink and half-closed, downcast eyes, no clean blink",
        },
        turn_left: Shown::Unclear {
            windows: &[],
            why: "mild turns of about 20 deg, times not labelled",
        },
        turn_right: Shown::Unclear {
            windows: &[],
            why: "mild turns of about 20 deg, times not labelled",
        },
        nod: Shown::Unclear {
            windows: &[(4_000, 5_000), (8_000, 8_000)],
            why: "looks down while acting, not a deliberate nod",
        },
    },
];

//! The blendshape model's fixed tables: which landmarks it reads and the
//! names of its 52 outputs, both in the model's order (MediaPipe's
//! `face_blendshapes_graph.cc`, `kLandmarksSubsetIdxs` and
//! `kBlendshapeNames`; the model was trained on exactly these).

/// The number of blendshape coefficients the model returns.
pub const BLENDSHAPE_COUNT: usize = 52;

/// The 146 landmarks (of 478) the blendshape model takes, in its input order:
/// brows, eyes and eyelids, irises, nose, lips, jaw and the face's outline.
pub const BLENDSHAPE_LANDMARKS: [usize; 146] = [
    0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39, 40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78, 80,
    81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133, 136, 144, 145, 146, 148, 149, 150, 152, 153,
    154, 155, 157, 158, 159, 160, 161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246, 249, 251,
    263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295, 296, 297, 300, 308, 310, 311, 312, 314, 317, 318,
    321, 323, 324, 332, 334, 336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380, 381, 382, 384, 385, 386,
    387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454, 466, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477,
];

/// The names of [`MeshObservation::blendshapes`](super::MeshObservation)
/// in the model's output order (ARKit's names; `_neutral` carries no
/// meaning). "Left" and "Right" are the subject's: `eyeBlinkLeft` is the eye
/// on the image's right in an unmirrored photo (measured: flattening the
/// eyelid landmarks of the eye around landmarks 263/362 raises
/// `eyeBlinkLeft`, see the tests).
pub const BLENDSHAPE_NAMES: [&str; BLENDSHAPE_COUNT] = [
    "_neutral",
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "eyeLookDownLeft",
    "eyeLookDownRight",
    "eyeLookInLeft",
    "eyeLookInRight",
    "eyeLookOutLeft",
    "eyeLookOutRight",
    "eyeLookUpLeft",
    "eyeLookUpRight",
    "eyeSquintLeft",
    "eyeSquintRight",
    "eyeWideLeft",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawOpen",
    "jawRight",
    "mouthClose",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthFunnel",
    "mouthLeft",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthPucker",
    "mouthRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "noseSneerLeft",
    "noseSneerRight",
];

/// Indices into [`BLENDSHAPE_NAMES`] that code refers to.
pub mod blendshape {
    /// `eyeBlinkLeft`: the subject's left eye closed (0 open – 1 closed).
    pub const EYE_BLINK_LEFT: usize = 9;
    /// `eyeBlinkRight`: the subject's right eye closed.
    pub const EYE_BLINK_RIGHT: usize = 10;
    /// `jawOpen`: the mouth opened by the jaw.
    pub const JAW_OPEN: usize = 25;
}

/// The index of a blendshape by its name, `None` for an unknown name.
pub fn blendshape_index(name: &str) -> Option<usize> {
    BLENDSHAPE_NAMES.iter().position(|&n| n == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_named_indices_match_the_table() {
        assert_eq!(blendshape_index("eyeBlinkLeft"), Some(blendshape::EYE_BLINK_LEFT));
        assert_eq!(blendshape_index("eyeBlinkRight"), Some(blendshape::EYE_BLINK_RIGHT));
        assert_eq!(blendshape_index("jawOpen"), Some(blendshape::JAW_OPEN));
        assert_eq!(blendshape_index("nope"), None);
    }

    #[test]
    fn the_landmark_subset_is_sorted_unique_and_inside_the_mesh() {
        assert!(BLENDSHAPE_LANDMARKS.windows(2).all(|w| w[0] < w[1]));
        assert!(BLENDSHAPE_LANDMARKS.iter().all(|&i| i < super::super::LANDMARK_COUNT));
    }
}

//! Occlusion of the face (`FACE_OCCLUDED`). (Being built.)

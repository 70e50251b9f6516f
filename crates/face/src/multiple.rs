//! Several faces in a selfie (`FACE_MULTIPLE`). (Being built.)

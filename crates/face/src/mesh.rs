//! Dense face landmarks (MediaPipe FaceMesh) and blendshapes. (Being built.)

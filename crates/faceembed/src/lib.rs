//! Face descriptors for matching a document portrait with a selfie (issue 5):
//! dlib's 5-point alignment and 128-d ResNet descriptor. Work in progress.

//! Frame sequences for the liveness check (issue 5): a folder of images or a
//! short video, sampled at a target rate, within limits. (Being built.)

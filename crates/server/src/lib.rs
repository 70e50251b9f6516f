//! openkyc-server (being written).

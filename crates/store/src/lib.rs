//! openkyc-store (being written).

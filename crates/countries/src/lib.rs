//! ICAO 9303-3 issuing-state and nationality codes. Pure data, no I/O.

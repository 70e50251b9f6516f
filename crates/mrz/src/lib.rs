//! ICAO 9303 machine-readable zone parsing, check digits and check-digit-guided OCR repair. Pure: no I/O, no clock, no async.

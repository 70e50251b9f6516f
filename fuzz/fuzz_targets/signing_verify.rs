//! Hostile tokens, signature headers and sealed secrets: every verifier of
//! `openkyc-signing` must answer (accept or refuse) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = openkyc_signing::token::verify(b"fuzz-key", &text, 0);
    let _ = openkyc_signing::webhook::verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg", 0, 0, data, &text);
    let _ = openkyc_signing::webhook::verify(&text, "msg", 0, 0, data, "v1,AAAA");
    let _ = openkyc_signing::request::verify(b"k", 0, 0, "POST", "/v1", data, &text);
    let _ = openkyc_signing::sealed::open(&[7; 32], "key", data);
    let _ = openkyc_signing::document_key(b"k", &text, &text, &text);
});

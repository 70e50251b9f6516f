//! MRZ parsing throughput: a clean passport, a clean TD1 card, and a TD1
//! card with OCR noise that exercises the repair search.
#![allow(missing_docs, clippy::unwrap_used)]

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use openkyc_mrz::{parse, ParseOptions};
use std::hint::black_box;

// ICAO Doc 9303 specimens (Part 4 passport; Part 5 card with a long
// document number, Part 11 D.2) and a noisy reading of the passport.
const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
const TD1: &str = "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<";
const TD3_NOISY: &str = "P<UT0ERIK55ON<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<\nL898902C36UTO74O8I2ZF12O4I59ZE184226B<<<<<1O";

fn bench_parse(c: &mut Criterion) {
    let options = ParseOptions::new(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    assert!(parse(TD3_NOISY, &options).unwrap().valid);
    let mut group = c.benchmark_group("mrz_parse");
    group.bench_function("td3_clean", |b| b.iter(|| parse(black_box(TD3), &options)));
    group.bench_function("td1_long_number", |b| b.iter(|| parse(black_box(TD1), &options)));
    group.bench_function("td3_ocr_noise_repaired", |b| {
        b.iter(|| parse(black_box(TD3_NOISY), &options))
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);

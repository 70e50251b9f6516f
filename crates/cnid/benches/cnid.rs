//! GB 11643 validation cost: an 18-character number and a legacy
//! 15-digit number (which is upgraded to its 18-digit form).
#![allow(missing_docs, clippy::unwrap_used)]

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn bench_parse(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    // The example number printed in GB 11643-1999, and its 15-digit form.
    assert!(openkyc_cnid::parse("11010519491231002X", today).is_ok());
    assert!(openkyc_cnid::parse("110105491231002", today).is_ok());
    let mut group = c.benchmark_group("cnid_parse");
    group.bench_function("eighteen_digits", |b| {
        b.iter(|| openkyc_cnid::parse(black_box("11010519491231002X"), today))
    });
    group.bench_function("legacy_fifteen_digits", |b| {
        b.iter(|| openkyc_cnid::parse(black_box("110105491231002"), today))
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);

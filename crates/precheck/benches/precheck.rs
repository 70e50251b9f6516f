//! The whole precheck on a 12-megapixel phone JPEG (4000×3000, rendered by
//! the seeded generator): decode, detect, rectify, measure, decide.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use openkyc_precheck::{precheck, PrecheckConfig, Side};
use std::hint::black_box;

fn bench_precheck(c: &mut Criterion) {
    let config = PrecheckConfig::shipped().unwrap();
    let photo = openkyc_synth::phone_photo_12mp(1);
    let report = precheck(&photo, Side::Front, &config).unwrap().report;
    assert_eq!((report.image.width, report.image.height), (4000, 3000));
    let mut group = c.benchmark_group("precheck");
    group.sample_size(30);
    group.bench_function("phone_jpeg_12mp", |b| {
        b.iter(|| precheck(black_box(&photo), Side::Front, &config))
    });
    group.finish();
}

criterion_group!(benches, bench_precheck);
criterion_main!(benches);

//! Name comparison cost for the common cases: an exact match, an ICAO
//! transliteration, pinyin with polyphonic characters, and a mismatch.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use openkyc_names::{compare_names, Outcome};
use std::hint::black_box;

const CASES: &[(&str, &str, &str)] = &[
    ("exact", "ERIKSSON ANNA MARIA", "ERIKSSON ANNA MARIA"),
    (
        "latin_transliteration",
        "Müller-Lüdenscheidt Hans Jürgen",
        "MUELLER<LUEDENSCHEIDT<<HANS<JURGEN",
    ),
    ("cyrillic", "Ткаченко Мар'яна", "TKACHENKO<<MARIANA"),
    ("pinyin_polyphonic", "单曾乐", "SHAN<<ZENGYUE"),
    ("name_order", "Anna Maria Eriksson", "ERIKSSON<<ANNA<MARIA"),
    ("mismatch", "Jon Smith", "SMITH<<JOHN"),
];

fn bench_compare(c: &mut Criterion) {
    let mut group = c.benchmark_group("compare_names");
    for (label, typed, document) in CASES {
        // Benchmark what we think we benchmark.
        let outcome = compare_names(typed, document).outcome;
        assert_eq!(
            outcome == Outcome::Mismatch,
            *label == "mismatch",
            "{label}: {outcome:?}"
        );
        group.bench_function(*label, |b| {
            b.iter(|| compare_names(black_box(typed), black_box(document)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_compare);
criterion_main!(benches);

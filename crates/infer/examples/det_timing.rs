//! Times the PP-OCRv4 detector at 960×672 (a rectified document at PP-OCR's
//! working size) with 1 and 2 intra-op threads, and, for reference, the
//! recogniser on one MRZ-sized line (3×48×1056, 44 characters).
//!
//! `cargo run --release -p openkyc-infer --example det_timing [RUNS]`
//! (needs `scripts/fetch-models.sh` first; RUNS defaults to 15).

use std::time::{Duration, Instant};

use openkyc_infer::{ids, InferError, Model, ModelSet, SessionOptions, Tensor};

/// A deterministic image-like input: smooth gradients plus a stripe pattern,
/// in PP-OCR's normalised range (-1..1).
fn input(shape: [usize; 4]) -> Result<Tensor, InferError> {
    let [n, c, h, w] = shape;
    let mut data = Vec::with_capacity(n * c * h * w);
    for _ in 0..n {
        for ch in 0..c {
            for y in 0..h {
                for x in 0..w {
                    let g = (x + y + ch * 17) as f32 / (w + h) as f32;
                    let stripe = if (x / 7 + y / 11) % 2 == 0 { 0.3 } else { -0.3 };
                    data.push((g * 2.0 - 1.0 + stripe).clamp(-1.0, 1.0));
                }
            }
        }
    }
    Tensor::new(shape.to_vec(), data)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Loads `id` with `options`, runs it twice to warm up, then `runs` times;
/// prints load time, median and minimum.
fn time(
    set: &ModelSet,
    id: &str,
    options: &SessionOptions,
    tensor: &Tensor,
    runs: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut model: Model = set.load(id, options)?;
    let load = started.elapsed();
    let name = model.inputs().first().map(|i| i.name.clone()).unwrap_or_default();
    for _ in 0..2 {
        model.run(&[(&name, tensor)])?;
    }
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        model.run(&[(&name, tensor)])?;
        times.push(t.elapsed());
    }
    let min = times.iter().min().copied().unwrap_or_default();
    println!(
        "{id:<14} input {:?}  threads {} spin {:<5}  load {:>6.1} ms  median {:>6.1} ms  min {:>6.1} ms  ({runs} runs)",
        tensor.shape(),
        options.intra_threads,
        options.spinning,
        ms(load),
        ms(median(times)),
        ms(min),
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(15);
    let set = ModelSet::locate()?;
    println!("models: {}", set.dir().display());
    let det_input = input([1, 3, 672, 960])?;
    for (threads, spinning) in [(1, false), (2, false), (2, true)] {
        let options = SessionOptions {
            intra_threads: threads,
            spinning,
        };
        time(&set, ids::PPOCR_V4_DET, &options, &det_input, runs)?;
    }
    let rec_input = input([1, 3, 48, 1056])?;
    for threads in [1, 2] {
        let options = SessionOptions {
            intra_threads: threads,
            spinning: false,
        };
        time(&set, ids::PPOCR_V4_REC, &options, &rec_input, runs)?;
    }
    if let Some(lib) = openkyc_infer::loaded_runtime() {
        println!("runtime: {}", lib.display());
    }
    Ok(())
}

//! Where each video sample lies in the file and when it is shown, from the track's sample
//! tables as the `mp4` crate parsed them. Computed here, in one pass, rather than through the
//! crate's `read_sample`: that allocates the declared sample size before reading, recomputes
//! each offset from the start of its chunk, and unwraps or divides by table values a hostile
//! file controls. Here every count is bounded before any loop and every sample is checked to
//! lie inside the file.

use crate::FramesError;

/// A track's sample tables, copied out of the `mp4` crate's boxes (whose types are not
/// nameable outside it) as plain runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TrackTables {
    /// `stsz`: the one size of every sample, or 0 when `sample_sizes` lists them.
    pub sample_size: u32,
    /// `stsz`: the declared sample count.
    pub sample_count: u32,
    /// `stsz`: each sample's size when `sample_size` is 0.
    pub sample_sizes: Vec<u32>,
    /// `stco`/`co64`: each chunk's byte offset.
    pub chunk_offsets: Vec<u64>,
    /// `stsc`: (first chunk, 1-based; samples per chunk) runs.
    pub chunk_runs: Vec<(u32, u32)>,
    /// `stts`: (sample count, duration) runs.
    pub durations: Vec<(u32, u32)>,
    /// `ctts`: (sample count, composition offset) runs.
    pub composition: Vec<(u32, i32)>,
}

/// One coded picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sample {
    /// Byte offset in the file.
    pub offset: usize,
    /// Byte length.
    pub size: usize,
    /// Presentation time in the track's timescale: decode time plus the composition offset.
    pub presentation: i64,
}

/// The samples of a track in decode order, with the length of the span they cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SampleTable {
    /// Samples in decode (file) order.
    pub samples: Vec<Sample>,
    /// From the first shown sample to the end of the last one, in timescale units.
    pub span: u64,
}

/// Builds the table of a track in a file of `file_len` bytes. `max_samples` is checked
/// against the declared count before anything else.
pub(crate) fn sample_table(
    tables: &TrackTables,
    file_len: usize,
    max_samples: u64,
) -> Result<SampleTable, FramesError> {
    let count = u64::from(tables.sample_count);
    if count == 0 {
        return Err(FramesError::NoFrames {
            what: "the video track has no samples".into(),
        });
    }
    if count > max_samples {
        return Err(FramesError::TooManyPictures {
            what: "video track",
            count,
            max: max_samples,
        });
    }
    let count = usize::try_from(count).map_err(|_| FramesError::corrupt("sample count out of range"))?;
    let sizes = sample_sizes(tables, count)?;
    let offsets = sample_offsets(tables, &sizes, file_len)?;
    let (decode_times, durations) = decode_times(tables, count)?;
    let composition = composition_offsets(tables, count);
    let samples: Vec<Sample> = (0..count)
        .map(|i| Sample {
            offset: offsets.get(i).copied().unwrap_or(0),
            size: sizes.get(i).copied().unwrap_or(0),
            presentation: decode_times.get(i).copied().unwrap_or(0) + composition.get(i).copied().unwrap_or(0),
        })
        .collect();
    let first = samples.iter().map(|s| s.presentation).min().unwrap_or(0);
    let end = samples
        .iter()
        .zip(&durations)
        .map(|(s, &duration)| s.presentation.saturating_add(duration))
        .max()
        .unwrap_or(0);
    let span = u64::try_from(end.saturating_sub(first)).unwrap_or(0);
    Ok(SampleTable { samples, span })
}

fn sample_sizes(tables: &TrackTables, count: usize) -> Result<Vec<usize>, FramesError> {
    if tables.sample_size > 0 {
        let size = usize::try_from(tables.sample_size).map_err(|_| FramesError::corrupt("sample size out of range"))?;
        return Ok(vec![size; count]);
    }
    if tables.sample_sizes.len() != count {
        return Err(FramesError::corrupt(
            "the sample size table (stsz) does not match its count",
        ));
    }
    tables
        .sample_sizes
        .iter()
        .map(|&size| usize::try_from(size).map_err(|_| FramesError::corrupt("sample size out of range")))
        .collect()
}

/// Offsets from the chunk table (stco/co64) and the sample-to-chunk runs (stsc): each chunk's
/// samples follow each other from the chunk's offset.
fn sample_offsets(tables: &TrackTables, sizes: &[usize], file_len: usize) -> Result<Vec<usize>, FramesError> {
    let runs = &tables.chunk_runs;
    if runs.first().map(|run| run.0) != Some(1) {
        return Err(FramesError::corrupt(
            "the sample-to-chunk table (stsc) does not start at chunk 1",
        ));
    }
    let mut offsets = Vec::with_capacity(sizes.len());
    let mut run_index = 0;
    for (chunk_index, &chunk_offset) in tables.chunk_offsets.iter().enumerate() {
        if offsets.len() == sizes.len() {
            break;
        }
        let chunk_number = u64::try_from(chunk_index).unwrap_or(u64::MAX).saturating_add(1);
        while runs
            .get(run_index + 1)
            .is_some_and(|next| u64::from(next.0) <= chunk_number)
        {
            run_index += 1;
        }
        let per_chunk = runs.get(run_index).map_or(0, |run| run.1);
        let mut offset = chunk_offset;
        for _ in 0..per_chunk {
            let Some(&size) = sizes.get(offsets.len()) else {
                break;
            };
            let end = offset.saturating_add(size as u64);
            if end > file_len as u64 {
                return Err(FramesError::corrupt(format!(
                    "sample {} lies outside the file (cut off?)",
                    offsets.len() + 1
                )));
            }
            offsets.push(usize::try_from(offset).map_err(|_| FramesError::corrupt("offset out of range"))?);
            offset = end;
        }
    }
    if offsets.len() < sizes.len() {
        return Err(FramesError::corrupt(
            "the chunk tables (stsc/stco) place fewer samples than the track declares",
        ));
    }
    Ok(offsets)
}

/// Decode times and durations from the time-to-sample runs (stts).
fn decode_times(tables: &TrackTables, count: usize) -> Result<(Vec<i64>, Vec<i64>), FramesError> {
    let mut times = Vec::with_capacity(count);
    let mut durations = Vec::with_capacity(count);
    let mut time: i64 = 0;
    for &(run_length, duration) in &tables.durations {
        let delta = i64::from(duration);
        for _ in 0..run_length {
            if times.len() == count {
                break;
            }
            times.push(time);
            durations.push(delta);
            time = time.saturating_add(delta);
        }
    }
    if times.len() < count {
        return Err(FramesError::corrupt(
            "the time-to-sample table (stts) covers fewer samples than the track",
        ));
    }
    Ok((times, durations))
}

/// Composition offsets (ctts) of B-frame streams; 0 where absent or short.
fn composition_offsets(tables: &TrackTables, count: usize) -> Vec<i64> {
    let mut offsets = Vec::with_capacity(count);
    for &(run_length, offset) in &tables.composition {
        for _ in 0..run_length {
            if offsets.len() == count {
                break;
            }
            offsets.push(i64::from(offset));
        }
    }
    offsets.resize(count, 0);
    offsets
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four samples of 10 bytes in two chunks of two, at 100 and 300; 512 ticks each.
    fn tables() -> TrackTables {
        TrackTables {
            sample_size: 0,
            sample_count: 4,
            sample_sizes: vec![10, 10, 10, 10],
            chunk_offsets: vec![100, 300],
            chunk_runs: vec![(1, 2)],
            durations: vec![(4, 512)],
            composition: Vec::new(),
        }
    }

    #[test]
    fn places_samples_in_their_chunks() {
        let table = sample_table(&tables(), 1000, 100).unwrap_or_else(|e| panic!("{e}"));
        let offsets: Vec<usize> = table.samples.iter().map(|s| s.offset).collect();
        assert_eq!(offsets, vec![100, 110, 300, 310]);
        let times: Vec<i64> = table.samples.iter().map(|s| s.presentation).collect();
        assert_eq!(times, vec![0, 512, 1024, 1536]);
        assert_eq!(table.span, 2048);
    }

    #[test]
    fn composition_offsets_shift_presentation() {
        let mut with_b_frames = tables();
        with_b_frames.composition = vec![(1, 1024), (1, 2048), (2, 0)];
        let table = sample_table(&with_b_frames, 1000, 100).unwrap_or_else(|e| panic!("{e}"));
        let times: Vec<i64> = table.samples.iter().map(|s| s.presentation).collect();
        assert_eq!(times, vec![1024, 2560, 1024, 1536]);
        assert_eq!(table.span, 2560 + 512 - 1024);
    }

    #[test]
    fn a_sample_outside_the_file_is_corrupt() {
        assert!(matches!(
            sample_table(&tables(), 305, 100),
            Err(FramesError::Corrupt { .. })
        ));
    }

    #[test]
    fn millions_of_declared_samples_are_refused_before_any_loop() {
        let huge = TrackTables {
            sample_size: 1,
            sample_count: u32::MAX,
            durations: vec![(u32::MAX, 1)],
            ..tables()
        };
        assert!(matches!(
            sample_table(&huge, 1000, 2401),
            Err(FramesError::TooManyPictures { count, .. }) if count == u64::from(u32::MAX)
        ));
    }

    #[test]
    fn inconsistent_tables_are_corrupt() {
        let short_sizes = TrackTables {
            sample_sizes: vec![10],
            ..tables()
        };
        let short_times = TrackTables {
            durations: vec![(2, 512)],
            ..tables()
        };
        let few_chunks = TrackTables {
            chunk_offsets: vec![100],
            ..tables()
        };
        let bad_runs = TrackTables {
            chunk_runs: vec![(2, 2)],
            ..tables()
        };
        let zero_per_chunk = TrackTables {
            chunk_runs: vec![(1, 0)],
            ..tables()
        };
        for broken in [short_sizes, short_times, few_chunks, bad_runs, zero_per_chunk] {
            assert!(
                matches!(sample_table(&broken, 1000, 100), Err(FramesError::Corrupt { .. })),
                "{broken:?}"
            );
        }
        let empty = TrackTables {
            sample_count: 0,
            ..tables()
        };
        assert!(matches!(
            sample_table(&empty, 1000, 100),
            Err(FramesError::NoFrames { .. })
        ));
    }
}

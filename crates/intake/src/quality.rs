//! Estimating the IJG (libjpeg) quality setting a JPEG was saved with, from its luminance
//! quantization table.
//!
//! libjpeg scales the standard table of ITU-T T.81 Annex K (table K.1) by
//! `s = 5000 / q` for `q < 50`, `s = 200 - 2q` otherwise, each entry becoming
//! `clamp((k * s + 50) / 100, 1, 255)` (`32767` for 16-bit tables). The estimate is the
//! `q` in 1..=100 whose scaled table is closest to the file's (sum of absolute differences;
//! on a tie the higher `q`). Cameras that use tables of their own still get the nearest
//! IJG-equivalent quality; `exact` says whether the table is libjpeg's own.

/// ITU-T T.81 table K.1, natural (row-major) order.
#[rustfmt::skip]
const STANDARD_LUMINANCE: [u16; 64] = [
    16, 11, 10, 16,  24,  40,  51,  61,
    12, 12, 14, 19,  26,  58,  60,  55,
    14, 13, 16, 24,  40,  57,  69,  56,
    14, 17, 22, 29,  51,  87,  80,  62,
    18, 22, 37, 56,  68, 109, 103,  77,
    24, 35, 55, 64,  81, 104, 113,  92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103,  99,
];

/// A quantization table in natural order, with the precision it was stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuantTable {
    pub values: [u16; 64],
    pub sixteen_bit: bool,
}

/// The quality estimate and whether the table matches libjpeg's exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QualityEstimate {
    pub quality: u8,
    pub exact: bool,
}

/// Estimates the IJG quality of a luminance table.
pub(crate) fn estimate(table: &QuantTable) -> QualityEstimate {
    let mut best = QualityEstimate {
        quality: 100,
        exact: false,
    };
    let mut best_error = u64::MAX;
    for quality in (1..=100u8).rev() {
        let error = distance(&scaled_table(quality, table.sixteen_bit), &table.values);
        if error < best_error {
            best_error = error;
            best = QualityEstimate {
                quality,
                exact: error == 0,
            };
        }
    }
    best
}

/// libjpeg's luminance table at `quality` (jcparam.c, `jpeg_quality_scaling` and
/// `jpeg_add_quant_table`).
pub(crate) fn scaled_table(quality: u8, sixteen_bit: bool) -> [u16; 64] {
    let quality = u32::from(quality.clamp(1, 100));
    let scale = if quality < 50 {
        5000 / quality
    } else {
        200 - quality * 2
    };
    let max = if sixteen_bit { 32767 } else { 255 };
    STANDARD_LUMINANCE.map(|k| {
        let value = (u32::from(k) * scale + 50) / 100;
        u16::try_from(value.clamp(1, max)).unwrap_or(u16::MAX)
    })
}

fn distance(a: &[u16; 64], b: &[u16; 64]) -> u64 {
    a.iter().zip(b).map(|(&x, &y)| u64::from(x.abs_diff(y))).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ijg_quality_is_recovered_exactly() {
        for quality in 1..=100u8 {
            let table = QuantTable {
                values: scaled_table(quality, false),
                sixteen_bit: false,
            };
            let estimate = estimate(&table);
            assert!(estimate.exact, "q={quality}");
            // Near q=1 several qualities clamp to the same all-255 table: any of them is right.
            if quality > 10 {
                assert_eq!(estimate.quality, quality);
            }
        }
    }

    #[test]
    fn a_custom_table_gets_the_nearest_quality_and_is_not_exact() {
        let mut values = scaled_table(90, false);
        values[0] += 1;
        values[63] -= 1;
        let estimate = estimate(&QuantTable {
            values,
            sixteen_bit: false,
        });
        assert_eq!(
            estimate,
            QualityEstimate {
                quality: 90,
                exact: false
            }
        );
    }

    #[test]
    fn flat_table_of_ones_is_q100() {
        let estimate = estimate(&QuantTable {
            values: [1; 64],
            sixteen_bit: false,
        });
        assert_eq!(
            estimate,
            QualityEstimate {
                quality: 100,
                exact: true
            }
        );
    }
}

//! The picture size an H.264 sequence parameter set declares (ITU-T H.264 § 7.3.2.1.1),
//! read before anything is decoded so that a stream claiming a huge picture is refused
//! instead of making the decoder allocate for it.

/// Size of the pictures a sequence parameter set declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SpsSize {
    /// Width in whole macroblocks (what the decoder allocates).
    pub coded_width: u32,
    /// Height in whole macroblocks.
    pub coded_height: u32,
    /// Width after the frame cropping (what is shown).
    pub width: u32,
    /// Height after the frame cropping.
    pub height: u32,
}

/// Longest parameter set read: real ones are under 100 bytes (a few hundred with scaling
/// lists); the bound keeps the work on a hostile one small.
const MAX_SPS_BYTES: usize = 4096;

/// Profiles whose SPS carries chroma format, bit depths and scaling lists.
const HIGH_PROFILES: [u32; 12] = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134];

/// Reads the picture size of a sequence parameter set NAL unit (header byte included).
pub(crate) fn parse_sps(nal: &[u8]) -> Result<SpsSize, &'static str> {
    let (&header, payload) = nal.split_first().ok_or("empty sequence parameter set")?;
    if header & 0x1F != 7 {
        return Err("not a sequence parameter set");
    }
    let payload = payload.get(..payload.len().min(MAX_SPS_BYTES)).unwrap_or_default();
    let rbsp = unescape(payload);
    let mut bits = BitReader::new(&rbsp);
    let profile_idc = bits.bits(8)?;
    bits.bits(16)?; // constraint flags, level_idc
    bounded(bits.ue()?, 31)?; // seq_parameter_set_id
    let mut chroma_format_idc = 1;
    let mut separate_colour_plane = false;
    if HIGH_PROFILES.contains(&profile_idc) {
        chroma_format_idc = bounded(bits.ue()?, 3)?;
        if chroma_format_idc == 3 {
            separate_colour_plane = bits.flag()?;
        }
        bounded(bits.ue()?, 6)?; // bit_depth_luma_minus8
        bounded(bits.ue()?, 6)?; // bit_depth_chroma_minus8
        bits.flag()?; // qpprime_y_zero_transform_bypass_flag
        if bits.flag()? {
            let lists = if chroma_format_idc == 3 { 12 } else { 8 };
            for list in 0..lists {
                if bits.flag()? {
                    skip_scaling_list(&mut bits, if list < 6 { 16 } else { 64 })?;
                }
            }
        }
    }
    bounded(bits.ue()?, 12)?; // log2_max_frame_num_minus4
    match bounded(bits.ue()?, 2)? {
        0 => {
            bounded(bits.ue()?, 12)?; // log2_max_pic_order_cnt_lsb_minus4
        }
        1 => {
            bits.flag()?; // delta_pic_order_always_zero_flag
            bits.se()?; // offset_for_non_ref_pic
            bits.se()?; // offset_for_top_to_bottom_field
            for _ in 0..bounded(bits.ue()?, 255)? {
                bits.se()?; // offset_for_ref_frame
            }
        }
        _ => {}
    }
    bits.ue()?; // max_num_ref_frames
    bits.flag()?; // gaps_in_frame_num_value_allowed_flag
    let width_in_mbs = u64::from(bits.ue()?) + 1;
    let height_in_map_units = u64::from(bits.ue()?) + 1;
    let frame_mbs_only = bits.flag()?;
    if !frame_mbs_only {
        bits.flag()?; // mb_adaptive_frame_field_flag
    }
    bits.flag()?; // direct_8x8_inference_flag
    let field_factor: u64 = if frame_mbs_only { 1 } else { 2 };
    let coded_width = width_in_mbs * 16;
    let coded_height = height_in_map_units * field_factor * 16;
    let (mut width, mut height) = (coded_width, coded_height);
    if bits.flag()? {
        // Crop units (Table 6-1): chroma subsampling, and fields for interlaced streams.
        let (crop_x, crop_y) = match (chroma_format_idc, separate_colour_plane) {
            (0, _) | (3, true) => (1, field_factor),
            (1, false) => (2, 2 * field_factor),
            (2, false) => (2, field_factor),
            _ => (1, field_factor),
        };
        let left_right = u64::from(bits.ue()?) + u64::from(bits.ue()?);
        let top_bottom = u64::from(bits.ue()?) + u64::from(bits.ue()?);
        width = width
            .checked_sub(crop_x * left_right)
            .filter(|&w| w > 0)
            .ok_or("cropping wider than the picture")?;
        height = height
            .checked_sub(crop_y * top_bottom)
            .filter(|&h| h > 0)
            .ok_or("cropping taller than the picture")?;
    }
    let side = |value: u64| u32::try_from(value).map_err(|_| "picture size out of range");
    Ok(SpsSize {
        coded_width: side(coded_width)?,
        coded_height: side(coded_height)?,
        width: side(width)?,
        height: side(height)?,
    })
}

fn bounded(value: u32, max: u32) -> Result<u32, &'static str> {
    if value > max {
        return Err("a sequence parameter set field is out of range");
    }
    Ok(value)
}

/// Skips a scaling list (§ 7.3.2.1.1.1): delta-coded, ending early at a zero next scale.
fn skip_scaling_list(bits: &mut BitReader<'_>, size: usize) -> Result<(), &'static str> {
    let mut last_scale: i64 = 8;
    let mut next_scale: i64 = 8;
    for _ in 0..size {
        if next_scale != 0 {
            let delta = i64::from(bits.se()?);
            if !(-128..=127).contains(&delta) {
                return Err("scaling list delta out of range");
            }
            next_scale = (last_scale + delta + 256).rem_euclid(256);
        }
        if next_scale != 0 {
            last_scale = next_scale;
        }
    }
    Ok(())
}

/// The raw bytes without emulation prevention (`00 00 03` → `00 00`).
fn unescape(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len());
    let mut zeros = 0;
    for &byte in payload {
        if zeros >= 2 && byte == 3 {
            zeros = 0;
            continue;
        }
        zeros = if byte == 0 { zeros + 1 } else { 0 };
        out.push(byte);
    }
    out
}

/// Most-significant-bit-first reader with Exp-Golomb codes.
struct BitReader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> BitReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        BitReader { bytes, position: 0 }
    }

    fn flag(&mut self) -> Result<bool, &'static str> {
        let byte = self
            .bytes
            .get(self.position / 8)
            .ok_or("sequence parameter set cut short")?;
        let bit = (byte >> (7 - self.position % 8)) & 1;
        self.position += 1;
        Ok(bit == 1)
    }

    fn bits(&mut self, count: u32) -> Result<u32, &'static str> {
        let mut value = 0u32;
        for _ in 0..count.min(32) {
            value = (value << 1) | u32::from(self.flag()?);
        }
        Ok(value)
    }

    /// Unsigned Exp-Golomb; values needing more than 31 leading zeros are refused.
    fn ue(&mut self) -> Result<u32, &'static str> {
        let mut leading_zeros = 0;
        while !self.flag()? {
            leading_zeros += 1;
            if leading_zeros > 31 {
                return Err("Exp-Golomb code too long");
            }
        }
        let suffix = u64::from(self.bits(leading_zeros)?);
        let value = (1u64 << leading_zeros) - 1 + suffix;
        u32::try_from(value).map_err(|_| "Exp-Golomb value out of range")
    }

    /// Signed Exp-Golomb.
    fn se(&mut self) -> Result<i32, &'static str> {
        let code = i64::from(self.ue()?);
        let magnitude = (code + 1) / 2;
        let value = if code % 2 == 1 { magnitude } else { -magnitude };
        i32::try_from(value).map_err(|_| "Exp-Golomb value out of range")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes bits most significant first, with Exp-Golomb codes: builds test SPSs.
    #[derive(Default)]
    struct BitWriter {
        bits: Vec<bool>,
    }

    impl BitWriter {
        fn bits(&mut self, value: u64, count: u32) -> &mut Self {
            for shift in (0..count).rev() {
                self.bits.push((value >> shift) & 1 == 1);
            }
            self
        }
        fn ue(&mut self, value: u64) -> &mut Self {
            let code = value + 1;
            let length = 64 - code.leading_zeros();
            self.bits(0, length - 1).bits(code, length)
        }
        fn bytes(&self) -> Vec<u8> {
            self.bits
                .chunks(8)
                .map(|chunk| {
                    chunk
                        .iter()
                        .enumerate()
                        .fold(0u8, |acc, (i, &b)| acc | (u8::from(b) << (7 - i)))
                })
                .collect()
        }
    }

    /// A baseline-profile SPS for `width_mbs` × `height_mbs` macroblocks, optionally cropped
    /// (left, right, top, bottom in crop units).
    fn baseline_sps(width_mbs: u64, height_mbs: u64, crop: Option<[u64; 4]>) -> Vec<u8> {
        let mut w = BitWriter::default();
        w.bits(66, 8).bits(0xC0, 8).bits(30, 8).ue(0); // profile, constraints, level, id
        w.ue(0).ue(0).ue(0); // log2_max_frame_num, poc type 0, log2_max_poc_lsb
        w.ue(1).bits(0, 1); // max_num_ref_frames, gaps
        w.ue(width_mbs - 1).ue(height_mbs - 1).bits(1, 1).bits(1, 1); // size, frame_mbs_only, direct_8x8
        match crop {
            Some(crop) => {
                w.bits(1, 1);
                for offset in crop {
                    w.ue(offset);
                }
            }
            None => {
                w.bits(0, 1);
            }
        }
        w.bits(0, 1).bits(1, 1); // vui absent, stop bit
        [vec![0x67], w.bytes()].concat()
    }

    #[test]
    fn reads_size_and_cropping() {
        // 1080p: 120 × 68 macroblocks, 8 lines cropped at the bottom (4 crop units of 2).
        let size = parse_sps(&baseline_sps(120, 68, Some([0, 0, 0, 4])));
        assert_eq!(
            size,
            Ok(SpsSize {
                coded_width: 1920,
                coded_height: 1088,
                width: 1920,
                height: 1080
            })
        );
        let uncropped = parse_sps(&baseline_sps(45, 80, None));
        assert_eq!(uncropped.map(|s| (s.width, s.height)), Ok((720, 1280)));
    }

    #[test]
    fn huge_declared_sizes_are_read_without_allocating() {
        let size = parse_sps(&baseline_sps(4000, 4000, None));
        assert_eq!(size.map(|s| (s.coded_width, s.coded_height)), Ok((64_000, 64_000)));
    }

    #[test]
    fn refuses_what_is_not_an_sps() {
        assert!(parse_sps(&[]).is_err());
        assert!(parse_sps(&[0x68, 0xFF]).is_err());
        assert!(parse_sps(&[0x67, 66]).is_err());
        let mut cropped_away = baseline_sps(2, 2, Some([0, 0, 0, 100]));
        assert!(parse_sps(&cropped_away).is_err());
        cropped_away.truncate(3);
        assert!(parse_sps(&cropped_away).is_err());
    }

    #[test]
    fn emulation_prevention_is_removed() {
        assert_eq!(unescape(&[0, 0, 3, 1, 0, 0, 3, 0, 0, 3]), vec![0, 0, 1, 0, 0, 0, 0]);
    }
}

//! A reduced-size decoder for the JPEGs phones write: baseline (sequential Huffman, 8-bit),
//! grey or YCbCr in one interleaved scan, luma sampled 1×1, 2×1, 1×2 or 2×2 and chroma 1×1
//! (4:4:4, 4:2:2, 4:4:0, 4:2:0), with or without restart markers. Everything else returns
//! `None` and goes to the general decoders.
//!
//! Why: the entropy decoding of every coefficient cannot be avoided, but everything after it
//! can be done at the reduced size. Each 8×8 block is turned into `n`×`n` pixels (`n` = 4, 2 or
//! 1, i.e. 1/2, 1/4, 1/8 scale) by an `n`-point inverse DCT of its `n`×`n` lowest frequencies,
//! `f(x, y) = Σ_u Σ_v (C(u)/2)(C(v)/2) F(u, v) cos((2x+1)uπ/2n) cos((2y+1)vπ/2n)` with
//! `C(0) = 1/√2`, `C(u>0) = 1` — the same weights as the 8-point IDCT, so the DC term still
//! gives the block mean. Chroma is replicated to the luma grid and converted with the JFIF
//! equations (libjpeg's fixed-point constants). Single-threaded, no allocation per block.
//!
//! A *detail window* (a rectangle of the image, e.g. its centre) can be decoded at full size
//! in the same pass: its blocks keep all 64 coefficients, go through an 8-point IDCT
//! (Loeffler–Ligtenberg–Moschytz, libjpeg's accurate integer one) into planes of their own,
//! and still give their reduced-size pixels to the whole image. Fine periodic texture (a
//! display's pixel grid) is removed by any reduced decode, which is an ideal low-pass.
//!
//! Entropy decoding is the cost (a 12 MP phone photo holds some 10 million coded
//! coefficients), so it is organised the way libjpeg-turbo and zune-jpeg do it:
//! - a 64-bit bit buffer, refilled 8 bytes at a time when those bytes hold no 0xFF (byte
//!   stuffing and markers only need the byte-by-byte path about once per 256 bytes), and kept
//!   in registers: nothing in the per-coefficient loop takes the reader's address;
//! - one table lookup on the next [`LOOKUP_BITS`] bits gives, for all but the rarest codes,
//!   the code length, the zero run and the number of value bits; when the value bits fit in
//!   the same prefix, the sign-extended value itself. Longer codes take a canonical-code search;
//! - coefficients are decoded in two phases: up to the last zigzag position inside the kept
//!   `n`×`n` corner, values are sign-extended, dequantized and stored without a branch
//!   (positions outside the corner go to a scratch slot); after it, codes and value bits are
//!   only skipped, two symbols per lookup where both fit in [`PAIR_BITS`] bits.
//!
//! Bounded on any input: the work is one pass over at most width × height / 64 blocks (both
//! already limited), each at most 64 symbols; a bit reader that runs out of data reads zeros;
//! an invalid code, a run past the end of a block, a missing restart marker or an out-of-range
//! size ends decoding with `None`.

use std::num::Wrapping;

use image::RgbImage;

use crate::jpeg::{ComponentSpec, HuffmanSpec, JpegHeader, ZIGZAG_TO_NATURAL};

/// Bits looked up at once when decoding a Huffman symbol: codes up to this long (all but the
/// rarest of the standard tables) decode in one lookup. 1024 entries of 4 bytes per table.
const LOOKUP_BITS: u32 = 10;
const LOOKUP_SIZE: usize = 1 << LOOKUP_BITS;

/// A lookup entry packs, from the low bits up: `total` (6 bits: the bits the symbol takes —
/// its code and value bits; 0 marks a code longer than the prefix), `later` (4 bits: value
/// bits still to be read, the last of `total`; 0 when the value was resolved from the prefix),
/// `advance` (8 bits: zigzag positions the symbol moves on — zero run + 1, 16 for ZRL,
/// [`END_OF_BLOCK`] for EOB) and the sign-extended value when it was resolved from the prefix
/// (14 bits, signed). Keeping `total` whole, in the low 6 bits, puts a single shift between
/// one lookup and the next: a 64-bit shift by the whole entry needs no masking on x86 or ARM.
const TOTAL_MASK: u32 = 63;
const LATER_SHIFT: u32 = 6;
const ADVANCE_SHIFT: u32 = 10;
const VALUE_SHIFT: u32 = 18;
/// The advance of EOB: moves any position past the block, and leaves one that a run past
/// the end of the block (at most 63 + 16) cannot reach.
const END_OF_BLOCK: u32 = 128;

/// Bits looked up at once when skipping the AC symbols past the kept corner, whose values are
/// not needed: one lookup moves over two short symbols where they fit (most of a photo's
/// high-frequency symbols take 2–6 bits), halving the serial chain of lookups and shifts that
/// bounds the entropy decoder's speed. 2048 entries of 4 bytes per AC table (11 and 12 bits measured
/// alike on the 12-MP benchmark photo; 13 and 14 slower, the tables crowd the L1 cache).
const PAIR_BITS: u32 = 11;
/// A pair entry packs `total` in the low 6 bits like a lookup entry (so [`BitReader::skip`]
/// takes it), the first symbol's advance when a second follows (8 bits at [`PAIR_FIRST_SHIFT`],
/// 0 for one symbol) and the advance of both (8 bits at [`PAIR_ADVANCE_SHIFT`]); 0: neither
/// symbol fits the prefix.
const PAIR_FIRST_SHIFT: u32 = 8;
const PAIR_ADVANCE_SHIFT: u32 = 16;

/// Where coefficients outside the kept `n`×`n` corner are stored (and never read).
const SCRATCH_SLOT: u8 = 16;

/// Decodes at `eighths`/8 of the full size (`eighths` = 1, 2 or 4), or `None` if this file is
/// not one this decoder handles or its data is malformed.
pub(crate) fn decode_reduced(bytes: &[u8], header: &JpegHeader<'_>, eighths: u32) -> Option<RgbImage> {
    let n = usize::try_from(eighths).ok().filter(|n| matches!(n, 1 | 2 | 4))?;
    let mut plan = Plan::new(header, n)?;
    let data = bytes.get(header.scan_data..)?;
    decode_at_scale(&mut plan, data)?;
    Some(plan.to_rgb())
}

/// A rectangle of the full-size image: origin and size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
}

/// One pass over the file, two scales: the whole image at `eighths`/8 (1, 2 or 4), exactly as
/// [`decode_reduced`] gives it, and the pixels of `detail` (a rectangle of the image) at full
/// size, by an 8-point IDCT of every coefficient of the blocks under it. The blocks outside
/// the rectangle cost only the small IDCT. `None` as for [`decode_reduced`], or for an empty
/// `detail` or one that leaves the image.
pub(crate) fn decode_reduced_with_detail(
    bytes: &[u8],
    header: &JpegHeader<'_>,
    eighths: u32,
    detail: Window,
) -> Option<(RgbImage, RgbImage)> {
    let n = usize::try_from(eighths).ok().filter(|n| matches!(n, 1 | 2 | 4))?;
    let mut plan = Plan::new(header, n)?;
    if detail.width == 0
        || detail.height == 0
        || detail.x + detail.width > plan.width
        || detail.y + detail.height > plan.height
    {
        return None;
    }
    plan.add_detail(detail);
    let data = bytes.get(header.scan_data..)?;
    decode_at_scale(&mut plan, data)?;
    let whole = plan.to_rgb();
    let detail_image = plan.detail_to_rgb(detail)?;
    Some((whole, detail_image))
}

/// One copy of the block loop per scale, so that patch sizes are constants.
fn decode_at_scale(plan: &mut Plan, data: &[u8]) -> Option<()> {
    match plan.n {
        4 => plan.decode_scan::<4>(data),
        2 => plan.decode_scan::<2>(data),
        _ => plan.decode_scan::<1>(data),
    }
}

/// Huffman decoding tables (canonical codes, as in ITU-T T.81 annex C and F.2.2.3).
struct Huffman {
    /// DC tables code a value size (0–11); AC tables a zero run and a size.
    dc: bool,
    /// Packed entries (see [`TOTAL_MASK`]) for each [`LOOKUP_BITS`]-bit prefix.
    lookup: [u32; LOOKUP_SIZE],
    /// For each length 1–16 (index 0 unused): the first code of the next length, left-aligned
    /// to 16 bits; and `symbol index − code` for codes of this length.
    max_code: [u32; 18],
    delta: [i32; 17],
    symbols: Vec<u8>,
    /// AC tables: packed pair entries (see [`PAIR_FIRST_SHIFT`]) for each [`PAIR_BITS`]-bit
    /// prefix; empty for DC tables.
    pairs: Vec<u32>,
}

impl Huffman {
    fn new(spec: &HuffmanSpec<'_>, dc: bool) -> Option<Self> {
        let mut table = Huffman {
            dc,
            lookup: [0; LOOKUP_SIZE],
            max_code: [0; 18],
            delta: [0; 17],
            symbols: spec.symbols.to_vec(),
            pairs: Vec::new(),
        };
        let mut code: u32 = 0;
        let mut index: usize = 0;
        for length in 1..=16u32 {
            let count = usize::from(*spec.counts.get(length as usize - 1)?);
            *table.delta.get_mut(length as usize)? = i32::try_from(index).ok()? - i32::try_from(code).ok()?;
            for _ in 0..count {
                let symbol = *spec.symbols.get(index)?;
                if length <= LOOKUP_BITS {
                    let first = (code << (LOOKUP_BITS - length)) as usize;
                    let span = 1usize << (LOOKUP_BITS - length);
                    for (offset, slot) in table.lookup.get_mut(first..first + span)?.iter_mut().enumerate() {
                        *slot = table_entry(dc, length, symbol, Some(offset as u32)).unwrap_or(0);
                    }
                }
                code += 1;
                index += 1;
            }
            // A code that no longer fits its length means an over-subscribed (invalid) table.
            if code > 1 << length {
                return None;
            }
            *table.max_code.get_mut(length as usize)? = code << (16 - length);
            code <<= 1;
        }
        *table.max_code.get_mut(17)? = u32::MAX;
        if !dc {
            table.pairs = table.pair_entries();
        }
        Some(table)
    }

    /// The packed entry for the code at the top of `bits` (which must hold at least 16 valid
    /// bits), or `None` for an invalid code or symbol.
    #[inline(always)]
    fn entry(&self, bits: u64) -> Option<u32> {
        let entry = self.lookup[(bits >> (64 - LOOKUP_BITS)) as usize];
        if entry & TOTAL_MASK != 0 {
            Some(entry)
        } else {
            self.long_entry(bits)
        }
    }

    /// The pair entry for every [`PAIR_BITS`]-bit prefix: the symbols (one or two) whose code and
    /// value bits lie wholly inside it. A second symbol only follows one that is not EOB.
    fn pair_entries(&self) -> Vec<u32> {
        let entry_at = |bits: u64, valid: u32| {
            let entry = self.lookup[(bits >> (64 - LOOKUP_BITS)) as usize];
            let total = entry & TOTAL_MASK;
            // A code longer than the lookup prefix, or bits past the prefix: not here.
            (total != 0 && total <= valid).then_some((total, (entry >> ADVANCE_SHIFT) & 0xFF))
        };
        (0..1u64 << PAIR_BITS)
            .map(|prefix| {
                let bits = prefix << (64 - PAIR_BITS);
                let Some((total, advance)) = entry_at(bits, PAIR_BITS) else {
                    return 0;
                };
                let second = (advance != END_OF_BLOCK)
                    .then(|| entry_at(bits << total, PAIR_BITS - total))
                    .flatten();
                match second {
                    Some((total_2, advance_2)) => {
                        (total + total_2) | advance << PAIR_FIRST_SHIFT | (advance + advance_2) << PAIR_ADVANCE_SHIFT
                    }
                    None => total | advance << PAIR_ADVANCE_SHIFT,
                }
            })
            .collect()
    }

    /// The pair entry for the top of `bits` (an AC table; see [`Huffman::pair_entries`]).
    #[inline(always)]
    fn pair(&self, bits: u64) -> u32 {
        self.pairs
            .get((bits >> (64 - PAIR_BITS)) as usize)
            .copied()
            .unwrap_or(0)
    }

    /// Codes longer than the lookup prefix (and invalid ones): a canonical-code search.
    #[cold]
    #[inline(never)]
    fn long_entry(&self, bits: u64) -> Option<u32> {
        let prefix = (bits >> 48) as u32;
        let length = (1..=16u32).find(|&length| prefix < self.max_code[length as usize])?;
        let code = i32::try_from(prefix >> (16 - length)).ok()?;
        let index = usize::try_from(code + self.delta[length as usize]).ok()?;
        table_entry(self.dc, length, *self.symbols.get(index)?, None)
    }
}

/// The packed entry for a code of `length` bits for `symbol`, followed in the lookup prefix by
/// `suffix` (the remaining `LOOKUP_BITS − length` bits; `None` outside the lookup table, where
/// the value bits are read separately). `None` for a DC size over 11, which baseline 8-bit
/// data cannot have.
fn table_entry(dc: bool, length: u32, symbol: u8, suffix: Option<u32>) -> Option<u32> {
    let (run, size) = if dc {
        (0, u32::from(symbol))
    } else {
        (u32::from(symbol >> 4), u32::from(symbol & 0x0F))
    };
    if dc && size > 11 {
        return None;
    }
    let advance = match (size, run) {
        (0, 15) => 16,
        // EOB (and the undefined runs without a value, read as EOB like libjpeg does).
        (0, _) if !dc => END_OF_BLOCK,
        _ => run + 1,
    };
    let (later, value) = match suffix {
        Some(suffix) if size > 0 && length + size <= LOOKUP_BITS => {
            let bits = suffix >> (LOOKUP_BITS - length - size);
            (0, extend(bits, size))
        }
        _ => (size, 0),
    };
    let total = length + size;
    Some(total | later << LATER_SHIFT | advance << ADVANCE_SHIFT | ((value << VALUE_SHIFT) as u32))
}

/// The entropy-coded data as a bit stream: byte stuffing (`FF 00`) undone; at a marker or the
/// end of the data it reads zeros, and the marker is left for [`BitReader::restarted`].
///
/// `bits` holds the next `count` bits left-aligned; the bits below them are either zero or
/// the stream's next bits, so that OR-ing those bits in again on a refill changes nothing.
#[derive(Clone, Copy)]
struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    bits: u64,
    count: u32,
    at_marker: bool,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        BitReader {
            data,
            pos: 0,
            bits: 0,
            count: 0,
            at_marker: false,
        }
    }

    /// Makes sure at least 32 bits are buffered: enough for any code (16 bits) and its value
    /// bits (15 at most).
    #[inline(always)]
    fn ensure(&mut self) {
        if self.count < 32 {
            self.refill();
        }
    }

    /// Tops the buffer up to at least 56 bits.
    #[inline(always)]
    fn refill(&mut self) {
        // Fast path: eight bytes without an 0xFF can be taken whole; only the whole bytes
        // that fit are counted, the rest are the stream's next bits (see the type's docs).
        if !self.at_marker {
            if let Some(chunk) = self.data.get(self.pos..).and_then(<[u8]>::first_chunk::<8>) {
                let word = u64::from_be_bytes(*chunk);
                if !has_ff_byte(word) {
                    self.bits |= word >> self.count;
                    self.pos += ((63 - self.count) >> 3) as usize;
                    self.count |= 56;
                    return;
                }
            }
        }
        *self = self.refilled_bytewise();
    }

    /// Byte by byte, undoing stuffing and stopping at markers: rare (about one 0xFF per 256
    /// bytes), so kept out of line. Takes and returns the reader by value so that the hot
    /// loop's reader never has its address taken and stays in registers.
    #[cold]
    #[inline(never)]
    fn refilled_bytewise(mut self) -> Self {
        while self.count <= 56 {
            let byte = self.next_byte();
            self.bits |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
        self
    }

    fn next_byte(&mut self) -> u8 {
        if self.at_marker {
            return 0;
        }
        match self.data.get(self.pos) {
            Some(0xFF) if self.data.get(self.pos + 1) == Some(&0) => {
                self.pos += 2;
                0xFF
            }
            Some(0xFF) => {
                self.at_marker = true;
                0
            }
            Some(&byte) => {
                self.pos += 1;
                byte
            }
            None => {
                self.at_marker = true;
                0
            }
        }
    }

    /// Consumes the code and value bits of `entry` and returns its sign-extended value
    /// (T.81 F.2.2.1 EXTEND), branch-free: a value whose top bit is 0 is negative,
    /// `bits − (2^size − 1)`. Needs [`BitReader::ensure`] first.
    #[inline(always)]
    fn take(&mut self, entry: u32) -> i32 {
        let (total, later) = (entry & TOTAL_MASK, (entry >> LATER_SHIFT) & 15);
        // The value bits at the top; `total ≥ later` by construction.
        let value_bits = self.bits << (total - later);
        // The bias comes from a table rather than a select: the compiler turns a select into a
        // branch, which the random signs of coefficients mispredict half of the time.
        let bias = EXTEND_BIAS[((value_bits >> 59) & 16) as usize | later as usize];
        // `later` is at most 15, so the shift is 17–32 and 0 value bits give 0.
        let raw = ((value_bits >> 32) >> (32 - later)) as i32;
        self.skip(entry);
        ((entry as i32) >> VALUE_SHIFT) + raw + bias
    }

    /// Consumes the code and value bits of `entry` without computing the value.
    #[inline(always)]
    fn skip(&mut self, entry: u32) {
        let total = entry & TOTAL_MASK;
        self.bits <<= total;
        self.count -= total;
    }

    /// At a restart interval: drops the padding bits and steps over the next RSTn marker.
    #[cold]
    #[inline(never)]
    fn restarted(mut self) -> Option<Self> {
        self.bits = 0;
        self.count = 0;
        self.at_marker = false;
        let rest = self.data.get(self.pos..)?;
        let marker = rest
            .windows(2)
            .position(|pair| pair[0] == 0xFF && pair[1] != 0 && pair[1] != 0xFF)?;
        if !(0xD0..=0xD7).contains(rest.get(marker + 1)?) {
            return None;
        }
        self.pos += marker + 2;
        Some(self)
    }
}

/// What EXTEND adds to `size` value bits (index `size`, top bit 0: negative, `1 − 2^size`;
/// index `16 + size`, top bit 1: positive, 0).
const EXTEND_BIAS: [i32; 32] = {
    let mut bias = [0i32; 32];
    let mut size = 0;
    while size < 16 {
        bias[size] = 1 - (1 << size);
        size += 1;
    }
    bias
};

/// Whether any byte of `word` is 0xFF.
fn has_ff_byte(word: u64) -> bool {
    let inverted = !word;
    (inverted.wrapping_sub(0x0101_0101_0101_0101) & !inverted & 0x8080_8080_8080_8080) != 0
}

/// T.81 F.2.2.1 EXTEND: `bits` read as a `size`-bit magnitude category.
fn extend(bits: u32, size: u32) -> i32 {
    let bits = bits as i32;
    if size > 0 && bits < 1 << (size - 1) {
        bits - (1 << size) + 1
    } else {
        bits
    }
}

/// One colour component's tables, prediction and reduced-size output plane.
struct Component {
    /// Blocks per MCU across and down.
    h: usize,
    v: usize,
    /// Dequantization factors by zigzag position for the kept coefficients; 0 for the rest
    /// and past 63 (where EOB and runs past the end of a block point).
    quant: [i32; 256],
    /// Where each zigzag position goes in the `n`×`n` coefficient block (F(v, u) at
    /// `u * 4 + v`, see [`idct_4x4`]), [`SCRATCH_SLOT`] for the positions dropped.
    slot: [u8; 256],
    /// Indices into [`Plan::tables`].
    dc: usize,
    ac: usize,
    prediction: i32,
    plane: Vec<u8>,
    stride: usize,
    /// Dequantization factors by zigzag position for all 64 coefficients (detail blocks).
    quant_all: [i32; 64],
    /// The detail window's pixels at full size (empty without a detail window).
    detail_plane: Vec<u8>,
    detail_stride: usize,
}

/// The decoding plan for one file at one scale.
struct Plan {
    n: usize,
    width: usize,
    height: usize,
    mcus_wide: usize,
    mcus_high: usize,
    max_horizontal: usize,
    max_vertical: usize,
    restart_interval: usize,
    components: Vec<Component>,
    /// The Huffman tables the scan uses, each built once (chroma components share theirs).
    tables: Vec<Huffman>,
    /// The MCUs decoded at full size too: columns and rows, end exclusive (empty ranges
    /// without a detail window).
    detail_mcus: (std::ops::Range<usize>, std::ops::Range<usize>),
}

impl Plan {
    /// A plan writing planes at `n`/8 scale.
    fn new(header: &JpegHeader<'_>, n: usize) -> Option<Self> {
        let frame = header.frame?;
        let scan = header.scan.as_ref()?;
        let baseline = matches!(frame.marker, 0xC0 | 0xC1) && frame.precision == 8;
        let full_scan = scan.spectral_start == 0 && scan.spectral_end == 63 && scan.approximation == 0;
        if !baseline || !full_scan || !matches!(header.components.len(), 1 | 3) || !is_ycbcr(header) {
            return None;
        }
        // One interleaved scan over all components, in frame order.
        if scan.components.len() != header.components.len()
            || scan.components.iter().zip(&header.components).any(|(s, c)| s.0 != c.id)
        {
            return None;
        }
        let (max_horizontal, max_vertical) = sampling(&header.components)?;
        let (width, height) = (usize::try_from(frame.width).ok()?, usize::try_from(frame.height).ok()?);
        if width == 0 || height == 0 {
            return None;
        }
        let mcus_wide = width.div_ceil(8 * max_horizontal);
        let mcus_high = height.div_ceil(8 * max_vertical);
        let mut keys: Vec<(bool, u8)> = Vec::new();
        let mut tables = Vec::new();
        let mut table_index = |dc: bool, id: u8| -> Option<usize> {
            if let Some(index) = keys.iter().position(|&key| key == (dc, id)) {
                return Some(index);
            }
            let spec = header.huffman.get(usize::from(id) + if dc { 0 } else { 4 })?.as_ref()?;
            tables.push(Huffman::new(spec, dc)?);
            keys.push((dc, id));
            Some(tables.len() - 1)
        };
        let mut components = Vec::with_capacity(header.components.len());
        for (spec, &(_, dc, ac)) in header.components.iter().zip(&scan.components) {
            let (h, v) = if header.components.len() == 1 {
                (1, 1)
            } else {
                (usize::from(spec.horizontal), usize::from(spec.vertical))
            };
            let tables = (table_index(true, dc)?, table_index(false, ac)?);
            components.push(Component::new(header, spec, tables, (h, v), (mcus_wide, mcus_high), n)?);
        }
        Some(Plan {
            n,
            width,
            height,
            mcus_wide,
            mcus_high,
            max_horizontal,
            max_vertical,
            restart_interval: usize::from(header.restart_interval),
            components,
            tables,
            detail_mcus: (0..0, 0..0),
        })
    }

    /// The output size at the plan's scale: `ceil(size · n / 8)`.
    fn output_size(&self) -> (usize, usize) {
        ((self.width * self.n).div_ceil(8), (self.height * self.n).div_ceil(8))
    }

    /// Full-size pixels of an MCU, across and down.
    fn mcu_size(&self) -> (usize, usize) {
        (8 * self.max_horizontal, 8 * self.max_vertical)
    }

    /// Decodes the MCUs under `window` (full-size pixels, inside the image) a second time at
    /// full size, into planes of their own.
    fn add_detail(&mut self, window: Window) {
        let (mcu_w, mcu_h) = self.mcu_size();
        let columns = window.x / mcu_w..(window.x + window.width).div_ceil(mcu_w).min(self.mcus_wide);
        let rows = window.y / mcu_h..(window.y + window.height).div_ceil(mcu_h).min(self.mcus_high);
        for component in &mut self.components {
            component.detail_stride = columns.len() * component.h * 8;
            component.detail_plane = vec![0; component.detail_stride * rows.len() * component.v * 8];
        }
        self.detail_mcus = (columns, rows);
    }

    /// Decodes the scan into the planes at `N`/8 scale (`N` = `self.n`), and the MCUs of the
    /// detail window also into the detail planes at full size.
    fn decode_scan<const N: usize>(&mut self, data: &[u8]) -> Option<()> {
        let last_kept = last_zigzag_in_corner(N);
        let mut reader = BitReader::new(data);
        // Slots 0–15: the N×N corner (see `Component::slot`); 16–31: scratch.
        let mut coefficients = [0i32; 32];
        // Every coefficient of a detail block, in natural (row-major) order.
        let mut all = [0i32; 64];
        let mut mcu = 0usize;
        let (detail_columns, detail_rows) = self.detail_mcus.clone();
        let Plan { components, tables, .. } = self;
        for mcu_y in 0..self.mcus_high {
            let detail_row = detail_rows.contains(&mcu_y);
            for mcu_x in 0..self.mcus_wide {
                if self.restart_interval > 0 && mcu > 0 && mcu % self.restart_interval == 0 {
                    reader = reader.restarted()?;
                    for component in components.iter_mut() {
                        component.prediction = 0;
                    }
                }
                mcu += 1;
                let in_detail = detail_row && detail_columns.contains(&mcu_x);
                for component in components.iter_mut() {
                    let (dc, ac) = (tables.get(component.dc)?, tables.get(component.ac)?);
                    for block_y in 0..component.v {
                        for block_x in 0..component.h {
                            let x = (mcu_x * component.h + block_x) * N;
                            let y = (mcu_y * component.v + block_y) * N;
                            if in_detail {
                                component.decode_block_fully(&mut reader, (dc, ac), &mut all)?;
                                component.write_block::<N>(&corner_of(&all), x, y);
                                let x = ((mcu_x - detail_columns.start) * component.h + block_x) * 8;
                                let y = ((mcu_y - detail_rows.start) * component.v + block_y) * 8;
                                component.write_full_block(&all, x, y);
                            } else {
                                component.decode_block(&mut reader, (dc, ac), last_kept, &mut coefficients)?;
                                component.write_block::<N>(&coefficients, x, y);
                            }
                        }
                    }
                }
            }
        }
        Some(())
    }

    /// The output image at `ceil(size · n / 8)`, chroma replicated onto the luma grid.
    fn to_rgb(&self) -> RgbImage {
        let (out_w, out_h) = self.output_size();
        let planes: Vec<(&[u8], usize)> = self.components.iter().map(|c| (c.plane.as_slice(), c.stride)).collect();
        self.planes_to_rgb(&planes, out_w, out_h)
    }

    /// The detail window's pixels, `None` if no detail was decoded or `window` is not the one
    /// given to [`Plan::add_detail`].
    fn detail_to_rgb(&self, window: Window) -> Option<RgbImage> {
        let (mcu_w, mcu_h) = self.mcu_size();
        let (columns, rows) = &self.detail_mcus;
        let planes: Vec<(&[u8], usize)> = self
            .components
            .iter()
            .map(|c| (c.detail_plane.as_slice(), c.detail_stride))
            .collect();
        let (origin_x, origin_y) = (columns.start * mcu_w, rows.start * mcu_h);
        let (out_w, out_h) = (columns.len() * mcu_w, rows.len() * mcu_h);
        let (offset_x, offset_y) = (window.x.checked_sub(origin_x)?, window.y.checked_sub(origin_y)?);
        if offset_x + window.width > out_w || offset_y + window.height > out_h {
            return None;
        }
        let decoded = self.planes_to_rgb(&planes, out_w, out_h);
        // Row by row with slice copies: the generic sub-image copy goes pixel by pixel.
        let (start, end) = (offset_x * 3, (offset_x + window.width) * 3);
        let mut pixels = Vec::with_capacity(window.width * window.height * 3);
        for row in decoded
            .as_raw()
            .chunks_exact((out_w * 3).max(1))
            .skip(offset_y)
            .take(window.height)
        {
            pixels.extend_from_slice(row.get(start..end)?);
        }
        RgbImage::from_raw(
            u32::try_from(window.width).ok()?,
            u32::try_from(window.height).ok()?,
            pixels,
        )
    }

    /// Converts planes (luma, then Cb and Cr if colour; each with its stride) to an RGB image of
    /// `out_w` × `out_h`, chroma replicated onto the luma grid.
    fn planes_to_rgb(&self, planes: &[(&[u8], usize)], out_w: usize, out_h: usize) -> RgbImage {
        let mut rgb = vec![0u8; out_w * out_h * 3];
        let Some(&(luma_plane, luma_stride)) = planes.first() else {
            return RgbImage::new(0, 0);
        };
        let luma_row = |y: usize| {
            luma_plane
                .get(y * luma_stride..y * luma_stride + out_w)
                .unwrap_or_default()
        };
        let Some((&(cb_plane, cb_stride), &(cr_plane, cr_stride))) = planes.get(1).zip(planes.get(2)) else {
            for (y, out_row) in rgb.chunks_exact_mut(out_w * 3).enumerate() {
                for (pixel, &l) in out_row.chunks_exact_mut(3).zip(luma_row(y)) {
                    pixel.fill(l);
                }
            }
            return RgbImage::from_raw(out_w as u32, out_h as u32, rgb).unwrap_or_else(|| RgbImage::new(0, 0));
        };
        // Chroma is sampled 1×1 against luma's max_horizontal × max_vertical: each chroma
        // sample colours a max_horizontal × max_vertical group of luma samples. Its colour
        // offsets are worked out once per chroma row, for all the luma rows it colours.
        let tables = ColorTables::new();
        let mut offsets = vec![[0i32; 3]; out_w.div_ceil(self.max_horizontal)];
        let band_rows = self.max_vertical;
        for (chroma_y, band) in rgb.chunks_mut(out_w * 3 * band_rows).enumerate() {
            let cb_row = cb_plane.get(chroma_y * cb_stride..).unwrap_or_default();
            let cr_row = cr_plane.get(chroma_y * cr_stride..).unwrap_or_default();
            let filled = offsets.len().min(cb_row.len()).min(cr_row.len());
            for (offset, (&b, &r)) in offsets.iter_mut().zip(cb_row.iter().zip(cr_row)) {
                *offset = tables.offsets(b, r);
            }
            let offsets = offsets.get(..filled).unwrap_or_default();
            for (row, out_row) in band.chunks_exact_mut(out_w * 3).enumerate() {
                let luma_row = luma_row(chroma_y * band_rows + row);
                if self.max_horizontal == 2 {
                    convert_row::<2>(&tables, luma_row, offsets, out_row);
                } else {
                    convert_row::<1>(&tables, luma_row, offsets, out_row);
                }
            }
        }
        RgbImage::from_raw(out_w as u32, out_h as u32, rgb).unwrap_or_else(|| RgbImage::new(0, 0))
    }
}

/// Converts one row; each chroma sample's `offsets` colour `GROUP` neighbouring luma samples.
/// Slices cut to one common length first, so that the loop runs without bounds checks.
fn convert_row<const GROUP: usize>(tables: &ColorTables, luma: &[u8], offsets: &[[i32; 3]], out: &mut [u8]) {
    let groups = (out.len() / (3 * GROUP)).min(luma.len() / GROUP).min(offsets.len());
    let (Some(whole), Some(lumas), Some(offsets_used)) = (
        out.get_mut(..groups * 3 * GROUP),
        luma.get(..groups * GROUP),
        offsets.get(..groups),
    ) else {
        return;
    };
    // Indexed rather than zipped chunk iterators: with the three lengths tied to `groups`
    // the compiler proves every index in range and emits a plain loop.
    for (group, &[red, green, blue]) in offsets_used.iter().enumerate() {
        for pixel in group * GROUP..(group + 1) * GROUP {
            let l = usize::from(lumas[pixel]);
            whole[pixel * 3] = tables.limit(l, red);
            whole[pixel * 3 + 1] = tables.limit(l, green);
            whole[pixel * 3 + 2] = tables.limit(l, blue);
        }
    }
    // A last odd pixel of a 2-wide group (odd output width).
    let done = groups * GROUP;
    if let (Some(pixel), Some(&l), Some(offset)) = (
        out.get_mut(done * 3..done * 3 + 3),
        luma.get(done),
        offsets.get(done / GROUP),
    ) {
        for (channel, &offset) in pixel.iter_mut().zip(offset) {
            *channel = tables.limit(usize::from(l), offset);
        }
    }
}

/// JFIF YCbCr → RGB offsets per chroma value, with libjpeg's 16-bit fixed-point constants:
/// `R = Y + 1.402 Cr'`, `G = Y − 0.34414 Cb' − 0.71414 Cr'`, `B = Y + 1.772 Cb'`.
struct ColorTables {
    /// `clamp(i − 256, 0, 255)`: luma + offset + 256 always falls in 0..1024.
    range_limit: [u8; 1024],
    red_from_cr: [i32; 256],
    green_from_cb: [i32; 256],
    green_from_cr: [i32; 256],
    blue_from_cb: [i32; 256],
}

impl ColorTables {
    fn new() -> Self {
        const HALF: i32 = 1 << 15;
        let centred = |i: usize| i as i32 - 128;
        ColorTables {
            range_limit: std::array::from_fn(|i| (i as i32 - 256).clamp(0, 255) as u8),
            red_from_cr: std::array::from_fn(|i| (91_881 * centred(i) + HALF) >> 16),
            green_from_cb: std::array::from_fn(|i| -22_554 * centred(i)),
            green_from_cr: std::array::from_fn(|i| -46_802 * centred(i) + HALF),
            blue_from_cb: std::array::from_fn(|i| (116_130 * centred(i) + HALF) >> 16),
        }
    }

    /// `clamp(luma + offset − 256, 0, 255)` for an offset from [`ColorTables::offsets`]; the
    /// index stays within 0..1024, the mask only proves it.
    #[inline(always)]
    fn limit(&self, luma: usize, offset: i32) -> u8 {
        self.range_limit[(luma as i32 + offset) as usize & 1023]
    }

    /// The red, green and blue offsets of one chroma pair, plus 256 (the `range_limit`
    /// origin), so that a pixel costs one add and one lookup per channel.
    #[inline(always)]
    fn offsets(&self, cb: u8, cr: u8) -> [i32; 3] {
        let (cb, cr) = (usize::from(cb), usize::from(cr));
        [
            self.red_from_cr[cr] + 256,
            ((self.green_from_cb[cb] + self.green_from_cr[cr]) >> 16) + 256,
            self.blue_from_cb[cb] + 256,
        ]
    }
}

impl Component {
    fn new(
        header: &JpegHeader<'_>,
        spec: &ComponentSpec,
        (dc, ac): (usize, usize),
        (h, v): (usize, usize),
        (mcus_wide, mcus_high): (usize, usize),
        n: usize,
    ) -> Option<Self> {
        let table = header.tables.get(usize::from(spec.quant_table))?.as_ref()?;
        let mut quant = [0i32; 256];
        let mut slot = [SCRATCH_SLOT; 256];
        let mut quant_all = [0i32; 64];
        for (zigzag, &natural) in ZIGZAG_TO_NATURAL.iter().enumerate() {
            let (row, column) = (natural / 8, natural % 8);
            quant_all[zigzag] = i32::from(*table.values.get(natural)?);
            if row < n && column < n {
                slot[zigzag] = u8::try_from(column * 4 + row).ok()?;
                quant[zigzag] = quant_all[zigzag];
            }
        }
        let stride = mcus_wide * h * n;
        Some(Component {
            h,
            v,
            quant,
            slot,
            dc,
            ac,
            prediction: 0,
            plane: vec![0; stride * mcus_high * v * n],
            stride,
            quant_all,
            detail_plane: Vec::new(),
            detail_stride: 0,
        })
    }

    /// Decodes one block's coefficients, keeping (dequantized) the `n`×`n` lowest frequencies
    /// in `coefficients[..16]` (see [`Component::slot`]); `last_kept` is the zigzag position of
    /// the last of them.
    #[inline(always)]
    fn decode_block(
        &mut self,
        reader: &mut BitReader<'_>,
        (dc, ac): (&Huffman, &Huffman),
        last_kept: usize,
        coefficients: &mut [i32; 32],
    ) -> Option<()> {
        // Only the corner is read back; the scratch slots need no clearing.
        coefficients[..16].fill(0);
        reader.ensure();
        let entry = dc.entry(reader.bits)?;
        self.prediction = self.prediction.wrapping_add(reader.take(entry));
        coefficients[0] = dequantize(self.prediction, self.quant[0]);
        // Kept part: every coefficient is stored, those outside the corner in scratch slots
        // (a store is cheaper than a mispredicted branch). |value| < 2^15 and quant < 2^16,
        // so the product fits i32 (hostile sizes only make the IDCT wrap, see `idct_4`).
        let mut k = 1usize;
        while k <= last_kept {
            reader.ensure();
            let entry = ac.entry(reader.bits)?;
            let value = reader.take(entry);
            k += ((entry >> ADVANCE_SHIFT) & 0xFF) as usize;
            let position = (k - 1) & 0xFF;
            coefficients[usize::from(self.slot[position]) & 31] = value * self.quant[position];
        }
        // The rest only needs its bits skipped: two symbols at a time where a pair entry has
        // them and the first leaves the block open (else the second belongs to the next block).
        while k < 64 {
            reader.ensure();
            let pair = ac.pair(reader.bits);
            let first = ((pair >> PAIR_FIRST_SHIFT) & 0xFF) as usize;
            if pair != 0 && k + first < 64 {
                reader.skip(pair);
                k += ((pair >> PAIR_ADVANCE_SHIFT) & 0xFF) as usize;
            } else {
                let entry = ac.entry(reader.bits)?;
                reader.skip(entry);
                k += ((entry >> ADVANCE_SHIFT) & 0xFF) as usize;
            }
        }
        // 64: the block ended on its last coefficient; past END_OF_BLOCK: an EOB. Anything in
        // between is a run past the end of the block.
        (k == 64 || k > END_OF_BLOCK as usize).then_some(())
    }

    /// Inverse DCT of the kept coefficients into an `N`×`N` patch of the plane at (x, y).
    #[inline(always)]
    fn write_block<const N: usize>(&mut self, coefficients: &[i32; 32], x: usize, y: usize) {
        write_patch::<N>(&mut self.plane, self.stride, coefficients, x, y);
    }

    /// Decodes one block keeping every coefficient, dequantized, in natural order (detail
    /// blocks). Inlined like [`Component::decode_block`], so that the reader stays in
    /// registers.
    #[inline(always)]
    fn decode_block_fully(
        &mut self,
        reader: &mut BitReader<'_>,
        (dc, ac): (&Huffman, &Huffman),
        all: &mut [i32; 64],
    ) -> Option<()> {
        all.fill(0);
        reader.ensure();
        let entry = dc.entry(reader.bits)?;
        self.prediction = self.prediction.wrapping_add(reader.take(entry));
        all[0] = dequantize(self.prediction, self.quant_all[0]);
        let mut k = 1usize;
        while k < 64 {
            reader.ensure();
            let entry = ac.entry(reader.bits)?;
            let value = reader.take(entry);
            k += ((entry >> ADVANCE_SHIFT) & 0xFF) as usize;
            // Past 63 only for EOB (value 0) or a run past the end of the block (refused below).
            if let (Some(&natural), Some(&quant)) = (ZIGZAG_TO_NATURAL.get(k - 1), self.quant_all.get(k - 1)) {
                all[natural & 63] = value.wrapping_mul(quant);
            }
        }
        (k == 64 || k > END_OF_BLOCK as usize).then_some(())
    }

    /// 8-point IDCT of a whole block into the detail plane at (x, y) of the detail window.
    fn write_full_block(&mut self, all: &[i32; 64], x: usize, y: usize) {
        let patch = idct_8x8(all);
        let stride = self.detail_stride;
        let start = y * stride + x;
        if let Some(region) = self.detail_plane.get_mut(start..start + 7 * stride + 8) {
            for (row, values) in patch.iter().enumerate() {
                region[row * stride..row * stride + 8].copy_from_slice(values);
            }
        }
    }
}

/// The 4×4 lowest frequencies of a block in natural order, laid out as [`Component::slot`]
/// lays out a kept corner (`F(v, u)` at `u * 4 + v`), for the reduced-scale IDCTs.
fn corner_of(all: &[i32; 64]) -> [i32; 32] {
    let mut corner = [0i32; 32];
    for u in 0..4 {
        for v in 0..4 {
            corner[u * 4 + v] = all[v * 8 + u];
        }
    }
    corner
}

/// The zigzag position of the last coefficient in the `n`×`n` lowest-frequency corner.
const fn last_zigzag_in_corner(n: usize) -> usize {
    match n {
        4 => 24,
        2 => 4,
        _ => 0,
    }
}

/// Inverse DCT of the kept coefficients (an `N`×`N` corner at least) into an `N`×`N` patch of
/// `plane` at (x, y). The coefficient layout does not depend on how many were kept (see
/// `Component::slot`), so one block serves several scales.
#[inline(always)]
fn write_patch<const N: usize>(plane: &mut [u8], stride: usize, coefficients: &[i32; 32], x: usize, y: usize) {
    let kept = coefficients.first_chunk::<16>().copied().unwrap_or([0; 16]);
    let patch = match N {
        4 => idct_4x4(&kept),
        2 => idct_2x2(&kept),
        _ => [[to_pixel(kept[0].wrapping_mul(512), 12); 4]; 4],
    };
    let start = y * stride + x;
    // One bounds check for the whole patch (the plane holds every block of the MCU grid).
    if let Some(region) = plane.get_mut(start..start + (N - 1) * stride + N) {
        for (row, values) in patch.iter().take(N).enumerate() {
            region[row * stride..row * stride + N].copy_from_slice(&values[..N]);
        }
    }
}

/// Luma sampled 1 or 2 each way, chroma 1×1; returns the luma factors (1×1 for grey).
fn sampling(components: &[ComponentSpec]) -> Option<(usize, usize)> {
    let luma = components.first()?;
    if components.len() == 1 {
        return Some((1, 1));
    }
    let valid = |f: u8| f == 1 || f == 2;
    let chroma_ok = components.iter().skip(1).all(|c| c.horizontal == 1 && c.vertical == 1);
    (valid(luma.horizontal) && valid(luma.vertical) && chroma_ok)
        .then(|| (usize::from(luma.horizontal), usize::from(luma.vertical)))
}

/// Three components are YCbCr unless marked RGB (ids 'R','G','B', or Adobe transform 0
/// without JFIF), following the rules libjpeg and jpeg-decoder apply.
fn is_ycbcr(header: &JpegHeader<'_>) -> bool {
    let marked_rgb_by_ids = header.components.iter().map(|c| c.id).eq([b'R', b'G', b'B']);
    let marked_rgb_by_adobe = header.adobe_transform == Some(0) && !header.has_jfif;
    header.components.len() == 1 || !(marked_rgb_by_ids || marked_rgb_by_adobe)
}

/// Dequantized DC coefficient. The prediction is a running sum that hostile data can push
/// anywhere: saturating, and clamped to ±2^15 (real coefficients stay far below).
fn dequantize(value: i32, quant: i32) -> i32 {
    value.saturating_mul(quant).clamp(-32768, 32767)
}

/// `(C(u)/2)·cos(…)` factors of the 4-point IDCT in 1/4096: `1/(2√2)`, `cos(π/8)/2`,
/// `cos(3π/8)/2`.
const C4_0: i32 = 1448;
const C4_1: i32 = 1892;
const C4_3: i32 = 784;

/// One 4-point IDCT (even part from F0, F2; odd part from F1, F3), results in 1/4096.
///
/// The odd part `F1·C1 + F3·C3`, `F1·C3 − F3·C1` shares the product `(F1 + F3)·C3` (exact in
/// integers). Wrapping arithmetic: real coefficients (at most about ±2^11 after dequantizing)
/// stay far from overflow; hostile ones only give wrong pixels, never a panic.
#[inline(always)]
fn idct_4(f0: i32, f1: i32, f2: i32, f3: i32) -> [i32; 4] {
    let (f0, f1, f2, f3) = (Wrapping(f0), Wrapping(f1), Wrapping(f2), Wrapping(f3));
    let (e0, e1) = ((f0 + f2) * Wrapping(C4_0), (f0 - f2) * Wrapping(C4_0));
    let shared = (f1 + f3) * Wrapping(C4_3);
    let (o0, o1) = (shared + f1 * Wrapping(C4_1 - C4_3), shared - f3 * Wrapping(C4_1 + C4_3));
    [e0 + o0, e1 + o1, e1 - o1, e0 - o0].map(|value| value.0)
}

/// 4×4 IDCT: rows (keeping 2 fractional bits), then columns; +128 level shift. A block with
/// no AC term left (common in smooth areas) is flat: one value, the same the full IDCT gives.
///
/// `c[u * 4 + v]` holds F(v, u) (see `Component::slot`): the horizontal pass reads each
/// frequency u for four rows v from four contiguous values, so that it runs four rows at once.
#[inline(always)]
fn idct_4x4(c: &[i32; 16]) -> [[u8; 4]; 4] {
    if c[1..].iter().fold(0, |any, &value| any | value) == 0 {
        let row = idct_4(c[0], 0, 0, 0)[0] >> 10;
        return [[to_pixel(idct_4(row, 0, 0, 0)[0], 14); 4]; 4];
    }
    // rows[v][x]: row v after the horizontal pass.
    let mut rows = [[0i32; 4]; 4];
    for v in 0..4 {
        let values = idct_4(c[v], c[4 + v], c[8 + v], c[12 + v]);
        for x in 0..4 {
            rows[v][x] = values[x] >> 10;
        }
    }
    let mut patch = [[0u8; 4]; 4];
    for x in 0..4 {
        let values = idct_4(rows[0][x], rows[1][x], rows[2][x], rows[3][x]);
        for y in 0..4 {
            patch[y][x] = to_pixel(values[y], 14);
        }
    }
    patch
}

/// 2×2 IDCT: `(F00 ± F01 ± F10 ± F11) / 8`, the signs of `cos((2x+1)π/4)` for F01 (by x),
/// of `cos((2y+1)π/4)` for F10 (by y) and their product for F11; +128 level shift.
/// `Fvu` is at `coefficients[u * 4 + v]` (see [`idct_4x4`]); wrapping like [`idct_4`].
#[inline(always)]
fn idct_2x2(coefficients: &[i32; 16]) -> [[u8; 4]; 4] {
    let [f00, f10, f01, f11] = [0, 1, 4, 5].map(|index| Wrapping(coefficients[index]));
    let (top, bottom) = (f00 + f10, f00 - f10);
    let (left_odd, right_odd) = (f01 + f11, f01 - f11);
    let pixel = |value: Wrapping<i32>| to_pixel((value * Wrapping(512)).0, 12);
    let mut patch = [[0u8; 4]; 4];
    patch[0][0] = pixel(top + left_odd);
    patch[0][1] = pixel(top - left_odd);
    patch[1][0] = pixel(bottom + right_odd);
    patch[1][1] = pixel(bottom - right_odd);
    patch
}

/// Eight values processed side by side (one per column, then one per row): plain loops over
/// arrays of `f32`, which the compiler turns into vector instructions (integer lane
/// multiplication needs SSE4.1; float multiplication is in every x86-64).
type Lanes = [f32; 8];

/// `[f(0), …, f(7)]`, by a plain loop: `std::array::from_fn` goes through a closure wrapper
/// that is not always inlined, which costs more than the arithmetic here.
#[inline(always)]
fn lanes(f: impl Fn(usize) -> f32) -> Lanes {
    let mut out = [0.0; 8];
    for (i, value) in out.iter_mut().enumerate() {
        *value = f(i);
    }
    out
}

#[inline(always)]
fn add(a: Lanes, b: Lanes) -> Lanes {
    lanes(|i| a[i] + b[i])
}

#[inline(always)]
fn sub(a: Lanes, b: Lanes) -> Lanes {
    lanes(|i| a[i] - b[i])
}

#[inline(always)]
fn scale(a: Lanes, factor: f32) -> Lanes {
    lanes(|i| a[i] * factor)
}

/// The 8-point IDCT by the Loeffler–Ligtenberg–Moschytz factorisation (12 multiplications;
/// the one libjpeg's accurate integer IDCT uses, here in `f32`) on eight lanes at once:
/// `x[k]` holds frequency `k` of each lane; outputs scaled by `√8`. Hand-written because no
/// maintained crate exposes a JPEG IDCT on its own; checked against the cosine sum in the
/// tests.
#[inline(always)]
fn idct_8_lanes(x: &[Lanes; 8]) -> [Lanes; 8] {
    // Even part: F0, F2, F4, F6.
    let z1 = scale(add(x[2], x[6]), 0.541_196_1);
    let even2 = sub(z1, scale(x[6], 1.847_759_1));
    let even3 = add(z1, scale(x[2], 0.765_366_87));
    let (even0, even1) = (add(x[0], x[4]), sub(x[0], x[4]));
    let (t10, t13) = (add(even0, even3), sub(even0, even3));
    let (t11, t12) = (add(even1, even2), sub(even1, even2));
    // Odd part: F7, F5, F3, F1.
    let (o0, o1, o2, o3) = (x[7], x[5], x[3], x[1]);
    let (z1, z2, z3, z4) = (add(o0, o3), add(o1, o2), add(o0, o2), add(o1, o3));
    let z5 = scale(add(z3, z4), 1.175_875_6);
    let (z1, z2) = (scale(z1, -0.899_976_2), scale(z2, -2.562_915_4));
    let z3 = sub(z5, scale(z3, 1.961_570_6));
    let z4 = sub(z5, scale(z4, 0.390_180_64));
    let o0 = add(scale(o0, 0.298_631_34), add(z1, z3));
    let o1 = add(scale(o1, 2.053_12), add(z2, z4));
    let o2 = add(scale(o2, 3.072_711), add(z2, z3));
    let o3 = add(scale(o3, 1.501_321_1), add(z1, z4));
    [
        add(t10, o3),
        add(t11, o2),
        add(t12, o1),
        add(t13, o0),
        sub(t13, o0),
        sub(t12, o1),
        sub(t11, o2),
        sub(t10, o3),
    ]
}

/// 8×8 IDCT of a block in natural order (`all[v * 8 + u]` = F(v, u)): all columns at once,
/// then all rows; +128 level shift, rounded and clamped. A block without AC terms (common in
/// smooth areas) is flat: its one value, as the transform gives it.
fn idct_8x8(all: &[i32; 64]) -> [[u8; 8]; 8] {
    // Each pass scales by √8: 8 in all.
    let to_pixel = |value: f32| (value / 8.0 + 128.5).clamp(0.0, 255.0) as u8;
    // An OR over the block rather than `all()`: a straight-line, vectorised reduction.
    if all[1..].iter().fold(0, |acc, &c| acc | c) == 0 {
        return [[to_pixel(all[0] as f32); 8]; 8];
    }
    // Pass 1: lane u is column u; input k is row k (vertical frequency k).
    let mut rows = [[0.0f32; 8]; 8];
    for (k, row) in rows.iter_mut().enumerate() {
        *row = lanes(|u| all[k * 8 + u] as f32);
    }
    let spatial = idct_8_lanes(&rows);
    // spatial[y][u]: row y, horizontal frequency u. Pass 2: lane y is row y.
    let mut transposed = [[0.0f32; 8]; 8];
    for (u, lane) in transposed.iter_mut().enumerate() {
        *lane = lanes(|y| spatial[y][u]);
    }
    let pixels = idct_8_lanes(&transposed);
    // pixels[x][y]: column x of row y.
    let mut patch = [[0u8; 8]; 8];
    for (y, row) in patch.iter_mut().enumerate() {
        for (x, pixel) in row.iter_mut().enumerate() {
            *pixel = to_pixel(pixels[x][y]);
        }
    }
    patch
}

/// A fixed-point sample with `fraction` fractional bits, rounded, level-shifted, clamped.
#[inline(always)]
fn to_pixel(value: i32, fraction: u32) -> u8 {
    // Rounding and the level shift in one add: 128 whole units are a multiple of 2^fraction.
    (value.wrapping_add((1 << (fraction - 1)) + (128 << fraction)) >> fraction).clamp(0, 255) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jpeg::parse_header;
    use image::{DynamicImage, Rgb};
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

    /// Smooth gradients, a few sharp edges and mild noise.
    fn scene(width: u32, height: u32) -> RgbImage {
        let mut state = 99u32;
        RgbImage::from_fn(width, height, |x, y| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = ((state >> 24) % 5) as i32 - 2;
            let edge = if (x / 37 + y / 23) % 2 == 0 { 40 } else { -40 };
            let base = [120 + (x * 100 / width) as i32, 90 + (y * 120 / height) as i32, 150];
            Rgb(base.map(|b| (b + edge + noise).clamp(0, 255) as u8))
        })
    }

    fn encode(image: &RgbImage, sampling: SamplingFactor, restart: Option<u16>, gray: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = Encoder::new(&mut bytes, 90);
        encoder.set_sampling_factor(sampling);
        if let Some(interval) = restart {
            encoder.set_restart_interval(interval);
        }
        let (w, h) = (image.width() as u16, image.height() as u16);
        if gray {
            let luma = DynamicImage::ImageRgb8(image.clone()).to_luma8();
            encoder.encode(luma.as_raw(), w, h, ColorType::Luma).unwrap();
        } else {
            encoder.encode(image.as_raw(), w, h, ColorType::Rgb).unwrap();
        }
        bytes
    }

    #[test]
    fn a_detail_window_decodes_at_full_size_beside_the_reduced_image() {
        let image = scene(203, 157);
        let samplings = [
            (SamplingFactor::F_1_1, false),
            (SamplingFactor::F_2_1, false),
            (SamplingFactor::F_1_2, false),
            (SamplingFactor::F_2_2, false),
            (SamplingFactor::F_1_1, true),
        ];
        let windows = [
            Window {
                x: 50,
                y: 39,
                width: 101,
                height: 78,
            },
            Window {
                x: 0,
                y: 0,
                width: 203,
                height: 157,
            },
            Window {
                x: 202,
                y: 156,
                width: 1,
                height: 1,
            },
            Window {
                x: 3,
                y: 5,
                width: 7,
                height: 11,
            },
        ];
        for (sampling, gray) in samplings {
            for restart in [None, Some(3)] {
                let bytes = encode(&image, sampling, restart, gray);
                let header = parse_header(&bytes).unwrap();
                let full = image::load_from_memory(&bytes).unwrap().to_rgb8();
                for eighths in [1u32, 2, 4] {
                    let reduced = decode_reduced(&bytes, &header, eighths).unwrap();
                    for window in windows {
                        let label = format!(
                            "{sampling:?} gray {gray} restart {restart:?} 1/{} {window:?}",
                            8 / eighths
                        );
                        let (whole, detail) = decode_reduced_with_detail(&bytes, &header, eighths, window).unwrap();
                        assert_eq!(whole, reduced, "{label}");
                        let expected = image::imageops::crop_imm(
                            &full,
                            window.x as u32,
                            window.y as u32,
                            window.width as u32,
                            window.height as u32,
                        )
                        .to_image();
                        assert_eq!(detail.dimensions(), expected.dimensions(), "{label}");
                        // Another decoder (zune-jpeg): its IDCT rounds differently, and it
                        // interpolates subsampled chroma where this one replicates it.
                        let tolerance = if gray || sampling == SamplingFactor::F_1_1 {
                            3
                        } else {
                            24
                        };
                        let (mut sum, mut max) = (0u64, 0u8);
                        for (a, b) in detail.as_raw().iter().zip(expected.as_raw()) {
                            sum += u64::from(a.abs_diff(*b));
                            max = max.max(a.abs_diff(*b));
                        }
                        let mean = sum as f64 / detail.as_raw().len() as f64;
                        assert!(max <= tolerance && mean < 1.5, "{label}: max {max}, mean {mean:.2}");
                    }
                    let outside = Window {
                        x: 202,
                        y: 0,
                        width: 2,
                        height: 1,
                    };
                    assert!(decode_reduced_with_detail(&bytes, &header, eighths, outside).is_none());
                    let empty = Window {
                        x: 0,
                        y: 0,
                        width: 0,
                        height: 1,
                    };
                    assert!(decode_reduced_with_detail(&bytes, &header, eighths, empty).is_none());
                }
            }
        }
    }

    /// The 8×8 IDCT against the cosine sum it computes, on random coefficients of the sizes
    /// real files hold (DC to ±1024, AC smaller at higher frequencies).
    #[test]
    fn eight_point_idct_matches_the_cosine_sum() {
        let mut state = 7u32;
        let mut random = |range: i32| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as i32 % (2 * range + 1) - range
        };
        for _ in 0..2000 {
            let all: [i32; 64] = std::array::from_fn(|i| random(1024 >> ((i / 8 + i % 8) / 2).min(6)));
            let ours = idct_8x8(&all);
            for (y, row) in ours.iter().enumerate() {
                for (x, &value) in row.iter().enumerate() {
                    let mut sum = 0.0f64;
                    for v in 0..8 {
                        for u in 0..8 {
                            let c = |k: usize| if k == 0 { std::f64::consts::FRAC_1_SQRT_2 } else { 1.0 };
                            let angle = |p: usize, k: usize| {
                                ((2 * p + 1) as f64 * k as f64 * std::f64::consts::PI / 16.0).cos()
                            };
                            sum += c(u) * c(v) * f64::from(all[v * 8 + u]) * angle(x, u) * angle(y, v);
                        }
                    }
                    let expected = (sum / 4.0 + 128.0).round().clamp(0.0, 255.0);
                    let diff = (f64::from(value) - expected).abs();
                    assert!(diff <= 1.0, "({x}, {y}): {value} vs {expected}");
                }
            }
        }
    }

    /// The full-size image averaged over the `cell`×`cell` squares each reduced pixel stands
    /// for (cropped at the right and bottom edges).
    fn cell_means(full: &RgbImage, cell: u32) -> RgbImage {
        let (w, h) = full.dimensions();
        RgbImage::from_fn(w.div_ceil(cell), h.div_ceil(cell), |cx, cy| {
            let mut sum = [0u32; 3];
            let mut count = 0;
            for y in cy * cell..((cy + 1) * cell).min(h) {
                for x in cx * cell..((cx + 1) * cell).min(w) {
                    for (s, v) in sum.iter_mut().zip(full.get_pixel(x, y).0) {
                        *s += u32::from(v);
                    }
                    count += 1;
                }
            }
            Rgb(sum.map(|s| ((s + count / 2) / count) as u8))
        })
    }

    /// Mean and max absolute difference against the reference: a full-size decode by the
    /// image crate, averaged over the cells the reduced pixels stand for.
    fn compare(bytes: &[u8], eighths: u32) -> (f64, u8) {
        let header = parse_header(bytes).unwrap();
        let ours = decode_reduced(bytes, &header, eighths).expect("fast path should accept this file");
        let full = image::load_from_memory(bytes).unwrap().to_rgb8();
        let frame = header.frame.unwrap();
        let expected_size = (
            (frame.width * eighths).div_ceil(8),
            (frame.height * eighths).div_ceil(8),
        );
        assert_eq!(ours.dimensions(), expected_size);
        let reference = cell_means(&full, 8 / eighths);
        let diffs: Vec<u8> = ours
            .as_raw()
            .iter()
            .zip(reference.as_raw())
            .map(|(a, b)| a.abs_diff(*b))
            .collect();
        let mean = diffs.iter().map(|&d| f64::from(d)).sum::<f64>() / diffs.len() as f64;
        (mean, diffs.iter().copied().max().unwrap_or(0))
    }

    #[test]
    fn matches_a_full_decode_area_averaged_for_every_sampling_and_scale() {
        let image = scene(203, 157); // not a multiple of any MCU size
        let cases = [
            ("4:2:0", SamplingFactor::F_2_2, None, false),
            ("4:2:2", SamplingFactor::F_2_1, None, false),
            ("4:4:0", SamplingFactor::F_1_2, None, false),
            ("4:4:4", SamplingFactor::F_1_1, None, false),
            ("4:2:0 restart 1", SamplingFactor::F_2_2, Some(1), false),
            ("4:4:4 restart 7", SamplingFactor::F_1_1, Some(7), false),
            ("grey", SamplingFactor::F_1_1, None, true),
            ("grey restart 5", SamplingFactor::F_1_1, Some(5), true),
        ];
        for (name, sampling, restart, gray) in cases {
            let bytes = encode(&image, sampling, restart, gray);
            for eighths in [1, 2, 4] {
                let (mean, max) = compare(&bytes, eighths);
                // At 1/8 a pixel is its block's DC term, i.e. exactly the block mean. At 1/4 and
                // 1/2 the n×n lowest frequencies keep edges sharper than a plain average (up to
                // ~30 levels right at an edge), and chroma is replicated: close, not identical.
                let (mean_limit, max_limit) = if eighths == 1 { (2.0, 8) } else { (2.6, 40) };
                assert!(mean < mean_limit, "{name} at {eighths}/8: mean difference {mean:.2}");
                assert!(max < max_limit, "{name} at {eighths}/8: max difference {max}");
            }
        }
    }

    /// jpeg-decoder's own reduced-size decode (`Decoder::scale`): the same n-point IDCT of
    /// the n×n lowest frequencies in its own fixed point, but chroma upsampled by
    /// interpolation where this decoder replicates. Returns the pixels and whether they are
    /// grey (one byte per pixel).
    fn jpeg_decoder_scaled(bytes: &[u8], eighths: u32) -> (Vec<u8>, bool) {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().unwrap();
        let info = decoder.info().unwrap();
        let reduced = |side: u16| (u32::from(side) * eighths).div_ceil(8) as u16;
        let wanted = (reduced(info.width), reduced(info.height));
        assert_eq!(decoder.scale(wanted.0, wanted.1).unwrap(), wanted);
        let pixels = decoder.decode().unwrap();
        let grey = decoder.info().unwrap().pixel_format == jpeg_decoder::PixelFormat::L8;
        (pixels, grey)
    }

    /// Luma from RGB (BT.601, as JFIF): what chroma upsampling does not change.
    fn luma(rgb: &[u8]) -> i32 {
        (77 * i32::from(rgb[0]) + 150 * i32::from(rgb[1]) + 29 * i32::from(rgb[2]) + 128) >> 8
    }

    #[test]
    fn matches_jpeg_decoder_scaled_decode_within_rounding() {
        let samplings = [
            ("4:2:0", SamplingFactor::F_2_2),
            ("4:2:2", SamplingFactor::F_2_1),
            ("4:4:0", SamplingFactor::F_1_2),
            ("4:4:4", SamplingFactor::F_1_1),
        ];
        // Odd sizes (partial MCUs at the right and bottom, one-block and one-pixel images),
        // with and without restart markers (intervals that do and do not divide a row).
        for (width, height) in [(203, 157), (45, 31), (9, 7), (1, 1)] {
            let image = scene(width, height);
            for restart in [None, Some(1), Some(3)] {
                let mut cases: Vec<(String, Vec<u8>, bool)> = samplings
                    .iter()
                    .map(|&(name, sampling)| {
                        (
                            name.to_string(),
                            encode(&image, sampling, restart, false),
                            name == "4:4:4",
                        )
                    })
                    .collect();
                cases.push((
                    "grey".to_string(),
                    encode(&image, SamplingFactor::F_1_1, restart, true),
                    true,
                ));
                for (name, bytes, full_chroma) in cases {
                    let header = parse_header(&bytes).unwrap();
                    for eighths in [1, 2, 4] {
                        let case = format!("{name} {width}x{height} restart {restart:?} at {eighths}/8");
                        let ours = decode_reduced(&bytes, &header, eighths).expect(&case);
                        let (theirs, grey) = jpeg_decoder_scaled(&bytes, eighths);
                        let (mut max_channel, mut max_luma, mut sum) = (0, 0, 0u64);
                        for (i, pixel) in ours.as_raw().chunks_exact(3).enumerate() {
                            let other = if grey {
                                [theirs[i]; 3]
                            } else {
                                [0, 1, 2].map(|c| theirs[i * 3 + c])
                            };
                            let channel = pixel.iter().zip(other).map(|(a, b)| a.abs_diff(b)).max().unwrap();
                            max_channel = max_channel.max(channel);
                            max_luma = max_luma.max((luma(pixel) - luma(&other)).abs());
                            sum += pixel
                                .iter()
                                .zip(other)
                                .map(|(a, b)| u64::from(a.abs_diff(b)))
                                .sum::<u64>();
                        }
                        assert_eq!(ours.len(), theirs.len() * if grey { 3 } else { 1 }, "{case}");
                        if full_chroma {
                            // Fixed-point rounding only: the IDCT and the colour conversion
                            // each round their own way.
                            assert!(max_luma <= 2, "{case}: luma differs by {max_luma}");
                            assert!(max_channel <= 3, "{case}: a channel differs by {max_channel}");
                        } else {
                            // Replicated vs interpolated chroma: luma still agrees; colours
                            // differ at colour edges, which dominate images a few pixels wide.
                            assert!(max_luma <= 3, "{case}: luma differs by {max_luma}");
                            if ours.width() >= 20 && ours.height() >= 16 {
                                let mean = sum as f64 / ours.len() as f64;
                                assert!(mean < 2.5, "{case}: mean channel difference {mean:.2}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn flat_colour_is_exact() {
        let image = RgbImage::from_pixel(64, 48, Rgb([200, 30, 90]));
        let bytes = encode(&image, SamplingFactor::F_2_2, None, false);
        let header = parse_header(&bytes).unwrap();
        for eighths in [1, 2, 4] {
            let ours = decode_reduced(&bytes, &header, eighths).unwrap();
            let full = image::load_from_memory(&bytes).unwrap().to_rgb8();
            let expected = full.get_pixel(32, 24).0;
            for pixel in ours.pixels() {
                assert!(
                    pixel.0.iter().zip(expected).all(|(a, b)| a.abs_diff(b) <= 2),
                    "{pixel:?} vs {expected:?}"
                );
            }
        }
    }

    #[test]
    fn other_jpegs_are_left_to_the_general_decoders() {
        let image = scene(64, 48);
        let mut progressive = Vec::new();
        let mut encoder = Encoder::new(&mut progressive, 90);
        encoder.set_progressive(true);
        encoder.encode(image.as_raw(), 64, 48, ColorType::Rgb).unwrap();
        let header = parse_header(&progressive).unwrap();
        assert!(decode_reduced(&progressive, &header, 4).is_none());

        let cmyk_pixels = [0u8, 100, 200, 50].repeat(64 * 48);
        let mut cmyk = Vec::new();
        Encoder::new(&mut cmyk, 90)
            .encode(&cmyk_pixels, 64, 48, ColorType::Cmyk)
            .unwrap();
        let header = parse_header(&cmyk).unwrap();
        assert!(decode_reduced(&cmyk, &header, 4).is_none());

        let baseline = encode(&image, SamplingFactor::F_2_2, None, false);
        let header = parse_header(&baseline).unwrap();
        assert!(
            decode_reduced(&baseline, &header, 8).is_none(),
            "full size is not this decoder's job"
        );
    }

    #[test]
    fn damaged_entropy_data_is_refused_or_decoded_without_panic() {
        let bytes = encode(&scene(64, 48), SamplingFactor::F_2_2, Some(2), false);
        let header = parse_header(&bytes).unwrap();
        for at in (header.scan_data..bytes.len() - 2).step_by(7) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x5A;
            let _ = decode_reduced(&damaged, &header, 2);
            let window = Window {
                x: 8,
                y: 8,
                width: 40,
                height: 30,
            };
            let _ = decode_reduced_with_detail(&damaged, &header, 2, window);
        }
        // Restart markers removed: the decoder notices and gives up.
        let mut no_restarts = bytes[..header.scan_data].to_vec();
        let mut rest = bytes[header.scan_data..].iter().peekable();
        while let Some(&byte) = rest.next() {
            if byte == 0xFF && rest.peek().is_some_and(|&&next| (0xD0..=0xD7).contains(&next)) {
                rest.next();
                continue;
            }
            no_restarts.push(byte);
        }
        assert!(decode_reduced(&no_restarts, &header, 2).is_none());
    }

    /// Appends `length` bits of `code` to a bit string.
    fn push_bits(out: &mut Vec<bool>, code: u32, length: u32) {
        out.extend((0..length).rev().map(|bit| code >> bit & 1 == 1));
    }

    /// Packs bits into bytes, padding with ones and stuffing a zero after each 0xFF.
    fn stuffed_bytes(bits: &[bool]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for chunk in bits.chunks(8) {
            let byte = (0..8).fold(0u8, |byte, i| {
                byte << 1 | u8::from(chunk.get(i).copied().unwrap_or(true))
            });
            bytes.push(byte);
            if byte == 0xFF {
                bytes.push(0);
            }
        }
        bytes
    }

    /// The canonical codes (code, length) of a table spec, by symbol index.
    fn canonical_codes(counts: &[u8; 16]) -> Vec<(u32, u32)> {
        let mut codes = Vec::new();
        let mut code = 0u32;
        for (length, &count) in (1..=16u32).zip(counts) {
            for _ in 0..count {
                codes.push((code, length));
                code += 1;
            }
            code <<= 1;
        }
        codes
    }

    #[test]
    fn huffman_tables_decode_canonical_codes() {
        // Lengths: one 2-bit code (DC size 5), two 3-bit codes (sizes 6, 7): 00, 010, 011.
        let mut counts = [0u8; 16];
        counts[1] = 1;
        counts[2] = 2;
        let spec = HuffmanSpec {
            counts,
            symbols: &[5, 6, 7],
        };
        let table = Huffman::new(&spec, true).unwrap();
        // 00 10110 (+22) | 011 0000000 (−127) | 010 111111 (+63) | 1111… (padding)
        let mut bits = Vec::new();
        push_bits(&mut bits, 0b00_10110, 7);
        push_bits(&mut bits, 0b011_0000000, 10);
        push_bits(&mut bits, 0b010_111111, 9);
        let data = stuffed_bytes(&bits);
        let mut reader = BitReader::new(&data);
        for expected in [22, -127, 63] {
            reader.ensure();
            let entry = table.entry(reader.bits).unwrap();
            assert_eq!(reader.take(entry), expected);
        }
        // An over-subscribed table is refused.
        counts[0] = 3;
        assert!(Huffman::new(
            &HuffmanSpec {
                counts,
                symbols: &[1, 2, 3, 5, 6, 7]
            },
            true
        )
        .is_none());
    }

    #[test]
    fn ac_symbols_of_every_length_decode_through_lookup_and_search() {
        // Codes of every length from 1 to 16 bits (the longer ones miss the lookup table), with
        // runs, ZRL, EOB and value sizes up to 10 — including all-ones values, so that the
        // stream holds stuffed 0xFF bytes.
        let counts = [0, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 2];
        let symbols: Vec<u8> = vec![
            0x01, 0x02, 0x00, 0x03, 0x11, 0x0A, 0x21, 0xF0, 0x35, 0x19, 0x47, 0x5A, 0x64, 0x7A, 0x88, 0x91, 0xA3, 0xB9,
            0xCA,
        ];
        assert_eq!(usize::from(counts.iter().sum::<u8>()), symbols.len());
        let table = Huffman::new(
            &HuffmanSpec {
                counts,
                symbols: &symbols,
            },
            false,
        )
        .unwrap();
        let codes = canonical_codes(&counts);
        let mut state = 7u32;
        let mut bits = Vec::new();
        let mut expected = Vec::new();
        for _ in 0..3000 {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let index = (state >> 8) as usize % symbols.len();
            let (code, length) = codes[index];
            let (run, size) = (u32::from(symbols[index] >> 4), u32::from(symbols[index] & 15));
            push_bits(&mut bits, code, length);
            let raw = if state & 1 == 0 {
                (1 << size) - 1
            } else {
                (state >> 16) & ((1 << size) - 1)
            };
            push_bits(&mut bits, raw, size);
            let advance = match (run, size) {
                (0, 0) => END_OF_BLOCK,
                (15, 0) => 16,
                _ => run + 1,
            };
            expected.push((advance, if size == 0 { 0 } else { extend(raw, size) }));
        }
        let data = stuffed_bytes(&bits);
        assert!(data.windows(2).any(|pair| pair == [0xFF, 0]));
        let mut reader = BitReader::new(&data);
        for (i, &(advance, value)) in expected.iter().enumerate() {
            reader.ensure();
            let entry = table.entry(reader.bits).unwrap();
            assert_eq!((entry >> ADVANCE_SHIFT) & 0xFF, advance, "symbol {i}");
            assert_eq!(reader.take(entry), value, "symbol {i}");
        }
        // Skipping consumes exactly what taking does.
        let mut taking = BitReader::new(&data);
        let mut skipping = BitReader::new(&data);
        for _ in &expected {
            taking.ensure();
            skipping.ensure();
            let entry = taking.bits;
            taking.take(table.entry(entry).unwrap());
            skipping.skip(table.entry(skipping.bits).unwrap());
            assert_eq!(
                (taking.bits, taking.count, taking.pos),
                (skipping.bits, skipping.count, skipping.pos)
            );
        }
        // A pair entry at each symbol moves over exactly that symbol, or it and the next one
        // (never past an EOB), by the same bits and advances as single lookups.
        let mut reader = BitReader::new(&data);
        let mut singles = Vec::new();
        let mut pairs = Vec::new();
        for _ in &expected {
            reader.ensure();
            let entry = table.entry(reader.bits).unwrap();
            singles.push((entry & TOTAL_MASK, (entry >> ADVANCE_SHIFT) & 0xFF));
            pairs.push(table.pair(reader.bits));
            reader.skip(entry);
        }
        let mut paired = 0;
        for (i, &pair) in pairs.iter().enumerate().take(expected.len() - 1) {
            let ((total, advance), (next_total, next_advance)) = (singles[i], singles[i + 1]);
            let first = (pair >> PAIR_FIRST_SHIFT) & 0xFF;
            let (pair_total, pair_advance) = (pair & TOTAL_MASK, (pair >> PAIR_ADVANCE_SHIFT) & 0xFF);
            match (pair, first) {
                (0, _) => assert!(total > PAIR_BITS, "symbol {i}"),
                (_, 0) => {
                    assert!(advance == END_OF_BLOCK || total + next_total > PAIR_BITS, "symbol {i}");
                    assert_eq!((pair_total, pair_advance), (total, advance), "symbol {i}");
                }
                _ => {
                    paired += 1;
                    assert_ne!(advance, END_OF_BLOCK);
                    assert_eq!(first, advance, "symbol {i}");
                    assert_eq!((pair_total, pair_advance), (total + next_total, advance + next_advance));
                }
            }
        }
        assert!(paired > 100, "{paired} pairs");
    }

    #[test]
    fn extend_and_ff_detection() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b010, 3), -5);
        assert_eq!(extend(0b110, 3), 6);
        assert!(has_ff_byte(0x0000_FF00_0000_0000));
        assert!(!has_ff_byte(0xFEFE_FEFE_0000_7F80));
    }
}

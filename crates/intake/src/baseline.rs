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
//! Bounded on any input: the work is one pass over at most width × height / 64 blocks (both
//! already limited), each at most 64 symbols; a bit reader that runs out of data reads zeros;
//! an invalid code, a missing restart marker or an out-of-range size ends decoding with `None`.

use image::RgbImage;

use crate::jpeg::{ComponentSpec, HuffmanSpec, JpegHeader, ZIGZAG_TO_NATURAL};

/// Bits looked up at once when decoding a Huffman symbol.
const FAST_BITS: u32 = 9;
const FAST_SIZE: usize = 1 << FAST_BITS;

/// Decodes at `eighths`/8 of the full size (`eighths` = 1, 2 or 4), or `None` if this file is
/// not one this decoder handles or its data is malformed.
pub(crate) fn decode_reduced(bytes: &[u8], header: &JpegHeader<'_>, eighths: u32) -> Option<RgbImage> {
    let n = usize::try_from(eighths).ok().filter(|n| matches!(n, 1 | 2 | 4))?;
    let mut plan = Plan::new(header, n)?;
    let mut reader = BitReader::new(bytes.get(header.scan_data..)?);
    plan.decode_scan(&mut reader)?;
    Some(plan.to_rgb())
}

/// Huffman decoding tables (canonical codes, as in ITU-T T.81 annex C and F.2.2.3).
struct Huffman {
    /// For each 9-bit prefix: `code length << 8 | symbol`, or 0 if the code is longer.
    fast: [u16; FAST_SIZE],
    /// For AC tables, a prefix that holds a whole (run, size, value): `value << 8 | run << 4 |
    /// total bits`, or 0.
    fast_ac: [i16; FAST_SIZE],
    /// For each length 1–16 (index 0 unused): the first code of the next length, left-aligned
    /// to 16 bits; and `symbol index − code` for codes of this length.
    max_code: [u32; 18],
    delta: [i32; 17],
    symbols: Vec<u8>,
}

impl Huffman {
    fn new(spec: &HuffmanSpec<'_>) -> Option<Self> {
        let mut table = Huffman {
            fast: [0; FAST_SIZE],
            fast_ac: [0; FAST_SIZE],
            max_code: [0; 18],
            delta: [0; 17],
            symbols: spec.symbols.to_vec(),
        };
        let mut code: u32 = 0;
        let mut index: usize = 0;
        for length in 1..=16u32 {
            let count = usize::from(*spec.counts.get(length as usize - 1)?);
            *table.delta.get_mut(length as usize)? = i32::try_from(index).ok()? - i32::try_from(code).ok()?;
            for _ in 0..count {
                let symbol = *spec.symbols.get(index)?;
                if length <= FAST_BITS {
                    let first = (code << (FAST_BITS - length)) as usize;
                    let entry = u16::try_from(length << 8).ok()? | u16::from(symbol);
                    table
                        .fast
                        .get_mut(first..first + (1 << (FAST_BITS - length)))?
                        .fill(entry);
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
        table.build_fast_ac();
        Some(table)
    }

    /// Prefixes that contain both an AC symbol and its whole value decode in one lookup.
    fn build_fast_ac(&mut self) {
        for (prefix, slot) in self.fast_ac.iter_mut().enumerate() {
            let entry = self.fast[prefix];
            let length = u32::from(entry >> 8);
            let symbol = entry & 0xFF;
            let (run, size) = (u32::from(symbol >> 4), u32::from(symbol & 0x0F));
            if length == 0 || size == 0 || length + size > FAST_BITS {
                continue;
            }
            let bits = ((prefix as u32) << length) & (FAST_SIZE as u32 - 1);
            let value = extend(bits >> (FAST_BITS - size), size);
            *slot = i16::try_from((value << 8) | (run << 4) as i32 | (length + size) as i32).unwrap_or(0);
        }
    }
}

/// The entropy-coded data as a bit stream: byte stuffing (`FF 00`) undone; at a marker or the
/// end of the data it reads zeros, and the marker is left for [`BitReader::restart`].
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

    /// Tops the buffer up to at least 57 bits.
    #[inline(always)]
    fn refill(&mut self) {
        // Fast path: eight bytes without an 0xFF can be taken whole.
        if let Some(chunk) = self.data.get(self.pos..self.pos + 8).filter(|_| !self.at_marker) {
            let word = u64::from_be_bytes(chunk.try_into().unwrap_or([0xFF; 8]));
            if !has_ff_byte(word) {
                let take = (64 - self.count) / 8;
                // The first `take` bytes of the word (all of it when the buffer is empty).
                let kept = word & !u64::MAX.checked_shr(take * 8).unwrap_or(0);
                self.bits |= kept >> self.count;
                self.count += take * 8;
                self.pos += take as usize;
                return;
            }
        }
        self.refill_bytewise();
    }

    /// Byte by byte, undoing stuffing and stopping at markers: rare (about one 0xFF per 256
    /// bytes), so kept out of line.
    #[cold]
    #[inline(never)]
    fn refill_bytewise(&mut self) {
        while self.count <= 56 {
            let byte = self.next_byte();
            self.bits |= u64::from(byte) << (56 - self.count);
            self.count += 8;
        }
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

    fn consume(&mut self, bits: u32) {
        self.bits <<= bits;
        self.count -= bits;
    }

    fn decode(&mut self, table: &Huffman) -> Option<u8> {
        if self.count < 16 {
            self.refill();
        }
        let entry = table.fast[(self.bits >> (64 - FAST_BITS)) as usize];
        if entry != 0 {
            self.consume(u32::from(entry >> 8));
            return Some((entry & 0xFF) as u8);
        }
        let prefix = (self.bits >> 48) as u32;
        let length = (FAST_BITS + 1..=16).find(|&length| prefix < table.max_code[length as usize])?;
        let code = i32::try_from(prefix >> (16 - length)).ok()?;
        let index = usize::try_from(code + table.delta[length as usize]).ok()?;
        self.consume(length);
        table.symbols.get(index).copied()
    }

    /// Reads `size` bits (0–16) as a signed coefficient (T.81 F.2.2.1 EXTEND).
    fn receive_extend(&mut self, size: u32) -> i32 {
        if size == 0 {
            return 0;
        }
        if self.count < size {
            self.refill();
        }
        let bits = (self.bits >> (64 - size)) as u32;
        self.consume(size);
        extend(bits, size)
    }

    /// At a restart interval: drops the padding bits and steps over the next RSTn marker.
    fn restart(&mut self) -> Option<()> {
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
        Some(())
    }
}

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
    blocks_wide: usize,
    blocks_high: usize,
    /// Dequantization factors for the coefficients kept, by zigzag position (0 = not kept).
    quant: [i32; 64],
    /// Where each zigzag position goes in the `n`×`n` coefficient block (255 = dropped).
    slot: [u8; 64],
    dc: Huffman,
    ac: Huffman,
    prediction: i32,
    plane: Vec<u8>,
    stride: usize,
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
}

impl Plan {
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
        let mcus_wide = width.div_ceil(8 * max_horizontal);
        let mcus_high = height.div_ceil(8 * max_vertical);
        let components = header
            .components
            .iter()
            .zip(&scan.components)
            .map(|(spec, &(_, dc, ac))| {
                let (h, v) = if header.components.len() == 1 {
                    (1, 1)
                } else {
                    (usize::from(spec.horizontal), usize::from(spec.vertical))
                };
                Component::new(header, spec, (dc, ac), (mcus_wide * h, mcus_high * v), n)
            })
            .collect::<Option<Vec<_>>>()?;
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
        })
    }

    fn decode_scan(&mut self, reader: &mut BitReader<'_>) -> Option<()> {
        let n = self.n;
        let mut coefficients = [0i32; 16];
        let mut mcu = 0usize;
        for mcu_y in 0..self.mcus_high {
            for mcu_x in 0..self.mcus_wide {
                if self.restart_interval > 0 && mcu > 0 && mcu % self.restart_interval == 0 {
                    reader.restart()?;
                    for component in &mut self.components {
                        component.prediction = 0;
                    }
                }
                mcu += 1;
                for component in &mut self.components {
                    let (h, v) = (
                        component.blocks_wide / self.mcus_wide,
                        component.blocks_high / self.mcus_high,
                    );
                    for block_y in 0..v {
                        for block_x in 0..h {
                            component.decode_block(reader, &mut coefficients)?;
                            let x = (mcu_x * h + block_x) * n;
                            let y = (mcu_y * v + block_y) * n;
                            component.write_block(&coefficients, x, y, n);
                        }
                    }
                }
            }
        }
        Some(())
    }

    /// The output image at `ceil(size · n / 8)`, chroma replicated onto the luma grid.
    fn to_rgb(&self) -> RgbImage {
        let n = self.n;
        let out_w = (self.width * n).div_ceil(8);
        let out_h = (self.height * n).div_ceil(8);
        let mut rgb = vec![0u8; out_w * out_h * 3];
        let luma = &self.components[0];
        let chroma = self.components.get(1).zip(self.components.get(2));
        let tables = chroma.map(|_| ColorTables::new());
        for (y, out_row) in rgb.chunks_exact_mut(out_w * 3).enumerate() {
            let luma_row = luma
                .plane
                .get(y * luma.stride..y * luma.stride + out_w)
                .unwrap_or_default();
            match (chroma, &tables) {
                (Some((cb, cr)), Some(tables)) => {
                    // Chroma is sampled 1×1 against luma's max_horizontal × max_vertical: each
                    // chroma sample colours `max_horizontal` neighbouring luma samples.
                    let chroma_y = y / self.max_vertical;
                    let cb_row = cb.plane.get(chroma_y * cb.stride..).unwrap_or_default();
                    let cr_row = cr.plane.get(chroma_y * cr.stride..).unwrap_or_default();
                    if self.max_horizontal == 2 {
                        convert_row::<2>(tables, luma_row, cb_row, cr_row, out_row);
                    } else {
                        convert_row::<1>(tables, luma_row, cb_row, cr_row, out_row);
                    }
                }
                _ => {
                    for (pixel, &l) in out_row.chunks_exact_mut(3).zip(luma_row) {
                        pixel.fill(l);
                    }
                }
            }
        }
        RgbImage::from_raw(out_w as u32, out_h as u32, rgb).unwrap_or_else(|| RgbImage::new(0, 0))
    }
}

/// Converts one row; each chroma sample colours `GROUP` neighbouring luma samples. Written as
/// fixed-size chunks with table lookups only, so that it compiles to a tight loop.
fn convert_row<const GROUP: usize>(tables: &ColorTables, luma: &[u8], cb: &[u8], cr: &[u8], out: &mut [u8]) {
    let pixels = out.chunks_exact_mut(3 * GROUP).zip(luma.chunks_exact(GROUP));
    for ((out, lumas), (&b, &r)) in pixels.zip(cb.iter().zip(cr)) {
        let [red, green, blue] = tables.offsets(b, r);
        for (pixel, &l) in out.chunks_exact_mut(3).zip(lumas) {
            let l = usize::from(l);
            pixel[0] = tables.limit(l, red);
            pixel[1] = tables.limit(l, green);
            pixel[2] = tables.limit(l, blue);
        }
    }
    // A last odd pixel of a 2-wide group (odd output width).
    let done = out.len() / (3 * GROUP) * GROUP;
    if let (Some(pixel), Some(&l), Some(&b), Some(&r)) = (
        out.get_mut(done * 3..done * 3 + 3),
        luma.get(done),
        cb.get(done / GROUP),
        cr.get(done / GROUP),
    ) {
        let offsets = tables.offsets(b, r);
        for (channel, offset) in pixel.iter_mut().zip(offsets) {
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

    /// `clamp(luma + offset, 0, 255)`; offsets stay within ±256, the mask only proves it.
    #[inline(always)]
    fn limit(&self, luma: usize, offset: i32) -> u8 {
        self.range_limit[(luma as i32 + offset + 256) as usize & 1023]
    }

    #[inline(always)]
    fn offsets(&self, cb: u8, cr: u8) -> [i32; 3] {
        let (cb, cr) = (usize::from(cb), usize::from(cr));
        [
            self.red_from_cr[cr],
            (self.green_from_cb[cb] + self.green_from_cr[cr]) >> 16,
            self.blue_from_cb[cb],
        ]
    }
}

impl Component {
    fn new(
        header: &JpegHeader<'_>,
        spec: &ComponentSpec,
        (dc, ac): (u8, u8),
        (blocks_wide, blocks_high): (usize, usize),
        n: usize,
    ) -> Option<Self> {
        let table = header.tables.get(usize::from(spec.quant_table))?.as_ref()?;
        let mut quant = [0i32; 64];
        let mut slot = [255u8; 64];
        for (zigzag, &natural) in ZIGZAG_TO_NATURAL.iter().enumerate() {
            let (row, column) = (natural / 8, natural % 8);
            if row < n && column < n {
                slot[zigzag] = u8::try_from(row * 4 + column).ok()?;
                quant[zigzag] = i32::from(*table.values.get(natural)?);
            }
        }
        let dc = Huffman::new(header.huffman.get(usize::from(dc))?.as_ref()?)?;
        let ac = Huffman::new(header.huffman.get(4 + usize::from(ac))?.as_ref()?)?;
        let stride = blocks_wide * n;
        Some(Component {
            blocks_wide,
            blocks_high,
            quant,
            slot,
            dc,
            ac,
            prediction: 0,
            plane: vec![0; stride * blocks_high * n],
            stride,
        })
    }

    /// Decodes one block's coefficients, keeping (dequantized) the `n`×`n` lowest frequencies
    /// in `coefficients` (row-major, stride 4).
    fn decode_block(&mut self, reader: &mut BitReader<'_>, coefficients: &mut [i32; 16]) -> Option<()> {
        coefficients.fill(0);
        let size = u32::from(reader.decode(&self.dc)?);
        if size > 11 {
            return None;
        }
        self.prediction = self.prediction.wrapping_add(reader.receive_extend(size));
        coefficients[0] = dequantize(self.prediction, self.quant[0]);
        let mut k = 1usize;
        while k < 64 {
            if reader.count < 16 {
                reader.refill();
            }
            let fast = self.ac.fast_ac[(reader.bits >> (64 - FAST_BITS)) as usize];
            let (run, value) = if fast != 0 {
                reader.consume((fast & 0x0F) as u32);
                (((fast >> 4) & 0x0F) as usize, i32::from(fast >> 8))
            } else {
                let symbol = reader.decode(&self.ac)?;
                let (run, size) = (usize::from(symbol >> 4), u32::from(symbol & 0x0F));
                if size == 0 {
                    if run != 15 {
                        break; // end of block
                    }
                    k += 16;
                    continue;
                }
                (run, reader.receive_extend(size))
            };
            k += run;
            let &slot = self.slot.get(k)?;
            if slot != 255 {
                coefficients[usize::from(slot)] = dequantize(value, self.quant[k]);
            }
            k += 1;
        }
        Some(())
    }

    /// Inverse DCT of the kept coefficients into an `n`×`n` patch of the plane at (x, y).
    fn write_block(&mut self, coefficients: &[i32; 16], x: usize, y: usize, n: usize) {
        let mut patch = [0u8; 16];
        match n {
            4 => idct_4x4(coefficients, &mut patch),
            2 => idct_2x2(coefficients, &mut patch),
            _ => patch[0] = to_pixel(coefficients[0] * 512, 12),
        }
        for (row, values) in patch.chunks_exact(4).take(n).enumerate() {
            let start = (y + row) * self.stride + x;
            if let (Some(target), Some(values)) = (self.plane.get_mut(start..start + n), values.get(..n)) {
                target.copy_from_slice(values);
            }
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

/// Dequantized coefficient, clamped to ±2^15 so that the fixed-point IDCT cannot overflow on
/// hostile data (real coefficients stay far below).
fn dequantize(value: i32, quant: i32) -> i32 {
    value.saturating_mul(quant).clamp(-32768, 32767)
}

/// `(C(u)/2)·cos(…)` factors of the 4-point IDCT in 1/4096: `1/(2√2)`, `cos(π/8)/2`,
/// `cos(3π/8)/2`.
const C4_0: i32 = 1448;
const C4_1: i32 = 1892;
const C4_3: i32 = 784;

/// One 4-point IDCT (even part from F0, F2; odd part from F1, F3), results in 1/4096.
fn idct_4(f0: i32, f1: i32, f2: i32, f3: i32) -> [i32; 4] {
    let (e0, e1) = ((f0 + f2) * C4_0, (f0 - f2) * C4_0);
    let (o0, o1) = (f1 * C4_1 + f3 * C4_3, f1 * C4_3 - f3 * C4_1);
    [e0 + o0, e1 + o1, e1 - o1, e0 - o0]
}

/// 4×4 IDCT: rows (keeping 2 fractional bits), then columns; +128 level shift.
fn idct_4x4(coefficients: &[i32; 16], patch: &mut [u8; 16]) {
    let mut rows = [0i32; 16];
    for (row, out) in coefficients.chunks_exact(4).zip(rows.chunks_exact_mut(4)) {
        if let ([f0, f1, f2, f3], [a, b, c, d]) = (row, out) {
            let [r0, r1, r2, r3] = idct_4(*f0, *f1, *f2, *f3);
            (*a, *b, *c, *d) = (r0 >> 10, r1 >> 10, r2 >> 10, r3 >> 10);
        }
    }
    for column in 0..4 {
        let at = |row: usize| rows[row * 4 + column];
        let values = idct_4(at(0), at(1), at(2), at(3));
        for (row, value) in values.into_iter().enumerate() {
            patch[row * 4 + column] = to_pixel(value, 14);
        }
    }
}

/// 2×2 IDCT: `(F00 ± F01 ± F10 ± F11) / 8`, the signs of `cos((2x+1)π/4)` for F01 (by x),
/// of `cos((2y+1)π/4)` for F10 (by y) and their product for F11; +128 level shift.
fn idct_2x2(coefficients: &[i32; 16], patch: &mut [u8; 16]) {
    let (f00, f01, f10, f11) = (coefficients[0], coefficients[1], coefficients[4], coefficients[5]);
    let (top, bottom) = (f00 + f10, f00 - f10);
    let (left_odd, right_odd) = (f01 + f11, f01 - f11);
    patch[0] = to_pixel((top + left_odd) * 512, 12);
    patch[1] = to_pixel((top - left_odd) * 512, 12);
    patch[4] = to_pixel((bottom + right_odd) * 512, 12);
    patch[5] = to_pixel((bottom - right_odd) * 512, 12);
}

/// A fixed-point sample with `fraction` fractional bits, rounded, level-shifted, clamped.
fn to_pixel(value: i32, fraction: u32) -> u8 {
    let rounded = (value + (1 << (fraction - 1))) >> fraction;
    (rounded + 128).clamp(0, 255) as u8
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

    #[test]
    fn huffman_tables_decode_canonical_codes() {
        // Lengths: one 2-bit code (symbol 5), two 3-bit codes (symbols 6, 7): 00, 010, 011.
        let mut counts = [0u8; 16];
        counts[1] = 1;
        counts[2] = 2;
        let spec = HuffmanSpec {
            counts,
            symbols: &[5, 6, 7],
        };
        let table = Huffman::new(&spec).unwrap();
        // 00 | 011 | 010 | 1111… (padding)
        let data = [0b0001_1010, 0xFF, 0x00];
        let mut reader = BitReader::new(&data);
        assert_eq!(reader.decode(&table), Some(5));
        assert_eq!(reader.decode(&table), Some(7));
        assert_eq!(reader.decode(&table), Some(6));
        // An over-subscribed table is refused.
        counts[0] = 3;
        assert!(Huffman::new(&HuffmanSpec {
            counts,
            symbols: &[1, 2, 3, 5, 6, 7]
        })
        .is_none());
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

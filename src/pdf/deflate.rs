//! Compressing a PDF's streams (`FlateDecode`: a zlib stream, RFC 1950,
//! around deflate data, RFC 1951).
//!
//! In: a stream's bytes. Out: the zlib stream. Page content, which repeats
//! operators and coordinates, gets zlib's quickest matching ([`zlib`], by
//! zlib-rs). Font programs are most of a report's bytes and barely repeat
//! (a CFF charstring is a run of short relative moves): on the seed's 仿宋
//! subset zlib level 2 saves 19 %, Huffman coding alone 16 %, and level 2
//! takes ten times as long. So fonts get [`huffman_only`]: one block,
//! literals only, coded with a code built for the stream — a single pass
//! over the bytes.
//!
//! Why hand-written, when zlib-rs (a dependency) has
//! `Strategy::HuffmanOnly`: measured side by side in one run
//! (`cargo test --release --lib -- --ignored --nocapture
//! measure_font_deflate`, in `pdf/font.rs`), on the subsets the PDF
//! embeds for both samples and on the bundled faces whole; median of 31
//! interleaved runs, on the 2-core machine shared with other builds (load
//! average 5–7 during the run), so the times are the ratio more than the
//! microseconds. zlib-rs at level 6, window 15, `mem_level` 8 and 9 (9
//! gives it longer blocks):
//!
//! | input | bytes | this: bytes, µs | zlib-rs mem 8: bytes, µs | mem 9: bytes, µs |
//! |---|---|---|---|---|
//! | goushi FandolFang subset | 171,523 | 144,352, 396 | 144,798, 918 | 144,540, 818 |
//! | goushi FandolSong subset | 60,867 | 53,782, 100 | 53,875, 305 | 53,782, 274 |
//! | goushi FandolHei subset | 52,831 | 47,074, 82 | 47,232, 271 | 47,112, 240 |
//! | goushi FandolKai subset | 29,033 | 23,597, 40 | 23,646, 144 | 23,582, 132 |
//! | goushi FandolSong-Bold subset | 7,665 | 6,731, 16 | 6,726, 46 | 6,726, 46 |
//! | shili FandolFang subset | 164,457 | 138,769, 376 | 139,088, 869 | 138,893, 781 |
//! | shili NotoSerifSC subset | 1,143 | 1,116, 7 | 1,117, 19 | 1,117, 19 |
//! | FandolFang whole | 6,961,384 | 5,836,503, 19,445 | 5,779,958, 38,241 | 5,771,149, 34,563 |
//! | NotoSerifSC whole | 11,625,800 | 10,844,179, 22,558 | 10,616,592, 61,040 | 10,616,233, 54,403 |
//!
//! (Every row of the run: the comment on `measure_font_deflate`.) On
//! what a report embeds the sizes agree within 0.4 % either way, and
//! zlib-rs takes 2.1–3.7 times as long: for the seed's five subsets 634 µs
//! here against 1,510 µs (mem 9), 0.9 ms more per report. zlib-rs
//! splits a long input into blocks, each with its own code, which wins
//! 1–3 % on a whole face, never embedded. So this stays, and with it
//! `adler2`, which only it uses.

/// A zlib stream of page content or other small streams: zlib level 1,
/// with a window and buffers sized to the stream.
///
/// Level 1 (zlib-rs's `deflate_quick`, one hash probe a position and the
/// fixed Huffman codes) against level 6, measured side by side on 1,000
/// varied reports (`nianbao batch -j 1` into tmpfs, best of three): 2.06
/// against 2.38 CPU seconds, the files 3.9 KB (1.5 %) larger (255 against
/// 251 MB in all); level 2 was 2.33 s and 0.9 KB larger. Page content
/// after `content` is short operators and glyph codes, where a longer
/// search finds little more.
///
/// zlib's default 32 KiB window makes a stream of a few KiB allocate and
/// clear more than it compresses; a window of the next power of two above
/// the stream (plus zlib's 262 bytes of lookahead) finds every match the
/// full window would. The hash table is zlib-rs's fixed 64 Ki entries
/// whatever `mem_level` says (0.6: `HASH_SIZE`), cleared twice a stream;
/// `mem_level` sizes only the pending buffer, half the window here.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0; zlib_rs::compress_bound(data.len())];
    let config = small_config(data.len());
    let (packed, rc) = zlib_rs::compress_slice(&mut out, data, config);
    if rc != zlib_rs::ReturnCode::Ok {
        // The output buffer is zlib's own bound, so this cannot happen;
        // Huffman coding alone is always a valid answer.
        return huffman_only(data);
    }
    let len = packed.len();
    out.truncate(len);
    out
}

/// Level 1 with `window_bits` and `mem_level` fitted to `len` bytes.
fn small_config(len: usize) -> zlib_rs::DeflateConfig {
    // The smallest window zlib takes is 2^9; the largest 2^15.
    let need = (len + 262).next_power_of_two().trailing_zeros() as i32;
    let window_bits = need.clamp(9, 15);
    // zlib's pending buffer has 2^(mem_level + 6) symbols: half the window.
    let mem_level = (window_bits - 8).clamp(1, 8);
    zlib_rs::DeflateConfig {
        window_bits,
        mem_level,
        ..zlib_rs::DeflateConfig::new(1)
    }
}

/// The end-of-block symbol.
const END: usize = 256;
/// The order code-length code lengths are sent in (RFC 1951 3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// A zlib stream of `data` as one final dynamic-Huffman block of
/// literals (no matches), with the code built from `data`'s own byte
/// counts.
pub fn huffman_only(data: &[u8]) -> Vec<u8> {
    let mut freq = [0u64; 257];
    for &b in data {
        freq[usize::from(b)] += 1;
    }
    freq[END] = 1;
    let lit_lens = code_lengths(&freq, 15);
    let lit_codes = canonical(&lit_lens);
    // Two one-bit distance codes: none is used, but inflaters want a
    // complete code there (zlib writes the same for literal-only blocks).
    let lens: Vec<u8> = lit_lens.iter().copied().chain([1, 1]).collect();
    let mut cl_freq = [0u64; 19];
    for &l in &lens {
        cl_freq[usize::from(l)] += 1;
    }
    let cl_lens = code_lengths(&cl_freq, 7);
    let cl_codes = canonical(&cl_lens);
    let sent = CL_ORDER
        .iter()
        .rposition(|&s| cl_lens[s] != 0)
        .map_or(4, |i| (i + 1).max(4));

    let mut w = Bits::with_capacity(data.len() + 512);
    w.bytes.extend_from_slice(&[0x78, 0x01]);
    w.put(1, 1); // BFINAL
    w.put(2, 2); // BTYPE = 10, dynamic Huffman codes
    w.put(0, 5); // HLIT: 257 literal/length codes
    w.put(1, 5); // HDIST: 2 distance codes
    w.put((sent - 4) as u64, 4);
    for &s in &CL_ORDER[..sent] {
        w.put(u64::from(cl_lens[s]), 3);
    }
    for &l in &lens {
        let l = usize::from(l);
        w.put(u64::from(cl_codes[l]), u32::from(cl_lens[l]));
    }
    let table: Vec<(u64, u32)> = (0..=255)
        .map(|b| (u64::from(lit_codes[b]), u32::from(lit_lens[b])))
        .collect();
    for &b in data {
        let (code, len) = table[usize::from(b)];
        w.put(code, len);
    }
    w.put(u64::from(lit_codes[END]), u32::from(lit_lens[END]));
    let mut out = w.finish();
    let mut adler = adler2::Adler32::new();
    adler.write_slice(data);
    out.extend_from_slice(&adler.checksum().to_be_bytes());
    out
}

/// Bits written least significant first, as deflate packs them.
struct Bits {
    bytes: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn with_capacity(cap: usize) -> Bits {
        Bits {
            bytes: Vec::with_capacity(cap),
            acc: 0,
            n: 0,
        }
    }

    /// Appends the low `len` bits of `v` (`len` ≤ 16).
    fn put(&mut self, v: u64, len: u32) {
        self.acc |= v << self.n;
        self.n += len;
        if self.n >= 32 {
            self.bytes
                .extend_from_slice(&(self.acc as u32).to_le_bytes());
            self.acc >>= 32;
            self.n -= 32;
        }
    }

    /// The bytes, the last one padded with zero bits.
    fn finish(mut self) -> Vec<u8> {
        while self.n > 0 {
            self.bytes.push(self.acc as u8);
            self.acc >>= 8;
            self.n = self.n.saturating_sub(8);
        }
        self.bytes
    }
}

/// Huffman code lengths for `freq`, none longer than `limit`; symbols
/// with no count get no code. When the optimal code is too deep, the
/// counts are halved (keeping every used symbol at one or more) and the
/// code built again: that flattens the tree until it fits.
fn code_lengths(freq: &[u64], limit: u8) -> Vec<u8> {
    let mut f: Vec<u64> = freq.to_vec();
    loop {
        let lens = huffman(&f);
        if lens.iter().all(|&l| l <= limit) {
            return lens;
        }
        for x in f.iter_mut().filter(|x| **x > 0) {
            *x = (*x >> 1).max(1);
        }
    }
}

/// Optimal (unlimited) code lengths, by the two-queue method over the
/// used symbols sorted by count.
fn huffman(freq: &[u64]) -> Vec<u8> {
    let mut lens = vec![0u8; freq.len()];
    let mut leaves: Vec<usize> = (0..freq.len()).filter(|&s| freq[s] > 0).collect();
    match leaves.len() {
        0 => return lens,
        1 => {
            lens[leaves[0]] = 1;
            return lens;
        }
        _ => {}
    }
    leaves.sort_by_key(|&s| (freq[s], s));
    // Nodes: the leaves first, then each merge; parent links give depths.
    let mut weight: Vec<u64> = leaves.iter().map(|&s| freq[s]).collect();
    let mut parent = vec![usize::MAX; leaves.len()];
    let (mut next_leaf, mut next_inner) = (0, leaves.len());
    let take = |weight: &Vec<u64>, next_leaf: &mut usize, next_inner: &mut usize| {
        let leaf_ok = *next_leaf < leaves.len();
        let inner_ok = *next_inner < weight.len();
        if leaf_ok && (!inner_ok || weight[*next_leaf] <= weight[*next_inner]) {
            *next_leaf += 1;
            *next_leaf - 1
        } else {
            *next_inner += 1;
            *next_inner - 1
        }
    };
    for _ in 1..leaves.len() {
        let a = take(&weight, &mut next_leaf, &mut next_inner);
        let b = take(&weight, &mut next_leaf, &mut next_inner);
        let node = weight.len();
        weight.push(weight[a] + weight[b]);
        parent.push(usize::MAX);
        parent[a] = node;
        parent[b] = node;
    }
    let mut depth = vec![0u8; weight.len()];
    for node in (0..weight.len() - 1).rev() {
        depth[node] = depth[parent[node]].saturating_add(1);
    }
    for (i, &s) in leaves.iter().enumerate() {
        lens[s] = depth[i];
    }
    lens
}

/// Canonical codes for the lengths (RFC 1951 3.2.2), bit-reversed so
/// that writing them least significant bit first sends them most
/// significant bit first, as deflate requires.
fn canonical(lens: &[u8]) -> Vec<u16> {
    let mut count = [0u16; 16];
    for &l in lens.iter().filter(|&&l| l > 0) {
        count[usize::from(l)] += 1;
    }
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for bits in 1..16 {
        code = (code + count[bits - 1]) << 1;
        next[bits] = code;
    }
    lens.iter()
        .map(|&l| {
            if l == 0 {
                return 0;
            }
            let c = next[usize::from(l)];
            next[usize::from(l)] += 1;
            c.reverse_bits() >> (16 - u32::from(l))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(z: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(z)
            .read_to_end(&mut out)
            .expect("a valid zlib stream");
        out
    }

    #[test]
    fn huffman_only_streams_inflate_to_their_input() {
        let mut random = Vec::new();
        let mut x: u32 = 0x1234_5678;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            random.push(x as u8);
        }
        let all: Vec<u8> = (0..=255).collect();
        let cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            vec![42],
            vec![0; 10_000],
            all.clone(),
            all.repeat(7),
            random,
            include_bytes!("cff/mod.rs").to_vec(),
        ];
        for data in cases {
            let z = huffman_only(&data);
            assert_eq!(inflate(&z), data, "{} bytes", data.len());
            assert_eq!(inflate(&zlib(&data)), data);
        }
    }

    #[test]
    fn skewed_counts_are_limited_to_fifteen_bits() {
        // Counts doubling from symbol to symbol make the optimal code as
        // deep as there are symbols; deflate allows 15 bits.
        let mut data = Vec::new();
        for sym in 0..20u8 {
            data.extend(std::iter::repeat_n(sym, 1 << sym));
        }
        let mut freq = [0u64; 257];
        for &d in &data {
            freq[usize::from(d)] += 1;
        }
        freq[END] = 1;
        assert!(huffman(&freq).iter().any(|&l| l > 15), "deep unlimited");
        assert!(code_lengths(&freq, 15).iter().all(|&l| l <= 15));
        assert_eq!(inflate(&huffman_only(&data)), data);
    }

    #[test]
    fn huffman_coding_shrinks_charstring_like_data() {
        let font = include_bytes!("../../fonts/FandolKai-Regular.otf");
        let sample = &font[font.len() / 2..font.len() / 2 + 200_000];
        let z = huffman_only(sample);
        assert!(
            z.len() < sample.len() * 9 / 10,
            "{} of {}",
            z.len(),
            sample.len()
        );
    }
}

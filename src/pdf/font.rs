//! Embedding fonts: a face and the glyphs a report drew with it → the
//! PDF objects of a composite font (ISO 32000-1 9.7).
//!
//! In: a [`Face`] and its used glyphs (glyph id → the character drawn).
//! Out: a [`Subset`] (the font program cut down to those glyphs, and the
//! code each glyph has on the page), then, added to a `lopdf` document,
//! a Type 0 font with `Identity-H` encoding over one CID font, its
//! descriptor, the embedded program, a `/W` widths array and a
//! `ToUnicode` CMap so that text extracts as the characters it shows.
//!
//! CID-keyed CFF fonts without subroutines (the bundled Fandol faces) are
//! subset by [`super::cff`] from a structure read once per process; any
//! other font goes through `subsetter` (the subsetter Typst uses). Widths
//! come straight from `hmtx`, so no glyph outline is ever decoded.

use super::cff::Cff;
use crate::diag::Diagnostic;
use crate::fonts::Face;
use lopdf::{Dictionary, Object, ObjectId, Stream};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// A face's glyphs as a report uses them: glyph id → the character.
pub type Used = BTreeMap<u16, char>;

/// A face cut down to the glyphs a report uses, its program packed.
#[derive(Debug, Clone)]
pub struct Subset {
    /// Glyph id → the code (CID) that draws it on a page.
    pub codes: BTreeMap<u16, u16>,
    /// Glyph id → (its code, its advance as the font's `/W` declares it:
    /// thousandths of an em, rounded). A reader moves its pen by this
    /// width, not by the face's own units (which differ for a face not of
    /// 1000 units). Looked up for every glyph drawn, so hashed (Fx), and
    /// shared by the reports that reuse the subset.
    pub glyphs: Arc<rustc_hash::FxHashMap<u16, (u16, i64)>>,
    /// The program, deflated (Huffman coding alone: font programs barely
    /// repeat; see `deflate`).
    packed: Arc<Vec<u8>>,
    /// The program's length before packing (`Length1` of a TrueType file).
    length: usize,
    /// The program is a bare CFF (`FontFile3`/`CIDFontType0C`), not a
    /// TrueType file (`FontFile2`).
    cff: bool,
}

/// A face's packed subsets by the glyph ids they keep. The reports of a
/// batch draw their headings, page numbers and table labels with the
/// same glyphs of the same faces, and a subset depends on nothing else:
/// made once, each is reused (a fifth of a batch's font work, measured
/// with callgrind on the benchmark's reports). Bounded: when full it is
/// emptied, so a long batch of all-different glyph sets costs nothing
/// but a lookup.
#[derive(Debug, Default)]
struct Subsets(Mutex<HashMap<Vec<u16>, Subset>>);

/// The most subsets kept per face.
const KEPT: usize = 64;

/// Subsets `face` to the glyphs in `used`, reusing one made before for
/// the same glyphs.
pub fn subset(face: &Face, used: &Used) -> Result<Subset, Diagnostic> {
    let gids: Vec<u16> = used.keys().copied().collect();
    let kept = face.derived(Subsets::default);
    if let Some(hit) = kept.0.lock().ok().and_then(|m| m.get(&gids).cloned()) {
        return Ok(hit);
    }
    let raw = cut(face, &gids)?;
    let parsed = face.parse();
    let glyphs = raw
        .codes
        .iter()
        .map(|(&g, &code)| {
            let adv = parsed
                .as_ref()
                .and_then(|f| f.glyph_hor_advance(ttf_parser::GlyphId(g)))
                .unwrap_or(0);
            (g, (code, thousandths(face, f64::from(adv))))
        })
        .collect();
    let made = Subset {
        glyphs: Arc::new(glyphs),
        packed: Arc::new(super::deflate::huffman_only(&raw.program)),
        length: raw.program.len(),
        codes: raw.codes,
        cff: raw.cff,
    };
    if let Ok(mut m) = kept.0.lock() {
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(gids, made.clone());
    }
    Ok(made)
}

/// A length in the face's units as `/W` writes it: thousandths of an
/// em, rounded.
fn thousandths(face: &Face, units: f64) -> i64 {
    (units * 1000.0 / face.units_per_em).round() as i64
}

/// A subset's program before packing.
struct Raw {
    codes: BTreeMap<u16, u16>,
    program: Vec<u8>,
    cff: bool,
}

fn unpacked(codes: BTreeMap<u16, u16>, program: Vec<u8>, cff: bool) -> Raw {
    Raw {
        codes,
        program,
        cff,
    }
}

/// Cuts `face` down to `gids`.
fn cut(face: &Face, gids: &[u16]) -> Result<Raw, Diagnostic> {
    if face.metrics.cff {
        let fast = face.derived(|| Cff::parse(face.data(), face.index));
        if let Some(cff) = fast.as_ref() {
            let codes = gids.iter().map(|&g| (g, cff.cid(g).unwrap_or(0))).collect();
            return Ok(unpacked(codes, cff.subset(face.data(), gids), true));
        }
    }
    let mut remapper = subsetter::GlyphRemapper::new();
    for &g in gids {
        remapper.remap(g);
    }
    let bytes = subsetter::subset(face.data(), face.index, &remapper)
        .map_err(|e| face.cannot_subset(&e))?;
    let codes = gids
        .iter()
        .map(|&g| (g, remapper.get(g).unwrap_or(0)))
        .collect();
    if face.metrics.cff {
        let raw = ttf_parser::RawFace::parse(&bytes, 0).map_err(|e| face.cannot_subset(&e))?;
        let table = raw
            .table(ttf_parser::Tag::from_bytes(b"CFF "))
            .ok_or_else(|| face.cannot_subset(&"the subset has no CFF table"))?;
        return Ok(unpacked(codes, table.to_vec(), true));
    }
    Ok(unpacked(codes, bytes, false))
}

/// Adds the font's objects under the subset tag `tag` (six capitals);
/// returns the Type 0 font to put in a page's `/Font` resources.
pub fn add(
    doc: &mut lopdf::Document,
    tag: &str,
    face: &Face,
    used: &Used,
    subset: Subset,
    cid_set: bool,
) -> ObjectId {
    let base = format!("{tag}+{}", ps_name(&face.name));
    let scale = |v: f64| thousandths(face, v);
    let m = &face.metrics;

    let mut file = Dictionary::new();
    let file_key = if subset.cff {
        file.set("Subtype", Object::Name(b"CIDFontType0C".to_vec()));
        "FontFile3"
    } else {
        file.set("Length1", Object::Integer(subset.length as i64));
        "FontFile2"
    };
    file.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    let mut stream = Stream::new(file, subset.packed.as_ref().clone());
    // Packed already: lopdf must not deflate it again.
    stream.allows_compression = false;
    let file_id = doc.add_object(stream);

    let flags = 4 | if m.fixed_pitch { 1 } else { 0 };
    let mut desc = Dictionary::new();
    desc.set("Type", Object::Name(b"FontDescriptor".to_vec()));
    desc.set("FontName", Object::Name(base.clone().into_bytes()));
    desc.set("Flags", Object::Integer(flags));
    desc.set(
        "FontBBox",
        Object::Array(
            m.bbox
                .iter()
                .map(|&v| Object::Integer(scale(f64::from(v))))
                .collect(),
        ),
    );
    desc.set("ItalicAngle", Object::Real(m.italic_angle));
    desc.set("Ascent", Object::Integer(scale(f64::from(m.ascent))));
    desc.set("Descent", Object::Integer(scale(f64::from(m.descent))));
    desc.set("CapHeight", Object::Integer(scale(f64::from(m.cap_height))));
    desc.set("StemV", Object::Integer(80));
    desc.set(file_key, Object::Reference(file_id));
    if cid_set {
        let set = doc.add_object(Stream::new(Dictionary::new(), cid_bits(&subset.codes)));
        desc.set("CIDSet", Object::Reference(set));
    }
    let desc_id = doc.add_object(desc);

    let made = described(face, used, &subset);
    let mut cid = Dictionary::new();
    cid.set("Type", Object::Name(b"Font".to_vec()));
    let subtype: &[u8] = if subset.cff {
        b"CIDFontType0"
    } else {
        b"CIDFontType2"
    };
    cid.set("Subtype", Object::Name(subtype.to_vec()));
    cid.set("BaseFont", Object::Name(base.clone().into_bytes()));
    let mut info = Dictionary::new();
    info.set("Registry", Object::string_literal("Adobe"));
    info.set("Ordering", Object::string_literal("Identity"));
    info.set("Supplement", Object::Integer(0));
    cid.set("CIDSystemInfo", Object::Dictionary(info));
    cid.set("FontDescriptor", Object::Reference(desc_id));
    cid.set("DW", Object::Integer(made.dw));
    cid.set("W", Object::Array(made.w.clone()));
    if !subset.cff {
        cid.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
    }
    let cid_id = doc.add_object(cid);

    let mut cmap = Stream::new(Dictionary::new(), made.cmap.clone());
    if made.packed {
        // As `super::compress` would have set it.
        cmap.dict
            .set("Filter", Object::Name(b"FlateDecode".to_vec()));
    }
    let cmap_id = doc.add_object(cmap);

    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type0".to_vec()));
    font.set("BaseFont", Object::Name(base.into_bytes()));
    font.set("Encoding", Object::Name(b"Identity-H".to_vec()));
    font.set(
        "DescendantFonts",
        Object::Array(vec![Object::Reference(cid_id)]),
    );
    font.set("ToUnicode", Object::Reference(cmap_id));
    doc.add_object(font)
}

/// The `CIDSet` of a subset (ISO 32000-1 9.8.3; PDF/A-1 requires it of
/// every subset CID font, ISO 19005-1 6.3.5): one bit per CID, the high
/// bit first, set for each CID the subset holds and for CID 0 (.notdef,
/// which every CFF and TrueType program keeps).
fn cid_bits(codes: &BTreeMap<u16, u16>) -> Vec<u8> {
    let top = codes.values().copied().max().unwrap_or(0) as usize;
    let mut bits = vec![0u8; top / 8 + 1];
    for cid in std::iter::once(0).chain(codes.values().copied()) {
        let cid = cid as usize;
        bits[cid / 8] |= 0x80 >> (cid % 8);
    }
    bits
}

/// What a font's objects say of the glyphs a report uses, beyond the
/// program: the widths and the `ToUnicode` stream, packed as
/// `super::compress` packs a stream (zlib, kept only when 20 bytes or
/// more shorter).
#[derive(Debug)]
struct Described {
    dw: i64,
    w: Vec<Object>,
    cmap: Vec<u8>,
    packed: bool,
}

/// A face's [`Described`] by the glyphs and characters they are for.
/// As with [`Subsets`], the reports of a batch mostly draw a face with
/// the same glyphs: the `ToUnicode` streams were 5 of a report's 9 zlib
/// streams, each paying zlib's set-up (some 300 KB of tables cleared)
/// for 1–3 KB of text. Bounded the same way.
#[derive(Debug, Default)]
struct Descriptions(Mutex<HashMap<Drawn, Arc<Described>>>);

/// A face's glyphs as drawn: (glyph id, character), by glyph id.
type Drawn = Vec<(u16, char)>;

/// The widths and `ToUnicode` stream of `used` in `face`, reusing those
/// made before for the same glyphs and characters.
fn described(face: &Face, used: &Used, subset: &Subset) -> Arc<Described> {
    let key: Drawn = used.iter().map(|(&g, &c)| (g, c)).collect();
    let kept = face.derived(Descriptions::default);
    if let Some(hit) = kept.0.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return hit;
    }
    // Code → width, as the subset declared them for the pen (`content`).
    let widths: BTreeMap<u16, i64> = subset.glyphs.values().copied().collect();
    let (dw, w) = widths_array(&widths);
    let text = to_unicode(&subset.codes, used).into_bytes();
    let zipped = super::deflate::zlib(&text);
    let packed = zipped.len() + 19 < text.len();
    let made = Arc::new(Described {
        dw,
        w,
        cmap: if packed { zipped } else { text },
        packed,
    });
    if let Ok(mut m) = kept.0.lock() {
        if m.len() >= KEPT {
            m.clear();
        }
        m.insert(key, made.clone());
    }
    made
}

/// A PostScript name fit for a PDF name: printable ASCII without the
/// delimiters PDF reserves.
fn ps_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .collect();
    if clean.is_empty() {
        "Font".into()
    } else {
        clean
    }
}

/// The default width (the commonest) and the `/W` array of the others
/// (code → thousandths of an em), consecutive codes grouped (ISO 32000-1
/// 9.7.4.3).
fn widths_array(widths: &BTreeMap<u16, i64>) -> (i64, Vec<Object>) {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for &w in widths.values() {
        *counts.entry(w).or_default() += 1;
    }
    let dw = counts
        .iter()
        .max_by_key(|(w, n)| (**n, **w))
        .map_or(1000, |(w, _)| *w);
    let mut out = Vec::new();
    let mut run: Option<(u16, Vec<Object>)> = None;
    let mut last = None;
    for (&code, &w) in widths {
        if w == dw {
            continue;
        }
        let follows = last.is_some_and(|l: u16| l.checked_add(1) == Some(code));
        match &mut run {
            Some((_, ws)) if follows => ws.push(Object::Integer(w)),
            _ => {
                if let Some((first, ws)) = run.take() {
                    out.push(Object::Integer(i64::from(first)));
                    out.push(Object::Array(ws));
                }
                run = Some((code, vec![Object::Integer(w)]));
            }
        }
        last = Some(code);
    }
    if let Some((first, ws)) = run {
        out.push(Object::Integer(i64::from(first)));
        out.push(Object::Array(ws));
    }
    (dw, out)
}

/// The `ToUnicode` CMap (ISO 32000-1 9.10.3): each code → its character
/// in UTF-16BE, in blocks of at most 100 as the CMap syntax requires.
fn to_unicode(codes: &BTreeMap<u16, u16>, used: &Used) -> String {
    let mut pairs: Vec<(u16, char)> = codes
        .iter()
        .filter_map(|(gid, &code)| used.get(gid).map(|&c| (code, c)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for block in pairs.chunks(100) {
        s.push_str(&format!("{} beginbfchar\n", block.len()));
        for (code, c) in block {
            s.push_str(&format!("<{code:04X}> <"));
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                s.push_str(&format!("{u:04X}"));
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_group_consecutive_codes_and_leave_out_the_default() {
        let widths: BTreeMap<u16, i64> = [(1, 1000), (2, 500), (3, 250), (7, 500), (9, 1000)]
            .into_iter()
            .collect();
        let (dw, w) = widths_array(&widths);
        // 1000 and 500 are as common; the wider wins, as CJK text expects.
        assert_eq!(dw, 1000);
        let i = |v| Object::Integer(v);
        let expected = vec![
            i(2),
            Object::Array(vec![i(500), i(250)]),
            i(7),
            Object::Array(vec![i(500)]),
        ];
        assert_eq!(w, expected);
    }

    #[test]
    fn to_unicode_maps_each_code_in_blocks_of_a_hundred() {
        let codes: BTreeMap<u16, u16> = (1..=150).map(|g| (g, g + 1000)).collect();
        let used: Used = (1..=150u16)
            .map(|g| (g, char::from_u32(0x4E00 + u32::from(g)).unwrap_or('?')))
            .collect();
        let cmap = to_unicode(&codes, &used);
        assert!(cmap.contains("100 beginbfchar"));
        assert!(cmap.contains("50 beginbfchar"));
        assert!(cmap.contains("<03E9> <4E01>"), "code 1001 → U+4E01");
        // A character beyond the BMP takes a surrogate pair.
        let one: Used = [(5, '𠀀')].into_iter().collect();
        let cmap = to_unicode(&[(5, 5)].into_iter().collect(), &one);
        assert!(cmap.contains("<0005> <D840DC00>"), "{cmap}");
    }

    #[test]
    fn ps_names_are_safe_pdf_names() {
        assert_eq!(ps_name("FandolFang-Regular"), "FandolFang-Regular");
        assert_eq!(ps_name("仿宋 GB2312 (x)"), "GB2312x");
        assert_eq!(ps_name("仿宋"), "Font");
    }
}

/// Side-by-side measurements, run by hand (they print, never fail):
/// `cargo test --release --lib -- --ignored --nocapture measure_`.
#[cfg(test)]
mod measure {
    use super::*;
    use std::time::Instant;

    /// Each face the two samples draw with, and its subset program as
    /// the PDF embeds it; then each bundled face file whole.
    fn inputs() -> Vec<(String, Vec<u8>)> {
        let engine = crate::Engine::new().expect("engine");
        let mut out = Vec::new();
        for (sample, laid) in crate::pdf::laid_samples(&engine) {
            for (idx, drawn) in laid.faces_used() {
                let face = engine.fonts().face(idx).expect("face");
                let used: Used = drawn.into_iter().collect();
                let gids: Vec<u16> = used.keys().copied().collect();
                let s = cut(&face, &gids)
                    .map_err(|d| d.to_string())
                    .expect("subset");
                out.push((format!("{sample} {} subset", face.name), s.program));
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("fonts/")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "otf"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().map(|n| n.to_string_lossy().to_string());
            out.push((
                format!("{} whole", name.unwrap_or_default()),
                std::fs::read(&f).expect("font"),
            ));
        }
        out
    }

    fn zlib_rs_huffman(data: &[u8], mem_level: i32) -> Vec<u8> {
        let mut out = vec![0; zlib_rs::compress_bound(data.len())];
        let config = zlib_rs::DeflateConfig {
            level: 6,
            method: zlib_rs::Method::Deflated,
            window_bits: 15,
            mem_level,
            strategy: zlib_rs::Strategy::HuffmanOnly,
        };
        let (packed, rc) = zlib_rs::compress_slice(&mut out, data, config);
        assert_eq!(rc, zlib_rs::ReturnCode::Ok);
        packed.to_vec()
    }

    type Coder = dyn Fn(&[u8]) -> Vec<u8>;

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    /// Huffman coding alone, the hand-written coder against zlib-rs's
    /// `Strategy::HuffmanOnly`. One run (2 shared cores, load 5–7; median
    /// of 31 interleaved runs; bytes, µs):
    ///
    /// ```text
    /// | input | bytes | hand-written | zlib-rs mem 8 | mem 9 |
    /// | goushi-2020 FandolSong-Bold subset | 7665 | 6731, 16 | 6726, 46 | 6726, 46 |
    /// | goushi-2020 FandolHei-Regular subset | 52831 | 47074, 82 | 47232, 271 | 47112, 240 |
    /// | goushi-2020 FandolFang-Regular subset | 171523 | 144352, 396 | 144798, 918 | 144540, 818 |
    /// | goushi-2020 FandolKai-Regular subset | 29033 | 23597, 40 | 23646, 144 | 23582, 132 |
    /// | goushi-2020 FandolSong-Regular subset | 60867 | 53782, 100 | 53875, 305 | 53782, 274 |
    /// | shili-2021 FandolSong-Bold subset | 7616 | 6670, 16 | 6666, 47 | 6666, 47 |
    /// | shili-2021 FandolFang-Regular subset | 164457 | 138769, 376 | 139088, 869 | 138893, 781 |
    /// | shili-2021 FandolHei-Regular subset | 50083 | 44622, 67 | 44765, 247 | 44669, 225 |
    /// | shili-2021 NotoSerifSC-Regular subset | 1143 | 1116, 7 | 1117, 19 | 1117, 19 |
    /// | shili-2021 FandolKai-Regular subset | 42483 | 34470, 58 | 34568, 210 | 34522, 198 |
    /// | shili-2021 FandolSong-Regular subset | 62331 | 55129, 103 | 55203, 313 | 55110, 284 |
    /// | FandolFang-Regular.otf whole | 6961384 | 5836503, 19445 | 5779958, 38241 | 5771149, 34563 |
    /// | FandolHei-Regular.otf whole | 5808908 | 5135998, 11880 | 5077457, 31157 | 5075151, 27395 |
    /// | FandolKai-Regular.otf whole | 7790552 | 6242671, 17407 | 6159788, 41968 | 6146171, 37530 |
    /// | FandolSong-Bold.otf whole | 5777588 | 4960612, 12918 | 4820156, 34927 | 4816844, 27786 |
    /// | FandolSong-Regular.otf whole | 4947904 | 4354748, 10604 | 4282280, 26541 | 4278214, 23551 |
    /// | NotoSerifSC-Regular.otf whole | 11625800 | 10844179, 22558 | 10616592, 61040 | 10616233, 54403 |
    /// ```
    #[test]
    #[ignore]
    fn measure_font_deflate() {
        let runs = 31;
        println!("| input | bytes | hand-written: bytes, µs | zlib-rs HuffmanOnly mem 8: bytes, µs | mem 9: bytes, µs |");
        for (name, data) in inputs() {
            let coders: [&Coder; 3] = [
                &|d| super::super::deflate::huffman_only(d),
                &|d| zlib_rs_huffman(d, 8),
                &|d| zlib_rs_huffman(d, 9),
            ];
            let sizes: Vec<usize> = coders.iter().map(|c| c(&data).len()).collect();
            let mut times = vec![Vec::new(); coders.len()];
            // Interleaved, so that a busy moment of the shared machine
            // falls on all of them alike.
            for _ in 0..runs {
                for (c, t) in coders.iter().zip(&mut times) {
                    let start = Instant::now();
                    std::hint::black_box(c(std::hint::black_box(&data)));
                    t.push(start.elapsed().as_secs_f64() * 1e6);
                }
            }
            let m: Vec<f64> = times.into_iter().map(median).collect();
            println!(
                "| {name} | {} | {}, {:.0} | {}, {:.0} | {}, {:.0} |",
                data.len(),
                sizes[0],
                m[0],
                sizes[1],
                m[1],
                sizes[2],
                m[2]
            );
        }
    }
}

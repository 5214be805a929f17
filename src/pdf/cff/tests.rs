//! Tests of the CFF subsetter against the bundled FandolFang face.
//!
//! In: the face and a set of glyphs. Out: a test failure when a subset
//! glyph draws otherwise than the face's own, or loses its CID.

use super::*;

const FANG: &[u8] = include_bytes!("../../../fonts/FandolFang-Regular.otf");

/// A glyph's outline as a list of drawing commands.
#[derive(Default)]
struct Path(Vec<String>);

impl ttf_parser::OutlineBuilder for Path {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.push(format!("M{x} {y}"));
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.push(format!("L{x} {y}"));
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.push(format!("Q{x1} {y1} {x} {y}"));
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.push(format!("C{x1} {y1} {x2} {y2} {x} {y}"));
    }
    fn close(&mut self) {
        self.0.push("Z".into());
    }
}

fn outline(table: &ttf_parser::cff::Table, gid: u16) -> Vec<String> {
    let mut p = Path::default();
    let _ = table.outline(ttf_parser::GlyphId(gid), &mut p);
    p.0
}

#[test]
fn a_subset_draws_each_glyph_as_the_font_does_and_keeps_its_cid() {
    let face = ttf_parser::Face::parse(FANG, 0).expect("font");
    let original = face.tables().cff.expect("a CFF font");
    let cff = Cff::parse(FANG, 0).expect("CID-keyed, no subroutines");
    let mut gids: Vec<u16> = "政府信息公开工作年度报告，。（）2020年"
        .chars()
        .filter_map(|c| face.glyph_index(c).map(|g| g.0))
        .collect();
    gids.sort_unstable();
    gids.dedup();
    let bytes = cff.subset(FANG, &gids);
    assert!(bytes.len() < 40_000, "{} bytes", bytes.len());
    let sub = ttf_parser::cff::Table::parse(&bytes).expect("the subset parses");
    assert_eq!(sub.number_of_glyphs(), gids.len() as u16 + 1);
    for (i, &g) in gids.iter().enumerate() {
        let new = i as u16 + 1;
        let drawn = outline(&sub, new);
        assert!(!drawn.is_empty(), "glyph {g} is drawn");
        assert_eq!(drawn, outline(&original, g), "glyph {g}");
        let cid = sub.glyph_cid(ttf_parser::GlyphId(new));
        assert_eq!(cid, cff.cid(g), "glyph {g} keeps its CID");
        assert_eq!(cid, original.glyph_cid(ttf_parser::GlyphId(g)));
    }
}

#[test]
fn an_empty_subset_holds_notdef_only() {
    let cff = Cff::parse(FANG, 0).expect("parses");
    let bytes = cff.subset(FANG, &[]);
    let sub = ttf_parser::cff::Table::parse(&bytes).expect("parses");
    assert_eq!(sub.number_of_glyphs(), 1);
    // Glyph ids beyond the font are passed over, not a panic.
    let bytes = cff.subset(FANG, &[u16::MAX]);
    assert!(ttf_parser::cff::Table::parse(&bytes).is_some());
}

#[test]
fn fonts_with_subroutines_go_to_the_general_subsetter() {
    let noto = include_bytes!("../../../fonts/NotoSerifSC-Regular.otf");
    assert!(Cff::parse(noto, 0).is_none());
    assert!(Cff::parse(b"not a font", 0).is_none());
}

/// Damaged fonts (a user's font directory may hold anything) are
/// refused or subset, never a panic: the table cut short everywhere
/// in its structure, and bytes changed all over it.
#[test]
fn damaged_tables_never_panic() {
    // A small but complete CID-keyed CFF: a subset of three glyphs.
    let small = Cff::parse(FANG, 0)
        .expect("parses")
        .subset(FANG, &[1, 2, 3]);
    assert!(parse_table(&small).is_some());
    let try_all = |d: &[u8]| {
        if let Some(c) = Cff::from_table(d) {
            let _ = c.subset(d, &[1, 2, 3, 500, 9000]);
        }
    };
    for cut in 0..small.len() {
        try_all(&small[..cut]);
    }
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..3000 {
        let mut d = small.clone();
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let at = x as usize % d.len();
            d[at] = (x >> 8) as u8;
        }
        try_all(&d);
    }
}

#[test]
fn indexes_read_back_with_the_offset_size_they_need() {
    for lens in [
        vec![],
        vec![0],
        vec![3, 0, 5],
        vec![200, 200],
        vec![70_000, 1],
    ] {
        let items: Vec<Vec<u8>> = lens.iter().map(|&n| vec![7u8; n]).collect();
        let refs: Vec<&[u8]> = items.iter().map(Vec::as_slice).collect();
        let bytes = index(&refs);
        assert_eq!(bytes.len(), index_len(&lens), "{lens:?}");
        let read = Index::at(&bytes, 0).expect("reads");
        assert_eq!(read.count, lens.len());
        assert_eq!(read.end, bytes.len());
        for (i, &n) in lens.iter().enumerate() {
            assert_eq!(read.item(&bytes, i).map(|r| r.len()), Some(n));
        }
    }
}

#[test]
fn dict_operands_of_every_form() {
    // 139 → 0; 247 0 → 108; 251 0 → -108; 28 → i16; 29 → i32; a real.
    let d = [
        139, 247, 0, 251, 0, 28, 0x12, 0x34, 29, 0, 1, 0, 0, 30, 0x1a, 0x2f, 12, 30, 17,
    ];
    let entries = dict(&d).expect("parses");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].op, ROS);
    assert_eq!(entries[0].args, vec![0, 108, -108, 0x1234, 65536, 0]);
    assert_eq!(entries[1].op, CHARSTRINGS);
    assert_eq!(entries[1].span, 18..19);
    assert!(dict(&[255]).is_none(), "a reserved byte");
    assert!(dict(&[29, 0]).is_none(), "a truncated operand");
}

//! `cargo bench --bench subset`: nianbao's own CFF subsetter
//! (`pdf::cff`) side by side with `subsetter` (what Typst uses, and what
//! nianbao uses for every other face) and allsorts (what the OFD writer
//! uses), on the glyphs the two samples draw with each bundled face: the
//! median time of N interleaved runs and the size of what each writes.
//!
//! nianbao parses a face's CFF once per process (`Cff::parse`, timed on
//! its own) and then only copies byte ranges per report; `subsetter` and
//! allsorts parse the font on every call, which is their API. The CFF
//! program is what a PDF embeds (`FontFile3`); allsorts writes a whole
//! OpenType file (with `cmap`, `hmtx`, …), so its CFF table is given
//! too. This is a benchmark, not a test: it prints and never fails.

use nianbao::{Engine, RenderOptions};
use std::collections::BTreeSet;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn cff_table(otf: &[u8]) -> usize {
    ttf_parser::RawFace::parse(otf, 0)
        .ok()
        .and_then(|f| f.table(ttf_parser::Tag::from_bytes(b"CFF ")))
        .map_or(0, <[u8]>::len)
}

fn main() {
    let runs = 21;
    let engine = Engine::new().expect("engine");
    // Face → the glyphs either sample draws with it.
    let mut faces: Vec<(nianbao::fonts::FaceIdx, BTreeSet<u16>)> = Vec::new();
    for sample in ["goushi-2020", "shili-2021"] {
        let path = format!("{}/samples/{sample}.json", env!("CARGO_MANIFEST_DIR"));
        let data: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("sample")).expect("JSON");
        let (doc, _) = engine
            .document(&data, RenderOptions::default())
            .expect("document");
        let laid = engine.layout(&doc).expect("laid");
        for (idx, drawn) in laid.faces_used() {
            let gids = drawn.into_iter().map(|(g, _)| g);
            match faces.iter_mut().find(|(i, _)| *i == idx) {
                Some((_, set)) => set.extend(gids),
                None => faces.push((idx, gids.collect())),
            }
        }
    }
    println!("{runs} runs each, interleaved, median; sizes in bytes");
    println!("| face | glyphs | nianbao cff: parse once µs, subset µs, CFF bytes | subsetter: µs, CFF bytes | allsorts: µs, OTF bytes (CFF) |");
    for (idx, gids) in faces {
        let face = engine.fonts().face(idx).expect("face");
        let data = face.data();
        let list: Vec<u16> = gids.iter().copied().collect();
        let ours = nianbao::pdf::cff::Cff::parse(data, face.index);
        let mut parse = Vec::new();
        let mut t_ours = Vec::new();
        let mut t_subsetter = Vec::new();
        let mut t_allsorts = Vec::new();
        let (mut s_ours, mut s_subsetter, mut s_allsorts) = (0, 0, (0, 0));
        for _ in 0..runs {
            if ours.is_some() {
                let t = Instant::now();
                let cff = nianbao::pdf::cff::Cff::parse(data, face.index).expect("parses");
                parse.push(t.elapsed().as_secs_f64() * 1e6);
                let t = Instant::now();
                let out = cff.subset(data, &list);
                t_ours.push(t.elapsed().as_secs_f64() * 1e6);
                s_ours = out.len();
            }
            let t = Instant::now();
            let mut remapper = subsetter::GlyphRemapper::new();
            for &g in &list {
                remapper.remap(g);
            }
            let out = subsetter::subset(data, face.index, &remapper).expect("subsetter");
            t_subsetter.push(t.elapsed().as_secs_f64() * 1e6);
            s_subsetter = cff_table(&out);
            let t = Instant::now();
            let order: Vec<u16> = std::iter::once(0)
                .chain(list.iter().copied().filter(|&g| g != 0))
                .collect();
            let font = allsorts::binary::read::ReadScope::new(data)
                .read::<allsorts::font_data::FontData<'_>>()
                .expect("allsorts reads");
            let provider = font.table_provider(face.index as usize).expect("provider");
            let profile = allsorts::subset::SubsetProfile::parse_custom("cvt,fpgm,prep".into())
                .expect("profile");
            let out = allsorts::subset::subset(
                &provider,
                &order,
                &profile,
                allsorts::subset::CmapTarget::Unicode,
            )
            .expect("allsorts");
            t_allsorts.push(t.elapsed().as_secs_f64() * 1e6);
            s_allsorts = (out.len(), cff_table(&out));
        }
        let ours = if parse.is_empty() {
            "not CID-keyed without subroutines: not ours".to_string()
        } else {
            format!("{:.0}, {:.0}, {s_ours}", median(parse), median(t_ours))
        };
        println!(
            "| {} | {} | {ours} | {:.0}, {s_subsetter} | {:.0}, {} ({}) |",
            face.name,
            list.len(),
            median(t_subsetter),
            median(t_allsorts),
            s_allsorts.0,
            s_allsorts.1
        );
    }
}

//! The sample pages rendered by poppler (pdftoppm) compared with reference
//! images in `tests/references/`, in blocks small enough that a page
//! moved by 1 mm fails (checked on every run). Says it was skipped when
//! pdftoppm is not installed; `UPDATE_SNAPSHOTS=1` rewrites the references
//! (look at them before committing).

use crate::common;

use common::{goushi, root, shili};
use nianbao::{OutputFormat, RenderOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

/// 72 dpi: 1 mm is 2.8 pixels, an A4 page 595 × 842.
const DPI: &str = "72";
/// Blocks of 8 pixels, 2.8 mm: a column, rule or line of text moved by
/// 1 mm changes the ink of the blocks along its edges by a third or more.
const BLOCK: u32 = 8;
/// The pages compared: the first (title and prose), then the pages of
/// the three tables (二 from page 2, 三 on pages 3–4, 四 on page 4 in both
/// samples). Page 5 is prose again.
const PAGES: [usize; 4] = [1, 2, 3, 4];
/// The bounds, per block of 0–255 ink (largest, mean). Measured with
/// poppler 22.12: the same page differs from its reference by the 16 grey
/// levels alone (at most 2.6 per block, 0.08 on average), which leaves
/// room for another poppler's antialiasing; the page moved by 1 mm, right
/// or down, differs by 51 to 71 and 2.5 to 5.4 on average, so it fails on
/// both counts (asserted below for every page, on every run).
const MAX: f64 = 30.0;
const MEAN: f64 = 1.5;

/// Renders `pages` of a PDF with pdftoppm at [`DPI`], grey, into `dir`,
/// and returns the PNGs in page order.
fn draw(pdf: &[u8], dir: &Path, name: &str, pages: &[usize]) -> Vec<PathBuf> {
    let pdf_path = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf_path, pdf).expect("write");
    let count = lopdf::Document::load_mem(pdf)
        .expect("a PDF")
        .get_pages()
        .len();
    let digits = count.to_string().len();
    let prefix = dir.join(name);
    pages
        .iter()
        .map(|&p| {
            let ok = Command::new("pdftoppm")
                .args(["-r", DPI, "-gray", "-png"])
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(&pdf_path)
                .arg(&prefix)
                .status()
                .expect("pdftoppm runs")
                .success();
            assert!(ok, "pdftoppm renders {name} page {p}");
            PathBuf::from(format!("{}-{p:0digits$}.png", prefix.display()))
        })
        .collect()
}

/// The PDF with every page's drawing moved by (`dx`, `dy`) points (PDF
/// space: y up), through a `cm` before its content.
fn moved(pdf: &[u8], dx: f64, dy: f64) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    for (_, id) in doc.get_pages() {
        let mut content = format!("q 1 0 0 1 {dx} {dy} cm\n").into_bytes();
        content.extend(doc.get_page_content(id));
        content.extend(b"\nQ\n");
        doc.change_page_content(id, content).expect("new content");
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("saves");
    out
}

/// Writes a reference: the page in 16 grey levels (4 bits a pixel), a
/// quarter of the bytes of pdftoppm's 8, and still within the bounds.
fn write_reference(page: &Path, reference: &Path) {
    let (w, h, px) = common::grey(page);
    let mut packed = Vec::with_capacity((w as usize).div_ceil(2) * h as usize);
    for row in px.chunks(w as usize) {
        for pair in row.chunks(2) {
            let level = |v: u8| (u16::from(v) * 15 + 127) / 255;
            let hi = level(pair[0]);
            let lo = pair.get(1).map_or(0, |&v| level(v));
            packed.push((hi << 4 | lo) as u8);
        }
    }
    let file = std::fs::File::create(reference).expect("write reference");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), w, h);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Four);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&packed).expect("png data");
}

#[test]
fn sample_pages_match_their_reference_images() {
    if !common::tools::have(
        "pdftoppm",
        &["-v"],
        "poppler-utils",
        "sample_pages_match_their_reference_images",
    ) {
        return;
    }
    let engine = common::engine();
    let dir = std::env::temp_dir().join(format!("nianbao-ref-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let references = root().join("tests/references");
    if update {
        for old in std::fs::read_dir(&references).expect("references") {
            std::fs::remove_file(old.expect("an entry").path()).expect("remove");
        }
    }
    let mut shifted_least = (f64::INFINITY, f64::INFINITY);
    for (name, data) in [("goushi-2020", goushi()), ("shili-2021", shili())] {
        let pdf = engine
            .render(&data, OutputFormat::Pdf, RenderOptions::default())
            .expect("renders")
            .bytes;
        let pages = draw(&pdf, &dir, name, &PAGES);
        // 1 mm = 2.835 pt, to the right and (y up) down.
        let right = draw(&moved(&pdf, 2.835, 0.0), &dir, &format!("{name}-r"), &PAGES);
        let down = draw(
            &moved(&pdf, 0.0, -2.835),
            &dir,
            &format!("{name}-d"),
            &PAGES,
        );
        for (i, p) in PAGES.iter().enumerate() {
            let reference = references.join(format!("{name}-{p}.png"));
            if update {
                write_reference(&pages[i], &reference);
            }
            assert!(
                reference.exists(),
                "no reference {} (UPDATE_SNAPSHOTS=1 writes it)",
                reference.display()
            );
            let (max, mean) = common::ink_difference(&pages[i], &reference, BLOCK);
            assert!(
                max < MAX && mean < MEAN,
                "{name} page {p}: blocks differ by up to {max:.1}, {mean:.2} on average"
            );
            // The same page moved by 1 mm fails.
            for (way, png) in [("right", &right[i]), ("down", &down[i])] {
                let (max, mean) = common::ink_difference(png, &reference, BLOCK);
                assert!(
                    max >= MAX && mean >= MEAN,
                    "{name} page {p} moved 1 mm {way} still passes: {max:.1}, {mean:.2}"
                );
                shifted_least = (shifted_least.0.min(max), shifted_least.1.min(mean));
            }
        }
    }
    let (max, mean) = shifted_least;
    eprintln!("pages moved 1 mm differ by at least {max:.1} and {mean:.2} on average");
    let count = std::fs::read_dir(&references)
        .expect("references")
        .filter_map(|e| e.ok())
        .count();
    assert_eq!(count, 2 * PAGES.len(), "a reference per page compared");
    let _ = std::fs::remove_dir_all(&dir);
}

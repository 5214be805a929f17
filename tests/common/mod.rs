//! Helpers shared by the integration tests: the samples and small edits.

pub mod official;
pub mod pdfread;
pub mod tools;

use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("samples").join(name)).expect("sample exists");
    serde_json::from_str(&text).expect("sample is JSON")
}

pub fn goushi() -> Value {
    sample("goushi-2020.json")
}

pub fn shili() -> Value {
    sample("shili-2021.json")
}

/// Sets the value at a JSON pointer; a missing last key is added.
pub fn set(v: &mut Value, pointer: &str, new: Value) {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = new;
        return;
    }
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let map = v.pointer_mut(parent).and_then(Value::as_object_mut);
    map.unwrap_or_else(|| panic!("no object at {parent}"))
        .insert(key.into(), new);
}

/// Removes the key at a JSON pointer.
pub fn remove(v: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    v.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent object")
        .remove(key);
}

fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The printed values of the three tables, each in grid order (row by
/// row), from the resolved report: what every value cell must hold.
pub fn table_values(data: &Value) -> Vec<Vec<String>> {
    let c = nianbao::data::check_value(data).expect("valid");
    let r = serde_json::to_value(&c.resolved).expect("serialises");
    let flat = |v: &Value, out: &mut Vec<String>| match v {
        Value::Array(a) => out.extend(a.iter().map(cell_text)),
        other => out.push(cell_text(other)),
    };
    let mut s2 = Vec::new();
    for v in r["active_disclosure"].as_object().expect("object").values() {
        flat(v, &mut s2);
    }
    let a = &r["applications"];
    let mut s3 = Vec::new();
    for key in ["new", "carried_over", "granted", "partially_granted"] {
        flat(&a[key], &mut s3);
    }
    for group in ["withheld", "unavailable", "not_processed"] {
        for v in a[group].as_object().expect("group").values() {
            flat(v, &mut s3);
        }
    }
    match &a["other"] {
        Value::Object(items) => items.values().for_each(|v| flat(v, &mut s3)),
        v => flat(v, &mut s3),
    }
    flat(&a["total"], &mut s3);
    flat(&a["carried_forward"], &mut s3);
    let mut s4 = Vec::new();
    for key in ["review", "litigation_direct", "litigation_after_review"] {
        flat(&r["review_litigation"][key], &mut s4);
    }
    vec![s2, s3, s4]
}

/// What MuPDF draws of a PDF (`mutool trace`: each glyph with its
/// character, glyph id and origin; each path), as its XML text. The
/// caller checks first that mutool is there.
pub fn mutool_trace(pdf: &[u8]) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("nianbao-trace-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("mutool")
        .arg("trace")
        .arg(&path)
        .output()
        .expect("mutool runs");
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Parses a PDF with an independent reader (lopdf) and, when installed,
/// checks it with qpdf; returns its page count.
pub fn assert_pdf(bytes: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(bytes).expect("lopdf reads the PDF");
    let pages = doc.get_pages().len();
    assert!(pages > 0, "a PDF with pages");
    // One name per call: tests run in parallel, and two of them may check
    // PDFs of the same length at once.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "nianbao-qpdf-{}-{n}-{}.pdf",
        std::process::id(),
        bytes.len()
    ));
    if tools::have("qpdf", &["--version"], "qpdf", "qpdf --check") {
        std::fs::write(&path, bytes).expect("write");
        let out = std::process::Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .expect("qpdf runs");
        assert!(
            out.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let _ = std::fs::remove_file(&path);
    }
    pages
}

/// Unzips a DOCX, parses every XML part (roxmltree), and runs both OOXML
/// validators on it.
pub fn assert_docx(bytes: &[u8]) {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    assert!(zip.by_name("word/document.xml").is_ok(), "a document part");
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("an entry");
        let name = f.name().to_string();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let mut text = String::new();
            f.read_to_string(&mut text).expect("utf-8");
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
        }
    }
    tools::validate_ooxml(bytes, "docx");
}

/// Runs the `nianbao` binary in the project root with `stdin` fed to it,
/// asking for the English messages (the Chinese ones have tests of their
/// own, through [`cli_env`]).
pub fn cli(args: &[&str], stdin: &[u8]) -> std::process::Output {
    cli_env(args, stdin, &[("NIANBAO_LANG", Some("en"))])
}

/// [`cli`] with environment variables set (`Some`) or removed (`None`).
/// `nianbao ARGS…`, which must exit 0 (its standard error otherwise).
pub fn cli_ok(args: &[&str]) -> std::process::Output {
    let o = cli(args, b"");
    assert_eq!(
        o.status.code(),
        Some(0),
        "nianbao {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// `nianbao render samples/SAMPLE --template TPL -o OUT EXTRA…`, which must
/// succeed.
pub fn render_with_template(sample: &str, tpl: &Path, out: &Path, extra: &[&str]) {
    let sample = root().join("samples").join(sample);
    let mut args = vec![
        "render",
        "-q",
        sample.to_str().expect("utf-8"),
        "--template",
        tpl.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ];
    args.extend(extra);
    cli_ok(&args);
}

pub fn cli_env(args: &[&str], stdin: &[u8], env: &[(&str, Option<&str>)]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nianbao"));
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut pipe = child.stdin.take().expect("stdin");
    // The child may stop reading early (it refuses big input): ignore EPIPE.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().expect("finishes")
}

/// Compares with `tests/snapshots/NAME`; `UPDATE_SNAPSHOTS=1` rewrites it.
pub fn snapshot(name: &str, actual: &str) {
    let path = root().join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs at line {}:\n  expected: {}\n  actual:   {}\n(UPDATE_SNAPSHOTS=1 cargo test rewrites it)",
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            actual.lines().nth(line).unwrap_or("<end>")
        );
    }
}

/// The text of every prose paragraph of a report (headings and text of
/// the 一、五、六 sections and the preamble), white space removed.
pub fn paragraph_texts(data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["preamble", "overview", "problems", "other_matters"] {
        for p in data[key].as_array().into_iter().flatten() {
            let parts = match p {
                Value::String(s) => vec![s.clone()],
                o => ["heading", "text"]
                    .iter()
                    .filter_map(|k| o[*k].as_str().map(str::to_string))
                    .collect(),
            };
            for t in parts {
                let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if !t.is_empty() {
                    out.push(t);
                }
            }
        }
    }
    out
}

/// An engine with the built-in template and only the bundled fonts: the
/// same faces on every machine, whatever `~/.fonts` holds (tests about
/// system fonts build their own).
pub fn engine() -> nianbao::Engine {
    let bundle = nianbao::template::builtin("annual-report").expect("built-in template");
    let fonts = nianbao::fonts::FontOptions {
        dirs: Vec::new(),
        system: false,
    };
    nianbao::Engine::with_font_options(&bundle, &fonts).expect("engine")
}

/// Asserts that the three tables rebuilt from a fixed-layout file's rules
/// and words (`pdfread::join_pages`) are the official grids of `format`
/// ([`official::grid`], "2019" or "2021") cell for cell, each value cell
/// holding the report's value and each label the form's (or the report's
/// own `labels`).
pub fn assert_official_tables(
    name: &str,
    format: &str,
    data: &Value,
    tables: &[Vec<pdfread::Cell>],
) {
    assert_eq!(tables.len(), 3, "{name}: three tables");
    let values = table_values(data);
    let labels = data.get("labels").cloned().unwrap_or(Value::Null);
    for ((cells, section), values) in tables
        .iter()
        .zip(["section2", "section3", "section4"])
        .zip(values)
    {
        let official = official::grid(format, section).cells;
        let brief: Vec<String> = cells
            .iter()
            .map(|c| format!("r{} c{} {}x{} {}", c.r, c.c, c.rs, c.cs, c.text))
            .collect();
        assert_eq!(
            cells.len(),
            official.len(),
            "{name} {section}: cells {brief:#?}"
        );
        let mut values = values.into_iter();
        for (got, want) in cells.iter().zip(&official) {
            let at = format!("{name} {section} r{} c{}", got.r, got.c);
            assert_eq!(
                (got.r, got.c, got.rs, got.cs),
                (want.r, want.c, want.rs, want.cs),
                "{at}"
            );
            let expected = expected_text(want, &labels, &mut values);
            let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(strip(&got.text), strip(&expected), "{at}");
        }
    }
}

/// What an official cell must show: the next of the report's values for
/// a value cell, else its label, or the report's own wording of it
/// (`labels`).
pub fn expected_text(
    want: &official::Cell,
    labels: &Value,
    values: &mut impl Iterator<Item = String>,
) -> String {
    if want.value {
        return values.next().expect("a value");
    }
    labels
        .get(&want.text)
        .and_then(Value::as_str)
        .unwrap_or(&want.text)
        .to_string()
}

/// The grey pixels of a PNG (the first channel of each pixel, 0–255
/// whatever the bit depth): width, height, pixels.
pub fn grey(path: &std::path::Path) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("open png"),
    ));
    // Grey of fewer than 8 bits (the reference images) widened to 0–255.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png data");
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    let pixels = buf.chunks(channels).map(|p| p[0]).collect();
    (info.width, info.height, pixels)
}

/// Ink per `n` × `n` pixel block of a PNG, 0 (white) to 255: at 80 dpi
/// an 8-pixel block is 2.5 mm.
pub fn ink(path: &std::path::Path, n: u32) -> (u32, u32, Vec<f64>) {
    let (w, h, px) = grey(path);
    let (bw, bh) = (w / n, h / n);
    let mut out = vec![0.0; (bw * bh) as usize];
    let area = f64::from(n * n);
    for y in 0..bh * n {
        for x in 0..bw * n {
            let v = 255.0 - f64::from(px[(y * w + x) as usize]);
            out[((y / n) * bw + x / n) as usize] += v / area;
        }
    }
    (bw, bh, out)
}

/// Block differences between two renderings of a page at the same
/// resolution, in `n`-pixel blocks ([`ink`]): (largest, mean).
pub fn ink_difference(a: &std::path::Path, b: &std::path::Path, n: u32) -> (f64, f64) {
    let (aw, ah, a) = ink(a, n);
    let (bw, bh, b) = ink(b, n);
    assert_eq!((aw, ah), (bw, bh), "page sizes");
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).collect();
    let max = d.iter().copied().fold(0.0, f64::max);
    (max, d.iter().sum::<f64>() / d.len() as f64)
}

/// The built-in template exported into `dir/tpl` with the 仿宋 role's
/// font chain replaced by `chain` (a TOML array of names).
pub fn template_with_fang_chain(dir: &std::path::Path, chain: &str) -> PathBuf {
    let bundled = "pdf = [\"仿宋_GB2312\", \"方正仿宋_GBK\", \"仿宋\", \"FangSong\", \"FandolFang\", \"Noto Serif SC\"]";
    template_edited(dir, "style.toml", bundled, &format!("pdf = {chain}"))
}

/// The built-in template exported to `dir/tpl` (anything there before is
/// removed), with `file`'s `from` (which must be there, as shipped)
/// replaced by `to`: a bundle a test changes in one place.
pub fn template_edited(dir: &std::path::Path, file: &str, from: &str, to: &str) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    let tpl = dir.join("tpl");
    let export = cli(
        &[
            "templates",
            "export",
            "annual-report",
            tpl.to_str().expect("utf-8"),
        ],
        b"",
    );
    assert_eq!(
        export.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let path = tpl.join(file);
    let text = std::fs::read_to_string(&path).expect("the exported file");
    assert!(text.contains(from), "{file} as shipped holds {from}");
    std::fs::write(&path, text.replace(from, to)).expect("write");
    tpl
}

/// Whether DejaVu Serif (a TrueType face, Debian `fonts-dejavu-core`) is
/// installed: under CI it must be.
pub fn have_dejavu() -> bool {
    if std::path::Path::new("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").exists() {
        return true;
    }
    assert!(
        !tools::in_ci(),
        "DejaVu Serif (fonts-dejavu-core) is not installed; .ci/run installs it"
    );
    eprintln!("skipped: DejaVu Serif (fonts-dejavu-core) is not installed");
    false
}

/// Makes a FIFO at `path`; `false` (the test skips) where `mkfifo` is
/// missing, except in CI.
pub fn mkfifo(path: &std::path::Path) -> bool {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    if made.is_ok_and(|s| s.success()) {
        return true;
    }
    assert!(!tools::in_ci(), "mkfifo failed");
    eprintln!("skipped: mkfifo failed");
    false
}

/// A thread that writes `bytes` into the FIFO once, then closes it.
pub fn feed_fifo(path: &std::path::Path, bytes: Vec<u8>) -> std::thread::JoinHandle<()> {
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open fifo");
        // The reader may stop early on a refusal: that is its business.
        let _ = f.write_all(&bytes);
    })
}

/// A thread that reads the FIFO to its end and returns what came.
pub fn drain_fifo(path: &std::path::Path) -> std::thread::JoinHandle<Vec<u8>> {
    let path = path.to_path_buf();
    std::thread::spawn(move || std::fs::read(&path).expect("read fifo"))
}

/// Whether `path` is still a character device (never replaced by a file).
pub fn is_char_device(path: &str) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
}

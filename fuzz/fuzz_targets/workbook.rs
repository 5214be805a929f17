//! Workbook bytes through the reader and the checks: any bytes, or a good
//! workbook with one part (a sheet, the shared strings, the styles, the
//! workbook) replaced by the fuzzer's bytes, read as one report and as a
//! county workbook, never a panic, an abort or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
use std::sync::OnceLock;

/// The parts of the 2021 sample's workbook, as nianbao writes it.
fn base() -> &'static Vec<(String, Vec<u8>)> {
    static BASE: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    BASE.get_or_init(|| {
        let text = include_str!("../../samples/shili-2021.json");
        let value: serde_json::Value = serde_json::from_str(text).expect("the sample");
        let xlsx = nianbao::sheet::write(&value, nianbao::data::Format::F2021, None)
            .expect("a workbook");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index(i).expect("entry");
                let mut data = Vec::new();
                std::io::Read::read_to_end(&mut f, &mut data).expect("inflate");
                (f.name().to_string(), data)
            })
            .collect()
    })
}

/// The sample's workbook with part `which` replaced by `data`.
fn with_part(which: u8, data: &[u8]) -> Vec<u8> {
    let parts = base();
    let xml: Vec<usize> = (0..parts.len())
        .filter(|&i| parts[i].0.ends_with(".xml"))
        .collect();
    let target = xml[which as usize % xml.len()];
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (i, (name, bytes)) in parts.iter().enumerate() {
        w.start_file(name.as_str(), opts).expect("entry");
        let body: &[u8] = if i == target { data } else { bytes };
        w.write_all(body).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

fuzz_target!(|data: &[u8]| {
    let bytes = match data.split_first() {
        Some((which, rest)) if !data.starts_with(b"PK") => with_part(*which, rest),
        _ => data.to_vec(),
    };
    if let Ok(input) = nianbao::input::load(&bytes, "fuzz.xlsx") {
        let _ = nianbao::data::check_value(&input.value);
    }
    if let Ok(rows) = nianbao::sheet::county::read(&bytes, "fuzz.xlsx") {
        for row in rows.iter().take(4) {
            let _ = row.read();
        }
    }
});

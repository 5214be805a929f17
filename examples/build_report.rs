//! Builds a report from Rust values and renders it to PDF, DOCX and OFD:
//!
//! ```sh
//! cargo run --example build_report -- out-dir
//! ```

use nianbao::data::{blank, Format, Paragraph, Signature};
use nianbao::{Engine, OutputFormat, RenderOptions};
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {dir}: {e}");
        return ExitCode::from(2);
    }
    // A 2021-format report of zeros, then the figures and the prose.
    let mut report = blank(Format::F2021, "示例镇人民政府", 2021);
    report.applications.new = vec![Some(3), Some(1), Some(0), Some(0), Some(0), Some(0)];
    report.applications.granted = vec![Some(3), Some(1), Some(0), Some(0), Some(0), Some(0)];
    report.overview = vec![
        Paragraph::Text("2021年，示例镇坚持以公开为常态、不公开为例外。".into()),
        Paragraph::Headed {
            heading: "（一）依申请公开。".into(),
            text: Some("全年收到政府信息公开申请4件，均已按时答复。".into()),
        },
    ];
    report.problems = vec![Paragraph::Text("政策解读形式还不够丰富。".into())];
    report.other_matters = vec![Paragraph::Text("本年度未收取信息处理费。".into())];
    report.signature = Some(Signature {
        unit: "示例镇人民政府".into(),
        date: "2022-01-20".into(),
    });

    let engine = match Engine::new() {
        Ok(e) => e,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    for format in [OutputFormat::Pdf, OutputFormat::Docx, OutputFormat::Ofd] {
        match engine.render_report(&report, format, RenderOptions::default()) {
            Ok(r) => {
                for w in r.diagnostics.warnings() {
                    eprintln!("warning: {w}");
                }
                let path =
                    std::path::Path::new(&dir).join(format!("example.{}", format.extension()));
                if let Err(e) = nianbao::output::write(&path, &r.bytes) {
                    eprintln!("cannot write {}: {e}", path.display());
                    return ExitCode::from(2);
                }
                println!("wrote {}", path.display());
            }
            Err(d) => {
                // Machine-readable: every diagnostic serialises to JSON.
                eprintln!("{}", serde_json::to_string_pretty(&d).unwrap_or_default());
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

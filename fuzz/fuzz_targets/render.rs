//! The whole pipeline from a data file to HTML and the laid-out pages:
//! data strings go through the template and the markup parser, where an
//! unescaped `<` or `&` would show as a markup error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::fonts::FontOptions;
use nianbao::{Code, Engine, OutputFormat, RenderOptions};
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let bundle = nianbao::template::builtin("annual-report").expect("built in");
        Engine::with_font_options(&bundle, &FontOptions { dirs: vec![], system: false }).expect("engine")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let opts = RenderOptions {
        force: true,
        ..RenderOptions::default()
    };
    if let Err(d) = engine().render(&value, OutputFormat::Html, opts) {
        // Data can be refused, but never by breaking the markup.
        assert!(d.iter().all(|x| x.code != Code::Markup && x.code != Code::TableGrid), "{d}");
    }
});

//! Markup parsing and layout: any text → a document tree and laid-out
//! pages, or a diagnostic; never a panic, a hang or a page outside the
//! paper. The pages are then written as OFD, which must succeed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::fonts::{FontBook, FontOptions};
use nianbao::template::{builtin, Template};
use std::sync::OnceLock;

struct Setup {
    template: Template,
    book: FontBook,
}

fn setup() -> &'static Setup {
    static S: OnceLock<Setup> = OnceLock::new();
    S.get_or_init(|| {
        let template = Template::compile(&builtin("annual-report").expect("built in")).expect("compiles");
        let book = FontBook::new(&FontOptions { dirs: vec![], system: false }).expect("bundled fonts");
        Setup { template, book }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let s = setup();
    let Ok(doc) = nianbao::markup::parse(text, &s.template.stylesheet, "fuzz") else { return };
    let chains = s.book.chains(&s.template.stylesheet.fonts).expect("chains");
    let Ok(doc) = nianbao::layout::resolve::resolve(doc, &s.book, &chains) else { return };
    if let Ok(laid) = nianbao::layout::layout(&doc, &s.book, &chains) {
        for page in &laid.pages {
            for item in &page.items {
                if let nianbao::layout::Item::Text(t) = item {
                    for g in &t.glyphs {
                        assert!(g.x.to_pt() >= 0.0 && g.x.to_pt() <= laid.width.to_pt(), "glyph off the paper");
                    }
                }
            }
        }
        let ofd = nianbao::ofd::write(&laid, &s.book, nianbao::ofd::OfdOptions::default());
        assert!(ofd.is_ok(), "the OFD writer refused laid-out pages: {:?}", ofd.err());
    }
});

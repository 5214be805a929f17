//! A small element writer over quick-xml, for the XML parts nianbao
//! writes (the DOCX's and the OFD's).
//!
//! In: elements, attributes and text in document order. Out: the part's
//! UTF-8 bytes with an XML declaration. quick-xml escapes text and
//! attribute values; the callers write children in schema order, so the
//! order is right by construction and never repaired afterwards.

use quick_xml::events::{BytesDecl, BytesEnd, BytesPI, BytesStart, BytesText, Event};
use quick_xml::Writer;

/// What writing returns; writing into memory cannot fail, but quick-xml's
/// API speaks `io::Result`.
pub type Res = std::io::Result<()>;

/// A part being written.
pub struct Xml {
    w: Writer<Vec<u8>>,
}

impl std::fmt::Debug for Xml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Xml").finish_non_exhaustive()
    }
}

impl Xml {
    /// A new part, starting with `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`.
    pub fn new() -> Result<Xml, std::io::Error> {
        let mut w = Writer::new(Vec::with_capacity(16 * 1024));
        w.write_event(Event::Decl(BytesDecl::new(
            "1.0",
            Some("UTF-8"),
            Some("yes"),
        )))?;
        Ok(Xml { w })
    }

    /// A new fragment with no XML declaration: an XMP packet, which its
    /// own `<?xpacket?>` instructions open and close ([`Xml::pi`]).
    pub fn fragment() -> Xml {
        Xml {
            w: Writer::new(Vec::with_capacity(4 * 1024)),
        }
    }

    /// A processing instruction, `<?content?>`.
    pub fn pi(&mut self, content: &str) -> Res {
        self.w.write_event(Event::PI(BytesPI::new(content)))
    }

    /// `<name attrs…>`.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> Res {
        let el = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Start(el))
    }

    /// `</name>`.
    pub fn close(&mut self, name: &str) -> Res {
        self.w.write_event(Event::End(BytesEnd::new(name)))
    }

    /// `<name attrs…/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> Res {
        let el = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Empty(el))
    }

    /// `<name attrs…>text</name>`.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> Res {
        self.open(name, attrs)?;
        self.w.write_event(Event::Text(BytesText::new(text)))?;
        self.close(name)
    }

    /// The part's bytes.
    pub fn finish(self) -> Vec<u8> {
        self.w.into_inner()
    }
}

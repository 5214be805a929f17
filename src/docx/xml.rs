//! WordprocessingML's namespaces and its one-attribute element, over the
//! shared writer ([`crate::xml`]).
//!
//! In: an element name and its `w:val`. Out: the element written into
//! the part ([`Val::val`]); the namespace URIs the parts declare.

pub use crate::xml::{Res, Xml};

/// The WordprocessingML main namespace.
pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The relationships namespace (`r:id`).
pub const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// `<name w:val="v"/>`, the shape of most of WordprocessingML's properties.
pub trait Val {
    /// Writes `<name w:val="v"/>`.
    fn val(&mut self, name: &str, v: &str) -> Res;
}

impl Val for Xml {
    fn val(&mut self, name: &str, v: &str) -> Res {
        self.empty(name, &[("w:val", v)])
    }
}

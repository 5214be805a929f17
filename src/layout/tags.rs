//! The document's logical structure, built as the flow places it: what a
//! tagged PDF's structure tree is made of (ISO 32000-1 14.7–14.8).
//!
//! In: the flow's blocks as it places them (a title, headings, paragraphs,
//! the 署名, tables row by row and cell by cell). Out: a [`Structure`] of
//! nodes in reading order, each text run on a page carrying the [`Tag`] of
//! the node it belongs to, or [`Tag::Artifact`] for what is not content
//! (page numbers, the draft mark after the first page, a table's header
//! row repeated on a later page, the second piece of a cell cut by a page
//! break). The draft mark on the first page is a paragraph, read first.
//! Rules are
//! always artifacts, so they carry no tag. The fixed-layout writers that
//! have no tags (OFD, SVG) ignore it.

/// What a text run belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Not content: printed for the page (ISO 32000-1 14.8.2.2).
    Artifact,
    /// Content of the node with this index in [`Structure::nodes`].
    Node(usize),
}

pub use crate::doc::Scope;

/// A node's kind: the standard structure types a tagged PDF uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The whole document (the root's one child).
    Document,
    /// A heading, 1 for the title, 2 for 一、 headings, and so on (`H1`…).
    Heading(u8),
    /// A paragraph of prose, a line of the 署名 or the date (`P`).
    Paragraph,
    /// A table (`Table`).
    Table,
    /// A row of a table (`TR`).
    Row,
    /// A header cell (`TH`) with its spans and scope.
    HeaderCell {
        /// Rows spanned.
        rowspan: usize,
        /// Columns spanned.
        colspan: usize,
        /// What it heads.
        scope: Scope,
    },
    /// A data cell (`TD`) with its spans.
    DataCell {
        /// Rows spanned.
        rowspan: usize,
        /// Columns spanned.
        colspan: usize,
    },
}

impl Kind {
    /// The standard structure type's name (ISO 32000-1 14.8.4).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Document => "Document",
            Kind::Heading(1) => "H1",
            Kind::Heading(2) => "H2",
            Kind::Heading(3) => "H3",
            Kind::Heading(4) => "H4",
            Kind::Heading(5) => "H5",
            Kind::Heading(_) => "H6",
            Kind::Paragraph => "P",
            Kind::Table => "Table",
            Kind::Row => "TR",
            Kind::HeaderCell { .. } => "TH",
            Kind::DataCell { .. } => "TD",
        }
    }
}

/// One node of the structure.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Its kind.
    pub kind: Kind,
    /// Its parent's index; `None` for the document.
    pub parent: Option<usize>,
}

/// The structure: nodes in reading order, the document first. A node's
/// children are the later nodes naming it as parent, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// The nodes; index 0 is the document.
    pub nodes: Vec<Node>,
}

impl Default for Structure {
    fn default() -> Structure {
        Structure {
            nodes: vec![Node {
                kind: Kind::Document,
                parent: None,
            }],
        }
    }
}

impl Structure {
    /// The document node's index.
    pub const ROOT: usize = 0;

    /// Adds a node under `parent`; returns its index.
    pub fn add(&mut self, kind: Kind, parent: usize) -> usize {
        self.nodes.push(Node {
            kind,
            parent: Some(parent),
        });
        self.nodes.len() - 1
    }

    /// Adds a block-level node under the document and returns its tag.
    pub fn block(&mut self, kind: Kind) -> Tag {
        Tag::Node(self.add(kind, Self::ROOT))
    }

    /// Each node's children, in reading order.
    pub fn children(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate() {
            if let Some(p) = n.parent {
                out[p].push(i);
            }
        }
        out
    }
}

/// The kind of a table cell: a header cell with what it heads
/// ([`crate::doc::Cell::heads`]), else a data cell.
pub fn cell_kind(cell: &crate::doc::Cell, rowspan: usize, colspan: usize) -> Kind {
    match cell.heads() {
        Some(scope) => Kind::HeaderCell {
            rowspan,
            colspan,
            scope,
        },
        None => Kind::DataCell { rowspan, colspan },
    }
}

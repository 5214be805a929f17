//! Tagged PDF: the marked content around each page's runs, and the
//! structure tree that gives them their meaning (ISO 32000-1 14.6–14.8).
//!
//! In: the laid-out pages' [`Tag`]s and [`Structure`]. Out: on each page,
//! every text run inside a marked-content sequence (`/P <</MCID n>> BDC …
//! EMC`, the structure type as its tag), everything else inside
//! `/Artifact BMC … EMC`; then, added to the `lopdf` document, one
//! `StructElem` per node (`Document`, `H1`…, `P`, `Table`/`TR`/`TH`/`TD`
//! with `RowSpan`, `ColSpan` and `Scope`), the `ParentTree` from each
//! page's marks back to their elements, each page's `StructParents`, and
//! in the catalogue `MarkInfo /Marked true` and `/Lang (zh-CN)`. A screen
//! reader (信息无障碍, GB/T 37668) then reads headings as headings and the
//! tables as rows of cells, in reading order.

use crate::layout::tags::{Kind, Scope, Structure, Tag};
use lopdf::{Dictionary, Object, ObjectId};
use printpdf::{DictItem, Op};
use std::collections::BTreeMap;

/// The marked-content state while one page's operators are written.
#[derive(Debug, Default)]
pub struct Marks {
    open: Option<Tag>,
    /// The node each of the page's marked-content ids belongs to.
    pub owners: Vec<usize>,
}

impl Marks {
    /// Makes `tag` the current one: closes the sequence open for another
    /// tag and opens one for this.
    pub fn enter(&mut self, tag: Tag, s: &Structure, ops: &mut Vec<Op>) {
        if self.open == Some(tag) {
            return;
        }
        self.close(ops);
        match tag {
            Tag::Artifact => ops.push(Op::BeginMarkedContent {
                tag: "Artifact".into(),
            }),
            Tag::Node(n) => {
                let mcid = self.owners.len() as i64;
                self.owners.push(n);
                let mut map = BTreeMap::new();
                map.insert("MCID".to_string(), DictItem::Int(mcid));
                ops.push(Op::BeginMarkedContentWithProperties {
                    tag: s.nodes[n].kind.name().into(),
                    properties: DictItem::Dict { map },
                });
            }
        }
        self.open = Some(tag);
    }

    /// Closes the open sequence, if any (at the end of a page).
    pub fn close(&mut self, ops: &mut Vec<Op>) {
        if self.open.take().is_some() {
            ops.push(Op::EndMarkedContent);
        }
    }
}

/// Adds the structure tree for pages whose marks are `marks` (one entry
/// per page, in order) and marks the document tagged, in `lang`.
pub fn add(doc: &mut lopdf::Document, s: &Structure, marks: &[Vec<usize>], lang: &str) {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    // Each node's marked content, in reading order: (page, mcid).
    let mut content: Vec<Vec<(usize, usize)>> = vec![Vec::new(); s.nodes.len()];
    for (p, owners) in marks.iter().enumerate() {
        for (mcid, &n) in owners.iter().enumerate() {
            content[n].push((p, mcid));
        }
    }
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = s.nodes.iter().map(|_| doc.new_object_id()).collect();
    let children = s.children();
    // Cells with the same spans and scope share one attribute object: a
    // report's hundreds of cells have a handful of distinct ones.
    let mut shared: Vec<(Attributes, ObjectId)> = Vec::new();
    for (i, node) in s.nodes.iter().enumerate() {
        let parent = node.parent.map_or(root, |p| ids[p]);
        let mut elem = element(node.kind, parent, &children[i], &content[i], &ids, &pages);
        if let Some(a) = Attributes::of(node.kind) {
            let id = match shared.iter().find(|(b, _)| *b == a) {
                Some((_, id)) => *id,
                None => {
                    let id = doc.add_object(a.dictionary());
                    shared.push((a, id));
                    id
                }
            };
            elem.set("A", Object::Reference(id));
        }
        doc.objects.insert(ids[i], Object::Dictionary(elem));
    }

    let mut nums = Vec::new();
    for (p, owners) in marks.iter().enumerate() {
        nums.push(Object::Integer(p as i64));
        nums.push(Object::Array(
            owners.iter().map(|&n| Object::Reference(ids[n])).collect(),
        ));
    }
    let mut tree = Dictionary::new();
    tree.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    tree.set("K", Object::Reference(ids[Structure::ROOT]));
    tree.set("ParentTree", Object::Dictionary(nums_tree(nums)));
    tree.set("ParentTreeNextKey", Object::Integer(marks.len() as i64));
    doc.objects.insert(root, Object::Dictionary(tree));

    for (p, &page) in pages.iter().enumerate() {
        if let Ok(d) = doc.get_dictionary_mut(page) {
            d.set("StructParents", Object::Integer(p as i64));
            // Tab order follows the structure (PDF/UA asks for it).
            d.set("Tabs", Object::Name(b"S".to_vec()));
        }
    }
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("StructTreeRoot", Object::Reference(root));
        let mut mark = Dictionary::new();
        mark.set("Marked", Object::Boolean(true));
        catalog.set("MarkInfo", Object::Dictionary(mark));
        catalog.set("Lang", Object::string_literal(lang));
        let mut prefs = Dictionary::new();
        prefs.set("DisplayDocTitle", Object::Boolean(true));
        catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    }
}

fn nums_tree(nums: Vec<Object>) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Nums", Object::Array(nums));
    d
}

/// One `StructElem`: its kids are its child elements, or, for a leaf,
/// its marked content (an MCID on the element's own page `/Pg`, an MCR
/// naming the page for content that ran onto the next).
fn element(
    kind: Kind,
    parent: ObjectId,
    children: &[usize],
    content: &[(usize, usize)],
    ids: &[ObjectId],
    pages: &[ObjectId],
) -> Dictionary {
    // `/Type /StructElem` is optional (ISO 32000-1 table 323) and left
    // out: a report has hundreds of elements, one per table cell.
    let mut d = Dictionary::new();
    d.set("S", Object::Name(kind.name().as_bytes().to_vec()));
    d.set("P", Object::Reference(parent));
    let mut kids: Vec<Object> = children
        .iter()
        .map(|&c| Object::Reference(ids[c]))
        .collect();
    if let Some(&(first, _)) = content.first() {
        d.set("Pg", Object::Reference(pages[first]));
        for &(p, mcid) in content {
            if p == first {
                kids.push(Object::Integer(mcid as i64));
            } else {
                let mut mcr = Dictionary::new();
                mcr.set("Type", Object::Name(b"MCR".to_vec()));
                mcr.set("Pg", Object::Reference(pages[p]));
                mcr.set("MCID", Object::Integer(mcid as i64));
                kids.push(Object::Dictionary(mcr));
            }
        }
    }
    match kids.len() {
        0 => {}
        1 => d.set("K", kids.remove(0)),
        _ => d.set("K", Object::Array(kids)),
    }
    d
}

/// A cell's table attributes (ISO 32000-1 14.8.5.7): its spans when more
/// than one, and a header cell's scope.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Attributes {
    rowspan: usize,
    colspan: usize,
    scope: Option<Scope>,
}

impl Attributes {
    /// A cell's, if it has any to say.
    fn of(kind: Kind) -> Option<Attributes> {
        let a = match kind {
            Kind::HeaderCell {
                rowspan,
                colspan,
                scope,
            } => Attributes {
                rowspan,
                colspan,
                scope: Some(scope),
            },
            Kind::DataCell { rowspan, colspan } => Attributes {
                rowspan,
                colspan,
                scope: None,
            },
            _ => return None,
        };
        (a.rowspan > 1 || a.colspan > 1 || a.scope.is_some()).then_some(a)
    }

    fn dictionary(self) -> Dictionary {
        let mut a = Dictionary::new();
        a.set("O", Object::Name(b"Table".to_vec()));
        if self.rowspan > 1 {
            a.set("RowSpan", Object::Integer(self.rowspan as i64));
        }
        if self.colspan > 1 {
            a.set("ColSpan", Object::Integer(self.colspan as i64));
        }
        if let Some(scope) = self.scope {
            let name: &[u8] = match scope {
                Scope::Column => b"Column",
                Scope::Row => b"Row",
            };
            a.set("Scope", Object::Name(name.to_vec()));
        }
        a
    }
}

//! Fonts: the bundled open fonts, `--font-dir` fonts and system fonts,
//! found by family name and parsed once per process.
//!
//! In: font directories, whether to scan the system, and a stylesheet's
//! font roles. Out: a [`FontBook`] (shared, `Send + Sync`) and, per
//! stylesheet, [`Chains`]: for each role the faces to try, in order, for
//! every character (the stylesheet lists the office fonts first, then the
//! bundled ones, then a full-coverage fallback). A `--font-dir` face that
//! cannot map the characters it claims is left out with a warning naming
//! its file ([`FontBook::warnings`]), so it never shadows a bundled face. A face is parsed on first
//! use only, so a rare fallback costs nothing until a character needs it.

use crate::diag::{tr, Code, Diagnostic, Text};
use crate::doc::Role;
use crate::style::FontRole;
use fontdb::{Database, Source, ID};
use std::any::{Any, TypeId};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

/// The fonts in `fonts/`, compiled into the binary so that it renders the
/// same everywhere (licences beside them in `fonts/`).
const BUNDLED: &[(&str, &[u8])] = &[
    (
        "FandolFang-Regular",
        include_bytes!("../fonts/FandolFang-Regular.otf"),
    ),
    (
        "FandolKai-Regular",
        include_bytes!("../fonts/FandolKai-Regular.otf"),
    ),
    (
        "FandolHei-Regular",
        include_bytes!("../fonts/FandolHei-Regular.otf"),
    ),
    (
        "FandolSong-Regular",
        include_bytes!("../fonts/FandolSong-Regular.otf"),
    ),
    (
        "FandolSong-Bold",
        include_bytes!("../fonts/FandolSong-Bold.otf"),
    ),
    (
        "NotoSerifSC-Regular",
        include_bytes!("../fonts/NotoSerifSC-Regular.otf"),
    ),
];

/// Where to look for fonts.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// Directories whose fonts come first (`--font-dir`).
    pub dirs: Vec<PathBuf>,
    /// Whether to look at the system's fonts too.
    pub system: bool,
}

/// An index into the book's faces.
pub type FaceIdx = usize;

/// A loaded face: its bytes, and the metrics every report needs. The
/// bytes are parsed again whenever glyphs are looked up (ttf-parser reads
/// tables in place: 0.4 µs for a bundled Fandol face, 10 µs for Noto
/// Serif SC), so a face owns no self-borrowing parse; the looked-up
/// glyphs are cached per face.
#[derive(Debug)]
pub struct Face {
    data: FontData,
    /// The face's index in a collection (`.ttc`), else 0.
    pub index: u32,
    /// Font units per em.
    pub units_per_em: f64,
    /// The PostScript name, for messages and the PDF.
    pub name: String,
    /// Metrics for the PDF's font descriptor, in font units.
    pub metrics: Metrics,
    /// Facts a writer derives from the font once and reuses for every
    /// report (the PDF writer keeps its CFF table's structure here), one
    /// per type; this module never looks inside ([`Face::derived`]).
    derived: RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

/// The bytes of a font file: compiled in, or read once from disk.
#[derive(Debug)]
enum FontData {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

/// A face's metrics for a PDF font descriptor (ISO 32000-1 9.8), in font
/// units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// The bounding box of all glyphs: x min, y min, x max, y max.
    pub bbox: [i16; 4],
    /// Typographic ascender (positive).
    pub ascent: i16,
    /// Typographic descender (negative).
    pub descent: i16,
    /// Height of flat capitals, or the ascender when the font lacks it.
    pub cap_height: i16,
    /// Italic angle in degrees.
    pub italic_angle: f32,
    /// Glyphs drawn by CFF (`CFF `) outlines rather than TrueType's `glyf`.
    pub cff: bool,
    /// Whether the face is monospaced.
    pub fixed_pitch: bool,
}

impl Face {
    /// A writer's fact about this face, derived on first use by `init` and
    /// shared afterwards: the writer owns its type, the face only holds it.
    pub fn derived<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Arc<T> {
        let key = TypeId::of::<T>();
        let found = self.derived.read().ok().and_then(|m| m.get(&key).cloned());
        let any = found.unwrap_or_else(|| {
            let made: Arc<dyn Any + Send + Sync> = Arc::new(init());
            match self.derived.write() {
                Ok(mut m) => m.entry(key).or_insert(made).clone(),
                Err(_) => made,
            }
        });
        match any.downcast::<T>() {
            Ok(t) => t,
            // The map is keyed by the type: a value of another type cannot
            // be there.
            Err(_) => unreachable!("Face::derived is keyed by TypeId"),
        }
    }

    /// A writer that could not cut this face down to the glyphs it draws
    /// (the PDF's subsetter, or the OFD's): one message whichever it was.
    pub fn cannot_subset(&self, e: &dyn std::fmt::Display) -> Diagnostic {
        Diagnostic::input(
            Code::Font,
            tr(
                format!("无法裁剪字体 {}：{e}", self.name),
                format!("cannot subset the font {}: {e}", self.name),
            ),
        )
        .with_hint(tr(
            "在 style.toml 里给这个角色换一种字体，或用 --font-dir",
            "use another font for this role in style.toml, or with --font-dir",
        ))
    }

    fn load(data: FontData, index: u32, name: &str) -> Result<Face, Text> {
        let parsed = ttf_parser::Face::parse(data.bytes(), index).map_err(|e| {
            tr(
                format!("字体 {name} 读不了（文件已损坏或不是字体）：{e}"),
                format!("cannot parse the font {name}: {e}"),
            )
        })?;
        let r = parsed.global_bounding_box();
        let metrics = Metrics {
            bbox: [r.x_min, r.y_min, r.x_max, r.y_max],
            ascent: parsed.ascender(),
            descent: parsed.descender(),
            cap_height: parsed.capital_height().unwrap_or(parsed.ascender()),
            italic_angle: parsed.italic_angle(),
            cff: parsed.tables().cff.is_some(),
            fixed_pitch: parsed.is_monospaced(),
        };
        let units_per_em = f64::from(parsed.units_per_em().max(1));
        Ok(Face {
            data,
            index,
            units_per_em,
            name: name.to_string(),
            metrics,
            derived: RwLock::new(HashMap::new()),
        })
    }

    /// The font file's bytes (a whole collection for a `.ttc` face).
    pub fn data(&self) -> &[u8] {
        self.data.bytes()
    }

    /// The face parsed for reading; it was parsed once when loaded, so
    /// this does not fail in practice.
    pub fn parse(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(self.data(), self.index).ok()
    }
}

impl FontData {
    fn bytes(&self) -> &[u8] {
        match self {
            FontData::Static(b) => b,
            FontData::Shared(b) => b,
        }
    }
}

#[derive(Debug)]
struct Slot {
    id: ID,
    families: Vec<String>,
    ps_name: String,
    /// Regular upright faces are preferred when a family has several.
    regular: bool,
    /// The bytes of a bundled face, so they need no copy.
    bundled: Option<&'static [u8]>,
    face: OnceLock<Result<Arc<Face>, Text>>,
    /// Character → (glyph, advance in em), or `None` when the face lacks
    /// it: every report asks for the same few thousand characters, and a
    /// cmap lookup in a CJK face is a search over thousands of segments.
    /// Looked up for every character laid out: Fx hashing, not SipHash.
    glyphs: RwLock<rustc_hash::FxHashMap<char, Option<(u16, f64)>>>,
}

/// Every font nianbao can use, in order of preference.
#[derive(Debug)]
pub struct FontBook {
    db: Database,
    slots: Vec<Slot>,
    /// `--font-dir` files that were left out, and why.
    warnings: Vec<Diagnostic>,
}

/// The faces of each role, in fallback order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chains {
    /// Role → faces, first choice first.
    pub roles: BTreeMap<Role, Vec<FaceIdx>>,
}

impl FontBook {
    /// Loads the fonts: `--font-dir` ones first, then the bundled ones,
    /// then (if asked) the system's.
    pub fn new(opts: &FontOptions) -> Result<FontBook, Diagnostic> {
        let mut db = Database::new();
        let mut order: Vec<(ID, String, Option<&'static [u8]>)> = Vec::new();
        let mut warnings = Vec::new();
        for dir in &opts.dirs {
            if !dir.is_dir() {
                return Err(Diagnostic::input(
                    Code::Io,
                    crate::diag::tr(
                        format!("--font-dir {}：不是目录", dir.display()),
                        format!("--font-dir {}: not a directory", dir.display()),
                    ),
                ));
            }
            let before: Vec<ID> = db.faces().map(|f| f.id).collect();
            db.load_fonts_dir(dir);
            let added: Vec<ID> = db
                .faces()
                .filter(|f| !before.contains(&f.id))
                .map(|f| f.id)
                .collect();
            for id in added {
                // A face that cannot map its characters would shadow the
                // bundled face of its family and leave every character to
                // the fallback: it is named and left out instead.
                match usable(&db, id) {
                    Ok(()) => order.push((id, String::new(), None)),
                    Err(d) => warnings.push(d),
                }
            }
            warnings.extend(unloaded_files(&db, dir));
        }
        for (stem, bytes) in BUNDLED {
            for id in db.load_font_source(Source::Binary(Arc::new(*bytes))) {
                order.push((id, stem.to_string(), Some(*bytes)));
            }
        }
        if opts.system {
            let before: Vec<ID> = db.faces().map(|f| f.id).collect();
            db.load_system_fonts();
            let mut system: Vec<(ID, String, Option<&'static [u8]>)> = db
                .faces()
                .filter(|f| !before.contains(&f.id))
                .map(|f| (f.id, stem_of(&f.source), None))
                .collect();
            // Directory scans come in file-system order; sort for the same
            // choice on every run.
            system.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            order.extend(system);
        }
        let slots = order
            .into_iter()
            // The stem only orders the system's faces; a face is found by
            // the names it carries.
            .filter_map(|(id, _stem, bundled)| {
                let info = db.face(id)?;
                Some(Slot {
                    id,
                    families: info.families.iter().map(|(n, _)| n.clone()).collect(),
                    ps_name: info.post_script_name.clone(),
                    regular: info.style == fontdb::Style::Normal
                        && !info.post_script_name.to_ascii_lowercase().contains("bold"),
                    bundled,
                    face: OnceLock::new(),
                    glyphs: RwLock::new(rustc_hash::FxHashMap::default()),
                })
            })
            .collect();
        Ok(FontBook {
            db,
            slots,
            warnings,
        })
    }

    /// What loading the `--font-dir` fonts said: each file left out, by
    /// name, with why (code `font`, warnings).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The faces of each role, by the names in the stylesheet. A name
    /// matches a PostScript name or a family name (any language), what the
    /// font says it is, never a file's name (a file called `SimSun.otf`
    /// may hold any face); names found nowhere are skipped. A role none of whose
    /// names is found is an error.
    pub fn chains(&self, roles: &BTreeMap<Role, FontRole>) -> Result<Chains, Diagnostic> {
        let mut out = Chains::default();
        for (role, r) in roles {
            let mut chain: Vec<FaceIdx> = Vec::new();
            for name in &r.pdf {
                if let Some(i) = self.find(name) {
                    if !chain.contains(&i) {
                        chain.push(i);
                    }
                }
            }
            if chain.is_empty() {
                let names = r.pdf.join(", ");
                return Err(Diagnostic::input(
                    Code::Font,
                    crate::diag::tr(
                        format!("字体角色 `{role}`：{names} 都没有随附，也没有安装"),
                        format!("font role `{role}`: none of {names} is bundled or installed"),
                    ),
                )
                .with_hint(crate::diag::tr(
                    "用 --font-dir 加入有这些名字之一的字体，或修改 style.toml 的 [fonts]",
                    "add a font that has one of these names with --font-dir, or change [fonts] in style.toml",
                )));
            }
            out.roles.insert(*role, chain);
        }
        Ok(out)
    }

    /// A face by PostScript name or family name (see [`FontBook::chains`]).
    pub(crate) fn find(&self, name: &str) -> Option<FaceIdx> {
        let by_ps = self.slots.iter().position(|s| s.ps_name == name);
        by_ps.or_else(|| {
            let family = |s: &Slot| s.families.iter().any(|f| f.eq_ignore_ascii_case(name));
            let regular = self.slots.iter().position(|s| family(s) && s.regular);
            regular.or_else(|| self.slots.iter().position(family))
        })
    }

    /// The parsed face, parsing it on first use.
    pub fn face(&self, idx: FaceIdx) -> Result<Arc<Face>, Diagnostic> {
        let slot = &self.slots[idx];
        let loaded = slot.face.get_or_init(|| {
            let index = self.db.face(slot.id).map_or(0, |f| f.index);
            let data = match slot.bundled {
                Some(bytes) => FontData::Static(bytes),
                None => self
                    .db
                    .with_face_data(slot.id, |bytes, _| FontData::Shared(Arc::from(bytes)))
                    .ok_or_else(|| {
                        tr(
                            format!("字体 {} 的数据取不到（文件已移走或损坏）", slot.ps_name),
                            format!(
                                "the font {} has no data (its file moved or is damaged)",
                                slot.ps_name
                            ),
                        )
                    })?,
            };
            Face::load(data, index, &slot.ps_name).map(Arc::new)
        });
        loaded.clone().map_err(|m| Diagnostic::input(Code::Font, m))
    }

    /// The PostScript name of a face, without parsing it.
    pub fn name(&self, idx: FaceIdx) -> &str {
        &self.slots[idx].ps_name
    }

    /// The family name of a face (its first, as fontdb lists them, which
    /// is the English one where the font has several), or its PostScript
    /// name when it declares none.
    pub fn family(&self, idx: FaceIdx) -> &str {
        let slot = &self.slots[idx];
        slot.families.first().unwrap_or(&slot.ps_name)
    }

    /// The first face of `chain` that has a glyph for `c`: (face, glyph id,
    /// advance in em). `None` when no face of the chain has it.
    pub fn glyph(
        &self,
        chain: &[FaceIdx],
        c: char,
    ) -> Result<Option<(FaceIdx, u16, f64)>, Diagnostic> {
        for &idx in chain {
            let cached = self.slots[idx]
                .glyphs
                .read()
                .ok()
                .and_then(|m| m.get(&c).copied());
            let found = match cached {
                Some(found) => found,
                None => {
                    let face = self.face(idx)?;
                    let found = face.parse().and_then(|f| {
                        let gid = f.glyph_index(c).filter(|g| g.0 != 0)?;
                        let advance = f.glyph_hor_advance(gid).unwrap_or(0);
                        Some((gid.0, f64::from(advance) / face.units_per_em))
                    });
                    if let Ok(mut m) = self.slots[idx].glyphs.write() {
                        m.insert(c, found);
                    }
                    found
                }
            };
            if let Some((gid, advance)) = found {
                return Ok(Some((idx, gid, advance)));
            }
        }
        Ok(None)
    }
}

/// Whether a `--font-dir` face can be used: ttf-parser reads it, it has
/// glyphs, its cmap maps characters to them, and it maps 一 when its OS/2
/// table claims the CJK ideographs. Else a warning naming its file.
fn usable(db: &Database, id: ID) -> Result<(), Diagnostic> {
    let file = db
        .face(id)
        .map(|f| source_path(&f.source))
        .unwrap_or_default();
    let why = db
        .with_face_data(id, face_fault)
        .unwrap_or(Some(("读不出来", "cannot be read")));
    match why {
        None => Ok(()),
        Some((zh, en)) => Err(font_warning(&file, zh, en)),
    }
}

/// What is wrong with a face, in both languages; `None` when nothing is.
fn face_fault(bytes: &[u8], index: u32) -> Option<(&'static str, &'static str)> {
    let Ok(face) = ttf_parser::Face::parse(bytes, index) else {
        return Some(("不是可读的字体", "is not a readable font"));
    };
    let glyphs = face.number_of_glyphs();
    if glyphs <= 1 {
        return Some(("没有字形", "has no glyphs"));
    }
    let mut maps = false;
    let mut seen = 0;
    let subtables = face.tables().cmap.map(|c| c.subtables);
    for sub in subtables.into_iter().flatten().filter(|t| t.is_unicode()) {
        sub.codepoints(|cp| {
            // A sample is enough: a broken table maps none of them.
            if maps || seen > 64 {
                return;
            }
            seen += 1;
            let gid = char::from_u32(cp).and_then(|c| face.glyph_index(c));
            maps = gid.is_some_and(|g| g.0 != 0 && g.0 < glyphs);
        });
    }
    if !maps {
        return Some((
            "的字符映射表（cmap）是坏的或缺失的，查不到任何字",
            "has a broken or missing character map (cmap): it maps no character",
        ));
    }
    let claims_cjk = face
        .tables()
        .os2
        .is_some_and(|t| t.unicode_ranges().contains_char('一'));
    if claims_cjk && face.glyph_index('一').is_none_or(|g| g.0 == 0) {
        return Some((
            "声称有汉字，却查不到“一”：字符映射表（cmap）不完整",
            "claims the CJK ideographs but maps no 一: its character map (cmap) is incomplete",
        ));
    }
    None
}

/// The font files of `dir` (and below, as fontdb reads it) that gave no
/// face at all: named, so that a misspelt or damaged file is not silently
/// passed over.
fn unloaded_files(db: &Database, dir: &Path) -> Vec<Diagnostic> {
    let loaded: Vec<PathBuf> = db
        .faces()
        .filter_map(|f| match &f.source {
            Source::File(p) | Source::SharedFile(p, _) => Some(p.clone()),
            Source::Binary(_) => None,
        })
        .collect();
    let mut files = Vec::new();
    font_files(dir, 0, &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|p| !loaded.contains(p))
        .map(|p| {
            font_warning(
                &p.display().to_string(),
                "不是可读的字体",
                "is not a readable font",
            )
        })
        .collect()
}

/// The `.ttf`/`.otf`/`.ttc`/`.otc` files under `dir`, a few levels deep.
fn font_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let kind = entry.file_type();
        if kind.as_ref().is_ok_and(|k| k.is_dir()) && depth < 8 {
            font_files(&path, depth + 1, out);
        } else if kind.is_ok_and(|k| k.is_file()) {
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            if matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc")) {
                out.push(path);
            }
        }
    }
}

/// "--font-dir FILE: what is wrong; it is not used", a warning.
fn font_warning(file: &str, zh: &str, en: &str) -> Diagnostic {
    Diagnostic {
        severity: crate::diag::Severity::Warning,
        ..Diagnostic::input(
            Code::Font,
            crate::diag::tr(
                format!("字体文件 {file} {zh}；不使用它，改用随附的同名字体或后备字体"),
                format!("the font file {file} {en}; it is not used (the bundled face of its family or the fallback is)"),
            ),
        )
    }
}

fn source_path(source: &Source) -> String {
    match source {
        Source::File(p) | Source::SharedFile(p, _) => p.display().to_string(),
        Source::Binary(_) => String::new(),
    }
}

fn stem_of(source: &Source) -> String {
    let path: Option<&Path> = match source {
        Source::File(p) => Some(p),
        Source::SharedFile(p, _) => Some(p),
        Source::Binary(_) => None,
    };
    path.and_then(Path::file_stem)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One process-wide book of the bundled and system fonts, built on first
/// use: fonts are read and parsed once per process, however many engines
/// and reports there are.
pub fn shared_default() -> Result<Arc<FontBook>, Diagnostic> {
    static BOOK: OnceLock<Result<Arc<FontBook>, Diagnostic>> = OnceLock::new();
    BOOK.get_or_init(|| {
        FontBook::new(&FontOptions {
            dirs: Vec::new(),
            system: true,
        })
        .map(Arc::new)
    })
    .clone()
}

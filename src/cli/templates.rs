//! `nianbao templates list|export`: the built-in template bundles.
//!
//! In: a subcommand. Out: the list on stdout, or a bundle's files written
//! into a new directory as the starting point of a custom template.

use super::report::{stdout_line, Reporter};
use super::{EXIT_OK, EXIT_USAGE};
use std::path::Path;

pub fn list(out: &Reporter) -> u8 {
    for (name, description) in nianbao::template::builtin_list() {
        stdout_line(&format!("{name}\t{description}"));
    }
    out.exit(EXIT_OK)
}

pub fn export(name: &str, dir: &Path, out: &Reporter) -> u8 {
    let bundle = match nianbao::template::builtin(name) {
        Ok(b) => b,
        Err(d) => {
            // An unknown name is a usage error (README: exit 2).
            out.diagnostic(name, &d);
            return EXIT_USAGE;
        }
    };
    match bundle.export(dir) {
        Ok(files) => {
            for f in files {
                out.status(&f.display().to_string());
            }
            out.exit(EXIT_OK)
        }
        Err(d) => {
            out.diagnostic(name, &d);
            super::EXIT_USAGE
        }
    }
}

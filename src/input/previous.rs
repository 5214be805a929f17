//! Last year's reports, for the check across years (`--previous`).
//!
//! In: a path: one report (a data file or a workbook), or a directory of
//! them (as `batch` reads a directory). Out: the reports that pass the
//! shape check, and for a report of this year the one of last year to
//! compare it with ([`Previous::of`]): the one report given, or the
//! directory's report of the same unit for the year before. A previous
//! report that cannot be read is said once, when loaded, and left out.

use super::{expand, Unit};
use crate::data::Checked;
use crate::diag::{Diagnostic, Diagnostics};
use std::path::Path;

/// Last year's reports.
#[derive(Debug)]
pub struct Previous {
    reports: Vec<Checked>,
    /// One file given: it is last year's report of whatever is checked.
    single: bool,
}

impl Previous {
    /// Reads `path`; what could not be read comes back as warnings.
    pub fn load(path: &Path) -> (Previous, Diagnostics) {
        let units: Vec<Unit> = expand(&[path.to_path_buf()]);
        let mut warnings = Diagnostics::new();
        let mut reports = Vec::new();
        for unit in &units {
            let checked = unit
                .input(None)
                .and_then(|input| crate::data::check_value(&input.value));
            match checked {
                Ok(c) => reports.push(c),
                Err(d) => {
                    let label = unit.label();
                    let said = crate::diag::tr(
                        format!("上年报告 {label} 读不了，没有用来比对："),
                        format!("last year's report {label} cannot be read and was not compared: "),
                    );
                    for e in d.0.into_iter().filter(Diagnostic::is_error) {
                        let mut w = e.as_warning();
                        w.message = said.clone().append(&w.message);
                        warnings.push(w);
                    }
                }
            }
        }
        let single = !path.is_dir() && reports.len() == 1;
        (Previous { reports, single }, warnings)
    }

    /// Last year's report for `this`: the one file given, else the
    /// report of the same unit (compared without spaces) of the year
    /// before.
    pub fn of(&self, this: &Checked) -> Option<&Checked> {
        if self.single {
            return self.reports.first();
        }
        let unit = &this.resolved.unit;
        self.reports.iter().find(|r| {
            r.resolved.year + 1 == this.resolved.year
                && crate::data::carryover::same_unit(&r.resolved.unit, unit)
        })
    }
}

//! A blank report, and the JSON Schema of the data file.
//!
//! In: a format, unit and year (for the blank), or nothing (for the schema).
//! Out: a [`Report`] of zeros and empty paragraphs that passes every check,
//! or the schema text (JSON Schema draft 2020-12, generated from the Rust
//! types so the two cannot drift apart).

use super::model::*;
use std::collections::BTreeMap;

const ZEROS6: [Count; 6] = [Some(0); 6];

fn row() -> ApplicantRow {
    ZEROS6.to_vec()
}

/// A report of zeros and empty paragraphs: every 总计 left to be computed.
pub fn blank(format: Format, unit: &str, year: i64) -> Report {
    let zero = Some(0);
    let active_disclosure = match format {
        Format::F2019 => ActiveDisclosure::F2019(ActiveDisclosure2019 {
            rules: [zero; 3],
            normative_documents: [zero; 3],
            licensing: (zero, Some(0), zero),
            other_services: (zero, Some(0), zero),
            punishment: (zero, Some(0), zero),
            coercion: (zero, Some(0), zero),
            fees: (zero, Some(0)),
            procurement: (zero, Some(Money::Number(0.into()))),
        }),
        Format::F2021 => ActiveDisclosure::F2021(ActiveDisclosure2021 {
            rules: [zero; 3],
            normative_documents: [zero; 3],
            licensing: zero,
            punishment: zero,
            coercion: zero,
            fees: Some(Money::Number(0.into())),
        }),
    };
    let other = match format {
        Format::F2019 => OtherProcessing::Row(row()),
        Format::F2021 => OtherProcessing::Items(OtherItems {
            no_correction: row(),
            unpaid_fee: row(),
            other: row(),
        }),
    };
    Report {
        format: Some(format),
        unit: unit.to_string(),
        year,
        title: None,
        preamble: Vec::new(),
        overview: Vec::new(),
        active_disclosure,
        applications: Applications {
            new: row(),
            carried_over: row(),
            granted: row(),
            partially_granted: row(),
            withheld: Withheld {
                state_secret: row(),
                prohibited_by_law: row(),
                security_stability: row(),
                third_party_rights: row(),
                internal_affairs: row(),
                process_information: row(),
                enforcement_files: row(),
                query_matters: row(),
            },
            unavailable: Unavailable {
                not_held: row(),
                needs_creation: row(),
                still_unclear: row(),
            },
            not_processed: NotProcessed {
                complaints: row(),
                repeated: row(),
                publications: row(),
                excessive: row(),
                confirmation: row(),
            },
            other,
            total: None,
            carried_forward: row(),
        },
        review_litigation: ReviewLitigation {
            review: vec![zero; 4],
            litigation_direct: vec![zero; 4],
            litigation_after_review: vec![zero; 4],
        },
        problems: Vec::new(),
        other_matters: Vec::new(),
        signature: None,
        labels: BTreeMap::new(),
    }
}

/// The JSON Schema (draft 2020-12) of a data file, both formats, pretty.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

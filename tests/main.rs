//! The integration tests, one crate (as ripgrep's): a module a surface,
//! sharing `common` (the samples and the tools that read outputs back).
//! One crate links once, and `common` is compiled once.

mod common;

mod across_years;
mod cli_batch;
mod cli_data;
mod cli_messages;
mod data_contract;
mod docx_output;
mod docx_word;
mod embedded_data;
mod glyph_positions;
mod hostile;
mod hostile_bundles;
mod hostile_workbooks;
mod html_browser;
mod keep_together;
mod layout_rules;
mod library;
mod ofd_output;
mod office;
mod pdf_archive;
mod pdf_output;
mod pdf_tags;
mod reference_images;
#[cfg(feature = "serve")]
mod serve;
#[cfg(feature = "serve")]
mod serve_page;
mod spreadsheet;
mod template_engine;
mod template_tables;
mod typesetting;
mod url_breaks;

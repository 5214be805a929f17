//! Data loading and checking: any bytes → a checked report or diagnostics,
//! never a panic; and the same bytes as standard input, streamed (a
//! workbook sniffed, JSON Lines a line at a time, an array split), each
//! report read and checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::input::Source;

fuzz_target!(|data: &[u8]| {
    let _ = nianbao::data::check_bytes(data, "fuzz.json");
    let stdin = Box::new(std::io::Cursor::new(data.to_vec()));
    for unit in nianbao::input::units(&[Source::Stdin], stdin).take(64) {
        if let Ok(input) = unit.input(None) {
            let _ = nianbao::data::check_value(&input.value);
        }
    }
});

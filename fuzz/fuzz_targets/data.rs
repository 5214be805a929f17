//! Data loading and checking: any bytes → a checked report or diagnostics,
//! never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = nianbao::data::check_bytes(data, "fuzz.json");
});

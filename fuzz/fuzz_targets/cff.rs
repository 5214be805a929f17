//! The CFF subsetter on damaged or hostile CFF tables (a user's font
//! directory may hold anything): any bytes → refused, or a subset that
//! parses again, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nianbao::pdf::cff::Cff;

fuzz_target!(|data: &[u8]| {
    let Some(cff) = Cff::from_table(data) else {
        return;
    };
    let gids: Vec<u16> = data
        .chunks(2)
        .take(16)
        .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]) % 64)
        .collect();
    let subset = cff.subset(data, &gids);
    // What we wrote, we can read back.
    assert!(Cff::from_table(&subset).is_some(), "the subset parses");
});

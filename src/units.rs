//! Lengths as a typed unit.
//!
//! In: numbers in points, millimetres, twips, or a Chinese size name (号).
//! Out: a [`Length`], stored in PostScript points (1/72 inch), the unit PDF
//! draws in. Each backend converts at its edge (DOCX: twips and half-points).

use std::fmt;
use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// A length in points. `Copy`, ordered by value, and never a bare `f64` in
/// an API.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct Length(f64);

/// Millimetres per point: 25.4 mm per inch, 72 pt per inch.
const MM_PER_PT: f64 = 25.4 / 72.0;

impl Length {
    /// Nothing.
    pub const ZERO: Length = Length(0.0);

    /// Points (1/72 inch).
    pub const fn pt(v: f64) -> Length {
        Length(v)
    }

    /// Millimetres.
    pub fn mm(v: f64) -> Length {
        Length(v / MM_PER_PT)
    }

    /// Twentieths of a point (Word's unit).
    pub fn twips(v: f64) -> Length {
        Length(v / 20.0)
    }

    /// In points.
    pub fn to_pt(self) -> f64 {
        self.0
    }

    /// In millimetres.
    pub fn to_mm(self) -> f64 {
        self.0 * MM_PER_PT
    }

    /// In twentieths of a point (Word's unit).
    pub fn to_twips(self) -> f64 {
        self.0 * 20.0
    }

    /// The larger.
    pub fn max(self, other: Length) -> Length {
        Length(self.0.max(other.0))
    }

    /// The smaller.
    pub fn min(self, other: Length) -> Length {
        Length(self.0.min(other.0))
    }

    /// The absolute value.
    pub fn abs(self) -> Length {
        Length(self.0.abs())
    }

    /// Parses `16pt`, `37mm`, `2cm`, `340tw`, or a Chinese size name
    /// (`三号`, `小四`, `2号`). Em-relative lengths (`2em`) are not lengths
    /// on their own; see [`Measure`].
    pub fn parse(text: &str) -> Option<Length> {
        let t = text.trim();
        if let Some(size) = chinese_size(t) {
            return Some(size);
        }
        let split = t.find(|c: char| c.is_ascii_alphabetic())?;
        let (num, unit) = t.split_at(split);
        let v: f64 = num.trim().parse().ok().filter(|v: &f64| v.is_finite())?;
        match unit {
            "pt" => Some(Length::pt(v)),
            "mm" => Some(Length::mm(v)),
            "cm" => Some(Length::mm(v * 10.0)),
            "in" => Some(Length::pt(v * 72.0)),
            "tw" => Some(Length::twips(v)),
            _ => None,
        }
    }
}

/// The Chinese type sizes (号数) in points, as used in Word and WPS
/// (`formats/typography.md` §B).
pub fn chinese_size(name: &str) -> Option<Length> {
    const SIZES: &[(&[&str], f64)] = &[
        (&["初号", "0号"], 42.0),
        (&["小初"], 36.0),
        (&["一号", "1号"], 26.0),
        (&["小一"], 24.0),
        (&["二号", "2号"], 22.0),
        (&["小二"], 18.0),
        (&["三号", "3号"], 16.0),
        (&["小三"], 15.0),
        (&["四号", "4号"], 14.0),
        (&["小四"], 12.0),
        (&["五号", "5号"], 10.5),
        (&["小五"], 9.0),
        (&["六号", "6号"], 7.5),
        (&["小六"], 6.5),
        (&["七号", "7号"], 5.5),
        (&["八号", "8号"], 5.0),
    ];
    SIZES
        .iter()
        .find(|(names, _)| names.contains(&name))
        .map(|(_, pt)| Length::pt(*pt))
}

/// A length that may be relative to the font size (`2em`: two characters,
/// GB/T 9704's 字).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// An absolute length.
    Abs(Length),
    /// A multiple of the font size.
    Em(f64),
}

impl Measure {
    /// Parses `2em`, `2字`, or a length.
    pub fn parse(text: &str) -> Option<Measure> {
        let t = text.trim();
        if let Some(n) = t.strip_suffix("em").or_else(|| t.strip_suffix('字')) {
            return n
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .map(Measure::Em);
        }
        Length::parse(t).map(Measure::Abs)
    }

    /// The length at a font size.
    pub fn resolve(self, font_size: Length) -> Length {
        match self {
            Measure::Abs(l) => l,
            Measure::Em(n) => font_size * n,
        }
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Three decimals are finer than any printer; trailing zeros dropped.
        let s = format!("{:.3}", self.0);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        write!(f, "{s}pt")
    }
}

impl Add for Length {
    type Output = Length;
    fn add(self, o: Length) -> Length {
        Length(self.0 + o.0)
    }
}

impl AddAssign for Length {
    fn add_assign(&mut self, o: Length) {
        self.0 += o.0;
    }
}

impl Sub for Length {
    type Output = Length;
    fn sub(self, o: Length) -> Length {
        Length(self.0 - o.0)
    }
}

impl SubAssign for Length {
    fn sub_assign(&mut self, o: Length) {
        self.0 -= o.0;
    }
}

impl Mul<f64> for Length {
    type Output = Length;
    fn mul(self, k: f64) -> Length {
        Length(self.0 * k)
    }
}

impl Div<f64> for Length {
    type Output = Length;
    fn div(self, k: f64) -> Length {
        Length(self.0 / k)
    }
}

impl Div for Length {
    type Output = f64;
    fn div(self, o: Length) -> f64 {
        self.0 / o.0
    }
}

impl Neg for Length {
    type Output = Length;
    fn neg(self) -> Length {
        Length(-self.0)
    }
}

impl std::iter::Sum for Length {
    fn sum<I: Iterator<Item = Length>>(iter: I) -> Length {
        iter.fold(Length::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_convert() {
        assert!((Length::mm(25.4).to_pt() - 72.0).abs() < 1e-9);
        assert!((Length::twips(340.0).to_pt() - 17.0).abs() < 1e-9);
        assert_eq!(Length::parse("三号"), Some(Length::pt(16.0)));
        assert_eq!(Length::parse("小四"), Some(Length::pt(12.0)));
        assert_eq!(Length::parse("16pt"), Some(Length::pt(16.0)));
        assert!((Length::parse("3.7cm").expect("cm").to_mm() - 37.0).abs() < 1e-9);
        assert_eq!(Length::parse("12"), None);
        assert_eq!(Length::parse("NaNpt"), None);
    }

    #[test]
    fn measures_resolve_against_the_font_size() {
        let two = Measure::parse("2em").expect("em");
        assert_eq!(two.resolve(Length::pt(16.0)), Length::pt(32.0));
        assert_eq!(Measure::parse("2字"), Some(Measure::Em(2.0)));
        assert_eq!(format!("{}", Length::pt(28.95)), "28.95pt");
    }
}

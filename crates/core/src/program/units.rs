//! Times and frequencies written with units in program files ("40 us", "92 MHz").
//!
//! A value with a unit is the same `f64` as the decimal literal it denotes: "40 us"
//! is exactly `40e-6`, because the unit only shifts the decimal exponent of the text
//! ("40" + "e-6") before the one correctly rounded parse. Multiplying instead
//! (`40.0 * 1e-6`) would give a different `f64` and so different sample counts.
//!
//! Writing goes the other way: the shortest decimal digits that round-trip the `f64`
//! are shifted into the unit that keeps one to three digits before the point, so
//! [`parse_quantity`] of [`format_quantity`] is always the same bits.

/// What a value with a unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// Seconds.
    Time,
    /// Hertz.
    Frequency,
}

/// Unit spellings accepted on reading, with their decimal exponent.
const TIME_UNITS: &[(&str, i32)] = &[
    ("s", 0),
    ("ms", -3),
    ("us", -6),
    ("µs", -6),
    ("μs", -6),
    ("ns", -9),
];
const FREQUENCY_UNITS: &[(&str, i32)] = &[("Hz", 0), ("kHz", 3), ("MHz", 6), ("GHz", 9)];

/// Unit spellings used on writing, smallest exponent first.
const TIME_WRITE: &[(&str, i32)] = &[("ns", -9), ("us", -6), ("ms", -3), ("s", 0)];
const FREQUENCY_WRITE: &[(&str, i32)] = &[("Hz", 0), ("kHz", 3), ("MHz", 6), ("GHz", 9)];

impl Quantity {
    fn units(self) -> &'static [(&'static str, i32)] {
        match self {
            Quantity::Time => TIME_UNITS,
            Quantity::Frequency => FREQUENCY_UNITS,
        }
    }

    fn write_units(self) -> &'static [(&'static str, i32)] {
        match self {
            Quantity::Time => TIME_WRITE,
            Quantity::Frequency => FREQUENCY_WRITE,
        }
    }

    fn other(self) -> Quantity {
        match self {
            Quantity::Time => Quantity::Frequency,
            Quantity::Frequency => Quantity::Time,
        }
    }

    /// "time" or "frequency".
    pub fn noun(self) -> &'static str {
        match self {
            Quantity::Time => "time",
            Quantity::Frequency => "frequency",
        }
    }

    /// The SI unit a plain number is taken in: `s` or `Hz`.
    pub fn base_unit(self) -> &'static str {
        match self {
            Quantity::Time => "s",
            Quantity::Frequency => "Hz",
        }
    }

    /// The accepted units, for messages: "s, ms, us, ns".
    pub fn unit_list(self) -> String {
        let names: Vec<&str> = self
            .units()
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| n.is_ascii())
            .collect();
        names.join(", ")
    }

    /// An example for messages.
    fn example(self) -> &'static str {
        match self {
            Quantity::Time => "\"40 us\" or \"1.5 ms\"",
            Quantity::Frequency => "\"92 MHz\" or \"250 kHz\"",
        }
    }
}

/// A decimal number split into its parts: `[-]int.frac e exp`, then the text after it.
struct DecimalText<'a> {
    negative: bool,
    int: &'a str,
    frac: &'a str,
    exp: i64,
    rest: &'a str,
}

fn scan_decimal(s: &str) -> Option<DecimalText<'_>> {
    let b = s.as_bytes();
    let digits_from = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let int_start = i;
    i = digits_from(i);
    let int = &s[int_start..i];
    let mut frac = "";
    if b.get(i) == Some(&b'.') {
        let f0 = i + 1;
        i = digits_from(f0);
        frac = &s[f0..i];
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp = 0i64;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        let neg_exp = match b.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let k = digits_from(j);
        if k > j {
            // More than six exponent digits is out of any f64's range anyway.
            let e: i64 = s[j..k].parse().ok().filter(|_| k - j <= 6)?;
            exp = if neg_exp { -e } else { e };
            i = k;
        }
    }
    Some(DecimalText {
        negative,
        int,
        frac,
        exp,
        rest: &s[i..],
    })
}

/// Parses a value with a unit (`"40 us"`, `"92MHz"`, `"-1.9 MHz"`, `"1e3 ns"`) into
/// seconds or hertz, exactly as the decimal literal it denotes. The message of the
/// error says what was expected.
pub fn parse_quantity(text: &str, q: Quantity) -> Result<f64, String> {
    let t = text.trim();
    let expected = || {
        format!(
            "expected a {} such as {}, or a plain number in {} (units: {})",
            q.noun(),
            q.example(),
            q.base_unit(),
            q.unit_list()
        )
    };
    let Some(d) = scan_decimal(t) else {
        return Err(format!(
            "\"{text}\" is not a number with a unit; {}",
            expected()
        ));
    };
    let unit = d.rest.trim_start();
    if unit.is_empty() {
        return Err(format!(
            "\"{text}\" has no unit; write a plain number for {} or add a unit ({})",
            q.base_unit(),
            q.unit_list()
        ));
    }
    let Some(&(_, shift)) = q.units().iter().find(|(n, _)| *n == unit) else {
        let hint = if q.other().units().iter().any(|(n, _)| *n == unit) {
            format!("`{unit}` is a {} unit", q.other().noun())
        } else {
            format!("unknown unit `{unit}`")
        };
        return Err(format!(
            "{hint} in \"{text}\"; a {} takes {}",
            q.noun(),
            q.unit_list()
        ));
    };
    let literal = format!(
        "{}{}.{}e{}",
        if d.negative { "-" } else { "" },
        if d.int.is_empty() { "0" } else { d.int },
        if d.frac.is_empty() { "0" } else { d.frac },
        d.exp + i64::from(shift)
    );
    let value: f64 = literal
        .parse()
        .map_err(|_| format!("\"{text}\" is not a number with a unit; {}", expected()))?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!("\"{text}\" is too large for a 64-bit float"))
    }
}

/// Writes a finite value with the unit that leaves one to three digits before the
/// point (`4e-05` s → `"40 us"`, `93636363.63636364` Hz → `"93.63636363636364 MHz"`),
/// using the shortest digits that round-trip. `None` for non-finite values and for
/// values that would need more than fifteen digits before, or three zeros after, the
/// point in every unit (those are better written as plain numbers).
pub fn format_quantity(x: f64, q: Quantity) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    // `{:e}` prints the shortest round-trip digits as "d.ddde<exp>".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let units = q.write_units();
    let &(unit, shift) = units
        .iter()
        .rev()
        .find(|(_, s)| *s <= exp)
        .unwrap_or(&units[0]);
    // Digits before the decimal point in this unit.
    let point = exp - shift + 1;
    if !(-3..=15).contains(&point) {
        return None;
    }
    let n = digits.len() as i32;
    let body = if point <= 0 {
        format!("0.{}{digits}", "0".repeat((-point) as usize))
    } else if point >= n {
        format!("{digits}{}", "0".repeat((point - n) as usize))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{a}.{b}")
    };
    let sign = if x.is_sign_negative() { "-" } else { "" };
    Some(format!("{sign}{body} {unit}"))
}

/// A TOML float literal that reads back as the same bits (`0.08`, `1e-9`, `-0.0`,
/// `nan`, `inf`).
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        // Debug prints the shortest round-trip digits and always a `.` or an exponent.
        format!("{x:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::{format_float, format_quantity, parse_quantity, Quantity};
    use proptest::prelude::*;

    fn t(s: &str) -> f64 {
        parse_quantity(s, Quantity::Time).unwrap()
    }

    fn f(s: &str) -> f64 {
        parse_quantity(s, Quantity::Frequency).unwrap()
    }

    #[test]
    fn units_shift_the_decimal_exponent() {
        assert_eq!(t("40 us").to_bits(), 40e-6f64.to_bits());
        assert_ne!(t("40 us").to_bits(), (40.0f64 * 1e-6).to_bits());
        assert_eq!(t("1.5 ms"), 1.5e-3);
        assert_eq!(t("0.1 ms"), 0.1e-3);
        assert_eq!(t("1 ns"), 1e-9);
        assert_eq!(t("1e3 ns"), 1e-6);
        assert_eq!(t("2 s"), 2.0);
        assert_eq!(t("40µs"), 40e-6);
        assert_eq!(t(".5 ms"), 0.5e-3);
        assert_eq!(f("92 MHz"), 92e6);
        assert_eq!(f("-1.9 MHz"), -1.9e6);
        assert_eq!(f("250 kHz"), 250e3);
        assert_eq!(f("98.2 MHz"), 98.2e6);
        assert_eq!(f("+2 GHz"), 2e9);
        assert_eq!(f("0 Hz").to_bits(), 0f64.to_bits());
        assert_eq!(f("-0 Hz").to_bits(), (-0f64).to_bits());
    }

    #[test]
    fn bad_units_say_what_was_expected() {
        let e = parse_quantity("40 kHz", Quantity::Time).unwrap_err();
        assert!(e.contains("`kHz` is a frequency unit"), "{e}");
        let e = parse_quantity("40 mhz", Quantity::Frequency).unwrap_err();
        assert!(e.contains("unknown unit `mhz`") && e.contains("MHz"), "{e}");
        let e = parse_quantity("40", Quantity::Time).unwrap_err();
        assert!(e.contains("no unit"), "{e}");
        let e = parse_quantity("fast", Quantity::Time).unwrap_err();
        assert!(e.contains("not a number"), "{e}");
        assert!(parse_quantity("inf s", Quantity::Time).is_err());
        assert!(parse_quantity("1e999 s", Quantity::Time).is_err());
    }

    #[test]
    fn writing_picks_readable_units() {
        let w = |x, q| format_quantity(x, q).unwrap();
        assert_eq!(w(4e-05, Quantity::Time), "40 us");
        assert_eq!(w(0.0002, Quantity::Time), "200 us");
        assert_eq!(w(1e-9, Quantity::Time), "1 ns");
        assert_eq!(w(0.0025, Quantity::Time), "2.5 ms");
        assert_eq!(w(0.0, Quantity::Time), "0 s");
        assert_eq!(w(-2e6, Quantity::Frequency), "-2 MHz");
        assert_eq!(w(33333.3, Quantity::Frequency), "33.3333 kHz");
        assert_eq!(
            w(93636363.63636364, Quantity::Frequency),
            "93.63636363636364 MHz"
        );
        assert_eq!(w(1e-12, Quantity::Time), "0.001 ns");
        assert_eq!(format_quantity(1e-14, Quantity::Time), None);
        assert_eq!(format_quantity(f64::NAN, Quantity::Time), None);
        assert_eq!(format_float(1e-9), "1e-9");
        assert_eq!(format_float(0.08), "0.08");
        assert_eq!(format_float(-0.0), "-0.0");
        assert_eq!(format_float(50.0), "50.0");
    }

    proptest! {
        #[test]
        fn written_quantities_read_back_bit_exactly(bits in any::<u64>(), freq in any::<bool>()) {
            let x = f64::from_bits(bits);
            let q = if freq { Quantity::Frequency } else { Quantity::Time };
            if let Some(s) = format_quantity(x, q) {
                prop_assert_eq!(parse_quantity(&s, q).unwrap().to_bits(), x.to_bits(), "{}", s);
            }
            let lit = format_float(x);
            let back: f64 = toml::from_str::<toml::Table>(&format!("x = {lit}")).unwrap()["x"]
                .as_float()
                .unwrap();
            prop_assert!(back.to_bits() == x.to_bits() || (x.is_nan() && back.is_nan()), "{}", lit);
        }

        #[test]
        fn usual_lab_values_use_units(mantissa in 1u32..1_000_000, scale in -12i32..4) {
            // Times from 1 ps to 1e9 s, frequencies from 1 mHz to 1e15 Hz.
            let cases = [(Quantity::Time, scale), (Quantity::Frequency, scale + 9)];
            for (q, scale) in cases {
                let x: f64 = format!("{mantissa}e{scale}").parse().unwrap();
                let s = format_quantity(x, q);
                prop_assert!(s.is_some(), "{}", x);
                prop_assert_eq!(parse_quantity(&s.unwrap(), q).unwrap().to_bits(), x.to_bits());
            }
        }
    }
}

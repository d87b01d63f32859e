//! Human-readable numbers, the one copy used by the configuration figures, the
//! reports of the `awgsf` binary and the pictures: significant digits, SI prefixes,
//! durations, binary byte sizes and scientific notation.

/// `x` with at most `digits` significant digits, without trailing zeros:
/// `significant(1000.0 / 32767.0, 4)` is `0.03052`, `significant(625.0, 6)` is `625`.
pub fn significant(x: f64, digits: usize) -> String {
    let exponent = if x == 0.0 || !x.is_finite() {
        0
    } else {
        x.abs().log10().floor() as i64
    };
    let decimals = (digits as i64 - 1 - exponent).max(0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `value` with an SI prefix and up to six significant digits, trailing zeros cut:
/// `si(625e6, "S/s")` is `625 MS/s`, `si(39.9872e-6, "s")` is `39.9872 µs`.
pub fn si(value: f64, unit: &str) -> String {
    const PREFIXES: &[(f64, &str)] = &[
        (1e12, "T"),
        (1e9, "G"),
        (1e6, "M"),
        (1e3, "k"),
        (1.0, ""),
        (1e-3, "m"),
        (1e-6, "µ"),
        (1e-9, "n"),
        (1e-12, "p"),
    ];
    if value == 0.0 || !value.is_finite() {
        return format!("{value} {unit}");
    }
    let magnitude = value.abs();
    let (scale, prefix) = PREFIXES
        .iter()
        .find(|(s, _)| magnitude >= *s * (1.0 - 1e-12))
        .unwrap_or(&PREFIXES[PREFIXES.len() - 1]);
    format!("{} {prefix}{unit}", significant(value / scale, 6))
}

/// A duration in s, ms, µs or ns, whichever reads best, with at most `digits`
/// significant digits: `duration(1.2345e-3, 3)` is `1.23 ms`. A value that rounds
/// up to 1000 of one unit is written in the next (`1 ms`, not `1000 µs`).
pub fn duration(s: f64, digits: usize) -> String {
    /// Smallest magnitude written in the unit, factor from seconds, symbol.
    const UNITS: [(f64, f64, &str); 4] = [
        (1.0, 1.0, "s"),
        (1e-3, 1e3, "ms"),
        (1e-6, 1e6, "µs"),
        (0.0, 1e9, "ns"),
    ];
    if s == 0.0 {
        return "0 s".into();
    }
    if !s.is_finite() {
        return format!("{s} s");
    }
    let a = s.abs();
    let mut k = UNITS
        .iter()
        .position(|(from, _, _)| a >= *from)
        .unwrap_or(UNITS.len() - 1);
    let mut text = significant(s * UNITS[k].1, digits);
    let reads_1000 = |t: &str| {
        t.trim_start_matches('-')
            .parse::<f64>()
            .is_ok_and(|v| v >= 1000.0)
    };
    if k > 0 && reads_1000(&text) {
        k -= 1;
        text = significant(s * UNITS[k].1, digits);
    }
    format!("{text} {}", UNITS[k].2)
}

/// A duration for tables, with four significant digits (`1.5 ms`, `39.99 µs`, `2 ns`).
pub fn seconds(s: f64) -> String {
    duration(s, 4)
}

/// A byte count with a binary prefix and up to five significant digits, trailing
/// zeros cut: `4 GiB`, `97.625 KiB`, `512 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: &[&str] = &["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{} {}", significant(value, 5), UNITS[unit])
}

/// Scientific notation with three significant digits (`1.52e9`).
pub fn sci(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let e = x.abs().log10().floor() as i32;
    format!("{:.2}e{e}", x / 10f64.powi(e))
}

/// A number for people: [`significant`] digits between 0.001 and 10⁹, scientific
/// notation with `digits` significant digits outside (`number(4.08e-16, 3)` is
/// `4.08e-16`, never `0.000000000000000408`; `number(0.0126, 3)` is `0.0126`).
pub fn number(x: f64, digits: usize) -> String {
    let a = x.abs();
    if x == 0.0 || !x.is_finite() || (1e-3..1e9).contains(&a) {
        return significant(x, digits);
    }
    let mut e = a.log10().floor() as i32;
    let mut m = significant(x / 10f64.powi(e), digits);
    if m.trim_start_matches('-').starts_with("10") {
        // 9.996e-5 rounds to 10e-5: write 1e-4.
        e += 1;
        m = significant(x / 10f64.powi(e), digits);
    }
    format!("{m}e{e}")
}

/// `n` and the noun, singular or plural: `count(1, "slot", "slots")` is `1 slot`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_prefixes() {
        assert_eq!(si(625e6, "S/s"), "625 MS/s");
        assert_eq!(si(1.25e9, "S/s"), "1.25 GS/s");
        assert_eq!(si(24992.0 / 625e6, "s"), "39.9872 µs");
        assert_eq!(si(32.0 / 625e6, "s"), "51.2 ns");
        assert_eq!(si(1e-3, "s"), "1 ms");
        assert_eq!(si(0.0, "s"), "0 s");
    }

    #[test]
    fn significant_digits_count_from_the_first_non_zero_digit() {
        assert_eq!(significant(1000.0 / 32767.0, 4), "0.03052");
        assert_eq!(significant(39.9872, 6), "39.9872");
        assert_eq!(significant(625.0, 6), "625");
        assert_eq!(significant(123456789.0, 3), "123456789");
        assert_eq!(significant(0.0, 3), "0");
        assert_eq!(significant(f64::NAN, 3), "NaN");
    }

    #[test]
    fn durations_take_the_unit_that_reads_best() {
        assert_eq!(seconds(40e-6), "40 µs");
        assert_eq!(seconds(24992.0 / 625e6), "39.99 µs");
        assert_eq!(seconds(1.6e-9), "1.6 ns");
        assert_eq!(seconds(1.5e-3), "1.5 ms");
        assert_eq!(seconds(2.5), "2.5 s");
        assert_eq!(seconds(0.0), "0 s");
        assert_eq!(seconds(-0.0), "0 s");
        assert_eq!(seconds(-2e-6), "-2 µs");
        assert_eq!(duration(1e-3, 3), "1 ms");
        assert_eq!(duration(1.2345e-3, 3), "1.23 ms");
        assert_eq!(duration(307.2e-9, 3), "307 ns");
        assert_eq!(duration(1_375_080.0 / 625e6, 7), "2.200128 ms");
    }

    #[test]
    fn durations_that_round_to_1000_move_to_the_next_unit() {
        assert_eq!(duration(0.9996e-3, 3), "1 ms");
        assert_eq!(seconds(999.96e-6), "1 ms");
        assert_eq!(seconds(-999.96e-9), "-1 µs");
        assert_eq!(seconds(999.94e-6), "999.9 µs");
        assert_eq!(seconds(999.96), "1000 s");
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(4 << 30), "4 GiB");
        assert_eq!(bytes(16 << 20), "16 MiB");
        assert_eq!(bytes(99_968), "97.625 KiB");
    }

    #[test]
    fn numbers_for_people_switch_to_scientific_notation_outside_a_range() {
        assert_eq!(number(4.08e-16, 3), "4.08e-16");
        assert_eq!(number(3.05e-5, 3), "3.05e-5");
        assert_eq!(number(9.9996e-5, 3), "1e-4");
        assert_eq!(number(-2.5e-7, 3), "-2.5e-7");
        assert_eq!(number(0.0126, 3), "0.0126");
        assert_eq!(number(0.96, 3), "0.96");
        assert_eq!(number(1.89, 3), "1.89");
        assert_eq!(number(0.0, 3), "0");
        assert_eq!(number(2.5e12, 3), "2.5e12");
    }

    #[test]
    fn counts_take_the_plural_unless_one() {
        assert_eq!(count(1, "slot", "slots"), "1 slot");
        assert_eq!(count(0, "slot", "slots"), "0 slots");
        assert_eq!(count(14, "step", "steps"), "14 steps");
    }

    #[test]
    fn scientific_notation() {
        assert_eq!(sci(1.52e9), "1.52e9");
        assert_eq!(sci(0.0), "0");
    }
}

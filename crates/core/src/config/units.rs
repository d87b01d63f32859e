//! Human-readable numbers for the figure tables: SI prefixes and binary byte sizes.

/// `value` with an SI prefix and up to six significant digits, trailing zeros cut:
/// `si(625e6, "S/s")` is `625 MS/s`, `si(39.9872e-6, "s")` is `39.9872 µs`.
pub(crate) fn si(value: f64, unit: &str) -> String {
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

/// `x` with at most `digits` significant digits, without trailing zeros.
pub(crate) fn significant(x: f64, digits: usize) -> String {
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

/// A byte count with a binary prefix: `4 GiB`, `97.625 KiB`, `512 B`.
pub(crate) fn bytes(n: u64) -> String {
    const UNITS: &[&str] = &["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{} {}", significant(value, 5), UNITS[unit])
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
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(4 << 30), "4 GiB");
        assert_eq!(bytes(99_968), "97.625 KiB");
    }
}

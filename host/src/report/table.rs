//! Table formatting shared by every report, and number formatting helpers.

use comfy_table::presets::UTF8_HORIZONTAL_ONLY;
use comfy_table::{CellAlignment, ContentArrangement, Table};

/// A table with the project's look: header row, light borders, columns aligned as
/// given (`true` = right-aligned, for numbers).
pub fn new_table(header: &[&str], right: &[bool]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    for (i, r) in right.iter().enumerate() {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(if *r {
                CellAlignment::Right
            } else {
                CellAlignment::Left
            });
        }
    }
    t
}

/// A two-column key/value table without a header row.
pub fn kv_table() -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_HORIZONTAL_ONLY)
        .set_content_arrangement(ContentArrangement::Disabled);
    t
}

/// A duration in the most readable unit (`1.5 ms`, `39.99 µs`, `2 ns`).
pub fn seconds(s: f64) -> String {
    let a = s.abs();
    if a == 0.0 {
        "0 s".into()
    } else if a >= 1.0 {
        format!("{} s", sig(s, 4))
    } else if a >= 1e-3 {
        format!("{} ms", sig(s * 1e3, 4))
    } else if a >= 1e-6 {
        format!("{} µs", sig(s * 1e6, 4))
    } else {
        format!("{} ns", sig(s * 1e9, 4))
    }
}

/// A rate in S/s with an SI prefix (`625 MS/s`).
pub fn rate(fs: f64) -> String {
    if fs >= 1e9 {
        format!("{} GS/s", sig(fs / 1e9, 6))
    } else if fs >= 1e6 {
        format!("{} MS/s", sig(fs / 1e6, 6))
    } else if fs >= 1e3 {
        format!("{} kS/s", sig(fs / 1e3, 6))
    } else {
        format!("{} S/s", sig(fs, 6))
    }
}

/// A byte count with a binary prefix (`16.0 MiB`).
pub fn bytes(n: u64) -> String {
    let f = n as f64;
    if f >= (1u64 << 30) as f64 {
        format!("{:.2} GiB", f / (1u64 << 30) as f64)
    } else if f >= (1u64 << 20) as f64 {
        format!("{:.1} MiB", f / (1u64 << 20) as f64)
    } else if f >= 1024.0 {
        format!("{:.1} KiB", f / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// `x` with `digits` significant digits, trailing zeros removed.
pub fn sig(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor() as i32;
    let decimals = (digits as i32 - 1 - mag).max(0) as usize;
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Scientific notation with 3 significant digits (`1.52e9`).
pub fn sci(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let e = x.abs().log10().floor() as i32;
    format!("{:.2}e{e}", x / 10f64.powi(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(seconds(40e-6), "40 µs");
        assert_eq!(seconds(24992.0 / 625e6), "39.99 µs");
        assert_eq!(seconds(1.6e-9), "1.6 ns");
        assert_eq!(rate(625e6), "625 MS/s");
        assert_eq!(bytes(16 << 20), "16.0 MiB");
        assert_eq!(sci(1.52e9), "1.52e9");
    }
}

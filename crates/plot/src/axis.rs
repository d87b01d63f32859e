//! Axis helpers: readable units for times and frequencies and padded ranges.

use awgsf_core::format::duration;

/// A display unit: value in unit = SI value × `scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Unit {
    /// Factor from the SI value.
    pub scale: f64,
    /// Unit symbol.
    pub symbol: &'static str,
}

/// Time unit for an axis spanning `span_s` seconds.
pub(crate) fn time_unit(span_s: f64) -> Unit {
    let span = span_s.abs();
    if span < 1e-6 {
        Unit {
            scale: 1e9,
            symbol: "ns",
        }
    } else if span < 1e-3 {
        Unit {
            scale: 1e6,
            symbol: "µs",
        }
    } else if span < 1.0 {
        Unit {
            scale: 1e3,
            symbol: "ms",
        }
    } else {
        Unit {
            scale: 1.0,
            symbol: "s",
        }
    }
}

/// Frequency unit for values up to `max_abs_hz`.
pub(crate) fn freq_unit(max_abs_hz: f64) -> Unit {
    let f = max_abs_hz.abs();
    if f >= 1e6 {
        Unit {
            scale: 1e-6,
            symbol: "MHz",
        }
    } else if f >= 1e3 {
        Unit {
            scale: 1e-3,
            symbol: "kHz",
        }
    } else {
        Unit {
            scale: 1.0,
            symbol: "Hz",
        }
    }
}

/// `lo..hi` widened by `frac` of its span on each side; an empty or degenerate
/// range becomes a small one around its value, so a chart can always be built.
pub(crate) fn padded(lo: f64, hi: f64, frac: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span > 0.0 {
        (lo - frac * span, hi + frac * span)
    } else {
        let half = if lo == 0.0 { 1.0 } else { lo.abs() * 0.01 };
        (lo - half, hi + half)
    }
}

/// Minimum and maximum of finite values (`None` when there are none).
pub(crate) fn finite_bounds(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// The time axis of a view of samples: a unit that suits the view's length and,
/// for a view far from the start, an origin at its first sample so that tick
/// labels stay short.
#[derive(Debug, Clone)]
pub(crate) struct SampleAxis {
    /// Display unit.
    pub unit: Unit,
    /// Sample position shown as time 0.
    pub origin: u64,
    /// Sample rate, Hz.
    pub fs: f64,
}

impl SampleAxis {
    /// The axis for samples `start..end` at `fs`.
    pub fn new(start: u64, end: u64, fs: f64) -> SampleAxis {
        let span = end.saturating_sub(start) as f64 / fs;
        let unit = time_unit(span);
        let origin = if start as f64 / fs > 10.0 * span {
            start
        } else {
            0
        };
        SampleAxis { unit, origin, fs }
    }

    /// Axis position of sample position `s`.
    pub fn x(&self, s: f64) -> f64 {
        (s - self.origin as f64) / self.fs * self.unit.scale
    }

    /// Axis description, naming the origin when it is not the start.
    pub fn desc(&self) -> String {
        if self.origin == 0 {
            format!("time ({})", self.unit.symbol)
        } else {
            format!(
                "time ({}) after sample {} ({})",
                self.unit.symbol,
                self.origin,
                duration(self.origin as f64 / self.fs, 7)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_magnitude() {
        assert_eq!(time_unit(5e-7).symbol, "ns");
        assert_eq!(time_unit(2e-4).symbol, "µs");
        assert_eq!(time_unit(15e-3).symbol, "ms");
        assert_eq!(freq_unit(110e6).symbol, "MHz");
        assert_eq!(freq_unit(200e3).symbol, "kHz");
        assert_eq!(freq_unit(10.0).symbol, "Hz");
    }

    #[test]
    fn far_views_count_from_their_start() {
        let near = SampleAxis::new(0, 625_000, 625e6);
        assert_eq!((near.origin, near.desc()), (0, "time (ms)".to_string()));
        let far = SampleAxis::new(1_375_080, 1_375_320, 625e6);
        assert_eq!(far.origin, 1_375_080);
        assert_eq!(far.desc(), "time (ns) after sample 1375080 (2.200128 ms)");
        assert_eq!(far.x(1_375_080.0 + 625.0), 1000.0);
    }

    #[test]
    fn degenerate_ranges_still_have_width() {
        assert_eq!(padded(0.0, 10.0, 0.1), (-1.0, 11.0));
        let (lo, hi) = padded(100.0, 100.0, 0.1);
        assert!(lo < 100.0 && hi > 100.0);
        assert_eq!(padded(0.0, 0.0, 0.1), (-1.0, 1.0));
        assert_eq!(padded(f64::NAN, 1.0, 0.1), (0.0, 1.0));
        assert_eq!(finite_bounds([3.0, f64::NAN, -1.0]), Some((-1.0, 3.0)));
        assert_eq!(finite_bounds([f64::INFINITY]), None);
    }
}

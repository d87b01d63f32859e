//! RF-amplitude warnings of a calibration: on a grid of frequencies across its range,
//! the RF amplitude the calibration asks of the amplifier at full reachable power
//! and the optical power above which that amplitude passes the warning and critical
//! levels. The threshold powers are exact (the model inverted), so the table is the
//! full warning map over `(f, p)`: a request is above a level exactly when its power
//! is above that frequency's threshold.

use std::f64::consts::FRAC_PI_2;
use std::fmt;

use super::Sin2Calib;

/// Where an RF amplitude stands against the warning levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RfLevel {
    /// At or below the warning level.
    Ok,
    /// Above the warning level, at or below the critical one.
    Warn,
    /// Above the critical level.
    Critical,
}

/// One frequency of the warning map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfWarnRow {
    /// RF frequency, Hz.
    pub freq_hz: f64,
    /// Reachable optical power `g(f)`.
    pub g: f64,
    /// RF amplitude scale `v0(f)`, mV.
    pub v0_mv: f64,
    /// RF amplitude at the largest power the calibration allows (`(1 - y_eps) g`), mV.
    pub rf_at_max_mv: f64,
    /// Power above which the RF amplitude exceeds the warning level (`None`: never).
    pub warn_above_power: Option<f64>,
    /// Power above which the RF amplitude exceeds the critical level (`None`: never).
    pub critical_above_power: Option<f64>,
}

/// RF-amplitude warning map of one calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct RfWarnings {
    /// Warning level, mV.
    pub warn_mv: f64,
    /// Critical level, mV.
    pub critical_mv: f64,
    /// Evenly spaced frequencies across the calibrated range, ends included.
    pub rows: Vec<RfWarnRow>,
}

impl RfWarnings {
    /// The map on `n_freq` (>= 2) frequencies.
    pub fn compute(calib: &Sin2Calib, warn_mv: f64, critical_mv: f64, n_freq: usize) -> Self {
        let n = n_freq.max(2);
        let step = (calib.freq_max_hz - calib.freq_min_hz) / (n - 1) as f64;
        let rows = (0..n)
            .map(|i| {
                let f = if i == n - 1 {
                    calib.freq_max_hz
                } else {
                    calib.freq_min_hz + i as f64 * step
                };
                let g = calib.g(f);
                let v0 = calib.v0(f);
                let rf_at_max = calib.rf_amplitude(f, g).mv;
                let above = |level: f64| {
                    (level < rf_at_max).then(|| {
                        let s = (FRAC_PI_2 * level / v0).sin();
                        g * s * s
                    })
                };
                RfWarnRow {
                    freq_hz: f,
                    g,
                    v0_mv: v0,
                    rf_at_max_mv: rf_at_max,
                    warn_above_power: above(warn_mv),
                    critical_above_power: above(critical_mv),
                }
            })
            .collect();
        RfWarnings {
            warn_mv,
            critical_mv,
            rows,
        }
    }

    /// Level of an RF amplitude.
    pub fn level(&self, rf_mv: f64) -> RfLevel {
        if rf_mv > self.critical_mv {
            RfLevel::Critical
        } else if rf_mv > self.warn_mv {
            RfLevel::Warn
        } else {
            RfLevel::Ok
        }
    }

    /// The row with the largest RF amplitude at full power.
    pub fn worst(&self) -> Option<&RfWarnRow> {
        self.rows
            .iter()
            .max_by(|a, b| a.rf_at_max_mv.total_cmp(&b.rf_at_max_mv))
    }

    /// Lowest power at which some frequency passes the warning level.
    pub fn lowest_warn_power(&self) -> Option<f64> {
        self.rows
            .iter()
            .filter_map(|r| r.warn_above_power)
            .min_by(f64::total_cmp)
    }

    /// Lowest power at which some frequency passes the critical level.
    pub fn lowest_critical_power(&self) -> Option<f64> {
        self.rows
            .iter()
            .filter_map(|r| r.critical_above_power)
            .min_by(f64::total_cmp)
    }
}

impl fmt::Display for RfWarnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opt = |p: Option<f64>| p.map_or_else(|| "-".to_owned(), |p| format!("{p:.4}"));
        if let Some(w) = self.worst() {
            writeln!(
                f,
                "RF amplitude at full power: up to {:.1} mV ({}) at {:.4} MHz; \
                 warn > {} mV from p = {}, critical > {} mV from p = {}",
                w.rf_at_max_mv,
                match self.level(w.rf_at_max_mv) {
                    RfLevel::Ok => "ok",
                    RfLevel::Warn => "WARN",
                    RfLevel::Critical => "CRITICAL",
                },
                w.freq_hz * 1e-6,
                self.warn_mv,
                opt(self.lowest_warn_power()),
                self.critical_mv,
                opt(self.lowest_critical_power()),
            )?;
        }
        writeln!(
            f,
            "{:>12} {:>10} {:>10} {:>12} {:>12} {:>12}",
            "freq_MHz", "g", "v0_mV", "rf_max_mV", "warn_above", "crit_above"
        )?;
        for r in &self.rows {
            writeln!(
                f,
                "{:>12.4} {:>10.4} {:>10.2} {:>12.2} {:>12} {:>12}",
                r.freq_hz * 1e-6,
                r.g,
                r.v0_mv,
                r.rf_at_max_mv,
                opt(r.warn_above_power),
                opt(r.critical_above_power)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calib() -> Sin2Calib {
        Sin2Calib {
            g_poly: vec![1.0],
            v0_poly: vec![50.0, 150.0],
            freq_min_hz: 80e6,
            freq_max_hz: 120e6,
            min_g: 1e-12,
            min_v0_sq: 1e-12,
            y_eps: 1e-6,
            traceability: String::new(),
        }
    }

    #[test]
    fn thresholds_are_where_the_amplitude_crosses_the_levels() {
        let c = calib();
        let w = RfWarnings::compute(&c, 100.0, 180.0, 5);
        assert_eq!(w.rows.len(), 5);
        for r in &w.rows[1..] {
            let p = r.warn_above_power.expect("v0 > 100 mV above the low end");
            assert!((c.rf_amplitude(r.freq_hz, p).mv - 100.0).abs() < 1e-9);
        }
        // v0 = 100 mV at the low end: never above 100 mV, never critical.
        assert_eq!(w.rows[0].warn_above_power, None);
        assert_eq!(w.rows[0].critical_above_power, None);
        // v0 = 200 mV at the high end: critical above some power.
        let p = w.rows[4].critical_above_power.unwrap();
        assert!((c.rf_amplitude(120e6, p).mv - 180.0).abs() < 1e-9);
        assert_eq!(w.level(w.worst().unwrap().rf_at_max_mv), RfLevel::Critical);
    }
}

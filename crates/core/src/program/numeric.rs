//! Number helpers shared by the program formats and builders.

/// `n` evenly spaced values from `start` to `stop` inclusive, bit-identical to
/// `numpy.linspace(start, stop, n)`: `start + i * step` with the last value exactly
/// `stop`.
pub fn linspace(start: f64, stop: f64, n: usize) -> Vec<f64> {
    match n {
        0 => Vec::new(),
        1 => vec![start],
        _ => {
            let div = (n - 1) as f64;
            let delta = stop - start;
            let step = delta / div;
            let mut v: Vec<f64> = if step == 0.0 {
                (0..n).map(|i| (i as f64) / div * delta + start).collect()
            } else {
                (0..n).map(|i| (i as f64) * step + start).collect()
            };
            v[n - 1] = stop;
            v
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn linspace_matches_numpy() {
        // numpy.linspace(92e6, 110e6, 12)[1] == 93636363.63636364
        let v = super::linspace(92e6, 110e6, 12);
        assert_eq!(v[1], 93636363.63636364);
        assert_eq!(v[11], 110e6);
        assert_eq!(super::linspace(20e3, 150e3, 10)[3], 63333.333333333336);
        assert_eq!(super::linspace(1.0, 2.0, 1), vec![1.0]);
    }
}

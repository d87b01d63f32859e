//! Colours readable with the common colour-vision deficiencies: the Okabe–Ito
//! palette for lines and markers, viridis for magnitudes and ColorBrewer's PuOr
//! for signed values.

use plotters::style::RGBColor;

/// Okabe–Ito colours without yellow (too faint on white), most distinct first.
pub const OKABE_ITO: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x00, 0x00, 0x00), // black
];

/// Grey for boundaries and other marks that must not compete with the data.
pub const MARK_GREY: RGBColor = RGBColor(0x70, 0x70, 0x70);

/// The `i`-th categorical colour (the palette repeats).
pub fn categorical(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// Viridis at `t` in [0, 1] (clamped), from matplotlib's table at steps of 0.1.
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 11] = [
        (0x44, 0x01, 0x54),
        (0x48, 0x24, 0x75),
        (0x41, 0x44, 0x87),
        (0x35, 0x5f, 0x8d),
        (0x2a, 0x78, 0x8e),
        (0x21, 0x91, 0x8c),
        (0x22, 0xa8, 0x84),
        (0x44, 0xbf, 0x70),
        (0x7a, 0xd1, 0x51),
        (0xbd, 0xdf, 0x26),
        (0xfd, 0xe7, 0x25),
    ];
    interpolate(&STOPS, t)
}

/// Purple (t = 0) through white (0.5) to orange (1): ColorBrewer PuOr, reversed.
pub fn diverging(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 11] = [
        (0x2d, 0x00, 0x4b),
        (0x54, 0x27, 0x88),
        (0x80, 0x73, 0xac),
        (0xb2, 0xab, 0xd2),
        (0xd8, 0xda, 0xeb),
        (0xf7, 0xf7, 0xf7),
        (0xfe, 0xe0, 0xb6),
        (0xfd, 0xb8, 0x63),
        (0xe0, 0x82, 0x14),
        (0xb3, 0x58, 0x06),
        (0x7f, 0x3b, 0x08),
    ];
    interpolate(&STOPS, t)
}

/// Piecewise-linear interpolation between equally spaced colour stops.
fn interpolate(stops: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let x = t * (stops.len() - 1) as f64;
    let i = (x.floor() as usize).min(stops.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (stops[i], stops[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_hit_their_end_stops_and_clamp() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xfd, 0xe7, 0x25));
        assert_eq!(viridis(2.0), viridis(1.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
        assert_eq!(diverging(0.5), RGBColor(0xf7, 0xf7, 0xf7));
    }

    #[test]
    fn viridis_brightens_monotonically() {
        let lum = |c: RGBColor| 0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64;
        let l: Vec<f64> = (0..=20).map(|i| lum(viridis(i as f64 / 20.0))).collect();
        assert!(l.windows(2).all(|w| w[1] > w[0]), "{l:?}");
    }
}

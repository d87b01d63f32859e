//! `configure`: checks card settings against the emulated card's limits, as the
//! card's driver would, before anything is applied.

use awgsf_plugin_api::{
    CardFeatures, CardSettings, ClockSource, PluginError, PluginResult, TriggerSource,
};

use crate::settings::SimSettings;

/// Settings the card accepted.
#[derive(Debug, Clone)]
pub(crate) struct Configured {
    /// The settings as given.
    pub settings: CardSettings,
    /// Number of enabled channels.
    pub n_channels: u32,
    /// Length of the recording after each start, samples per channel.
    pub window_samples: u64,
}

fn list(counts: &[u32]) -> String {
    let words: Vec<String> = counts.iter().map(u32::to_string).collect();
    match words.len() {
        0 => String::new(),
        1 => words[0].clone(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

fn finite(what: &str, v: f64) -> PluginResult<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(PluginError::invalid_input(format!(
            "{what} is {v}: expected a finite number"
        )))
    }
}

/// Checks `value` (unit `unit`) against `[min, max]`, naming `what` and the excess.
fn in_range(what: &str, value: f64, min: f64, max: f64, unit: &str) -> PluginResult<()> {
    finite(what, value)?;
    if value > max {
        return Err(PluginError::limit(format!(
            "{what} {value} {unit} is above the card's maximum {max} {unit} by {} {unit}",
            value - max
        )));
    }
    if value < min {
        return Err(PluginError::limit(format!(
            "{what} {value} {unit} is below the card's minimum {min} {unit} by {} {unit}",
            min - value
        )));
    }
    Ok(())
}

/// Validates `s` for the card described by `card`.
pub(crate) fn validate(card: &SimSettings, s: &CardSettings) -> PluginResult<Configured> {
    in_range(
        "sample rate",
        s.sample_rate_hz,
        card.min_sample_rate_hz,
        card.max_sample_rate_hz,
        "Hz",
    )?;
    validate_channels(card, s)?;
    validate_trigger(card, s)?;
    validate_clock(card, s)?;

    let window = (card.play_s * s.sample_rate_hz).round();
    if window > card.max_play_samples as f64 {
        return Err(PluginError::limit(format!(
            "simulator settings: `play_s` = {} s at {} Hz is {window} samples per channel, \
             above `max_play_samples` = {} by {}: shorten play_s or raise max_play_samples",
            card.play_s,
            s.sample_rate_hz,
            card.max_play_samples,
            window - card.max_play_samples as f64
        )));
    }
    Ok(Configured {
        settings: s.clone(),
        n_channels: s.channels.len() as u32,
        window_samples: window as u64,
    })
}

fn validate_channels(card: &SimSettings, s: &CardSettings) -> PluginResult<()> {
    let n = s.channels.len();
    if n == 0 {
        return Err(PluginError::invalid_input(
            "channels: at least one channel must be enabled",
        ));
    }
    if !card.channel_counts.iter().any(|&c| c as usize == n) {
        return Err(PluginError::limit(format!(
            "channels: {n} enabled, but the card accepts {} enabled channels",
            list(&card.channel_counts)
        )));
    }
    let mut previous: Option<u32> = None;
    for ch in s.channels.iter() {
        if ch.index >= card.max_channels {
            return Err(PluginError::limit(format!(
                "channel {}: the card has {} channels (indices 0 to {}), {} beyond the last",
                ch.index,
                card.max_channels,
                card.max_channels - 1,
                ch.index - (card.max_channels - 1)
            )));
        }
        if let Some(p) = previous {
            if ch.index <= p {
                return Err(PluginError::invalid_input(format!(
                    "channels: index {} follows index {p}: list enabled channels in ascending \
                     order without repeats",
                    ch.index
                )));
            }
        }
        previous = Some(ch.index);
        in_range(
            &format!("channel {} amplitude", ch.index),
            ch.amplitude_mv,
            card.min_amplitude_mv,
            card.max_amplitude_mv,
            "mV",
        )?;
    }
    Ok(())
}

fn validate_trigger(card: &SimSettings, s: &CardSettings) -> PluginResult<()> {
    let t = &s.trigger;
    match t.source {
        TriggerSource::Software => {
            if !card.has(CardFeatures::SOFTWARE_TRIGGER) {
                return Err(PluginError::unsupported(
                    "trigger source software: this card has no software trigger",
                ));
            }
        }
        TriggerSource::Ext0 | TriggerSource::Ext1 => {
            if !card.has(CardFeatures::EXTERNAL_TRIGGER) {
                return Err(PluginError::unsupported(format!(
                    "trigger source {:?}: this card has no external trigger input",
                    t.source
                )));
            }
            finite("trigger level", t.level_mv)?;
            if t.level_mv.abs() > card.max_trigger_level_mv {
                return Err(PluginError::limit(format!(
                    "trigger level {} mV is outside the card's ±{} mV by {} mV",
                    t.level_mv,
                    card.max_trigger_level_mv,
                    t.level_mv.abs() - card.max_trigger_level_mv
                )));
            }
        }
    }
    if t.delay_samples > card.max_trigger_delay_samples {
        return Err(PluginError::limit(format!(
            "trigger delay {} samples is above the card's maximum {} by {}",
            t.delay_samples,
            card.max_trigger_delay_samples,
            t.delay_samples - card.max_trigger_delay_samples
        )));
    }
    Ok(())
}

fn validate_clock(card: &SimSettings, s: &CardSettings) -> PluginResult<()> {
    let c = &s.clock;
    match c.source {
        ClockSource::InternalPll => {
            if c.reference_hz != 0.0 {
                return Err(PluginError::invalid_input(format!(
                    "clock: reference_hz is {} Hz with the internal PLL; expected 0 (set the \
                     source to external_reference to use a reference clock)",
                    c.reference_hz
                )));
            }
        }
        ClockSource::ExternalReference => in_range(
            "external reference clock",
            c.reference_hz,
            card.min_reference_hz,
            card.max_reference_hz,
            "Hz",
        )?,
    }
    Ok(())
}

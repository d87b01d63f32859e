//! `configure`: checking `CardSettings` against the card's description, and the
//! register writes that set sequence replay, channels, trigger and clock.
//!
//! Order (that of the reference bring-up, with the additions marked):
//! stop (added), card mode, channel mask, output enables, amplitudes, stop levels,
//! trigger masks (AND mask added), trigger input, delay, clock, timeout (the
//! reference sets it just before start).

use awgsf_plugin_api::{
    CardFeatures, CardInfo, CardSettings, ClockSource, Coupling, PluginError, PluginResult,
    StopLevel, TriggerEdge, TriggerSource,
};

use crate::regs::*;

/// One register write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Write {
    /// Register.
    pub reg: i32,
    /// Value.
    pub value: i64,
}

fn w(reg: i32, value: i64) -> Write {
    Write { reg, value }
}

/// The `SPC_M2CMD` value that stops replay and any DMA.
pub const STOP_COMMAND: i64 = M2CMD_CARD_STOP | M2CMD_DATA_STOPDMA;

fn bad(message: String) -> PluginError {
    PluginError::invalid_input(message)
}

/// `value` as a whole number, or an error naming `field` and `unit`.
fn whole(field: &str, value: f64, unit: &str, why: &str) -> PluginResult<i64> {
    if !value.is_finite() || value.fract() != 0.0 || value.abs() > 9.0e15 {
        return Err(bad(format!(
            "{field}: {value} {unit} is not a whole number of {unit}; {why}"
        )));
    }
    Ok(value as i64)
}

fn list(counts: &[u32]) -> String {
    let s: Vec<String> = counts.iter().map(u32::to_string).collect();
    match s.len() {
        0 => "none".into(),
        1 => s[0].clone(),
        n => format!("{} or {}", s[..n - 1].join(", "), s[n - 1]),
    }
}

fn stop_level_code(level: StopLevel) -> i64 {
    match level {
        StopLevel::Zero => SPCM_STOPLVL_ZERO,
        StopLevel::Low => SPCM_STOPLVL_LOW,
        StopLevel::High => SPCM_STOPLVL_HIGH,
        StopLevel::HoldLast => SPCM_STOPLVL_HOLDLAST,
        StopLevel::Tristate => SPCM_STOPLVL_TRISTATE,
    }
}

fn edge_code(edge: TriggerEdge) -> i64 {
    match edge {
        TriggerEdge::Rising => SPC_TM_POS,
        TriggerEdge::Falling => SPC_TM_NEG,
        TriggerEdge::Both => SPC_TM_BOTH,
    }
}

/// Checks `s` against `info` (no card access) and returns the channel mask.
pub fn check(info: &CardInfo, s: &CardSettings) -> PluginResult<i64> {
    let model = info.model.as_str();
    if !info.features.contains(CardFeatures::SEQUENCE_REPLAY) {
        return Err(PluginError::unsupported(format!(
            "the {model} SN {} has no sequence-replay option (SPC_PCIFEATURES lacks SPCM_FEAT_SEQUENCE)",
            info.serial
        )));
    }
    let n = s.channels.len() as u32;
    if !info.channel_counts.contains(&n) {
        return Err(bad(format!(
            "card.channels: {n} enabled channels, the {model} accepts {}",
            list(&info.channel_counts)
        )));
    }
    let mut mask = 0i64;
    for (i, ch) in s.channels.iter().enumerate() {
        if ch.index >= info.max_channels {
            return Err(bad(format!(
                "card.channels: channel {} does not exist, the {model} has channels 0..{}",
                ch.index,
                info.max_channels.saturating_sub(1)
            )));
        }
        if i > 0 && ch.index <= s.channels[i - 1].index {
            return Err(bad(format!(
                "card.channels: expected distinct channels in ascending order, got {} after {}",
                ch.index,
                s.channels[i - 1].index
            )));
        }
        mask |= 1 << ch.index;
        let amp = whole(
            &format!("card.amplitude_mv (channel {})", ch.index),
            ch.amplitude_mv,
            "mV",
            "the card's SPC_AMP register takes whole millivolts",
        )? as f64;
        if amp < info.min_amplitude_mv || amp > info.max_amplitude_mv {
            return Err(bad(format!(
                "card.amplitude_mv (channel {}): {amp} mV is outside the {model}'s {}..{} mV",
                ch.index, info.min_amplitude_mv, info.max_amplitude_mv
            )));
        }
    }
    let rate = whole(
        "card.sample_rate_hz",
        s.sample_rate_hz,
        "Hz",
        "the card's SPC_SAMPLERATE register takes whole hertz",
    )? as f64;
    if rate < info.min_sample_rate_hz || rate > info.max_sample_rate_hz {
        return Err(bad(format!(
            "card.sample_rate_hz: {rate} Hz is outside the {model}'s {}..{} Hz",
            info.min_sample_rate_hz, info.max_sample_rate_hz
        )));
    }
    let t = &s.trigger;
    if t.source != TriggerSource::Software {
        whole(
            "card.trigger.level_mv",
            t.level_mv,
            "mV",
            "the card's trigger level register takes whole millivolts",
        )?;
    }
    if t.source == TriggerSource::Ext1 {
        if t.coupling != Coupling::Dc {
            return Err(bad(
                "card.trigger.coupling: ac coupling exists only on ext0; use \"dc\" with ext1"
                    .into(),
            ));
        }
        if t.termination_50ohm {
            return Err(bad(
                "card.trigger.termination_50ohm: switchable termination exists only on ext0; set false with ext1"
                    .into(),
            ));
        }
    }
    if t.delay_samples > i64::MAX as u64 {
        return Err(bad(format!(
            "card.trigger.delay_samples: {} is too large",
            t.delay_samples
        )));
    }
    if s.clock.source == ClockSource::ExternalReference {
        let hz = whole(
            "card.clock.reference_hz",
            s.clock.reference_hz,
            "Hz",
            "the card's SPC_REFERENCECLOCK register takes whole hertz",
        )?;
        if hz <= 0 {
            return Err(bad(format!(
                "card.clock.reference_hz: expected the external reference frequency, got {hz} Hz"
            )));
        }
    }
    Ok(mask)
}

/// The writes `configure` makes, after [`check`].
pub fn plan(info: &CardInfo, s: &CardSettings) -> PluginResult<Vec<Write>> {
    let mask = check(info, s)?;
    let mut out = vec![
        w(SPC_M2CMD, STOP_COMMAND),
        w(SPC_CARDMODE, SPC_REP_STD_SEQUENCE),
        w(SPC_CHENABLE, mask),
    ];
    out.extend(
        s.channels
            .iter()
            .map(|c| w(enable_out_register(c.index), 1)),
    );
    out.extend(
        s.channels
            .iter()
            .map(|c| w(amp_register(c.index), c.amplitude_mv as i64)),
    );
    out.extend(
        s.channels
            .iter()
            .map(|c| w(stop_level_register(c.index), stop_level_code(c.stop_level))),
    );
    let t = &s.trigger;
    let level = t.level_mv as i64;
    match t.source {
        TriggerSource::Software => {
            out.push(w(SPC_TRIG_ORMASK, SPC_TMASK_NONE));
            out.push(w(SPC_TRIG_ANDMASK, SPC_TMASK_NONE));
        }
        TriggerSource::Ext0 => {
            out.push(w(SPC_TRIG_ORMASK, SPC_TMASK_EXT0));
            out.push(w(SPC_TRIG_ANDMASK, SPC_TMASK_NONE));
            out.push(w(SPC_TRIG_EXT0_MODE, edge_code(t.edge)));
            out.push(w(SPC_TRIG_EXT0_LEVEL0, level));
            let coupling = match t.coupling {
                Coupling::Dc => COUPLING_DC,
                Coupling::Ac => COUPLING_AC,
            };
            out.push(w(SPC_TRIG_EXT0_ACDC, coupling));
            out.push(w(SPC_TRIG_TERM, i64::from(t.termination_50ohm)));
        }
        TriggerSource::Ext1 => {
            out.push(w(SPC_TRIG_ORMASK, SPC_TMASK_EXT1));
            out.push(w(SPC_TRIG_ANDMASK, SPC_TMASK_NONE));
            out.push(w(SPC_TRIG_EXT1_MODE, edge_code(t.edge)));
            out.push(w(SPC_TRIG_EXT1_LEVEL0, level));
        }
    }
    out.push(w(SPC_TRIG_DELAY, t.delay_samples as i64));
    match s.clock.source {
        ClockSource::InternalPll => out.push(w(SPC_CLOCKMODE, SPC_CM_INTPLL)),
        ClockSource::ExternalReference => {
            out.push(w(SPC_CLOCKMODE, SPC_CM_EXTREFCLOCK));
            out.push(w(SPC_REFERENCECLOCK, s.clock.reference_hz as i64));
        }
    }
    out.push(w(SPC_SAMPLERATE, s.sample_rate_hz as i64));
    out.push(w(SPC_CLOCKOUT, i64::from(s.clock.output_enabled)));
    out.push(w(SPC_TIMEOUT, i64::from(s.timeout_ms)));
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use awgsf_plugin_api::{CardFeatures, MinSegment};

    pub(crate) fn m4i_info() -> CardInfo {
        CardInfo {
            model: "M4i.6622-x8".into(),
            serial: "12345".into(),
            driver: "test".into(),
            max_channels: 4,
            channel_counts: vec![1, 2, 4].into(),
            min_sample_rate_hz: 50e6,
            max_sample_rate_hz: 625e6,
            full_scale_code: 32767,
            min_amplitude_mv: 80.0,
            max_amplitude_mv: 2500.0,
            memory_bytes: 4 << 30,
            bytes_per_sample: 2,
            step_samples: 32,
            min_segment_samples: vec![
                MinSegment {
                    channels: 1,
                    samples: 384,
                },
                MinSegment {
                    channels: 2,
                    samples: 192,
                },
                MinSegment {
                    channels: 4,
                    samples: 96,
                },
            ]
            .into(),
            max_segments: 65536,
            max_steps: 4096,
            max_loops: (1 << 20) - 1,
            features: CardFeatures::SEQUENCE_REPLAY,
        }
    }

    fn settings(channels: &[u32]) -> CardSettings {
        CardSettings {
            timeout_ms: 5000,
            ..CardSettings::new(625e6, channels, 1000.0, StopLevel::HoldLast)
        }
    }

    fn err(s: &CardSettings) -> String {
        plan(&m4i_info(), s).unwrap_err().message.to_string()
    }

    #[test]
    fn field_errors_name_the_field() {
        assert!(err(&settings(&[0, 1, 2]))
            .starts_with("card.channels: 3 enabled channels, the M4i.6622-x8 accepts 1, 2 or 4"));
        assert!(err(&settings(&[4])).contains("channel 4 does not exist"));
        assert!(err(&settings(&[1, 0])).contains("ascending"));
        let mut s = settings(&[0]);
        s.sample_rate_hz = 1.25e9;
        assert!(err(&s).starts_with("card.sample_rate_hz: 1250000000 Hz is outside"));
        s.sample_rate_hz = 625e6 + 0.5;
        assert!(err(&s).contains("whole number"));
        let mut s = settings(&[0]);
        s.channels[0].amplitude_mv = 3000.0;
        assert!(err(&s).starts_with("card.amplitude_mv (channel 0): 3000 mV is outside"));
        let mut s = settings(&[0]);
        s.trigger.source = TriggerSource::Ext1;
        s.trigger.termination_50ohm = true;
        assert!(err(&s).starts_with("card.trigger.termination_50ohm"));
        let mut s = settings(&[0]);
        s.clock.source = ClockSource::ExternalReference;
        assert!(err(&s).starts_with("card.clock.reference_hz"));
    }

    #[test]
    fn software_trigger_uses_no_trigger_source() {
        let p = plan(&m4i_info(), &settings(&[2])).unwrap();
        assert_eq!(p[0], w(SPC_M2CMD, STOP_COMMAND));
        assert!(p.contains(&w(SPC_CHENABLE, 0b100)));
        assert!(p.contains(&w(SPC_AMP0 + 200, 1000)));
        assert!(p.contains(&w(SPC_CH0_STOPLEVEL + 2, SPCM_STOPLVL_HOLDLAST)));
        assert!(p.contains(&w(SPC_TRIG_ORMASK, SPC_TMASK_NONE)));
        assert!(!p.iter().any(|x| x.reg == SPC_TRIG_EXT0_MODE));
        assert_eq!(p.last(), Some(&w(SPC_TIMEOUT, 5000)));
    }
}

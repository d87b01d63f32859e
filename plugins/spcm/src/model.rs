//! Reading what a card is from its registers, and the per-family figures no register
//! gives (segment granularity, minimum segment lengths, amplitude range).

use awgsf_plugin_api::{CardFeatures, CardInfo, MinSegment, PluginError, PluginResult};

use crate::device::Device;
use crate::regs::*;
use crate::settings::{MemoryReadback, SpcmSettings};

/// Figures of a card family that the driver does not report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Family {
    /// Name for messages (`M4i.66xx`).
    pub name: &'static str,
    /// Segment lengths are multiples of this many samples.
    pub step_samples: u64,
    /// Minimum segment length per enabled-channel count.
    pub min_segment: &'static [(u32, u64)],
    /// Output amplitude range, mV.
    pub amplitude_mv: (f64, f64),
    /// Bytes per sample the family uses.
    pub bytes_per_sample: i64,
}

/// Card families the plugin knows.
pub const FAMILIES: &[(i64, i64, Family)] = &[(
    TYP_M4IEXPSERIES,
    0x6600,
    Family {
        name: "M4i.66xx",
        step_samples: 32,
        min_segment: &[(1, 384), (2, 192), (4, 96)],
        amplitude_mv: (80.0, 2500.0),
        bytes_per_sample: 2,
    },
)];

/// The family of a type code, if the plugin knows it.
pub fn family_of(type_code: i64) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .find(|(series, family, _)| {
            type_code & TYP_SERIESMASK == *series && type_code & TYP_FAMILYMASK == *family
        })
        .map(|(_, _, f)| f)
}

/// What `describe` returns plus what the plugin itself needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    /// The card description handed to the host.
    pub info: CardInfo,
    /// Whether memory read-back is used.
    pub readback: bool,
}

fn read(dev: &Device, reg: i32) -> PluginResult<i64> {
    dev.get(reg).map_err(|e| {
        e.into_plugin(&format!(
            "reading the description of the card at {}",
            dev.name
        ))
    })
}

/// Reads the card's description. Fails for cards that are no generator, lack the
/// family figures, or differ from `expect_model` / `expect_serial`.
pub fn describe(dev: &Device, settings: &SpcmSettings) -> PluginResult<Description> {
    let type_code = read(dev, SPC_PCITYP)?;
    let model = model_name(type_code);
    let function = read(dev, SPC_FNCTYPE)?;
    let serial = read(dev, SPC_PCISERIALNO)?;
    let at = &dev.name;
    if function != SPCM_TYPE_AO {
        return Err(PluginError::not_available(format!(
            "card at {at} is a {model} SN {serial}, not a generator (SPC_FNCTYPE = {function})"
        )));
    }
    let family = family_of(type_code).ok_or_else(|| {
        PluginError::not_available(format!(
            "card at {at} is a {model} SN {serial} (type 0x{type_code:06x}); this plugin supports {} generators",
            FAMILIES.iter().map(|(_, _, f)| f.name).collect::<Vec<_>>().join(", ")
        ))
    })?;
    if let Some(expected) = &settings.expect_model {
        if expected != &model {
            return Err(PluginError::not_available(format!(
                "card at {at} is a {model} SN {serial}, settings expect_model is {expected}"
            )));
        }
    }
    if let Some(expected) = settings.expect_serial {
        if i64::from(expected) != serial {
            return Err(PluginError::not_available(format!(
                "card at {at} is a {model} SN {serial}, settings expect_serial is {expected}"
            )));
        }
    }
    let memory = read(dev, SPC_PCIMEMSIZE)?;
    let features = read(dev, SPC_PCIFEATURES)?;
    let channels = read(dev, SPC_MIINST_MODULES)? * read(dev, SPC_MIINST_CHPERMODULE)?;
    let bytes_per_sample = read(dev, SPC_MIINST_BYTESPERSAMPLE)?;
    if bytes_per_sample != family.bytes_per_sample {
        return Err(PluginError::not_available(format!(
            "card at {at} reports {bytes_per_sample} bytes per sample, {} cards use {}",
            family.name, family.bytes_per_sample
        )));
    }
    let full_scale = read(dev, SPC_MIINST_MAXADCVALUE)? - 1;
    let min_rate = read(dev, SPC_MIINST_MINADCLOCK)?;
    let max_rate = read(dev, SPC_MIINST_MAXADCLOCK)?;
    let version = read(dev, SPC_GETDRVVERSION)?;
    let sequence = features & SPCM_FEAT_SEQUENCE != 0;
    let (max_segments, max_steps, max_loops) = if sequence {
        (
            read(dev, SPC_SEQMODE_AVAILMAXSEGMENT)?,
            read(dev, SPC_SEQMODE_AVAILMAXSTEPS)?,
            read(dev, SPC_SEQMODE_AVAILMAXLOOP)?,
        )
    } else {
        (0, 0, 0)
    };
    // A card without memory-test mode answers the read with an error (read back
    // and cleared by `Device::get`); that only means "no read-back".
    let readback = settings.memory_readback == MemoryReadback::Auto && dev.get(SPC_MEMTEST).is_ok();

    let mut feats = CardFeatures::SOFTWARE_TRIGGER.with(CardFeatures::EXTERNAL_TRIGGER);
    if sequence {
        feats = feats
            .with(CardFeatures::SEQUENCE_REPLAY)
            .with(CardFeatures::HOT_SWAP);
    }
    if readback {
        feats = feats.with(CardFeatures::MEMORY_READBACK);
    }
    let counts: Vec<(u32, u64)> = family
        .min_segment
        .iter()
        .copied()
        .filter(|(n, _)| i64::from(*n) <= channels)
        .collect();
    let info = CardInfo {
        model: model.into(),
        serial: serial.to_string().into(),
        driver: format!(
            "Spectrum driver {}.{} build {} ({})",
            (version >> 24) & 0xFF,
            (version >> 16) & 0xFF,
            version & 0xFFFF,
            dev.driver().origin
        )
        .into(),
        max_channels: channels.clamp(0, i64::from(u32::MAX)) as u32,
        channel_counts: counts.iter().map(|(n, _)| *n).collect(),
        min_sample_rate_hz: min_rate as f64,
        max_sample_rate_hz: max_rate as f64,
        full_scale_code: full_scale.clamp(0, i64::from(i32::MAX)) as i32,
        min_amplitude_mv: family.amplitude_mv.0,
        max_amplitude_mv: family.amplitude_mv.1,
        memory_bytes: memory.max(0) as u64,
        bytes_per_sample: bytes_per_sample as u32,
        step_samples: family.step_samples,
        min_segment_samples: counts
            .iter()
            .map(|&(channels, samples)| MinSegment { channels, samples })
            .collect(),
        max_segments: power_of_two_at_most(max_segments),
        max_steps: max_steps.clamp(0, i64::from(u32::MAX)) as u32,
        max_loops: max_loops.max(0) as u64,
        features: feats,
    };
    Ok(Description { info, readback })
}

/// Largest power of two not above `n` (0 for `n < 1`).
fn power_of_two_at_most(n: i64) -> u32 {
    if n < 1 {
        0
    } else {
        let n = n.min(i64::from(u32::MAX)) as u32;
        1 << (31 - n.leading_zeros())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_names() {
        assert_eq!(model_name(TYP_M4I6622_X8), "M4i.6622-x8");
        assert_eq!(model_name(0x96546), "M2p.6546-x4");
        assert_eq!(family_of(TYP_M4I6622_X8).unwrap().name, "M4i.66xx");
        assert!(family_of(0x76631).is_some());
        assert!(family_of(0x74420).is_none());
        assert!(family_of(0x86622).is_none());
    }

    #[test]
    fn slot_limit_is_a_power_of_two() {
        assert_eq!(power_of_two_at_most(65536), 65536);
        assert_eq!(power_of_two_at_most(65535), 32768);
        assert_eq!(power_of_two_at_most(1), 1);
        assert_eq!(power_of_two_at_most(0), 0);
    }
}

//! Register rules of the emulated card: what each register accepts, what it reads
//! back, and the codes and texts of refusals.

use crate::card::{EmuCard, Fail, Transfer};
use crate::regs::*;

/// Registers whose value comes from the card, not from the host.
const READ_ONLY: [i32; 17] = [
    SPC_M2STATUS,
    SPC_MIINST_MODULES,
    SPC_MIINST_CHPERMODULE,
    SPC_MIINST_BYTESPERSAMPLE,
    SPC_MIINST_MAXADCVALUE,
    SPC_MIINST_MINADCLOCK,
    SPC_MIINST_MAXADCLOCK,
    SPC_GETDRVVERSION,
    SPC_PCITYP,
    SPC_FNCTYPE,
    SPC_PCISERIALNO,
    SPC_PCIMEMSIZE,
    SPC_PCIFEATURES,
    SPC_SEQMODE_AVAILMAXSEGMENT,
    SPC_SEQMODE_AVAILMAXSTEPS,
    SPC_SEQMODE_AVAILMAXLOOP,
    SPC_SEQMODE_STATUS,
];

/// Largest trigger level, mV.
const MAX_TRIGGER_LEVEL_MV: i64 = 10_000;
/// Largest external reference clock, Hz.
const MAX_REFERENCE_HZ: i64 = 1_250_000_000;
/// Largest trigger delay, samples.
const MAX_TRIGGER_DELAY: i64 = (1 << 33) - 1;

fn refuse(code: u32, reg: i32, value: i64, text: impl Into<String>) -> Result<(), Fail> {
    Err(Fail::new(code, reg, value, text))
}

fn one_of(reg: i32, value: i64, allowed: &[i64]) -> Result<(), Fail> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        refuse(
            ERR_VALUE,
            reg,
            value,
            format!(
                "value {value} not allowed for {}, expected one of {allowed:?}",
                register_name(reg)
            ),
        )
    }
}

fn within(reg: i32, value: i64, lo: i64, hi: i64, unit: &str) -> Result<(), Fail> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        refuse(
            ERR_VALUE,
            reg,
            value,
            format!(
                "{} = {value}{unit} is outside {lo}..{hi}{unit}",
                register_name(reg)
            ),
        )
    }
}

fn is_sequence_register(reg: i32) -> bool {
    (SPC_SEQMODE_STEPMEM0..=SPC_SEQMODE_STEPMEM_LAST).contains(&reg)
        || [
            SPC_SEQMODE_MAXSEGMENTS,
            SPC_SEQMODE_WRITESEGMENT,
            SPC_SEQMODE_STARTSTEP,
            SPC_SEQMODE_SEGMENTSIZE,
            SPC_SEQMODE_STATUS,
        ]
        .contains(&reg)
}

impl EmuCard {
    /// Power-up value of a writable register; `None` for registers the card lacks.
    pub(crate) fn default_value(&self, reg: i32) -> Option<i64> {
        let channels = self.config.channels() as u32;
        let per_channel = |base: i32| channel_of(reg, base).is_some_and(|c| c < channels);
        let value = match reg {
            SPC_M2CMD => 0,
            SPC_CARDMODE => SPC_REP_STD_SINGLE,
            SPC_CHENABLE => 1,
            SPC_SAMPLERATE => self.config.max_sample_rate_hz,
            SPC_CLOCKMODE => SPC_CM_INTPLL,
            SPC_CLOCKOUT | SPC_REFERENCECLOCK => 0,
            SPC_TRIG_ORMASK => SPC_TMASK_SOFTWARE,
            SPC_TRIG_ANDMASK | SPC_TRIG_EXT0_MODE | SPC_TRIG_EXT1_MODE => 0,
            SPC_TRIG_EXT0_LEVEL0 | SPC_TRIG_EXT1_LEVEL0 | SPC_TRIG_EXT0_ACDC => 0,
            SPC_TRIG_TERM | SPC_TRIG_DELAY | SPC_TIMEOUT => 0,
            SPC_MEMTEST if self.config.memtest => 0,
            SPC_SEQMODE_MAXSEGMENTS | SPC_SEQMODE_WRITESEGMENT | SPC_SEQMODE_STARTSTEP => 0,
            _ if per_channel(SPC_AMP0) => 1000,
            _ if per_channel(SPC_ENABLEOUT0) => 0,
            _ if (SPC_CH0_STOPLEVEL..SPC_CH0_STOPLEVEL + channels as i32).contains(&reg) => {
                SPCM_STOPLVL_ZERO
            }
            _ => return None,
        };
        Some(value)
    }

    fn sequence_mode(&self, reg: i32, value: i64) -> Result<(), Fail> {
        if self.reg(SPC_CARDMODE) == SPC_REP_STD_SEQUENCE {
            Ok(())
        } else {
            refuse(
                ERR_SEQUENCE,
                reg,
                value,
                format!(
                    "{} needs SPC_CARDMODE = SPC_REP_STD_SEQUENCE (card mode is 0x{:x})",
                    register_name(reg),
                    self.reg(SPC_CARDMODE)
                ),
            )
        }
    }

    fn stopped(&self, reg: i32, value: i64) -> Result<(), Fail> {
        if self.play.running {
            refuse(
                ERR_RUNNING,
                reg,
                value,
                format!(
                    "{} cannot change while the card is running",
                    register_name(reg)
                ),
            )
        } else {
            Ok(())
        }
    }

    fn max_segments(&self, reg: i32, value: i64) -> Result<i64, Fail> {
        match self.reg(SPC_SEQMODE_MAXSEGMENTS) {
            0 => Err(Fail::new(
                ERR_SEQUENCE,
                reg,
                value,
                "write SPC_SEQMODE_MAXSEGMENTS before addressing segments",
            )),
            n => Ok(n),
        }
    }

    /// Reads a register.
    pub(crate) fn read(&mut self, reg: i32) -> Result<i64, Fail> {
        let c = &self.config;
        let seq_limit = |v: i64| {
            if c.has_sequence() {
                Ok(v)
            } else {
                Err(Fail::new(
                    ERR_FEATURE,
                    reg,
                    0,
                    "sequence replay option (SPCM_FEAT_SEQUENCE) not installed",
                ))
            }
        };
        match reg {
            SPC_PCITYP => Ok(c.type_code),
            SPC_FNCTYPE => Ok(c.function_type),
            SPC_PCISERIALNO => Ok(c.serial),
            SPC_PCIMEMSIZE => Ok(c.memory_bytes),
            SPC_PCIFEATURES => Ok(c.features),
            SPC_MIINST_MODULES => Ok(c.modules),
            SPC_MIINST_CHPERMODULE => Ok(c.channels_per_module),
            SPC_MIINST_BYTESPERSAMPLE => Ok(c.bytes_per_sample),
            SPC_MIINST_MAXADCVALUE => Ok(c.max_adc_value),
            SPC_MIINST_MINADCLOCK => Ok(c.min_sample_rate_hz),
            SPC_MIINST_MAXADCLOCK => Ok(c.max_sample_rate_hz),
            SPC_GETDRVVERSION => Ok(c.driver_version),
            SPC_SEQMODE_AVAILMAXSEGMENT => seq_limit(c.max_segments),
            SPC_SEQMODE_AVAILMAXSTEPS => seq_limit(c.max_steps),
            SPC_SEQMODE_AVAILMAXLOOP => seq_limit(c.max_loops),
            SPC_M2STATUS => {
                let trig = if self.play.triggered {
                    M2STAT_CARD_TRIGGER
                } else {
                    0
                };
                Ok(if self.play.running {
                    trig
                } else {
                    M2STAT_CARD_READY | trig
                })
            }
            SPC_SEQMODE_STATUS => {
                self.sequence_mode(reg, 0)?;
                let flag = if self.play.step_changed {
                    SEQSTAT_STEPCHANGE
                } else {
                    0
                };
                self.play.step_changed = false;
                Ok(i64::from(self.play.step) | flag)
            }
            SPC_SEQMODE_SEGMENTSIZE => {
                self.sequence_mode(reg, 0)?;
                let seg = self.reg(SPC_SEQMODE_WRITESEGMENT) as u32;
                Ok(self.sizes.get(&seg).copied().unwrap_or(0))
            }
            _ if (SPC_SEQMODE_STEPMEM0..=SPC_SEQMODE_STEPMEM_LAST).contains(&reg) => {
                self.sequence_mode(reg, 0)?;
                let index = (reg - SPC_SEQMODE_STEPMEM0) as u32;
                Ok(self.steps.get(&index).copied().unwrap_or(0) as i64)
            }
            _ => match self.default_value(reg) {
                Some(_) => {
                    if is_sequence_register(reg) {
                        self.sequence_mode(reg, 0)?;
                    }
                    Ok(self.reg(reg))
                }
                None => Err(Fail::new(
                    ERR_REG,
                    reg,
                    0,
                    format!("register {reg} does not exist on this card"),
                )),
            },
        }
    }

    /// Writes a register.
    pub(crate) fn write(&mut self, reg: i32, value: i64) -> Result<(), Fail> {
        if reg == SPC_M2CMD {
            return self.command(value);
        }
        if is_sequence_register(reg) {
            self.sequence_mode(reg, value)?;
            return self.write_sequence(reg, value);
        }
        if READ_ONLY.contains(&reg) {
            return refuse(
                ERR_NOWRITEALLOWED,
                reg,
                value,
                format!("{} is read-only", register_name(reg)),
            );
        }
        if self.default_value(reg).is_none() {
            return refuse(
                ERR_REG,
                reg,
                value,
                format!("register {reg} does not exist on this card"),
            );
        }
        let c = &self.config;
        match reg {
            SPC_CARDMODE => {
                self.stopped(reg, value)?;
                if value == SPC_REP_STD_SEQUENCE {
                    if !c.has_sequence() {
                        return refuse(
                            ERR_FEATURE,
                            reg,
                            value,
                            "sequence replay option (SPCM_FEAT_SEQUENCE) not installed",
                        );
                    }
                } else if value != SPC_REP_STD_SINGLE && !SPC_REP_OTHER_MODES.contains(&value) {
                    return refuse(
                        ERR_VALUE,
                        reg,
                        value,
                        format!("unknown card mode 0x{value:x}"),
                    );
                }
            }
            SPC_CHENABLE => {
                self.stopped(reg, value)?;
                let installed = c.channels();
                if value <= 0 || value >> installed != 0 {
                    return refuse(
                        ERR_CHANNEL,
                        reg,
                        value,
                        format!("channel mask 0x{value:x} selects channels this {installed}-channel card lacks"),
                    );
                }
                let n = value.count_ones();
                if ![1, 2, 4].contains(&n) {
                    return refuse(
                        ERR_VALUE,
                        reg,
                        value,
                        format!("{n} enabled channels not allowed, enable 1, 2 or 4"),
                    );
                }
                if value != self.reg(SPC_CHENABLE) {
                    self.sizes.clear();
                    self.memory.clear();
                }
            }
            SPC_SAMPLERATE => {
                self.stopped(reg, value)?;
                within(
                    reg,
                    value,
                    c.min_sample_rate_hz,
                    c.max_sample_rate_hz,
                    " Hz",
                )?;
            }
            SPC_CLOCKMODE => {
                self.stopped(reg, value)?;
                one_of(reg, value, &[SPC_CM_INTPLL, SPC_CM_EXTREFCLOCK])?;
            }
            SPC_REFERENCECLOCK => {
                self.stopped(reg, value)?;
                within(reg, value, 1, MAX_REFERENCE_HZ, " Hz")?;
            }
            SPC_CLOCKOUT | SPC_TRIG_TERM => one_of(reg, value, &[0, 1])?,
            SPC_TRIG_EXT0_ACDC => one_of(reg, value, &[COUPLING_DC, COUPLING_AC])?,
            SPC_MEMTEST => {
                self.stopped(reg, value)?;
                one_of(reg, value, &[0, 1])?;
            }
            SPC_TRIG_ORMASK => {
                if value & !(SPC_TMASK_SOFTWARE | SPC_TMASK_EXT0 | SPC_TMASK_EXT1) != 0 {
                    return refuse(
                        ERR_VALUE,
                        reg,
                        value,
                        format!("unknown trigger sources in OR mask 0x{value:x}"),
                    );
                }
            }
            SPC_TRIG_ANDMASK => {
                if value & !(SPC_TMASK_EXT0 | SPC_TMASK_EXT1) != 0 {
                    return refuse(
                        ERR_VALUE,
                        reg,
                        value,
                        format!("trigger sources 0x{value:x} not allowed in the AND mask"),
                    );
                }
            }
            SPC_TRIG_EXT0_MODE | SPC_TRIG_EXT1_MODE => {
                one_of(
                    reg,
                    value,
                    &[SPC_TM_NONE, SPC_TM_POS, SPC_TM_NEG, SPC_TM_BOTH],
                )?;
            }
            SPC_TRIG_EXT0_LEVEL0 | SPC_TRIG_EXT1_LEVEL0 => {
                within(
                    reg,
                    value,
                    -MAX_TRIGGER_LEVEL_MV,
                    MAX_TRIGGER_LEVEL_MV,
                    " mV",
                )?;
            }
            SPC_TRIG_DELAY => within(reg, value, 0, MAX_TRIGGER_DELAY, " samples")?,
            SPC_TIMEOUT => within(reg, value, 0, i64::from(i32::MAX), " ms")?,
            _ if channel_of(reg, SPC_AMP0).is_some() => {
                within(reg, value, c.min_amplitude_mv, c.max_amplitude_mv, " mV")?;
            }
            _ if channel_of(reg, SPC_ENABLEOUT0).is_some() => one_of(reg, value, &[0, 1])?,
            _ => one_of(
                reg,
                value,
                &[
                    SPCM_STOPLVL_TRISTATE,
                    SPCM_STOPLVL_LOW,
                    SPCM_STOPLVL_HIGH,
                    SPCM_STOPLVL_HOLDLAST,
                    SPCM_STOPLVL_ZERO,
                ],
            )?,
        }
        self.regs.insert(reg, value);
        Ok(())
    }

    fn write_sequence(&mut self, reg: i32, value: i64) -> Result<(), Fail> {
        let c = &self.config;
        match reg {
            SPC_SEQMODE_MAXSEGMENTS => {
                self.stopped(reg, value)?;
                if value < 1 || value > c.max_segments || value & (value - 1) != 0 {
                    return refuse(
                        ERR_VALUE,
                        reg,
                        value,
                        format!(
                            "{value} segments: expected a power of two from 1 to {}",
                            c.max_segments
                        ),
                    );
                }
                if value != self.reg(reg) {
                    self.sizes.clear();
                    self.memory.clear();
                    self.regs.insert(SPC_SEQMODE_WRITESEGMENT, 0);
                }
            }
            SPC_SEQMODE_WRITESEGMENT => {
                let slots = self.max_segments(reg, value)?;
                if !(0..slots).contains(&value) {
                    return refuse(
                        ERR_VALUE,
                        reg,
                        value,
                        format!(
                            "segment {value} does not exist, SPC_SEQMODE_MAXSEGMENTS is {slots}"
                        ),
                    );
                }
            }
            SPC_SEQMODE_SEGMENTSIZE => return self.write_segment_size(value),
            SPC_SEQMODE_STARTSTEP => {
                if !(0..c.max_steps).contains(&value) {
                    return refuse(
                        ERR_VALUE,
                        reg,
                        value,
                        format!(
                            "start step {value} beyond the {} steps of the card",
                            c.max_steps
                        ),
                    );
                }
            }
            SPC_SEQMODE_STATUS => {
                return refuse(
                    ERR_NOWRITEALLOWED,
                    reg,
                    value,
                    "SPC_SEQMODE_STATUS is read-only",
                )
            }
            _ => return self.write_step(reg, value),
        }
        self.regs.insert(reg, value);
        Ok(())
    }

    fn write_segment_size(&mut self, value: i64) -> Result<(), Fail> {
        let reg = SPC_SEQMODE_SEGMENTSIZE;
        let slots = self.max_segments(reg, value)?;
        let c = &self.config;
        let channels = self.enabled_channels();
        let segment = self.reg(SPC_SEQMODE_WRITESEGMENT) as u32;
        if value <= 0 || value % c.step_samples != 0 {
            return refuse(
                ERR_VALUE,
                reg,
                value,
                format!(
                    "segment size {value} is not a positive multiple of {} samples",
                    c.step_samples
                ),
            );
        }
        let Some(min) = c.min_segment(channels) else {
            return refuse(
                ERR_CHANNEL,
                reg,
                value,
                format!("no segment size defined for {channels} channels"),
            );
        };
        if value < min {
            return refuse(
                ERR_VALUE,
                reg,
                value,
                format!("segment size {value} below the minimum of {min} samples with {channels} channels"),
            );
        }
        let capacity = c.memory_bytes / slots / self.frame_bytes();
        if value > capacity {
            return refuse(
                ERR_SEGMENTINMEM,
                reg,
                value,
                format!("segment size {value} exceeds the {capacity} samples of one of {slots} segment slots"),
            );
        }
        let old = self.sizes.get(&segment).copied();
        if old != Some(value) {
            if self.play.running && old.is_some() {
                return refuse(
                    ERR_RUNNING,
                    reg,
                    value,
                    format!(
                        "segment {segment} holds {} samples; its size cannot change while the card is running",
                        old.unwrap_or(0)
                    ),
                );
            }
            self.sizes.insert(segment, value);
            self.memory
                .insert(segment, vec![0u8; (value * self.frame_bytes()) as usize]);
        }
        Ok(())
    }

    fn write_step(&mut self, reg: i32, value: i64) -> Result<(), Fail> {
        let c = &self.config;
        let index = i64::from(reg - SPC_SEQMODE_STEPMEM0);
        if index >= c.max_steps {
            return refuse(
                ERR_VALUE,
                reg,
                value,
                format!("step {index} beyond the {} steps of the card", c.max_steps),
            );
        }
        let slots = self.max_segments(reg, value)?;
        let word = value as u64;
        let segment = (word & SPCSEQ_SEGMENTMASK) as i64;
        let next = ((word & SPCSEQ_NEXTSTEPMASK) >> 16) as i64;
        let high = word >> 32;
        let loops = (high & SPCSEQ_LOOPMASK) as i64;
        let reserved = high & !(SPCSEQ_LOOPMASK | SPCSEQ_ENDLOOPONTRIG | SPCSEQ_END);
        let problem = if segment >= slots {
            Some(format!(
                "step {index} plays segment {segment}, SPC_SEQMODE_MAXSEGMENTS is {slots}"
            ))
        } else if next >= c.max_steps {
            Some(format!(
                "step {index} continues to step {next}, beyond the {} steps",
                c.max_steps
            ))
        } else if loops < 1 || loops > c.max_loops {
            Some(format!(
                "step {index}: loop count {loops} outside 1..{}",
                c.max_loops
            ))
        } else if reserved != 0 {
            Some(format!("step {index}: reserved bits set (0x{reserved:x})"))
        } else {
            None
        };
        if let Some(text) = problem {
            return refuse(ERR_VALUE, reg, value, text);
        }
        self.steps.insert(index as u32, word);
        Ok(())
    }

    /// Checks and stores a transfer definition.
    pub(crate) fn define_transfer(
        &mut self,
        buffer_type: u32,
        direction: u32,
        notify: u32,
        ptr: usize,
        offset: u64,
        bytes: u64,
    ) -> Result<(), Fail> {
        let bad = |code: u32, text: String| Err(Fail::new(code, 0, bytes as i64, text));
        if buffer_type != SPCM_BUF_DATA {
            return bad(
                ERR_VALUE,
                format!("buffer type {buffer_type} does not exist on a generator"),
            );
        }
        if direction != SPCM_DIR_PCTOCARD && direction != SPCM_DIR_CARDTOPC {
            return bad(
                ERR_FEATURE,
                format!("transfer direction {direction} needs an option this card lacks"),
            );
        }
        if !notify.is_multiple_of(4096) {
            return bad(
                ERR_VALUE,
                format!("notify size {notify} is not a multiple of 4096 bytes"),
            );
        }
        if ptr == 0 || bytes == 0 {
            return bad(ERR_VALUE, "transfer buffer is empty or null".to_string());
        }
        self.transfer = Some(Transfer {
            direction,
            ptr,
            offset,
            bytes,
        });
        Ok(())
    }
}

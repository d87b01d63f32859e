//! Spectrum driver constants: register numbers, command and status bits, mode values
//! and error codes, with names for messages.
//!
//! Values as published in Spectrum's `spcm-core` Python package (`spcm_core/regs.py`,
//! `spcm_core/spcerr.py`, `spcm_core/pyspcm.py`). This file is also compiled into the
//! emulated driver (`awgsf-spcm-emulator`), so both sides agree by construction; the
//! integration tests state the expected numbers literally as an independent check.

// ---- driver entry-point arguments -------------------------------------------------

/// `SPCM_BUF_DATA`: the sample data buffer of `spcm_dwDefTransfer_i64`.
pub const SPCM_BUF_DATA: u32 = 1000;
/// `SPCM_DIR_PCTOCARD`: transfer from host memory to card memory.
pub const SPCM_DIR_PCTOCARD: u32 = 0;
/// `SPCM_DIR_CARDTOPC`: transfer from card memory to host memory.
pub const SPCM_DIR_CARDTOPC: u32 = 1;
/// `ERRORTEXTLEN`: bytes the driver may write into an error-text buffer.
pub const ERRORTEXTLEN: usize = 200;

// ---- registers ---------------------------------------------------------------------

/// Command register.
pub const SPC_M2CMD: i32 = 100;
/// Status register.
pub const SPC_M2STATUS: i32 = 110;
/// Number of front-end modules.
pub const SPC_MIINST_MODULES: i32 = 1100;
/// Channels per module.
pub const SPC_MIINST_CHPERMODULE: i32 = 1110;
/// Bytes per sample.
pub const SPC_MIINST_BYTESPERSAMPLE: i32 = 1120;
/// Largest converter code (full scale + 1 on 16-bit generators).
pub const SPC_MIINST_MAXADCVALUE: i32 = 1126;
/// Lowest sample rate, Hz.
pub const SPC_MIINST_MINADCLOCK: i32 = 1130;
/// Highest sample rate, Hz.
pub const SPC_MIINST_MAXADCLOCK: i32 = 1140;
/// Driver version: major << 24 | minor << 16 | build.
pub const SPC_GETDRVVERSION: i32 = 1200;
/// Card type code.
pub const SPC_PCITYP: i32 = 2000;
/// Function type (generator, digitiser, ...).
pub const SPC_FNCTYPE: i32 = 2001;
/// Serial number.
pub const SPC_PCISERIALNO: i32 = 2030;
/// Installed memory, bytes.
pub const SPC_PCIMEMSIZE: i32 = 2110;
/// Installed option bits.
pub const SPC_PCIFEATURES: i32 = 2120;
/// Card mode.
pub const SPC_CARDMODE: i32 = 9500;
/// Enabled-channel mask.
pub const SPC_CHENABLE: i32 = 11000;
/// Sample rate, Hz.
pub const SPC_SAMPLERATE: i32 = 20000;
/// Clock output enable.
pub const SPC_CLOCKOUT: i32 = 20110;
/// External reference clock frequency, Hz.
pub const SPC_REFERENCECLOCK: i32 = 20140;
/// Clock mode.
pub const SPC_CLOCKMODE: i32 = 20200;
/// Output amplitude of channel 0, mV (channel `n`: `+ n * CHANNEL_STRIDE`).
pub const SPC_AMP0: i32 = 30010;
/// Output enable of channel 0 (channel `n`: `+ n * CHANNEL_STRIDE`).
pub const SPC_ENABLEOUT0: i32 = 30091;
/// Distance between the analog registers of consecutive channels.
pub const CHANNEL_STRIDE: i32 = 100;
/// External trigger termination (1 = 50 Ω).
pub const SPC_TRIG_TERM: i32 = 40110;
/// External trigger 0 coupling.
pub const SPC_TRIG_EXT0_ACDC: i32 = 40120;
/// Trigger OR mask.
pub const SPC_TRIG_ORMASK: i32 = 40410;
/// Trigger AND mask.
pub const SPC_TRIG_ANDMASK: i32 = 40430;
/// External trigger 0 mode.
pub const SPC_TRIG_EXT0_MODE: i32 = 40510;
/// External trigger 1 mode.
pub const SPC_TRIG_EXT1_MODE: i32 = 40511;
/// Trigger delay, samples.
pub const SPC_TRIG_DELAY: i32 = 40810;
/// External trigger 0 level, mV.
pub const SPC_TRIG_EXT0_LEVEL0: i32 = 42320;
/// External trigger 1 level, mV.
pub const SPC_TRIG_EXT1_LEVEL0: i32 = 42321;
/// Stop level of channel 0 (channel `n`: `+ n`).
pub const SPC_CH0_STOPLEVEL: i32 = 206020;
/// Memory-test mode (1 allows reading generator memory back).
pub const SPC_MEMTEST: i32 = 270000;
/// Timeout of blocking calls, ms (0 = none).
pub const SPC_TIMEOUT: i32 = 295130;
/// Step 0 of the sequence memory (step `i`: `+ i`).
pub const SPC_SEQMODE_STEPMEM0: i32 = 340000;
/// Highest step register the driver defines (`SPC_SEQMODE_STEPMEM8191`).
pub const SPC_SEQMODE_STEPMEM_LAST: i32 = 348191;
/// Largest number of segments the card allows.
pub const SPC_SEQMODE_AVAILMAXSEGMENT: i32 = 349900;
/// Largest number of steps the card allows.
pub const SPC_SEQMODE_AVAILMAXSTEPS: i32 = 349901;
/// Largest loop count of a step.
pub const SPC_SEQMODE_AVAILMAXLOOP: i32 = 349902;
/// Number of segment slots (a power of two).
pub const SPC_SEQMODE_MAXSEGMENTS: i32 = 349910;
/// Segment that the next data transfer addresses.
pub const SPC_SEQMODE_WRITESEGMENT: i32 = 349920;
/// First step after start.
pub const SPC_SEQMODE_STARTSTEP: i32 = 349930;
/// Length of the addressed segment, samples per channel.
pub const SPC_SEQMODE_SEGMENTSIZE: i32 = 349940;
/// Sequence status: current step (and `SEQSTAT_STEPCHANGE`).
pub const SPC_SEQMODE_STATUS: i32 = 349950;

// ---- register values -----------------------------------------------------------------

/// `M2CMD_CARD_RESET`.
pub const M2CMD_CARD_RESET: i64 = 0x1;
/// `M2CMD_CARD_WRITESETUP`.
pub const M2CMD_CARD_WRITESETUP: i64 = 0x2;
/// `M2CMD_CARD_START`.
pub const M2CMD_CARD_START: i64 = 0x4;
/// `M2CMD_CARD_ENABLETRIGGER`.
pub const M2CMD_CARD_ENABLETRIGGER: i64 = 0x8;
/// `M2CMD_CARD_FORCETRIGGER`.
pub const M2CMD_CARD_FORCETRIGGER: i64 = 0x10;
/// `M2CMD_CARD_DISABLETRIGGER`.
pub const M2CMD_CARD_DISABLETRIGGER: i64 = 0x20;
/// `M2CMD_CARD_STOP`.
pub const M2CMD_CARD_STOP: i64 = 0x40;
/// `M2CMD_CARD_WAITTRIGGER`.
pub const M2CMD_CARD_WAITTRIGGER: i64 = 0x2000;
/// `M2CMD_CARD_WAITREADY`.
pub const M2CMD_CARD_WAITREADY: i64 = 0x4000;
/// `M2CMD_DATA_STARTDMA`.
pub const M2CMD_DATA_STARTDMA: i64 = 0x10000;
/// `M2CMD_DATA_WAITDMA`.
pub const M2CMD_DATA_WAITDMA: i64 = 0x20000;
/// `M2CMD_DATA_STOPDMA`.
pub const M2CMD_DATA_STOPDMA: i64 = 0x40000;

/// `M2STAT_CARD_TRIGGER`: a trigger has been seen.
pub const M2STAT_CARD_TRIGGER: i64 = 0x2;
/// `M2STAT_CARD_READY`: the card is not replaying.
pub const M2STAT_CARD_READY: i64 = 0x4;

/// `TYP_SERIESMASK`.
pub const TYP_SERIESMASK: i64 = 0x00FF_0000;
/// `TYP_FAMILYMASK`.
pub const TYP_FAMILYMASK: i64 = 0x0000_FF00;
/// `TYP_VERSIONMASK`: the model number as hex digits (`0x6622`).
pub const TYP_VERSIONMASK: i64 = 0x0000_FFFF;
/// `TYP_M4IEXPSERIES`.
pub const TYP_M4IEXPSERIES: i64 = 0x0007_0000;
/// `TYP_M4I6622_X8`.
pub const TYP_M4I6622_X8: i64 = 0x0007_6622;
/// `SPCM_TYPE_AO`: analog output (generator).
pub const SPCM_TYPE_AO: i64 = 0x2;
/// `SPCM_FEAT_SEQUENCE`: sequence-replay option installed.
pub const SPCM_FEAT_SEQUENCE: i64 = 0x1000;

/// `SPC_REP_STD_SINGLE` (the mode a card starts in).
pub const SPC_REP_STD_SINGLE: i64 = 0x100;
/// Other replay modes (`STD_MULTI`, `STD_GATE`, `FIFO_SINGLE`, `FIFO_MULTI`,
/// `FIFO_GATE`, `STD_CONTINUOUS`, `STD_SINGLERESTART`).
pub const SPC_REP_OTHER_MODES: [i64; 7] = [0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000, 0x8000];
/// `SPC_REP_STD_SEQUENCE`.
pub const SPC_REP_STD_SEQUENCE: i64 = 0x40000;
/// `SPC_CM_INTPLL`.
pub const SPC_CM_INTPLL: i64 = 0x1;
/// `SPC_CM_EXTREFCLOCK`.
pub const SPC_CM_EXTREFCLOCK: i64 = 0x20;

/// `SPCM_STOPLVL_TRISTATE`.
pub const SPCM_STOPLVL_TRISTATE: i64 = 0x1;
/// `SPCM_STOPLVL_LOW`.
pub const SPCM_STOPLVL_LOW: i64 = 0x2;
/// `SPCM_STOPLVL_HIGH`.
pub const SPCM_STOPLVL_HIGH: i64 = 0x4;
/// `SPCM_STOPLVL_HOLDLAST`.
pub const SPCM_STOPLVL_HOLDLAST: i64 = 0x8;
/// `SPCM_STOPLVL_ZERO`.
pub const SPCM_STOPLVL_ZERO: i64 = 0x10;

/// `SPC_TMASK_NONE`: no trigger source (only forced triggers).
pub const SPC_TMASK_NONE: i64 = 0x0;
/// `SPC_TMASK_SOFTWARE`: a trigger at start.
pub const SPC_TMASK_SOFTWARE: i64 = 0x1;
/// `SPC_TMASK_EXT0`.
pub const SPC_TMASK_EXT0: i64 = 0x2;
/// `SPC_TMASK_EXT1`.
pub const SPC_TMASK_EXT1: i64 = 0x4;
/// `SPC_TM_NONE`: input disabled.
pub const SPC_TM_NONE: i64 = 0x0;
/// `SPC_TM_POS`: rising edge.
pub const SPC_TM_POS: i64 = 0x1;
/// `SPC_TM_NEG`: falling edge.
pub const SPC_TM_NEG: i64 = 0x2;
/// `SPC_TM_BOTH`: either edge.
pub const SPC_TM_BOTH: i64 = 0x4;
/// `COUPLING_DC`.
pub const COUPLING_DC: i64 = 0;
/// `COUPLING_AC`.
pub const COUPLING_AC: i64 = 1;

/// `SEQSTAT_STEPCHANGE`: flag in `SPC_SEQMODE_STATUS`.
pub const SEQSTAT_STEPCHANGE: i64 = 0x8000_0000;
/// `SPCSEQ_SEGMENTMASK` (low word of a step).
pub const SPCSEQ_SEGMENTMASK: u64 = 0x0000_FFFF;
/// `SPCSEQ_NEXTSTEPMASK` (low word of a step).
pub const SPCSEQ_NEXTSTEPMASK: u64 = 0xFFFF_0000;
/// `SPCSEQ_LOOPMASK` (high word of a step).
pub const SPCSEQ_LOOPMASK: u64 = 0x000F_FFFF;
/// `SPCSEQ_ENDLOOPONTRIG` (high word of a step).
pub const SPCSEQ_ENDLOOPONTRIG: u64 = 0x4000_0000;
/// `SPCSEQ_END` (high word of a step).
pub const SPCSEQ_END: u64 = 0x8000_0000;

// ---- error codes ---------------------------------------------------------------------

/// `ERR_OK`.
pub const ERR_OK: u32 = 0x0000;
/// `ERR_INIT`: error while initialising the card.
pub const ERR_INIT: u32 = 0x0001;
/// `ERR_TYP`: unknown card type.
pub const ERR_TYP: u32 = 0x0003;
/// `ERR_INVALIDHANDLE`.
pub const ERR_INVALIDHANDLE: u32 = 0x0009;
/// `ERR_BOARDNOTFOUND`.
pub const ERR_BOARDNOTFOUND: u32 = 0x000A;
/// `ERR_BOARDINUSE`.
pub const ERR_BOARDINUSE: u32 = 0x000B;
/// `ERR_LASTERR`: an earlier error has not been read with `spcm_dwGetErrorInfo_i32`.
pub const ERR_LASTERR: u32 = 0x0010;
/// `ERR_REG`: unknown register.
pub const ERR_REG: u32 = 0x0100;
/// `ERR_VALUE`: value out of range.
pub const ERR_VALUE: u32 = 0x0101;
/// `ERR_FEATURE`: option not installed.
pub const ERR_FEATURE: u32 = 0x0102;
/// `ERR_SEQUENCE`: command order not allowed.
pub const ERR_SEQUENCE: u32 = 0x0103;
/// `ERR_TIMEOUT`.
pub const ERR_TIMEOUT: u32 = 0x0107;
/// `ERR_EXCEEDSINT32`: value does not fit the 32-bit call.
pub const ERR_EXCEEDSINT32: u32 = 0x0109;
/// `ERR_NOWRITEALLOWED`: read-only register.
pub const ERR_NOWRITEALLOWED: u32 = 0x010A;
/// `ERR_CHANNEL`: channel selection not allowed.
pub const ERR_CHANNEL: u32 = 0x0110;
/// `ERR_RUNNING`: not allowed while the card runs.
pub const ERR_RUNNING: u32 = 0x0120;
/// `ERR_DIRMISMATCH`: transfer direction does not match the card.
pub const ERR_DIRMISMATCH: u32 = 0x0141;
/// `ERR_SEGMENTINMEM`: segment does not fit its memory slot.
pub const ERR_SEGMENTINMEM: u32 = 0x0143;
/// `ERR_INTERNAL_ERROR`.
pub const ERR_INTERNAL_ERROR: u32 = 0xFFFF;

/// Name of a driver error code (`ERR_VALUE`), or `ERR_?` for codes not listed here.
pub fn error_name(code: u32) -> &'static str {
    match code {
        ERR_OK => "ERR_OK",
        ERR_INIT => "ERR_INIT",
        ERR_TYP => "ERR_TYP",
        ERR_INVALIDHANDLE => "ERR_INVALIDHANDLE",
        ERR_BOARDNOTFOUND => "ERR_BOARDNOTFOUND",
        ERR_BOARDINUSE => "ERR_BOARDINUSE",
        ERR_LASTERR => "ERR_LASTERR",
        ERR_REG => "ERR_REG",
        ERR_VALUE => "ERR_VALUE",
        ERR_FEATURE => "ERR_FEATURE",
        ERR_SEQUENCE => "ERR_SEQUENCE",
        ERR_TIMEOUT => "ERR_TIMEOUT",
        ERR_EXCEEDSINT32 => "ERR_EXCEEDSINT32",
        ERR_NOWRITEALLOWED => "ERR_NOWRITEALLOWED",
        ERR_CHANNEL => "ERR_CHANNEL",
        ERR_RUNNING => "ERR_RUNNING",
        ERR_DIRMISMATCH => "ERR_DIRMISMATCH",
        ERR_SEGMENTINMEM => "ERR_SEGMENTINMEM",
        ERR_INTERNAL_ERROR => "ERR_INTERNAL_ERROR",
        _ => "ERR_?",
    }
}

/// Name of a register for messages (`SPC_AMP1`, `SPC_SEQMODE_STEPMEM0+5`), or
/// `register <n>` for registers not listed here.
pub fn register_name(reg: i32) -> String {
    let fixed = match reg {
        SPC_M2CMD => "SPC_M2CMD",
        SPC_M2STATUS => "SPC_M2STATUS",
        SPC_MIINST_MODULES => "SPC_MIINST_MODULES",
        SPC_MIINST_CHPERMODULE => "SPC_MIINST_CHPERMODULE",
        SPC_MIINST_BYTESPERSAMPLE => "SPC_MIINST_BYTESPERSAMPLE",
        SPC_MIINST_MAXADCVALUE => "SPC_MIINST_MAXADCVALUE",
        SPC_MIINST_MINADCLOCK => "SPC_MIINST_MINADCLOCK",
        SPC_MIINST_MAXADCLOCK => "SPC_MIINST_MAXADCLOCK",
        SPC_GETDRVVERSION => "SPC_GETDRVVERSION",
        SPC_PCITYP => "SPC_PCITYP",
        SPC_FNCTYPE => "SPC_FNCTYPE",
        SPC_PCISERIALNO => "SPC_PCISERIALNO",
        SPC_PCIMEMSIZE => "SPC_PCIMEMSIZE",
        SPC_PCIFEATURES => "SPC_PCIFEATURES",
        SPC_CARDMODE => "SPC_CARDMODE",
        SPC_CHENABLE => "SPC_CHENABLE",
        SPC_SAMPLERATE => "SPC_SAMPLERATE",
        SPC_CLOCKOUT => "SPC_CLOCKOUT",
        SPC_REFERENCECLOCK => "SPC_REFERENCECLOCK",
        SPC_CLOCKMODE => "SPC_CLOCKMODE",
        SPC_TRIG_TERM => "SPC_TRIG_TERM",
        SPC_TRIG_EXT0_ACDC => "SPC_TRIG_EXT0_ACDC",
        SPC_TRIG_ORMASK => "SPC_TRIG_ORMASK",
        SPC_TRIG_ANDMASK => "SPC_TRIG_ANDMASK",
        SPC_TRIG_EXT0_MODE => "SPC_TRIG_EXT0_MODE",
        SPC_TRIG_EXT1_MODE => "SPC_TRIG_EXT1_MODE",
        SPC_TRIG_DELAY => "SPC_TRIG_DELAY",
        SPC_TRIG_EXT0_LEVEL0 => "SPC_TRIG_EXT0_LEVEL0",
        SPC_TRIG_EXT1_LEVEL0 => "SPC_TRIG_EXT1_LEVEL0",
        SPC_MEMTEST => "SPC_MEMTEST",
        SPC_TIMEOUT => "SPC_TIMEOUT",
        SPC_SEQMODE_AVAILMAXSEGMENT => "SPC_SEQMODE_AVAILMAXSEGMENT",
        SPC_SEQMODE_AVAILMAXSTEPS => "SPC_SEQMODE_AVAILMAXSTEPS",
        SPC_SEQMODE_AVAILMAXLOOP => "SPC_SEQMODE_AVAILMAXLOOP",
        SPC_SEQMODE_MAXSEGMENTS => "SPC_SEQMODE_MAXSEGMENTS",
        SPC_SEQMODE_WRITESEGMENT => "SPC_SEQMODE_WRITESEGMENT",
        SPC_SEQMODE_STARTSTEP => "SPC_SEQMODE_STARTSTEP",
        SPC_SEQMODE_SEGMENTSIZE => "SPC_SEQMODE_SEGMENTSIZE",
        SPC_SEQMODE_STATUS => "SPC_SEQMODE_STATUS",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    if (SPC_SEQMODE_STEPMEM0..=SPC_SEQMODE_STEPMEM_LAST).contains(&reg) {
        return format!("SPC_SEQMODE_STEPMEM0+{}", reg - SPC_SEQMODE_STEPMEM0);
    }
    if let Some(ch) = channel_of(reg, SPC_AMP0) {
        return format!("SPC_AMP{ch}");
    }
    if let Some(ch) = channel_of(reg, SPC_ENABLEOUT0) {
        return format!("SPC_ENABLEOUT{ch}");
    }
    if (SPC_CH0_STOPLEVEL..SPC_CH0_STOPLEVEL + 8).contains(&reg) {
        return format!("SPC_CH{}_STOPLEVEL", reg - SPC_CH0_STOPLEVEL);
    }
    format!("register {reg}")
}

/// The channel of a per-channel analog register (`base + n * CHANNEL_STRIDE`, `n < 8`).
pub fn channel_of(reg: i32, base: i32) -> Option<u32> {
    let d = reg - base;
    (d >= 0 && d % CHANNEL_STRIDE == 0 && d / CHANNEL_STRIDE < 8)
        .then_some((d / CHANNEL_STRIDE) as u32)
}

/// `SPC_AMPn`.
pub fn amp_register(channel: u32) -> i32 {
    SPC_AMP0 + CHANNEL_STRIDE * channel as i32
}

/// `SPC_ENABLEOUTn`.
pub fn enable_out_register(channel: u32) -> i32 {
    SPC_ENABLEOUT0 + CHANNEL_STRIDE * channel as i32
}

/// `SPC_CHn_STOPLEVEL`.
pub fn stop_level_register(channel: u32) -> i32 {
    SPC_CH0_STOPLEVEL + channel as i32
}

/// Model name from a type code (`0x76622` -> `M4i.6622-x8`).
pub fn model_name(type_code: i64) -> String {
    let (series, suffix) = match type_code & TYP_SERIESMASK {
        0x0003_0000 => ("M2i", ""),
        0x0004_0000 => ("M2i", "-exp"),
        0x0005_0000 => ("M3i", ""),
        0x0006_0000 => ("M3i", "-exp"),
        TYP_M4IEXPSERIES => ("M4i", "-x8"),
        0x0008_0000 => ("M4x", "-x4"),
        0x0009_0000 => ("M2p", "-x4"),
        0x000A_0000 => ("M5i", "-x16"),
        _ => return format!("card type 0x{type_code:06x}"),
    };
    format!("{series}.{:x}{suffix}", type_code & TYP_VERSIONMASK)
}

//! Card description, card settings, segments, steps and status.

use abi_stable::std_types::{RSlice, RStr, RString, RVec};
use abi_stable::StableAbi;

/// Minimum segment length for one enabled-channel count.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinSegment {
    /// Number of enabled channels.
    pub channels: u32,
    /// Minimum segment length in samples per channel.
    pub samples: u64,
}

/// Optional card features, as bit flags.
#[repr(transparent)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CardFeatures(pub u32);

impl CardFeatures {
    /// One segment of unchanged length can be rewritten while the card plays.
    pub const HOT_SWAP: CardFeatures = CardFeatures(1 << 0);
    /// The backend can report what it played ([`PlaybackTrace`]).
    pub const PLAYBACK_TRACE: CardFeatures = CardFeatures(1 << 1);
    /// Segment memory can be read back for verification.
    pub const MEMORY_READBACK: CardFeatures = CardFeatures(1 << 2);
    /// A software trigger can be forced.
    pub const SOFTWARE_TRIGGER: CardFeatures = CardFeatures(1 << 3);
    /// An external trigger input exists.
    pub const EXTERNAL_TRIGGER: CardFeatures = CardFeatures(1 << 4);
    /// Sequence-replay mode exists.
    pub const SEQUENCE_REPLAY: CardFeatures = CardFeatures(1 << 5);

    /// True when every flag of `other` is set.
    pub fn contains(self, other: CardFeatures) -> bool {
        self.0 & other.0 == other.0
    }

    /// Union of two flag sets.
    pub fn with(self, other: CardFeatures) -> CardFeatures {
        CardFeatures(self.0 | other.0)
    }

    /// Names of the flags set.
    pub fn names(self) -> Vec<&'static str> {
        let all = [
            (CardFeatures::HOT_SWAP, "hot-swap"),
            (CardFeatures::PLAYBACK_TRACE, "playback-trace"),
            (CardFeatures::MEMORY_READBACK, "memory-readback"),
            (CardFeatures::SOFTWARE_TRIGGER, "software-trigger"),
            (CardFeatures::EXTERNAL_TRIGGER, "external-trigger"),
            (CardFeatures::SEQUENCE_REPLAY, "sequence-replay"),
        ];
        all.iter()
            .filter(|(f, _)| self.contains(*f))
            .map(|(_, n)| *n)
            .collect()
    }
}

/// A card's limits and features, returned once by `describe()`.
///
/// The host quantises segment lengths from these figures, never from constants.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct CardInfo {
    /// Card model (e.g. `M4i.6622-x8`).
    pub model: RString,
    /// Serial number, or a description of the stand-in.
    pub serial: RString,
    /// Driver / firmware description.
    pub driver: RString,
    /// Number of output channels installed.
    pub max_channels: u32,
    /// Numbers of enabled channels the card accepts (e.g. 1, 2, 4).
    pub channel_counts: RVec<u32>,
    /// Lowest sample rate, Hz.
    pub min_sample_rate_hz: f64,
    /// Highest sample rate, Hz.
    pub max_sample_rate_hz: f64,
    /// Card code of full scale used for compilation (e.g. 32767).
    pub full_scale_code: i32,
    /// Output amplitude range per channel, mV.
    pub min_amplitude_mv: f64,
    /// Output amplitude range per channel, mV.
    pub max_amplitude_mv: f64,
    /// Installed sample memory, bytes.
    pub memory_bytes: u64,
    /// Bytes per sample and channel.
    pub bytes_per_sample: u32,
    /// Segment lengths must be multiples of this many samples.
    pub step_samples: u64,
    /// Minimum segment length per enabled-channel count.
    pub min_segment_samples: RVec<MinSegment>,
    /// Largest number of segment slots (a power of two).
    pub max_segments: u32,
    /// Largest number of sequence steps.
    pub max_steps: u32,
    /// Largest loop count of a step.
    pub max_loops: u64,
    /// Optional features.
    pub features: CardFeatures,
}

impl CardInfo {
    /// Minimum segment length for `channels` enabled channels, if the card accepts that count.
    pub fn min_segment_for(&self, channels: u32) -> Option<u64> {
        self.min_segment_samples
            .iter()
            .find(|m| m.channels == channels)
            .map(|m| m.samples)
    }
}

/// What the outputs do after the card stops.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopLevel {
    /// Output 0 V.
    Zero,
    /// Output the most negative code.
    Low,
    /// Output the most positive code.
    High,
    /// Keep the last sample.
    HoldLast,
    /// High impedance.
    Tristate,
}

/// Trigger source.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerSource {
    /// Only software (forced) triggers.
    Software,
    /// External trigger input 0.
    Ext0,
    /// External trigger input 1.
    Ext1,
}

/// Trigger edge of an external source.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerEdge {
    /// Rising edge.
    Rising,
    /// Falling edge.
    Falling,
    /// Either edge.
    Both,
}

/// Input coupling of an external trigger.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coupling {
    /// DC coupled.
    Dc,
    /// AC coupled.
    Ac,
}

/// Trigger settings.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq)]
pub struct TriggerSettings {
    /// Source.
    pub source: TriggerSource,
    /// Edge (external sources).
    pub edge: TriggerEdge,
    /// Threshold, mV (external sources).
    pub level_mv: f64,
    /// Coupling (external sources).
    pub coupling: Coupling,
    /// 50 Ω termination (external sources).
    pub termination_50ohm: bool,
    /// Delay from trigger to reaction, samples.
    pub delay_samples: u64,
}

impl Default for TriggerSettings {
    /// A software trigger without delay; the fields of the external inputs at
    /// rest (rising edge, 0 mV, DC, no termination).
    fn default() -> Self {
        TriggerSettings {
            source: TriggerSource::Software,
            edge: TriggerEdge::Rising,
            level_mv: 0.0,
            coupling: Coupling::Dc,
            termination_50ohm: false,
            delay_samples: 0,
        }
    }
}

/// Clock source.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSource {
    /// Internal PLL.
    InternalPll,
    /// Internal PLL locked to an external reference clock.
    ExternalReference,
}

/// Clock settings.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq)]
pub struct ClockSettings {
    /// Source.
    pub source: ClockSource,
    /// Frequency of the external reference, Hz (0 for the internal PLL).
    pub reference_hz: f64,
    /// Whether the card drives its clock output.
    pub output_enabled: bool,
}

impl Default for ClockSettings {
    /// The internal PLL, no reference, clock output off.
    fn default() -> Self {
        ClockSettings {
            source: ClockSource::InternalPll,
            reference_hz: 0.0,
            output_enabled: false,
        }
    }
}

/// Settings of one enabled output channel.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq)]
pub struct ChannelSettings {
    /// Hardware channel index.
    pub index: u32,
    /// Output amplitude (full scale), mV.
    pub amplitude_mv: f64,
    /// Level after stop.
    pub stop_level: StopLevel,
}

/// Everything `configure` sets on a card.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct CardSettings {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Enabled channels, ascending by index.
    pub channels: RVec<ChannelSettings>,
    /// Trigger.
    pub trigger: TriggerSettings,
    /// Clock.
    pub clock: ClockSettings,
    /// Driver timeout for blocking calls, ms (0: none).
    pub timeout_ms: u32,
}

impl CardSettings {
    /// Settings that enable `channels` (hardware indices, ascending) at
    /// `amplitude_mv` each with `stop_level`, at `sample_rate_hz`, with the default
    /// trigger (software) and clock (internal PLL) and no driver timeout. Change
    /// the fields for anything else.
    pub fn new(
        sample_rate_hz: f64,
        channels: &[u32],
        amplitude_mv: f64,
        stop_level: StopLevel,
    ) -> CardSettings {
        CardSettings {
            sample_rate_hz,
            channels: channels
                .iter()
                .map(|&index| ChannelSettings {
                    index,
                    amplitude_mv,
                    stop_level,
                })
                .collect(),
            trigger: TriggerSettings::default(),
            clock: ClockSettings::default(),
            timeout_ms: 0,
        }
    }
}

/// One segment's card data.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy)]
pub struct SegmentData<'a> {
    /// Segment slot the data goes to.
    pub index: u32,
    /// Name for messages.
    pub name: RStr<'a>,
    /// Samples per channel.
    pub n_samples: u64,
    /// Number of interleaved channels.
    pub n_channels: u32,
    /// Card codes, interleaved sample by sample (`ch0[0], ch1[0], ch0[1], ...`).
    pub samples: RSlice<'a, i16>,
}

/// How a step ends.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepEnd {
    /// After `loops` repetitions.
    Always,
    /// After the repetition in progress when a trigger has arrived.
    OnTrigger,
    /// After `loops` repetitions, and the sequence stops.
    EndOfSequence,
}

/// One sequence step.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Step index.
    pub index: u32,
    /// Segment slot it plays.
    pub segment: u32,
    /// Step that follows.
    pub next: u32,
    /// Repetitions (1 for `OnTrigger` steps: repeated until the trigger).
    pub loops: u64,
    /// How it ends.
    pub end: StepEnd,
}

/// A whole program for a full upload.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy)]
pub struct UploadProgram<'a> {
    /// Segment slots, indices `0..segments.len()`.
    pub segments: RSlice<'a, SegmentData<'a>>,
    /// Steps, indices `0..steps.len()`.
    pub steps: RSlice<'a, Step>,
    /// Step played first after start.
    pub start_step: u32,
    /// A JSON object describing the program (digest, segment names and
    /// fingerprints, sample rate, quantisation), for backends that record it.
    pub metadata_json: RStr<'a>,
}

/// What an upload did.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Default)]
pub struct UploadReport {
    /// Bytes written to card memory.
    pub bytes: u64,
    /// Segments written.
    pub segments: u32,
    /// Segment slots configured (a power of two).
    pub slots: u32,
    /// Steps written.
    pub steps: u32,
}

/// What the card is doing.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct CardStatus {
    /// Playing.
    pub running: bool,
    /// Step being played, when known.
    pub current_step: abi_stable::std_types::ROption<u32>,
    /// Anything else worth showing (driver status word, warnings).
    pub detail: RString,
}

/// One played instance of a segment.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayedInstance {
    /// First sample of the instance in the played stream.
    pub start_sample: u64,
    /// Step that played it.
    pub step: u32,
    /// Segment slot played.
    pub segment: u32,
    /// Repetition index within the step (0-based).
    pub loop_index: u64,
    /// Samples played (the segment length, or less where playback ended).
    pub n_samples: u64,
}

/// What a backend played since `start`, for backends with
/// [`CardFeatures::PLAYBACK_TRACE`].
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct PlaybackTrace {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Total samples played per channel.
    pub total_samples: u64,
    /// Every instance in order.
    pub instances: RVec<PlayedInstance>,
    /// Files written (played stream, trace), if any.
    pub files: RVec<RString>,
    /// Triggers seen, as sample positions.
    pub triggers: RVec<u64>,
}

"""AWG Segment Factory from Python.

Build programs with the reference library's builder (``AWGProgramBuilder``), read
and write them in its JSON layout or TOML (``IntentIR``, same digests), compile them
to per-segment int16 numpy arrays and the step table (``compile``), and play them on
a card, hot-swapping changed segments while it plays and rearranging atoms from
an occupancy (``Session``).

Plugins (synthesis backends, cards) are shared libraries found in the config's
``plugin_dirs``, then in the directories of ``$AWGSF_PLUGIN_PATH`` (a Python
process's executable is the interpreter, so they are not found next to it).
"""

from ._awgsf import (
    DEFAULT_THRESHOLD,
    PLUGIN_PATH_ENV,
    AWGProgramBuilder,
    AwgsfError,
    CalibrationError,
    Compiled,
    ConfigError,
    ConformanceError,
    HardwareError,
    IntentIR,
    InternalError,
    Interrupted,
    IoError,
    LogicalChannelView,
    ParallelBlock,
    PlotError,
    PluginError,
    ProgramError,
    RearrangeError,
    Session,
    SynthesisError,
    UsageError,
    VerificationError,
    __version__,
    compile,
    presets,
)


__all__ = [
    "DEFAULT_THRESHOLD",
    "PLUGIN_PATH_ENV",
    "AWGProgramBuilder",
    "AwgsfError",
    "CalibrationError",
    "Compiled",
    "ConfigError",
    "ConformanceError",
    "HardwareError",
    "IntentIR",
    "InternalError",
    "Interrupted",
    "IoError",
    "LogicalChannelView",
    "ParallelBlock",
    "PlotError",
    "PluginError",
    "ProgramError",
    "RearrangeError",
    "Session",
    "SynthesisError",
    "UsageError",
    "VerificationError",
    "__version__",
    "compile",
    "presets",
]

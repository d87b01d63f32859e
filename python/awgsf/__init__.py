"""AWG Segment Factory from Python.

Build programs with the reference library's builder (``AWGProgramBuilder``), read
and write them in its JSON layout or TOML (``IntentIR``, same digests), compile them
to per-segment int16 numpy arrays and the step table (``compile``), and play them on
a card, hot-swapping changed segments while it plays (``Session``).

Plugins (synthesis backends, cards) are shared libraries found in the config's
``plugin_dirs``, then the directories in ``$AWGSF_PLUGIN_PATH``; a wheel that ships
them in ``awgsf/plugins/`` adds that directory to the end of ``$AWGSF_PLUGIN_PATH``
on import.
"""

import os as _os

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
    Session,
    SynthesisError,
    UsageError,
    VerificationError,
    __version__,
    compile,
    presets,
)


def _add_bundled_plugins() -> None:
    bundled = _os.path.join(_os.path.dirname(__file__), "plugins")
    if not _os.path.isdir(bundled):
        return
    current = _os.environ.get(PLUGIN_PATH_ENV, "")
    dirs = [d for d in current.split(_os.pathsep) if d]
    if bundled not in dirs:
        _os.environ[PLUGIN_PATH_ENV] = _os.pathsep.join(dirs + [bundled])


_add_bundled_plugins()

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
    "Session",
    "SynthesisError",
    "UsageError",
    "VerificationError",
    "__version__",
    "compile",
    "presets",
]

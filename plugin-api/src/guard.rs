//! Plain Rust traits that plugins implement, and the panic guard that adapts them to
//! the FFI-safe trait objects.
//!
//! A panic must never unwind across the boundary (it would abort the host), so every
//! call from the host into a plugin runs inside [`guarded`], which turns a panic into
//! a [`PluginError`] of kind [`ErrorKind::PANIC`](crate::ErrorKind::PANIC).

use std::panic::{catch_unwind, AssertUnwindSafe};

use abi_stable::std_types::{ROption, RResult, RSliceMut};

use crate::card::{
    CardInfo, CardSettings, CardStatus, PlaybackTrace, SegmentData, UploadProgram, UploadReport,
};
use crate::error::{ErrorKind, PluginError, PluginResult};
use crate::module::{Card, Synthesizer};
use crate::plan::{RenderJob, SynthInfo};

/// Runs `f`, turning a panic into an error naming `what`.
pub fn guarded<T>(what: &str, f: impl FnOnce() -> PluginResult<T>) -> RResult<T, PluginError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => RResult::ROk(v),
        Ok(Err(e)) => RResult::RErr(e),
        Err(payload) => {
            let text = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic payload".to_string()
            };
            RResult::RErr(PluginError::new(
                ErrorKind::PANIC,
                format!("panic in {what}: {text}"),
            ))
        }
    }
}

/// A synthesis backend, written as ordinary Rust.
pub trait SynthesisBackend: Send + Sync + 'static {
    /// What the backend is and can do.
    fn describe(&self) -> PluginResult<SynthInfo>;
    /// Renders every job (see [`Synthesizer::render`]).
    fn render(&self, jobs: &mut [RenderJob<'_>]) -> PluginResult<()>;
}

/// A card backend, written as ordinary Rust.
pub trait HardwareBackend: Send + 'static {
    /// The card's limits and features.
    fn describe(&self) -> PluginResult<CardInfo>;
    /// See [`Card::configure`].
    fn configure(&mut self, settings: &CardSettings) -> PluginResult<()>;
    /// See [`Card::upload`].
    fn upload(&mut self, program: &UploadProgram<'_>) -> PluginResult<UploadReport>;
    /// See [`Card::update_segment`].
    fn update_segment(&mut self, segment: &SegmentData<'_>) -> PluginResult<()>;
    /// See [`Card::start`].
    fn start(&mut self, force_trigger: bool) -> PluginResult<()>;
    /// See [`Card::force_trigger`].
    fn force_trigger(&mut self) -> PluginResult<()>;
    /// See [`Card::stop`].
    fn stop(&mut self) -> PluginResult<()>;
    /// See [`Card::status`].
    fn status(&mut self) -> PluginResult<CardStatus>;
    /// See [`Card::playback`]. Backends that cannot tell return `Ok(None)`.
    fn playback(&mut self) -> PluginResult<Option<PlaybackTrace>> {
        Ok(None)
    }
    /// See [`Card::read_back`]. Backends without memory read-back keep the default.
    fn read_back(&mut self, segment: u32, out: &mut [i16]) -> PluginResult<()> {
        let _ = (segment, out);
        Err(PluginError::unsupported(
            "this card cannot read segment memory back",
        ))
    }
    /// See [`Card::close`].
    fn close(&mut self) -> PluginResult<()>;
}

/// Adapts a [`SynthesisBackend`] or [`HardwareBackend`] to its FFI trait object,
/// guarding every call.
pub struct Guarded<T>(pub T);

impl<T: SynthesisBackend> Synthesizer for Guarded<T> {
    fn describe(&self) -> RResult<SynthInfo, PluginError> {
        guarded("describe", || self.0.describe())
    }

    fn render(&self, mut jobs: RSliceMut<'_, RenderJob<'_>>) -> RResult<(), PluginError> {
        guarded("render", || self.0.render(jobs.as_mut_slice()))
    }
}

impl<T: HardwareBackend> Card for Guarded<T> {
    fn describe(&self) -> RResult<CardInfo, PluginError> {
        guarded("describe", || self.0.describe())
    }

    fn configure(&mut self, settings: &CardSettings) -> RResult<(), PluginError> {
        guarded("configure", || self.0.configure(settings))
    }

    fn upload(&mut self, program: &UploadProgram<'_>) -> RResult<UploadReport, PluginError> {
        guarded("upload", || self.0.upload(program))
    }

    fn update_segment(&mut self, segment: &SegmentData<'_>) -> RResult<(), PluginError> {
        guarded("update_segment", || self.0.update_segment(segment))
    }

    fn start(&mut self, force_trigger: bool) -> RResult<(), PluginError> {
        guarded("start", || self.0.start(force_trigger))
    }

    fn force_trigger(&mut self) -> RResult<(), PluginError> {
        guarded("force_trigger", || self.0.force_trigger())
    }

    fn stop(&mut self) -> RResult<(), PluginError> {
        guarded("stop", || self.0.stop())
    }

    fn status(&mut self) -> RResult<CardStatus, PluginError> {
        guarded("status", || self.0.status())
    }

    fn playback(&mut self) -> RResult<ROption<PlaybackTrace>, PluginError> {
        guarded("playback", || self.0.playback().map(ROption::from))
    }

    fn read_back(&mut self, segment: u32, mut out: RSliceMut<'_, i16>) -> RResult<(), PluginError> {
        guarded("read_back", || {
            self.0.read_back(segment, out.as_mut_slice())
        })
    }

    fn close(&mut self) -> RResult<(), PluginError> {
        guarded("close", || self.0.close())
    }
}

/// Name of the symbol abi_stable looks up in a plugin library (its
/// `ROOT_MODULE_LOADER_NAME`); checked by a test so an abi_stable upgrade cannot
/// silently break loading.
pub const ROOT_MODULE_SYMBOL: &str = "_1as_0lib_1header_0root_bmodule_bloader";

/// Exports the library header abi_stable looks for, like `#[export_root_module]`
/// but with paths through this crate, so that plugins need no direct dependency on
/// abi_stable.
#[doc(hidden)]
#[macro_export]
macro_rules! __awgsf_export_root {
    ($loader:ident, $modref:ty) => {
        /// The library header the host reads first: abi_stable's root-module loader.
        #[no_mangle]
        #[allow(non_upper_case_globals)]
        pub static _1as_0lib_1header_0root_bmodule_bloader: $crate::abi_stable::library::LibHeader = {
            extern "C" fn __awgsf_erased_module() -> $crate::abi_stable::library::RootModuleResult {
                $crate::abi_stable::library::__call_root_module_loader($loader)
            }
            unsafe {
                $crate::abi_stable::library::LibHeader::from_constructor::<$modref>(
                    __awgsf_erased_module,
                    $crate::abi_stable::library::CheckTypeLayout::Yes,
                )
            }
        };
    };
}

/// What [`export_synthesis_plugin!`](crate::export_synthesis_plugin) and
/// [`export_hardware_plugin!`](crate::export_hardware_plugin) both expand to: the library header, the root module of the role, and `info`, `probe` and
/// `open` wrapped so that no panic crosses the boundary.
#[doc(hidden)]
#[macro_export]
macro_rules! __awgsf_export_plugin {
    (
        root: $root:ident,
        module: $module:ident,
        module_ref: $modref:ident,
        role: $role:ident,
        object: $object:ident,
        boxed: $boxed:ident,
        info: $info:expr,
        probe: $probe:expr,
        open: $open:expr $(,)?
    ) => {
        $crate::__awgsf_export_root!($root, $crate::$modref);

        /// The plugin's root module.
        pub fn $root() -> $crate::$modref {
            use $crate::abi_stable::prefix_type::PrefixTypeTrait;
            $crate::$module {
                info: __awgsf_info,
                probe: __awgsf_probe,
                open: __awgsf_open,
            }
            .leak_into_prefix()
        }

        extern "C" fn __awgsf_info() -> $crate::PluginInfo {
            match ::std::panic::catch_unwind(|| ($info)()) {
                Ok(info) => info,
                Err(_) => $crate::PluginInfo::new(
                    "unknown",
                    "unknown",
                    $crate::PluginRole::$role,
                    "info() panicked",
                ),
            }
        }

        extern "C" fn __awgsf_probe(
            settings: $crate::abi_stable::std_types::RStr<'_>,
        ) -> $crate::Probe {
            let settings = settings.as_str();
            match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| ($probe)(settings)))
            {
                Ok(p) => p,
                Err(_) => $crate::Probe::unavailable("probe panicked"),
            }
        }

        extern "C" fn __awgsf_open(
            settings: $crate::abi_stable::std_types::RStr<'_>,
        ) -> $crate::abi_stable::std_types::RResult<$crate::$boxed, $crate::PluginError> {
            let settings = settings.as_str();
            $crate::guarded("open", || {
                let backend = ($open)(settings)?;
                Ok($crate::$object::from_value(
                    $crate::guard::Guarded(backend),
                    $crate::abi_stable::sabi_trait::TD_Opaque,
                ))
            })
        }
    };
}

/// Exports a synthesis plugin.
///
/// ```ignore
/// awgsf_plugin_api::export_synthesis_plugin! {
///     info: || PluginInfo::new("my-synth", env!("CARGO_PKG_VERSION"), PluginRole::Synthesis, "..."),
///     probe: |settings: &str| Probe::available("CPU", ""),
///     open: |settings: &str| -> PluginResult<MySynth> { MySynth::new(settings) },
/// }
/// ```
#[macro_export]
macro_rules! export_synthesis_plugin {
    (info: $info:expr, probe: $probe:expr, open: $open:expr $(,)?) => {
        $crate::__awgsf_export_plugin! {
            root: awgsf_synthesis_root_module,
            module: SynthesisMod,
            module_ref: SynthesisModRef,
            role: Synthesis,
            object: Synthesizer_TO,
            boxed: SynthesizerBox,
            info: $info,
            probe: $probe,
            open: $open,
        }
    };
}

/// Exports a hardware plugin. Same shape as
/// [`export_synthesis_plugin!`](crate::export_synthesis_plugin), with `open`
/// returning a [`HardwareBackend`].
#[macro_export]
macro_rules! export_hardware_plugin {
    (info: $info:expr, probe: $probe:expr, open: $open:expr $(,)?) => {
        $crate::__awgsf_export_plugin! {
            root: awgsf_hardware_root_module,
            module: HardwareMod,
            module_ref: HardwareModRef,
            role: Hardware,
            object: Card_TO,
            boxed: CardBox,
            info: $info,
            probe: $probe,
            open: $open,
        }
    };
}

//! Commands about the machine rather than a program's samples: `plugins`,
//! `config check` and the real-rig `smoke` test.

use std::path::{Path, PathBuf};
use std::time::Instant;

use awgsf_plugin_api::{CardFeatures, PluginRole};
use serde::Serialize;

use crate::report::table::{new_table, seconds, wrap};
use awgsf_core::config::{CardFigures, Config, MemoryFigures, PluginRef, SegmentUse};
use awgsf_core::error::{exit, Error};
use awgsf_core::machine::{open_card, search_path};
use awgsf_core::pipeline::{quantize, resolve, QuantLimits};
use awgsf_core::plugins::{probe_file, LoadError, SearchPath};
use awgsf_core::program::builder::ChannelOps;
use awgsf_core::program::{InterpKind, LoadedProgram, ProgramBuilder};
use awgsf_core::session::{JobOptions, Session};

use super::args::{ConfigCheckArgs, PluginsArgs, SmokeArgs};
use super::basic::load;
use super::run::load_config;

fn json_out<T: Serialize>(v: &T) -> Result<i32, Error> {
    println!(
        "{}",
        serde_json::to_string_pretty(v).map_err(|e| Error::Internal(e.to_string()))?
    );
    Ok(exit::OK)
}

/// One row of `awgsf plugins`.
#[derive(Debug, Serialize)]
struct PluginRow {
    name: String,
    role: String,
    version: String,
    api_version: String,
    file: String,
    /// Why the file was found: the search-path entry of its directory
    /// (`config plugin_dirs`, `AWGSF_PLUGIN_PATH`, `binary directory`, ...), or
    /// `config backend path` for a file the config names.
    found_in: String,
    available: bool,
    device: String,
    detail: String,
}

/// `awgsf plugins`.
pub fn plugins(a: &PluginsArgs) -> Result<i32, Error> {
    let config = load_config(&a.config)?;
    let sp = search_path(&config);
    let rows: Vec<PluginRow> = plugin_files(&config, &sp)
        .into_iter()
        .filter_map(|(path, named_by_config)| {
            let found_in = found_in(&sp, &path, named_by_config);
            let mut row = plugin_row(&config, &path, named_by_config)?;
            row.found_in = found_in;
            Some(row)
        })
        .collect();
    if a.json {
        return json_out(&rows);
    }
    print_plugins(&rows, &sp);
    Ok(exit::OK)
}

/// Plugins found by name in the search path, then those the config names by path
/// (any file name: a third-party plugin need not be called `awgsf_*`); true for
/// the files the config names.
fn plugin_files(config: &Config, sp: &SearchPath) -> Vec<(PathBuf, bool)> {
    let mut files: Vec<(PathBuf, bool)> = sp.all_files().into_iter().map(|f| (f, false)).collect();
    let configured = std::iter::once(&config.hardware.backend)
        .chain(std::iter::once(&config.synthesis.backend))
        .chain(config.synthesis.fallbacks.iter());
    for r in configured {
        if let PluginRef::Path(p) = r {
            match files.iter_mut().find(|(f, _)| f == p) {
                Some(found) => found.1 = true,
                None => files.push((p.clone(), true)),
            }
        }
    }
    files
}

/// Why `path` was found: the search-path entry of its directory, or the config
/// naming it.
fn found_in(sp: &SearchPath, path: &Path, named_by_config: bool) -> String {
    let dir = path.parent();
    match sp.dirs.iter().find(|(d, _)| Some(d.as_path()) == dir) {
        Some((_, why)) => (*why).to_string(),
        None if named_by_config => "config backend path".into(),
        None => String::new(),
    }
}

/// The settings the config gives the plugin `name` at `path`: a plugin is the
/// config's backend when named by its plugin name or by its file.
fn plugin_settings(config: &Config, name: &str, path: &Path) -> String {
    let is = |r: &PluginRef| match r {
        PluginRef::Name(n) => n == name,
        PluginRef::Path(p) => p == path,
    };
    if is(&config.hardware.backend) {
        config.hardware.settings_json()
    } else if config.synthesis.candidates().any(is) {
        config.synthesis.settings_json(name)
    } else {
        "{}".into()
    }
}

/// The row of one plugin file, probed with its settings; `None` for a library that
/// is no plugin and that the config does not name.
fn plugin_row(config: &Config, path: &Path, named_by_config: bool) -> Option<PluginRow> {
    let file = path.display().to_string();
    match probe_file(path) {
        Ok((pf, info)) => {
            let name = info.name.to_string();
            let settings = plugin_settings(config, &name, path);
            let probe = match pf.role {
                PluginRole::Synthesis => {
                    awgsf_core::plugins::load_synthesis(path).map(|p| p.probe(&settings))
                }
                PluginRole::Hardware => {
                    awgsf_core::plugins::load_hardware(path).map(|p| p.probe(&settings))
                }
            };
            let (available, device, detail) = match probe {
                Ok(p) => (p.available, p.device.to_string(), p.detail.to_string()),
                Err(e) => (false, String::new(), e.to_string()),
            };
            Some(PluginRow {
                name,
                role: pf.role.as_str().into(),
                version: info.version.to_string(),
                api_version: pf.api_version,
                file,
                found_in: String::new(),
                available,
                device,
                detail,
            })
        }
        // Other libraries in the plugin directories are not listed; a file the
        // config names is, with why it cannot be used.
        Err(LoadError::NotAPlugin { .. }) if !named_by_config => None,
        Err(e) => Some(PluginRow {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            role: "?".into(),
            version: "?".into(),
            api_version: "?".into(),
            file,
            found_in: String::new(),
            available: false,
            device: String::new(),
            detail: e.to_string(),
        }),
    }
}

/// The plugins as a table, then the directories searched.
fn print_plugins(rows: &[PluginRow], sp: &SearchPath) {
    let mut t = new_table(
        &[
            "plugin",
            "role",
            "version (API)",
            "runs here",
            "found in",
            "device / detail",
        ],
        &[false; 6],
    );
    for r in rows {
        let what = match (r.device.is_empty(), r.detail.is_empty()) {
            (false, false) => format!("{} — {}", r.device, r.detail),
            (false, true) => r.device.clone(),
            _ => r.detail.clone(),
        };
        t.add_row(vec![
            r.name.clone(),
            r.role.clone(),
            format!("{} ({})", r.version, r.api_version),
            if r.available { "yes" } else { "no" }.into(),
            match sp
                .dirs
                .iter()
                .position(|(d, _)| Some(d.as_path()) == Path::new(&r.file).parent())
            {
                Some(i) => format!("[{}] {}", i + 1, r.found_in),
                None => r.found_in.clone(),
            },
            what,
        ]);
    }
    println!("{}\nsearched, in order:", t.trim_fmt());
    for (i, (d, why)) in sp.dirs.iter().enumerate() {
        println!(
            "{}",
            wrap(&format!("  [{}] {} ({why})", i + 1, d.display()), "      ")
        );
    }
}

#[derive(Serialize)]
struct ConfigCheck {
    config: String,
    card: CardFigures,
    memory: Option<MemoryFigures>,
}

fn segment_uses(loaded: &LoadedProgram, figures: &CardFigures) -> Result<Vec<SegmentUse>, Error> {
    let q = &figures.quantisation;
    let r = resolve(&loaded.program, figures.sample_rate_hz).map_err(|e| loaded.locate(e))?;
    let limits = QuantLimits {
        step_samples: q.step_samples,
        min_segment_samples: q.card_min_segment_samples,
        quantum_s: q.requested_quantum_s,
    };
    let qp = quantize(&r, &limits).map_err(|e| loaded.locate(e))?;
    Ok(SegmentUse::of_program(&qp))
}

/// `awgsf config check`.
pub fn config_check(a: &ConfigCheckArgs) -> Result<i32, Error> {
    let config = load_config(&a.config)?;
    let sp = search_path(&config);
    let mut card = open_card(&config, &sp)?;
    let figures = CardFigures::compute(&config, &card.info);
    let _ = card.close();
    let figures = figures?;
    let program = match (&a.preset, &a.program) {
        (Some(p), _) => Some(load(&format!("preset:{p}"))?),
        (None, Some(p)) => Some(load(p)?),
        (None, None) => None,
    };
    let memory = match &program {
        Some(l) => Some(MemoryFigures::compute(
            &figures,
            &segment_uses(l, &figures)?,
        )),
        None => None,
    };
    let source = config
        .source()
        .map_or("built-in defaults".to_string(), |p| p.display().to_string());
    if a.json {
        return json_out(&ConfigCheck {
            config: source,
            card: figures,
            memory,
        });
    }
    println!("{source}: valid\n\n{figures}");
    if let Some(m) = &memory {
        println!("\n{m}");
        if !m.fits() {
            m.check()?;
        }
    }
    Ok(exit::OK)
}

/// A short program for the smoke test: a triggered hold and a chirp on every
/// mapped channel.
fn smoke_program(config: &Config) -> LoadedProgram {
    let mut b = ProgramBuilder::new();
    let names: Vec<String> = config.setup.map.keys().cloned().collect();
    for n in &names {
        b = b
            .logical_channel(n)
            .define(&format!("{n}_tone"), n, [10e6], [100.0]);
    }
    b = b.segment("armed").wait_trig();
    for n in &names {
        b = b.tones(n).use_def(&format!("{n}_tone"));
    }
    b = b.hold(40e-6).segment("chirp");
    for n in &names {
        b = b.tones(n).move_by(1e6, 0.0);
    }
    b = b.hold(0.0);
    if let Some(n) = names.first() {
        b = b.tones(n).move_by(-1e6, 100e-6).kind(InterpKind::MinJerk);
    }
    LoadedProgram {
        program: b.build_unchecked(),
        source: "smoke test program".into(),
        source_map: Default::default(),
    }
}

#[derive(Debug, Serialize)]
struct SmokeStep {
    step: String,
    pass: bool,
    detail: String,
    seconds: f64,
}

/// The steps of a smoke test so far.
#[derive(Default)]
struct SmokeLog(Vec<SmokeStep>);

impl SmokeLog {
    /// Records a step started at `t`; true when it passed.
    fn record(&mut self, step: &str, t: Instant, r: Result<String, String>) -> bool {
        let pass = r.is_ok();
        self.0.push(SmokeStep {
            step: step.into(),
            pass,
            detail: r.unwrap_or_else(|e| e),
            seconds: t.elapsed().as_secs_f64(),
        });
        pass
    }
}

/// `awgsf smoke`: each step is run and reported pass/fail; the card is stopped and
/// closed at the end whatever happened.
pub fn smoke(a: &SmokeArgs) -> Result<i32, Error> {
    let config = load_config(&a.config)?;
    let mut log = SmokeLog::default();
    let t = Instant::now();
    let session = Session::open(config.clone()).map_err(|e| e.to_string());
    let ok = log.record(
        "open plugins and card",
        t,
        session
            .as_ref()
            .map(|s| {
                format!(
                    "{} {} via {}",
                    s.card.info.model, s.card.info.serial, s.card.plugin.info.name
                )
            })
            .map_err(|e| e.clone()),
    );
    if let (true, Ok(s)) = (ok, session) {
        smoke_open_card(&mut log, s, &config);
    }
    report_smoke(&log.0, a.json)
}

/// The steps on an open card: play the smoke program, then stop, read back and
/// close whatever happened.
fn smoke_open_card(log: &mut SmokeLog, mut s: Session, config: &Config) {
    let ok = smoke_play(log, &mut s, config);
    let t = Instant::now();
    let r = s
        .card
        .stop()
        .map(|_| "stopped".to_string())
        .map_err(|e| e.to_string());
    log.record("stop", t, r);
    // Cards read memory back only while stopped (the memory-test mode).
    if ok && s.card.info.features.contains(CardFeatures::MEMORY_READBACK) {
        let t = Instant::now();
        let r = read_back_all(&mut s);
        log.record("read segments back", t, r);
    } else if ok {
        log.record(
            "read segments back",
            Instant::now(),
            Ok("not supported by this card (skipped)".into()),
        );
    }
    let t = Instant::now();
    let r = s
        .close()
        .map(|_| "closed".to_string())
        .map_err(|e| e.to_string());
    log.record("close", t, r);
}

/// Uploads and starts the smoke program; when that worked, forces the trigger,
/// reads the status and hot-swaps a segment. True when the upload worked.
fn smoke_play(log: &mut SmokeLog, s: &mut Session, config: &Config) -> bool {
    let t = Instant::now();
    let opts = JobOptions {
        force_trigger: false,
        verify: true,
        threshold_fs: awgsf_core::verify::DEFAULT_THRESHOLD,
    };
    let run = s.run(smoke_program(config), &opts);
    let ok = log.record(
        "compile, configure, upload, start (armed)",
        t,
        run.as_ref()
            .map(|r| {
                format!(
                    "{} segments, {} bytes; {}",
                    r.segments,
                    r.card_bytes,
                    r.continuity
                        .as_ref()
                        .map(|c| c.summary())
                        .unwrap_or_default()
                )
            })
            .map_err(|e| e.to_string()),
    );
    if !ok {
        return false;
    }
    let t = Instant::now();
    let r = s
        .card
        .force_trigger()
        .map(|_| "trigger forced".to_string())
        .map_err(|e| e.to_string());
    log.record("force trigger", t, r);
    let t = Instant::now();
    let r = s
        .card
        .status()
        .map(|st| {
            let step = st
                .current_step
                .into_option()
                .map_or("unknown".to_string(), |s| s.to_string());
            format!(
                "{}, step {step}, {}",
                if st.running { "running" } else { "stopped" },
                st.detail
            )
        })
        .map_err(|e| e.to_string());
    log.record("status", t, r);
    let t = Instant::now();
    if s.card.info.features.contains(CardFeatures::HOT_SWAP) {
        let r = rewrite_first_slot(s);
        log.record("hot-swap one segment (same data)", t, r);
    } else {
        log.record(
            "hot-swap one segment",
            t,
            Ok("not supported by this card (skipped)".into()),
        );
    }
    true
}

/// Prints the steps (a table, or JSON) and gives the exit code: OK when every
/// step passed.
fn report_smoke(steps: &[SmokeStep], json: bool) -> Result<i32, Error> {
    let all = steps.iter().all(|s| s.pass);
    if json {
        json_out(&steps)?;
    } else {
        let mut t = new_table(
            &["step", "result", "time", "detail"],
            &[false, false, true, false],
        );
        for s in steps {
            t.add_row(vec![
                s.step.clone(),
                if s.pass { "PASS" } else { "FAIL" }.into(),
                seconds(s.seconds),
                s.detail.clone(),
            ]);
        }
        println!(
            "{}\n{}",
            t.trim_fmt(),
            if all {
                "smoke test passed"
            } else {
                "smoke test FAILED"
            }
        );
    }
    Ok(if all { exit::OK } else { exit::HARDWARE })
}

/// Rewrites slot 0 with its own data while the card plays.
fn rewrite_first_slot(s: &mut Session) -> Result<String, String> {
    let on_card = s.on_card.as_ref().ok_or("nothing uploaded")?;
    let seg = on_card.slots.segment_of_slot[0];
    let data = &on_card.samples[seg];
    let name = on_card.planned.quantized.segments[seg].segment.name.clone();
    s.card
        .update_segment(0, &name, data.n_samples, data.n_channels, &data.codes)
        .map(|_| format!("segment '{name}' rewritten while playing"))
        .map_err(|e| e.to_string())
}

/// Reads every slot back and compares it with what was uploaded.
fn read_back_all(s: &mut Session) -> Result<String, String> {
    let on_card = s.on_card.as_ref().ok_or("nothing uploaded")?;
    let mut bad = Vec::new();
    for (slot, &seg) in on_card.slots.segment_of_slot.iter().enumerate() {
        let want = &on_card.samples[seg].codes;
        let mut got = vec![0i16; want.len()];
        s.card
            .read_back(slot as u32, &mut got)
            .map_err(|e| e.to_string())?;
        if &got != want {
            bad.push(slot);
        }
    }
    if bad.is_empty() {
        Ok(format!(
            "{} slots identical to what was uploaded",
            on_card.slots.segment_of_slot.len()
        ))
    } else {
        Err(format!("slots {bad:?} differ from what was uploaded"))
    }
}

//! The `awgsf` command line: argument parsing, dispatch, and exit codes.

mod args;
mod basic;
mod bench;
mod calib;
mod card_cmds;
mod check_backends;
mod check_plugin;
mod compile;
mod plot;
mod rearrange;
mod run;
mod signals;
mod watch;

use clap::{CommandFactory, FromArgMatches};

pub use args::{Cli, Command};

use awgsf_core::error::{exit, Error};

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    register_build_tree();
    let parsed = Cli::command()
        .after_help(exit::summary())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

/// Lets an installed binary (`cargo install --path host`) find the plugins of the
/// build tree it was compiled from, searched after every documented place.
fn register_build_tree() {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    awgsf_core::plugins::discovery::set_build_tree(
        awgsf_core::plugins::discovery::build_tree_dirs(
            &workspace,
            option_env!("CARGO_TARGET_DIR"),
            !cfg!(debug_assertions),
        ),
    );
}

fn dispatch(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Inspect(a) => basic::inspect(&a),
        Command::Presets(a) => basic::presets(&a),
        Command::Convert(a) => basic::convert(&a),
        Command::Run(a) => {
            signals::install()?;
            run::run(&a)
        }
        Command::Bench(a) => bench::bench(&a),
        Command::BenchWorker(a) => bench::worker(&a),
        Command::Compile(a) => compile::compile(&a),
        Command::Plugins(a) => card_cmds::plugins(&a),
        Command::Config(args::ConfigCommand::Check(a)) => card_cmds::config_check(&a),
        Command::Smoke(a) => {
            signals::install()?;
            card_cmds::smoke(&a)
        }
        Command::Calib(args::CalibCommand::Fit(a)) => calib::fit(&a),
        Command::Plot(a) => plot::plot(&a),
        Command::CheckBackends(a) => check_backends::check(&a),
        Command::CheckPlugin(a) => check_plugin::check(&a),
        Command::Rearrange(a) => {
            signals::install()?;
            rearrange::rearrange(&a)
        }
    }
}

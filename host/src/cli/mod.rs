//! The `awgsf` command line: argument parsing, dispatch, and exit codes.

mod args;
mod basic;
mod bench;
mod calib;
mod card_cmds;
mod check_backends;
mod compile;
mod plot;
mod run;
mod watch;

use clap::Parser;

pub use args::{Cli, Command};

use crate::error::{exit, Error};

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
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

fn dispatch(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Inspect(a) => basic::inspect(&a),
        Command::Presets(a) => basic::presets(&a),
        Command::Convert(a) => basic::convert(&a),
        Command::Run(a) => run::run(&a),
        Command::Bench(a) => bench::bench(&a),
        Command::BenchWorker(a) => bench::worker(&a),
        Command::Compile(a) => compile::compile(&a),
        Command::Plugins(a) => card_cmds::plugins(&a),
        Command::Config(args::ConfigCommand::Check(a)) => card_cmds::config_check(&a),
        Command::Smoke(a) => card_cmds::smoke(&a),
        Command::Calib(args::CalibCommand::Fit(a)) => calib::fit(&a),
        Command::Plot(a) => plot::plot(&a),
        Command::CheckBackends(a) => check_backends::check(&a),
    }
}

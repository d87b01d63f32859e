//! The `awgsf` binary.

fn main() {
    std::process::exit(awgsf::cli::main());
}

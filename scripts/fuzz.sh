#!/usr/bin/env bash
# Fuzzes the input readers (TOML and JSON programs, configs, setup files, measured
# calibration data) for longer than `cargo test` does: crates/core/tests/core/fuzz_readers.rs
# with AWGSF_FUZZ_CASES cases per reader, in rounds until the time is up.
#
#   scripts/fuzz.sh [MINUTES] [CASES_PER_ROUND]     (defaults: 20 minutes, 20000)
#
# FUZZ_CARGO_FLAGS (default --release) selects the build, e.g. FUZZ_CARGO_FLAGS= for
# the debug build that `cargo test` already made. Each round draws new random inputs. A panic stops the round; proptest prints the
# shrunk input that caused it. The log goes to target/fuzz.log; the script exits
# non-zero when any round failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-20}"
cases="${2:-20000}"
log="${CARGO_TARGET_DIR:-$root/target}/fuzz.log"
mkdir -p "$(dirname "$log")"
: >"$log"

cd "$root"
flags="${FUZZ_CARGO_FLAGS---release}"
# shellcheck disable=SC2086
cargo test $flags -p awgsf-core --test core --no-run >>"$log" 2>&1 || {
    echo "build failed, see $log" >&2
    exit 2
}

end=$(($(date +%s) + minutes * 60))
rounds=0
failed=0
while [ "$(date +%s)" -lt "$end" ]; do
    rounds=$((rounds + 1))
    echo "== round $rounds, $cases cases per reader, $(date -u +%FT%TZ)" >>"$log"
    # shellcheck disable=SC2086
    if ! AWGSF_FUZZ_CASES="$cases" cargo test $flags -p awgsf-core --test core fuzz_readers \
        >>"$log" 2>&1; then
        failed=$((failed + 1))
        echo "round $rounds failed, see $log" >&2
    fi
done
echo "$rounds rounds of $cases cases per reader, $failed failed; log: $log"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Builds the awgsf Python package into a local virtualenv (python/.venv, made on
# first use with maturin, numpy and pytest from PyPI) and runs its tests
# (python/tests/). The tests load the plugin files and compare results with the
# `awgsf` binary, both built here first. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# One absolute target directory for cargo and maturin alike (maturin runs in
# python/, where a relative one would point elsewhere).
target=${CARGO_TARGET_DIR:-target}
case $target in
    /*) ;;
    *) target=$root/$target ;;
esac
export CARGO_TARGET_DIR=$target

cargo build -p awgsf -p awgsf-cpu-simd -p awgsf-simulator -p awgsf-file-sink

venv=$root/python/.venv
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
if [ ! -x "$venv/bin/maturin" ] || ! "$venv/bin/python" -c "import numpy, pytest" 2>/dev/null; then
    "$venv/bin/pip" install --quiet maturin numpy pytest
fi
(cd python && VIRTUAL_ENV=$venv "$venv/bin/maturin" develop --quiet)

# A Python process's executable is the interpreter, so the plugins are not found
# next to it: point the search path at the build directory.
AWGSF_PLUGIN_PATH=$target/debug AWGSF_BIN=$target/debug/awgsf \
    "$venv/bin/python" -m pytest -q python/tests "$@"

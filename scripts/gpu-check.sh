#!/usr/bin/env bash
# The GPU check. Run on a machine with an NVIDIA GPU, from the repository root, with
# the bundle built by scripts/gpu-bundle.sh copied to target/gpu-bundle (or, without
# it, target/release/awgsf, the plugins beside it and the awgsf-cuda test executables
# in target/release/deps). Builds nothing; needs the NVIDIA driver and NVRTC (a CUDA
# toolkit's lib64, or the nvidia-cuda-nvrtc Python wheel).
#
#   1. nvidia-smi
#   2. every awgsf-cuda test executable (GPU suite, NVRTC compile, emulated kernel,
#      unit tests), with their output
#   3. awgsf check-backends: cpu-simd against cuda on the golden cases, the presets
#      and 300 random programs
#   4. awgsf bench of the cuda backend (mol_exp, large, huge) as JSON
#   5. the criterion benchmark of the huge workload
#
# Logs and results go to $OUT when set (else out/gpu-check). Exits non-zero when any
# step failed; every step runs regardless.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bundle="${AWGSF_GPU_BUNDLE:-$root/target/gpu-bundle}"
out="${OUT:-$root/out/gpu-check}"
config="configs/gpu-check.toml"
mkdir -p "$out"

# Without a bundle, use a release build tree carried over as it is: the binary and
# plugins in target/release, the newest test executables in target/release/deps.
if [ ! -x "$bundle/awgsf" ] && [ -x "$root/target/release/awgsf" ]; then
    bundle="$(mktemp -d)"
    trap 'rm -rf "$bundle"' EXIT
    mkdir -p "$bundle/tests"
    ln -s "$root"/target/release/awgsf "$root"/target/release/libawgsf_*.so "$bundle/"
    for name in gpu nvrtc emulated unavailable awgsf_cuda; do
        newest="$(find "$root/target/release/deps" -maxdepth 1 -type f -perm -u+x \
            -name "$name-*" ! -name '*.*' -printf '%T@ %p\n' 2>/dev/null | sort -n | tail -1 | cut -d' ' -f2-)"
        if [ -n "$newest" ]; then ln -s "$newest" "$bundle/tests/$name"; fi
    done
fi
if [ ! -x "$bundle/awgsf" ]; then
    echo "no $bundle/awgsf: build the bundle with scripts/gpu-bundle.sh and copy it here" >&2
    exit 2
fi

# NVRTC is often outside the loader's default path: add the usual toolkit
# directories and the Python wheels' library directories.
extra=""
for d in "${CUDA_HOME:-}" "${CUDA_PATH:-}" /usr/local/cuda /opt/cuda; do
    if [ -n "$d" ] && [ -d "$d/lib64" ]; then extra="$extra:$d/lib64"; fi
done
for d in /usr/local/cuda-*/lib64; do
    if [ -d "$d" ]; then extra="$extra:$d"; fi
done
if command -v python3 >/dev/null; then
    wheels="$(python3 - <<'PY' 2>/dev/null
import glob, os, site, sys
roots = site.getsitepackages() + [site.getusersitepackages()]
dirs = []
for r in roots:
    dirs += glob.glob(os.path.join(r, "nvidia", "*", "lib"))
print(":".join(sorted(set(dirs))))
PY
)"
    if [ -n "$wheels" ]; then extra="$extra:$wheels"; fi
fi
export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:-}${extra}"
export AWGSF_PLUGIN_PATH="$bundle"
export CRITERION_HOME="$out/criterion"
# On the GPU machine a skipped GPU or NVRTC test is a failure, not a pass.
export AWGSF_REQUIRE="${AWGSF_REQUIRE:-cuda,nvrtc}"

status=0
# step NAME COMMAND...: runs COMMAND, output to the terminal and $out/NAME.log.
step() {
    local name="$1"
    shift
    echo
    echo "=== $name: $*"
    "$@" 2>&1 | tee "$out/$name.log"
    local rc="${PIPESTATUS[0]}"
    echo "=== $name: exit $rc"
    if [ "$rc" -ne 0 ]; then status=1; fi
}

{
    echo "date: $(date -u +%FT%TZ)"
    echo "host: $(uname -a)"
    echo "glibc: $(ldd --version 2>/dev/null | head -1)"
    echo "LD_LIBRARY_PATH: $LD_LIBRARY_PATH"
} | tee "$out/environment.log"

step nvidia-smi nvidia-smi
for t in "$bundle"/tests/*; do
    [ -x "$t" ] || continue
    step "test-$(basename "$t")" "$t" --nocapture
done
step check-backends "$bundle/awgsf" check-backends --config "$config" \
    --a cpu-simd --b cuda --random 300
echo
echo "=== bench: awgsf bench --backend cuda (JSON to $out/bench.json)"
"$bundle/awgsf" bench --config "$config" --backend cuda --workload mol_exp,large,huge --json \
    >"$out/bench.json" 2>"$out/bench.log"
rc=$?
cat "$out/bench.log" "$out/bench.json"
echo "=== bench: exit $rc"
if [ "$rc" -ne 0 ]; then status=1; fi
if [ -x "$bundle/benches/render" ]; then
    step criterion "$bundle/benches/render" --bench
fi

echo
echo "gpu-check: $([ "$status" -eq 0 ] && echo passed || echo FAILED); logs in $out"
exit "$status"

#!/usr/bin/env bash
# Builds what the GPU check needs and gathers it, stripped, in one directory that
# can be copied to a GPU machine (which needs no Rust toolchain):
#
#   <bundle>/awgsf                  the host binary
#   <bundle>/libawgsf_*.so          every plugin (found next to the binary)
#   <bundle>/tests/<name>           the awgsf-cuda test executables
#   <bundle>/benches/render         the awgsf-cuda criterion benchmark
#
# Usage: scripts/gpu-bundle.sh [BUNDLE_DIR]   (default: target/gpu-bundle)
# Then, on the GPU machine, from the repository root: scripts/gpu-check.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="${1:-$root/target/gpu-bundle}"
cd "$root"

cargo build --release --workspace
tests_json="$(mktemp)"
trap 'rm -f "$tests_json"' EXIT
cargo test --release -p awgsf-cuda --no-run --message-format=json >"$tests_json"
cargo bench -p awgsf-cuda --no-run --message-format=json >>"$tests_json"

rm -rf "$bundle"
mkdir -p "$bundle/tests" "$bundle/benches"
cp target/release/awgsf "$bundle/"
cp target/release/libawgsf_*.so "$bundle/"

# Each compiler artifact with an executable, as "kind name path" lines.
python3 - "$tests_json" >"$bundle/.artifacts" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        msg = json.loads(line)
    except ValueError:
        continue
    if msg.get("reason") != "compiler-artifact" or not msg.get("executable"):
        continue
    target = msg["target"]
    if not target["src_path"].replace("\\", "/").count("/plugins/cuda/"):
        continue
    kind = target["kind"][0]
    if kind not in ("test", "bench"):
        kind = "unit" if msg["profile"]["test"] else None
    if kind:
        print(kind, target["name"], msg["executable"])
PY
while read -r kind name path; do
    case "$kind" in
        test) cp "$path" "$bundle/tests/$name" ;;
        bench) cp "$path" "$bundle/benches/$name" ;;
        unit) cp "$path" "$bundle/tests/unit" ;;
    esac
done <"$bundle/.artifacts"
rm -f "$bundle/.artifacts"

find "$bundle" -type f \( -name 'awgsf' -o -name '*.so' -o -path '*/tests/*' -o -path '*/benches/*' \) \
    -exec strip --strip-debug {} +
echo "bundle: $bundle ($(du -sh "$bundle" | cut -f1))"
ls -l "$bundle" "$bundle/tests" "$bundle/benches"
echo "highest glibc symbol version needed: $(objdump -T "$bundle"/awgsf "$bundle"/*.so "$bundle"/tests/* 2>/dev/null \
    | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"

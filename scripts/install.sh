#!/usr/bin/env bash
# Installs awgsf into a prefix, the layout an installed binary searches for its
# plugins (see docs/install.md):
#
#   <prefix>/bin/awgsf                 the command
#   <prefix>/lib/awgsf/libawgsf_*.so   the plugins (cpu-simd, cuda, simulator,
#                                      file-sink, spcm)
#   <prefix>/share/awgsf/configs/      the shipped configs and preset programs
#
# Usage: scripts/install.sh [--prefix DIR] [--from PROFILE_DIR]
#   --prefix  where to install (default: $HOME/.local)
#   --from    take the files from this build profile directory (e.g. target/debug)
#             instead of building target/release first
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${HOME}/.local"
from=""
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2"; shift 2 ;;
        --from) from="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

if [ -z "$from" ]; then
    (cd "$root" && cargo build --release --workspace)
    from="${CARGO_TARGET_DIR:-$root/target}/release"
fi
if [ ! -x "$from/awgsf" ]; then
    echo "install.sh: no awgsf binary in $from (build the workspace first)" >&2
    exit 1
fi

mkdir -p "$prefix/bin" "$prefix/lib/awgsf" "$prefix/share/awgsf"
install -m 755 "$from/awgsf" "$prefix/bin/awgsf"
found=0
for f in "$from"/libawgsf_*.so "$from"/libawgsf_*.dylib; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in
        # The emulated Spectrum driver is a test fixture, not a plugin.
        libawgsf_spcm_emulator.*) continue ;;
    esac
    install -m 644 "$f" "$prefix/lib/awgsf/"
    found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
    echo "install.sh: no plugin libraries in $from" >&2
    exit 1
fi
rm -rf "$prefix/share/awgsf/configs"
cp -R "$root/configs" "$prefix/share/awgsf/configs"
echo "installed $prefix/bin/awgsf and $found plugins in $prefix/lib/awgsf"

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# clang-tidy (the checks of .clang-tidy: the naming rules) over macf's own sources in the
# compile database of BUILD_DIR, in parallel; exit 1 on any finding.
#   scripts/clang-tidy.sh [BUILD_DIR] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
jobs="${2:-$(nproc)}"
command -v clang-tidy >/dev/null || { echo "SKIP: clang-tidy is not installed (Debian: clang-tidy)"; exit 77; }
[[ -f "$build/compile_commands.json" ]] || { echo "no $build/compile_commands.json: configure first"; exit 1; }
root=$(pwd)
# Our translation units (not tests, benchmarks, fuzz targets or CUDA sources).
mapfile -t files < <(python3 - "$build/compile_commands.json" "$root" <<'PY'
import json, sys
root = sys.argv[2]
seen = set()
for e in json.load(open(sys.argv[1])):
    f = e["file"]
    rel = f[len(root) + 1:] if f.startswith(root + "/") else None
    if rel and rel.split("/")[0] in {"dex", "chain", "cuda", "host", "python"} and rel.endswith(".cpp") and rel not in seen:
        seen.add(rel)
        print(rel)
PY
)
echo "clang-tidy: ${#files[@]} files, $jobs at a time"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -I{} sh -c \
    'clang-tidy -p "$0" --quiet --extra-arg=-Wno-unknown-warning-option "{}" 2>/dev/null || echo "FAILED: {}"' "$build" \
    >"$out"
grep -E "warning:|error:|FAILED:" "$out" | sort -u || true
if grep -qE "error:|FAILED:" "$out"; then
    echo "clang-tidy: findings above"
    exit 1
fi
echo "clang-tidy: clean"

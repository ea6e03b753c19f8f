#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One command from a fresh Debian 12 machine (as root or a sudoer) to a running macf.
#   scripts/setup.sh demo   install what is missing, build, scan the bundled sample market
#   scripts/setup.sh test   install what is missing, build with tests, run the whole suite
# Idempotent: installs only missing packages and reuses the build folder.
# Environment: BUILD_DIR (default build), MACF_CUDA (AUTO|ON|OFF, default AUTO),
#              JOBS (default: all cores).
set -euo pipefail

cd "$(dirname "$0")/.."
mode="${1:-}"
case "$mode" in
    demo | test) ;;
    *)
        echo "usage: $0 demo|test" >&2
        exit 2
        ;;
esac

build_dir="${BUILD_DIR:-build}"
jobs="${JOBS:-$(nproc)}"

# Debian packages macf builds with (CUDA 13 is used from /usr/local/cuda when present).
packages=(build-essential cmake ninja-build pkg-config
          libsimdjson-dev libspdlog-dev libfmt-dev libcli11-dev libboost-dev libcrypto++-dev libssl-dev
          libsecp256k1-dev libtomlplusplus-dev python3-dev pybind11-dev)
if [[ "$mode" == test ]]; then
    # clang + libFuzzer for the fuzz test, clang-tidy for the naming rules, pytest for the
    # Python package; Node.js for the local EVM test node (tools/evm).
    packages+=(libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-dev clang-tidy
               gnuplot-nox python3-pytest python3-pytest-asyncio)
    command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} > 0)); then
    sudo_cmd=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
        sudo_cmd=(sudo)
    fi
    echo "setup: installing ${missing[*]}"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    echo "setup: all Debian packages present"
fi

if [[ "$mode" == test ]]; then
    # The pinned npm packages of the test node (Hardhat + the real Uniswap bytecode), from the
    # committed lock file; skipped when already installed from the same lock.
    if [[ ! -f tools/evm/node_modules/.package-lock.json ]] ||
        ! cmp -s tools/evm/package-lock.json tools/evm/node_modules/.macf-lock; then
        echo "setup: npm ci in tools/evm"
        (cd tools/evm && npm ci --no-audit --no-fund --loglevel=error &&
            cp package-lock.json node_modules/.macf-lock)
    fi
fi

tests=OFF
[[ "$mode" == test ]] && tests=ON
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DMACF_CUDA="${MACF_CUDA:-AUTO}" -DMACF_BUILD_TESTS="$tests" -DMACF_BUILD_BENCH="$tests"
cmake --build "$build_dir" -j "$jobs"

if [[ "$mode" == demo ]]; then
    "$build_dir/host/macf" scan --market data/sample-market.json --mode all --repeat 3 --top 5
else
    # CPU tests everywhere; the gpu-labelled ones skip with their reason where no GPU is usable.
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
fi

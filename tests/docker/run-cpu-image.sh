#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the CPU image and starts macf in it: `macf --help`, then the image's default command
# (every mode on the bundled sample market). Exit 77 (a ctest skip) when no Docker engine answers
# (scripts/docker-engine.sh starts one on a Debian machine). The CUDA image cannot be built here:
# its nvidia/cuda base is not reachable (docker/README.md).
#   tests/docker/run-cpu-image.sh REPO_ROOT
set -euo pipefail
root=$1
cd "$root"
if ! docker info >/dev/null 2>&1; then
    echo "SKIP: no Docker engine answers (scripts/docker-engine.sh starts one)"
    exit 77
fi
tag=macf:cpu-test
docker build --network host -q -f docker/Dockerfile.cpu -t "$tag" . >/dev/null
docker run --rm --network host "$tag" --help | grep -q "serve" || { echo "macf --help failed in the image"; exit 1; }
out=$(docker run --rm --network host "$tag" 2>&1) || { echo "$out" | tail -n 20; echo "the image's default command failed"; exit 1; }
echo "$out" | grep -q "opportunities" || { echo "$out" | tail -n 20; echo "no opportunities in the output"; exit 1; }
echo "run-cpu-image: macf starts in the CPU image and scans the bundled market in every mode"

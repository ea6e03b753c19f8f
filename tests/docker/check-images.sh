#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What can be checked of the images without a Docker engine: every Dockerfile builds through
# scripts/setup.sh or the pinned npm lock, runs as a non-root user, copies only paths that
# exist; the compose file names existing Dockerfiles, publishes ports on 127.0.0.1 only, and
# the demo node script and its configuration template parse.
#   tests/docker/check-images.sh REPO_ROOT
set -euo pipefail
root=$1
cd "$root"
fail() { echo "check-images: $*"; exit 1; }
for f in docker/Dockerfile.cpu docker/Dockerfile.cuda docker/Dockerfile.node; do
    [[ -f $f ]] || fail "$f is missing"
    grep -q '^USER ' "$f" || fail "$f does not switch to a non-root user"
    ! grep -q '^USER root' "$f" || fail "$f runs as root"
    # COPY sources (not --from stages) must exist in the build context.
    while read -r src; do
        [[ "$src" == "." || -e "$src" ]] || fail "$f copies $src, which does not exist"
    done < <(grep -E '^COPY ' "$f" | grep -v -- '--from=' | sed -E 's/^COPY (--chown=[^ ]+ )?//' | awk '{for (i = 1; i < NF; ++i) print $i}')
done
grep -q 'scripts/setup.sh demo' docker/Dockerfile.cpu || fail "the CPU image does not build with the README's command"
grep -q 'scripts/setup.sh demo' docker/Dockerfile.cuda || fail "the CUDA image does not build with the README's command"
grep -q 'npm ci' docker/Dockerfile.node || fail "the node image does not install from the lock file"
# compose: the Dockerfiles it names exist; every published port is on loopback.
while read -r df; do
    [[ -f "docker/../$df" ]] || fail "compose names $df, which does not exist"
done < <(grep -E '^\s+dockerfile:' docker/compose.yaml | awk '{print $2}')
while read -r port; do
    [[ "$port" == \"127.0.0.1:* ]] || fail "compose publishes $port beyond loopback"
done < <(grep -E '^\s+- "[0-9.]*:?[0-9]+:[0-9]+"' docker/compose.yaml | awk '{print $2}')
if python3 -c 'import yaml' 2>/dev/null; then
    python3 -c 'import yaml,sys; yaml.safe_load(open("docker/compose.yaml"))' || fail "compose.yaml is not YAML"
fi
bash -n tools/evm/demo-node.sh || fail "demo-node.sh does not parse"
echo "check-images: 3 Dockerfiles and compose.yaml consistent (no engine here: nothing was built)"

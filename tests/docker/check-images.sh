#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What can be checked of the images without a Docker engine: every Dockerfile builds through
# scripts/setup.sh or the pinned npm lock, runs as a non-root user, copies only paths that
# exist; the compose file names existing Dockerfiles, publishes ports on 127.0.0.1 only, and
# the demo node script and its configuration template parse.
# Given the built binary, every shared library it loads must be installed in the CPU image's
# runtime stage (mapped to its Debian package with dpkg -S): macf once failed to start there for
# want of libtomlplusplus.so.3.
#   tests/docker/check-images.sh REPO_ROOT [MACF_BINARY]
set -euo pipefail
root=$1
binary=${2:-}
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
# The host-network override (scripts/compose-demo.sh) names only services of compose.yaml, and
# the node image takes the base it passes.
while read -r service; do
    grep -qE "^  $service:" docker/compose.yaml || fail "compose.host-network.yaml names $service, not in compose.yaml"
done < <(grep -E '^  [a-z-]+:$' docker/compose.host-network.yaml | tr -d ' :')
grep -q '^ARG NODE_BASE=' docker/Dockerfile.node || fail "Dockerfile.node takes no NODE_BASE (compose.host-network.yaml passes one)"
bash -n scripts/compose-demo.sh scripts/node-base-image.sh || fail "the compose demo scripts do not parse"
for service in node macf macf-gpu; do
    python3 - "$service" <<'PY' || fail "compose service $service has no restart policy"
import re, sys
text = open("docker/compose.yaml").read()
block = re.search(r"^  " + re.escape(sys.argv[1]) + r":\n((?:    .*\n|\n)*)", text, re.M)
sys.exit(0 if block and re.search(r"^    restart: (unless-stopped|always|on-failure)", block.group(1), re.M) else 1)
PY
done
grep -q "grep -vE" docker/Dockerfile.cuda || fail "the CUDA image copies libraries by a list of names (it missed one before)"
libraries=0
if [[ -n "$binary" && -x "$binary" ]] && command -v dpkg >/dev/null; then
    runtime=$(awk '/^FROM /{stage++} stage==2' docker/Dockerfile.cpu)
    while read -r lib; do
        pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1 || true)
        [[ -n "$pkg" ]] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)
        [[ -n "$pkg" ]] || fail "no Debian package owns $lib (macf loads it)"
        case "$pkg" in libc6 | libstdc++6 | libgcc-s1) continue ;; esac  # in debian:12-slim
        case "$lib" in */libasan.so* | */libubsan.so* | */liblsan.so* | */libtsan.so*) continue ;; esac  # a sanitizer build
        grep -qw -- "$pkg" <<<"$runtime" || fail "macf loads $lib ($pkg), which the CPU image's runtime stage does not install"
        libraries=$((libraries + 1))
    done < <(ldd "$binary" | awk '/=> \// {print $3}')
fi
echo "check-images: 3 Dockerfiles and compose.yaml consistent, $libraries libraries of macf in the CPU runtime stage (no engine here: nothing was built)"

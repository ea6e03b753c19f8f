#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Without a registry there is no node:20-bookworm-slim: this builds a stand-in, tagged
# macf/node-base:20, from debian:12-slim (scripts/docker-engine.sh) and this machine's own
# Node 20 (/usr/bin/node and npm), with the `node` user (uid 1000) the official image has, and
# this machine's CA bundle (npm reaches the registry through the same TLS path as here, which
# may need a local CA). Does nothing when the tag exists.
#   scripts/node-base-image.sh      then: docker build --build-arg NODE_BASE=macf/node-base:20 ...
set -euo pipefail
tag=macf/node-base:20
docker image inspect "$tag" >/dev/null 2>&1 && exit 0
node_bin=$(readlink -f "$(command -v node)")
npm_dir=/usr/lib/node_modules/npm
[[ "$("$node_bin" --version)" == v20.* ]] || { echo "node-base-image: needs Node 20 here, found $("$node_bin" --version)"; exit 1; }
[[ -d "$npm_dir" ]] || { echo "node-base-image: no npm in $npm_dir"; exit 1; }
context=$(mktemp -d /var/tmp/node-base.XXXXXX)
trap 'rm -rf "$context"' EXIT
cp "$node_bin" "$context/node"
cp -r "$npm_dir" "$context/npm"
cp /etc/ssl/certs/ca-certificates.crt "$context/host-ca.crt"
cat >"$context/Dockerfile" <<'DOCKERFILE'
FROM debian:12-slim
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libstdc++6 ca-certificates \
    && rm -rf /var/lib/apt/lists/* && useradd --create-home --uid 1000 node
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY host-ca.crt /etc/ssl/certs/macf-host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/macf-host-ca.crt npm_config_cafile=/etc/ssl/certs/macf-host-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
DOCKERFILE
docker build --network host -q -t "$tag" "$context" >/dev/null
echo "node-base-image: built $tag from $node_bin ($("$node_bin" --version))"

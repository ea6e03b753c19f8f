#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Starts a Docker engine on a Debian 12 machine that has only the client (like the development
# machines of this project) and provides the debian:12-slim base image without a registry:
# Debian's docker.io with vfs storage and host networking (no bridge, no iptables), and a base
# image built by debootstrap --variant=minbase bookworm and imported. Needs root and the Debian
# mirror; does nothing that is already done.
#   scripts/docker-engine.sh          then: docker build --network host -f docker/Dockerfile.cpu .
set -euo pipefail
log=${MACF_DOCKERD_LOG:-/var/log/macf-dockerd.log}
if ! docker info >/dev/null 2>&1; then
    if ! command -v dockerd >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
    fi
    echo "docker-engine: starting dockerd (vfs storage, no bridge), log in $log"
    nohup dockerd --storage-driver=vfs --bridge=none --iptables=false >"$log" 2>&1 &
    for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        sleep 1
    done
    docker info >/dev/null 2>&1 || { tail -n 20 "$log"; echo "docker-engine: dockerd did not start"; exit 1; }
fi
# An image imported by an earlier version of this script had no PATH and a / of mode 0700 (a
# layer cannot change the mode of /): imported again.
if docker image inspect debian:12-slim >/dev/null 2>&1 &&
    [[ "$(docker run --rm --entrypoint /usr/bin/stat debian:12-slim -c %a /)" != 755 ]]; then
    docker rmi -f debian:12-slim >/dev/null
fi
if ! docker image inspect debian:12-slim >/dev/null 2>&1; then
    command -v debootstrap >/dev/null || {
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    }
    rootfs=$(mktemp -d /var/tmp/bookworm-rootfs.XXXXXX)
    echo "docker-engine: debootstrap bookworm (minbase) into $rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
    chmod 755 "$rootfs"  # mktemp made it 0700: the image's / would shut out every other user
    # An imported image has no environment: PATH set as the official image sets it.
    tar -C "$rootfs" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["bash"]' - debian:12-slim >/dev/null
    rm -rf "$rootfs"
fi
echo "docker-engine: engine up, debian:12-slim present"

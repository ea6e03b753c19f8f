#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The compose demo (docker/compose.yaml) started and checked on a machine like the development
# ones: Debian's docker.io engine and docker-compose, host networking, no registry
# (scripts/docker-engine.sh, scripts/node-base-image.sh; run as root). Checks that macf serves
# the planted opportunities, then kills macf's process from outside and checks that the restart
# policy brings it back and it serves again; stops the demo at the end (`--keep`: leaves it up).
#   scripts/compose-demo.sh [--keep] [--no-build]   (--no-build: the images of an earlier run)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
keep=0
build=1
for arg in "$@"; do
    case "$arg" in
        --keep) keep=1 ;;
        --no-build) build=0 ;;
        *) echo "compose-demo: unknown option $arg"; exit 2 ;;
    esac
done
command -v docker-compose >/dev/null || {
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
}
scripts/docker-engine.sh
scripts/node-base-image.sh
# The demo's files merged, then without their published ports: on the host's network a port
# mapping means nothing, and docker-compose 1.29 refuses the two together.
merged=$(mktemp /tmp/macf-compose.XXXXXX.yaml)
docker-compose -f docker/compose.yaml -f docker/compose.host-network.yaml config |
    python3 -c '
import sys, yaml
c = yaml.safe_load(sys.stdin)
for s in c["services"].values():
    s.pop("ports", None)
yaml.safe_dump(c, sys.stdout)' >"$merged"
compose=(docker-compose -p macf-demo -f "$merged")
stop_demo() {
    [[ $keep -eq 1 ]] || "${compose[@]}" down -v >/dev/null 2>&1 || true
    [[ $keep -eq 1 ]] || rm -f "$merged"
}
trap stop_demo EXIT
start=$(date +%s)
if [[ $build -eq 1 ]]; then
    "${compose[@]}" build -q node macf
    echo "compose-demo: images built in $(($(date +%s) - start)) s"
fi
start=$(date +%s)
"${compose[@]}" up -d --no-build node macf
# until URL PATTERN SECONDS: waits for the URL's body to match.
until_matches() {
    for _ in $(seq 1 $(($3 * 2))); do
        body=$(curl -sf "$1" 2>/dev/null || true)
        if grep -q "$2" <<<"$body"; then return 0; fi
        sleep 0.5
    done
    echo "compose-demo: $1 never matched '$2' (last: ${body:0:300})"
    "${compose[@]}" logs --tail 30 macf node
    return 1
}
until_matches http://127.0.0.1:8080/health '"status":"ok"' 240
until_matches http://127.0.0.1:8080/opportunities '"cycle"' 60
echo "compose-demo: serving opportunities $(($(date +%s) - start)) s after the start"
container=$("${compose[@]}" ps -q macf)
restarts=$(docker inspect -f '{{.RestartCount}}' "$container")
pid=$(docker inspect -f '{{.State.Pid}}' "$container")
kill -KILL "$pid"  # a crash, from outside: the restart policy, not serve, must bring it back
killed=$(date +%s)
for _ in $(seq 1 120); do
    [[ "$(docker inspect -f '{{.RestartCount}}' "$container")" -gt "$restarts" ]] && break
    sleep 0.5
done
[[ "$(docker inspect -f '{{.RestartCount}}' "$container")" -gt "$restarts" ]] ||
    { echo "compose-demo: macf was not restarted after SIGKILL"; exit 1; }
until_matches http://127.0.0.1:8080/health '"status":"ok"' 120
until_matches http://127.0.0.1:8080/opportunities '"cycle"' 60
echo "compose-demo: killed macf restarted by its policy and serving again in $(($(date +%s) - killed)) s"
